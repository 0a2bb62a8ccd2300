//! `eligo criteria`: table and JSON output, errors and exit codes.

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

#[test]
fn json_is_the_compiled_criteria_object() {
    let dir = tempfile::tempdir().unwrap();
    let p = text_file(&dir, TEXT.as_bytes());
    let out = eligo()
        .args(["criteria", "--format", "json", "--text"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
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

#[test]
fn table_renders_rules_and_fraction() {
    let dir = tempfile::tempdir().unwrap();
    let p = text_file(&dir, TEXT.as_bytes());
    let out = eligo()
        .args(["criteria", "--text"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("ALT ≤ 3 × ULN"), "{s}");
    assert!(s.contains("age ≥ 18 and ≤ 65 years"), "{s}");
    assert!(s.contains("consent, willingness or compliance"), "{s}");
    assert!(s.contains("computable: 3/4 (75%)"), "{s}");
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
