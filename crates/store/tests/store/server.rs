//! The web app's tables (`server` module): accounts, sessions,
//! applications and their audit trail, on every configured backend.

use super::backends;
use eligo_store::server::{ApplicationStatus, CreateUser, NewApplication, StatusChange};

fn application<'a>(trial: &'a str, email: &'a str) -> NewApplication<'a> {
    NewApplication {
        trial_id: trial,
        name: "Test Patient",
        email,
        phone: None,
        consent: true,
        answers_json: r#"{"sex":{"value":"female"}}"#,
        facts_json: r#"{"id":"prescreen"}"#,
        verdict: "unknown",
        as_of: "2026-03-01",
    }
}

#[tokio::test]
async fn users_are_unique_by_email_and_keep_their_trials() {
    let b = backends("users").await;
    for (name, s) in &b.stores {
        let trials = vec!["NCT00000002".to_string(), "NCT00000001".to_string()];
        let CreateUser::Created(id) = s
            .create_user("a@example.org", "$argon2id$x", &trials)
            .await
            .unwrap()
        else {
            panic!("{name}: first account not created");
        };
        assert_eq!(
            s.create_user("a@example.org", "$argon2id$y", &[])
                .await
                .unwrap(),
            CreateUser::EmailTaken,
            "{name}"
        );
        let u = s.user_by_email("a@example.org").await.unwrap().unwrap();
        assert_eq!(u.id, id, "{name}");
        assert_eq!(
            u.password_hash, "$argon2id$x",
            "{name}: the duplicate changed nothing"
        );
        assert_eq!(u.trials, vec!["NCT00000001", "NCT00000002"], "{name}");
        s.add_user_trials(id, &["NCT00000003".to_string(), "NCT00000001".to_string()])
            .await
            .unwrap();
        assert_eq!(
            s.user_by_id(id).await.unwrap().unwrap().trials.len(),
            3,
            "{name}"
        );
        assert!(s.user_has_trial(id, "NCT00000003").await.unwrap(), "{name}");
        assert!(
            !s.user_has_trial(id, "NCT00000009").await.unwrap(),
            "{name}"
        );
        assert!(
            s.user_by_email("b@example.org").await.unwrap().is_none(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn sessions_expire_and_are_deleted() {
    let b = backends("sessions").await;
    for (name, s) in &b.stores {
        let CreateUser::Created(uid) = s.create_user("c@example.org", "h", &[]).await.unwrap()
        else {
            panic!("{name}");
        };
        s.create_session("hash-live", uid, "csrf1", 2_000)
            .await
            .unwrap();
        s.create_session("hash-old", uid, "csrf2", 1_000)
            .await
            .unwrap();
        let live = s.session("hash-live", 1_500).await.unwrap().unwrap();
        assert_eq!(
            (live.user_id, live.email.as_str(), live.csrf_token.as_str()),
            (uid, "c@example.org", "csrf1"),
            "{name}"
        );
        assert!(
            s.session("hash-old", 1_500).await.unwrap().is_none(),
            "{name}: expired"
        );
        assert!(
            s.session("hash-live", 2_000).await.unwrap().is_none(),
            "{name}: expiry is exclusive"
        );
        assert_eq!(s.purge_sessions(1_500).await.unwrap(), 1, "{name}");
        s.delete_session("hash-live").await.unwrap();
        assert!(
            s.session("hash-live", 1_500).await.unwrap().is_none(),
            "{name}: logged out"
        );
    }
}

#[tokio::test]
async fn applications_are_counted_scoped_and_audited() {
    let b = backends("applications").await;
    for (name, s) in &b.stores {
        let CreateUser::Created(mine) = s
            .create_user("mine@example.org", "h", &["NCT00000001".to_string()])
            .await
            .unwrap()
        else {
            panic!("{name}");
        };
        let CreateUser::Created(other) = s
            .create_user("other@example.org", "h", &["NCT00000002".to_string()])
            .await
            .unwrap()
        else {
            panic!("{name}");
        };
        assert_eq!(
            s.application_count("NCT00000001").await.unwrap(),
            0,
            "{name}"
        );
        let a1 = s
            .submit_application(&application("NCT00000001", "p1@example.org"))
            .await
            .unwrap();
        let a2 = s
            .submit_application(&application("NCT00000001", "p2@example.org"))
            .await
            .unwrap();
        let a3 = s
            .submit_application(&application("NCT00000002", "p3@example.org"))
            .await
            .unwrap();
        assert_eq!(
            s.application_count("NCT00000001").await.unwrap(),
            2,
            "{name}"
        );
        assert_eq!(
            s.application_count("NCT00000002").await.unwrap(),
            1,
            "{name}"
        );

        let listed = s.applications_for_user(mine, None, None).await.unwrap();
        let ids: Vec<i64> = listed.iter().map(|a| a.id).collect();
        assert_eq!(ids, vec![a2, a1], "{name}: only my trial's, newest first");
        assert!(
            listed.iter().all(|a| a.status == ApplicationStatus::New),
            "{name}"
        );
        let back = s.application(a1).await.unwrap().unwrap();
        assert_eq!(back.email, "p1@example.org", "{name}");
        assert_eq!(back.answers_json, r#"{"sex":{"value":"female"}}"#, "{name}");
        assert!(back.consent, "{name}");

        // A coordinator of another trial changes nothing.
        assert_eq!(
            s.change_application_status(
                a1,
                other,
                "other@example.org",
                ApplicationStatus::Contacted,
                None
            )
            .await
            .unwrap(),
            StatusChange::Forbidden,
            "{name}"
        );
        assert_eq!(
            s.change_application_status(
                9_999,
                mine,
                "mine@example.org",
                ApplicationStatus::Contacted,
                None
            )
            .await
            .unwrap(),
            StatusChange::NotFound,
            "{name}"
        );
        let StatusChange::Changed(changed) = s
            .change_application_status(
                a1,
                mine,
                "mine@example.org",
                ApplicationStatus::ScreenFailed,
                Some("LVEF 40%"),
            )
            .await
            .unwrap()
        else {
            panic!("{name}: not changed");
        };
        assert_eq!(changed.status, ApplicationStatus::ScreenFailed, "{name}");
        assert_eq!(changed.status_reason.as_deref(), Some("LVEF 40%"), "{name}");

        let failed = s
            .applications_for_user(
                mine,
                Some("NCT00000001"),
                Some(ApplicationStatus::ScreenFailed),
            )
            .await
            .unwrap();
        assert_eq!(failed.len(), 1, "{name}");
        assert!(
            s.applications_for_user(mine, Some("NCT00000002"), None)
                .await
                .unwrap()
                .is_empty(),
            "{name}: not attached to that trial"
        );

        let events = s.application_events(a1).await.unwrap();
        assert_eq!(events.len(), 2, "{name}");
        assert_eq!(
            (events[0].actor.as_str(), events[0].action.as_str()),
            ("applicant", "submitted"),
            "{name}"
        );
        assert_eq!(events[1].actor, "mine@example.org", "{name}");
        assert_eq!(events[1].user_id, Some(mine), "{name}");
        assert_eq!(events[1].from_status.as_deref(), Some("new"), "{name}");
        assert_eq!(
            events[1].to_status.as_deref(),
            Some("screen_failed"),
            "{name}"
        );
        assert_eq!(events[1].reason.as_deref(), Some("LVEF 40%"), "{name}");
        assert_eq!(s.application_events(a3).await.unwrap().len(), 1, "{name}");
    }
}

#[test]
fn status_codes_round_trip() {
    for s in ApplicationStatus::ALL {
        assert_eq!(ApplicationStatus::from_code(s.code()), Some(*s));
    }
    assert_eq!(ApplicationStatus::from_code("accepted"), None);
}
