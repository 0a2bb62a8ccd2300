//! Every sample trial's pre-screen and result pages, as a patient sees
//! them: no rule language, no UCUM codes, no question about a concept the
//! trial's criteria do not name, the trial's own condition first, and
//! "I don't know" everywhere never "probably do not qualify" (issue 21).

use crate::common::{App, Jar};
use axum::http::StatusCode;

/// Words of the rule language and of machine units that must not reach a
/// patient's page (each seen on these pages before issue 21).
const MACHINE_WORDS: &[&str] = &[
    "not (",
    "any of:",
    "any of 3",
    "(met)",
    "(not met)",
    "(unknown)",
    "not in the record",
    "closed world",
    "needs information a record does not code",
    "vague severity",
    "no threshold",
    "computable",
    "10*9/L",
    "10*3/uL",
    "{INR}",
    "{score}",
    "mL/min/{1.73_m2}",
    "[IU]",
    "mm[Hg]",
    "Your latest NYHA class score",
    "Used by criteria",
    "QuestionnaireResponse",
    "RuleKind",
    "EXCLUSION",
    "INCLUSION",
];

/// The text a reader sees: tags and scripts out, entities read.
fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn machine_words(page: &str) -> Vec<&'static str> {
    let seen = visible(page);
    MACHINE_WORDS
        .iter()
        .copied()
        .filter(|w| seen.contains(w))
        .collect()
}

/// `name="X"` values of the checkboxes and radios that answer "I don't know".
fn dont_know_fields(form: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in form.split("<input ").skip(1) {
        if part.contains(r#"value="dont_know""#)
            && let Some(n) = part
                .split(r#"name=""#)
                .nth(1)
                .and_then(|r| r.split('"').next())
            && !out.iter().any(|x| x == n)
        {
            out.push(n.to_string());
        }
    }
    out
}

#[tokio::test]
async fn every_sample_trials_pages_speak_plain_words() {
    let app = App::new().await;
    let mut checked = 0;
    let mut bad: Vec<String> = Vec::new();
    for r in eligo_ctgov::sample_registry() {
        let t = &r.trial;
        let mut jar = Jar::default();
        let form = app
            .get_with(&format!("/trials/{}/prescreen", t.id), &mut jar)
            .await;
        if form.status == StatusCode::CONFLICT {
            // Known in part, or not enrolling: no pre-screen (tested elsewhere).
            continue;
        }
        assert_eq!(form.status, StatusCode::OK, "{}", t.id);
        checked += 1;
        for w in machine_words(&form.body) {
            bad.push(format!("{} pre-screen: {w:?}", t.id));
        }
        // The trial's own condition comes first when it needs one.
        if t.eligibility.healthy_volunteers != Some(true)
            && t.conditions.iter().any(|c| !c.trim().is_empty())
        {
            let first = form
                .body
                .split(r#"<fieldset class="question""#)
                .nth(1)
                .unwrap_or("");
            let named = t.conditions.iter().any(|c| {
                let c = c.trim();
                !c.is_empty() && visible(first).contains(c)
            });
            if !named {
                bad.push(format!("{}: the first question is not its condition", t.id));
            }
        }
        // "I don't know" to everything, and an empty form.
        let dk = dont_know_fields(&form.body);
        let all: Vec<(&str, &str)> = dk.iter().map(|n| (n.as_str(), "dont_know")).collect();
        for answers in [all, vec![]] {
            let res = app.prescreen(&t.id, &answers, &mut jar).await;
            assert_eq!(res.status, StatusCode::OK, "{}: {}", t.id, res.body);
            if res.body.contains("probably do not qualify") {
                bad.push(format!(
                    "{}: \"probably do not qualify\" with no answers",
                    t.id
                ));
            }
            if !res.body.contains(r#"data-verdict="unknown""#) {
                bad.push(format!("{}: an empty form decided", t.id));
            } else if !res.body.contains("Not decided yet") {
                bad.push(format!("{}: no \"Not decided yet\"", t.id));
            }
            for w in machine_words(&res.body) {
                bad.push(format!("{} result: {w:?}", t.id));
            }
        }
    }
    assert!(checked >= 10, "only {checked} trials pre-screened");
    assert!(bad.is_empty(), "{bad:#?}");
}
