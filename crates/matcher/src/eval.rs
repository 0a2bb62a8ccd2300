//! Rule evaluation: three-valued logic over the rule AST, dispatching each
//! leaf to the module that knows its facts.

use crate::ctx::{Ctx, note_evidence, obs_evidence};
use crate::{history, labs, scores};
use eligo_model::evidence::{CriterionResult, Evidence, RuleResult, Status};
use eligo_model::rule::{Criterion, PregnancyState, Qualitative, Rule, RuleKind};
use eligo_model::trial::Sex;

/// Evaluate one criterion: its rules are a conjunction.
pub fn criterion(ctx: &Ctx<'_>, c: &Criterion) -> CriterionResult {
    if !c.computable || c.rules.is_empty() {
        return CriterionResult {
            kind: c.kind,
            text: c.text.clone(),
            span: c.span,
            status: Status::Unknown,
            to_confirm: true,
            evidence: Vec::new(),
            missing: Vec::new(),
            results: Vec::new(),
        };
    }
    let results: Vec<RuleResult> = c.rules.iter().map(|r| rule(ctx, r)).collect();
    let status = all(results.iter().map(|r| r.status));
    let mut evidence = Vec::new();
    let mut missing = Vec::new();
    collect(&results, &mut evidence, &mut missing, status);
    CriterionResult {
        kind: c.kind,
        text: c.text.clone(),
        span: c.span,
        status,
        to_confirm: false,
        evidence,
        missing,
        results,
    }
}

/// Gather evidence and missing facts from the results that matter.
fn collect(
    results: &[RuleResult],
    ev: &mut Vec<Evidence>,
    missing: &mut Vec<String>,
    status: Status,
) {
    for r in results {
        for e in &r.evidence {
            if !ev.contains(e) {
                ev.push(e.clone());
            }
        }
        if status == Status::Unknown && r.status == Status::Unknown {
            for m in &r.missing {
                if !missing.contains(m) {
                    missing.push(m.clone());
                }
            }
        }
        collect(&r.children, ev, missing, status);
    }
}

/// Kleene conjunction.
pub fn all(it: impl Iterator<Item = Status>) -> Status {
    let mut unknown = false;
    for s in it {
        match s {
            Status::NotMet => return Status::NotMet,
            Status::Unknown => unknown = true,
            Status::Met => {}
        }
    }
    if unknown {
        Status::Unknown
    } else {
        Status::Met
    }
}

/// Kleene "or" of two statuses: one fact that meets a history criterion is enough.
pub fn or(a: Status, b: Status) -> Status {
    any([a, b].into_iter())
}

/// Kleene disjunction.
pub fn any(it: impl Iterator<Item = Status>) -> Status {
    let mut unknown = false;
    for s in it {
        match s {
            Status::Met => return Status::Met,
            Status::Unknown => unknown = true,
            Status::NotMet => {}
        }
    }
    if unknown {
        Status::Unknown
    } else {
        Status::NotMet
    }
}

pub fn result(r: &Rule, status: Status, explanation: impl Into<String>) -> RuleResult {
    RuleResult {
        rule: r.clone(),
        status,
        explanation: explanation.into(),
        evidence: Vec::new(),
        missing: Vec::new(),
        children: Vec::new(),
    }
}

pub fn unknown(r: &Rule, explanation: impl Into<String>, missing: impl Into<String>) -> RuleResult {
    let mut res = result(r, Status::Unknown, explanation);
    res.missing.push(missing.into());
    res
}

pub fn status_word(s: Status) -> &'static str {
    match s {
        Status::Met => "met",
        Status::NotMet => "not met",
        Status::Unknown => "unknown",
    }
}

pub fn rule(ctx: &Ctx<'_>, r: &Rule) -> RuleResult {
    match &r.kind {
        RuleKind::All { label, rules } => {
            let children: Vec<RuleResult> = rules.iter().map(|c| rule(ctx, c)).collect();
            let s = all(children.iter().map(|c| c.status));
            let mut res = result(
                r,
                s,
                format!(
                    "{}: all of {} ({})",
                    label.as_deref().unwrap_or("all of"),
                    children.len(),
                    status_word(s)
                ),
            );
            res.children = children;
            res
        }
        RuleKind::Any { label, rules } => {
            let children: Vec<RuleResult> = rules.iter().map(|c| rule(ctx, c)).collect();
            let s = any(children.iter().map(|c| c.status));
            let mut res = result(
                r,
                s,
                format!(
                    "{}: any of {} ({})",
                    label.as_deref().unwrap_or("any of"),
                    children.len(),
                    status_word(s)
                ),
            );
            res.children = children;
            res
        }
        RuleKind::AtLeast { min, rules } => {
            let children: Vec<RuleResult> = rules.iter().map(|c| rule(ctx, c)).collect();
            let met = children.iter().filter(|c| c.status == Status::Met).count() as u32;
            let unk = children
                .iter()
                .filter(|c| c.status == Status::Unknown)
                .count() as u32;
            let s = if met >= *min {
                Status::Met
            } else if met + unk < *min {
                Status::NotMet
            } else {
                Status::Unknown
            };
            let mut res = result(
                r,
                s,
                format!(
                    "at least {min} of {}: {met} met, {unk} unknown ({})",
                    children.len(),
                    status_word(s)
                ),
            );
            res.children = children;
            res
        }
        RuleKind::Not { rule: inner } => {
            let child = rule(ctx, inner);
            let s = match child.status {
                Status::Met => Status::NotMet,
                Status::NotMet => Status::Met,
                Status::Unknown => Status::Unknown,
            };
            let mut res = result(
                r,
                s,
                format!("not ({}) ({})", child.explanation, status_word(s)),
            );
            res.missing = child.missing.clone();
            res.children = vec![child];
            res
        }
        RuleKind::Age { min, max } => age(ctx, r, *min, *max),
        RuleKind::Sex { sex } => sex_rule(ctx, r, *sex),
        RuleKind::Lab { .. } => labs::lab(ctx, r),
        RuleKind::LabResult {
            analyte,
            result: want,
            window,
        } => labs::lab_result(ctx, r, analyte, *want, *window),
        RuleKind::Score { .. } => scores::score(ctx, r),
        RuleKind::GradePattern { .. } => scores::grade_pattern(ctx, r),
        RuleKind::Diagnosis { .. } => history::diagnosis(ctx, r),
        RuleKind::Medication { .. } => history::medication(ctx, r),
        RuleKind::Procedure { concept, window } => history::procedure(ctx, r, concept, *window),
        RuleKind::Vaccination { vaccine, window } => {
            history::vaccination(ctx, r, *vaccine, *window)
        }
        RuleKind::Allergy { substance, severe } => {
            history::allergy(ctx, r, substance.as_deref(), *severe)
        }
        RuleKind::TrialParticipation { window } => history::trial_participation(ctx, r, *window),
        RuleKind::Pregnancy { state, window } => pregnancy(ctx, r, *state, *window),
    }
}

fn age(
    ctx: &Ctx<'_>,
    r: &Rule,
    min: Option<eligo_model::rule::AgeBound>,
    max: Option<eligo_model::rule::AgeBound>,
) -> RuleResult {
    let range = match (min, max) {
        (Some(a), Some(b)) => format!("{}-{} years", a.years, b.years),
        (Some(a), None) => format!("≥ {} years", a.years),
        (None, Some(b)) => format!("≤ {} years", b.years),
        (None, None) => "any age".into(),
    };
    let Some(age) = ctx.age() else {
        return unknown(
            r,
            format!("age {range}: birth date not recorded"),
            "birth date",
        );
    };
    let lo_ok = min.is_none_or(|b| {
        if b.inclusive {
            age >= b.years
        } else {
            age > b.years
        }
    });
    let hi_ok = max.is_none_or(|b| {
        if b.inclusive {
            age <= b.years
        } else {
            age < b.years
        }
    });
    let s = if lo_ok && hi_ok {
        Status::Met
    } else {
        Status::NotMet
    };
    let birth = ctx.facts.birth_date.expect("age implies a birth date");
    let mut res = result(
        r,
        s,
        format!("age {age} years, required {range} ({})", status_word(s)),
    );
    res.evidence.push(Evidence {
        source: Some(eligo_model::fact::SourceRef {
            resource_type: "Patient".into(),
            id: ctx.facts.id.clone(),
        }),
        label: "Age".into(),
        value: Some(eligo_model::Quantity::new(age.into(), "a")),
        text: None,
        date: Some(ctx.as_of),
        computation: Some(format!(
            "completed years from birth date {birth} to as-of {}",
            ctx.as_of
        )),
    });
    res
}

fn sex_rule(ctx: &Ctx<'_>, r: &Rule, sex: Sex) -> RuleResult {
    let Some(female) = ctx.female() else {
        return unknown(
            r,
            format!("sex must be {}: not recorded", sex.label()),
            "sex",
        );
    };
    let s = match sex {
        Sex::All => Status::Met,
        Sex::Female => {
            if female {
                Status::Met
            } else {
                Status::NotMet
            }
        }
        Sex::Male => {
            if female {
                Status::NotMet
            } else {
                Status::Met
            }
        }
    };
    let mut res = result(
        r,
        s,
        format!(
            "sex {}, required {} ({})",
            if female { "female" } else { "male" },
            sex.label(),
            status_word(s)
        ),
    );
    res.evidence.push(Evidence {
        source: Some(eligo_model::fact::SourceRef {
            resource_type: "Patient".into(),
            id: ctx.facts.id.clone(),
        }),
        label: "Sex".into(),
        value: None,
        text: Some(if female { "female" } else { "male" }.into()),
        date: None,
        computation: None,
    });
    res
}

/// SNOMED CT findings that end childbearing potential.
const NOT_CHILDBEARING_SNOMED: &[&str] = &[
    "76498008",  // postmenopausal state
    "236886002", // hysterectomy (procedure)
    "116142003", // radical hysterectomy
    "29827000",  // bilateral oophorectomy
];
/// LOINC: pregnancy status; hCG in serum/urine (quantitative and qualitative).
const PREGNANCY_STATUS_LOINC: &[&str] = &["82810-3", "11449-6"];
const SNOMED_PREGNANT: &[&str] = &["77386006"];
const SNOMED_NOT_PREGNANT: &[&str] = &["60001007"];

fn pregnancy(
    ctx: &Ctx<'_>,
    r: &Rule,
    state: PregnancyState,
    window: Option<eligo_model::rule::Period>,
) -> RuleResult {
    use eligo_model::fact::systems::{LOINC, SNOMED};
    let Some(female) = ctx.female() else {
        return unknown(r, "pregnancy-related criterion: sex not recorded", "sex");
    };
    if !female {
        let s = Status::NotMet;
        let mut res = result(
            r,
            s,
            format!("{}: male patient (not met)", state_label(state)),
        );
        res.evidence.push(note_evidence("Sex", "male"));
        return res;
    }
    let ended = ctx
        .facts
        .conditions
        .iter()
        .filter(|c| c.verification_status.is_none_or(|v| v.counts()))
        .map(|c| (&c.codes, &c.source))
        .chain(ctx.facts.procedures.iter().map(|p| (&p.codes, &p.source)))
        .find(|(codes, _)| {
            codes
                .iter()
                .any(|c| c.system == SNOMED && NOT_CHILDBEARING_SNOMED.contains(&c.code.as_str()))
        });
    match state {
        PregnancyState::ChildbearingPotential => {
            if let Some((codes, src)) = ended {
                let mut res = result(
                    r,
                    Status::NotMet,
                    "childbearing potential: ended (menopause or surgery recorded) (not met)",
                );
                res.evidence.push(Evidence {
                    source: Some(src.clone()),
                    label: "Childbearing potential".into(),
                    value: None,
                    text: codes
                        .first()
                        .and_then(|c| c.display.clone())
                        .or(Some("recorded".into())),
                    date: None,
                    computation: None,
                });
                return res;
            }
            match ctx.age() {
                Some(a) if a >= 60 => {
                    let mut res = result(
                        r,
                        Status::NotMet,
                        format!("childbearing potential: female aged {a} (not met)"),
                    );
                    res.evidence.push(note_evidence(
                        "Childbearing potential",
                        format!("female aged {a}: taken as post-menopausal"),
                    ));
                    res
                }
                Some(a) => {
                    let mut res = result(
                        r,
                        Status::Met,
                        format!(
                            "childbearing potential: female aged {a}, no menopause or sterilisation recorded (met)"
                        ),
                    );
                    res.evidence.push(note_evidence(
                        "Childbearing potential",
                        format!("female aged {a}"),
                    ));
                    res
                }
                None => unknown(
                    r,
                    "childbearing potential: birth date not recorded",
                    "birth date",
                ),
            }
        }
        PregnancyState::Pregnant => {
            // Pregnancy status observations, then hCG tests, newest first.
            let status = ctx.coded_observations(
                LOINC,
                PREGNANCY_STATUS_LOINC,
                window.or(Some(eligo_model::rule::Period::new(
                    30,
                    eligo_model::rule::TimeUnit::Days,
                ))),
            );
            if let Some(o) = status.first()
                && let Some(p) = coded_pregnant(o)
            {
                {
                    let s = if p { Status::Met } else { Status::NotMet };
                    let mut res = result(
                        r,
                        s,
                        format!(
                            "pregnancy status: {} ({})",
                            if p { "pregnant" } else { "not pregnant" },
                            status_word(s)
                        ),
                    );
                    res.evidence.push(obs_evidence(o, "Pregnancy status"));
                    return res;
                }
            }
            let cond = ctx.conditions_of("pregnancy").into_iter().find(|c| {
                c.verification_status.is_none_or(|v| v.counts())
                    && c.clinical_status.is_none_or(|s| s.is_active())
            });
            if let Some(c) = cond {
                let mut res = result(
                    r,
                    Status::Met,
                    "pregnancy recorded as an active condition (met)",
                );
                res.evidence.push(Evidence {
                    source: Some(c.source.clone()),
                    label: "Pregnancy".into(),
                    value: None,
                    text: Some("active".into()),
                    date: c.onset,
                    computation: None,
                });
                return res;
            }
            let tests = ctx.observations(
                "hcg",
                window.or(Some(eligo_model::rule::Period::new(
                    30,
                    eligo_model::rule::TimeUnit::Days,
                ))),
            );
            if let Some(o) = tests.first()
                && let Some(pos) = labs::qualitative(o)
            {
                {
                    let positive = matches!(pos, Qualitative::Positive | Qualitative::Detectable);
                    let s = if positive {
                        Status::Met
                    } else {
                        Status::NotMet
                    };
                    let mut res = result(
                        r,
                        s,
                        format!(
                            "pregnancy test {} ({})",
                            if positive { "positive" } else { "negative" },
                            status_word(s)
                        ),
                    );
                    res.evidence.push(obs_evidence(o, "Pregnancy test (hCG)"));
                    return res;
                }
            }
            if ended.is_some() || ctx.age().is_some_and(|a| a >= 60) {
                let mut res = result(r, Status::NotMet, "not of childbearing potential (not met)");
                res.evidence
                    .push(note_evidence("Childbearing potential", "none"));
                return res;
            }
            unknown(
                r,
                "pregnancy status not recorded in the last 30 days",
                "pregnancy status or pregnancy test",
            )
        }
        PregnancyState::Lactating => {
            // Closed world: lactation is a state recorded as a condition or finding.
            let cond = ctx.conditions_of("lactation").into_iter().find(|c| {
                c.verification_status.is_none_or(|v| v.counts())
                    && c.clinical_status.is_none_or(|s| s.is_active())
            });
            match cond {
                Some(c) => {
                    let mut res = result(r, Status::Met, "lactation recorded (met)");
                    res.evidence.push(Evidence {
                        source: Some(c.source.clone()),
                        label: "Lactation".into(),
                        value: None,
                        text: Some("active".into()),
                        date: c.onset,
                        computation: None,
                    });
                    res
                }
                None => {
                    let mut res = result(r, Status::NotMet, "no lactation recorded (not met)");
                    res.evidence
                        .push(note_evidence("Lactation", "not in the record"));
                    res
                }
            }
        }
        PregnancyState::NegativeTest => {
            let w = window.or(Some(eligo_model::rule::Period::new(
                30,
                eligo_model::rule::TimeUnit::Days,
            )));
            let tests = ctx.observations("hcg", w);
            let label = format!("pregnancy test (hCG) {}", crate::ctx::window_words(w));
            match tests.first() {
                Some(o) => match labs::qualitative(o) {
                    Some(q) => {
                        let negative =
                            matches!(q, Qualitative::Negative | Qualitative::Undetectable);
                        let s = if negative {
                            Status::Met
                        } else {
                            Status::NotMet
                        };
                        let mut res = result(
                            r,
                            s,
                            format!(
                                "{label}: {} ({})",
                                if negative { "negative" } else { "positive" },
                                status_word(s)
                            ),
                        );
                        res.evidence.push(obs_evidence(o, "Pregnancy test (hCG)"));
                        res
                    }
                    None => unknown(
                        r,
                        format!("{label}: result not readable as negative or positive"),
                        label.clone(),
                    ),
                },
                None => unknown(r, format!("{label}: none recorded"), label.clone()),
            }
        }
    }
}

fn coded_pregnant(o: &eligo_model::fact::ObservationFact) -> Option<bool> {
    use eligo_model::fact::ObservationValue;
    match &o.value {
        Some(ObservationValue::Code { coding, text }) => {
            if coding
                .iter()
                .any(|c| SNOMED_PREGNANT.contains(&c.code.as_str()))
            {
                return Some(true);
            }
            if coding
                .iter()
                .any(|c| SNOMED_NOT_PREGNANT.contains(&c.code.as_str()))
            {
                return Some(false);
            }
            let t = text
                .as_deref()
                .or(coding.first().and_then(|c| c.display.as_deref()))?
                .to_lowercase();
            if t.contains("not pregnant") {
                Some(false)
            } else if t.contains("pregnant") {
                Some(true)
            } else {
                None
            }
        }
        Some(ObservationValue::Boolean { value }) => Some(*value),
        _ => None,
    }
}

fn state_label(s: PregnancyState) -> &'static str {
    match s {
        PregnancyState::Pregnant => "pregnant",
        PregnancyState::Lactating => "lactating",
        PregnancyState::ChildbearingPotential => "childbearing potential",
        PregnancyState::NegativeTest => "negative pregnancy test",
    }
}
