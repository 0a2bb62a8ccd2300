//! The questionnaire over the sample registry: what it asks, the facts its
//! answers make, and that the matcher decides them as it decides a record.

use eligo_model::fact::systems::ELIGO_SCORE;
use eligo_model::fact::{ClinicalStatus, Gender, ObservationValue};
use eligo_model::rule::CompiledCriteria;
use eligo_model::{Date, Quantity};
use eligo_questionnaire::*;
use rust_decimal::Decimal;

fn vocab() -> &'static eligo_vocab::Vocabulary {
    eligo_vocab::vocabulary()
}

use eligo_model::Trial;
use eligo_model::evidence::{Status, Verdict};

fn sample(id: &str) -> (Trial, CompiledCriteria) {
    let t = eligo_ctgov::sample_registry()
        .into_iter()
        .map(|r| r.trial)
        .find(|t| t.id == id)
        .expect("sample trial");
    let c = eligo_criteria::compile_trial(&t);
    (t, c)
}

fn as_of() -> Date {
    "2026-03-01".parse().unwrap()
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    Answers(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn ids(q: &Questionnaire) -> Vec<&str> {
    q.questions.iter().map(|q| q.id.as_str()).collect()
}

#[test]
fn questionnaire_asks_what_the_criteria_need() {
    let (_, c) = sample("NCT06946485");
    let q = questionnaire(&c);
    let ids = ids(&q);
    for want in [
        "age",
        "sex",
        "dx-sle",
        "dx-npsle",
        "score-sledai-2k",
        "bilag",
        "med-glucocorticoid",
        "med-cyclophosphamide",
        "lab-alt",
        "lab-crcl",
        "lab-creatinine",
        "lab-body_weight",
        "res-hbsag",
        "allergy-drug",
        "trial",
        "preg-pregnant",
        "preg-test",
    ] {
        assert!(ids.contains(&want), "{want} missing from {ids:?}");
    }
    // Asked once each, whatever the number of rules naming it.
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len());
    let alt = q.questions.iter().find(|x| x.id == "lab-alt").unwrap();
    assert!(
        matches!(alt.kind, Kind::Lab { ask_uln: true, .. }),
        "ALT ≤ 3 × ULN asks for the ULN"
    );
    let creat = q
        .questions
        .iter()
        .find(|x| x.id == "lab-creatinine")
        .unwrap();
    let Kind::Lab { units, .. } = &creat.kind else {
        panic!()
    };
    assert_eq!(
        units,
        &["umol/L".to_string(), "mg/dL".to_string()],
        "creatinine in µmol/L or mg/dL"
    );
    let gc = q
        .questions
        .iter()
        .find(|x| x.id == "med-glucocorticoid")
        .unwrap();
    let Kind::Medication {
        choices, ask_dose, ..
    } = &gc.kind
    else {
        panic!()
    };
    assert!(*ask_dose);
    assert!(
        choices.iter().any(|c| c.value == "prednisone"),
        "{choices:?}"
    );
}

#[test]
fn every_question_of_every_sample_trial_offers_dont_know() {
    for r in eligo_ctgov::sample_registry() {
        let c = eligo_criteria::compile_trial(&r.trial);
        for q in questionnaire(&c).questions {
            let fields = q.fields();
            let offered = fields.iter().any(|f| {
                matches!(f.input, Input::DontKnow)
                    || f.input.choices().iter().any(|c| c.value == DONT_KNOW)
            });
            assert!(offered, "{} {}: no \"I don't know\"", r.trial.id, q.id);
            if let Kind::Bilag = q.kind {
                assert!(
                    fields
                        .iter()
                        .filter(|f| f.input.choices().iter().any(|c| c.value == DONT_KNOW))
                        .count()
                        == 9
                );
            }
        }
    }
}

#[test]
fn dont_know_makes_no_fact() {
    let (_, c) = sample("NCT06946485");
    let q = questionnaire(&c);
    let all: Vec<(String, String)> = q
        .questions
        .iter()
        .flat_map(|x| x.fields())
        .filter(|f| {
            matches!(f.input, Input::DontKnow)
                || f.input.choices().iter().any(|c| c.value == DONT_KNOW)
        })
        .map(|f| (f.name, DONT_KNOW.to_string()))
        .collect();
    let a = Answers::from_pairs(&q, all.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
    let out = facts(&q, &a, as_of()).unwrap();
    let f = &out.facts;
    assert!(f.birth_date.is_none() && f.gender.is_none());
    assert!(f.conditions.is_empty() && f.observations.is_empty() && f.medications.is_empty());
    assert!(f.procedures.is_empty() && f.immunizations.is_empty() && f.allergies.is_empty());
    assert_eq!(out.dont_know.len(), q.questions.len());
}

#[test]
fn answers_become_coded_facts() {
    let (_, c) = sample("NCT06946485");
    let q = questionnaire(&c);
    let a = answers(&[
        ("age.age", "34"),
        ("sex.answer", "female"),
        ("dx-sle.answer", "current"),
        ("dx-sle.onset", "2019-05-01"),
        ("score-sledai-2k.value", "8"),
        ("score-sledai-2k.date", "2026-02-20"),
        ("lab-alt.value", "50"),
        ("lab-alt.unit", "U/L"),
        ("lab-alt.uln", "40"),
        ("lab-alt.date", "2026-02-20"),
        ("lab-creatinine.value", "1,1"),
        ("lab-creatinine.unit", "mg/dL"),
        ("med-glucocorticoid.answer", "now"),
        ("med-glucocorticoid.which", "prednisone"),
        ("med-glucocorticoid.dose", "60"),
        ("med-glucocorticoid.start", "2025-01-10"),
        ("bilag.renal", "A"),
        ("bilag.date", "2026-02-20"),
        ("res-hbsag.answer", "negative"),
        ("trial.answer", "past"),
        ("trial.date", "2025-12-01"),
    ]);
    let f = facts(&q, &a, as_of()).unwrap().facts;
    assert_eq!(
        f.birth_date,
        Some("1992-03-01".parse().unwrap()),
        "34 completed years on the as-of date"
    );
    assert_eq!(f.gender, Some(Gender::Female));
    let sle = &f.conditions[0];
    assert!(
        vocab().condition_matches("sle", &sle.codes, None),
        "coded: {:?}",
        sle.codes
    );
    assert_eq!(sle.clinical_status, Some(ClinicalStatus::Active));
    assert_eq!(sle.onset, Some("2019-05-01".parse().unwrap()));
    assert_eq!(sle.source.resource_type, SOURCE_TYPE);
    let obs = |id: &str| f.observations.iter().find(|o| o.source.id == id).unwrap();
    let sledai = obs("score-sledai-2k");
    assert_eq!(sledai.codes[0].system, ELIGO_SCORE);
    assert_eq!(sledai.codes[0].code, "sledai-2k");
    let alt = obs("lab-alt");
    assert!(vocab().analyte_matches("alt", &alt.codes, None));
    assert_eq!(
        alt.reference_range.as_ref().unwrap().high,
        Some(Quantity::new(Decimal::from(40), "U/L"))
    );
    let cr = obs("lab-creatinine");
    assert_eq!(
        cr.value,
        Some(ObservationValue::Quantity {
            quantity: Quantity::new("1.1".parse().unwrap(), "mg/dL")
        })
    );
    let renal = obs("bilag.renal").codes[0].code.clone();
    assert_eq!(renal, "bilag-2004-renal");
    let pred = &f.medications[0];
    assert!(
        vocab().medication_matches("glucocorticoid", &pred.codes, None),
        "{:?}",
        pred.codes
    );
    assert_eq!(
        vocab().prednisone_factor(&pred.codes, None),
        Some(Decimal::ONE)
    );
    assert_eq!(pred.dose, Some(Quantity::new(Decimal::from(60), "mg/d")));
    assert_eq!(pred.status.as_deref(), Some("active"));
    assert_eq!(f.procedures[0].codes[0].code, "428024001");
}

#[test]
fn problems_name_their_fields() {
    let (_, c) = sample("NCT06946485");
    let q = questionnaire(&c);
    let a = answers(&[
        ("age.birth_date", "1990-02-30"),
        ("dx-sle.answer", "current"),
        ("dx-sle.onset", "2099-01-01"),
        ("score-sledai-2k.value", "300"),
        ("lab-alt.value", "ten"),
        ("lab-creatinine.value", "1"),
        ("lab-creatinine.unit", "furlongs"),
        ("sex.answer", "robot"),
    ]);
    let problems = facts(&q, &a, as_of()).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    for f in [
        "age.birth_date",
        "dx-sle.onset",
        "score-sledai-2k.value",
        "lab-alt.value",
        "lab-creatinine.unit",
        "sex.answer",
    ] {
        assert!(fields.contains(&f), "{f} not blamed in {problems:?}");
    }
    // Names that are no question's fields are dropped, long values refused.
    let kept = Answers::from_pairs(&q, [("nope.answer", "x"), ("sex.answer", "female")]).unwrap();
    assert_eq!(kept.0.len(), 1);
    let long = "x".repeat(500);
    assert!(Answers::from_pairs(&q, [("sex.answer", long.as_str())]).is_err());
}

#[test]
fn no_to_history_is_absent_and_the_matcher_agrees() {
    let (t, c) = sample("NCT06946485");
    let q = questionnaire(&c);
    let a = answers(&[
        ("dx-npsle.answer", "no"),
        ("dx-ttp.answer", "no"),
        ("dx-tma.answer", "no"),
    ]);
    let out = facts(&q, &a, as_of()).unwrap();
    assert!(out.facts.conditions.is_empty(), "no fact for \"no\"");
    let m = eligo_matcher::evaluate(&t, &c, &out.facts, as_of());
    let npsle = m
        .criteria
        .iter()
        .find(|r| r.text.contains("NPSLE"))
        .unwrap();
    assert_eq!(npsle.status, Status::NotMet, "closed world: not excluded");
}

#[test]
fn same_decision_as_eligo_match_on_the_same_facts() {
    let (t, c) = sample("NCT06946485");
    let q = questionnaire(&c);
    let base = [
        ("age.birth_date", "1990-06-15"),
        ("sex.answer", "male"),
        ("dx-sle.answer", "current"),
        ("score-sledai-2k.date", "2026-02-20"),
    ];
    let mut high: Vec<(&str, &str)> = base.to_vec();
    high.push(("score-sledai-2k.value", "8"));
    let mut low: Vec<(&str, &str)> = base.to_vec();
    low.push(("score-sledai-2k.value", "4"));
    let sledai = |m: &eligo_model::TrialMatch| {
        m.criteria
            .iter()
            .find(|r| r.text.contains("SLEDAI"))
            .unwrap()
            .status
    };
    for (pairs, want) in [(&high, Status::Met), (&low, Status::NotMet)] {
        let out = facts(&q, &answers(pairs), as_of()).unwrap();
        let m = eligo_matcher::evaluate(&t, &c, &out.facts, as_of());
        assert_eq!(sledai(&m), want);
        // `eligo match` reads a record; eligo's plain patient JSON of these
        // facts reads back to the same facts and the same decision.
        let json = serde_json::to_string(&out.facts).unwrap();
        let read = eligo_fhir::read_bundle(&json).unwrap();
        assert_eq!(read, out.facts);
        assert_eq!(eligo_matcher::evaluate(&t, &c, &read, as_of()), m);
        if want == Status::NotMet {
            assert_eq!(m.verdict, Verdict::Ineligible);
        }
    }
}

/// Every field's "I don't know" (or blank) for the whole questionnaire.
fn all_dont_know(q: &Questionnaire) -> Answers {
    let all: Vec<(String, String)> = q
        .questions
        .iter()
        .flat_map(|x| x.fields())
        .filter(|f| {
            matches!(f.input, Input::DontKnow)
                || f.input.choices().iter().any(|c| c.value == DONT_KNOW)
        })
        .map(|f| (f.name, DONT_KNOW.to_string()))
        .collect();
    Answers::from_pairs(q, all.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap()
}

#[test]
fn dont_know_everywhere_and_an_empty_form_never_rule_out() {
    // MATCHING.md rule 10: only "No" means no. Over every sample trial.
    for r in eligo_ctgov::sample_registry() {
        let c = eligo_criteria::compile_trial(&r.trial);
        let q = questionnaire(&c);
        for answers in [all_dont_know(&q), Answers::default()] {
            let out = facts(&q, &answers, as_of()).unwrap();
            assert!(out.facts.denied.is_empty());
            let m = eligo_matcher::evaluate(&r.trial, &c, &out.facts, as_of());
            assert_ne!(
                m.verdict,
                Verdict::Ineligible,
                "{}: {:#?}",
                r.trial.id,
                m.criteria
                    .iter()
                    .filter(|c| c.status == Status::NotMet)
                    .collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn the_lupus_patient_who_answers_only_age_sex_and_lupus_is_not_rejected() {
    // Issue 21, item 1: a 30-year-old woman with SLE, "I don't know" to the rest.
    let (t, c) = sample("NCT06946485");
    let q = questionnaire(&c);
    let mut a = all_dont_know(&q);
    a.0.remove("age.answer");
    a.0.insert("age.age".into(), "30".into());
    a.0.insert("sex.answer".into(), "female".into());
    a.0.insert("dx-sle.answer".into(), "current".into());
    let out = facts(&q, &a, as_of()).unwrap();
    let m = eligo_matcher::evaluate(&t, &c, &out.facts, as_of());
    assert_eq!(m.verdict, Verdict::Unknown);
    let sle = m
        .criteria
        .iter()
        .find(|r| r.text.contains("SLE") && r.kind == eligo_model::rule::CriterionKind::Inclusion)
        .unwrap();
    assert_ne!(sle.status, Status::NotMet, "{sle:#?}");
    // "I don't know" to NPSLE leaves that exclusion undecided, not "does not apply".
    let npsle = m
        .criteria
        .iter()
        .find(|r| r.text.contains("NPSLE"))
        .unwrap();
    assert_eq!(npsle.status, Status::Unknown);
    // "I don't know" to "told you have SLE?" does not make the criterion not met.
    let mut b = a.clone();
    b.0.insert("dx-sle.answer".into(), DONT_KNOW.into());
    let out = facts(&q, &b, as_of()).unwrap();
    let m = eligo_matcher::evaluate(&t, &c, &out.facts, as_of());
    assert_ne!(m.verdict, Verdict::Ineligible);
}

#[test]
fn the_main_answer_reads_in_three_states() {
    let (_, c) = sample("NCT06946485");
    let q = questionnaire(&c);
    let sle = q.questions.iter().find(|x| x.id == "dx-sle").unwrap();
    let age = q.questions.iter().find(|x| x.id == "age").unwrap();
    assert_eq!(answers(&[]).answer(sle), Answer::DontKnow);
    assert_eq!(
        answers(&[("dx-sle.answer", DONT_KNOW)]).answer(sle),
        Answer::DontKnow
    );
    assert_eq!(answers(&[("dx-sle.answer", "no")]).answer(sle), Answer::No);
    assert_eq!(
        answers(&[("dx-sle.answer", "current")]).answer(sle),
        Answer::Yes
    );
    assert_eq!(answers(&[("age.age", "30")]).answer(age), Answer::Yes);
    // "No" becomes a denial the matcher can cite; "I don't know" does not.
    let out = facts(&q, &answers(&[("dx-sle.answer", "no")]), as_of()).unwrap();
    assert_eq!(out.facts.denied.len(), 1);
    assert_eq!(out.facts.denied[0].key, "sle");
    assert_eq!(out.facts.world, eligo_model::fact::World::Open);
}
