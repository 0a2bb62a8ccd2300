//! The seed trials' criteria read as their text is written, on both sides
//! of each boundary, exception and alternative issue 20 names, starting
//! from the refractory-SLE woman every seed trial accepts
//! (`examples/patients/01-base.json`). The expected statuses come from the
//! criterion text quoted beside each.

use crate::*;
use eligo_model::fact::systems::{ATC, ICD10CM, SNOMED};

fn without(mut f: PatientFacts, ids: &[&str]) -> PatientFacts {
    f.medications
        .retain(|m| !ids.contains(&m.source.id.as_str()));
    f.conditions
        .retain(|c| !ids.contains(&c.source.id.as_str()));
    f.observations
        .retain(|o| !ids.contains(&o.source.id.as_str()));
    f
}

/// NCT06946485 inclusion 4: "... ≥1 of the following immunosuppressants for
/// \>6 months": six months is not more than six months.
#[test]
fn more_than_six_months_is_longer_than_six_months() {
    const CRIT: &str = "Failure to respond to conventional therapy";
    // Only mycophenolate counts among the immunosuppressants: started
    // exactly six months before the as-of date, and a day earlier.
    for (start, want) in [
        (months_ago(6), Status::Unknown),
        (yesterday_of(months_ago(6)), Status::Met),
    ] {
        let mut f = without(base(), &["hcq"]);
        let mmf = f
            .medications
            .iter_mut()
            .find(|m| m.source.id == "mmf")
            .unwrap();
        mmf.start = Some(start);
        let m = eval(T000, &f);
        let c = crit(&m, CRIT);
        assert_eq!(c.status, want, "mycophenolate from {start}: {c:#?}");
        // Met, it is met in part: the failure to respond is left to confirm.
        assert_eq!(c.partial, want == Status::Met);
    }
}

/// NCT06946485 inclusion 4: "Failure to respond to conventional therapy or
/// disease relapse after remission". A patient on 10 mg/day prednisone who
/// failed rituximab has had no "conventional therapy" as the criterion
/// defines it, but may have relapsed after remission: undecided, never not
/// met.
#[test]
fn a_failing_branch_beside_an_alternative_to_confirm_is_unknown() {
    let mut f = without(base(), &["pred-high", "cyc"]);
    f.medications.push(medication(
        "rtx",
        vec![code(ATC, "L01FA01")],
        "rituximab",
        d("2025-01-10"),
        Some(d("2025-01-24")),
    ));
    let m = eval(T000, &f);
    let c = crit(&m, "Failure to respond to conventional therapy");
    assert_eq!(c.status, Status::Unknown, "{c:#?}");
    assert_ne!(m.verdict, Verdict::Ineligible);
    assert!(
        c.missing
            .iter()
            .any(|x| x.contains("disease relapse after remission")),
        "{:?}",
        c.missing
    );
}

/// NCT07331467 exclusion 3: "Uncontrollable infection or active infection
/// that requires systemic treatment within 3 months prior to screening".
#[test]
fn an_infection_counts_when_it_required_systemic_treatment() {
    const CRIT: &str = "Uncontrollable infection or active infection";
    let pneumonia = |onset| condition("pneu", vec![code(SNOMED, "233604007")], "Pneumonia", onset);
    let amoxicillin = |start| {
        medication(
            "amox",
            vec![code(ATC, "J01CA04")],
            "amoxicillin",
            start,
            Some(start.checked_add(jiff::Span::new().days(7)).unwrap()),
        )
    };
    // An infection without systemic treatment: not excluded by it (the
    // "uncontrollable infection" alternative is left to confirm).
    let mut f = base();
    f.conditions.push(pneumonia(days_ago(30)));
    let c = crit(&eval(T003, &f), CRIT).clone();
    assert_eq!((c.status, c.partial), (Status::NotMet, true), "{c:#?}");
    // With a systemic antibiotic: excluded.
    f.medications.push(amoxicillin(days_ago(30)));
    let m = eval(T003, &f);
    assert_eq!(crit(&m, CRIT).status, Status::Met);
    assert_eq!(m.verdict, Verdict::Ineligible);
    // Both four months ago: outside the window.
    let mut f = base();
    f.conditions.push(pneumonia(months_ago(4)));
    f.conditions[1].abatement = Some(d("2026-08-01"));
    f.medications.push(amoxicillin(months_ago(4)));
    assert_ne!(crit(&eval(T003, &f), CRIT).status, Status::Met);
}

/// ELIGO-7DC38438B394 exclusion 25: "History of ≥grade 2 bleeding within 4
/// weeks prior to screening or need for long-term continuous anticoagulant
/// therapy": an anticoagulant taken now, not one stopped three weeks ago.
#[test]
fn long_term_anticoagulant_therapy_is_one_taken_now() {
    const CRIT: &str = "History of ≥grade 2 bleeding";
    let warfarin = |end| {
        medication(
            "warf",
            vec![code(ATC, "B01AA03")],
            "warfarin",
            d("2026-01-10"),
            end,
        )
    };
    let mut f = base();
    f.medications.push(warfarin(Some(days_ago(21))));
    let m = eval(T002, &f);
    assert_eq!(crit(&m, CRIT).status, Status::NotMet);
    assert_ne!(m.verdict, Verdict::Ineligible);
    let mut f = base();
    f.medications.push(warfarin(None));
    let m = eval(T002, &f);
    assert_eq!(crit(&m, CRIT).status, Status::Met);
    assert_eq!(m.verdict, Verdict::Ineligible);
}

/// NCT07031713 exclusion 16: "Suffering from malignant tumors within 2 years
/// prior to signing the ICF. Except for the following situations: ...,
/// local prostate cancer, ...": a prostate cancer is excepted only if it is
/// local, which no record codes; another cancer excludes.
#[test]
fn local_prostate_cancer_is_an_exception_to_confirm() {
    const CRIT: &str = "Suffering from malignant tumors";
    let mut f = patient("20-male.json");
    f.conditions.push(condition(
        "pca",
        vec![code(SNOMED, "399068003"), code(ICD10CM, "C61")],
        "Prostate cancer",
        d("2025-06-01"),
    ));
    let m = eval(T004, &f);
    let c = crit(&m, CRIT);
    assert_eq!(c.status, Status::Unknown, "{c:#?}");
    assert_eq!(m.verdict, Verdict::Unknown);
    assert!(
        c.missing
            .iter()
            .any(|x| x.contains("local prostate cancer")),
        "{:?}",
        c.missing
    );
    let mut f = patient("20-male.json");
    f.conditions.push(condition(
        "lung",
        vec![code(ICD10CM, "C34.90")],
        "Lung cancer",
        d("2025-06-01"),
    ));
    let m = eval(T004, &f);
    assert_eq!(crit(&m, CRIT).status, Status::Met);
    assert_eq!(m.verdict, Verdict::Ineligible);
}

/// NCT06946485 exclusion 12: "Participation in other clinical trials within
/// 3 months prior to enrollment": any other trial or study, not only an
/// interventional one.
#[test]
fn other_clinical_trials_are_any_trial_or_study() {
    const CRIT: &str = "Participation in other clinical trials";
    for (on, want) in [
        (months_ago(3), Status::Met),
        (yesterday_of(months_ago(3)), Status::NotMet),
    ] {
        let mut f = base();
        f.procedures.push(procedure(
            "study",
            vec![],
            "Enrolled in an observational research study",
            on,
        ));
        assert_eq!(crit(&eval(T000, &f), CRIT).status, want, "{on}");
    }
}

/// MATCHING.md rule 12: the trial's condition is an inclusion criterion of
/// its own, met by the condition or a narrower one, not a broader one.
#[test]
fn the_trial_is_for_its_condition() {
    // No SLE: every seed trial is for SLE.
    let f = without(base(), &["sle"]);
    for id in [T000, T002, T003, T004] {
        let m = eval(id, &f);
        let c = m
            .criteria
            .iter()
            .find(|c| c.field.as_deref() == Some("conditions"))
            .unwrap();
        assert_eq!(c.status, Status::NotMet, "{id}");
        assert_eq!(m.verdict, Verdict::Ineligible, "{id}");
    }
    // Lupus nephritis is a form of SLE: it satisfies the condition.
    let mut f = without(base(), &["sle"]);
    f.conditions.push(condition(
        "ln",
        vec![code(SNOMED, "68815009")],
        "Lupus nephritis",
        d("2019-06-01"),
    ));
    let m = eval(T000, &f);
    assert_eq!(crit(&m, "Systemic Lupus Erythematosus").status, Status::Met);
    // The reverse: a trial for lupus nephritis is not met by SLE alone.
    let mut t = Trial {
        id: "LN".into(),
        brief_title: "A lupus nephritis trial".into(),
        conditions: vec!["Lupus Nephritis".into()],
        ..Trial::default()
    };
    t.eligibility.criteria = Some("Inclusion Criteria:\n* Age 18 years or older".into());
    let c = eligo_criteria::compile_trial(&t);
    let m = evaluate(&t, &c, &base(), day());
    assert_eq!(crit(&m, "Lupus Nephritis").status, Status::NotMet);
    assert_eq!(m.verdict, Verdict::Ineligible);
    // A condition eligo does not recognise is unknown, with the reason, and
    // found by name when a record names it so.
    t.conditions = vec!["Rare Disease X".into()];
    let c = eligo_criteria::compile_trial(&t);
    let m = evaluate(&t, &c, &base(), day());
    assert_eq!(crit(&m, "Rare Disease X").status, Status::Unknown);
    assert_eq!(m.verdict, Verdict::Unknown);
    assert!(m.missing.iter().any(|x| x.contains("Rare Disease X")));
    let mut f = base();
    f.conditions.push(condition(
        "rdx",
        vec![],
        "Rare disease X (disorder)",
        d("2020-01-01"),
    ));
    let m = evaluate(&t, &c, &f, day());
    assert_eq!(crit(&m, "Rare Disease X").status, Status::Met);
    // A trial that accepts healthy volunteers has no such criterion.
    t.eligibility.healthy_volunteers = Some(true);
    let c = eligo_criteria::compile_trial(&t);
    assert!(
        c.criteria
            .iter()
            .all(|c| c.field.as_deref() != Some("conditions"))
    );
}

/// MATCHING.md rule 12: NCT06604689 is for NSCLC with brain metastases and
/// excludes "central nervous system disease" meant as other disease.
#[test]
fn an_exclusion_never_excludes_the_trials_own_condition() {
    const CRIT: &str = "Uncontrolled epilepsy, central nervous system disease";
    let mut f = base();
    f.conditions.push(condition(
        "nsclc",
        vec![code(SNOMED, "254637007")],
        "Non-small cell lung cancer",
        d("2025-03-01"),
    ));
    f.conditions.push(condition(
        "mets",
        vec![code(SNOMED, "94225005")],
        "Secondary malignant neoplasm of brain",
        d("2025-03-01"),
    ));
    let m = eval("NCT06604689", &f);
    let c = crit(&m, CRIT);
    assert_ne!(c.status, Status::Met, "{c:#?}");
    assert!(
        c.evidence.iter().any(|e| e
            .computation
            .as_deref()
            .is_some_and(|x| x.contains("trial is for"))),
        "{:#?}",
        c.evidence
    );
    // Another CNS disease still excludes.
    f.conditions.push(condition(
        "ms",
        vec![code(SNOMED, "23853001")],
        "Disorder of the central nervous system",
        d("2024-03-01"),
    ));
    assert_eq!(crit(&eval("NCT06604689", &f), CRIT).status, Status::Met);
    // An exclusion naming a form of the trial's condition still applies:
    // NPSLE in an SLE trial.
    let mut f = base();
    f.conditions.push(condition(
        "np",
        vec![],
        "Neuropsychiatric lupus",
        d("2025-03-01"),
    ));
    assert_eq!(
        crit(&eval(T000, &f), "Presence of neuropsychiatric lupus").status,
        Status::Met
    );
}

/// MATCHING.md rule 13: NCT07031713's "5.5 Pre cleaning standard" items are
/// assessments before lymphodepletion, never enrolment criteria.
#[test]
fn groups_outside_enrolment_never_decide() {
    let m = eval(T004, &base());
    let group: Vec<&CriterionResult> = m.criteria.iter().filter(|c| c.group.is_some()).collect();
    assert_eq!(group.len(), 8);
    let in_group = |i: &usize| m.criteria[*i].group.is_some();
    assert!(!m.deciding.iter().any(in_group));
    assert!(
        !m.to_confirm
            .iter()
            .any(|t| t.contains("Serious abnormalities in heart, lung, liver, kidney")),
        "{:?}",
        m.to_confirm
    );
    let n = &m.counts;
    assert_eq!(
        n.verified + n.in_part + n.unknown + n.to_confirm,
        m.criteria.len() - 8
    );
}

/// Verdicts say how much was verified.
#[test]
fn verdicts_count_what_was_verified() {
    let m = eval(T000, &base());
    assert_eq!(m.verdict, Verdict::Eligible);
    let n = m.counts;
    assert!(
        n.in_part >= 1 && n.to_confirm >= 1 && n.verified >= 10,
        "{n:?}"
    );
    assert_eq!(
        n.verified + n.in_part + n.unknown + n.to_confirm,
        m.criteria.len()
    );
    // Inclusion 4 is met in part, so the words are "may be eligible".
    assert!(!m.inclusions_verified());
    assert_eq!(
        eligo_matcher::explain::verdict_phrase(&m),
        "may be eligible"
    );
    // A met-in-part criterion is never shown as plainly met.
    let c = crit(&m, "Failure to respond to conventional therapy");
    assert_eq!(eligo_matcher::explain::status_words(c), "met in part");
}

/// Issue 17 item 12: an impossible body weight or creatinine (0) is not
/// used, and said so; it never decides a verdict.
#[test]
fn a_zero_body_weight_is_not_used() {
    let mut f = base();
    for o in &mut f.observations {
        if o.source.id == "weight" {
            o.value = Some(quantity("0", "kg"));
        }
    }
    let m = eval(T000, &f);
    // Cockcroft-Gault needs a weight: unknown, never 0 mL/min.
    let c = crit(&m, "Adequate organ function");
    assert_eq!(c.status, Status::Unknown, "{c:#?}");
    assert_eq!(m.verdict, Verdict::Unknown);
    assert!(
        m.missing.iter().any(|x| x.contains("body weight")),
        "{:?}",
        m.missing
    );
    let notes = eligo_matcher::unusable(&f, day());
    assert!(
        notes
            .iter()
            .any(|n| n.source.as_ref().is_some_and(|s| s.id == "weight")
                && n.reason.contains("impossible")),
        "{notes:?}"
    );
    // A zero serum creatinine likewise.
    let mut f = base();
    for o in &mut f.observations {
        if o.source.id == "creat" {
            o.value = Some(quantity("0", "mg/dL"));
        }
    }
    assert_eq!(
        crit(&eval(T000, &f), "Adequate organ function").status,
        Status::Unknown
    );
}
