//! The pre-screening questionnaire: questions generated from a trial's
//! computable criteria, and the patient facts its answers make.
//!
//! [`questionnaire`] walks the rule AST of every computable criterion and
//! asks, once each, for what the rules need: birth date or age, sex,
//! diagnoses, procedures, medicines (which one, dates, daily dose, route),
//! lab values (with a unit choice, and the lab's limit of normal when a
//! rule is a multiple of it), qualitative tests, scores, BILAG-2004 grades,
//! vaccinations, allergies, trial participation and pregnancy. "I don't
//! know" is an answer to every question.
//!
//! [`facts`] turns the answers into [`PatientFacts`] coded the way a health
//! record would code them (SNOMED CT, LOINC, ATC/RxNorm, CVX, eligo's score
//! codes, UCUM units), so the matcher decides a pre-screen exactly as it
//! decides a FHIR record. "I don't know" makes no fact. For history items
//! (diagnoses, procedures, medicines, vaccinations, allergies, trial
//! participation) "no" also makes no fact: the matcher's closed world reads
//! a history item that is not there as absent. Each fact cites its question
//! as a `QuestionnaireResponse` source, so the verdict points back at it.

use eligo_model::fact::systems::{
    ATC, CVX, ELIGO_BILAG_GRADE, ELIGO_SCORE, ICD10, LOINC, RXNORM, SNOMED,
};
use eligo_model::fact::{
    AllergyFact, ClinicalStatus, ConditionFact, Gender, ImmunizationFact, MedicationFact,
    ObservationFact, ObservationValue, ProcedureFact, ReferenceRange, SourceRef,
    VerificationStatus,
};
use eligo_model::rule::{
    CompiledCriteria, Instrument, Period, PregnancyState, Qualitative, Rule, RuleKind, Threshold,
    VaccineKind,
};
use eligo_model::{Coding, Date, PatientFacts, Quantity};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;

/// The answer value every choice question offers.
pub const DONT_KNOW: &str = "dont_know";
/// The resource type facts from a pre-screen cite.
pub const SOURCE_TYPE: &str = "QuestionnaireResponse";
/// `PatientFacts::id` of a pre-screen.
pub const PATIENT_ID: &str = "prescreen";
/// Longest answer value kept (characters).
const MAX_VALUE: usize = 200;

/// The questions for one trial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Questionnaire {
    pub trial_id: String,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    /// Stable id, e.g. `dx-sle`, `lab-alt`; form fields are `ID.FIELD`.
    pub id: String,
    pub text: String,
    /// Why it is asked and what counts (windows, units, limits of normal).
    pub hint: Option<String>,
    /// 1-based numbers of the criteria that use it.
    pub criteria: Vec<usize>,
    pub kind: Kind,
}

/// What a question asks about.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Kind {
    Age,
    Sex,
    Condition {
        concept: String,
        label: String,
        ask_grade: bool,
    },
    Procedure {
        concept: String,
        label: String,
    },
    Medication {
        agent: String,
        label: String,
        /// Specific agents when `agent` is a class (value = vocabulary key).
        choices: Vec<Choice>,
        ask_dose: bool,
        routes: Vec<String>,
    },
    Lab {
        analyte: String,
        label: String,
        /// UCUM units offered, the canonical one first.
        units: Vec<String>,
        ask_uln: bool,
        ask_lln: bool,
    },
    Qualitative {
        analyte: String,
        label: String,
        /// Viral loads: detectable / not detectable rather than positive / negative.
        detectable: bool,
    },
    Score {
        instrument: Instrument,
        min: Decimal,
        max: Decimal,
    },
    Bilag,
    Vaccination {
        kind: VaccineKind,
        choices: Vec<Choice>,
    },
    Allergy {
        substance: Option<String>,
        label: String,
    },
    TrialParticipation,
    Pregnant,
    Lactating,
    ChildbearingPotential,
    PregnancyTest,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

fn choice(value: &str, label: &str) -> Choice {
    Choice {
        value: value.to_string(),
        label: label.to_string(),
    }
}

/// One form control of a question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// Form name: `QUESTION.FIELD`.
    pub name: String,
    pub label: String,
    pub input: Input,
    /// Shown only when another field of the question has one of these values
    /// (progressive enhancement: without JavaScript every field shows).
    pub show_when: Option<(String, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    Radio {
        choices: Vec<Choice>,
    },
    Select {
        choices: Vec<Choice>,
    },
    Date,
    Number {
        min: String,
        max: String,
        step: String,
    },
    /// A checkbox whose checked value is [`DONT_KNOW`].
    DontKnow,
}

impl Input {
    pub fn type_name(&self) -> &'static str {
        match self {
            Input::Radio { .. } => "radio",
            Input::Select { .. } => "select",
            Input::Date => "date",
            Input::Number { .. } => "number",
            Input::DontKnow => "dont_know",
        }
    }

    pub fn choices(&self) -> &[Choice] {
        match self {
            Input::Radio { choices } | Input::Select { choices } => choices,
            _ => &[],
        }
    }

    pub fn min(&self) -> &str {
        match self {
            Input::Number { min, .. } => min,
            _ => "",
        }
    }

    pub fn max(&self) -> &str {
        match self {
            Input::Number { max, .. } => max,
            _ => "",
        }
    }

    pub fn step(&self) -> &str {
        match self {
            Input::Number { step, .. } => step,
            _ => "",
        }
    }
}

// ---------------------------------------------------------------------------
// Building the questionnaire

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

fn vocab() -> &'static eligo_vocab::Vocabulary {
    eligo_vocab::vocabulary()
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

fn vaccine_code(k: VaccineKind) -> &'static str {
    match k {
        VaccineKind::Live => "live",
        VaccineKind::Inactivated => "inactivated",
        VaccineKind::Mrna => "mrna",
        VaccineKind::Any => "any",
    }
}

/// BILAG-2004 domains in BILAG's spelling, with labels.
pub const BILAG_DOMAINS: [(&str, &str); 9] = [
    ("constitutional", "Constitutional"),
    ("mucocutaneous", "Skin and mouth (mucocutaneous)"),
    ("neuropsychiatric", "Nervous system (neuropsychiatric)"),
    ("musculoskeletal", "Muscles and joints (musculoskeletal)"),
    ("cardiorespiratory", "Heart and lungs (cardiorespiratory)"),
    ("gastrointestinal", "Gut (gastrointestinal)"),
    ("ophthalmic", "Eyes (ophthalmic)"),
    ("renal", "Kidneys (renal)"),
    ("haematological", "Blood (haematological)"),
];

/// Units offered for an analyte: its canonical UCUM unit and the common
/// alternatives that eligo can convert to it.
pub fn unit_choices(analyte: &str) -> Vec<String> {
    let Some(a) = vocab().analyte(analyte) else {
        return vec![];
    };
    let canon = a.unit.as_str();
    let alts: &[&str] = match canon {
        "10*9/L" => &["10*3/uL", "/uL"],
        "g/L" => &["g/dL"],
        "umol/L" => &["mg/dL"],
        "g/d" => &["mg/d"],
        "kg" => &["[lb_av]"],
        "cm" => &["[in_i]"],
        "[IU]/mL" => &["[IU]/L"],
        "mg/g" => &["mg/mmol"],
        _ => &[],
    };
    let mut out = vec![canon.to_string()];
    for u in alts {
        let q = Quantity::new(Decimal::ONE, *u);
        if eligo_instruments::units::convert(&q, canon, a.conversion_analyte.as_deref()).is_ok() {
            out.push((*u).to_string());
        }
    }
    out
}

/// How a UCUM unit reads on a form.
pub fn unit_label(u: &str) -> String {
    match u {
        "10*9/L" => "×10⁹/L".into(),
        "10*3/uL" => "×10³/µL".into(),
        "/uL" => "cells/µL".into(),
        "umol/L" => "µmol/L".into(),
        "[lb_av]" => "lb".into(),
        "[in_i]" => "in".into(),
        "{INR}" => "(ratio)".into(),
        "mL/min/{1.73_m2}" => "mL/min/1.73 m²".into(),
        "[IU]/mL" => "IU/mL".into(),
        "[IU]/L" => "IU/L".into(),
        other => other
            .replace("umol", "µmol")
            .replace("uL", "µL")
            .replace("ug", "µg"),
    }
}

fn is_class(key: &str) -> bool {
    vocab()
        .medications()
        .iter()
        .any(|m| m.classes.iter().any(|c| c == key))
}

/// The agents of a class to choose from (none for a single agent).
fn medication_choices(agent: &str) -> Vec<Choice> {
    if !is_class(agent) {
        return vec![];
    }
    let mut out: Vec<Choice> = vocab()
        .medication_members(agent)
        .into_iter()
        .filter(|m| m.key != agent && !is_class(&m.key))
        .map(|m| choice(&m.key, &m.label))
        .collect();
    out.sort_by_key(|c| c.label.to_lowercase());
    out
}

fn vaccine_choices(kind: VaccineKind) -> Vec<Choice> {
    let mut out: Vec<Choice> = vocab()
        .medications()
        .iter()
        .filter(|m| {
            m.vaccine
                .is_some_and(|k| kind == VaccineKind::Any || k == kind)
                && (!m.cvx.is_empty() || !m.atc.is_empty())
        })
        .map(|m| choice(&m.key, &m.label))
        .collect();
    out.sort_by_key(|c| c.label.to_lowercase());
    out
}

// ---------------------------------------------------------------------------
// Form fields

fn radio(q: &Question, choices: Vec<Choice>) -> Field {
    Field {
        name: format!("{}.answer", q.id),
        label: q.text.clone(),
        input: Input::Radio { choices },
        show_when: None,
    }
}

fn sub(q: &Question, field: &str, label: &str, input: Input, when: &[&str]) -> Field {
    Field {
        name: format!("{}.{field}", q.id),
        label: label.to_string(),
        input,
        show_when: (!when.is_empty()).then(|| {
            (
                format!("{}.answer", q.id),
                when.iter().map(|s| s.to_string()).collect(),
            )
        }),
    }
}

fn dont_know(q: &Question) -> Field {
    Field {
        name: format!("{}.answer", q.id),
        label: "I don't know".into(),
        input: Input::DontKnow,
        show_when: None,
    }
}

fn number(min: &str, max: &str, step: &str) -> Input {
    Input::Number {
        min: min.into(),
        max: max.into(),
        step: step.into(),
    }
}

fn with_dont_know(mut choices: Vec<Choice>) -> Vec<Choice> {
    choices.push(choice(DONT_KNOW, "I don't know"));
    choices
}

impl Question {
    /// The form controls, in order.
    pub fn fields(&self) -> Vec<Field> {
        let q = self;
        match &self.kind {
            Kind::Age => vec![
                sub(q, "birth_date", "Date of birth", Input::Date, &[]),
                sub(q, "age", "or age in years", number("0", "130", "1"), &[]),
                dont_know(q),
            ],
            Kind::Sex => vec![radio(
                q,
                with_dont_know(vec![
                    choice("female", "Female"),
                    choice("male", "Male"),
                    choice("other", "Other"),
                ]),
            )],
            Kind::Condition {
                ask_grade, concept, ..
            } => {
                let mut f = vec![radio(
                    q,
                    with_dont_know(if concept == "pregnancy" {
                        vec![choice("current", "Yes"), choice("no", "No")]
                    } else {
                        vec![
                            choice("current", "Yes, I have it now"),
                            choice("past", "Yes, in the past (it has gone away)"),
                            choice("no", "No"),
                        ]
                    }),
                )];
                f.push(sub(
                    q,
                    "onset",
                    "When did it start? (if you know)",
                    Input::Date,
                    &["current", "past"],
                ));
                f.push(sub(
                    q,
                    "end",
                    "When did it end? (if you know)",
                    Input::Date,
                    &["past"],
                ));
                if *ask_grade {
                    f.push(sub(
                        q,
                        "grade",
                        "Grade (if your doctor gave one)",
                        number("1", "5", "1"),
                        &["current", "past"],
                    ));
                }
                f
            }
            Kind::Procedure { .. } => vec![
                radio(
                    q,
                    with_dont_know(vec![choice("yes", "Yes"), choice("no", "No")]),
                ),
                sub(
                    q,
                    "date",
                    "When? (the last time, if more than once)",
                    Input::Date,
                    &["yes"],
                ),
            ],
            Kind::Medication {
                choices,
                ask_dose,
                routes,
                ..
            } => {
                let mut f = vec![radio(
                    q,
                    with_dont_know(vec![
                        choice("now", "Yes, I take it now"),
                        choice("past", "Yes, in the past"),
                        choice("no", "No"),
                    ]),
                )];
                if !choices.is_empty() {
                    let mut c = choices.clone();
                    c.push(choice(DONT_KNOW, "Another one, or I don't know which"));
                    f.push(sub(
                        q,
                        "which",
                        "Which one?",
                        Input::Select { choices: c },
                        &["now", "past"],
                    ));
                }
                f.push(sub(q, "start", "Started on", Input::Date, &["now", "past"]));
                f.push(sub(q, "end", "Stopped on", Input::Date, &["past"]));
                if *ask_dose {
                    f.push(sub(
                        q,
                        "dose",
                        "Dose per day, in mg",
                        number("0", "100000", "any"),
                        &["now", "past"],
                    ));
                }
                if !routes.is_empty() {
                    let mut c: Vec<Choice> = routes
                        .iter()
                        .map(|r| choice(r, &r.replace('_', " ")))
                        .collect();
                    if !routes.iter().any(|r| r == "oral") {
                        c.push(choice("oral", "oral"));
                    }
                    c.push(choice(DONT_KNOW, "I don't know"));
                    f.push(sub(
                        q,
                        "route",
                        "How was it given?",
                        Input::Select { choices: c },
                        &["now", "past"],
                    ));
                }
                f
            }
            Kind::Lab {
                units,
                ask_uln,
                ask_lln,
                ..
            } => {
                let mut f = vec![
                    sub(q, "value", "Value", number("0", "1000000", "any"), &[]),
                    sub(
                        q,
                        "unit",
                        "Unit",
                        Input::Select {
                            choices: units.iter().map(|u| choice(u, &unit_label(u))).collect(),
                        },
                        &[],
                    ),
                    sub(q, "date", "Date of the test", Input::Date, &[]),
                ];
                if *ask_uln {
                    f.push(sub(
                        q,
                        "uln",
                        "Upper limit of normal on your lab report (same unit; leave empty if not shown)",
                        number("0", "1000000", "any"),
                        &[],
                    ));
                }
                if *ask_lln {
                    f.push(sub(
                        q,
                        "lln",
                        "Lower limit of normal on your lab report (same unit; leave empty if not shown)",
                        number("0", "1000000", "any"),
                        &[],
                    ));
                }
                f.push(dont_know(q));
                f
            }
            Kind::Qualitative { detectable, .. } => {
                let c = if *detectable {
                    vec![
                        choice("positive", "Detectable"),
                        choice("negative", "Not detectable"),
                    ]
                } else {
                    vec![
                        choice("positive", "Positive"),
                        choice("negative", "Negative"),
                    ]
                };
                vec![
                    radio(q, with_dont_know(c)),
                    sub(
                        q,
                        "date",
                        "Date of the test",
                        Input::Date,
                        &["positive", "negative"],
                    ),
                ]
            }
            Kind::Score {
                min,
                max,
                instrument,
            } => {
                let step = if *instrument == Instrument::Pga {
                    "0.1"
                } else {
                    "1"
                };
                vec![
                    sub(
                        q,
                        "value",
                        "Score",
                        number(&min.to_string(), &max.to_string(), step),
                        &[],
                    ),
                    sub(q, "date", "Date of the assessment", Input::Date, &[]),
                    dont_know(q),
                ]
            }
            Kind::Bilag => {
                let mut f: Vec<Field> = BILAG_DOMAINS
                    .iter()
                    .map(|(d, label)| {
                        sub(
                            q,
                            d,
                            label,
                            Input::Select {
                                choices: with_dont_know(
                                    ["A", "B", "C", "D", "E"]
                                        .iter()
                                        .map(|g| choice(g, g))
                                        .collect(),
                                ),
                            },
                            &[],
                        )
                    })
                    .collect();
                f.push(sub(q, "date", "Date of the assessment", Input::Date, &[]));
                f
            }
            Kind::Vaccination { choices, .. } => {
                let mut f = vec![radio(
                    q,
                    with_dont_know(vec![choice("yes", "Yes"), choice("no", "No")]),
                )];
                if !choices.is_empty() {
                    let mut c = choices.clone();
                    c.push(choice(DONT_KNOW, "Another one, or I don't know which"));
                    f.push(sub(
                        q,
                        "which",
                        "Which vaccine?",
                        Input::Select { choices: c },
                        &["yes"],
                    ));
                }
                f.push(sub(
                    q,
                    "date",
                    "When? (the last one)",
                    Input::Date,
                    &["yes"],
                ));
                f
            }
            Kind::Allergy { .. } => vec![radio(
                q,
                with_dont_know(vec![
                    choice(
                        "severe",
                        "Yes, a severe reaction (for example trouble breathing)",
                    ),
                    choice("mild", "Yes, a mild reaction"),
                    choice("no", "No"),
                ]),
            )],
            Kind::TrialParticipation => vec![
                radio(
                    q,
                    with_dont_know(vec![
                        choice("now", "Yes, I am in one now"),
                        choice("past", "Yes, in the past"),
                        choice("no", "No"),
                    ]),
                ),
                sub(q, "date", "When did it end?", Input::Date, &["past"]),
            ],
            Kind::Pregnant | Kind::Lactating => {
                vec![radio(
                    q,
                    with_dont_know(vec![choice("yes", "Yes"), choice("no", "No")]),
                )]
            }
            Kind::ChildbearingPotential => vec![radio(
                q,
                with_dont_know(vec![
                    choice("yes", "Yes, I could"),
                    choice("menopause", "No, I have gone through menopause"),
                    choice(
                        "surgery",
                        "No, I had surgery (womb or both ovaries removed)",
                    ),
                ]),
            )],
            Kind::PregnancyTest => vec![
                radio(
                    q,
                    with_dont_know(vec![
                        choice("negative", "Negative"),
                        choice("positive", "Positive"),
                    ]),
                ),
                sub(
                    q,
                    "date",
                    "Date of the test",
                    Input::Date,
                    &["negative", "positive"],
                ),
            ],
        }
    }
}

// ---------------------------------------------------------------------------
// Answers to facts

/// The answers as submitted: form name → value, only names the
/// questionnaire has, non-empty values, trimmed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, String>);

impl Answers {
    /// Keep the pairs that belong to `q`'s fields; reject over-long values.
    pub fn from_pairs<'a>(
        q: &Questionnaire,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Answers, Vec<Problem>> {
        let names: Vec<String> = q
            .questions
            .iter()
            .flat_map(|x| x.fields())
            .map(|f| f.name)
            .collect();
        let mut out = BTreeMap::new();
        let mut problems = Vec::new();
        for (k, v) in pairs {
            if !names.iter().any(|n| n == k) {
                continue;
            }
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            if v.chars().count() > MAX_VALUE {
                problems.push(Problem::new(k, "answer is too long"));
                continue;
            }
            // A "don't know" checkbox and a radio share the name: the radio's
            // real answer wins over the checkbox.
            if v == DONT_KNOW && out.contains_key(k) {
                continue;
            }
            out.insert(k.to_string(), v.to_string());
        }
        if problems.is_empty() {
            Ok(Answers(out))
        } else {
            Err(problems)
        }
    }

    pub fn get(&self, question: &str, field: &str) -> Option<&str> {
        self.0
            .get(&format!("{question}.{field}"))
            .map(String::as_str)
    }
}

/// A field whose answer cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl Problem {
    fn new(field: &str, message: impl Into<String>) -> Self {
        Problem {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// What a pre-screen made of the answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub facts: PatientFacts,
    /// Questions answered "I don't know" (or left empty).
    pub dont_know: Vec<String>,
}

struct Reader<'a> {
    answers: &'a Answers,
    as_of: Date,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    fn raw(&self, q: &Question, field: &str) -> Option<String> {
        self.answers.get(&q.id, field).map(str::to_string)
    }

    /// A choice answer; values outside `allowed` are a problem.
    fn pick(&mut self, q: &Question, field: &str, allowed: &[&str]) -> Option<String> {
        let v = self.raw(q, field)?;
        if v == DONT_KNOW {
            return None;
        }
        if allowed.contains(&v.as_str()) {
            Some(v)
        } else {
            self.problems.push(Problem::new(
                &format!("{}.{field}", q.id),
                "not one of the offered answers",
            ));
            None
        }
    }

    fn date(&mut self, q: &Question, field: &str) -> Option<Date> {
        let v = self.raw(q, field)?;
        let name = format!("{}.{field}", q.id);
        match crate::params::parse_date(&v) {
            Some(d) if d > self.as_of => {
                self.problems
                    .push(Problem::new(&name, "this date is in the future"));
                None
            }
            Some(d) => Some(d),
            None => {
                self.problems
                    .push(Problem::new(&name, "not a date (use YYYY-MM-DD)"));
                None
            }
        }
    }

    fn number(&mut self, q: &Question, field: &str, min: Decimal, max: Decimal) -> Option<Decimal> {
        let v = self.raw(q, field)?;
        let name = format!("{}.{field}", q.id);
        let t = if v.contains(',') && !v.contains('.') {
            v.replace(',', ".")
        } else {
            v.clone()
        };
        match Decimal::from_str(t.trim()) {
            Ok(d) if d >= min && d <= max => Some(d.normalize()),
            Ok(_) => {
                self.problems
                    .push(Problem::new(&name, format!("must be from {min} to {max}")));
                None
            }
            Err(_) => {
                self.problems.push(Problem::new(&name, "not a number"));
                None
            }
        }
    }
}

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
    let mut f = PatientFacts {
        id: PATIENT_ID.to_string(),
        ..PatientFacts::default()
    };
    let mut dont_know = Vec::new();
    for question in &q.questions {
        if !apply(&mut r, question, &mut f) {
            dont_know.push(question.text.clone());
        }
    }
    if r.problems.is_empty() {
        Ok(Outcome {
            facts: f,
            dont_know,
        })
    } else {
        Err(r.problems)
    }
}

/// Add the facts of one question; false when the answer was "I don't know"
/// (or none).
fn apply(r: &mut Reader<'_>, q: &Question, f: &mut PatientFacts) -> bool {
    let id = q.id.as_str();
    match &q.kind {
        Kind::Age => {
            let birth = r.date(q, "birth_date");
            let age = r.number(q, "age", Decimal::ZERO, Decimal::from(130));
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
                r.problems
                    .push(Problem::new(&format!("{id}.end"), "ends before it starts"));
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
            let unit = r
                .pick(q, "unit", &allowed)
                .or_else(|| units.first().cloned());
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

/// Every question's answer in words, for the coordinator's view.
pub fn describe(q: &Questionnaire, answers: &Answers) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for question in &q.questions {
        let mut parts = Vec::new();
        for field in question.fields() {
            let Some(v) = answers.0.get(&field.name) else {
                continue;
            };
            let shown = field
                .input
                .choices()
                .iter()
                .find(|c| &c.value == v)
                .map(|c| c.label.clone())
                .unwrap_or_else(|| {
                    if v == DONT_KNOW {
                        "I don't know".into()
                    } else {
                        v.clone()
                    }
                });
            let shown = if field.name.ends_with(".unit") {
                unit_label(v)
            } else {
                shown
            };
            if field.name.ends_with(".answer") {
                parts.push(shown);
            } else {
                parts.push(format!("{}: {shown}", field.label));
            }
        }
        let text = if parts.is_empty() {
            "(no answer)".to_string()
        } else {
            parts.join("; ")
        };
        out.push((question.text.clone(), text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let kept =
            Answers::from_pairs(&q, [("nope.answer", "x"), ("sex.answer", "female")]).unwrap();
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
}
