//! Trial conduct tables: participants, records, the audit trail and
//! accepted advice, on every configured backend.

use super::backends;
use eligo_store::conduct::{Actor, Changed, Created, FieldChange};

type Seen<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn actor() -> Actor {
    Actor {
        user_id: None,
        name: "coord@example.org".into(),
    }
}

fn ch(field: &str, old: Option<&str>, new: Option<&str>) -> FieldChange {
    FieldChange {
        field: field.into(),
        old: old.map(str::to_string),
        new: new.map(str::to_string),
    }
}

#[tokio::test]
async fn participants_records_and_their_audit_trail() {
    let b = backends("conduct").await;
    for (name, s) in &b.stores {
        let a = actor();
        let Created::Created(pid) = s
            .create_participant(
                "NCT06946485",
                "CHT-001",
                None,
                r#"{"study_id":"CHT-001","infusion_date":"2026-01-15"}"#,
                &[
                    ch("study_id", None, Some("CHT-001")),
                    ch("infusion_date", None, Some("2026-01-15")),
                ],
                &a,
            )
            .await
            .unwrap()
        else {
            panic!("{name}: not created");
        };
        // The same study id twice in one trial: refused, nothing written.
        assert_eq!(
            s.create_participant("NCT06946485", "CHT-001", None, "{}", &[], &a)
                .await
                .unwrap(),
            Created::Duplicate,
            "{name}"
        );
        // ... but fine in another trial.
        assert!(matches!(
            s.create_participant("NCT07331467", "CHT-001", None, "{}", &[], &a)
                .await
                .unwrap(),
            Created::Created(_)
        ));
        let Created::Created(v1) = s
            .add_record(
                pid,
                "visit",
                Some("M1"),
                r#"{"date":"2026-02-15","pga":1.0}"#,
                &[
                    ch("date", None, Some("2026-02-15")),
                    ch("pga", None, Some("1.0")),
                ],
                &a,
            )
            .await
            .unwrap()
        else {
            panic!("{name}");
        };
        assert_eq!(
            s.add_record(pid, "visit", Some("M1"), "{}", &[], &a)
                .await
                .unwrap(),
            Created::Duplicate,
            "{name}: one live M1"
        );
        assert_eq!(
            s.add_record(999_999, "visit", Some("M1"), "{}", &[], &a)
                .await
                .unwrap(),
            Created::NotFound
        );
        let r = s.record(v1).await.unwrap().unwrap();
        assert_eq!(
            (r.trial_id.as_str(), r.kind.as_str()),
            ("NCT06946485", "visit")
        );
        // A change made against a stale read is refused.
        assert_eq!(
            s.update_record(v1, "{}", &[], "typo", "1999-01-01T00:00:00Z", &a)
                .await
                .unwrap(),
            Changed::Conflict,
            "{name}"
        );
        assert_eq!(
            s.update_record(
                v1,
                r#"{"date":"2026-02-15","pga":1.2}"#,
                &[ch("pga", Some("1.0"), Some("1.2"))],
                "transcription error",
                &r.updated_at,
                &a
            )
            .await
            .unwrap(),
            Changed::Changed
        );
        assert_eq!(
            s.record_entered_in_error(v1, "wrong participant", &a)
                .await
                .unwrap(),
            Changed::Changed
        );
        assert_eq!(
            s.record_entered_in_error(v1, "again", &a).await.unwrap(),
            Changed::Conflict
        );
        // Nothing deleted: the row stays, flagged; a new M1 may be entered.
        let rows = s.records(pid).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].error_reason.as_deref(), Some("wrong participant"));
        assert!(matches!(
            s.add_record(
                pid,
                "visit",
                Some("M1"),
                r#"{"date":"2026-02-16"}"#,
                &[],
                &a
            )
            .await
            .unwrap(),
            Created::Created(_)
        ));
        let trail = s.conduct_audit("NCT06946485", Some(pid)).await.unwrap();
        let seen: Vec<Seen> = trail
            .iter()
            .map(|r| {
                (
                    r.record_kind.as_str(),
                    r.action.as_str(),
                    r.field.as_deref(),
                    r.old_value.as_deref(),
                    r.new_value.as_deref(),
                    r.reason.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "participant",
                    "created",
                    Some("study_id"),
                    None,
                    Some("CHT-001"),
                    None
                ),
                (
                    "participant",
                    "created",
                    Some("infusion_date"),
                    None,
                    Some("2026-01-15"),
                    None
                ),
                (
                    "visit",
                    "created",
                    Some("date"),
                    None,
                    Some("2026-02-15"),
                    None
                ),
                ("visit", "created", Some("pga"), None, Some("1.0"), None),
                (
                    "visit",
                    "changed",
                    Some("pga"),
                    Some("1.0"),
                    Some("1.2"),
                    Some("transcription error")
                ),
                (
                    "visit",
                    "entered_in_error",
                    None,
                    None,
                    None,
                    Some("wrong participant")
                ),
                ("visit", "created", None, None, None, None),
            ],
            "{name}"
        );
        assert!(
            trail
                .iter()
                .all(|r| r.actor == "coord@example.org" && !r.at.is_empty())
        );
        // Participants: change, then entered in error.
        let p = s.participant(pid).await.unwrap().unwrap();
        assert_eq!(
            s.update_participant(
                pid,
                r#"{"x":1}"#,
                &[ch("dose_level", None, Some("2"))],
                "dose corrected",
                &p.updated_at,
                &a
            )
            .await
            .unwrap(),
            Changed::Changed
        );
        assert_eq!(
            s.participant_entered_in_error(pid, "duplicate entry", &a)
                .await
                .unwrap(),
            Changed::Changed
        );
        assert_eq!(
            s.participant(pid)
                .await
                .unwrap()
                .unwrap()
                .error_reason
                .as_deref(),
            Some("duplicate entry")
        );
        // The study id is free again once the first entry is in error.
        assert!(matches!(
            s.create_participant("NCT06946485", "CHT-001", None, "{}", &[], &a)
                .await
                .unwrap(),
            Created::Created(_)
        ));
        assert_eq!(s.participants("NCT06946485").await.unwrap().len(), 2);
        assert_eq!(s.trial_records("NCT06946485").await.unwrap().len(), 2);
        // Settings and accepted advice are audited too.
        s.put_conduct_settings(
            "NCT06946485",
            r#"{"dlt_window_days":21}"#,
            &[ch("dlt_window_days", Some("28"), Some("21"))],
            Some("protocol v2"),
            &a,
        )
        .await
        .unwrap();
        assert_eq!(
            s.conduct_settings("NCT06946485").await.unwrap().as_deref(),
            Some(r#"{"dlt_window_days":21}"#)
        );
        let id = s
            .accept_decision(
                "NCT07331467",
                "3+3",
                r#"{"action":"escalate"}"#,
                Some("DSMB agreed"),
                &a,
            )
            .await
            .unwrap();
        let d = s.decisions("NCT07331467").await.unwrap();
        assert_eq!(
            (d.len(), d[0].id, d[0].note.as_deref()),
            (1, id, Some("DSMB agreed"))
        );
        let t = s.conduct_audit("NCT07331467", None).await.unwrap();
        assert_eq!(t.last().map(|r| r.action.as_str()), Some("accepted"));
    }
}
