//! `eligo criteria`: table and JSON output, errors and exit codes.

use crate::common::{json, text};
use std::process::Command;

const TEXT: &str = "Inclusion Criteria:\n\n* Aged 18-65 years\n* Alanine aminotransferase (ALT) ≤3×upper limit of normal (ULN)\n* Provide written informed consent\n\nExclusion Criteria:\n\n* History of thrombotic thrombocytopenic purpura (TTP)\n";

fn eligo() -> Command {
    Command::new(env!("CARGO_BIN_EXE_eligo"))
}

fn text_file(dir: &tempfile::TempDir, content: &[u8]) -> std::path::PathBuf {
    let p = dir.path().join("criteria.txt");
    std::fs::write(&p, content).unwrap();
    p
}

/// `eligo criteria --format json --text FILE` on `content`, which must succeed.
fn criteria_json(content: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let p = text_file(&dir, content.as_bytes());
    let out = eligo()
        .args(["criteria", "--format", "json", "--text"])
        .arg(&p)
        .output()
        .unwrap();
    json(&out)
}

/// `eligo criteria --text FILE` (the table) on `content`, which must succeed.
fn criteria_table(content: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = text_file(&dir, content.as_bytes());
    let out = eligo()
        .args(["criteria", "--text"])
        .arg(&p)
        .output()
        .unwrap();
    text(&out)
}

#[test]
fn json_is_the_compiled_criteria_object() {
    let j = criteria_json(TEXT);
    assert_eq!(j["trial_id"], "criteria");
    let crit = j["criteria"].as_array().unwrap();
    assert_eq!(crit.len(), 4);
    // 3 of 4 criteria are computable (consent is not).
    assert!((j["computable_fraction"].as_f64().unwrap() - 0.75).abs() < 1e-9);
    let alt = &crit[1];
    assert_eq!(alt["kind"], "inclusion");
    let (s, e) = (
        alt["span"][0].as_u64().unwrap() as usize,
        alt["span"][1].as_u64().unwrap() as usize,
    );
    assert_eq!(&TEXT[s..e], alt["text"].as_str().unwrap());
    assert_eq!(alt["rules"][0]["type"], "lab");
    assert_eq!(alt["rules"][0]["analyte"], "alt");
    assert_eq!(alt["rules"][0]["comparator"], "<=");
    assert_eq!(alt["rules"][0]["threshold"]["type"], "uln_multiple");
    assert_eq!(crit[2]["computable"], false);
    assert_eq!(
        crit[2]["not_computable"][0]["reason"],
        "consent_or_compliance"
    );
    assert_eq!(crit[3]["kind"], "exclusion");
    assert_eq!(crit[3]["rules"][0]["presence"], "ever");
}

/// A part left to confirm names the concepts in it (here a drug eligo's
/// vocabulary does not know), with spans into the text, in JSON and table.
#[test]
fn parts_left_to_confirm_name_their_concepts() {
    let text = "Exclusion Criteria:\n* Received voclosporin within 6 months\n";
    let j = criteria_json(text);
    let m = &j["criteria"][0]["not_computable"][0]["mentions"][0];
    assert_eq!(m["kind"], "drug");
    let (s, e) = (
        m["span"][0].as_u64().unwrap() as usize,
        m["span"][1].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], "voclosporin");
    let s = criteria_table(text);
    assert!(s.contains("names drug voclosporin"), "{s}");
}

#[test]
fn table_renders_rules_and_fraction() {
    let s = criteria_table(TEXT);
    assert!(s.contains("ALT ≤ 3 × ULN"), "{s}");
    assert!(s.contains("age ≥ 18 and ≤ 65 years"), "{s}");
    assert!(s.contains("consent, willingness or compliance"), "{s}");
    assert!(
        s.contains("3 fully computable, 0 partly (a clause left to confirm), 1 not computable"),
        "{s}"
    );
}

#[test]
fn bad_input_has_clear_errors_and_codes() {
    let dir = tempfile::tempdir().unwrap();
    let p = text_file(&dir, b"Inclusion Criteria:\n* ALT \xff\xfe\n");
    let out = eligo()
        .args(["criteria", "--text"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not UTF-8") && err.contains("offset 26"),
        "{err}"
    );
    let out = eligo()
        .args(["criteria", "--text"])
        .arg(dir.path().join("missing.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.txt"));
    let out = eligo().args(["criteria"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "no id and no --text is a usage error"
    );
}

#[test]
fn unknown_trial_id_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("eligo.db");
    let out = eligo()
        .arg("--db")
        .arg(&db)
        .args(["criteria", "NCT00000000"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn json_contract_every_criterion_has_the_documented_fields() {
    let j = criteria_json(TEXT);
    for key in ["trial_id", "computable_fraction", "criteria"] {
        assert!(j.get(key).is_some(), "missing {key}");
    }
    for c in j["criteria"].as_array().unwrap() {
        for key in ["kind", "text", "span", "computable", "rules", "reason"] {
            assert!(c.get(key).is_some(), "criterion without {key}: {c}");
        }
        let computable = c["computable"].as_bool().unwrap();
        assert_eq!(computable, !c["rules"].as_array().unwrap().is_empty());
        // reason: null exactly when computable
        assert_eq!(c["reason"].is_null(), computable, "{c}");
        let span = c["span"].as_array().unwrap();
        assert_eq!(span.len(), 2);
    }
}

#[test]
fn a_seed_trial_from_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("eligo.db");
    let out = eligo()
        .arg("--db")
        .arg(&db)
        .args(["criteria", "NCT06946485", "--format", "json"])
        .env_remove("DATABASE_URL")
        .env("ELIGO_INDEX_DIR", dir.path().join("index"))
        .output()
        .unwrap();
    let j = json(&out);
    assert_eq!(j["trial_id"], "NCT06946485");
    // The seed page lists 8 inclusion and 14 exclusion criteria; the trial's
    // condition, from its conditions field, comes first.
    let crit = j["criteria"].as_array().unwrap();
    assert_eq!(crit.len(), 23);
    assert_eq!(crit[0]["field"], "conditions");
    assert_eq!(crit[0]["text"], "Systemic Lupus Erythematosus");
    let crit = &crit[1..];
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../criteria/tests/data/seed_NCT06946485.txt"
    ))
    .unwrap();
    for c in crit {
        let (s, e) = (
            c["span"][0].as_u64().unwrap() as usize,
            c["span"][1].as_u64().unwrap() as usize,
        );
        assert_eq!(&seed[s..e], c["text"].as_str().unwrap());
    }
    let sledai = crit
        .iter()
        .find(|c| c["text"] == "SLEDAI-2000 score \\>6.")
        .unwrap();
    assert_eq!(sledai["rules"][0]["type"], "score");
    assert_eq!(sledai["rules"][0]["instrument"], "sledai2k");
    assert_eq!(sledai["rules"][0]["comparator"], ">");
    // Of all 23 (the condition criterion is computable).
    let n = crit.iter().filter(|c| c["computable"] == true).count() + 1;
    assert!((j["computable_fraction"].as_f64().unwrap() - n as f64 / 23.0).abs() < 1e-9);
    // Fully computable: computable with nothing left to confirm.
    let full = j["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["computable"] == true && c.get("not_computable").is_none())
        .count();
    // The table prints the same fraction.
    let out = eligo()
        .arg("--db")
        .arg(&db)
        .args(["criteria", "NCT06946485"])
        .env_remove("DATABASE_URL")
        .env("ELIGO_INDEX_DIR", dir.path().join("index"))
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains(&format!(
            "{full} fully computable, {} partly (a clause left to confirm), {} not computable",
            n - full,
            23 - n
        )),
        "{s}"
    );
}

fn chia_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../criteria/tests/data/chia")
}

#[test]
fn eval_chia_json_is_keyed_by_entity_type() {
    let dir = tempfile::tempdir().unwrap();
    // A database path that cannot be created: eval must never open the registry.
    let out = eligo()
        .arg("--db")
        .arg(dir.path().join("missing/dir/eligo.db"))
        .args(["eval", "chia"])
        .arg(chia_dir())
        .args(["--format", "json", "--limit", "10"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let j = json(&out);
    assert!(!dir.path().join("missing").exists());
    let obj = j.as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "Condition",
            "Drug",
            "Measurement",
            "Negation",
            "Procedure",
            "Temporal",
            "Value"
        ]
    );
    for (t, s) in obj {
        for k in ["precision", "recall", "f1_exact", "f1_overlap"] {
            let x = s[k].as_f64().unwrap_or_else(|| panic!("{t}.{k}"));
            assert!((0.0..=1.0).contains(&x), "{t}.{k} = {x}");
        }
        assert!(s["f1_exact"].as_f64() <= s["f1_overlap"].as_f64(), "{t}");
        assert!(s["support"].as_u64().is_some(), "{t}.support");
    }
    assert!(j["Condition"]["support"].as_u64().unwrap() > 50);
    // --limit: fewer trials, less support.
    let all = eligo()
        .args(["eval", "chia"])
        .arg(chia_dir())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let all: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert!(all["Condition"]["support"].as_u64() > j["Condition"]["support"].as_u64());
}

/// The three ways of scoring: rules alone, rules with the embedded tagger
/// (the copied trials are held out from its training, so no warning), and
/// cross-validation, which trains its own taggers on the directory.
#[test]
fn eval_chia_methods() {
    let run = |extra: &[&str]| {
        let out = eligo()
            .args(["eval", "chia"])
            .arg(chia_dir())
            .args(["--format", "json", "--limit", "30"])
            .args(extra)
            .output()
            .unwrap();
        let j = json(&out);
        (j, String::from_utf8(out.stderr).unwrap())
    };
    let (rules, _) = run(&["--rules-only"]);
    let (tagged, warn) = run(&[]);
    assert!(!warn.contains("warning"), "{warn}");
    let (cv, _) = run(&["--folds", "3"]);
    let f = |j: &serde_json::Value, t: &str| j[t]["f1_overlap"].as_f64().unwrap();
    for t in ["Condition", "Drug", "Procedure", "Measurement"] {
        assert_ne!(
            f(&rules, t),
            f(&tagged, t),
            "{t}: the tagger changes nothing"
        );
        assert_eq!(rules[t]["support"], cv[t]["support"], "{t}");
    }
    // Values are the rules' in every method.
    assert_eq!(f(&rules, "Value"), f(&cv, "Value"));
    let out = eligo()
        .args(["eval", "chia"])
        .arg(chia_dir())
        .args(["--folds", "1"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "one fold is no cross-validation"
    );
}

#[test]
fn eval_chia_table_and_errors() {
    let out = eligo()
        .args(["eval", "chia"])
        .arg(chia_dir())
        .args(["--limit", "5"])
        .output()
        .unwrap();
    let s = text(&out);
    assert!(s.contains("10 annotated texts"), "{s}");
    for w in ["Condition", "Negation", "F1 exact", "F1 overlap", "support"] {
        assert!(s.contains(w), "{w} missing in {s}");
    }
    // A directory that does not exist: I/O failure (1), naming it.
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let out = eligo()
        .args(["eval", "chia"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
    // A directory without Chia files, or with a malformed .ann: invalid input (3).
    let out = eligo()
        .args(["eval", "chia"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    std::fs::write(dir.path().join("NCT00000001_inc.txt"), "Diabetes\n").unwrap();
    std::fs::write(
        dir.path().join("NCT00000001_inc.ann"),
        "T1\tCondition 0 99\tDiabetes\n",
    )
    .unwrap();
    let out = eligo()
        .args(["eval", "chia"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the text"));
    // An unknown corpus is a usage error (2).
    let out = eligo()
        .args(["eval", "n2c2"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `eligo criteria --all`: over the registry, how many criteria are fully,
/// partly or not computable, trial by trial and in total.
#[test]
fn coverage_over_the_registry() {
    let reg = crate::common::Reg::new();
    let j = crate::common::json(&reg.run(&["criteria", "--all", "--format", "json"]));
    let trials = j["trials"].as_array().unwrap();
    assert!(trials.len() >= 39, "{}", trials.len());
    let total = &j["total"];
    let n = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap();
    assert_eq!(
        n(total, "full") + n(total, "partial") + n(total, "none"),
        n(total, "criteria")
    );
    let sum: u64 = trials.iter().map(|t| n(t, "criteria")).sum();
    assert_eq!(sum, n(total, "criteria"));
    // NCT07031713's "5.5 Pre cleaning standard" items are outside enrolment.
    let ct = trials
        .iter()
        .find(|t| t["trial_id"] == "NCT07031713")
        .unwrap();
    assert_eq!(n(ct, "outside_enrolment"), 8);
    assert!(n(total, "partial") > 0 && n(total, "full") > 0);
    let table = crate::common::text(&reg.run(&["criteria", "--all"]));
    assert!(
        table.contains("fully computable") && table.contains("total"),
        "{table}"
    );
}
