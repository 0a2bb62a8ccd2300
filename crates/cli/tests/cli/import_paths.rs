//! `eligo import`'s pipeline (a batch compiled while the one before is
//! stored, the search index written beside the store) leaves the registry
//! exactly as storing the same records one at a time, compiling them
//! afterwards and bringing the index up from the store does: the same
//! trials, source records, content hashes, compiled rules, match index
//! entries and search results.
//!
//! The records span three batches and include an id stored before and
//! changed, a record unchanged from the store, a second, different record
//! under an id already read (skipped, as a duplicate) and a broken record
//! in the middle.

use crate::common::Reg;
use eligo_search::query::{Filters, SearchRequest};
use eligo_store::Location;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn studies() -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ctgov/studies");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("test studies")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| serde_json::from_slice(&std::fs::read(f).expect("a study")).expect("JSON"))
        .collect()
}

/// Study `template` under `id`, its title marked with `version`.
fn study(templates: &[Value], template: usize, id: &str, version: &str) -> Value {
    let mut s = templates[template % templates.len()].clone();
    let ident = &mut s["protocolSection"]["identificationModule"];
    ident["nctId"] = id.into();
    let title = ident["briefTitle"].as_str().unwrap_or("").to_string();
    ident["briefTitle"] = format!("{title} ({version})").into();
    s
}

fn ndjson(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").expect("write NDJSON");
}

/// Everything an import decides, read back through the library.
#[derive(Debug, PartialEq)]
struct Contents {
    trials: Vec<String>,
    raw: Vec<Option<String>>,
    hashes: Vec<(String, String)>,
    rules: Vec<(String, String)>,
    index_rows: Vec<String>,
    searches: Vec<String>,
}

async fn contents(reg: &eligo_server::registry::Registry) -> Contents {
    let store = &reg.store;
    let trials = store.all_trials().await.expect("trials");
    let ids: Vec<&str> = trials.iter().map(|t| t.id.as_str()).collect();
    let mut raw = Vec::new();
    for id in &ids {
        raw.push(store.get_raw_text(id).await.expect("raw"));
    }
    let mut hashes: Vec<(String, String)> = store
        .hashes(&ids)
        .await
        .expect("hashes")
        .into_iter()
        .collect();
    hashes.sort();
    let compiler = eligo_server::registry::compiler_id();
    let mut rules: Vec<(String, String)> = store
        .rules_data(&ids, compiler)
        .await
        .expect("rules")
        .into_iter()
        .map(|(id, data)| {
            let json = eligo_store::codec::unpack(&data).expect("packed rules");
            (id, String::from_utf8(json).expect("UTF-8"))
        })
        .collect();
    rules.sort();
    assert_eq!(rules.len(), ids.len(), "every trial has current rules");
    let mut index_rows: Vec<String> = store
        .all_index_rows(compiler, -1)
        .await
        .expect("index rows")
        .into_iter()
        .map(|r| {
            // The generation differs by design (one per transaction).
            format!("{} {} {:?}", r.trial_id, r.status, r.entry)
        })
        .collect();
    index_rows.sort();
    let mut searches = Vec::new();
    for q in ["", "lupus", "CAR-T", "kidney", "pregnant", "version"] {
        let r = reg
            .index
            .search(&SearchRequest {
                query: q.into(),
                filters: Filters::default(),
                limit: 5000,
                offset: 0,
                facet_limit: 1000,
            })
            .expect("search");
        let mut hits: Vec<String> = r
            .hits
            .iter()
            .map(|h| format!("{} {} {:?} {:?}", h.id, h.title, h.status, h.snippet))
            .collect();
        hits.sort();
        searches.push(format!("{q:?}: {} {:?} {hits:?}", r.total, r.facets));
    }
    Contents {
        trials: trials
            .iter()
            .map(|t| serde_json::to_string(t).expect("trial JSON"))
            .collect(),
        raw,
        hashes,
        rules,
        index_rows,
        searches,
    }
}

#[test]
fn the_import_pipeline_stores_and_indexes_what_one_at_a_time_does() {
    let templates = studies();
    let reg = Reg::new();
    let x = "NCT09980700";
    let z = "NCT09980010";
    let w = "NCT09980900";

    // Before: the registry holds x as version 1, and w.
    let before = reg.tmp("before.ndjson");
    let w_line = serde_json::to_string(&study(&templates, 2, w, "w")).unwrap();
    ndjson(
        &before,
        &[
            serde_json::to_string(&study(&templates, 0, x, "v1")).unwrap(),
            w_line.clone(),
        ],
    );

    // The import: 1,300 lines, three batches of the pipeline.
    let mut lines = Vec::new();
    for i in 0..1300 {
        let id = format!("NCT0998{i:04}");
        let s = match i {
            // z twice, differently: the second is skipped as a duplicate.
            20 => study(&templates, 1, z, "z second"),
            10 => study(&templates, 2, z, "z first"),
            // x changed in the second batch.
            700 => study(&templates, 3, x, "v2"),
            _ => study(&templates, i, &id, &format!("v{i}")),
        };
        lines.push(serde_json::to_string(&s).unwrap());
    }
    // w as stored.
    lines[900] = w_line;
    lines[800] = "{\"protocolSection\": {\"identificationModule\": 3}}".into();
    let main = reg.tmp("main.ndjson");
    ndjson(&main, &lines);

    // The pipeline, through the CLI.
    let run = |p: &Path| reg.run(&["import", "--format", "json", &p.display().to_string()]);
    assert!(run(&before).status.success());
    let out = run(&main);
    assert_eq!(out.status.code(), Some(3), "two records fail");
    let summary: Value = serde_json::from_slice(&out.stdout).expect("JSON summary");
    assert_eq!(summary["failed"], 2, "{summary}");
    assert_eq!(summary["updated"], 1, "{summary}");
    assert_eq!(summary["unchanged"], 1, "{summary}");
    assert_eq!(summary["inserted"], 1296, "{summary}");
    assert_eq!(summary["index"]["mode"], "updated", "{summary}");

    // The same records one at a time, compiled after, indexed from the store.
    let one_by_one = tempfile::tempdir().expect("temp dir");
    let db = one_by_one.path().join("eligo.db");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (expected, got) = rt.block_on(async {
        let reference = eligo_server::registry::open_at(
            &Location::Sqlite(db.clone()),
            &one_by_one.path().join("eligo.db-index"),
        )
        .await
        .expect("reference registry");
        for path in [&before, &main] {
            let reader =
                eligo_ctgov::read_sources_with(std::slice::from_ref(path), Default::default())
                    .expect("readable");
            for r in reader.flatten() {
                reference
                    .store
                    .upsert_batch(&[(r.trial, r.raw)])
                    .await
                    .expect("stored");
            }
        }
        eligo_server::registry::compile_stale(&reference.store, |_, _| {})
            .await
            .expect("compiled");
        let report = eligo_search::sync(&reference.index, &reference.store, |_| {})
            .await
            .expect("indexed");
        assert_eq!(report.mode, eligo_search::SyncMode::Updated);

        let imported = eligo_server::registry::open_at(
            &Location::Sqlite(reg.tmp("eligo.db")),
            &reg.tmp("eligo.db-index"),
        )
        .await
        .expect("imported registry");
        // The import recorded the generation its index reflects: nothing
        // is left to bring up.
        let again = eligo_search::sync(&imported.index, &imported.store, |_| {})
            .await
            .expect("sync");
        assert_eq!(again.mode, eligo_search::SyncMode::UpToDate);
        (contents(&reference).await, contents(&imported).await)
    });
    assert!(
        got.trials.len() > 1298,
        "the sample, x, w and 1,296 new ids"
    );
    assert!(got.trials.iter().any(|t| t.contains("z first")));
    assert!(!got.trials.iter().any(|t| t.contains("z second")));
    assert!(
        got.trials
            .iter()
            .any(|t| t.contains(x) && t.contains("(v2)"))
    );
    assert_eq!(got.trials, expected.trials);
    assert_eq!(got.raw, expected.raw);
    assert_eq!(got.hashes, expected.hashes);
    assert_eq!(got.rules, expected.rules);
    assert_eq!(got.index_rows, expected.index_rows);
    for (g, e) in got.searches.iter().zip(&expected.searches) {
        assert_eq!(g, e);
    }
}
