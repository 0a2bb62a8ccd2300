//! The matcher against eligo's example patients (`examples/patients/`):
//! hand-written FHIR bundles, each near one boundary of the seed trials,
//! with verdicts worked out by hand from the seed criteria text
//! (`expected.json`, reasons beside each).

#[path = "matcher/clauses.rs"]
mod clauses;
#[path = "matcher/fast.rs"]
mod fast;
#[path = "matcher/open_world.rs"]
mod open_world;
#[path = "matcher/records.rs"]
mod records;
#[path = "matcher/windows.rs"]
mod windows;

use eligo_matcher::{MatchOptions, evaluate, match_trials};
use eligo_model::evidence::{CriterionResult, Status, TrialMatch, Verdict};
use eligo_model::fact::{
    ClinicalStatus, Coding, ConditionFact, ImmunizationFact, MedicationFact, ObservationFact,
    ObservationValue, ProcedureFact, SourceRef, VerificationStatus, systems,
};
use eligo_model::rule::CompiledCriteria;
use eligo_model::{Date, PatientFacts, Quantity, Trial};
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

// ------------------------------------------------------------ shared helpers

/// The sample registry, compiled once for the whole test binary.
pub fn reg() -> &'static [(Trial, CompiledCriteria)] {
    static R: OnceLock<Vec<(Trial, CompiledCriteria)>> = OnceLock::new();
    R.get_or_init(registry)
}

pub const T000: &str = "NCT06946485";
pub const T002: &str = "ELIGO-7DC38438B394";
pub const T003: &str = "NCT07331467";
pub const T004: &str = "NCT07031713";

/// The example patients' as-of date.
pub fn day() -> Date {
    d("2026-11-25")
}

pub fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// `n` days before the as-of date.
pub fn days_ago(n: i64) -> Date {
    day().checked_sub(jiff::Span::new().days(n)).unwrap()
}

/// `n` months before the as-of date (a calendar span).
pub fn months_ago(n: i64) -> Date {
    day().checked_sub(jiff::Span::new().months(n)).unwrap()
}

pub fn yesterday_of(x: Date) -> Date {
    x.checked_sub(jiff::Span::new().days(1)).unwrap()
}

/// The refractory-SLE woman every seed trial accepts (`01-base.json`).
pub fn base() -> PatientFacts {
    patient("01-base.json")
}

pub fn code(system: &str, code: &str) -> Coding {
    Coding {
        system: system.into(),
        code: code.into(),
        display: None,
    }
}

fn src(t: &str, id: &str) -> SourceRef {
    SourceRef {
        resource_type: t.into(),
        id: id.into(),
    }
}

pub fn condition(id: &str, codes: Vec<Coding>, text: &str, onset: Date) -> ConditionFact {
    ConditionFact {
        source: src("Condition", id),
        codes,
        text: Some(text.into()),
        clinical_status: Some(ClinicalStatus::Active),
        verification_status: Some(VerificationStatus::Confirmed),
        onset: Some(onset),
        abatement: None,
        recorded: None,
        grade: None,
    }
}

pub fn medication(
    id: &str,
    codes: Vec<Coding>,
    text: &str,
    start: Date,
    end: Option<Date>,
) -> MedicationFact {
    MedicationFact {
        source: src("MedicationStatement", id),
        codes,
        text: Some(text.into()),
        status: Some(if end.is_some() { "completed" } else { "active" }.into()),
        dose: None,
        per_day: None,
        route: None,
        start: Some(start),
        end,
    }
}

pub fn procedure(id: &str, codes: Vec<Coding>, text: &str, on: Date) -> ProcedureFact {
    ProcedureFact {
        source: src("Procedure", id),
        codes,
        text: Some(text.into()),
        status: Some("completed".into()),
        start: Some(on),
        end: Some(on),
    }
}

pub fn vaccination(id: &str, cvx: &str, on: Date) -> ImmunizationFact {
    ImmunizationFact {
        source: src("Immunization", id),
        codes: vec![code(systems::CVX, cvx)],
        text: None,
        status: Some("completed".into()),
        date: Some(on),
    }
}

pub fn observation(id: &str, loinc: &str, value: ObservationValue, on: Date) -> ObservationFact {
    ObservationFact {
        source: src("Observation", id),
        codes: vec![code(systems::LOINC, loinc)],
        text: None,
        value: Some(value),
        reference_range: None,
        effective: Some(on),
        comparator: None,
        interpretation: vec![],
        category: vec!["laboratory".into()],
        components: vec![],
    }
}

pub fn quantity(v: &str, unit: &str) -> ObservationValue {
    ObservationValue::Quantity {
        quantity: Quantity::new(v.parse::<Decimal>().unwrap(), unit),
    }
}

/// One seed trial's verdict for `facts` at the example as-of date.
pub fn eval(id: &str, facts: &PatientFacts) -> TrialMatch {
    let (t, c) = reg()
        .iter()
        .find(|(t, _)| t.id == id)
        .expect("sample trial");
    evaluate(t, c, facts, day())
}

/// The criterion whose text starts with `prefix`.
pub fn crit<'a>(m: &'a TrialMatch, prefix: &str) -> &'a CriterionResult {
    m.criteria
        .iter()
        .find(|c| c.text.starts_with(prefix))
        .unwrap_or_else(|| panic!("{}: no criterion starts with {prefix:?}", m.trial_id))
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/patients")
}

fn expected() -> Value {
    serde_json::from_slice(&std::fs::read(examples().join("expected.json")).unwrap()).unwrap()
}

fn registry() -> Vec<(Trial, CompiledCriteria)> {
    eligo_ctgov::sample_registry()
        .into_iter()
        .map(|r| {
            let c = eligo_criteria::compile_trial(&r.trial);
            (r.trial, c)
        })
        .collect()
}

fn patient(file: &str) -> PatientFacts {
    let text = std::fs::read_to_string(examples().join(file)).unwrap();
    eligo_fhir::read_bundle(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn as_of() -> Date {
    expected()["patients"][0]["as_of"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Eligible => "eligible",
        Verdict::Unknown => "unknown",
        Verdict::Ineligible => "ineligible",
    }
}

fn one(reg: &[(Trial, CompiledCriteria)], facts: &PatientFacts, id: &str) -> TrialMatch {
    let (t, c) = reg.iter().find(|(t, _)| t.id == id).expect("seed trial");
    evaluate(t, c, facts, as_of())
}

#[test]
fn every_example_patient_gets_its_expected_verdicts() {
    let reg = registry();
    let exp = expected();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for p in exp["patients"].as_array().unwrap() {
        let file = p["file"].as_str().unwrap();
        let facts = patient(file);
        for (trial, want) in p["expected"].as_object().unwrap() {
            let m = one(&reg, &facts, trial);
            checked += 1;
            if verdict_word(m.verdict) != want.as_str().unwrap() {
                wrong.push(format!(
                    "{file} × {trial}: got {}, expected {want} ({})\n{}",
                    verdict_word(m.verdict),
                    p["reasons"],
                    eligo_matcher::explain::explain(&m)
                        .lines()
                        .filter(|l| l.contains("<= decides")
                            || l.starts_with("verdict")
                            || l.starts_with("undecided")
                            || l.starts_with("facts"))
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
            }
        }
    }
    assert!(checked >= 60, "{checked} verdicts checked");
    assert!(
        wrong.is_empty(),
        "{} wrong verdicts:\n\n{}",
        wrong.len(),
        wrong.join("\n\n")
    );
}

fn criterion<'a>(m: &'a TrialMatch, starts: &str) -> &'a CriterionResult {
    m.criteria
        .iter()
        .find(|c| c.text.contains(starts))
        .unwrap_or_else(|| panic!("no criterion containing {starts:?}"))
}

#[test]
fn cockcroft_gault_evidence_shows_its_computation() {
    let reg = registry();
    let m = one(&reg, &patient("07-crcl-55-umol.json"), "NCT06946485");
    assert_eq!(m.verdict, Verdict::Ineligible);
    let c = criterion(&m, "Adequate organ function");
    assert_eq!(c.status, Status::NotMet);
    let crcl = c
        .evidence
        .iter()
        .find(|e| e.label.contains("Cockcroft-Gault"))
        .expect("CrCl evidence");
    // (140-52) x 61 / (72 x 1.1538) x 0.85 = 54.9
    let v = crcl.value.as_ref().unwrap();
    assert_eq!(v.unit, "mL/min");
    assert!(
        (v.value - rust_decimal::Decimal::new(549, 1)).abs() <= rust_decimal::Decimal::new(1, 1),
        "{v}"
    );
    let how = crcl.computation.as_deref().unwrap();
    assert!(
        how.contains("140") && how.contains("61") && how.contains("0.85"),
        "{how}"
    );
    // The creatinine evidence cites the Observation and its conversion from umol/L.
    let creat = c
        .evidence
        .iter()
        .find(|e| e.label.contains("creatinine") || e.label.contains("Creatinine"))
        .unwrap();
    assert!(
        creat.source.as_ref().is_some_and(|s| s.id == "creat"),
        "{creat:?}"
    );
    assert_eq!(creat.value.as_ref().unwrap().unit, "umol/L");
    assert!(
        creat
            .computation
            .as_deref()
            .is_some_and(|c| c.contains("88.4")),
        "{creat:?}"
    );
}

#[test]
fn the_same_kidney_in_two_units_decides_the_same() {
    let reg = registry();
    let a = patient("07-crcl-55-umol.json");
    let b = patient("08-crcl-55-mgdl.json");
    for (t, c) in &reg {
        let (x, y) = (evaluate(t, c, &a, as_of()), evaluate(t, c, &b, as_of()));
        assert_eq!(x.verdict, y.verdict, "{}", t.id);
        let sx: Vec<Status> = x.criteria.iter().map(|c| c.status).collect();
        let sy: Vec<Status> = y.criteria.iter().map(|c| c.status).collect();
        assert_eq!(sx, sy, "{}", t.id);
    }
}

#[test]
fn a_missing_measurement_is_unknown_and_named() {
    let reg = registry();
    let m = one(&reg, &patient("18-no-lvef.json"), "NCT06946485");
    assert_eq!(m.verdict, Verdict::Unknown);
    assert!(
        m.missing
            .iter()
            .any(|f| f.contains("LVEF") || f.contains("ejection")),
        "{:?}",
        m.missing
    );
    let c = &m.criteria[m.deciding[0]];
    assert!(c.text.contains("Adequate organ function"));
    assert_eq!(c.status, Status::Unknown);
}

#[test]
fn uln_multiples_come_from_the_reference_range() {
    let reg = registry();
    let m = one(&reg, &patient("06-alt-3.1-uln.json"), "NCT06946485");
    let c = criterion(&m, "Adequate organ function");
    let uln = c
        .evidence
        .iter()
        .find(|e| e.label.contains("ALT") && e.label.contains("ULN"))
        .expect("ULN evidence");
    assert_eq!(uln.value.as_ref().unwrap().to_string(), "40 U/L");
    assert!(
        uln.computation
            .as_deref()
            .unwrap()
            .contains("referenceRange")
    );
}

#[test]
fn not_computable_criteria_are_listed_to_confirm() {
    let reg = registry();
    let m = one(&reg, &patient("01-base.json"), "NCT06946485");
    assert_eq!(m.verdict, Verdict::Eligible);
    assert!(
        m.to_confirm.iter().any(|t| t.contains("informed consent")),
        "{:?}",
        m.to_confirm
    );
    assert!(
        m.to_confirm.iter().any(|t| t.contains("investigator")),
        "{:?}",
        m.to_confirm
    );
    for c in m.criteria.iter().filter(|c| c.to_confirm) {
        assert_eq!(c.status, Status::Unknown);
    }
}

#[test]
fn ranking_and_relatedness() {
    let reg = registry();
    let facts = patient("18-no-lvef.json");
    let opts = MatchOptions {
        as_of: as_of(),
        all: false,
        trial_ids: vec![],
    };
    let ranked = match_trials(&reg, &facts, &opts);
    let ids: Vec<&str> = ranked.iter().map(|m| m.trial_id.as_str()).collect();
    // Only the SLE trials (the four seeds; the partial related records are left out).
    assert_eq!(ranked.len(), 4, "{ids:?}");
    let verdicts: Vec<Verdict> = ranked.iter().map(|m| m.verdict).collect();
    assert_eq!(
        verdicts,
        [
            Verdict::Eligible,
            Verdict::Eligible,
            Verdict::Unknown,
            Verdict::Unknown
        ]
    );
    // Unrelated trials come back with --all, and are never eligible by accident of empty criteria.
    let all = match_trials(
        &reg,
        &facts,
        &MatchOptions {
            all: true,
            ..opts.clone()
        },
    );
    assert_eq!(all.len(), reg.len());
    for m in &all {
        if let Some((t, _)) = reg.iter().find(|(t, _)| t.id == m.trial_id && t.partial) {
            assert_ne!(m.verdict, Verdict::Eligible, "partial {}", t.id);
        }
    }
    // Ordered: eligible, unknown, ineligible.
    let rank = |v: Verdict| match v {
        Verdict::Eligible => 0,
        Verdict::Unknown => 1,
        Verdict::Ineligible => 2,
    };
    assert!(
        all.windows(2)
            .all(|w| rank(w[0].verdict) <= rank(w[1].verdict))
    );
}

#[test]
fn every_rule_result_points_into_the_criteria_text() {
    let reg = registry();
    let facts = patient("01-base.json");
    for (t, c) in reg.iter().filter(|(t, _)| t.eligibility.criteria.is_some()) {
        let text = t.eligibility.criteria.as_deref().unwrap();
        let m = evaluate(t, c, &facts, as_of());
        for cr in &m.criteria {
            if let Some(f) = &cr.field {
                // A registry field (conditions, min/max age, sex): its spans
                // point into the field's text.
                assert_eq!(
                    cr.span.slice(&cr.text),
                    Some(cr.text.as_str()),
                    "{} {f}",
                    t.id
                );
                continue;
            }
            assert_eq!(cr.span.slice(text), Some(cr.text.as_str()), "{}", t.id);
            for r in &cr.results {
                assert!(
                    r.rule.span.end <= text.len() && r.rule.span.start >= cr.span.start,
                    "{}",
                    t.id
                );
            }
        }
    }
}
