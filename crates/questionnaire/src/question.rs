//! The data types of a questionnaire: questions, their kinds, form fields.

use eligo_model::rule::{Instrument, VaccineKind};
use rust_decimal::Decimal;
use serde::Serialize;

/// The questions for one trial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Questionnaire {
    pub trial_id: String,
    /// Asked of a parent: the trial takes only children.
    pub for_child: bool,
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
    /// The group it is shown in.
    pub topic: Topic,
    /// Whether it asks for the trial's own condition (asked first).
    pub own_condition: bool,
    pub kind: Kind,
}

/// The groups questions are shown in, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// The condition the trial is for.
    Condition,
    AboutYou,
    /// Other diagnoses.
    Conditions,
    /// How active the disease is (scores, BILAG grades).
    Disease,
    Tests,
    Treatments,
    Pregnancy,
    Other,
}

impl Topic {
    /// The group's heading.
    pub fn title(self, child: bool) -> &'static str {
        match (self, child) {
            (Topic::Condition, _) => "The condition this study is for",
            (Topic::AboutYou, false) => "About you",
            (Topic::AboutYou, true) => "About your child",
            (Topic::Conditions, _) => "Other health conditions",
            (Topic::Disease, _) => "How active the disease is",
            (Topic::Tests, _) => "Test results",
            (Topic::Treatments, _) => "Medicines and treatments",
            (Topic::Pregnancy, _) => "Pregnancy",
            (Topic::Other, _) => "Other questions",
        }
    }
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

pub(crate) fn choice(value: &str, label: &str) -> Choice {
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
