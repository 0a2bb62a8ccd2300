//! Choices taken from the vocabulary: units an analyte can be given in,
//! the agents of a medicine class, vaccines; and how units read.

use crate::question::{Choice, choice};
use crate::vocab;
use eligo_model::Quantity;
use eligo_model::rule::VaccineKind;
use rust_decimal::Decimal;

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

pub(crate) fn is_class(key: &str) -> bool {
    vocab()
        .medications()
        .iter()
        .any(|m| m.classes.iter().any(|c| c == key))
}

/// The agents of a class to choose from (none for a single agent).
pub(crate) fn medication_choices(agent: &str) -> Vec<Choice> {
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

pub(crate) fn vaccine_choices(kind: VaccineKind) -> Vec<Choice> {
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
