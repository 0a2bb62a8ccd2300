//! Helpers shared by the test modules.

use serde_json::{Map, Value, json};

/// The 24 SLEDAI-2K fields as listed in INSTRUMENTS.md §1 (written out here,
/// not taken from the crate).
pub const SLEDAI_FIELDS: [&str; 24] = [
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

/// Weights of [`SLEDAI_FIELDS`] from the §1 table.
pub const SLEDAI_WEIGHTS: [u64; 24] = [
    8, 8, 8, 8, 8, 8, 8, 8, 4, 4, 4, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1,
];

/// A full SLEDAI-2K item map with the named items true.
pub fn sledai_items(present: &[&str]) -> Value {
    for p in present {
        assert!(SLEDAI_FIELDS.contains(p), "test typo: {p}");
    }
    let m: Map<String, Value> = SLEDAI_FIELDS
        .iter()
        .map(|f| (f.to_string(), Value::Bool(present.contains(f))))
        .collect();
    Value::Object(m)
}

/// The nine BILAG domains, all E, then the listed grades.
pub fn bilag(set: &[(&str, &str)]) -> Value {
    let mut m = Map::new();
    for d in [
        "constitutional",
        "mucocutaneous",
        "neuropsychiatric",
        "musculoskeletal",
        "cardiorespiratory",
        "gastrointestinal",
        "ophthalmic",
        "renal",
        "haematological",
    ] {
        m.insert(d.into(), json!("E"));
    }
    for (d, g) in set {
        assert!(m.contains_key(*d), "test typo: {d}");
        m.insert(d.to_string(), json!(g));
    }
    Value::Object(m)
}

/// Score and return the envelope; panics with the error otherwise.
pub fn score(id: &str, input: Value) -> Value {
    match eligo_instruments::score(id, &input) {
        Ok(s) => s.to_json(),
        Err(e) => panic!("{id}: {e}\ninput: {input}"),
    }
}

/// The `result` object of a score.
pub fn result(id: &str, input: Value) -> Value {
    let out = score(id, input);
    assert_eq!(out["instrument"], id.replace('-', "_"));
    assert!(out.get("breakdown").is_some(), "no breakdown: {out}");
    out["result"].clone()
}

/// The error message for an input that must be rejected.
pub fn error(id: &str, input: Value) -> String {
    match eligo_instruments::score(id, &input) {
        Ok(s) => panic!("{id}: accepted {input}: {}", s.to_json()),
        Err(e) => e.to_string(),
    }
}

/// INSTRUMENTS.md §0: continuous results agree within 0.5 % relative or
/// 0.051 absolute.
pub fn close(actual: &Value, expected: f64) {
    let a = actual
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {actual}"));
    let tol = (expected.abs() * 0.005).max(0.051);
    assert!(
        (a - expected).abs() <= tol,
        "{a} is not within {tol} of {expected}"
    );
}
