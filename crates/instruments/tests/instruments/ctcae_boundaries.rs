//! CTCAE v5.0: every term graded on both sides of each boundary its
//! criterion text states, from the table shipped with the crate.

use crate::ctcae::grader;
use crate::ctcae_metabolism::METABOLISM;
use eligo_instruments::ctcae;

/// One term's inputs held fixed and values on both sides of each of its
/// CTCAE v5.0 boundaries, with the grade the criterion text gives.
pub(crate) struct Boundaries {
    term: &'static str,
    unit: Option<&'static str>,
    lln: Option<&'static str>,
    uln: Option<&'static str>,
    baseline: Option<&'static str>,
    /// (value, grade): a value at a boundary, then one just past it.
    points: &'static [(&'static str, Option<u8>)],
}

pub(crate) const fn b(
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
/// The terms of the "Investigations" and "Blood and lymphatic system
/// disorders" sections; the metabolism terms are in `ctcae_metabolism.rs`.
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
];

#[test]
fn every_boundary_of_every_term() {
    let mut wrong = Vec::new();
    let mut covered = std::collections::BTreeSet::new();
    for t in BOUNDARIES.iter().chain(METABOLISM) {
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
