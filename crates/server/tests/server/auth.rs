//! Coordinators: login, sessions, CSRF, rate limits, and who sees what.

use crate::common::{App, CHT101_ANSWERS, Jar};
use axum::http::StatusCode;
use eligo_server::Settings;

#[tokio::test]
async fn anonymous_visitors_are_sent_to_login() {
    let app = App::new().await;
    for path in ["/coordinator", "/coordinator/applications/1"] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            r.location().starts_with("/login?next="),
            "{path}: {}",
            r.location()
        );
    }
    let r = app
        .post_form(
            "/coordinator/applications/1/status",
            &[("status", "contacted")],
            &mut Jar::default(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.get("/login").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"id="login-form""#));
}

#[tokio::test]
async fn login_sets_a_strict_httponly_secure_session_cookie_holding_a_hashed_token() {
    let app = App::with(Settings::default()).await;
    app.coordinator("c@example.org", "a long password 1", &["NCT06946485"])
        .await;
    let mut jar = Jar::default();
    let r = app
        .login("c@example.org", "a long password 1", &mut jar)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/coordinator");
    let cookie = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("eligo_session="))
        .expect("session cookie");
    for a in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(cookie.contains(a), "{cookie} lacks {a}");
    }
    let token = jar.cookies["eligo_session"].clone();
    let now = jiff::Timestamp::now().as_second();
    let store = app.state.store();
    assert!(
        store.session(&token, now).await.unwrap().is_none(),
        "the token itself is not stored"
    );
    assert!(
        store
            .session(&eligo_server::auth::token_hash(&token), now)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn wrong_passwords_fail_and_are_rate_limited() {
    let app = App::new().await;
    app.coordinator("c@example.org", "a long password 1", &["NCT06946485"])
        .await;
    let mut jar = Jar::from_ip("203.0.113.5");
    for i in 0..5 {
        let r = app.login("c@example.org", "wrong password", &mut jar).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        assert!(r.body.contains("Wrong email or password"));
    }
    // Even the right password waits now.
    let r = app
        .login("c@example.org", "a long password 1", &mut jar)
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let mut elsewhere = Jar::from_ip("203.0.113.6");
    let r = app
        .login("c@example.org", "a long password 1", &mut elsewhere)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Unknown accounts fail the same way.
    let r = app
        .login(
            "nobody@example.org",
            "whatever",
            &mut Jar::from_ip("203.0.113.7"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn login_without_csrf_is_refused() {
    let app = App::new().await;
    app.coordinator("c@example.org", "a long password 1", &[])
        .await;
    let mut jar = Jar::default();
    let r = app
        .post_form(
            "/login",
            &[
                ("email", "c@example.org"),
                ("password", "a long password 1"),
            ],
            &mut jar,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!jar.cookies.contains_key("eligo_session"));
}

#[tokio::test]
async fn coordinators_see_only_their_trials_and_changes_are_audited() {
    let app = App::new().await;
    app.coordinator("mine@example.org", "password for mine", &["NCT06946485"])
        .await;
    app.coordinator("other@example.org", "password for other", &["NCT07331467"])
        .await;
    let r = app
        .apply(
            "NCT06946485",
            CHT101_ANSWERS,
            "Zhang Min",
            "zhang.min@example.org",
            &mut Jar::default(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let mut mine = Jar::default();
    app.login("mine@example.org", "password for mine", &mut mine)
        .await;
    let log = app.get_with("/coordinator", &mut mine).await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(log.body.contains("Zhang Min"));
    let detail = app.get_with("/coordinator/applications/1", &mut mine).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.body.contains("zhang.min@example.org"));
    assert!(detail.body.contains("Application submitted"));
    assert!(
        detail.body.contains("SLEDAI-2K"),
        "answers are shown in words"
    );

    // Another trial's coordinator: an empty log, 403 on the application, never data.
    let mut other = Jar::default();
    app.login("other@example.org", "password for other", &mut other)
        .await;
    let log = app.get_with("/coordinator", &mut other).await;
    assert!(!log.body.contains("Zhang Min"));
    assert!(log.body.contains(r#"id="no-applications""#));
    let r = app
        .get_with("/coordinator/applications/1", &mut other)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains("Zhang") && !r.body.contains("zhang.min"));
    let r = app
        .get_with("/coordinator?trial=NCT06946485", &mut other)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let csrf = app.get_with("/coordinator", &mut other).await.csrf();
    let r = app
        .post_form(
            "/coordinator/applications/1/status",
            &[("csrf", &csrf), ("status", "enrolled")],
            &mut other,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // CSRF: a status change without the session's token is refused.
    let r = app
        .post_form(
            "/coordinator/applications/1/status",
            &[("status", "contacted")],
            &mut mine,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let csrf = detail.csrf();
    let r = app
        .post_form(
            "/coordinator/applications/1/status",
            &[("csrf", &csrf), ("status", "screen_failed")],
            &mut mine,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a screen failure needs a reason"
    );
    let r = app
        .post_form(
            "/coordinator/applications/1/status",
            &[
                ("csrf", &csrf),
                ("status", "screen_failed"),
                ("reason", "LVEF 45%"),
            ],
            &mut mine,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let detail = app.get_with("/coordinator/applications/1", &mut mine).await;
    assert!(detail.body.contains("Screen failed: LVEF 45%"));
    assert!(detail.body.contains("mine@example.org"), "who changed it");
    assert!(detail.body.contains("Status New → Screen failed: LVEF 45%"));
    let events = app.state.store().application_events(1).await.unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].actor, "mine@example.org");
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = App::new().await;
    app.coordinator("c@example.org", "a long password 1", &["NCT06946485"])
        .await;
    let mut jar = Jar::default();
    app.login("c@example.org", "a long password 1", &mut jar)
        .await;
    let token = jar.cookies["eligo_session"].clone();
    let page = app.get_with("/coordinator", &mut jar).await;
    let r = app
        .post_form("/logout", &[("csrf", "wrong")], &mut jar)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form("/logout", &[("csrf", &page.csrf())], &mut jar)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!jar.cookies.contains_key("eligo_session"));
    // The old token no longer works even if replayed.
    let mut replay = Jar::default();
    replay.cookies.insert("eligo_session".into(), token);
    let r = app.get_with("/coordinator", &mut replay).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}
