//! Trial conduct through the router: the synthetic example loaded, pages
//! and API for its coordinator, 403 without data for another trial's
//! coordinator, CSRF on every write, and a complete audit trail.

use crate::common::{App, Jar};
use axum::http::{Method, StatusCode};
use eligo_server::conduct::service;
use eligo_store::conduct::Actor;

const TRIAL: &str = "NCT06946485";
const OTHER: &str = "NCT07331467";

async fn app_with_example() -> App {
    let app = App::new().await;
    let n = service::load_example(
        app.state.store(),
        &Actor {
            user_id: None,
            name: "test loader".into(),
        },
    )
    .await
    .expect("load the example");
    assert_eq!(n, 6);
    app.coordinator("a@example.org", "coordinator password", &[TRIAL])
        .await;
    app.coordinator("b@example.org", "coordinator password", &[OTHER])
        .await;
    app
}

async fn login(app: &App, email: &str) -> Jar {
    let mut jar = Jar::from_ip("10.0.0.1");
    let r = app.login(email, "coordinator password", &mut jar).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    jar
}

async fn bearer(app: &App, email: &str) -> String {
    let r = app
        .post_json(
            "/api/v1/sessions",
            &format!(r#"{{"email":"{email}","password":"coordinator password"}}"#),
            &mut Jar::default(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["token"].as_str().unwrap().to_string()
}

async fn first_participant(app: &App) -> (i64, i64) {
    let ps = app.state.store().participants(TRIAL).await.unwrap();
    let pid = ps[0].id;
    let rec = app.state.store().records(pid).await.unwrap();
    (pid, rec[0].id)
}

#[tokio::test]
async fn the_coordinator_reads_participants_timeline_summary_and_exports() {
    let app = app_with_example().await;
    let mut jar = login(&app, "a@example.org").await;
    let home = app
        .get_with(
            &format!("/coordinator/trials/{TRIAL}/conduct?as_of=2027-05-01"),
            &mut jar,
        )
        .await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    for s in [
        "CHT-S01",
        "CHT-S06",
        "synthetic",
        "done, out of window",
        "missed",
    ] {
        assert!(home.body.contains(s), "{s}");
    }
    let (pid, _) = first_participant(&app).await;
    let page = app
        .get_with(
            &format!("/coordinator/participants/{pid}?as_of=2027-05-01"),
            &mut jar,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg") && page.body.contains("ae-bar"));
    assert!(page.body.contains("SRI-4 response: yes"));
    assert!(page.body.contains("Neutrophil count decreased"));
    let sum = app
        .get_with(
            &format!("/coordinator/trials/{TRIAL}/summary?as_of=2027-05-01"),
            &mut jar,
        )
        .await;
    assert_eq!(sum.status, StatusCode::OK);
    // SRI-4 at month 1: 4/6 (hand-worked in the conduct crate's tests).
    assert!(
        sum.body.contains("4/6 (67%; 95% CI 22.3–95.7%)"),
        "{}",
        sum.body
    );
    assert!(sum.body.contains("Cytokine release syndrome"));
    let dm = app
        .get_with(
            &format!("/coordinator/trials/{TRIAL}/export/DM.csv"),
            &mut jar,
        )
        .await;
    assert_eq!(dm.status, StatusCode::OK);
    assert!(dm.body.starts_with("STUDYID,DOMAIN,USUBJID"));
    assert_eq!(dm.body.lines().count(), 7);
    // The API with a bearer token.
    let token = bearer(&app, "a@example.org").await;
    let auth = format!("Bearer {token}");
    let r = app
        .empty(
            Method::GET,
            &format!("/api/v1/trials/{TRIAL}/endpoints?format=csv&as_of=2027-05-01"),
            &mut Jar::default(),
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.body.lines().count(),
        1 + 36,
        "six participants × six visits"
    );
    let r = app
        .empty(
            Method::GET,
            &format!("/api/v1/trials/{TRIAL}/summary?as_of=2027-05-01"),
            &mut Jar::default(),
            &[("authorization", &auth)],
        )
        .await;
    let j = r.json();
    let m1 = j["groups"][0]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["endpoint"] == "sri4" && e["visit"] == "M1")
        .unwrap()
        .clone();
    assert_eq!(
        (
            m1["responders"]["n"].as_u64(),
            m1["responders"]["total"].as_u64()
        ),
        (Some(4), Some(6))
    );
}

#[tokio::test]
async fn another_trials_coordinator_gets_403_and_no_data() {
    let app = app_with_example().await;
    let (pid, rid) = first_participant(&app).await;
    let mut jar = login(&app, "b@example.org").await;
    let csrf = app.get_with("/coordinator", &mut jar).await.csrf();
    let pages = [
        format!("/coordinator/trials/{TRIAL}/conduct"),
        format!("/coordinator/trials/{TRIAL}/summary"),
        format!("/coordinator/trials/{TRIAL}/escalation"),
        format!("/coordinator/trials/{TRIAL}/conduct/settings"),
        format!("/coordinator/trials/{TRIAL}/export/AE.csv"),
        format!("/coordinator/trials/{TRIAL}/export/fhir.json"),
        format!("/coordinator/participants/{pid}"),
        format!("/coordinator/participants/{pid}/visits/M1"),
    ];
    for p in &pages {
        let r = app.get_with(p, &mut jar).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{p}");
        assert!(
            !r.body.contains("CHT-S0") && !r.body.contains("Cytokine"),
            "{p}"
        );
    }
    let posts = [
        format!("/coordinator/participants/{pid}/visits/M1"),
        format!("/coordinator/participants/{pid}/adverse-events"),
        format!("/coordinator/participants/{pid}/medications"),
        format!("/coordinator/participants/{pid}/entered-in-error"),
        format!("/coordinator/participants/{pid}/records/entered-in-error"),
        format!("/coordinator/participants/{pid}"),
        format!("/coordinator/trials/{TRIAL}/conduct"),
        format!("/coordinator/trials/{TRIAL}/conduct/settings"),
    ];
    let before = app
        .state
        .store()
        .conduct_audit(TRIAL, None)
        .await
        .unwrap()
        .len();
    for p in &posts {
        let r = app
            .post_form(
                p,
                &[
                    ("csrf", &csrf),
                    ("reason", "x"),
                    ("record", &rid.to_string()),
                    ("study_id", "X-1"),
                    ("infusion_date", "2026-01-01"),
                ],
                &mut jar,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{p}");
        assert!(!r.body.contains("CHT-S0"), "{p}");
    }
    // The API, with a bearer token of the other trial's coordinator.
    let auth = format!("Bearer {}", bearer(&app, "b@example.org").await);
    let h = [("authorization", auth.as_str())];
    for p in [
        format!("/api/v1/trials/{TRIAL}/participants"),
        format!("/api/v1/participants/{pid}"),
        format!("/api/v1/trials/{TRIAL}/endpoints"),
        format!("/api/v1/trials/{TRIAL}/summary"),
        format!("/api/v1/trials/{TRIAL}/escalation"),
        format!("/api/v1/trials/{TRIAL}/export/DM.csv"),
    ] {
        let r = app.empty(Method::GET, &p, &mut Jar::default(), &h).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{p}");
        assert!(!r.body.contains("CHT-S0"), "{p}");
    }
    for (m, p, body) in [
        (
            Method::PUT,
            format!("/api/v1/participants/{pid}/visits/M1"),
            r#"{"date":"2026-02-15"}"#,
        ),
        (
            Method::POST,
            format!("/api/v1/participants/{pid}/adverse-events"),
            "{}",
        ),
        (
            Method::POST,
            format!("/api/v1/participants/{pid}/medications"),
            "{}",
        ),
        (
            Method::POST,
            format!("/api/v1/records/{rid}/entered-in-error"),
            r#"{"reason":"x"}"#,
        ),
        (
            Method::POST,
            format!("/api/v1/trials/{TRIAL}/participants"),
            r#"{"study_id":"X","infusion_date":"2026-01-01"}"#,
        ),
        (
            Method::POST,
            format!("/api/v1/trials/{TRIAL}/escalation"),
            r#"{"design":"3+3"}"#,
        ),
    ] {
        let r = app.json(m, &p, body, &mut Jar::default(), &h).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{p}");
    }
    assert_eq!(
        app.state
            .store()
            .conduct_audit(TRIAL, None)
            .await
            .unwrap()
            .len(),
        before,
        "nothing written"
    );
    // Anonymous: pages redirect to the login, the API answers 401.
    let r = app.get(&format!("/coordinator/participants/{pid}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.get(&format!("/api/v1/participants/{pid}")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn writes_need_csrf_and_changes_need_reasons_and_are_audited() {
    let app = app_with_example().await;
    let mut jar = login(&app, "a@example.org").await;
    let home = app
        .get_with(&format!("/coordinator/trials/{TRIAL}/conduct"), &mut jar)
        .await;
    let csrf = home.csrf();
    // A new participant, then its baseline visit through the form.
    let r = app
        .post_form(
            &format!("/coordinator/trials/{TRIAL}/conduct"),
            &[
                ("csrf", &csrf),
                ("study_id", "CHT-101"),
                ("infusion_date", "2026-06-01"),
                ("sex", "F"),
            ],
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let pid: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    let visit = format!("/coordinator/participants/{pid}/visits/BL");
    let fields = [
        ("date", "2026-05-28"),
        ("pga", "1.5"),
        ("sledai2k_assessed", "on"),
        ("sledai2k.arthritis", "on"),
        ("lab.c3.value", "0.7"),
        ("lab.c3.unit", "g/L"),
        ("lab.c3.low", "0.9"),
    ];
    // Without the token: 403, nothing stored.
    let r = app.post_form(&visit, &fields, &mut jar).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(app.state.store().records(pid).await.unwrap().is_empty());
    let mut with = vec![("csrf", csrf.as_str())];
    with.extend_from_slice(&fields);
    let r = app.post_form(&visit, &with, &mut jar).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A change without a reason is refused and changes nothing.
    let mut changed = with.clone();
    changed[2] = ("pga", "1.2");
    let r = app.post_form(&visit, &changed, &mut jar).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("reason: required"), "{}", r.body);
    assert!(
        r.body.contains("value=\"1.2\""),
        "what was typed is shown again"
    );
    changed.push(("reason", "PGA transcribed wrongly"));
    let r = app.post_form(&visit, &changed, &mut jar).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A bad value names its field and stores nothing.
    let mut bad = with.clone();
    bad[2] = ("pga", "4");
    bad.push(("reason", "x"));
    let r = app.post_form(&visit, &bad, &mut jar).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("pga: 4 is out of range"), "{}", r.body);
    // The API with the session cookie needs the CSRF header.
    let r = app
        .json(
            Method::POST,
            &format!("/api/v1/participants/{pid}/medications"),
            r#"{"name":"Prednisone","dose_mg":10,"frequency":"QD","start":"2026-05-01"}"#,
            &mut jar,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .json(
            Method::POST,
            &format!("/api/v1/participants/{pid}/medications"),
            r#"{"name":"Prednisone","dose_mg":10,"frequency":"QD","start":"2026-05-01"}"#,
            &mut jar,
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let cm = r.json()["id"].as_i64().unwrap();
    // A change to the medication needs a reason and is audited.
    let changed = r#"{"name":"Prednisone","dose_mg":7.5,"frequency":"QD","start":"2026-05-01"}"#;
    let r = app
        .json(
            Method::PATCH,
            &format!("/api/v1/records/{cm}"),
            changed,
            &mut jar,
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let with_reason = r#"{"name":"Prednisone","dose_mg":7.5,"frequency":"QD","start":"2026-05-01","reason":"dose misread"}"#;
    let r = app
        .json(
            Method::PATCH,
            &format!("/api/v1/records/{cm}"),
            with_reason,
            &mut jar,
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = app
        .json(
            Method::POST,
            &format!("/api/v1/records/{cm}/entered-in-error"),
            r#"{}"#,
            &mut jar,
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "a reason is required");
    let r = app
        .json(
            Method::POST,
            &format!("/api/v1/records/{cm}/entered-in-error"),
            r#"{"reason":"wrong participant"}"#,
            &mut jar,
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // The trail: who, when, field, old → new, reason.
    let trail = app
        .state
        .store()
        .conduct_audit(TRIAL, Some(pid))
        .await
        .unwrap();
    assert!(
        trail
            .iter()
            .all(|a| a.actor == "a@example.org" && a.user_id.is_some() && !a.at.is_empty())
    );
    let pga = trail
        .iter()
        .find(|a| a.action == "changed" && a.field.as_deref() == Some("pga"))
        .expect("the PGA change is audited");
    assert_eq!(
        (
            pga.old_value.as_deref(),
            pga.new_value.as_deref(),
            pga.reason.as_deref()
        ),
        (Some("1.5"), Some("1.2"), Some("PGA transcribed wrongly"))
    );
    assert!(trail.iter().any(|a| a.action == "created"
        && a.field.as_deref() == Some("labs[0].value")
        && a.new_value.as_deref() == Some("0.7")));
    assert!(trail.iter().any(
        |a| a.action == "entered_in_error" && a.reason.as_deref() == Some("wrong participant")
    ));
    let dose = trail
        .iter()
        .find(|a| a.action == "changed" && a.field.as_deref() == Some("dose_mg"))
        .expect("the dose change is audited");
    assert_eq!(
        (
            dose.old_value.as_deref(),
            dose.new_value.as_deref(),
            dose.reason.as_deref()
        ),
        (Some("10"), Some("7.5"), Some("dose misread"))
    );
    assert_eq!(
        trail.iter().filter(|a| a.action == "changed").count(),
        2,
        "the refused changes left no trace"
    );
    // Nothing was deleted: the medication row is still there, flagged.
    let recs = app.state.store().records(pid).await.unwrap();
    assert!(recs.iter().any(|r| r.id == cm && r.error_reason.is_some()));
    // The page shows the trail.
    let page = app
        .get_with(&format!("/coordinator/participants/{pid}"), &mut jar)
        .await;
    assert!(page.body.contains("PGA transcribed wrongly") && page.body.contains("1.5 → 1.2"));
}

#[tokio::test]
async fn escalation_advice_for_a_multi_dose_trial_is_recorded_with_who_accepted_it() {
    let app = App::new().await;
    app.coordinator("b@example.org", "coordinator password", &[OTHER])
        .await;
    let token = bearer(&app, "b@example.org").await;
    let auth = format!("Bearer {token}");
    let h = [("authorization", auth.as_str())];
    // Three participants at level 1, infused long enough ago that their
    // 28-day windows are complete, none with a DLT: 0/3 → escalate.
    for (i, d) in ["2026-01-05", "2026-01-12", "2026-01-19"]
        .iter()
        .enumerate()
    {
        let r = app
            .json(
                Method::POST,
                &format!("/api/v1/trials/{OTHER}/participants"),
                &format!(r#"{{"study_id":"UF-{i}","infusion_date":"{d}","dose_level":1}}"#),
                &mut Jar::default(),
                &h,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = app
        .json(
            Method::POST,
            &format!("/api/v1/trials/{OTHER}/participants"),
            r#"{"study_id":"UF-9","infusion_date":"2026-01-05","dose_level":4}"#,
            &mut Jar::default(),
            &h,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("dose_level"), "{}", r.body);
    let r = app
        .empty(
            Method::GET,
            &format!("/api/v1/trials/{OTHER}/escalation?as_of=2026-03-01"),
            &mut Jar::default(),
            &h,
        )
        .await;
    let j = r.json();
    assert_eq!(
        j["escalation"]["three_plus_three"]["action"]["action"],
        "escalate"
    );
    assert_eq!(j["escalation"]["three_plus_three"]["action"]["level"], 2);
    assert_eq!(j["escalation"]["boin"]["action"]["action"], "escalate");
    assert!((j["escalation"]["lambda_e"].as_f64().unwrap() - 0.2364).abs() < 1e-3);
    let r = app
        .json(
            Method::POST,
            &format!("/api/v1/trials/{OTHER}/escalation"),
            r#"{"design":"3+3","note":"safety review 2026-03-01"}"#,
            &mut Jar::default(),
            &h,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let d = app.state.store().decisions(OTHER).await.unwrap();
    assert_eq!(
        (d[0].actor.as_str(), d[0].design.as_str()),
        ("b@example.org", "3+3")
    );
    assert!(
        d[0].advice_json.contains("escalate to level 2"),
        "{}",
        d[0].advice_json
    );
}

#[tokio::test]
async fn an_enrolled_application_becomes_a_participant_without_its_name() {
    let app = app_with_example().await;
    let mut patient = Jar::from_ip("10.0.0.9");
    let done = app
        .apply(
            TRIAL,
            crate::common::CHT101_ANSWERS,
            "Li Na",
            "li.na@example.org",
            &mut patient,
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let a = app
        .state
        .store()
        .applications_for_user(1, Some(TRIAL), None)
        .await
        .unwrap()[0]
        .id;
    app.state
        .store()
        .change_application_status(
            a,
            1,
            "a@example.org",
            eligo_store::server::ApplicationStatus::Enrolled,
            None,
        )
        .await
        .unwrap();
    let mut jar = login(&app, "a@example.org").await;
    let page = app
        .get_with(&format!("/coordinator/applications/{a}"), &mut jar)
        .await;
    assert!(page.body.contains("make-participant"));
    let home = app
        .get_with(
            &format!("/coordinator/trials/{TRIAL}/conduct?application={a}"),
            &mut jar,
        )
        .await;
    let csrf = home.csrf();
    let app_id = a.to_string();
    let r = app
        .post_form(
            &format!("/coordinator/trials/{TRIAL}/conduct"),
            &[
                ("csrf", &csrf),
                ("study_id", "CHT-301"),
                ("infusion_date", "2026-07-01"),
                ("application_id", &app_id),
            ],
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let pid: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    let row = app.state.store().participant(pid).await.unwrap().unwrap();
    assert_eq!(row.application_id, Some(a));
    assert!(!row.data_json.contains("Li Na") && !row.data_json.contains("li.na"));
    // The same application cannot become a second participant.
    let r = app
        .post_form(
            &format!("/coordinator/trials/{TRIAL}/conduct"),
            &[
                ("csrf", &csrf),
                ("study_id", "CHT-302"),
                ("infusion_date", "2026-07-01"),
                ("application_id", &app_id),
            ],
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("already a participant"), "{}", r.body);
}
