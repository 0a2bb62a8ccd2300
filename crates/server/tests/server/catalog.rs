//! The catalog (issue 16): the match API gives exactly what the code before
//! the scale redesign gave (the CLI's snapshot of every example patient;
//! by default only the trials that accept patients, as issue 16 defines
//! the API's default set), and a change to the store swaps in only the
//! changed trials.

use crate::common::{App, Jar};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// One match as the CLI's snapshot keeps it (crates/cli/tests/cli/snapshot.rs).
fn digest(m: &Value) -> Value {
    let whole = serde_json::to_string(m).unwrap();
    json!({
        "trial": m["trial_id"],
        "verdict": m["verdict"],
        "deciding": m["deciding"],
        "missing": m["missing"],
        "digest": eligo_store::content_hash(&[whole.as_bytes()]),
    })
}

#[tokio::test]
async fn the_match_api_gives_the_snapshotted_results_for_every_example_patient() {
    let snap: Value = serde_json::from_slice(
        &std::fs::read(root().join("crates/cli/tests/data/match-snapshot.json")).unwrap(),
    )
    .unwrap();
    let app = App::new().await;
    let mut jar = Jar::default();
    // The API's default set is the CLI's (trials about the patient's
    // conditions) less the trials that do not accept patients now.
    let mut open = std::collections::HashSet::new();
    for m in snap
        .as_object()
        .unwrap()
        .values()
        .flat_map(|modes| modes["all"].as_array().unwrap())
    {
        let id = m["trial"].as_str().unwrap();
        let t = app.state.store().get_trial(id).await.unwrap().unwrap();
        if t.status.is_some_and(|s| s.is_open()) {
            open.insert(id.to_string());
        }
    }
    for (patient, modes) in snap.as_object().unwrap() {
        let bundle =
            std::fs::read_to_string(root().join("examples/patients").join(patient)).unwrap();
        for (mode, query) in [("default", ""), ("all", "&all=true")] {
            let r = app
                .post_json(
                    &format!("/api/v1/match?as_of=2026-11-25&limit=500{query}"),
                    &bundle,
                    &mut jar,
                )
                .await;
            let got: Vec<Value> = r.json()["matches"]
                .as_array()
                .unwrap()
                .iter()
                .map(digest)
                .collect();
            let mut want: Vec<Value> = Vec::new();
            for m in modes[mode].as_array().unwrap() {
                if mode == "all" || open.contains(m["trial"].as_str().unwrap()) {
                    want.push(m.clone());
                }
            }
            assert!(
                mode == "all" || !want.is_empty(),
                "{patient}: no open trial"
            );
            assert_eq!(Value::Array(got), Value::Array(want), "{patient} ({mode})");
        }
    }
}

#[tokio::test]
async fn a_store_change_swaps_in_only_the_changed_trials() {
    let app = App::new().await;
    let s = &app.state;
    let kept = s.trial("NCT06946485").await.unwrap();
    let before = s.trial("NCT07331467").await.unwrap();
    let (mut t, raw) = (
        before.trial.clone(),
        s.store().get_raw("NCT07331467").await.unwrap().unwrap(),
    );
    t.brief_title = "Quetzalcoatl study of ultra-fast CD19 CAR-T".into();
    s.store().upsert_batch(&[(t, raw)]).await.unwrap();
    let generation = s.store().generation().await.unwrap();
    // The catalog follows in the background; requests meanwhile get the old one.
    catalog_follows(s, generation).await;
    let after = s.trial("NCT07331467").await.unwrap();
    assert_eq!(
        after.rules.title,
        "Quetzalcoatl study of ultra-fast CD19 CAR-T"
    );
    assert!(!Arc::ptr_eq(&before.rules, &after.rules));
    // The unchanged trial's rule set was neither recompiled nor reloaded.
    let still = s.trial("NCT06946485").await.unwrap();
    assert!(Arc::ptr_eq(&kept.rules, &still.rules));
    // The search index followed too.
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let hits = s
            .index()
            .search(&eligo_search::query::SearchRequest::new("Quetzalcoatl"))
            .unwrap();
        if hits.total == 1 {
            break;
        }
        assert!(Instant::now() < until, "the search index did not follow");
        let _ = s.catalog().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Wait (at most 30 s) until the catalog requests get is the store's
/// `generation`: a refresh runs in the background.
async fn catalog_follows(s: &eligo_server::AppState, generation: i64) {
    let until = Instant::now() + Duration::from_secs(30);
    while s.catalog().await.unwrap().generation != generation {
        assert!(
            Instant::now() < until,
            "the catalog did not follow the store"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn shifted(d: eligo_model::Date, days: i64) -> eligo_model::Date {
    d.checked_add(jiff::Span::new().days(days)).unwrap()
}

/// Matching that keeps the best few (the API's `limit`) ranks the others
/// without their evidence, stops at a failed criterion, rules trials out
/// by their own conditions and stops ranking once the kept ones rank
/// before every trial's floor left (with every trial, `all=true`, most of
/// them); what it keeps must be exactly the head of the full evaluation's
/// ranking, evidence and all, for every example patient, every choice of
/// trials, several dates and any number kept.
#[tokio::test]
async fn keeping_the_best_few_gives_the_head_of_the_full_ranking() {
    use eligo_server::catalog::{Choice, Matching, RuleCache};
    let app = App::new().await;
    let cat = app.state.catalog().await.unwrap();
    let as_of: eligo_model::Date = "2026-11-25".parse().unwrap();
    let mut files: Vec<String> = std::fs::read_dir(root().join("examples/patients"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".json") && f != "expected.json")
        .collect();
    files.sort();
    assert!(files.len() >= 20);
    let mut ineligible_kept = 0;
    // Without a cache and with one smaller than the registry.
    for cache in [RuleCache::new(0), RuleCache::new(7)] {
        let m = Matching {
            store: app.state.store(),
            cache: &cache,
            catalog: &cat,
        };
        for f in &files {
            let text = std::fs::read_to_string(root().join("examples/patients").join(f)).unwrap();
            let facts = Arc::new(eligo_server::matching::read_patient(&text).unwrap());
            // The patient as of the examples' date, and (every trial) two
            // years before and after: other ages, windows and statuses
            // of facts, so other keys and floors.
            let runs = [
                (as_of, Choice::Open),
                (as_of, Choice::Related),
                (as_of, Choice::All),
                (shifted(as_of, -730), Choice::All),
                (shifted(as_of, 730), Choice::All),
            ];
            for (as_of, choice) in runs {
                let (full, n) = m
                    .run(facts.clone(), as_of, &choice, None, |m| m)
                    .await
                    .unwrap();
                let full: Vec<Value> = full
                    .iter()
                    .map(|(_, m)| serde_json::to_value(m).unwrap())
                    .collect();
                for keep in [1, 2, 5, 13, 17, 50] {
                    let (fast, n2) = m
                        .run(facts.clone(), as_of, &choice, Some(keep), |m| m)
                        .await
                        .unwrap();
                    assert_eq!(n2, n, "{f} {choice:?} {as_of}: trials evaluated");
                    ineligible_kept += fast
                        .iter()
                        .filter(|(_, m)| m.verdict == eligo_model::Verdict::Ineligible)
                        .count();
                    let fast: Vec<Value> = fast
                        .iter()
                        .map(|(_, m)| serde_json::to_value(m).unwrap())
                        .collect();
                    let head = &full[..keep.min(full.len())];
                    assert!(
                        fast == head,
                        "{f} {choice:?} {as_of} keep {keep}: {:?} vs {:?}",
                        fast.iter().map(|m| &m["trial_id"]).collect::<Vec<_>>(),
                        head.iter().map(|m| &m["trial_id"]).collect::<Vec<_>>()
                    );
                }
            }
        }
    }
    // Ineligible trials were among those kept (their failures counted).
    assert!(ineligible_kept > 100, "{ineligible_kept}");
}

#[tokio::test]
async fn with_the_index_writer_taken_the_catalog_follows_and_the_index_catches_up_after() {
    let app = App::new().await;
    let s = &app.state;
    let _ = s.catalog().await.unwrap();
    // Another writer (an import writing the index beside the store) holds it.
    let held = s.index().updater().expect("the writer is free");
    let mut t = s.trial("NCT07331467").await.unwrap().trial;
    let raw = s.store().get_raw("NCT07331467").await.unwrap().unwrap();
    t.brief_title = "Tlaloc study of CD19 CAR-T".into();
    s.store().upsert_batch(&[(t, raw)]).await.unwrap();
    let generation = s.store().generation().await.unwrap();
    catalog_follows(s, generation).await;
    let after = s.trial("NCT07331467").await.unwrap();
    assert_eq!(after.rules.title, "Tlaloc study of CD19 CAR-T");
    let found = || {
        s.index()
            .search(&eligo_search::query::SearchRequest::new("Tlaloc"))
            .unwrap()
            .total
    };
    assert_eq!(found(), 0, "the index is its writer's to update");
    drop(held);
    // Once the writer is free, requests bring the index up.
    let until = Instant::now() + Duration::from_secs(30);
    while found() != 1 {
        assert!(Instant::now() < until, "the search index did not catch up");
        let _ = s.catalog().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
