//! Pre-screen and apply over HTTP: the questionnaire, the verdict (the
//! matcher's, on the facts the answers make), CSRF, the stored application
//! and the rate limit.

use crate::common::{App, CHT101_ANSWERS, Jar, attr, esc, hidden};
use axum::http::StatusCode;
use eligo_questionnaire::{self as prescreen, Answers};

#[tokio::test]
async fn the_questionnaire_comes_from_the_computable_criteria() {
    let app = App::new().await;
    let r = app.get("/trials/NCT06946485/prescreen").await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    for id in [
        "q-age",
        "q-sex",
        "q-dx-sle",
        "q-score-sledai-2k",
        "q-bilag",
        "q-lab-creatinine",
        "q-med-glucocorticoid",
    ] {
        assert!(b.contains(&format!(r#"id="{id}""#)), "{id} missing");
    }
    // Units to choose, the lab's ULN for ×ULN rules, "I don't know" everywhere.
    assert!(b.contains(r#"<option value="mg/dL">mg/dL</option>"#));
    assert!(b.contains(r#"<option value="umol/L""#));
    assert!(b.contains(r#"name="lab-alt.uln""#));
    let questions = b.matches(r#"<fieldset class="question""#).count();
    let dont_know = b.matches("I don&#39;t know").count() + b.matches("I don't know").count();
    assert!(
        dont_know >= questions,
        "{dont_know} \"I don't know\" for {questions} questions"
    );
    assert!(
        r.set_cookies()
            .iter()
            .any(|c| c.starts_with("eligo_csrf=") && c.contains("HttpOnly"))
    );
}

#[tokio::test]
async fn a_submitted_prescreen_gets_the_matchers_verdict() {
    let app = App::new().await;
    let mut jar = Jar::default();
    let r = app.prescreen("NCT06946485", CHT101_ANSWERS, &mut jar).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let shown = attr(&r.body, r#"id="verdict""#, "data-verdict");
    // The same facts, evaluated directly.
    let loaded = app.state.trial("NCT06946485").await.unwrap();
    let (t, c) = (&loaded.trial, &loaded.rules.compiled);
    let q = prescreen::questionnaire(c);
    let answers = Answers::from_pairs(&q, CHT101_ANSWERS.iter().copied()).unwrap();
    let today = eligo_server::matching::today();
    let facts = prescreen::facts(&q, &answers, today).unwrap().facts;
    let m = eligo_matcher::evaluate(t, c, &facts, today);
    assert_eq!(shown, eligo_server_verdict(m.verdict));
    // Every criterion is listed with its status and the matcher's reasons.
    assert_eq!(
        r.body.matches(r#"<li class="criterion"#).count(),
        m.criteria.len()
    );
    for res in m.criteria.iter().flat_map(|c| c.results.iter()) {
        assert!(
            r.body.contains(&esc(&res.explanation)),
            "reason {:?} not shown",
            res.explanation
        );
    }
    // A clearly failed criterion: SLEDAI-2K 4 is not > 6.
    let mut low: Vec<(&str, &str)> = CHT101_ANSWERS
        .iter()
        .copied()
        .filter(|(k, _)| *k != "score-sledai-2k.value")
        .collect();
    low.push(("score-sledai-2k.value", "4"));
    let r = app.prescreen("NCT06946485", &low, &mut jar).await;
    assert_eq!(
        attr(&r.body, r#"id="verdict""#, "data-verdict"),
        "ineligible"
    );
}

fn eligo_server_verdict(v: eligo_model::Verdict) -> &'static str {
    match v {
        eligo_model::Verdict::Eligible => "eligible",
        eligo_model::Verdict::Unknown => "unknown",
        eligo_model::Verdict::Ineligible => "ineligible",
    }
}

#[tokio::test]
async fn prescreen_problems_are_shown_by_question() {
    let app = App::new().await;
    let mut jar = Jar::default();
    let r = app
        .prescreen(
            "NCT06946485",
            &[
                ("age.birth_date", "1990-02-31"),
                ("score-sledai-2k.value", "999"),
            ],
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains(r#"id="form-errors""#));
    assert!(r.body.contains("not a date"));
    assert!(r.body.contains("give a number from 0 to 105"));
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = App::new().await;
    let mut jar = Jar::default();
    app.get_with("/trials/NCT06946485/prescreen", &mut jar)
        .await;
    let r = app
        .post_form(
            "/trials/NCT06946485/prescreen",
            &[("sex.answer", "male")],
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A token from another browser (not matching this one's cookie) fails too.
    let mut other = Jar::default();
    let page = app
        .get_with("/trials/NCT06946485/prescreen", &mut other)
        .await;
    let r = app
        .post_form(
            "/trials/NCT06946485/prescreen",
            &[("csrf", &page.csrf()), ("sex.answer", "male")],
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            "/trials/NCT06946485/apply",
            &[("csrf", "x"), ("name", "A")],
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn applying_stores_one_application_and_the_count_goes_up() {
    let app = App::new().await;
    let mut jar = Jar::default();
    let r = app
        .apply(
            "NCT06946485",
            CHT101_ANSWERS,
            "Li Wei",
            "li.wei@example.org",
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"id="applied-message""#));
    let page = app.get("/trials/NCT06946485").await;
    assert!(
        page.body.contains("1 patient has applied"),
        "count not shown"
    );
    let store = app.state.store();
    assert_eq!(store.application_count("NCT06946485").await.unwrap(), 1);
    let a = store.application(1).await.unwrap().unwrap();
    assert_eq!(a.email, "li.wei@example.org");
    assert!(a.consent);
    let answers: Answers = serde_json::from_str(&a.answers_json).unwrap();
    assert_eq!(answers.get("score-sledai-2k", "value"), Some("10"));
    let facts: eligo_model::PatientFacts = serde_json::from_str(&a.facts_json).unwrap();
    assert!(!facts.conditions.is_empty());
    assert_eq!(store.application_events(a.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_incomplete_application_is_refused_and_nothing_is_stored() {
    let app = App::new().await;
    let mut jar = Jar::default();
    let result = app.prescreen("NCT06946485", CHT101_ANSWERS, &mut jar).await;
    let csrf = result.csrf();
    let answers = hidden(&result.body, "answers");
    let r = app
        .post_form(
            "/trials/NCT06946485/apply",
            &[
                ("csrf", &csrf),
                ("answers", &answers),
                ("name", "Li Wei"),
                ("email", "not-an-email"),
            ],
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains(r#"id="apply-errors""#));
    assert!(r.body.contains("email address does not look right"));
    assert!(r.body.contains("tick the box"));
    // Tampered answers are checked again, not trusted.
    let r = app
        .post_form(
            "/trials/NCT06946485/apply",
            &[
                ("csrf", &csrf),
                ("answers", r#"{"score-sledai-2k.value":"lots"}"#),
                ("name", "Li Wei"),
                ("email", "li@example.org"),
                ("consent", "yes"),
            ],
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.state
            .store()
            .application_count("NCT06946485")
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn applications_are_rate_limited_per_address() {
    let app = App::new().await;
    let mut jar = Jar::from_ip("198.51.100.7");
    let result = app.prescreen("NCT06946485", CHT101_ANSWERS, &mut jar).await;
    let csrf = result.csrf();
    let answers = hidden(&result.body, "answers");
    let pairs = [
        ("csrf", csrf.as_str()),
        ("answers", answers.as_str()),
        ("name", "Li Wei"),
        ("email", "li@example.org"),
        ("consent", "yes"),
    ];
    for i in 0..10 {
        let r = app
            .post_form("/trials/NCT06946485/apply", &pairs, &mut jar)
            .await;
        assert_eq!(r.status, StatusCode::OK, "application {i}");
    }
    let r = app
        .post_form("/trials/NCT06946485/apply", &pairs, &mut jar)
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    assert!(r.body.contains(&format!("{wait} seconds")), "{}", r.body);
    // Another address is not limited.
    let mut other = Jar::from_ip("198.51.100.8");
    let r = app
        .apply(
            "NCT06946485",
            CHT101_ANSWERS,
            "Wang Fang",
            "wf@example.org",
            &mut other,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        app.state
            .store()
            .application_count("NCT06946485")
            .await
            .unwrap(),
        11
    );
}

/// Only stored applications count: a form sent back for a typo does not
/// use up the address's quota.
#[tokio::test]
async fn refused_applications_do_not_count_against_the_rate_limit() {
    let app = App::with(eligo_server::Settings {
        secure_cookies: false,
        applies_per_minute: 2,
        ..eligo_server::Settings::default()
    })
    .await;
    let mut jar = Jar::from_ip("198.51.100.9");
    let result = app.prescreen("NCT06946485", CHT101_ANSWERS, &mut jar).await;
    let csrf = result.csrf();
    let answers = hidden(&result.body, "answers");
    let with_email = |email: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("answers", answers.clone()),
            ("name", "Li Wei".to_string()),
            ("email", email.to_string()),
            ("consent", "yes".to_string()),
        ]
    };
    let send = |pairs: Vec<(&'static str, String)>| {
        let app = &app;
        let mut jar = jar.clone();
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/trials/NCT06946485/apply", &pairs, &mut jar)
                .await
        }
    };
    for _ in 0..5 {
        let r = send(with_email("li@example")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "a typo");
    }
    for i in 0..2 {
        let r = send(with_email("li@example.org")).await;
        assert_eq!(r.status, StatusCode::OK, "application {i}: {}", r.body);
    }
    let r = send(with_email("li@example.org")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key("retry-after"));
    assert_eq!(
        app.state
            .store()
            .application_count("NCT06946485")
            .await
            .unwrap(),
        2
    );
}
