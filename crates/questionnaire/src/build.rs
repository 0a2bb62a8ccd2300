//! Criteria → questions: one question per thing the rules need, asked once.

use crate::choices::{medication_choices, unit_choices, vaccine_choices};
use crate::question::{Kind, Question, Questionnaire};
use crate::vocab;
use eligo_model::rule::{
    CompiledCriteria, Instrument, Period, PregnancyState, Qualitative, Rule, RuleKind, Threshold,
    VaccineKind,
};
use rust_decimal::Decimal;

/// The questionnaire for a trial's compiled criteria.
pub fn questionnaire(compiled: &CompiledCriteria) -> Questionnaire {
    let mut b = Builder::default();
    for (i, c) in compiled.criteria.iter().enumerate() {
        if !c.computable {
            continue;
        }
        for r in &c.rules {
            b.rule(r, i + 1);
        }
    }
    let mut questions = b.questions;
    questions.sort_by_key(|q| order(&q.kind));
    Questionnaire {
        trial_id: compiled.trial_id.clone(),
        questions,
    }
}

fn order(k: &Kind) -> u8 {
    match k {
        Kind::Age => 0,
        Kind::Sex => 1,
        Kind::Condition { .. } => 2,
        Kind::Score { .. } => 3,
        Kind::Bilag => 4,
        Kind::Lab { .. } => 5,
        Kind::Qualitative { .. } => 6,
        Kind::Medication { .. } => 7,
        Kind::Procedure { .. } => 8,
        Kind::Vaccination { .. } => 9,
        Kind::Allergy { .. } => 10,
        Kind::TrialParticipation => 11,
        Kind::Pregnant | Kind::Lactating | Kind::ChildbearingPotential | Kind::PregnancyTest => 12,
    }
}

#[derive(Default)]
struct Builder {
    questions: Vec<Question>,
}

fn within(w: Option<Period>) -> String {
    w.map(|p| format!(" in the last {p}")).unwrap_or_default()
}

impl Builder {
    /// Add (or extend) the question `id`; `merge` updates an existing one.
    fn ask(
        &mut self,
        id: String,
        criterion: usize,
        make: impl FnOnce() -> Question,
        merge: impl FnOnce(&mut Question),
    ) {
        if let Some(q) = self.questions.iter_mut().find(|q| q.id == id) {
            if !q.criteria.contains(&criterion) {
                q.criteria.push(criterion);
            }
            merge(q);
            return;
        }
        let mut q = make();
        q.id = id;
        q.criteria = vec![criterion];
        self.questions.push(q);
    }

    fn simple(
        &mut self,
        id: &str,
        criterion: usize,
        text: String,
        hint: Option<String>,
        kind: Kind,
    ) {
        self.ask(
            id.to_string(),
            criterion,
            || Question {
                id: String::new(),
                text,
                hint,
                criteria: vec![],
                kind,
            },
            |_| {},
        );
    }

    fn age(&mut self, c: usize) {
        self.simple(
            "age",
            c,
            "What is your date of birth?".into(),
            Some("Or give your age in years.".into()),
            Kind::Age,
        );
    }

    fn sex(&mut self, c: usize) {
        self.simple("sex", c, "What is your sex?".into(), None, Kind::Sex);
    }

    fn lab(&mut self, analyte: &str, c: usize, uln: bool, lln: bool, window: Option<Period>) {
        let v = vocab();
        let Some(a) = v.analyte(analyte) else {
            return;
        };
        let label = a.label.clone();
        let hint = window.map(|w| format!("The trial looks at a result from the last {w}."));
        self.ask(
            format!("lab-{analyte}"),
            c,
            || Question {
                id: String::new(),
                text: format!("Your latest {label}"),
                hint,
                criteria: vec![],
                kind: Kind::Lab {
                    analyte: analyte.to_string(),
                    label: label.clone(),
                    units: unit_choices(analyte),
                    ask_uln: uln,
                    ask_lln: lln,
                },
            },
            |q| {
                if let Kind::Lab {
                    ask_uln, ask_lln, ..
                } = &mut q.kind
                {
                    *ask_uln |= uln;
                    *ask_lln |= lln;
                }
            },
        );
    }

    fn rule(&mut self, r: &Rule, c: usize) {
        match &r.kind {
            RuleKind::All { rules, .. }
            | RuleKind::Any { rules, .. }
            | RuleKind::AtLeast { rules, .. } => {
                for x in rules {
                    self.rule(x, c);
                }
            }
            RuleKind::Not { rule } => self.rule(rule, c),
            RuleKind::Age { .. } => self.age(c),
            RuleKind::Sex { .. } => self.sex(c),
            RuleKind::Lab {
                analyte,
                threshold,
                window,
                exceptions,
                ..
            } => {
                let mut uln = matches!(threshold, Threshold::UlnMultiple { .. });
                let mut lln = matches!(threshold, Threshold::LlnMultiple { .. });
                for e in exceptions {
                    uln |= matches!(e.threshold, Threshold::UlnMultiple { .. });
                    lln |= matches!(e.threshold, Threshold::LlnMultiple { .. });
                    self.condition(&e.condition, c, false);
                }
                self.lab(analyte, c, uln, lln, *window);
                // Derived values: the matcher computes them from these.
                match analyte.as_str() {
                    "crcl" => {
                        self.lab("creatinine", c, false, false, *window);
                        self.lab("body_weight", c, false, false, None);
                        self.age(c);
                        self.sex(c);
                    }
                    "egfr" => {
                        self.lab("creatinine", c, false, false, *window);
                        self.age(c);
                        self.sex(c);
                    }
                    _ => {}
                }
            }
            RuleKind::LabResult {
                analyte,
                result,
                window,
            } => {
                let Some(a) = vocab().analyte(analyte) else {
                    return;
                };
                let label = a.label.clone();
                let detectable =
                    matches!(result, Qualitative::Detectable | Qualitative::Undetectable);
                self.simple(
                    &format!("res-{analyte}"),
                    c,
                    format!("Your latest {label} result"),
                    window.map(|w| format!("The trial looks at a result from the last {w}.")),
                    Kind::Qualitative {
                        analyte: analyte.clone(),
                        label,
                        detectable,
                    },
                );
            }
            RuleKind::Score {
                instrument, window, ..
            } => {
                let (min, max) = score_range(*instrument);
                self.simple(
                    &format!("score-{}", score_code(*instrument)),
                    c,
                    format!("Your latest {} score", instrument.label()),
                    Some(format!(
                        "From {} to {}, as your doctor recorded it{}.",
                        min,
                        max,
                        window
                            .map(|w| format!(" in the last {w}"))
                            .unwrap_or_default()
                    )),
                    Kind::Score {
                        instrument: *instrument,
                        min,
                        max,
                    },
                );
            }
            RuleKind::GradePattern { window, .. } => self.simple(
                "bilag",
                c,
                "Your latest BILAG-2004 grades".into(),
                Some(format!(
                    "One grade (A to E) for each of the nine organ areas, from one assessment{}.",
                    within(*window)
                )),
                Kind::Bilag,
            ),
            RuleKind::Diagnosis {
                concept,
                min_grade,
                exceptions,
                ..
            } => {
                self.condition(concept, c, min_grade.is_some());
                for e in exceptions {
                    self.condition(e, c, false);
                }
            }
            RuleKind::Medication {
                agent,
                dose,
                routes,
                ..
            } => {
                let v = vocab();
                let label = v
                    .medication(agent)
                    .map(|m| m.label.clone())
                    .unwrap_or_else(|| agent.replace('_', " "));
                let ask_dose = dose.is_some();
                if dose
                    .as_ref()
                    .is_some_and(|d| d.quantity.unit.contains("/kg"))
                {
                    self.lab("body_weight", c, false, false, None);
                }
                let routes = routes.clone();
                self.ask(
                    format!("med-{agent}"),
                    c,
                    || Question {
                        id: String::new(),
                        text: format!("Have you taken {}?", lower_first(&label)),
                        hint: None,
                        criteria: vec![],
                        kind: Kind::Medication {
                            agent: agent.clone(),
                            label: label.clone(),
                            choices: medication_choices(agent),
                            ask_dose,
                            routes: routes.clone(),
                        },
                    },
                    |q| {
                        if let Kind::Medication {
                            ask_dose: d,
                            routes: rs,
                            ..
                        } = &mut q.kind
                        {
                            *d |= ask_dose;
                            for r in &routes {
                                if !rs.contains(r) {
                                    rs.push(r.clone());
                                }
                            }
                        }
                    },
                );
            }
            RuleKind::Procedure { concept, .. } => {
                let label = vocab()
                    .procedure(concept)
                    .map(|p| p.label.clone())
                    .unwrap_or_else(|| concept.replace('_', " "));
                self.simple(
                    &format!("proc-{concept}"),
                    c,
                    format!("Have you had {}?", lower_first(&label)),
                    None,
                    Kind::Procedure {
                        concept: concept.clone(),
                        label,
                    },
                );
            }
            RuleKind::Vaccination { vaccine, window } => {
                let what = match vaccine {
                    VaccineKind::Live => "a live vaccine",
                    VaccineKind::Inactivated => "an inactivated vaccine",
                    VaccineKind::Mrna => "an mRNA vaccine",
                    VaccineKind::Any => "any vaccine",
                };
                self.simple(
                    &format!("vax-{}", vaccine_code(*vaccine)),
                    c,
                    format!("Have you had {what}{}?", within(*window)),
                    None,
                    Kind::Vaccination {
                        kind: *vaccine,
                        choices: vaccine_choices(*vaccine),
                    },
                );
            }
            RuleKind::Allergy { substance, .. } => {
                let label = match substance.as_deref() {
                    None => "anything".to_string(),
                    Some("drug") => "a medicine".to_string(),
                    Some(k) => vocab()
                        .medication(k)
                        .map(|m| lower_first(&m.label))
                        .unwrap_or_else(|| k.replace('_', " ")),
                };
                self.simple(
                    &format!("allergy-{}", substance.as_deref().unwrap_or("any")),
                    c,
                    format!("Are you allergic to {label}?"),
                    None,
                    Kind::Allergy {
                        substance: substance.clone(),
                        label,
                    },
                );
            }
            RuleKind::TrialCondition {
                concept: Some(k), ..
            } => self.condition(k, c, false),
            RuleKind::TrialCondition { concept: None, .. } | RuleKind::ToConfirm { .. } => {}
            RuleKind::TrialParticipation { window, .. } => self.simple(
                "trial",
                c,
                format!(
                    "Have you taken part in another clinical trial{}?",
                    within(*window)
                ),
                None,
                Kind::TrialParticipation,
            ),
            RuleKind::Pregnancy { state, window } => {
                self.sex(c);
                match state {
                    PregnancyState::Pregnant => self.simple(
                        "preg-pregnant",
                        c,
                        "Are you pregnant?".into(),
                        None,
                        Kind::Pregnant,
                    ),
                    PregnancyState::Lactating => self.simple(
                        "preg-lactating",
                        c,
                        "Are you breastfeeding?".into(),
                        None,
                        Kind::Lactating,
                    ),
                    PregnancyState::ChildbearingPotential => {
                        self.age(c);
                        self.simple(
                            "preg-childbearing",
                            c,
                            "Could you become pregnant?".into(),
                            Some("Menopause or surgery (removal of the womb or both ovaries) means you cannot.".into()),
                            Kind::ChildbearingPotential,
                        );
                    }
                    PregnancyState::NegativeTest => self.simple(
                        "preg-test",
                        c,
                        "Your latest pregnancy test".into(),
                        Some(format!(
                            "The trial looks at a test from the last {}.",
                            window.unwrap_or(Period::new(30, eligo_model::rule::TimeUnit::Days))
                        )),
                        Kind::PregnancyTest,
                    ),
                }
            }
        }
    }

    fn condition(&mut self, concept: &str, c: usize, ask_grade: bool) {
        let label = vocab()
            .condition(concept)
            .map(|x| x.label.clone())
            .unwrap_or_else(|| concept.replace('_', " "));
        let text = match concept {
            "pregnancy" => "Are you pregnant?".to_string(),
            _ => format!("Have you ever been told you have {}?", lower_first(&label)),
        };
        self.ask(
            format!("dx-{concept}"),
            c,
            || Question {
                id: String::new(),
                text,
                hint: None,
                criteria: vec![],
                kind: Kind::Condition {
                    concept: concept.to_string(),
                    label: label.clone(),
                    ask_grade,
                },
            },
            |q| {
                if let Kind::Condition { ask_grade: g, .. } = &mut q.kind {
                    *g |= ask_grade;
                }
            },
        );
    }
}

/// A vocabulary label inside a sentence: lower-cased at the start only
/// when its first word is a plain word ("Systemic lupus ..." → "systemic
/// lupus ..."), never for names or abbreviations ("Gilbert's syndrome",
/// "HIV antibody").
fn lower_first(s: &str) -> String {
    let first = s.split_whitespace().next().unwrap_or("");
    let plain =
        !first.contains('\'') && first.chars().skip(1).all(|c| c.is_lowercase() || c == '-');
    if !plain {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// eligo's score code of an instrument (SCORE_CODES.md).
pub fn score_code(i: Instrument) -> &'static str {
    match i {
        Instrument::Sledai2k => "sledai-2k",
        Instrument::SelenaSledai => "selena-sledai",
        Instrument::Pga => "pga",
        Instrument::Bilag2004 => "bilag-2004",
        Instrument::Sdi => "sdi",
        Instrument::Nyha => "nyha",
        Instrument::Ecog => "ecog",
        Instrument::Karnofsky => "karnofsky",
        Instrument::Crs => "astct-crs",
        Instrument::Icans => "astct-icans",
        Instrument::Agvhd => "magic-agvhd",
    }
}

fn score_range(i: Instrument) -> (Decimal, Decimal) {
    let (a, b) = match i {
        Instrument::Sledai2k | Instrument::SelenaSledai => (0, 105),
        Instrument::Pga => (0, 3),
        Instrument::Bilag2004 => (0, 72),
        Instrument::Sdi => (0, 47),
        Instrument::Nyha => (1, 4),
        Instrument::Ecog => (0, 5),
        Instrument::Karnofsky => (0, 100),
        Instrument::Crs | Instrument::Icans | Instrument::Agvhd => (0, 4),
    };
    (Decimal::from(a), Decimal::from(b))
}

pub(crate) fn vaccine_code(k: VaccineKind) -> &'static str {
    match k {
        VaccineKind::Live => "live",
        VaccineKind::Inactivated => "inactivated",
        VaccineKind::Mrna => "mrna",
        VaccineKind::Any => "any",
    }
}
