//! The `unit_convert` instrument (INSTRUMENTS.md §17): convert a laboratory
//! value between the units accepted for its analyte, with the factor used.

use crate::input::{Field, InputError, Obj, Problem, req};
use crate::units;
use eligo_model::Quantity;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

pub const ID: &str = "unit_convert";

/// Analytes, the units accepted for each, and the molar-mass key used.
pub static ANALYTES: &[(&str, &[&str], Option<&str>)] = &[
    (
        "creatinine",
        &["mg/dL", "mg/L", "umol/L", "mmol/L"],
        Some("creatinine"),
    ),
    ("bilirubin", &["mg/dL", "mg/L", "umol/L"], Some("bilirubin")),
    ("hemoglobin", &["g/dL", "g/L", "mmol/L"], Some("hemoglobin")),
    ("glucose", &["mg/dL", "mmol/L"], Some("glucose")),
    ("albumin", &["g/dL", "g/L"], None),
    ("total_protein", &["g/dL", "g/L"], None),
    ("cell_count", &["10*9/L", "10*3/uL", "/uL", "/mm3"], None),
    ("urine_protein_24h", &["g/(24.h)", "mg/(24.h)"], None),
    (
        "upcr",
        &["mg/mg", "g/g", "mg/g", "mg/mmol"],
        Some("creatinine"),
    ),
    ("weight", &["kg", "g", "[lb_av]"], None),
    ("temperature", &["Cel", "[degF]"], None),
];

pub static FIELDS: &[Field] = &[
    req(
        "analyte",
        "creatinine | bilirubin | hemoglobin | glucose | albumin | total_protein | cell_count | urine_protein_24h | upcr | weight | temperature",
    ),
    req("value", "number"),
    req("from", "UCUM unit accepted for the analyte"),
    req("to", "UCUM unit accepted for the analyte"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub analyte: &'static str,
    pub value: Decimal,
    pub from: String,
    pub to: String,
}

pub fn from_json(v: &Value) -> Result<Input, InputError> {
    let o = Obj::root(v, &crate::input::names(FIELDS))?;
    let names: Vec<&'static str> = ANALYTES.iter().map(|(a, _, _)| *a).collect();
    let analyte = o.choice("analyte", &names)?;
    let accepted = ANALYTES
        .iter()
        .find(|(a, _, _)| *a == analyte)
        .map_or(&[][..], |(_, u, _)| *u);
    let value = o.decimal("value", None, None)?;
    let unit = |key: &str| -> Result<String, InputError> {
        let s = o.string(key)?;
        let bad = |why: String| {
            o.error(
                key,
                Problem::Unit(format!(
                    "{why} (accepted for {analyte}: {})",
                    accepted.join(", ")
                )),
            )
        };
        let u = units::parse_unit(s).map_err(|e| bad(e.to_string()))?;
        accepted
            .iter()
            .find(|a| **a == s)
            .or_else(|| {
                accepted
                    .iter()
                    .find(|a| units::parse_unit(a).is_ok_and(|x| x.same_as(&u)))
            })
            .map(|a| a.to_string())
            .ok_or_else(|| bad(format!("{s:?} is not valid for {analyte}")))
    };
    Ok(Input {
        analyte,
        value,
        from: unit("from")?,
        to: unit("to")?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub value: Decimal,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub from: String,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Outcome,
    pub breakdown: Breakdown,
}

/// Convert; Err only when the value is too large to convert.
pub fn score(input: &Input) -> Result<Output, units::UnitError> {
    let molar = ANALYTES
        .iter()
        .find(|(a, _, _)| *a == input.analyte)
        .and_then(|(_, _, m)| *m);
    let q = Quantity::new(input.value, input.from.clone());
    let c = units::convert(&q, &input.to, molar)?;
    Ok(Output {
        result: Outcome {
            value: c.quantity.value,
            unit: input.to.clone(),
        },
        breakdown: Breakdown {
            from: format!("{} {}", input.value.normalize(), input.from),
            explanation: if c.explanation.is_empty() {
                "same unit: no conversion".into()
            } else {
                c.explanation
            },
        },
    })
}
