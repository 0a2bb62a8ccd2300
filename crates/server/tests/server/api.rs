//! The JSON API, its OpenAPI document and Swagger UI.

use crate::common::{App, CHT101_ANSWERS, Jar};
use axum::http::{Method, StatusCode};

pub const BUNDLE: &str = r#"{
  "resourceType": "Bundle", "type": "collection",
  "entry": [
    {"fullUrl": "urn:uuid:p1", "resource": {"resourceType": "Patient", "id": "p1", "birthDate": "1990-06-15", "gender": "female"}},
    {"resource": {"resourceType": "Condition", "id": "c1",
      "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
      "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
      "code": {"coding": [{"system": "http://snomed.info/sct", "code": "55464009", "display": "Systemic lupus erythematosus"}]},
      "subject": {"reference": "urn:uuid:p1"}, "onsetDateTime": "2018-03-01"}},
    {"resource": {"resourceType": "Observation", "id": "o1", "status": "final",
      "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]}],
      "code": {"coding": [{"system": "http://eligo.dev/score", "code": "sledai-2k"}]},
      "subject": {"reference": "urn:uuid:p1"}, "effectiveDateTime": "2026-02-20", "valueInteger": 4}}
  ]
}"#;

#[tokio::test]
async fn search_returns_hits_facets_and_names_bad_parameters() {
    let app = App::new().await;
    let r = app.get("/api/v1/search?q=CAR-T%20lupus&limit=3").await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert!(j["total"].as_u64().unwrap() >= 4);
    assert_eq!(j["hits"].as_array().unwrap().len(), 3);
    assert!(
        j["hits"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with("/trials/")
    );
    assert!(
        j["facets"]["antigen"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["value"] == "CD19")
    );
    for (q, field) in [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("offset=99999999", "offset"),
        ("status=OPEN", "status"),
        ("age=-3", "age"),
        ("sex=robot", "sex"),
        ("colour=red", "colour"),
    ] {
        let r = app.get(&format!("/api/v1/search?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.json()["field"], field, "{q}: {}", r.body);
    }
}

#[tokio::test]
async fn trial_and_criteria_as_json() {
    let app = App::new().await;
    let r = app.get("/api/v1/trials/NCT06946485").await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert_eq!(j["trial"]["id"], "NCT06946485");
    assert!(j["plain_summary"]["grade"].as_f64().unwrap() <= 9.0);
    assert_eq!(j["applications"], 0);
    let r = app.get("/api/v1/trials/NCT06946485/criteria").await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    // 22 from the text, and the trial's condition from its conditions field.
    assert_eq!(j["criteria"].as_array().unwrap().len(), 23);
    assert_eq!(j["criteria"][0]["field"], "conditions");
    assert!(j["criteria"][0]["computable"].is_boolean());
    // "Severe cardiac diseases." is left to confirm and names its condition.
    let severe = j["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["text"] == "Severe cardiac diseases.")
        .expect("the seed's criterion");
    let m = &severe["not_computable"][0]["mentions"][0];
    assert_eq!(m["kind"], "condition");
    assert_eq!(m["text"], "cardiac diseases");
    let r = app.get("/api/v1/trials/NCT00000000/criteria").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.json()["error"].as_str().unwrap().contains("NCT00000000"));
}

/// Every API operation refuses a parameter it does not take, and a
/// single-valued one given twice, naming it (docs/server.md).
#[tokio::test]
async fn unknown_and_repeated_parameters_are_refused_everywhere() {
    let app = App::new().await;
    app.coordinator("p@example.org", "a long password 9", &["NCT06946485"])
        .await;
    let mut jar = Jar::default();
    let login = app
        .post_json(
            "/api/v1/sessions",
            r#"{"email":"p@example.org","password":"a long password 9"}"#,
            &mut jar,
        )
        .await;
    assert_eq!(login.status, StatusCode::CREATED, "{}", login.body);
    let token = login.json()["token"].as_str().unwrap().to_string();
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];
    let cases: &[(Method, &str, &str)] = &[
        (
            Method::GET,
            "/api/v1/trials/NCT06946485?format=xml",
            "format",
        ),
        (Method::GET, "/api/v1/trials/NCT06946485/criteria?x=1", "x"),
        (Method::GET, "/api/v1/search?q=lupus&q=CAR-T", "q"),
        (Method::GET, "/api/v1/search?limit=5&limit=6", "limit"),
        (
            Method::GET,
            "/api/v1/applications?trial=NCT06946485&trial=NCT06946485",
            "trial",
        ),
        (Method::GET, "/api/v1/applications/1?verbose=1", "verbose"),
        (Method::PATCH, "/api/v1/applications/1?x=1", "x"),
        (Method::DELETE, "/api/v1/sessions?all=true", "all"),
    ];
    for (method, path, field) in cases {
        let r = app
            .json(
                method.clone(),
                path,
                r#"{"status":"contacted"}"#,
                &mut jar,
                &auth,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{method} {path}: {}",
            r.body
        );
        assert_eq!(r.json()["field"], *field, "{method} {path}: {}", r.body);
    }
    let r = app
        .post_json(
            "/api/v1/sessions?remember=1",
            r#"{"email":"p@example.org","password":"a long password 9"}"#,
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.json()["field"], "remember");
    // Repeatable ones still repeat.
    let r = app
        .get("/api/v1/search?status=RECRUITING&status=COMPLETED")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A real date outside the range is refused as out of range, not as
    // a malformed date.
    let r = app
        .post_json("/api/v1/match?as_of=9999-12-31", BUNDLE, &mut jar)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["field"], "as_of");
    assert!(
        r.json()["error"].as_str().unwrap().contains("out of range"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn match_reads_a_fhir_bundle_and_refuses_bad_input() {
    let app = App::new().await;
    let mut jar = Jar::default();
    let r = app
        .post_json(
            "/api/v1/match?as_of=2026-03-01&trial=NCT06946485",
            BUNDLE,
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["as_of"], "2026-03-01");
    let m = &j["matches"][0];
    assert_eq!(m["trial_id"], "NCT06946485");
    // SLEDAI-2K 4 is not > 6: ineligible, as `eligo match` decides.
    assert_eq!(m["verdict"], "ineligible");
    let all = app
        .post_json("/api/v1/match?as_of=2026-03-01&all=true", BUNDLE, &mut jar)
        .await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.json()["matches"].as_array().unwrap().len() > 1);

    for (path, body, field) in [
        ("/api/v1/match", "{not json", "body"),
        (
            "/api/v1/match",
            r#"{"resourceType": "Bundle", "type": "collection", "entry": []}"#,
            "body",
        ),
        ("/api/v1/match", "", "body"),
        ("/api/v1/match?as_of=2026-13-01", BUNDLE, "as_of"),
        ("/api/v1/match?trial=NCT00000000", BUNDLE, "trial"),
        ("/api/v1/match?all=maybe", BUNDLE, "all"),
        (
            "/api/v1/match?as_of=2026-03-01&as_of=2026-03-02",
            BUNDLE,
            "as_of",
        ),
        ("/api/v1/match?patient=x", BUNDLE, "patient"),
    ] {
        let r = app.json(Method::POST, path, body, &mut jar, &[]).await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{path} {body}: {}",
            r.body
        );
        assert_eq!(r.json()["field"], field, "{path}: {}", r.body);
    }
    let r = app
        .request(
            Method::POST,
            "/api/v1/match",
            &mut jar,
            &[("content-type", "text/plain")],
            axum::body::Body::from(BUNDLE),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn oversize_bodies_get_413_and_change_nothing() {
    let app = App::new().await;
    let big = format!(
        r#"{{"resourceType":"Bundle","type":"collection","pad":"{}"}}"#,
        "x".repeat(3 * 1024 * 1024)
    );
    let r = app
        .post_json("/api/v1/match", &big, &mut Jar::default())
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let r = app
        .post_json("/api/v1/sessions", &big, &mut Jar::default())
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // The same body declared with Content-Length, as every real client
    // sends it: refused before it is read, with the documented JSON error.
    for path in ["/api/v1/match", "/api/v1/sessions"] {
        let len = big.len().to_string();
        let r = app
            .json(
                Method::POST,
                path,
                &big,
                &mut Jar::default(),
                &[("content-length", &len)],
            )
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        assert_eq!(r.headers["content-type"], "application/json", "{path}");
        assert_eq!(r.json()["field"], "body", "{path}: {}", r.body);
    }
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
async fn coordinators_use_bearer_tokens_and_see_only_their_trials() {
    let app = App::new().await;
    app.coordinator("mine@example.org", "password for mine", &["NCT06946485"])
        .await;
    app.coordinator("other@example.org", "password for other", &["NCT07331467"])
        .await;
    let r = app
        .apply(
            "NCT06946485",
            CHT101_ANSWERS,
            "Chen Jie",
            "chen.jie@example.org",
            &mut Jar::default(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mut anon = Jar::default();

    // Anonymous: 401, no data.
    for (m, p) in [
        (Method::GET, "/api/v1/applications"),
        (Method::GET, "/api/v1/applications/1"),
    ] {
        let r = app.empty(m, p, &mut anon, &[]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{p}");
        assert!(r.headers.contains_key("www-authenticate"));
        assert!(!r.body.contains("Chen"));
    }
    let r = app
        .json(
            Method::PATCH,
            "/api/v1/applications/1",
            r#"{"status":"contacted"}"#,
            &mut anon,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Log in for a token.
    let bad = app
        .post_json(
            "/api/v1/sessions",
            r#"{"email":"mine@example.org","password":"nope"}"#,
            &mut anon,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    let r = app
        .post_json(
            "/api/v1/sessions",
            r#"{"email":"mine@example.org"}"#,
            &mut anon,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["field"], "password");
    let r = app
        .post_json(
            "/api/v1/sessions",
            r#"{"email":"mine@example.org","password":"password for mine"}"#,
            &mut anon,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let token = r.json()["token"].as_str().unwrap().to_string();
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];

    let r = app
        .empty(Method::GET, "/api/v1/applications", &mut anon, &auth)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let list = r.json();
    assert_eq!(list["applications"][0]["name"], "Chen Jie");
    assert_eq!(list["applications"][0]["status"], "new");

    for (body, field) in [
        (r#"{"status":"accepted"}"#, "status"),
        (r#"{"status":"screen_failed"}"#, "reason"),
        (r#"{"state":"new"}"#, "state"),
        ("[]", "body"),
    ] {
        let r = app
            .json(
                Method::PATCH,
                "/api/v1/applications/1",
                body,
                &mut anon,
                &auth,
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(r.json()["field"], field, "{body}: {}", r.body);
    }
    // Not an id, no such application, then the coordinator's own (whose
    // answer is checked below).
    let mut last = None;
    for (id, want) in [
        ("abc", StatusCode::BAD_REQUEST),
        ("77", StatusCode::NOT_FOUND),
        ("1", StatusCode::OK),
    ] {
        let path = format!("/api/v1/applications/{id}");
        let r = app
            .json(
                Method::PATCH,
                &path,
                r#"{"status":"contacted"}"#,
                &mut anon,
                &auth,
            )
            .await;
        assert_eq!(r.status, want, "{path}: {}", r.body);
        last = Some(r);
    }
    let r = last.expect("three requests");
    let j = r.json();
    assert_eq!(j["status"], "contacted");
    assert_eq!(j["events"][1]["actor"], "mine@example.org");

    // Another trial's coordinator: 403, no data.
    let r = app
        .post_json(
            "/api/v1/sessions",
            r#"{"email":"other@example.org","password":"password for other"}"#,
            &mut anon,
        )
        .await;
    let other = format!("Bearer {}", r.json()["token"].as_str().unwrap());
    let oauth = [("authorization", other.as_str())];
    let r = app
        .empty(Method::GET, "/api/v1/applications", &mut anon, &oauth)
        .await;
    assert_eq!(r.json()["applications"].as_array().unwrap().len(), 0);
    let r = app
        .empty(Method::GET, "/api/v1/applications/1", &mut anon, &oauth)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains("Chen"));
    let r = app
        .empty(
            Method::GET,
            "/api/v1/applications?trial=NCT06946485",
            &mut anon,
            &oauth,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .json(
            Method::PATCH,
            "/api/v1/applications/1",
            r#"{"status":"enrolled"}"#,
            &mut anon,
            &oauth,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Logging out ends the token.
    let r = app
        .empty(Method::DELETE, "/api/v1/sessions", &mut anon, &auth)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .empty(Method::GET, "/api/v1/applications", &mut anon, &auth)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_header_to_write() {
    let app = App::new().await;
    app.coordinator("mine@example.org", "password for mine", &["NCT06946485"])
        .await;
    app.apply(
        "NCT06946485",
        CHT101_ANSWERS,
        "Chen Jie",
        "chen@example.org",
        &mut Jar::default(),
    )
    .await;
    let mut jar = Jar::default();
    app.login("mine@example.org", "password for mine", &mut jar)
        .await;
    let r = app.get_with("/api/v1/applications", &mut jar).await;
    assert_eq!(r.status, StatusCode::OK, "the cookie reads");
    let r = app
        .json(
            Method::PATCH,
            "/api/v1/applications/1",
            r#"{"status":"contacted"}"#,
            &mut jar,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF header");
    let csrf = app.get_with("/coordinator", &mut jar).await.csrf();
    let r = app
        .json(
            Method::PATCH,
            "/api/v1/applications/1",
            r#"{"status":"contacted"}"#,
            &mut jar,
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn api_logins_are_rate_limited() {
    let app = App::new().await;
    let mut jar = Jar::from_ip("192.0.2.44");
    for _ in 0..5 {
        let r = app
            .post_json(
                "/api/v1/sessions",
                r#"{"email":"x@example.org","password":"y"}"#,
                &mut jar,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = app
        .post_json(
            "/api/v1/sessions",
            r#"{"email":"x@example.org","password":"y"}"#,
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.json()["error"].is_string());
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
}

#[tokio::test]
async fn openapi_document_and_vendored_swagger_ui() {
    let app = App::new().await;
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert!(j["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/v1/search",
        "/api/v1/trials/{id}",
        "/api/v1/trials/{id}/criteria",
        "/api/v1/match",
        "/api/v1/sessions",
        "/api/v1/applications",
        "/api/v1/applications/{id}",
    ] {
        assert!(j["paths"][p].is_object(), "{p} not documented");
    }
    assert!(j["components"]["securitySchemes"]["bearer"].is_object());
    let r = app.get("/api/docs/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("swagger"),
        "{}",
        &r.body[..r.body.len().min(300)]
    );
    assert!(
        !r.body.contains("unpkg.com") && !r.body.contains("cdn."),
        "assets are vendored"
    );
    let js = app.get("/api/docs/swagger-ui-bundle.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.body.len() > 100_000);
}
