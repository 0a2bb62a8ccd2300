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
    // Every criterion is listed, with the answers that bear on it in
    // words; the matcher's rule language stays off the patient's page.
    assert_eq!(
        r.body.matches(r#"<li class="criterion"#).count(),
        m.criteria.len()
    );
    for (question, answer) in prescreen::describe(&q, &answers) {
        if answer != "(no answer)" {
            assert!(
                r.body.contains(&esc(&format!("{question} {answer}"))),
                "answer {question:?} {answer:?} not shown"
            );
        }
    }
    for res in m.criteria.iter().flat_map(|c| c.results.iter()) {
        assert!(
            !r.body.contains(&esc(&res.explanation)),
            "rule language {:?} shown to a patient",
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
    app.coordinator("c@example.org", "coordinator password", &["NCT06946485"])
        .await;
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
    app.coordinator("c@example.org", "coordinator password", &["NCT06946485"])
        .await;
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
    app.coordinator("c@example.org", "coordinator password", &["NCT06946485"])
        .await;
    let mut jar = Jar::from_ip("198.51.100.7");
    let result = app.prescreen("NCT06946485", CHT101_ANSWERS, &mut jar).await;
    let csrf = result.csrf();
    let answers = hidden(&result.body, "answers");
    // Ten people at one address (a family, a clinic): one application each.
    let pairs = |email: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("answers", answers.clone()),
            ("name", "Li Wei".to_string()),
            ("email", email.to_string()),
            ("consent", "yes".to_string()),
        ]
    };
    let send = |p: Vec<(&'static str, String)>| {
        let app = &app;
        let mut jar = jar.clone();
        async move {
            let p: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/trials/NCT06946485/apply", &p, &mut jar)
                .await
        }
    };
    for i in 0..10 {
        let r = send(pairs(&format!("li{i}@example.org"))).await;
        assert_eq!(r.status, StatusCode::OK, "application {i}");
    }
    let r = send(pairs("li10@example.org")).await;
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
    app.coordinator("c@example.org", "coordinator password", &["NCT06946485"])
        .await;
    let mut jar = Jar::from_ip("198.51.100.9");
    let result = app.prescreen("NCT06946485", CHT101_ANSWERS, &mut jar).await;
    let csrf = result.csrf();
    let answers = hidden(&result.body, "answers");
    let with_email = |email: &str| {
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
    for (i, email) in ["li@example.org", "wei@example.org"]
        .into_iter()
        .enumerate()
    {
        let r = send(with_email(email)).await;
        assert_eq!(r.status, StatusCode::OK, "application {i}: {}", r.body);
    }
    let r = send(with_email("third@example.org")).await;
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

#[tokio::test]
async fn a_second_application_by_the_same_person_is_refused_and_focused() {
    let app = App::new().await;
    app.coordinator("c@example.org", "coordinator password", &["NCT06946485"])
        .await;
    let mut jar = Jar::default();
    let first = app
        .apply(
            "NCT06946485",
            CHT101_ANSWERS,
            "Li Wei",
            "li.wei@example.org",
            &mut jar,
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(
        first.body.contains(r#"id="applied-next""#),
        "what happens next"
    );
    // The same email, written differently, is the same person.
    let again = app
        .apply(
            "NCT06946485",
            CHT101_ANSWERS,
            "Li Wei",
            "Li.Wei@Example.org",
            &mut jar,
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(again.body.contains(r#"id="apply-errors""#));
    assert!(again.body.contains("already applied to this study"));
    // The form goes back to its own section, whose error takes focus.
    assert!(
        again
            .body
            .contains(r##"action="/trials/NCT06946485/apply#apply""##)
    );
    assert!(
        again
            .body
            .contains(r#"id="apply-errors" role="alert" tabindex="-1""#)
    );
    assert_eq!(
        app.state
            .store()
            .application_count("NCT06946485")
            .await
            .unwrap(),
        1
    );
    let page = app.get("/trials/NCT06946485").await;
    assert!(page.body.contains("1 patient has applied"));
}

#[tokio::test]
async fn without_a_coordinator_the_result_says_whom_to_contact_and_apply_is_refused() {
    let app = App::new().await;
    let mut jar = Jar::default();
    let r = app.prescreen("NCT06946485", CHT101_ANSWERS, &mut jar).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !r.body.contains(r#"id="apply-form""#),
        "no promise to be contacted"
    );
    assert!(
        r.body
            .contains("Nobody at this study can receive applications through eligo yet")
    );
    assert!(
        r.body
            .contains("https://clinicaltrials.gov/study/NCT06946485")
    );
    let loaded = app.state.trial("NCT06946485").await.unwrap();
    if let Some(c) = loaded.trial.central_contacts.first() {
        assert!(r.body.contains(&esc(&c.name)), "central contact shown");
    }
    let csrf = r.csrf();
    let answers = hidden(&r.body, "answers");
    let refused = app
        .post_form(
            "/trials/NCT06946485/apply",
            &[
                ("csrf", &csrf),
                ("answers", &answers),
                ("name", "Li Wei"),
                ("email", "li@example.org"),
                ("consent", "yes"),
            ],
            &mut jar,
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
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
async fn change_my_answers_brings_the_form_back_filled_from_the_page() {
    let app = App::new().await;
    let mut jar = Jar::default();
    let r = app.prescreen("NCT06946485", CHT101_ANSWERS, &mut jar).await;
    let csrf = r.csrf();
    let answers = hidden(&r.body, "answers");
    assert!(r.body.contains(r#"id="change-answers""#));
    let form = app
        .post_form(
            "/trials/NCT06946485/prescreen",
            &[("csrf", &csrf), ("change", "1"), ("answers", &answers)],
            &mut jar,
        )
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"id="prescreen-form""#));
    assert!(
        form.body
            .contains(r#"name="score-sledai-2k.value" id="f-score-sledai-2k-value" value="10""#),
        "the answer is back in its field"
    );
    // Nothing was stored.
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
async fn errors_link_from_the_summary_to_the_field_and_mark_it_invalid() {
    let app = App::new().await;
    let mut jar = Jar::default();
    let r = app
        .prescreen(
            "NCT06946485",
            &[("age.birth_date", "1996-04-02"), ("age.age", "50")],
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains(r##"<a href="#f-age-age">"##), "{}", r.body);
    assert!(r.body.contains(r#"id="f-age-age" value="50""#));
    assert!(
        r.body
            .contains(r#"aria-invalid="true" aria-describedby="f-age-age-error""#)
    );
    assert!(r.body.contains("the age does not match the date of birth"));
}

#[tokio::test]
async fn a_trial_that_cannot_enrol_offers_no_prescreen() {
    let app = App::new().await;
    let closed = eligo_ctgov::sample_registry()
        .into_iter()
        .map(|r| r.trial)
        .find(|t| {
            !t.partial
                && t.status.is_some_and(|s| {
                    !s.is_open() && s != eligo_model::trial::OverallStatus::Unknown
                })
        })
        .expect("a sample trial that is not enrolling");
    let page = app.get(&format!("/trials/{}", closed.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(r#"id="prescreen-link""#));
    assert!(page.body.contains(r#"id="not-enrolling""#));
    let r = app.get(&format!("/trials/{}/prescreen", closed.id)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn trial_pages_link_the_registry_and_patients_need_no_account() {
    let app = App::new().await;
    let page = app.get("/trials/NCT06946485").await;
    assert!(
        page.body
            .contains(r#"href="https://clinicaltrials.gov/study/NCT06946485""#)
    );
    assert!(page.body.contains("Patients need no account"));
    let login = app.get("/login").await;
    assert!(login.body.contains("Patients and families need no account"));
    assert!(!login.body.contains("eligo user add"));
}
