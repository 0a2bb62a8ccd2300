//! How facts as real records write them are read against the seed
//! criteria: results below the limit of detection (issue 17 item 15),
//! latent and active tuberculosis (item 16), facts dated after the as-of
//! date (item 19), components of a blood pressure panel.

use crate::*;
use eligo_model::fact::systems::{ATC, LOINC, SNOMED};
use eligo_model::rule::Comparator;

/// The base patient with a positive hepatitis B core antibody and the HBV
/// DNA observation `dna` (LOINC 29615-2): every seed trial excludes a
/// positive core antibody only with detectable HBV DNA.
fn hbcab_positive_with(dna: ObservationFact) -> PatientFacts {
    let mut f = base();
    for o in &mut f.observations {
        if o.source.id == "hbcab" {
            o.value = Some(ObservationValue::Code {
                coding: vec![code(SNOMED, "10828004")],
                text: Some("Positive".into()),
            });
        }
    }
    f.observations.push(dna);
    f
}

fn dna(value: ObservationValue) -> ObservationFact {
    observation("dna", "29615-2", value, d("2026-11-20"))
}

fn text(s: &str) -> ObservationValue {
    ObservationValue::Text { value: s.into() }
}

fn coded(snomed: &str) -> ObservationValue {
    ObservationValue::Code {
        coding: vec![code(SNOMED, snomed)],
        text: None,
    }
}

const HBV: [(&str, &str); 3] = [
    (T000, "Participants meeting any of the following"),
    (T002, "Subjects with positive hepatitis B surface antigen"),
    (
        T003,
        "Hepatitis B surface antigen (HBsAg) or hepatitis B core antibody",
    ),
];

#[test]
fn a_result_below_the_limit_of_detection_is_negative() {
    let mut below = dna(quantity("20", "[IU]/mL"));
    below.comparator = Some(Comparator::Lt);
    let mut below_cutoff = below.clone();
    below_cutoff.reference_range = Some(eligo_model::fact::ReferenceRange {
        low: None,
        high: Some(Quantity::new(Decimal::from(20), "[IU]/mL")),
    });
    let mut interpreted = dna(quantity("12", "[IU]/mL"));
    interpreted.interpretation = vec!["N".into()];
    let mut neg = dna(quantity("12", "[IU]/mL"));
    neg.interpretation = vec!["NEG".into()];
    let undetected = [
        ("< 20 IU/mL", below),
        ("< 20 IU/mL, limit 20", below_cutoff),
        ("\"not detected\"", dna(text("Not detected"))),
        ("\"undetectable\"", dna(text("undetectable"))),
        ("\"negative\"", dna(text("negative"))),
        ("SNOMED 260415000", dna(coded("260415000"))),
        ("SNOMED 260385009", dna(coded("260385009"))),
        ("interpretation N", interpreted),
        ("interpretation NEG", neg),
    ];
    for (what, o) in undetected {
        let f = hbcab_positive_with(o);
        for (id, prefix) in HBV {
            let m = eval(id, &f);
            assert_eq!(
                crit(&m, prefix).status,
                Status::NotMet,
                "{id}, HBV DNA {what}"
            );
            assert_eq!(m.verdict, Verdict::Eligible, "{id}, HBV DNA {what}");
        }
    }
    // Detected: excluded by each.
    let mut above = dna(quantity("1000", "[IU]/mL"));
    above.comparator = Some(Comparator::Gt);
    for o in [above, dna(text("Detected")), dna(coded("260373001"))] {
        let f = hbcab_positive_with(o);
        for (id, prefix) in HBV {
            assert_eq!(crit(&eval(id, &f), prefix).status, Status::Met, "{id}");
        }
    }
    // A bound above the cut-off says nothing: < 1000 with a limit of 20.
    let mut vague = dna(quantity("1000", "[IU]/mL"));
    vague.comparator = Some(Comparator::Lt);
    vague.reference_range = Some(eligo_model::fact::ReferenceRange {
        low: None,
        high: Some(Quantity::new(Decimal::from(20), "[IU]/mL")),
    });
    let f = hbcab_positive_with(vague);
    assert_eq!(crit(&eval(T000, &f), HBV[0].1).status, Status::Unknown);
}

/// "HCV antibody positive with HCV RNA not detected" (the seed criteria
/// need detectable RNA with the antibody).
#[test]
fn hcv_antibody_with_rna_not_detected_is_not_excluded() {
    let mut f = base();
    for o in &mut f.observations {
        if o.source.id == "hcv" {
            o.value = Some(coded("10828004"));
        }
    }
    f.observations.push(observation(
        "rna",
        "11259-9",
        text("HCV RNA not detected"),
        d("2026-11-20"),
    ));
    for (id, prefix) in [(T000, HBV[0].1), (T003, HBV[2].1)] {
        let m = eval(id, &f);
        assert_eq!(crit(&m, prefix).status, Status::NotMet, "{id}");
        assert_eq!(m.verdict, Verdict::Eligible, "{id}");
    }
}

/// A bound decides a threshold when all the values it allows fall on one
/// side: ALT "< 10 U/L" is ≤ 3 × ULN.
#[test]
fn a_bound_decides_a_threshold_when_it_can() {
    let mut f = base();
    for o in &mut f.observations {
        if o.source.id == "alt" {
            o.value = Some(quantity("10", "U/L"));
            o.comparator = Some(Comparator::Lt);
        }
    }
    let m = eval(T000, &f);
    assert_eq!(m.verdict, Verdict::Eligible);
    for o in &mut f.observations {
        if o.source.id == "alt" {
            o.value = Some(quantity("500", "U/L"));
        }
    }
    assert_eq!(
        crit(&eval(T000, &f), "Adequate organ function").status,
        Status::Unknown
    );
}

fn ltbi() -> PatientFacts {
    let mut f = base();
    f.conditions.push(condition(
        "ltbi",
        vec![code(SNOMED, "11999007")],
        "Latent tuberculosis infection",
        days_ago(40),
    ));
    f.medications.push(medication(
        "inh",
        vec![code(ATC, "J04AC01")],
        "isoniazid",
        days_ago(30),
        None,
    ));
    f
}

fn active_tb() -> PatientFacts {
    let mut f = base();
    f.conditions.push(condition(
        "tb",
        vec![code(SNOMED, "154283005")],
        "Pulmonary tuberculosis",
        days_ago(40),
    ));
    f.medications.push(medication(
        "rif",
        vec![code(ATC, "J04AB02")],
        "rifampicin",
        days_ago(30),
        None,
    ));
    f
}

/// Latent tuberculosis infection (on isoniazid) is not active pulmonary
/// tuberculosis, nor an active infection requiring systemic treatment;
/// active tuberculosis on treatment is both. Both ways, against each seed
/// criterion that names them.
#[test]
fn latent_tuberculosis_is_not_active_tuberculosis() {
    let cases = [
        // (trial, criterion, excluded by latent TB, by active TB)
        (
            T003,
            "Suffered from active pulmonary tuberculosis",
            false,
            true,
        ),
        (
            T003,
            "Uncontrollable infection or active infection",
            false,
            true,
        ),
        (
            T004,
            "No systemic active infections, including",
            false,
            true,
        ),
        // "Active or latent tuberculosis at screening" names both.
        (T002, "Active or latent tuberculosis", true, true),
        // "Presence of uncontrollable infections at screening, requiring
        // antibiotic therapy": rifampicin is an antibiotic (ATC J04AB).
        (T002, "Presence of uncontrollable infections", false, true),
    ];
    for (id, prefix, latent, active) in cases {
        for (facts, want, what) in [(ltbi(), latent, "latent"), (active_tb(), active, "active")] {
            let c = crit(&eval(id, &facts), prefix).clone();
            assert_eq!(
                c.status == Status::Met,
                want,
                "{id} {prefix}, {what} TB: {c:#?}"
            );
        }
    }
    // And as an inclusion: "No systemic active infections (such as infectious
    // pneumonia or tuberculosis) within the first 2 weeks of screening".
    let incl = "No systemic active infections (such as";
    assert_eq!(crit(&eval(T004, &ltbi()), incl).status, Status::Met);
    assert_eq!(crit(&eval(T004, &active_tb()), incl).status, Status::NotMet);
}

/// Issue 17 item 19: an observation dated after the as-of date (year 9999)
/// is not used, and a note says so.
#[test]
fn a_fact_dated_after_the_as_of_date_is_noted() {
    let mut f = base();
    let mut late = observation("late", "1742-6", quantity("500", "U/L"), d("9999-01-01"));
    late.reference_range = None;
    f.observations.push(late);
    assert_eq!(eval(T000, &f).verdict, Verdict::Eligible, "not used");
    let notes = eligo_matcher::unusable(&f, day());
    assert!(
        notes
            .iter()
            .any(|n| n.source.as_ref().is_some_and(|s| s.id == "late")
                && n.reason.contains("9999-01-01")
                && n.reason.contains("after the as-of date")),
        "{notes:?}"
    );
}

/// A blood pressure panel's systolic component answers a systolic
/// threshold, and the evidence cites the panel.
#[test]
fn components_of_a_panel_are_read() {
    let mut t = Trial {
        id: "BP".into(),
        brief_title: "A hypertension trial".into(),
        ..Trial::default()
    };
    t.eligibility.healthy_volunteers = Some(true);
    t.eligibility.criteria =
        Some("Exclusion Criteria:\n* Systolic blood pressure > 160 mmHg".into());
    let c = eligo_criteria::compile_trial(&t);
    let mut f = base();
    let mut bp = observation("bp", "85354-9", quantity("0", "1"), days_ago(2));
    bp.value = None;
    bp.category = vec!["vital-signs".into()];
    bp.components = vec![
        eligo_model::fact::ObservationComponent {
            codes: vec![code(LOINC, "8480-6")],
            value: Some(quantity("172", "mm[Hg]")),
        },
        eligo_model::fact::ObservationComponent {
            codes: vec![code(LOINC, "8462-4")],
            value: Some(quantity("95", "mm[Hg]")),
        },
    ];
    f.observations.push(bp);
    let m = evaluate(&t, &c, &f, day());
    let cr = crit(&m, "Systolic blood pressure");
    assert_eq!(cr.status, Status::Met, "{cr:#?}");
    assert!(
        cr.evidence
            .iter()
            .any(|e| e.source.as_ref().is_some_and(|s| s.id == "bp"))
    );
}
