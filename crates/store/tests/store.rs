//! Store behaviour, against SQLite always and against PostgreSQL when
//! `ELIGO_TEST_DATABASE_URL` is set (each test in its own schema).

use eligo_model::Trial;
use eligo_model::trial::{OverallStatus, Phase, StudyType};
use eligo_store::{ImportLogEntry, Location, Outcome, RulesRow, Store, UpsertCounts};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Backends {
    stores: Vec<(&'static str, Store)>,
    _dir: tempfile::TempDir,
}

static SCHEMA_SEQ: AtomicUsize = AtomicUsize::new(0);

/// A fresh SQLite store, and a fresh PostgreSQL schema when configured.
async fn backends(test: &str) -> Backends {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut stores = vec![(
        "sqlite",
        Store::open_sqlite(dir.path().join("t.db"))
            .await
            .expect("open sqlite"),
    )];
    match std::env::var("ELIGO_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let schema = format!(
                "eligo_t_{}_{}_{}_{}",
                test,
                std::process::id(),
                nanos,
                SCHEMA_SEQ.fetch_add(1, Ordering::Relaxed)
            );
            // A fresh schema even if a name repeats on a long-lived server.
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
                .await
                .expect("connect postgres");
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
            )))
            .execute(&mut conn)
            .await
            .expect("drop schema");
            let loc = Location::Postgres {
                url,
                schema: Some(schema),
            };
            stores.push(("postgres", Store::open(&loc).await.expect("open postgres")));
        }
        _ => println!("skipping postgres: ELIGO_TEST_DATABASE_URL not set"),
    }
    Backends { stores, _dir: dir }
}

fn trial(
    id: &str,
    status: OverallStatus,
    phases: &[Phase],
    title: &str,
) -> (Trial, serde_json::Value) {
    let t = Trial {
        id: id.to_string(),
        nct_id: Some(id.to_string()),
        brief_title: title.to_string(),
        status: Some(status),
        phases: phases.to_vec(),
        study_type: Some(StudyType::Interventional),
        ..Trial::default()
    };
    let raw =
        json!({"protocolSection": {"identificationModule": {"nctId": id, "briefTitle": title}}});
    (t, raw)
}

fn three() -> Vec<(Trial, serde_json::Value)> {
    vec![
        trial(
            "NCT00000001",
            OverallStatus::Recruiting,
            &[Phase::Phase1, Phase::Phase2],
            "CD19 CAR-T in lupus",
        ),
        trial(
            "NCT00000002",
            OverallStatus::Recruiting,
            &[Phase::Phase1],
            "BCMA CAR-T in myeloma",
        ),
        trial(
            "NCT00000003",
            OverallStatus::Completed,
            &[],
            "Observational lupus cohort",
        ),
    ]
}

#[tokio::test]
async fn reimport_of_identical_data_changes_nothing() {
    let b = backends("reimport").await;
    for (name, s) in &b.stores {
        let first = s.upsert_batch(&three()).await.unwrap();
        assert_eq!(
            first,
            UpsertCounts {
                inserted: 3,
                updated: 0,
                unchanged: 0
            },
            "{name}"
        );
        let gen1 = s.generation().await.unwrap();
        let info1 = s.row_info("NCT00000002").await.unwrap().unwrap();

        let again = s.upsert_batch(&three()).await.unwrap();
        assert_eq!(
            again,
            UpsertCounts {
                inserted: 0,
                updated: 0,
                unchanged: 3
            },
            "{name}"
        );
        assert_eq!(
            s.generation().await.unwrap(),
            gen1,
            "{name}: an unchanged batch must not bump the generation"
        );
        assert_eq!(
            s.row_info("NCT00000002").await.unwrap().unwrap(),
            info1,
            "{name}"
        );
        assert_eq!(s.count().await.unwrap(), 3, "{name}");
    }
}

async fn hash_of(s: &Store, id: &str) -> String {
    s.row_info(id).await.unwrap().unwrap().content_hash
}

#[tokio::test]
async fn compiled_rules_serve_only_the_current_content_and_compiler() {
    let b = backends("rules").await;
    for (name, s) in &b.stores {
        s.upsert_batch(&three()).await.unwrap();
        let row = |id: &str, hash: String, compiler: &str, data: &[u8]| RulesRow {
            trial_id: id.to_string(),
            content_hash: hash,
            compiler: compiler.to_string(),
            partial: false,
            targets: "sle lupus_nephritis".into(),
            gate: String::new(),
            data: eligo_store::codec::pack(data),
        };
        assert_eq!(s.stale_rules("c1").await.unwrap().len(), 3, "{name}");
        s.put_rules(&[
            row(
                "NCT00000001",
                hash_of(s, "NCT00000001").await,
                "c1",
                b"{\"a\":1}",
            ),
            row(
                "NCT00000002",
                hash_of(s, "NCT00000002").await,
                "c1",
                b"{\"b\":2}",
            ),
        ])
        .await
        .unwrap();
        let ids = ["NCT00000001", "NCT00000002", "NCT00000003"];
        let got = s.rules_data(&ids, "c1").await.unwrap();
        assert_eq!(got.len(), 2, "{name}");
        assert_eq!(
            eligo_store::codec::unpack(&got["NCT00000002"]).unwrap(),
            b"{\"b\":2}"
        );
        assert_eq!(
            s.stale_rules("c1").await.unwrap(),
            ["NCT00000003"],
            "{name}"
        );
        // Another compiler: nothing.
        assert!(s.rules_data(&ids, "c2").await.unwrap().is_empty(), "{name}");
        // The index rows carry the entry of the current rules only.
        let rows = s.all_index_rows("c1", -1).await.unwrap();
        assert_eq!(rows.len(), 3, "{name}");
        let one = rows.iter().find(|r| r.trial_id == "NCT00000001").unwrap();
        assert_eq!(one.entry.as_ref().unwrap().targets, "sle lupus_nephritis");
        assert!(
            rows.iter()
                .find(|r| r.trial_id == "NCT00000003")
                .unwrap()
                .entry
                .is_none()
        );
        // A changed record makes its rules stale; only it is listed as changed.
        let g = s.generation().await.unwrap();
        let mut changed = three();
        changed[1].0.brief_title = "A changed title".into();
        s.upsert_batch(&changed).await.unwrap();
        let got = s.rules_data(&ids, "c1").await.unwrap();
        assert!(got.contains_key("NCT00000001"), "{name}");
        assert!(
            !got.contains_key("NCT00000002"),
            "{name}: stale after the record changed"
        );
        let since = s.all_index_rows("c1", g).await.unwrap();
        assert_eq!(since.len(), 1, "{name}");
        assert_eq!(since[0].trial_id, "NCT00000002");
        assert!(since[0].entry.is_none(), "{name}");
        // The completeness mark belongs to one compiler.
        assert_eq!(s.rules_complete("c1").await.unwrap(), None);
        s.set_rules_complete("c1", 7).await.unwrap();
        assert_eq!(s.rules_complete("c1").await.unwrap(), Some(7));
        assert_eq!(s.rules_complete("c2").await.unwrap(), None);
    }
}

#[tokio::test]
async fn records_are_stored_compressed_and_read_back_whole() {
    let b = backends("packed").await;
    for (name, s) in &b.stores {
        let items = three();
        s.upsert_batch(&items).await.unwrap();
        for (t, raw) in &items {
            assert_eq!(&s.get_trial(&t.id).await.unwrap().unwrap(), t, "{name}");
            assert_eq!(&s.get_raw(&t.id).await.unwrap().unwrap(), raw, "{name}");
        }
        let with_hash = s
            .trials_with_hash(&["NCT00000003", "NCT00000001", "NCT09999999"])
            .await
            .unwrap();
        let ids: Vec<&str> = with_hash.iter().map(|(t, _)| t.id.as_str()).collect();
        assert_eq!(ids, ["NCT00000001", "NCT00000003"], "{name}");
        assert_eq!(
            with_hash[0].1,
            s.row_info("NCT00000001")
                .await
                .unwrap()
                .unwrap()
                .content_hash
        );
    }
}

#[tokio::test]
async fn changed_record_is_updated_and_stamped() {
    let b = backends("update").await;
    for (name, s) in &b.stores {
        s.upsert_batch(&three()).await.unwrap();
        let gen1 = s.generation().await.unwrap();
        let before = s.row_info("NCT00000003").await.unwrap().unwrap();

        let mut items = three();
        items[2].0.status = Some(OverallStatus::Terminated);
        let c = s.upsert_batch(&items).await.unwrap();
        assert_eq!(
            c,
            UpsertCounts {
                inserted: 0,
                updated: 1,
                unchanged: 2
            },
            "{name}"
        );
        let gen2 = s.generation().await.unwrap();
        assert_eq!(gen2, gen1 + 1, "{name}");

        let after = s.row_info("NCT00000003").await.unwrap().unwrap();
        assert_ne!(after.content_hash, before.content_hash, "{name}");
        assert_eq!(
            after.imported_at, before.imported_at,
            "{name}: first import time is kept"
        );
        assert_eq!(after.generation, gen2, "{name}");
        assert_eq!(
            s.get_trial("NCT00000003").await.unwrap().unwrap().status,
            Some(OverallStatus::Terminated)
        );

        // Only the changed trial is reported as changed since gen1.
        let changed = s.changed_since(gen1, None, 100).await.unwrap();
        let ids: Vec<&str> = changed.iter().map(|(_, t)| t.id.as_str()).collect();
        assert_eq!(ids, ["NCT00000003"], "{name}");
        assert!(
            s.changed_since(gen2, None, 100).await.unwrap().is_empty(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn rolled_back_writer_leaves_the_store_as_it_was() {
    let b = backends("rollback").await;
    for (name, s) in &b.stores {
        s.upsert_batch(&three()).await.unwrap();
        let generation = s.generation().await.unwrap();
        let before: Vec<_> = {
            let mut v = Vec::new();
            for id in s.list_ids().await.unwrap() {
                v.push(s.row_info(&id).await.unwrap().unwrap());
            }
            v
        };

        let mut w = s.begin().await.unwrap();
        let (mut changed, raw) = three().remove(0);
        changed.brief_title = "changed title".into();
        assert_eq!(w.upsert(&changed, &raw).await.unwrap(), Outcome::Updated);
        let (new, raw) = trial("NCT00000009", OverallStatus::Withdrawn, &[], "new");
        assert_eq!(w.upsert(&new, &raw).await.unwrap(), Outcome::Inserted);
        w.rollback().await.unwrap();

        // Dropping a writer without commit also rolls back.
        {
            let mut w = s.begin().await.unwrap();
            w.upsert(&new, &raw).await.unwrap();
        }

        assert_eq!(s.count().await.unwrap(), 3, "{name}");
        assert_eq!(s.generation().await.unwrap(), generation, "{name}");
        let mut after = Vec::new();
        for id in s.list_ids().await.unwrap() {
            after.push(s.row_info(&id).await.unwrap().unwrap());
        }
        assert_eq!(after, before, "{name}");
        assert_eq!(
            s.get_trial("NCT00000001")
                .await
                .unwrap()
                .unwrap()
                .brief_title,
            "CD19 CAR-T in lupus"
        );
    }
}

#[tokio::test]
async fn trial_and_raw_round_trip_exactly() {
    let b = backends("roundtrip").await;
    for (name, s) in &b.stores {
        let items = three();
        s.upsert_batch(&items).await.unwrap();
        for (t, raw) in &items {
            assert_eq!(
                s.get_trial(&t.id).await.unwrap().as_ref(),
                Some(t),
                "{name}"
            );
            assert_eq!(
                s.get_raw(&t.id).await.unwrap().as_ref(),
                Some(raw),
                "{name}"
            );
        }
        assert_eq!(s.get_trial("NCT99999999").await.unwrap(), None, "{name}");
        assert_eq!(s.get_raw("NCT99999999").await.unwrap(), None, "{name}");
    }
}

#[tokio::test]
async fn keyset_pages_cover_every_trial_once() {
    let b = backends("paging").await;
    let items: Vec<_> = (0..25)
        .rev()
        .map(|i| trial(&format!("NCT{i:08}"), OverallStatus::Recruiting, &[], "t"))
        .collect();
    for (name, s) in &b.stores {
        s.upsert_batch(&items).await.unwrap();
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = s.trials_page(after.as_deref(), 7).await.unwrap();
            assert!(page.len() <= 7);
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            seen.extend(page.into_iter().map(|t| t.id));
        }
        let mut expected: Vec<String> = items.iter().map(|(t, _)| t.id.clone()).collect();
        expected.sort();
        assert_eq!(seen, expected, "{name}");
        assert_eq!(s.list_ids().await.unwrap(), expected, "{name}");
        let all: Vec<String> = s
            .all_trials()
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(all, expected, "{name}");
    }
}

#[tokio::test]
async fn counts_by_status_and_phase() {
    let b = backends("counts").await;
    for (name, s) in &b.stores {
        s.upsert_batch(&three()).await.unwrap();
        assert_eq!(
            s.counts_by_status().await.unwrap(),
            vec![("RECRUITING".to_string(), 2), ("COMPLETED".to_string(), 1)],
            "{name}"
        );
        // Two trials are in phase 1, one in phase 2 as well, one has none.
        assert_eq!(
            s.counts_by_phase().await.unwrap(),
            vec![
                ("PHASE1".to_string(), 2),
                ("NONE".to_string(), 1),
                ("PHASE2".to_string(), 1)
            ],
            "{name}"
        );
    }
}

#[tokio::test]
async fn import_log_keeps_runs_newest_first() {
    let b = backends("log").await;
    for (name, s) in &b.stores {
        let mut e = ImportLogEntry {
            started_at: "2026-01-01T00:00:00Z".into(),
            finished_at: "2026-01-01T00:00:01Z".into(),
            sources: vec!["a.json".into()],
            strict: false,
            outcome: "committed".into(),
            read: 3,
            inserted: 3,
            updated: 0,
            unchanged: 0,
            failed: 0,
        };
        s.log_import(&e).await.unwrap();
        e.strict = true;
        e.outcome = "rolled_back".into();
        e.failed = 1;
        s.log_import(&e).await.unwrap();
        let log = s.import_log(10).await.unwrap();
        assert_eq!(log.len(), 2, "{name}");
        assert_eq!(log[0], e, "{name}");
        assert_eq!(log[1].outcome, "committed", "{name}");
    }
}

#[tokio::test]
async fn sqlite_store_reopens_with_its_identity_and_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("registry.db");
    let id = {
        let s = Store::open_sqlite(&path).await.unwrap();
        s.upsert_batch(&three()).await.unwrap();
        let id = s.store_id().to_string();
        s.close().await;
        id
    };
    let s = Store::open_sqlite(&path).await.unwrap();
    assert_eq!(s.store_id(), id);
    assert_eq!(s.count().await.unwrap(), 3);
    assert_eq!(s.generation().await.unwrap(), 1);
}

// ---------------------------------------------------------------------------
// Web app tables (issue 7): accounts, sessions, applications, audit trail.
#[path = "store/server.rs"]
mod server;

/// The registry holds applicants' personal data: a new data directory is
/// 0700, the database and its WAL and shared-memory files 0600, and an
/// older, readable database is tightened on open.
#[cfg(unix)]
#[tokio::test]
async fn sqlite_files_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data").join("eligo");
    let db = dir.join("eligo.db");
    let store = Store::open_sqlite(&db).await.unwrap();
    let mut w = store.begin().await.unwrap();
    for (t, raw) in three() {
        w.upsert(&t, &raw).await.unwrap();
    }
    w.commit().await.unwrap();
    assert_eq!(mode(&dir), 0o700, "data directory");
    assert_eq!(mode(&tmp.path().join("data")), 0o700, "created parent");
    for suffix in ["", "-wal", "-shm"] {
        let p = dir.join(format!("eligo.db{suffix}"));
        assert!(p.exists(), "{} exists while the store is open", p.display());
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
    store.close().await;

    let old = tmp.path().join("old.db");
    std::fs::write(&old, b"").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = Store::open_sqlite(&old).await.unwrap();
    assert_eq!(mode(&old), 0o600);
    store.close().await;
}

// Trial conduct (issue 19): participants, records, audit trail, advice.
#[path = "store/conduct.rs"]
mod conduct;
