//! A questionnaire's open world (MATCHING.md rule 10): only an explicit
//! "No" makes a history item absent. The same facts in a health record's
//! closed world (rule 3) read absence as absence.

use crate::*;
use eligo_model::fact::{Denial, HistoryKind, World};

fn open(mut f: PatientFacts) -> PatientFacts {
    f.world = World::Open;
    f
}

fn deny(f: &mut PatientFacts, kind: HistoryKind, key: &str) {
    f.denied.push(Denial {
        kind,
        key: key.into(),
        source: SourceRef {
            resource_type: "QuestionnaireResponse".into(),
            id: format!("dx-{key}"),
        },
    });
}

const NPSLE: &str = "Presence of neuropsychiatric lupus";

#[test]
fn not_answered_is_unknown_in_a_questionnaire_and_absent_in_a_record() {
    // The refractory-SLE woman has no NPSLE in her record.
    let closed = base();
    assert_eq!(crit(&eval(T000, &closed), NPSLE).status, Status::NotMet);
    let m = eval(T000, &open(base()));
    let c = crit(&m, NPSLE);
    assert_eq!(c.status, Status::Unknown, "{c:#?}");
    assert!(
        m.missing.iter().any(|x| x.contains("neuropsychiatric")),
        "{:?}",
        m.missing
    );
    assert_ne!(m.verdict, Verdict::Ineligible);
}

#[test]
fn no_is_absent_and_the_evidence_cites_the_answer() {
    let mut f = open(base());
    deny(&mut f, HistoryKind::Condition, "npsle");
    let m = eval(T000, &f);
    let c = crit(&m, NPSLE);
    assert_eq!(c.status, Status::NotMet);
    let ev = &c.results[0].evidence;
    assert!(
        ev.iter().any(|e| e
            .source
            .as_ref()
            .is_some_and(|s| s.id == "dx-npsle" && s.resource_type == "QuestionnaireResponse")),
        "{ev:#?}"
    );
}

#[test]
fn no_to_a_broader_condition_denies_its_narrower_forms() {
    // SLE's narrower forms include NPSLE (vocabulary); saying No to a CNS
    // disorder denies NPSLE too, not the reverse.
    let mut f = open(base());
    deny(&mut f, HistoryKind::Condition, "cns_disorder");
    assert_eq!(crit(&eval(T000, &f), NPSLE).status, Status::NotMet);
    let mut g = open(PatientFacts {
        id: "p".into(),
        ..PatientFacts::default()
    });
    deny(&mut g, HistoryKind::Condition, "npsle");
    let m = eval(T000, &g);
    let sle = m
        .criteria
        .iter()
        .find(|c| c.text.contains("SLE") && c.kind == eligo_model::rule::CriterionKind::Inclusion)
        .unwrap();
    assert_eq!(
        sle.status,
        Status::Unknown,
        "No to NPSLE says nothing of SLE"
    );
}

#[test]
fn an_empty_questionnaire_rules_no_sample_trial_out() {
    let empty = open(PatientFacts {
        id: "prescreen".into(),
        ..PatientFacts::default()
    });
    for (t, c) in reg() {
        let m = evaluate(t, c, &empty, day());
        assert_ne!(
            m.verdict,
            Verdict::Ineligible,
            "{}: {:#?}",
            t.id,
            m.criteria
                .iter()
                .filter(|c| c.status == Status::NotMet)
                .collect::<Vec<_>>()
        );
    }
}
