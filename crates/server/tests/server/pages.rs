//! The public pages: home, search, trial page, static files, 404s.

use crate::common::{App, Jar};
use axum::http::StatusCode;

#[tokio::test]
async fn home_page_has_a_search_box() {
    let app = App::new().await;
    let r = app.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        r.body
            .contains(r#"<form action="/search" method="get" role="search""#)
    );
    assert!(r.body.contains(r#"name="q""#));
    assert!(r.headers.contains_key("content-security-policy"));
    assert_eq!(r.headers["x-frame-options"], "DENY");
}

#[tokio::test]
async fn search_lists_hits_with_badges_snippets_and_facet_counts() {
    let app = App::new().await;
    let r = app.get("/search?q=CAR-T+lupus").await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    assert!(
        b.contains(r#"href="/trials/NCT07331467""#),
        "hit links to the trial page"
    );
    assert!(b.contains(r#"class="badge open""#), "status badge");
    assert!(b.contains("<mark>"), "highlighted snippet");
    for facet in [
        "facet-status",
        "facet-phase",
        "facet-condition",
        "facet-antigen",
        "facet-sex",
        "facet-age",
        "facet-country",
    ] {
        assert!(b.contains(&format!(r#"id="{facet}""#)), "{facet} missing");
    }
    assert!(b.contains(r#"<span class="count">"#));
    // Choosing a facet narrows the search and is shown as an active filter.
    let r = app.get("/search?q=CAR-T+lupus&antigen=CD70").await;
    assert!(r.body.contains("NCT06946485"));
    assert!(!r.body.contains(r#"href="/trials/NCT07331467""#));
    assert!(r.body.contains("Antigen: CD70"));
}

#[tokio::test]
async fn search_paginates() {
    let app = App::new().await;
    let first = app.get("/search").await;
    assert!(
        first.body.contains("trials match; showing 1 to 10."),
        "{}",
        first.body
    );
    assert!(first.body.contains(r#"href="/search?page=2""#));
    let second = app.get("/search?page=2").await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(second.body.contains("showing 11 to 20."));
    assert!(second.body.contains(r#"<ol class="hits" start="11">"#));
}

#[tokio::test]
async fn search_escapes_what_it_echoes_and_names_bad_filters() {
    let app = App::new().await;
    let r = app
        .get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("<script>alert"), "query echoed raw");
    assert!(r.body.contains("&#60;script&#62;") || r.body.contains("&lt;script&gt;"));
    // An age that cannot be used is said beside its field; the search
    // goes on without it.
    let r = app.get("/search?age=old").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"age-error\""), "{}", r.body);
    let r = app.get("/search?status=nope").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("status:"), "{}", r.body);
    let r = app.get("/search?q=%FF").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn trial_page_shows_what_the_seed_pages_show() {
    let app = App::new().await;
    let r = app.get("/trials/NCT06946485").await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    for want in [
        "Universal CAR-T (CHT101) Cell Therapy for Relapsed Refractory Systemic Lupus Erythematosus",
        // The page's own dated labels, as it writes them (seed 000).
        "Launched by THE AFFILIATED NANJING DRUM TOWER HOSPITAL OF NANJING UNIVERSITY MEDICAL SCHOOL · Apr 20, 2025",
        "Not yet recruiting",
        "Current as of July 23, 2025",
        r#"<section id="summary">"#,
        r#"class="plain""#,
        "SLEDAI-2000 score &#62;6.",
        r#"<span class="badge computable">computable</span>"#,
        r#"<span class="badge confirm">to confirm</span>"#,
        "(names condition cardiac diseases)",
        r#"<section id="design">"#,
        "<dt>Primary purpose</dt><dd>Treatment</dd>",
        "<dt>Allocation</dt><dd>Not applicable</dd>",
        "SRI-4",
        "Time frame:",
        r#"<section id="locations">"#,
        "Nanjing, Jiangsu, China",
        r#"<section id="officials">"#,
        r#"<section id="timeline">"#,
        "<dt>Current as of (the page&#39;s label)</dt>",
        "Lingyun Sun, Study chair",
        r#"<section id="related">"#,
        "0 patients have applied",
        r#"href="/trials/NCT06946485/prescreen""#,
    ] {
        assert!(b.contains(want), "trial page lacks {want:?}");
    }
    // Seed 000 says "First submit … Not reported": no date is filed under
    // a registry label the page does not give.
    assert!(!b.contains("First submitted"), "a relabelled date");
    // Dose levels, and the record's own related trials before similar ones.
    let r = app.get("/trials/nct07331467").await;
    assert_eq!(r.status, StatusCode::OK, "ids are case-insensitive");
    let b = &r.body;
    assert!(b.contains("Dose levels"));
    assert!(b.contains("1.5×10^5/kg"));
    let related = &b[b.find(r#"<section id="related">"#).unwrap()..];
    let listed = related.find("NCT07233642").unwrap();
    assert!(related.find("similar").is_none_or(|s| s > listed));
    for id in ["NCT07318259", "NCT06892145", "NCT06222853", "NCT06056921"] {
        assert!(related.contains(id), "related {id}");
    }
    // Criteria checked in part say so; the items of "5.5 Pre cleaning
    // standard" sit under one heading outside the criteria of enrolment.
    let r = app.get("/trials/NCT07031713").await;
    let b = &r.body;
    assert!(b.contains(r#"<span class="badge partly">partly computable</span>"#));
    assert!(b.contains("of 32 criteria of enrolment can be checked in full"));
    assert_eq!(b.matches("Not criteria of enrolment").count(), 1);
    let group = b.find("Not criteria of enrolment").unwrap();
    let heading = b.find("<h3>5.5 Pre cleaning standard").unwrap();
    assert!(group < heading, "the group's heading follows the note");
    assert!(
        !b[group..heading].contains("<li class=\"criterion"),
        "nothing between the note and the group's heading"
    );
    assert!(
        !b[group..].contains("criterion exclusion"),
        "the exclusions come before the group"
    );
}

#[tokio::test]
async fn unknown_trials_and_pages_are_404() {
    let app = App::new().await;
    let r = app.get("/trials/NCT99999999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("<html"));
    let r = app.get("/nowhere").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.get("/api/v1/nowhere").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.json()["error"].is_string());
}

#[tokio::test]
async fn static_files_are_served() {
    let app = App::new().await;
    let css = app.get("/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let js = app.get("/static/app.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.body.contains("data-when-name"));
}

#[tokio::test]
async fn oversize_form_bodies_are_refused() {
    let app = App::new().await;
    let big = "x".repeat(eligo_server::DEFAULT_BODY_LIMIT + 10);
    let mut jar = Jar::default();
    let r = app
        .request(
            axum::http::Method::POST,
            "/trials/NCT06946485/prescreen",
            &mut jar,
            &[("content-type", "application/x-www-form-urlencoded")],
            axum::body::Body::from(format!("a={big}")),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Declared with Content-Length, as browsers send forms: the error page.
    let body = format!("a={big}");
    let len = body.len().to_string();
    let r = app
        .request(
            axum::http::Method::POST,
            "/trials/NCT06946485/prescreen",
            &mut jar,
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("content-length", &len),
            ],
            axum::body::Body::from(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{:?}",
        r.headers
    );
    assert!(r.body.contains("larger than the limit"), "{}", r.body);
}
