//! CTCAE v5.0 laboratory grading: the expected-grade vectors (100 %), every
//! term of the table, and the baseline-dependent terms against the
//! criterion texts.

use eligo_instruments::ctcae::{self, grade};
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

fn dec(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    }
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The grade of `term` for a value and an optional baseline, with the unit
/// and normal limits fixed (decimals written as strings).
fn grader<'a>(
    term: &'a str,
    unit: Option<&'a str>,
    lln: Option<&'a str>,
    uln: Option<&'a str>,
) -> impl Fn(&str, Option<&str>) -> Option<u8> + 'a {
    move |v, baseline| grade(term, d(v), unit, lln.map(d), uln.map(d), baseline.map(d)).unwrap()
}

#[test]
fn reproduces_every_expected_grade_vector() {
    let text = include_str!("../data/grade_vectors.jsonl");
    let mut total = 0;
    let mut wrong = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        total += 1;
        let v: Value = serde_json::from_str(line).unwrap();
        let expected = v["expected_grade"]
            .as_str()
            .map(|s| s.parse::<u8>().unwrap());
        let got = match dec(&v["value"]) {
            None => None,
            Some(value) => grade(
                v["term"].as_str().unwrap(),
                value,
                v["unit"].as_str(),
                dec(&v["lln"]),
                dec(&v["uln"]),
                dec(&v["baseline"]),
            )
            .unwrap(),
        };
        if got != expected {
            wrong.push(format!("line {}: got {got:?}: {line}", i + 1));
        }
    }
    assert_eq!(total, 409);
    assert!(
        wrong.is_empty(),
        "{} of {total} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn every_term_of_the_table_loads_with_rules() {
    let terms = ctcae::terms().unwrap();
    assert_eq!(terms.len(), 40);
    for t in &terms {
        assert!(!t.grades.is_empty(), "{} has no laboratory rule", t.term);
        // grading a plausible value never errors
        let g = grade(
            &t.term,
            d("1"),
            t.unit.as_deref(),
            Some(d("0.5")),
            Some(d("2")),
            None,
        );
        assert!(g.is_ok(), "{}: {g:?}", t.term);
    }
    for name in [
        "Alanine aminotransferase increased",
        "Aspartate aminotransferase increased",
        "Alkaline phosphatase increased",
        "GGT increased",
        "Blood bilirubin increased",
        "Creatinine increased",
        "INR increased",
    ] {
        let t = terms.iter().find(|t| t.term == name).unwrap();
        assert!(t.uses.contains(&"baseline"), "{name}: {:?}", t.uses);
    }
}

#[test]
fn unknown_term_is_an_error_and_names_match_case_insensitively() {
    assert!(grade("Not a term", d("1"), None, None, None, None).is_err());
    assert_eq!(
        grade(
            "platelet COUNT decreased",
            d("20"),
            Some("10*9/L"),
            Some(d("150")),
            None,
            None
        )
        .unwrap(),
        Some(4)
    );
}

// ALT/AST: ">ULN - 3.0 x ULN if baseline was normal; 1.5 - 3.0 x baseline if
// baseline was abnormal", then >3-5, >5-20, >20.
#[test]
fn alt_and_ast_by_uln_and_by_abnormal_baseline() {
    for term in [
        "Alanine aminotransferase increased",
        "Aspartate aminotransferase increased",
    ] {
        let g = grader(term, Some("U/L"), None, Some("40"));
        assert_eq!(g("40", None), Some(0));
        assert_eq!(g("41", None), Some(1));
        assert_eq!(g("120", None), Some(1));
        assert_eq!(g("121", None), Some(2));
        assert_eq!(g("201", None), Some(3));
        assert_eq!(g("801", None), Some(4));
        // a normal baseline changes nothing
        assert_eq!(g("121", Some("30")), Some(2));
        // baseline 60 > ULN 40: multiples of the baseline
        assert_eq!(g("100", Some("60")), Some(1));
        assert_eq!(g("181", Some("60")), Some(2));
        assert_eq!(g("301", Some("60")), Some(3));
        assert_eq!(g("1201", Some("60")), Some(4));
        assert_eq!(g("80", Some("60")), Some(0));
        // no ULN: cannot grade
        assert_eq!(grade(term, d("100"), None, None, None, None).unwrap(), None);
    }
}

// ALP/GGT: >ULN-2.5, >2.5-5, >5-20, >20 x ULN; abnormal baseline: 2.0-2.5,
// >2.5-5, >5-20, >20 x baseline.
#[test]
fn alp_and_ggt() {
    for term in ["Alkaline phosphatase increased", "GGT increased"] {
        let g = grader(term, None, None, Some("100"));
        assert_eq!(g("250", None), Some(1));
        assert_eq!(g("251", None), Some(2));
        assert_eq!(g("501", None), Some(3));
        assert_eq!(g("2001", None), Some(4));
        assert_eq!(g("150", Some("120")), Some(0));
        assert_eq!(g("250", Some("120")), Some(1));
        assert_eq!(g("301", Some("120")), Some(2));
        assert_eq!(g("601", Some("120")), Some(3));
        assert_eq!(g("2401", Some("120")), Some(4));
    }
}

// Blood bilirubin: >ULN-1.5, >1.5-3, >3-10, >10 x ULN; abnormal baseline:
// >1.0-1.5, >1.5-3, >3-10, >10 x baseline.
#[test]
fn bilirubin() {
    let term = "Blood bilirubin increased";
    let g = grader(term, Some("mg/dL"), None, Some("1.2"));
    assert_eq!(g("1.2", None), Some(0));
    assert_eq!(g("1.3", None), Some(1));
    assert_eq!(g("1.81", None), Some(2));
    assert_eq!(g("3.61", None), Some(3));
    assert_eq!(g("12.1", None), Some(4));
    assert_eq!(g("2.1", Some("2.0")), Some(1));
    assert_eq!(g("3.1", Some("2.0")), Some(2));
    assert_eq!(g("6.1", Some("2.0")), Some(3));
    assert_eq!(g("20.1", Some("2.0")), Some(4));
}

// Creatinine: ">ULN - 1.5 x ULN"; ">1.5 - 3.0 x baseline; >1.5 - 3.0 x ULN";
// ">3.0 baseline; >3.0 - 6.0 x ULN"; ">6.0 x ULN".
#[test]
fn creatinine() {
    let term = "Creatinine increased";
    let g = grader(term, Some("mg/dL"), None, Some("1.1"));
    assert_eq!(g("1.1", None), Some(0));
    assert_eq!(g("1.2", None), Some(1));
    assert_eq!(g("1.7", None), Some(2));
    assert_eq!(g("3.4", None), Some(3));
    assert_eq!(g("6.7", None), Some(4));
    // within the normal range but more than 1.5 x a low baseline
    assert_eq!(g("0.9", Some("0.5")), Some(2));
    assert_eq!(g("1.6", Some("0.5")), Some(3));
}

// INR: ">1.2 - 1.5; >1 - 1.5 x baseline if on anticoagulation" ... ">2.5;
// >2.5 times above baseline if on anticoagulation" (worst case: a given
// baseline means on anticoagulation).
#[test]
fn inr() {
    let term = "INR increased";
    let g = grader(term, None, None, None);
    assert_eq!(g("1.2", None), Some(0));
    assert_eq!(g("1.3", None), Some(1));
    assert_eq!(g("1.6", None), Some(2));
    assert_eq!(g("2.6", None), Some(3));
    assert_eq!(g("1.1", Some("1.0")), Some(1));
    assert_eq!(g("1.4", Some("0.9")), Some(2));
}

// Fibrinogen: "<1.0 - 0.75 x LLN; if abnormal, <25% decrease from baseline"
// ... "<0.25 x LLN; if abnormal, 75% decrease from baseline; absolute value
// <50 mg/dL".
#[test]
fn fibrinogen() {
    let term = "Fibrinogen decreased";
    let g = grader(term, Some("g/L"), Some("2"), None);
    assert_eq!(g("2", None), Some(0));
    assert_eq!(g("1.9", None), Some(1));
    assert_eq!(g("1.4", None), Some(2));
    assert_eq!(g("0.9", None), Some(3));
    assert_eq!(g("0.45", None), Some(4));
    // 1.8 is < LLN and 40 % below a baseline of 3.0: grade 2
    assert_eq!(g("1.8", Some("3.0")), Some(2));
}

// The README: None where the value cannot be graded, e.g. a missing LLN.
#[test]
fn missing_limits_and_units() {
    let term = "Neutrophil count decreased";
    assert_eq!(
        grade(term, d("1.8"), Some("10*9/L"), None, None, None).unwrap(),
        None
    );
    assert_eq!(
        grade(term, d("0.4"), Some("10*9/L"), None, None, None).unwrap(),
        Some(4)
    );
    assert_eq!(
        grade(term, d("0.4"), None, Some(d("2")), None, None).unwrap(),
        None
    );
    // /mm3 thresholds for a count in cells/uL (same unit as /mm3)
    assert_eq!(
        grade(term, d("800"), Some("/uL"), Some(d("2000")), None, None).unwrap(),
        Some(3)
    );
    // 10^3/uL is 10^9/L
    assert_eq!(
        grade(term, d("0.8"), Some("10^3/uL"), Some(d("2")), None, None).unwrap(),
        Some(3)
    );
    let detail = ctcae::grade_detail(term, d("1.8"), Some("10*9/L"), None, None, None).unwrap();
    assert!(detail.reason.contains("LLN"), "{}", detail.reason);
}

// Anemia: Hgb <LLN - 10.0 g/dL; <LLN - 6.2 mmol/L; <LLN - 100 g/L ...
#[test]
fn anemia_in_each_unit() {
    let term = "Anemia";
    assert_eq!(
        grade(term, d("9.5"), Some("g/dL"), Some(d("12")), None, None).unwrap(),
        Some(2)
    );
    assert_eq!(
        grade(term, d("95"), Some("g/L"), Some(d("120")), None, None).unwrap(),
        Some(2)
    );
    assert_eq!(
        grade(term, d("4.8"), Some("mmol/L"), Some(d("7.4")), None, None).unwrap(),
        Some(3)
    );
    assert_eq!(
        grade(term, d("79"), Some("g/L"), None, None, None).unwrap(),
        Some(3)
    );
}

/// One term's inputs held fixed and values on both sides of each of its
/// CTCAE v5.0 boundaries, with the grade the criterion text gives.
struct Boundaries {
    term: &'static str,
    unit: Option<&'static str>,
    lln: Option<&'static str>,
    uln: Option<&'static str>,
    baseline: Option<&'static str>,
    /// (value, grade): a value at a boundary, then one just past it.
    points: &'static [(&'static str, Option<u8>)],
}

const fn b(
    term: &'static str,
    unit: Option<&'static str>,
    lln: Option<&'static str>,
    uln: Option<&'static str>,
    baseline: Option<&'static str>,
    points: &'static [(&'static str, Option<u8>)],
) -> Boundaries {
    Boundaries {
        term,
        unit,
        lln,
        uln,
        baseline,
        points,
    }
}

/// Every term's boundaries, read from the CTCAE v5.0 criterion texts in
/// `data/ctcae_v5_lab_terms.json` (and eligo's reading notes where a text
/// is replaced). Conventions, as the module documents them: a range
/// "<A - B" of a low term holds B and not A (it is [B, A)), ">A - B" of a
/// high term holds B and not A; a bare grade 1 bound that borders normal is
/// exclusive ("150 - 300 mg/dL": 150 is grade 0, as admiral's vectors say);
/// clinical qualifiers are ignored and the worst grade is taken.
const BOUNDARIES: &[Boundaries] = &[
    // Hgb <LLN - 100 g/L; <100 - 80 g/L; <80 g/L (and g/dL, mmol/L)
    b(
        "Anemia",
        Some("g/L"),
        Some("120"),
        None,
        None,
        &[
            ("120", Some(0)),
            ("119.9", Some(1)),
            ("100", Some(1)),
            ("99.9", Some(2)),
            ("80", Some(2)),
            ("79.9", Some(3)),
        ],
    ),
    b(
        "Anemia",
        Some("g/dL"),
        Some("12"),
        None,
        None,
        &[
            ("12", Some(0)),
            ("11.99", Some(1)),
            ("10", Some(1)),
            ("9.99", Some(2)),
            ("8", Some(2)),
            ("7.99", Some(3)),
        ],
    ),
    b(
        "Anemia",
        Some("mmol/L"),
        Some("7.4"),
        None,
        None,
        &[
            ("6.2", Some(1)),
            ("6.19", Some(2)),
            ("4.9", Some(2)),
            ("4.89", Some(3)),
        ],
    ),
    // >100,000/mm3
    b(
        "Leukocytosis",
        Some("10*9/L"),
        None,
        None,
        None,
        &[("100", Some(0)), ("100.1", Some(3))],
    ),
    b(
        "Leukocytosis",
        Some("/mm3"),
        None,
        None,
        None,
        &[("100000", Some(0)), ("100001", Some(3))],
    ),
    // >ULN - 1.5 x ULN; >1.5 - 2.5 x ULN; >2.5 x ULN
    b(
        "Activated partial thromboplastin time prolonged",
        None,
        None,
        Some("40"),
        None,
        &[
            ("40", Some(0)),
            ("40.1", Some(1)),
            ("60", Some(1)),
            ("60.1", Some(2)),
            ("100", Some(2)),
            ("100.1", Some(3)),
        ],
    ),
    // >ULN - 3.0; >3.0 - 5.0; >5.0 - 20.0; >20.0 x ULN if baseline was normal
    b(
        "Alanine aminotransferase increased",
        None,
        None,
        Some("40"),
        None,
        &[
            ("40", Some(0)),
            ("40.1", Some(1)),
            ("120", Some(1)),
            ("120.1", Some(2)),
            ("200", Some(2)),
            ("200.1", Some(3)),
            ("800", Some(3)),
            ("800.1", Some(4)),
        ],
    ),
    // 1.5 - 3.0; >3.0 - 5.0; >5.0 - 20.0; >20.0 x baseline if baseline was abnormal
    b(
        "Alanine aminotransferase increased",
        None,
        None,
        Some("40"),
        Some("60"),
        &[
            ("90", Some(0)),
            ("90.1", Some(1)),
            ("180", Some(1)),
            ("180.1", Some(2)),
            ("300", Some(2)),
            ("300.1", Some(3)),
            ("1200", Some(3)),
            ("1200.1", Some(4)),
        ],
    ),
    b(
        "Aspartate aminotransferase increased",
        None,
        None,
        Some("40"),
        None,
        &[
            ("40", Some(0)),
            ("40.1", Some(1)),
            ("120", Some(1)),
            ("120.1", Some(2)),
            ("200", Some(2)),
            ("200.1", Some(3)),
            ("800", Some(3)),
            ("800.1", Some(4)),
        ],
    ),
    b(
        "Aspartate aminotransferase increased",
        None,
        None,
        Some("40"),
        Some("60"),
        &[
            ("90", Some(0)),
            ("90.1", Some(1)),
            ("180", Some(1)),
            ("180.1", Some(2)),
            ("300", Some(2)),
            ("300.1", Some(3)),
            ("1200", Some(3)),
            ("1200.1", Some(4)),
        ],
    ),
    // >ULN - 2.5; >2.5 - 5.0; >5.0 - 20.0; >20.0 x ULN (normal baseline);
    // 2.0 - 2.5; >2.5 - 5.0; >5.0 - 20.0; >20.0 x baseline (abnormal)
    b(
        "Alkaline phosphatase increased",
        None,
        None,
        Some("100"),
        None,
        &[
            ("100", Some(0)),
            ("100.1", Some(1)),
            ("250", Some(1)),
            ("250.1", Some(2)),
            ("500", Some(2)),
            ("500.1", Some(3)),
            ("2000", Some(3)),
            ("2000.1", Some(4)),
        ],
    ),
    b(
        "Alkaline phosphatase increased",
        None,
        None,
        Some("100"),
        Some("150"),
        &[
            ("300", Some(0)),
            ("300.1", Some(1)),
            ("375", Some(1)),
            ("375.1", Some(2)),
            ("750", Some(2)),
            ("750.1", Some(3)),
            ("3000", Some(3)),
            ("3000.1", Some(4)),
        ],
    ),
    b(
        "GGT increased",
        None,
        None,
        Some("60"),
        None,
        &[
            ("60", Some(0)),
            ("60.1", Some(1)),
            ("150", Some(1)),
            ("150.1", Some(2)),
            ("300", Some(2)),
            ("300.1", Some(3)),
            ("1200", Some(3)),
            ("1200.1", Some(4)),
        ],
    ),
    b(
        "GGT increased",
        None,
        None,
        Some("60"),
        Some("100"),
        &[
            ("200", Some(0)),
            ("200.1", Some(1)),
            ("250", Some(1)),
            ("250.1", Some(2)),
            ("500", Some(2)),
            ("500.1", Some(3)),
            ("2000", Some(3)),
            ("2000.1", Some(4)),
        ],
    ),
    // >ULN - 1.5; >1.5 - 3.0; >3.0 - 10.0; >10.0 x ULN (normal baseline);
    // >1.0 - 1.5; ... x baseline (abnormal)
    b(
        "Blood bilirubin increased",
        None,
        None,
        Some("20"),
        None,
        &[
            ("20", Some(0)),
            ("20.1", Some(1)),
            ("30", Some(1)),
            ("30.1", Some(2)),
            ("60", Some(2)),
            ("60.1", Some(3)),
            ("200", Some(3)),
            ("200.1", Some(4)),
        ],
    ),
    b(
        "Blood bilirubin increased",
        None,
        None,
        Some("20"),
        Some("30"),
        &[
            ("30", Some(0)),
            ("30.1", Some(1)),
            ("45", Some(1)),
            ("45.1", Some(2)),
            ("90", Some(2)),
            ("90.1", Some(3)),
            ("300", Some(3)),
            ("300.1", Some(4)),
        ],
    ),
    // >ULN
    b(
        "Blood lactate dehydrogenase increased",
        None,
        None,
        Some("250"),
        None,
        &[("250", Some(0)), ("250.1", Some(1))],
    ),
    // <LLN - 0.5; <0.5 - 0.2; <0.2 - 0.05 (erratum); <0.05 x 10e9 /L
    b(
        "CD4 lymphocytes decreased",
        Some("10*9/L"),
        Some("0.8"),
        None,
        None,
        &[
            ("0.8", Some(0)),
            ("0.79", Some(1)),
            ("0.5", Some(1)),
            ("0.49", Some(2)),
            ("0.2", Some(2)),
            ("0.19", Some(3)),
            ("0.05", Some(3)),
            ("0.049", Some(4)),
        ],
    ),
    // >ULN - 7.75; >7.75 - 10.34; >10.34 - 12.92; >12.92 mmol/L (300/400/500 mg/dL)
    b(
        "Cholesterol high",
        Some("mmol/L"),
        None,
        Some("5.2"),
        None,
        &[
            ("5.2", Some(0)),
            ("5.21", Some(1)),
            ("7.75", Some(1)),
            ("7.76", Some(2)),
            ("10.34", Some(2)),
            ("10.35", Some(3)),
            ("12.92", Some(3)),
            ("12.93", Some(4)),
        ],
    ),
    b(
        "Cholesterol high",
        Some("mg/dL"),
        None,
        Some("200"),
        None,
        &[
            ("300", Some(1)),
            ("300.1", Some(2)),
            ("400", Some(2)),
            ("400.1", Some(3)),
            ("500", Some(3)),
            ("500.1", Some(4)),
        ],
    ),
    // >ULN - 2.5; >2.5 - 5; >5 - 10; >10 x ULN
    b(
        "CPK increased",
        None,
        None,
        Some("200"),
        None,
        &[
            ("200", Some(0)),
            ("200.1", Some(1)),
            ("500", Some(1)),
            ("500.1", Some(2)),
            ("1000", Some(2)),
            ("1000.1", Some(3)),
            ("2000", Some(3)),
            ("2000.1", Some(4)),
        ],
    ),
    // >ULN - 1.5 x ULN; >1.5 - 3.0 x baseline or ULN; >3.0 baseline, >3.0 - 6.0 x ULN; >6.0 x ULN
    b(
        "Creatinine increased",
        None,
        None,
        Some("100"),
        None,
        &[
            ("100", Some(0)),
            ("100.1", Some(1)),
            ("150", Some(1)),
            ("150.1", Some(2)),
            ("300", Some(2)),
            ("300.1", Some(3)),
            ("600", Some(3)),
            ("600.1", Some(4)),
        ],
    ),
    b(
        "Creatinine increased",
        None,
        None,
        Some("100"),
        Some("80"),
        &[
            ("120", Some(1)),
            ("120.1", Some(2)),
            ("240", Some(2)),
            ("240.1", Some(3)),
        ],
    ),
    // <1.0 - 0.75; <0.75 - 0.5; <0.5 - 0.25; <0.25 x LLN; absolute value <50 mg/dL
    b(
        "Fibrinogen decreased",
        Some("g/L"),
        Some("4"),
        None,
        None,
        &[
            ("4", Some(0)),
            ("3.99", Some(1)),
            ("3", Some(1)),
            ("2.99", Some(2)),
            ("2", Some(2)),
            ("1.99", Some(3)),
            ("1", Some(3)),
            ("0.99", Some(4)),
        ],
    ),
    b(
        "Fibrinogen decreased",
        Some("mg/dL"),
        Some("400"),
        None,
        None,
        &[
            ("400", Some(0)),
            ("399", Some(1)),
            ("300", Some(1)),
            ("299", Some(2)),
            ("200", Some(2)),
            ("199", Some(3)),
            ("100", Some(3)),
            ("99", Some(4)),
        ],
    ),
    // The absolute grade 4 rule needs no LLN; above it, without an LLN,
    // grade 4 and the others cannot be ruled out.
    b(
        "Fibrinogen decreased",
        Some("g/L"),
        None,
        None,
        None,
        &[("0.5", None), ("0.49", Some(4))],
    ),
    b(
        "Fibrinogen decreased",
        Some("mg/dL"),
        None,
        None,
        None,
        &[("50", None), ("49", Some(4))],
    ),
    // If abnormal: <25% decrease; 25 - <50%; 50 - <75%; 75% decrease from baseline
    b(
        "Fibrinogen decreased",
        Some("g/L"),
        Some("2"),
        None,
        Some("2.4"),
        &[
            ("1.81", Some(1)),
            ("1.8", Some(2)),
            ("1.21", Some(2)),
            ("1.2", Some(3)),
            ("0.61", Some(3)),
            ("0.6", Some(4)),
        ],
    ),
    // <LLN
    b(
        "Haptoglobin decreased",
        None,
        Some("0.3"),
        None,
        None,
        &[("0.3", Some(0)), ("0.29", Some(1))],
    ),
    // Increase in >0 - 2; >2 - 4; >4 g/dL above ULN
    b(
        "Hemoglobin increased",
        Some("g/L"),
        None,
        Some("160"),
        None,
        &[
            ("160", Some(0)),
            ("160.1", Some(1)),
            ("180", Some(1)),
            ("180.1", Some(2)),
            ("200", Some(2)),
            ("200.1", Some(3)),
        ],
    ),
    b(
        "Hemoglobin increased",
        Some("g/dL"),
        None,
        Some("16"),
        None,
        &[
            ("16", Some(0)),
            ("16.1", Some(1)),
            ("18", Some(1)),
            ("18.1", Some(2)),
            ("20", Some(2)),
            ("20.1", Some(3)),
        ],
    ),
    // >1.2 - 1.5; >1.5 - 2.5; >2.5
    b(
        "INR increased",
        None,
        None,
        None,
        None,
        &[
            ("1.2", Some(0)),
            ("1.21", Some(1)),
            ("1.5", Some(1)),
            ("1.51", Some(2)),
            ("2.5", Some(2)),
            ("2.51", Some(3)),
        ],
    ),
    // On anticoagulation (a baseline): >1 - 1.5; >1.5 - 2.5; >2.5 x baseline
    b(
        "INR increased",
        None,
        None,
        None,
        Some("0.8"),
        &[
            ("0.8", Some(0)),
            ("0.81", Some(1)),
            ("1.2", Some(1)),
            ("1.21", Some(2)),
            ("2", Some(2)),
            ("2.01", Some(3)),
        ],
    ),
    // >ULN - 1.5; >1.5 - 2.0 (and >2.0 - 5.0 asymptomatic); >2.0 - 5.0 with
    // symptoms (and >5.0 asymptomatic); >5.0 x ULN with symptoms
    b(
        "Lipase increased",
        None,
        None,
        Some("60"),
        None,
        &[
            ("60", Some(0)),
            ("60.1", Some(1)),
            ("90", Some(1)),
            ("90.1", Some(2)),
            ("120", Some(2)),
            ("120.1", Some(3)),
            ("300", Some(3)),
            ("300.1", Some(4)),
        ],
    ),
    b(
        "Serum amylase increased",
        None,
        None,
        Some("100"),
        None,
        &[
            ("100", Some(0)),
            ("100.1", Some(1)),
            ("150", Some(1)),
            ("150.1", Some(2)),
            ("200", Some(2)),
            ("200.1", Some(3)),
            ("500", Some(3)),
            ("500.1", Some(4)),
        ],
    ),
    // <LLN - 0.8; <0.8 - 0.5; <0.5 - 0.2; <0.2 x 10e9 /L
    b(
        "Lymphocyte count decreased",
        Some("10*9/L"),
        Some("1"),
        None,
        None,
        &[
            ("1", Some(0)),
            ("0.99", Some(1)),
            ("0.8", Some(1)),
            ("0.79", Some(2)),
            ("0.5", Some(2)),
            ("0.49", Some(3)),
            ("0.2", Some(3)),
            ("0.19", Some(4)),
        ],
    ),
    // >4000/mm3 - 20,000/mm3; >20,000/mm3
    b(
        "Lymphocyte count increased",
        Some("10*9/L"),
        None,
        Some("4"),
        None,
        &[
            ("4", Some(0)),
            ("4.01", Some(2)),
            ("20", Some(2)),
            ("20.01", Some(3)),
        ],
    ),
    // <LLN - 1.5; <1.5 - 1.0; <1.0 - 0.5; <0.5 x 10e9 /L
    b(
        "Neutrophil count decreased",
        Some("10*9/L"),
        Some("2"),
        None,
        None,
        &[
            ("2", Some(0)),
            ("1.99", Some(1)),
            ("1.5", Some(1)),
            ("1.49", Some(2)),
            ("1", Some(2)),
            ("0.99", Some(3)),
            ("0.5", Some(3)),
            ("0.49", Some(4)),
        ],
    ),
    // <LLN - 75.0; <75.0 - 50.0; <50.0 - 25.0; <25.0 x 10e9 /L
    b(
        "Platelet count decreased",
        Some("10*9/L"),
        Some("150"),
        None,
        None,
        &[
            ("150", Some(0)),
            ("149.9", Some(1)),
            ("75", Some(1)),
            ("74.9", Some(2)),
            ("50", Some(2)),
            ("49.9", Some(3)),
            ("25", Some(3)),
            ("24.9", Some(4)),
        ],
    ),
    // <LLN - 3.0; <3.0 - 2.0; <2.0 - 1.0; <1.0 x 10e9 /L
    b(
        "White blood cell decreased",
        Some("10*9/L"),
        Some("4"),
        None,
        None,
        &[
            ("4", Some(0)),
            ("3.99", Some(1)),
            ("3", Some(1)),
            ("2.99", Some(2)),
            ("2", Some(2)),
            ("1.99", Some(3)),
            ("1", Some(3)),
            ("0.99", Some(4)),
        ],
    ),
    // pH <normal, but >=7.3; pH <7.3
    b(
        "Acidosis",
        None,
        Some("7.35"),
        None,
        None,
        &[
            ("7.35", Some(0)),
            ("7.34", Some(1)),
            ("7.3", Some(1)),
            ("7.29", Some(3)),
        ],
    ),
    // pH >normal, but <=7.5; pH >7.5
    b(
        "Alkalosis",
        None,
        None,
        Some("7.45"),
        None,
        &[
            ("7.45", Some(0)),
            ("7.46", Some(1)),
            ("7.5", Some(1)),
            ("7.51", Some(3)),
        ],
    ),
    // Corrected calcium >ULN - 2.9; >2.9 - 3.1; >3.1 - 3.4; >3.4 mmol/L
    // (11.5, 12.5, 13.5 mg/dL)
    b(
        "Hypercalcemia",
        Some("mmol/L"),
        None,
        Some("2.6"),
        None,
        &[
            ("2.6", Some(0)),
            ("2.61", Some(1)),
            ("2.9", Some(1)),
            ("2.91", Some(2)),
            ("3.1", Some(2)),
            ("3.11", Some(3)),
            ("3.4", Some(3)),
            ("3.41", Some(4)),
        ],
    ),
    b(
        "Hypercalcemia",
        Some("mg/dL"),
        None,
        Some("10.5"),
        None,
        &[
            ("11.5", Some(1)),
            ("11.6", Some(2)),
            ("12.5", Some(2)),
            ("12.6", Some(3)),
            ("13.5", Some(3)),
            ("13.6", Some(4)),
        ],
    ),
    // Ionized calcium >ULN - 1.5; >1.5 - 1.6; >1.6 - 1.8; >1.8 mmol/L
    b(
        "Hypercalcemia (Ionized)",
        Some("mmol/L"),
        None,
        Some("1.3"),
        None,
        &[
            ("1.3", Some(0)),
            ("1.31", Some(1)),
            ("1.5", Some(1)),
            ("1.51", Some(2)),
            ("1.6", Some(2)),
            ("1.61", Some(3)),
            ("1.8", Some(3)),
            ("1.81", Some(4)),
        ],
    ),
    // >ULN - 5.5; >5.5 - 6.0; >6.0 - 7.0; >7.0 mmol/L
    b(
        "Hyperkalemia",
        Some("mmol/L"),
        None,
        Some("5"),
        None,
        &[
            ("5", Some(0)),
            ("5.01", Some(1)),
            ("5.5", Some(1)),
            ("5.51", Some(2)),
            ("6", Some(2)),
            ("6.01", Some(3)),
            ("7", Some(3)),
            ("7.01", Some(4)),
        ],
    ),
    // >ULN - 1.23; (no grade 2); >1.23 - 3.30; >3.30 mmol/L (3.0, 8.0 mg/dL)
    b(
        "Hypermagnesemia",
        Some("mmol/L"),
        None,
        Some("1.05"),
        None,
        &[
            ("1.05", Some(0)),
            ("1.06", Some(1)),
            ("1.23", Some(1)),
            ("1.24", Some(3)),
            ("3.3", Some(3)),
            ("3.31", Some(4)),
        ],
    ),
    b(
        "Hypermagnesemia",
        Some("mg/dL"),
        None,
        Some("2.5"),
        None,
        &[
            ("3", Some(1)),
            ("3.1", Some(3)),
            ("8", Some(3)),
            ("8.1", Some(4)),
        ],
    ),
    // >ULN - 150; >150 - 155; >155 - 160; >160 mmol/L
    b(
        "Hypernatremia",
        Some("mmol/L"),
        None,
        Some("145"),
        None,
        &[
            ("145", Some(0)),
            ("145.1", Some(1)),
            ("150", Some(1)),
            ("150.1", Some(2)),
            ("155", Some(2)),
            ("155.1", Some(3)),
            ("160", Some(3)),
            ("160.1", Some(4)),
        ],
    ),
    // 1.71 - 3.42; >3.42 - 5.7; >5.7 - 11.4; >11.4 mmol/L
    b(
        "Hypertriglyceridemia",
        Some("mmol/L"),
        None,
        None,
        None,
        &[
            ("1.71", Some(0)),
            ("1.72", Some(1)),
            ("3.42", Some(1)),
            ("3.43", Some(2)),
            ("5.7", Some(2)),
            ("5.71", Some(3)),
            ("11.4", Some(3)),
            ("11.41", Some(4)),
        ],
    ),
    // >ULN (without, grade 1, or with physiologic consequences, grade 3:
    // the worst case); the v4.03 grade 4 >0.59 mmol/L of the reading notes
    b(
        "Hyperuricemia",
        Some("mmol/L"),
        None,
        Some("0.42"),
        None,
        &[
            ("0.42", Some(0)),
            ("0.421", Some(3)),
            ("0.59", Some(3)),
            ("0.591", Some(4)),
        ],
    ),
    // <LLN - 30; <30 - 20; <20 g/L (3, 2 g/dL)
    b(
        "Hypoalbuminemia",
        Some("g/L"),
        Some("35"),
        None,
        None,
        &[
            ("35", Some(0)),
            ("34.9", Some(1)),
            ("30", Some(1)),
            ("29.9", Some(2)),
            ("20", Some(2)),
            ("19.9", Some(3)),
        ],
    ),
    b(
        "Hypoalbuminemia",
        Some("g/dL"),
        Some("3.5"),
        None,
        None,
        &[
            ("3", Some(1)),
            ("2.99", Some(2)),
            ("2", Some(2)),
            ("1.99", Some(3)),
        ],
    ),
    // Corrected calcium <LLN - 2.0; <2.0 - 1.75; <1.75 - 1.5; <1.5 mmol/L (8, 7, 6 mg/dL)
    b(
        "Hypocalcemia",
        Some("mmol/L"),
        Some("2.2"),
        None,
        None,
        &[
            ("2.2", Some(0)),
            ("2.19", Some(1)),
            ("2", Some(1)),
            ("1.99", Some(2)),
            ("1.75", Some(2)),
            ("1.74", Some(3)),
            ("1.5", Some(3)),
            ("1.49", Some(4)),
        ],
    ),
    b(
        "Hypocalcemia",
        Some("mg/dL"),
        Some("8.5"),
        None,
        None,
        &[
            ("8", Some(1)),
            ("7.9", Some(2)),
            ("7", Some(2)),
            ("6.9", Some(3)),
            ("6", Some(3)),
            ("5.9", Some(4)),
        ],
    ),
    // Ionized calcium <LLN - 1.0; <1.0 - 0.9; <0.9 - 0.8; <0.8 mmol/L
    b(
        "Hypocalcemia (Ionized)",
        Some("mmol/L"),
        Some("1.1"),
        None,
        None,
        &[
            ("1.1", Some(0)),
            ("1.09", Some(1)),
            ("1", Some(1)),
            ("0.99", Some(2)),
            ("0.9", Some(2)),
            ("0.89", Some(3)),
            ("0.8", Some(3)),
            ("0.79", Some(4)),
        ],
    ),
    // <LLN - 3.0; <3.0 - 2.2; <2.2 - 1.7; <1.7 mmol/L (55, 40, 30 mg/dL)
    b(
        "Hypoglycemia",
        Some("mmol/L"),
        Some("3.9"),
        None,
        None,
        &[
            ("3.9", Some(0)),
            ("3.89", Some(1)),
            ("3", Some(1)),
            ("2.99", Some(2)),
            ("2.2", Some(2)),
            ("2.19", Some(3)),
            ("1.7", Some(3)),
            ("1.69", Some(4)),
        ],
    ),
    b(
        "Hypoglycemia",
        Some("mg/dL"),
        Some("70"),
        None,
        None,
        &[
            ("55", Some(1)),
            ("54.9", Some(2)),
            ("40", Some(2)),
            ("39.9", Some(3)),
            ("30", Some(3)),
            ("29.9", Some(4)),
        ],
    ),
    // <LLN - 3.0 (grade 1, or 2 when symptomatic: the worst case);
    // <3.0 - 2.5; <2.5 mmol/L
    b(
        "Hypokalemia",
        Some("mmol/L"),
        Some("3.5"),
        None,
        None,
        &[
            ("3.5", Some(0)),
            ("3.49", Some(2)),
            ("3", Some(2)),
            ("2.99", Some(3)),
            ("2.5", Some(3)),
            ("2.49", Some(4)),
        ],
    ),
    // <LLN - 0.5; <0.5 - 0.4; <0.4 - 0.3; <0.3 mmol/L (1.2, 0.9, 0.7 mg/dL)
    b(
        "Hypomagnesemia",
        Some("mmol/L"),
        Some("0.66"),
        None,
        None,
        &[
            ("0.66", Some(0)),
            ("0.65", Some(1)),
            ("0.5", Some(1)),
            ("0.49", Some(2)),
            ("0.4", Some(2)),
            ("0.39", Some(3)),
            ("0.3", Some(3)),
            ("0.29", Some(4)),
        ],
    ),
    b(
        "Hypomagnesemia",
        Some("mg/dL"),
        Some("1.6"),
        None,
        None,
        &[
            ("1.2", Some(1)),
            ("1.19", Some(2)),
            ("0.9", Some(2)),
            ("0.89", Some(3)),
            ("0.7", Some(3)),
            ("0.69", Some(4)),
        ],
    ),
    // <LLN - 130; 125-129 (grade 2 asymptomatic, 3 symptomatic: the worst
    // case); 120-124; <120 mmol/L. The integer ranges meet: 129.5 is below
    // 130, so past grade 1.
    b(
        "Hyponatremia",
        Some("mmol/L"),
        Some("135"),
        None,
        None,
        &[
            ("135", Some(0)),
            ("134.9", Some(1)),
            ("130", Some(1)),
            ("129.9", Some(3)),
            ("125", Some(3)),
            ("124.5", Some(3)),
            ("120", Some(3)),
            ("119.9", Some(4)),
        ],
    ),
];

#[test]
fn every_boundary_of_every_term() {
    let mut wrong = Vec::new();
    let mut covered = std::collections::BTreeSet::new();
    for t in BOUNDARIES {
        covered.insert(t.term.to_ascii_lowercase());
        let g = grader(t.term, t.unit, t.lln, t.uln);
        for (value, expected) in t.points {
            let got = g(value, t.baseline);
            if got != *expected {
                wrong.push(format!(
                    "{} {value} {} (LLN {:?}, ULN {:?}, baseline {:?}): got {got:?}, expected {expected:?}",
                    t.term,
                    t.unit.unwrap_or(""),
                    t.lln,
                    t.uln,
                    t.baseline
                ));
            }
        }
    }
    let missing: Vec<String> = ctcae::terms()
        .unwrap()
        .into_iter()
        .map(|t| t.term)
        .filter(|t| !covered.contains(&t.to_ascii_lowercase()))
        .collect();
    assert!(
        missing.is_empty(),
        "terms without boundary cases: {missing:?}"
    );
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// `eligo grade`'s library refuses what no laboratory reports, naming the
/// field, instead of grading it (the probe's four cases).
#[test]
fn impossible_values_and_limits_are_refused() {
    let cases = [
        (
            "Platelet count decreased",
            "-40",
            Some("10*9/L"),
            Some("-150"),
            None,
            "value",
        ),
        (
            "Platelet count decreased",
            "40",
            Some("10*9/L"),
            Some("-150"),
            None,
            "lln",
        ),
        (
            "Neutrophil count decreased",
            "-1",
            Some("10*9/L"),
            Some("2"),
            None,
            "value",
        ),
        (
            "Alanine aminotransferase increased",
            "100",
            None,
            None,
            Some("0"),
            "uln",
        ),
        (
            "Hemoglobin increased",
            "170",
            Some("g/L"),
            None,
            Some("-5"),
            "uln",
        ),
    ];
    for (term, v, unit, lln, uln, field) in cases {
        let e = grade(term, d(v), unit, lln.map(d), uln.map(d), None).unwrap_err();
        match &e {
            ctcae::GradeError::Impossible { field: f, .. } => assert_eq!(*f, field, "{term}: {e}"),
            other => panic!("{term}: {other}"),
        }
        assert!(e.to_string().starts_with(field), "{e}");
    }
    let e = grade(
        "Creatinine increased",
        d("90"),
        None,
        None,
        Some(d("100")),
        Some(d("-1")),
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("baseline"), "{e}");
    // Zero is a real count, and an LLN of 0 is what some reports give.
    assert_eq!(
        grade(
            "Neutrophil count decreased",
            d("0"),
            Some("10*9/L"),
            Some(d("2")),
            None,
            None
        )
        .unwrap(),
        Some(4)
    );
    assert_eq!(
        grade(
            "Lipase increased",
            d("50"),
            None,
            Some(d("0")),
            Some(d("60")),
            None
        )
        .unwrap(),
        Some(0)
    );
}

/// admiral's own test table for fibrinogen decreased (`exp_fib` in its
/// tests of `derive_var_atoxgr`, Apache-2.0; see `tests/data/README.md`),
/// with its percentage change written as the baseline it implies
/// (value / (1 + PCHG/100)). Rows 3 and 4 are the absolute < 0.5 g/L rule.
#[test]
fn fibrinogen_as_admiral_tests_it() {
    /// (value, LLN, baseline, grade)
    type Row = (
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        Option<u8>,
    );
    let rows: &[Row] = &[
        // (value g/L, LLN, baseline, grade)
        ("0.49", None, None, Some(4)),
        ("0.49", Some("1"), Some("1"), Some(4)),
        ("0.5", Some("2.1"), None, Some(4)),
        ("0.5", Some("1.1"), Some("2"), Some(4)),
        ("1", Some("2.1"), None, Some(3)),
        ("1", Some("2"), Some("2"), Some(3)),
        ("1.5", Some("2.1"), None, Some(2)),
        ("1.5", Some("1.6"), Some("2"), Some(2)),
        ("2", Some("2.1"), None, Some(1)),
        ("1.5", Some("1.5"), Some("1.5"), Some(0)),
        ("1", None, Some("4"), None),
        ("1.5", None, Some("2"), None),
    ];
    for (v, lln, base, expected) in rows {
        let got = grade(
            "Fibrinogen decreased",
            d(v),
            Some("g/L"),
            lln.map(d),
            None,
            base.map(d),
        )
        .unwrap();
        assert_eq!(got, *expected, "value {v}, LLN {lln:?}, baseline {base:?}");
    }
}
