//! Answers → patient facts, coded the way a health record codes them.

use crate::answers::{Answers, Outcome, Problem, Reader};
use crate::build::{score_code, vaccine_code};
use crate::choices::BILAG_DOMAINS;
use crate::question::{Kind, Question, Questionnaire};
use crate::{COURSES, DONT_KNOW, PATIENT_ID, SOURCE_TYPE, vocab};
use eligo_model::fact::systems::{
    ATC, CVX, ELIGO_BILAG_GRADE, ELIGO_SCORE, ICD10, LOINC, RXNORM, SNOMED,
};
use eligo_model::fact::{
    AllergyFact, ClinicalStatus, ConditionFact, Denial, Gender, HistoryKind, ImmunizationFact,
    MedicationFact, ObservationFact, ObservationValue, ProcedureFact, ReferenceRange, SourceRef,
    VerificationStatus, World,
};
use eligo_model::{Coding, Date, PatientFacts, Quantity};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

fn source(id: &str) -> SourceRef {
    SourceRef {
        resource_type: SOURCE_TYPE.to_string(),
        id: id.to_string(),
    }
}

fn coding(system: &str, code: &str, display: &str) -> Coding {
    Coding {
        system: system.to_string(),
        code: code.to_string(),
        display: Some(display.to_string()),
    }
}

/// Codes of a diagnosis concept: its first SNOMED CT id, else its first
/// ICD-10 code (when it is a full category, not a chapter letter).
fn condition_codes(concept: &str) -> (Vec<Coding>, String) {
    let v = vocab();
    let Some(c) = v.condition(concept) else {
        return (vec![], concept.replace('_', " "));
    };
    let mut codes = Vec::new();
    if let Some(s) = c.snomed.first() {
        codes.push(coding(SNOMED, s, &c.label));
    } else if let Some(i) = c.icd10.iter().find(|i| i.len() >= 3) {
        codes.push(coding(ICD10, i, &c.label));
    }
    (codes, c.label.clone())
}

fn procedure_codes(concept: &str) -> (Vec<Coding>, String) {
    let v = vocab();
    let Some(c) = v.procedure(concept) else {
        return (vec![], concept.replace('_', " "));
    };
    let codes = c
        .snomed
        .first()
        .map(|s| vec![coding(SNOMED, s, &c.label)])
        .unwrap_or_default();
    (codes, c.label.clone())
}

fn medication_codes(key: &str) -> (Vec<Coding>, String) {
    let v = vocab();
    let Some(m) = v.medication(key) else {
        return (vec![], key.replace('_', " "));
    };
    let mut codes = Vec::new();
    if let Some(a) = m.atc.first() {
        codes.push(coding(ATC, a, &m.label));
    }
    if let Some(r) = m.rxnorm.first() {
        codes.push(coding(RXNORM, r, &m.label));
    }
    if let Some(c) = m.cvx.first() {
        codes.push(coding(CVX, c, &m.label));
    }
    (codes, m.label.clone())
}

fn analyte_codes(analyte: &str) -> (Vec<Coding>, String) {
    let v = vocab();
    let Some(a) = v.analyte(analyte) else {
        return (vec![], analyte.to_string());
    };
    let codes = a
        .loinc
        .first()
        .map(|l| vec![coding(LOINC, l, &a.label)])
        .unwrap_or_default();
    (codes, a.label.clone())
}

fn observation(
    id: &str,
    codes: Vec<Coding>,
    text: String,
    value: ObservationValue,
    date: Option<Date>,
    category: &str,
) -> ObservationFact {
    ObservationFact {
        source: source(id),
        codes,
        text: Some(text),
        value: Some(value),
        reference_range: None,
        effective: date,
        comparator: None,
        interpretation: vec![],
        category: vec![category.to_string()],
        components: vec![],
    }
}

/// SNOMED CT qualifier values for test results.
fn result_value(positive: bool, detectable: bool) -> (ObservationValue, &'static str) {
    let (code, word, interp) = match (positive, detectable) {
        (true, false) => ("10828004", "Positive", "POS"),
        (false, false) => ("260385009", "Negative", "NEG"),
        (true, true) => ("260373001", "Detected", "DET"),
        (false, true) => ("260415000", "Not detected", "ND"),
    };
    (
        ObservationValue::Code {
            coding: vec![coding(SNOMED, code, word)],
            text: Some(word.to_string()),
        },
        interp,
    )
}

/// Turn the answers into facts at `as_of`. Problems (a malformed date, a
/// number out of range, a unit not offered) come back all at once, by field.
pub fn facts(q: &Questionnaire, answers: &Answers, as_of: Date) -> Result<Outcome, Vec<Problem>> {
    let mut r = Reader {
        answers,
        as_of,
        problems: Vec::new(),
    };
    // Open world (MATCHING.md rule 10): only an explicit "No" says a
    // history item is absent, and it is kept as a denial.
    let mut f = PatientFacts {
        id: PATIENT_ID.to_string(),
        world: World::Open,
        ..PatientFacts::default()
    };
    let mut dont_know = Vec::new();
    for question in &q.questions {
        if !apply(&mut r, question, &mut f) {
            dont_know.push(question.text.clone());
        }
        if answers.get(&question.id, "answer") == Some("no")
            && let Some((kind, key)) = history_item(&question.kind)
        {
            f.denied.push(Denial {
                kind,
                key,
                source: source(&question.id),
            });
        }
    }
    before_birth(q, answers, f.birth_date, &mut r.problems);
    if r.problems.is_empty() {
        Ok(Outcome {
            facts: f,
            dont_know,
        })
    } else {
        Err(r.problems)
    }
}

/// The history item a question asks about, keyed as the matcher keys it.
fn history_item(kind: &Kind) -> Option<(HistoryKind, String)> {
    Some(match kind {
        Kind::Condition { concept, .. } => (HistoryKind::Condition, concept.clone()),
        Kind::Procedure { concept, .. } => (HistoryKind::Procedure, concept.clone()),
        Kind::Medication { agent, .. } => (HistoryKind::Medication, agent.clone()),
        Kind::Vaccination { kind, .. } => (HistoryKind::Vaccination, vaccine_code(*kind).into()),
        Kind::Allergy { substance, .. } => (
            HistoryKind::Allergy,
            substance.clone().unwrap_or_else(|| "any".into()),
        ),
        Kind::TrialParticipation => (HistoryKind::TrialParticipation, "any".into()),
        Kind::Lactating => (HistoryKind::Condition, "lactation".into()),
        _ => return None,
    })
}

/// Add the facts of one question; false when the answer was "I don't know"
/// (or none).
fn apply(r: &mut Reader<'_>, q: &Question, f: &mut PatientFacts) -> bool {
    let id = q.id.as_str();
    match &q.kind {
        Kind::Age => {
            let birth = r.date(q, "birth_date");
            let age = r.number(q, "age", Decimal::ZERO, Decimal::from(130));
            if let Some(a) = age
                && a.fract() != Decimal::ZERO
            {
                r.problems.push(Problem::new(
                    &format!("{id}.age"),
                    "give the age in whole years (for example 30, not 30.5)",
                ));
            }
            if let (Some(b), Some(a)) = (birth, age) {
                let years = b
                    .until((jiff::Unit::Year, r.as_of))
                    .ok()
                    .map(|s| s.get_years());
                if years.is_some_and(|y| Decimal::from(y) != a.trunc()) {
                    r.problems.push(Problem::new(
                        &format!("{id}.age"),
                        format!(
                            "the age does not match the date of birth ({} years today): give one of them, or correct it",
                            years.unwrap_or(0)
                        ),
                    ));
                }
            }
            match (birth, age) {
                (Some(b), _) => f.birth_date = Some(b),
                (None, Some(a)) => {
                    // Exactly `a` completed years at the as-of date.
                    let years = a.trunc().to_i16().unwrap_or(0);
                    f.birth_date = r.as_of.checked_sub(jiff::Span::new().years(years)).ok();
                }
                (None, None) => return false,
            }
            true
        }
        Kind::Sex => match r.pick(q, "answer", &["female", "male", "other"]).as_deref() {
            Some("female") => {
                f.gender = Some(Gender::Female);
                true
            }
            Some("male") => {
                f.gender = Some(Gender::Male);
                true
            }
            Some(_) => {
                f.gender = Some(Gender::Other);
                true
            }
            None => false,
        },
        Kind::Condition { concept, .. } => {
            let Some(a) = r.pick(q, "answer", &["current", "past", "no"]) else {
                return false;
            };
            let onset = r.date(q, "onset");
            let end = r.date(q, "end");
            let grade = r.number(q, "grade", Decimal::ONE, Decimal::from(5));
            if a == "no" {
                return true;
            }
            if let (Some(s), Some(e)) = (onset, end)
                && e < s
            {
                r.problems.push(Problem::new(
                    &format!("{id}.end"),
                    "it ends before it starts: check both dates",
                ));
            }
            let (codes, label) = condition_codes(concept);
            let current = a == "current";
            f.conditions.push(ConditionFact {
                source: source(id),
                codes,
                text: Some(label),
                clinical_status: Some(if current {
                    ClinicalStatus::Active
                } else {
                    ClinicalStatus::Resolved
                }),
                verification_status: Some(VerificationStatus::Confirmed),
                onset,
                abatement: if current { None } else { end },
                recorded: None,
                grade: grade.and_then(|g| g.trunc().to_u8()),
            });
            true
        }
        Kind::Procedure { concept, .. } => {
            let Some(a) = r.pick(q, "answer", &["yes", "no"]) else {
                return false;
            };
            let date = r.date(q, "date");
            if a == "yes" {
                let (codes, label) = procedure_codes(concept);
                f.procedures.push(ProcedureFact {
                    source: source(id),
                    codes,
                    text: Some(label),
                    status: Some("completed".into()),
                    start: date,
                    end: date,
                });
            }
            true
        }
        Kind::Medication {
            agent,
            choices,
            routes,
            ..
        } => {
            let Some(a) = r.pick(q, "answer", &["now", "past", "no"]) else {
                return false;
            };
            let allowed: Vec<&str> = choices.iter().map(|c| c.value.as_str()).collect();
            let which = r.pick(q, "which", &allowed);
            let start = r.date(q, "start");
            let end = r.date(q, "end");
            let dose = r.number(q, "dose", Decimal::ZERO, Decimal::from(100_000));
            let mut route_allowed: Vec<&str> = routes.iter().map(String::as_str).collect();
            route_allowed.push("oral");
            let route = r.pick(q, "route", &route_allowed);
            if a == "no" {
                return true;
            }
            if let (Some(s), Some(e)) = (start, end)
                && e < s
            {
                r.problems.push(Problem::new(
                    &format!("{id}.end"),
                    "it stops before it starts: check both dates",
                ));
            }
            let (codes, label) = medication_codes(which.as_deref().unwrap_or(agent));
            let now = a == "now";
            f.medications.push(MedicationFact {
                source: source(id),
                codes,
                text: Some(label),
                status: Some(if now { "active" } else { "completed" }.into()),
                dose: dose.map(|d| Quantity::new(d, "mg/d")),
                per_day: None,
                route: route.map(|x| x.replace('_', "-")),
                start,
                end: if now { None } else { end },
            });
            // Earlier courses: each its own fact, so a past high-dose
            // course counts on its own dates.
            for n in 2..=COURSES {
                let which = r.pick(q, &format!("which{n}"), &allowed);
                let dose = r.number(
                    q,
                    &format!("dose{n}"),
                    Decimal::ZERO,
                    Decimal::from(100_000),
                );
                let start = r.date(q, &format!("start{n}"));
                let end = r.date(q, &format!("end{n}"));
                if which.is_none() && dose.is_none() && start.is_none() && end.is_none() {
                    continue;
                }
                if let (Some(s), Some(e)) = (start, end)
                    && e < s
                {
                    r.problems.push(Problem::new(
                        &format!("{id}.end{n}"),
                        "the course ends before it starts: check both dates",
                    ));
                }
                let (codes, label) = medication_codes(which.as_deref().unwrap_or(agent));
                f.medications.push(MedicationFact {
                    source: source(&format!("{id}.course{n}")),
                    codes,
                    text: Some(label),
                    status: Some("completed".into()),
                    dose: dose.map(|d| Quantity::new(d, "mg/d")),
                    per_day: None,
                    route: None,
                    start,
                    end,
                });
            }
            true
        }
        Kind::Lab {
            analyte,
            units,
            ask_uln,
            ask_lln,
            ..
        } => {
            let unknown = r.raw(q, "answer").as_deref() == Some(DONT_KNOW);
            let big = Decimal::from(1_000_000);
            let value = r.number(q, "value", Decimal::ZERO, big);
            let allowed: Vec<&str> = units.iter().map(String::as_str).collect();
            // No unit chosen: the only one offered, else the one unit in
            // which the value is plausible; otherwise ask.
            let chosen = r.pick(q, "unit", &allowed);
            let unit = match (chosen, value) {
                (Some(u), _) => Some(u),
                (None, _) if units.len() == 1 => units.first().cloned(),
                (None, Some(v)) if !unknown => {
                    let fits = crate::plausible::plausible_units(analyte, v, units);
                    if fits.len() == 1 {
                        fits.into_iter().next()
                    } else {
                        r.problems.push(Problem::new(
                            &format!("{id}.unit"),
                            "choose the unit shown on your lab report",
                        ));
                        None
                    }
                }
                (None, _) => None,
            };
            let date = r.date(q, "date");
            let uln = if *ask_uln {
                r.number(q, "uln", Decimal::ZERO, big)
            } else {
                None
            };
            let lln = if *ask_lln {
                r.number(q, "lln", Decimal::ZERO, big)
            } else {
                None
            };
            let (Some(value), Some(unit), false) = (value, unit, unknown) else {
                return false;
            };
            if let Some(why) = crate::plausible::implausible(analyte, value, &unit) {
                r.problems.push(Problem::new(&format!("{id}.value"), why));
                return true;
            }
            let (codes, label) = analyte_codes(analyte);
            let mut o = observation(
                id,
                codes,
                label,
                ObservationValue::Quantity {
                    quantity: Quantity::new(value, unit.clone()),
                },
                date,
                if matches!(analyte.as_str(), "body_weight" | "body_height" | "spo2") {
                    "vital-signs"
                } else {
                    "laboratory"
                },
            );
            if uln.is_some() || lln.is_some() {
                o.reference_range = Some(ReferenceRange {
                    low: lln.map(|v| Quantity::new(v, unit.clone())),
                    high: uln.map(|v| Quantity::new(v, unit.clone())),
                });
            }
            f.observations.push(o);
            true
        }
        Kind::Qualitative {
            analyte,
            detectable,
            ..
        } => {
            let Some(a) = r.pick(q, "answer", &["positive", "negative"]) else {
                return false;
            };
            let date = r.date(q, "date");
            let (codes, label) = analyte_codes(analyte);
            let (value, interp) = result_value(a == "positive", *detectable);
            let mut o = observation(id, codes, label, value, date, "laboratory");
            o.interpretation = vec![interp.to_string()];
            f.observations.push(o);
            true
        }
        Kind::Score {
            instrument,
            min,
            max,
        } => {
            let unknown = r.raw(q, "answer").as_deref() == Some(DONT_KNOW);
            let value = r.number(q, "value", *min, *max);
            let date = r.date(q, "date");
            let (Some(v), false) = (value, unknown) else {
                return false;
            };
            f.observations.push(observation(
                id,
                vec![coding(
                    ELIGO_SCORE,
                    score_code(*instrument),
                    instrument.label(),
                )],
                instrument.label().to_string(),
                ObservationValue::Quantity {
                    quantity: Quantity::new(v, "{score}"),
                },
                date,
                "survey",
            ));
            true
        }
        Kind::Bilag => {
            let date = r.date(q, "date");
            let mut any = false;
            for (d, label) in BILAG_DOMAINS {
                let Some(g) = r.pick(q, d, &["A", "B", "C", "D", "E"]) else {
                    continue;
                };
                any = true;
                let mut o = observation(
                    &format!("{id}.{d}"),
                    vec![coding(
                        ELIGO_SCORE,
                        &format!("bilag-2004-{d}"),
                        &format!("BILAG-2004 {d}"),
                    )],
                    format!("BILAG-2004 {label}"),
                    ObservationValue::Code {
                        coding: vec![coding(ELIGO_BILAG_GRADE, &g, &g)],
                        text: Some(g.clone()),
                    },
                    date,
                    "survey",
                );
                o.text = Some(format!("BILAG-2004 {d}"));
                f.observations.push(o);
            }
            any
        }
        Kind::Vaccination { choices, .. } => {
            let Some(a) = r.pick(q, "answer", &["yes", "no"]) else {
                return false;
            };
            let allowed: Vec<&str> = choices.iter().map(|c| c.value.as_str()).collect();
            let which = r.pick(q, "which", &allowed);
            let date = r.date(q, "date");
            if a == "yes" {
                let (codes, label) = match which.as_deref() {
                    Some(k) => medication_codes(k),
                    None => (vec![], "Vaccine (which one not known)".to_string()),
                };
                f.immunizations.push(ImmunizationFact {
                    source: source(id),
                    codes,
                    text: Some(label),
                    status: Some("completed".into()),
                    date,
                });
            }
            true
        }
        Kind::Allergy { substance, .. } => {
            let Some(a) = r.pick(q, "answer", &["severe", "mild", "no"]) else {
                return false;
            };
            if a == "no" {
                return true;
            }
            let severe = a == "severe";
            let (codes, text, category) = match substance.as_deref() {
                None => (vec![], "Allergy".to_string(), vec![]),
                Some("drug") => (
                    vec![],
                    "Drug allergy".to_string(),
                    vec!["medication".to_string()],
                ),
                Some(k) => {
                    let (c, l) = medication_codes(k);
                    (c, format!("Allergy to {l}"), vec!["medication".to_string()])
                }
            };
            f.allergies.push(AllergyFact {
                source: source(id),
                codes,
                text: Some(text),
                category,
                criticality: Some(if severe { "high" } else { "low" }.into()),
                clinical_status: Some(ClinicalStatus::Active),
                verification_status: Some(VerificationStatus::Confirmed),
                reaction_severity: vec![if severe { "severe" } else { "mild" }.into()],
                onset: None,
            });
            true
        }
        Kind::TrialParticipation => {
            let Some(a) = r.pick(q, "answer", &["now", "past", "no"]) else {
                return false;
            };
            let date = r.date(q, "date");
            if a != "no" {
                let end = if a == "now" { Some(r.as_of) } else { date };
                f.procedures.push(ProcedureFact {
                    source: source(id),
                    codes: vec![coding(SNOMED, "428024001", "Clinical trial participant")],
                    text: Some("Clinical trial participation".into()),
                    status: Some(
                        if a == "now" {
                            "in-progress"
                        } else {
                            "completed"
                        }
                        .into(),
                    ),
                    start: None,
                    end,
                });
            }
            true
        }
        Kind::Pregnant => {
            let Some(a) = r.pick(q, "answer", &["yes", "no"]) else {
                return false;
            };
            // Pregnancy status, as reported today (LOINC 82810-3).
            let (code, word) = if a == "yes" {
                ("77386006", "Pregnant")
            } else {
                ("60001007", "Not pregnant")
            };
            f.observations.push(observation(
                id,
                vec![coding(LOINC, "82810-3", "Pregnancy status")],
                "Pregnancy status".into(),
                ObservationValue::Code {
                    coding: vec![coding(SNOMED, code, word)],
                    text: Some(word.into()),
                },
                Some(r.as_of),
                "social-history",
            ));
            true
        }
        Kind::Lactating => {
            let Some(a) = r.pick(q, "answer", &["yes", "no"]) else {
                return false;
            };
            if a == "yes" {
                let (codes, label) = condition_codes("lactation");
                f.conditions.push(ConditionFact {
                    source: source(id),
                    codes,
                    text: Some(label),
                    clinical_status: Some(ClinicalStatus::Active),
                    verification_status: Some(VerificationStatus::Confirmed),
                    onset: None,
                    abatement: None,
                    recorded: Some(r.as_of),
                    grade: None,
                });
            }
            true
        }
        Kind::ChildbearingPotential => {
            let Some(a) = r.pick(q, "answer", &["yes", "menopause", "surgery"]) else {
                return false;
            };
            match a.as_str() {
                "menopause" => f.conditions.push(ConditionFact {
                    source: source(id),
                    codes: vec![coding(SNOMED, "76498008", "Postmenopausal state")],
                    text: Some("Postmenopausal state".into()),
                    clinical_status: Some(ClinicalStatus::Active),
                    verification_status: Some(VerificationStatus::Confirmed),
                    onset: None,
                    abatement: None,
                    recorded: Some(r.as_of),
                    grade: None,
                }),
                "surgery" => f.procedures.push(ProcedureFact {
                    source: source(id),
                    codes: vec![coding(SNOMED, "236886002", "Hysterectomy")],
                    text: Some("Hysterectomy or bilateral oophorectomy".into()),
                    status: Some("completed".into()),
                    start: None,
                    end: None,
                }),
                _ => {}
            }
            true
        }
        Kind::PregnancyTest => {
            let Some(a) = r.pick(q, "answer", &["negative", "positive"]) else {
                return false;
            };
            let date = r.date(q, "date");
            let (codes, label) = analyte_codes("hcg");
            let (value, interp) = result_value(a == "positive", false);
            let mut o = observation(id, codes, label, value, date, "laboratory");
            o.interpretation = vec![interp.to_string()];
            f.observations.push(o);
            true
        }
    }
}

/// Dates that fall before the date of birth: onset of a condition before
/// birth, a test or a medicine before it. Congenital conditions start at
/// birth, not before.
fn before_birth(
    q: &Questionnaire,
    answers: &Answers,
    birth: Option<Date>,
    problems: &mut Vec<Problem>,
) {
    let Some(birth) = birth else {
        return;
    };
    for question in &q.questions {
        if matches!(question.kind, Kind::Age) {
            continue;
        }
        for field in question.fields() {
            if !matches!(field.input, crate::question::Input::Date) {
                continue;
            }
            let Some(v) = answers.0.get(&field.name) else {
                continue;
            };
            if problems.iter().any(|p| p.field == field.name) {
                continue;
            }
            if let Some(d) = crate::answers::parse_date(v)
                && d < birth
            {
                problems.push(Problem::new(
                    &field.name,
                    format!("this date is before the date of birth ({birth})"),
                ));
            }
        }
    }
}
