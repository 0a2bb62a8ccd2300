//! Pregnancy rules: pregnant, lactating, of childbearing potential, a
//! negative pregnancy test. A man is none of these; a woman aged 60 or
//! more, or with menopause, hysterectomy or bilateral oophorectomy
//! recorded, is not of childbearing potential.

use crate::ctx::{Ctx, note_evidence, obs_evidence};
use crate::labs;
use crate::outcome::{result, status_word, unknown};
use eligo_model::evidence::{Evidence, RuleResult, Status};
use eligo_model::rule::{PregnancyState, Qualitative, Rule};

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

pub fn pregnancy(
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
