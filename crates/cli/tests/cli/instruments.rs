//! `eligo score` and `eligo grade` end to end: the envelope, --list, errors
//! naming the field (exit 3, nothing on stdout), and the CTCAE vectors.
//! Expectations are INSTRUMENTS.md's worked examples and the vectors'
//! expected grades.

use crate::common::{json, text};
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn eligo() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_eligo"));
    // these commands never open the registry; a database path that cannot
    // exist proves it
    c.env("ELIGO_DB", "/nonexistent/dir/eligo.db");
    c
}

fn with_stdin(mut cmd: Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn score(instrument: &str, input: &Value) -> Output {
    let mut c = eligo();
    c.args(["score", instrument, "--input", "-"]);
    with_stdin(c, &input.to_string())
}

fn sledai(present: &[&str]) -> Value {
    let fields = [
        "seizure",
        "psychosis",
        "organic_brain_syndrome",
        "visual_disturbance",
        "cranial_nerve_disorder",
        "lupus_headache",
        "cva",
        "vasculitis",
        "arthritis",
        "myositis",
        "urinary_casts",
        "hematuria",
        "proteinuria",
        "pyuria",
        "rash",
        "alopecia",
        "mucosal_ulcers",
        "pleurisy",
        "pericarditis",
        "low_complement",
        "increased_dna_binding",
        "fever",
        "thrombocytopenia",
        "leukopenia",
    ];
    Value::Object(
        fields
            .iter()
            .map(|f| (f.to_string(), Value::Bool(present.contains(f))))
            .collect(),
    )
}

// INSTRUMENTS.md §0 envelope with §1 worked example 1.
#[test]
fn score_prints_the_envelope() {
    let out = score(
        "sledai2k",
        &sledai(&[
            "lupus_headache",
            "myositis",
            "hematuria",
            "alopecia",
            "increased_dna_binding",
            "fever",
        ]),
    );
    let j = json(&out);
    assert_eq!(j["instrument"], "sledai2k");
    assert_eq!(j["result"]["total"], 21);
    assert_eq!(j["result"]["clinical_total"], 19);
    assert!(j["breakdown"].is_object());
}

#[test]
fn score_reads_a_file_and_accepts_dashes_in_ids() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("crcl.json");
    // §10 worked example 1: 91.12 mL/min
    std::fs::write(
        &p,
        json!({"age_years": 45, "sex": "female", "weight": {"value": 65, "unit": "kg"}, "creatinine": {"value": 0.8, "unit": "mg/dL"}}).to_string(),
    )
    .unwrap();
    let out = eligo()
        .args(["score", "cockcroft-gault", "--input"])
        .arg(&p)
        .output()
        .unwrap();
    let j = json(&out);
    assert_eq!(j["instrument"], "cockcroft_gault");
    let crcl = j["result"]["crcl_ml_min"].as_f64().unwrap();
    assert!((crcl - 91.12).abs() < 0.051, "{crcl}");
}

// §0 input rules: error naming the field on stderr, non-zero, nothing on stdout.
#[test]
fn invalid_input_names_the_field_and_prints_nothing() {
    let mut items = sledai(&[]);
    items.as_object_mut().unwrap().remove("arthritis");
    let out = score(
        "doris2021",
        &json!({"sledai2k_items": items, "pga": 0.2, "prednisone_mg_per_day": 0, "maintenance_therapy_stable": true}),
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sledai2k_items.arthritis: missing"), "{err}");

    let out = score("pga", &json!({"pga": 3.5}));
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pga: 3.5"));

    let mut c = eligo();
    c.args(["score", "pga", "--input", "-"]);
    let out = with_stdin(c, "{\"pga\": ");
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
}

#[test]
fn unknown_instrument_is_a_usage_error() {
    let out = score("sledai3k", &json!({}));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sledai3k"));
}

// §0: every instrument id of the contract table is listed with its fields.
#[test]
fn list_names_every_instrument_with_its_fields() {
    let ids = [
        "sledai2k",
        "selena_sledai",
        "bilag2004_numeric",
        "pga",
        "sri4",
        "doris2021",
        "lldas",
        "sdi",
        "eular_acr_2019",
        "cockcroft_gault",
        "ckd_epi_2021",
        "astct_crs",
        "ice",
        "astct_icans",
        "magic_agvhd",
        "nyha",
        "unit_convert",
    ];
    let out = eligo().args(["score", "--list"]).output().unwrap();
    let text = text(&out);
    for id in ids {
        assert!(
            text.lines().any(|l| l.starts_with(id)),
            "{id} missing:\n{text}"
        );
    }
    assert!(text.contains("prednisone_mg_per_day"));

    let out = eligo()
        .args(["score", "--list", "--format", "json"])
        .output()
        .unwrap();
    let j = json(&out);
    let listed: Vec<&str> = j["instruments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ids);
    let nyha = &j["instruments"][15];
    let fields: Vec<(&str, bool)> = nyha["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap(),
                f["required"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(fields, vec![("symptoms", true), ("lvef_percent", false)]);
}

// shared/data/ctcae/README.md: `eligo grade --input grade_vectors.jsonl`
// must reproduce expected_grade on every line.
#[test]
fn grade_reproduces_the_vectors_line_by_line() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../instruments/tests/data/grade_vectors.jsonl"
    );
    let out = eligo().args(["grade", "--input", path]).output().unwrap();
    let text = text(&out);
    let input = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let inputs: Vec<&str> = input.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), inputs.len());
    for (got, sent) in lines.iter().zip(&inputs) {
        let g: Value = serde_json::from_str(got).unwrap();
        let s: Value = serde_json::from_str(sent).unwrap();
        assert_eq!(g["grade"], s["expected_grade"], "{got}");
        // every field written back unchanged
        for (k, v) in s.as_object().unwrap() {
            assert_eq!(&g[k], v, "{k} in {got}");
        }
    }
}

#[test]
fn grade_reads_stdin_and_explains() {
    let mut c = eligo();
    c.args(["grade", "--input", "-", "--explain"]);
    // platelets 40 x 10^9/L: "<50.0 - 25.0 x 10e9 /L" is grade 3
    let out = with_stdin(
        c,
        "{\"term\": \"Platelet count decreased\", \"value\": 40, \"unit\": \"10*9/L\", \"lln\": 150}\n\n{\"term\": \"Neutrophil count decreased\", \"value\": 1.8, \"unit\": \"10^9/L\"}\n",
    );
    let text = text(&out);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["grade"], "3");
    assert!(lines[0]["grade_reason"].is_string());
    // no LLN: cannot tell grade 1 from normal
    assert_eq!(lines[1]["grade"], Value::Null);
}

#[test]
fn grade_malformed_line_names_the_line() {
    let mut c = eligo();
    c.args(["grade", "--input", "-"]);
    let out = with_stdin(
        c,
        "{\"term\": \"Anemia\", \"value\": 9.5, \"unit\": \"g/dL\", \"lln\": 12}\n{\"term\": \"Anemia\", \"value\": \"low\"}\n",
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2") && err.contains("value"), "{err}");

    let mut c = eligo();
    c.args(["grade", "--input", "-"]);
    let out = with_stdin(c, "{\"term\": \"Anemia\", \"value\": 9}\nnot json\n");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}

#[test]
fn grade_list_shows_every_term() {
    let out = eligo()
        .args(["grade", "--list", "--format", "json"])
        .output()
        .unwrap();
    let j = json(&out);
    let terms = j["terms"].as_array().unwrap();
    assert_eq!(terms.len(), 40);
    assert!(terms.iter().any(|t| t["term"] == "INR increased"));
}

/// `eligo grade` refuses what no laboratory reports, naming the field, as
/// `eligo score` does (the four cases of the probe).
#[test]
fn grade_refuses_impossible_values_naming_the_field() {
    for (line, field) in [
        (
            r#"{"term": "Platelet count decreased", "value": -40, "unit": "10^9/L", "lln": -150}"#,
            "value",
        ),
        (
            r#"{"term": "Neutrophil count decreased", "value": -1, "unit": "10^9/L", "lln": 2}"#,
            "value",
        ),
        (
            r#"{"term": "Alanine aminotransferase increased", "value": 100, "uln": 0}"#,
            "uln",
        ),
        (
            r#"{"term": "Hemoglobin increased", "value": 170, "unit": "g/L", "uln": -5}"#,
            "uln",
        ),
    ] {
        let mut c = eligo();
        c.args(["grade", "--input", "-"]);
        let out = with_stdin(c, &format!("{line}\n"));
        assert_eq!(out.status.code(), Some(3), "{line}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("{field}: ")) && err.contains("impossible"),
            "{err}"
        );
    }
}

/// A key given twice is refused (serde_json alone keeps the last).
#[test]
fn duplicate_keys_are_refused() {
    let mut c = eligo();
    c.args(["score", "cockcroft_gault", "--input", "-"]);
    let out = with_stdin(
        c,
        r#"{"age_years": 50, "weight_kg": 70, "sex": "female", "serum_creatinine": {"value": 1.0, "unit": "mg/dL"}, "weight_kg": 7}"#,
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("weight_kg: the key is given twice"), "{err}");
    let mut c = eligo();
    c.args(["grade", "--input", "-"]);
    let out = with_stdin(
        c,
        "{\"term\": \"Anemia\", \"value\": 9, \"unit\": \"g/dL\", \"value\": 13}\n",
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("value: the key is given twice"));
}
