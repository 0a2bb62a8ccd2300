//! NYHA functional class and LVEF category (INSTRUMENTS.md §16): reduced
//! ≤ 40 %, mildly reduced 41-49 %, preserved ≥ 50 %.

use crate::input::{Field, InputError, Obj, dec, opt, req};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

pub const ID: &str = "nyha";

pub const SYMPTOMS: [(&str, &str); 4] = [
    ("none", "I"),
    ("ordinary_activity", "II"),
    ("less_than_ordinary_activity", "III"),
    ("at_rest", "IV"),
];

pub static FIELDS: &[Field] = &[
    req(
        "symptoms",
        "none | ordinary_activity | less_than_ordinary_activity | at_rest",
    ),
    opt("lvef_percent", "number 0-100"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub symptoms: &'static str,
    pub lvef_percent: Option<Decimal>,
}

pub fn from_json(v: &Value) -> Result<Input, InputError> {
    let o = Obj::root(v, &crate::input::names(FIELDS))?;
    let names: Vec<&'static str> = SYMPTOMS.iter().map(|(s, _)| *s).collect();
    Ok(Input {
        symptoms: o.choice("symptoms", &names)?,
        lvef_percent: o.opt_decimal("lvef_percent", Some(Decimal::ZERO), Some(dec("100")))?,
    })
}

/// `reduced` if ≤ 40, `mildly_reduced` if > 40 and < 50, `preserved` if ≥ 50.
pub fn lvef_category(lvef: Decimal) -> &'static str {
    if lvef <= Decimal::from(40) {
        "reduced"
    } else if lvef < Decimal::from(50) {
        "mildly_reduced"
    } else {
        "preserved"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub class: &'static str,
    pub class_number: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lvef_category: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub symptoms: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lvef_percent: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Outcome,
    pub breakdown: Breakdown,
}

pub fn score(input: &Input) -> Output {
    let i = SYMPTOMS
        .iter()
        .position(|(s, _)| *s == input.symptoms)
        .unwrap_or(0);
    Output {
        result: Outcome {
            class: SYMPTOMS[i].1,
            class_number: i as u8 + 1,
            lvef_category: input.lvef_percent.map(lvef_category),
        },
        breakdown: Breakdown {
            symptoms: input.symptoms,
            lvef_percent: input.lvef_percent,
        },
    }
}
