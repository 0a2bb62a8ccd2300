//! The questionnaire over the sample registry: what it asks, the facts its
//! answers make, and that the matcher decides them as it decides a record.

use eligo_model::fact::systems::ELIGO_SCORE;
use eligo_model::fact::{ClinicalStatus, Gender, ObservationValue};
use eligo_model::rule::CompiledCriteria;
use eligo_model::{Date, Quantity};
use eligo_questionnaire::*;
use eligo_questionnaire::{Choice, Problem};
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

#[test]
fn every_trial_that_needs_a_condition_asks_it_first() {
    // MATCHING.md rule 12, over the sample registry.
    let mut checked = 0;
    for r in eligo_ctgov::sample_registry() {
        let t = &r.trial;
        if t.partial
            || t.eligibility.healthy_volunteers == Some(true)
            || t.conditions.iter().all(|c| c.trim().is_empty())
        {
            continue;
        }
        let q = questionnaire(&eligo_criteria::compile_trial(t));
        let first = &q.questions[0];
        assert!(first.own_condition, "{}: first asks {:?}", t.id, first.text);
        let Kind::Condition { label, .. } = &first.kind else {
            panic!("{}: {first:?}", t.id)
        };
        assert!(
            t.conditions.iter().any(|c| c.trim() == label),
            "{}: asks {label:?}, the record lists {:?}",
            t.id,
            t.conditions
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} trials checked");
}

#[test]
fn a_childrens_trial_asks_the_parent_and_names_the_syndrome() {
    let (t, c) = sample("NCT07281079");
    let q = questionnaire(&c);
    assert!(q.for_child);
    let texts: Vec<&str> = q.questions.iter().map(|x| x.text.as_str()).collect();
    assert!(
        texts[0].starts_with("Has your child been diagnosed with")
            && texts[0].contains(t.conditions[0].trim()),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|x| x.contains("your child's date of birth")),
        "{texts:?}"
    );
    for x in &texts {
        assert!(!x.contains(" you "), "{x}");
    }
}

/// Is any of `names` in `text`, as a phrase or word by word (criteria
/// coordinate: "drug or alcohol abuse" names drug abuse)?
fn names_any(text: &str, names: &[String]) -> bool {
    names.iter().any(|n| {
        n.len() >= 2
            && (eligo_vocab::contains_phrase(text, n)
                || n.split_whitespace()
                    .all(|w| eligo_vocab::contains_phrase(text, w)))
    })
}

/// Concepts the criteria compiler reads from a paraphrase, with the words
/// that name them in criteria: "infection that requires systemic
/// treatment" is about anti-infective medicines.
const PARAPHRASES: &[(&str, &str)] = &[("anti_infective", "infection")];

#[test]
fn no_question_asks_about_a_concept_absent_from_the_trials_criteria() {
    let v = vocab();
    let mut bad = Vec::new();
    for r in eligo_ctgov::sample_registry() {
        let t = &r.trial;
        let c = eligo_criteria::compile_trial(t);
        let all: String = c
            .criteria
            .iter()
            .map(|x| x.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        for q in questionnaire(&c).questions {
            assert!(!q.criteria.is_empty(), "{} {}", t.id, q.id);
            let cited: String = q
                .criteria
                .iter()
                .map(|n| c.criteria[n - 1].text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let (names, choices): (Vec<String>, Vec<Choice>) = match &q.kind {
                Kind::Condition { concept, label, .. } => {
                    let mut n = vec![label.clone()];
                    if let Some(x) = v.condition(concept) {
                        n.extend(x.synonyms.iter().cloned());
                        n.push(x.label.clone());
                    }
                    (n, vec![])
                }
                Kind::Medication { agent, choices, .. } => {
                    let mut n = vec![agent.replace('_', " ")];
                    n.extend(
                        PARAPHRASES
                            .iter()
                            .filter(|(k, _)| k == agent)
                            .map(|(_, w)| w.to_string()),
                    );
                    if let Some(m) = v.medication(agent) {
                        n.extend(m.synonyms.iter().cloned());
                        n.push(m.label.clone());
                    }
                    (n, choices.clone())
                }
                Kind::Procedure { concept, label } => {
                    let mut n = vec![label.clone()];
                    if let Some(x) = v.procedure(concept) {
                        n.extend(x.synonyms.iter().cloned());
                    }
                    (n, vec![])
                }
                _ => continue,
            };
            if !(names_any(&cited, &names) || names_any(&all, &names)) {
                bad.push(format!("{} asks {:?}", t.id, q.text));
            }
            // Choices of agents come from the trial's text, except the
            // glucocorticoids a prednisone-equivalent dose needs.
            let pred =
                matches!(&q.kind, Kind::Medication { agent, .. } if agent == "glucocorticoid");
            if !pred {
                for ch in choices {
                    let m = v.medication(&ch.value).unwrap();
                    let n: Vec<String> = m.synonyms.iter().chain([&m.label]).cloned().collect();
                    if !names_any(&all, &n) {
                        bad.push(format!("{} offers {:?}", t.id, ch.label));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The sample trial with a haemoglobin, white-cell and creatinine question.
fn with_labs() -> Questionnaire {
    for r in eligo_ctgov::sample_registry() {
        let c = eligo_criteria::compile_trial(&r.trial);
        let q = questionnaire(&c);
        let has = |id: &str| q.questions.iter().any(|x| x.id == id);
        if has("lab-hemoglobin") && has("lab-wbc") {
            return q;
        }
    }
    panic!("no sample trial asks haemoglobin and white cells")
}

fn problem_of<'a>(p: &'a [Problem], field: &str) -> Option<&'a Problem> {
    p.iter().find(|x| x.field == field)
}

#[test]
fn implausible_lab_values_are_questioned_with_the_likely_unit() {
    let q = with_labs();
    // 13 g/L haemoglobin: 13 g/dL is what the patient meant.
    let p = facts(
        &q,
        &answers(&[
            ("lab-hemoglobin.value", "13"),
            ("lab-hemoglobin.unit", "g/L"),
        ]),
        as_of(),
    )
    .unwrap_err();
    let m = &problem_of(&p, "lab-hemoglobin.value").unwrap().message;
    assert!(m.contains("13 g/L") && m.contains("g/dL"), "{m}");
    // 6000 ×10⁹/L white cells: 6000 cells/µL.
    let p = facts(
        &q,
        &answers(&[("lab-wbc.value", "6000"), ("lab-wbc.unit", "10*9/L")]),
        as_of(),
    )
    .unwrap_err();
    let m = &problem_of(&p, "lab-wbc.value").unwrap().message;
    assert!(m.contains("×10⁹/L") && m.contains("cells/µL"), "{m}");
    // No unit chosen: the one unit in which the value is plausible.
    let f = facts(&q, &answers(&[("lab-hemoglobin.value", "13")]), as_of())
        .unwrap()
        .facts;
    assert_eq!(
        f.observations[0].value,
        Some(ObservationValue::Quantity {
            quantity: Quantity::new(Decimal::from(13), "g/dL")
        })
    );
    let f = facts(&q, &answers(&[("lab-hemoglobin.value", "130")]), as_of())
        .unwrap()
        .facts;
    assert_eq!(
        f.observations[0].value,
        Some(ObservationValue::Quantity {
            quantity: Quantity::new(Decimal::from(130), "g/L")
        })
    );
    // Plausible values in the unit chosen pass.
    assert!(
        facts(
            &q,
            &answers(&[
                ("lab-hemoglobin.value", "12.5"),
                ("lab-hemoglobin.unit", "g/dL")
            ]),
            as_of()
        )
        .is_ok()
    );
}

#[test]
fn inconsistent_answers_are_refused_by_field() {
    let (_, c) = sample("NCT06946485");
    let q = questionnaire(&c);
    let p = facts(
        &q,
        &answers(&[
            ("age.birth_date", "1996-04-02"),
            ("age.age", "50"),
            ("dx-sle.answer", "current"),
            ("dx-sle.onset", "1990-01-01"),
            ("lab-alt.value", "20"),
            ("lab-alt.date", "1900-06-01"),
        ]),
        as_of(),
    )
    .unwrap_err();
    let age = problem_of(&p, "age.age").expect("birth date vs age");
    assert!(age.message.contains("29 years"), "{}", age.message);
    assert!(
        problem_of(&p, "dx-sle.onset")
            .unwrap()
            .message
            .contains("before the date of birth")
    );
    assert!(problem_of(&p, "lab-alt.date").is_some(), "a lab dated 1900");
    let p = facts(&q, &answers(&[("age.age", "30.5")]), as_of()).unwrap_err();
    assert!(
        problem_of(&p, "age.age")
            .unwrap()
            .message
            .contains("whole years")
    );
    // A condition that ends before it starts.
    let p = facts(
        &q,
        &answers(&[
            ("dx-npsle.answer", "past"),
            ("dx-npsle.onset", "2020-01-01"),
            ("dx-npsle.end", "2019-01-01"),
        ]),
        as_of(),
    )
    .unwrap_err();
    assert!(problem_of(&p, "dx-npsle.end").is_some(), "{p:?}");
}

#[test]
fn a_past_high_dose_course_can_be_stated() {
    let (_, c) = sample("NCT06946485");
    let q = questionnaire(&c);
    let out = facts(
        &q,
        &answers(&[
            ("med-glucocorticoid.answer", "now"),
            ("med-glucocorticoid.which", "prednisone"),
            ("med-glucocorticoid.dose", "5"),
            ("med-glucocorticoid.start", "2025-06-01"),
            ("med-glucocorticoid.which2", "prednisone"),
            ("med-glucocorticoid.dose2", "60"),
            ("med-glucocorticoid.start2", "2024-01-01"),
            ("med-glucocorticoid.end2", "2024-03-01"),
        ]),
        as_of(),
    )
    .unwrap();
    let doses: Vec<_> = out
        .facts
        .medications
        .iter()
        .map(|m| m.dose.clone())
        .collect();
    assert_eq!(
        doses,
        vec![
            Some(Quantity::new(Decimal::from(5), "mg/d")),
            Some(Quantity::new(Decimal::from(60), "mg/d"))
        ]
    );
    assert_eq!(
        out.facts.medications[1].end,
        Some("2024-03-01".parse().unwrap())
    );
}
