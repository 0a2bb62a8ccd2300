//! Matching results do not change when the registry's storage and loading
//! change (issue 16): every example patient against the embedded sample,
//! with and without `--all`, compared with `tests/data/match-snapshot.json`,
//! which was written by the code before the scale redesign.
//!
//! Each match is kept as its verdict, deciding criteria and missing facts
//! (readable in a diff) and a digest of its whole JSON (criteria, rules,
//! evidence, explanations), so any change at all shows.
//!
//! A change to what the rules mean (the compiler, the vocabulary or the
//! matcher) changes the results on purpose: review the diff, then rewrite
//! the file with `ELIGO_UPDATE_SNAPSHOT=1 cargo test -p eligo --test cli snapshot`.

use crate::common::{Reg, json};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn snapshot_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/match-snapshot.json")
}

/// The example patients, by file name.
fn patients() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("examples/patients"))
        .expect("examples/patients")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && p.file_name().is_some_and(|n| n != "expected.json")
        })
        .collect();
    v.sort();
    v
}

/// One match as the snapshot keeps it.
pub fn digest(m: &Value) -> Value {
    let whole = serde_json::to_string(m).expect("JSON");
    json!({
        "trial": m["trial_id"],
        "verdict": m["verdict"],
        "deciding": m["deciding"],
        "missing": m["missing"],
        "digest": eligo_store::content_hash(&[whole.as_bytes()]),
    })
}

/// Every patient × {default, --all}: `{ "01-base.json": { "default": [...], "all": [...] } }`.
fn current() -> Value {
    let reg = Reg::new();
    let mut out = serde_json::Map::new();
    for p in patients() {
        let path = p.display().to_string();
        let mut modes = serde_json::Map::new();
        for (mode, extra) in [("default", None), ("all", Some("--all"))] {
            let mut args = vec![
                "match",
                "--patient",
                &path,
                "--as-of",
                "2026-11-25",
                "--format",
                "json",
            ];
            args.extend(extra);
            let list = json(&reg.run(&args));
            let list: Vec<Value> = list
                .as_array()
                .expect("a list")
                .iter()
                .map(digest)
                .collect();
            modes.insert(mode.into(), Value::Array(list));
        }
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        out.insert(name, Value::Object(modes));
    }
    Value::Object(out)
}

#[test]
fn matching_results_equal_the_snapshot_for_every_example_patient() {
    let now = current();
    if std::env::var_os("ELIGO_UPDATE_SNAPSHOT").is_some() {
        let text = serde_json::to_string_pretty(&now).expect("JSON") + "\n";
        std::fs::write(snapshot_path(), text).expect("write the snapshot");
        return;
    }
    let want: Value = serde_json::from_slice(&std::fs::read(snapshot_path()).expect("snapshot"))
        .expect("snapshot JSON");
    let want = want.as_object().expect("an object");
    assert_eq!(
        want.len(),
        now.as_object().unwrap().len(),
        "patients in the snapshot"
    );
    for (patient, modes) in want {
        for mode in ["default", "all"] {
            let a = &now[patient][mode];
            let b = &modes[mode];
            assert!(
                a == b,
                "{patient} ({mode}) differs from the snapshot:\nnow:  {}\nwas:  {}",
                serde_json::to_string(a).unwrap(),
                serde_json::to_string(b).unwrap()
            );
        }
    }
}
