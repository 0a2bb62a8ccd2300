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
pub(crate) fn grader<'a>(
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
