//! ASTCT cytokine release syndrome grade (INSTRUMENTS.md §12, Lee 2019):
//! fever is the entry condition (waived once antipyretics or anti-cytokine
//! therapy mask it), then the worse of hypotension and hypoxia decides.

use crate::input::{Field, InputError, Obj, dec, opt, req};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

pub const ID: &str = "astct_crs";

pub const HYPOTENSION: [&str; 4] = [
    "none",
    "no_vasopressor",
    "one_vasopressor",
    "multiple_vasopressors",
];

pub const OXYGEN: [&str; 10] = [
    "none",
    "nasal_cannula",
    "blow_by",
    "high_flow_nasal_cannula",
    "facemask",
    "non_rebreather",
    "venturi",
    "cpap",
    "bipap",
    "mechanical_ventilation",
];

pub static FIELDS: &[Field] = &[
    req("temperature_c", "number 25-45 (highest temperature, °C)"),
    req("antipyretic_or_anticytokine_given", "boolean"),
    req(
        "hypotension",
        "none | no_vasopressor | one_vasopressor | multiple_vasopressors",
    ),
    req(
        "oxygen",
        "none | nasal_cannula | blow_by | high_flow_nasal_cannula | facemask | non_rebreather | venturi | cpap | bipap | mechanical_ventilation",
    ),
    opt(
        "oxygen_flow_l_min",
        "number >= 0 (required when oxygen = nasal_cannula)",
    ),
    opt("died_of_crs", "boolean (default false)"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub temperature_c: Decimal,
    pub antipyretic_or_anticytokine_given: bool,
    pub hypotension: &'static str,
    pub oxygen: &'static str,
    pub oxygen_flow_l_min: Option<Decimal>,
    pub died_of_crs: bool,
}

pub fn from_json(v: &Value) -> Result<Input, InputError> {
    let o = Obj::root(v, &crate::input::names(FIELDS))?;
    let input = Input {
        temperature_c: o.decimal("temperature_c", Some(dec("25")), Some(dec("45")))?,
        antipyretic_or_anticytokine_given: o.bool("antipyretic_or_anticytokine_given")?,
        hypotension: o.choice("hypotension", &HYPOTENSION)?,
        oxygen: o.choice("oxygen", &OXYGEN)?,
        oxygen_flow_l_min: o.opt_decimal(
            "oxygen_flow_l_min",
            Some(Decimal::ZERO),
            Some(dec("100")),
        )?,
        died_of_crs: o.opt_bool("died_of_crs")?.unwrap_or(false),
    };
    if input.oxygen == "nasal_cannula" && input.oxygen_flow_l_min.is_none() {
        return Err(o.error("oxygen_flow_l_min", crate::input::Problem::Missing));
    }
    Ok(input)
}

/// Hypotension grade: none 0, no vasopressor 2, one vasopressor 3, several 4.
pub fn hypotension_grade(h: &str) -> u8 {
    match h {
        "no_vasopressor" => 2,
        "one_vasopressor" => 3,
        "multiple_vasopressors" => 4,
        _ => 0,
    }
}

/// Hypoxia grade from the oxygen support (nasal cannula: ≤ 6 L/min is low
/// flow, grade 2; above, grade 3).
pub fn hypoxia_grade(oxygen: &str, flow_l_min: Option<Decimal>) -> u8 {
    match oxygen {
        "nasal_cannula" => {
            if flow_l_min.is_some_and(|f| f > Decimal::from(6)) {
                3
            } else {
                2
            }
        }
        "blow_by" => 2,
        "high_flow_nasal_cannula" | "facemask" | "non_rebreather" | "venturi" => 3,
        "cpap" | "bipap" | "mechanical_ventilation" => 4,
        _ => 0,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub grade: u8,
    pub fever: bool,
    pub hypotension_grade: u8,
    pub hypoxia_grade: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub fever: String,
    pub hypotension: String,
    pub hypoxia: String,
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Outcome,
    pub breakdown: Breakdown,
}

pub fn score(input: &Input) -> Output {
    let fever = input.temperature_c >= Decimal::from(38);
    let hypo = hypotension_grade(input.hypotension);
    let hypox = hypoxia_grade(input.oxygen, input.oxygen_flow_l_min);
    let (grade, rule) = if input.died_of_crs {
        (5, "death from CRS: grade 5".to_string())
    } else if !fever && !input.antipyretic_or_anticytokine_given {
        (
            0,
            "no fever (< 38.0 °C) and fever not masked by treatment: not CRS, grade 0".to_string(),
        )
    } else {
        let g = u8::from(fever).max(hypo).max(hypox);
        (
            g,
            format!(
                "max(fever {}, hypotension {hypo}, hypoxia {hypox}) = {g}{}",
                u8::from(fever),
                if fever {
                    ""
                } else {
                    " (fever waived after antipyretic/anti-cytokine therapy)"
                }
            ),
        )
    };
    let flow = input
        .oxygen_flow_l_min
        .map(|f| format!(" at {} L/min", f.normalize()))
        .unwrap_or_default();
    Output {
        result: Outcome {
            grade,
            fever,
            hypotension_grade: hypo,
            hypoxia_grade: hypox,
        },
        breakdown: Breakdown {
            fever: format!(
                "{} °C {} 38.0",
                input.temperature_c.normalize(),
                if fever { ">=" } else { "<" }
            ),
            hypotension: format!("{}: grade {hypo}", input.hypotension),
            hypoxia: format!("{}{flow}: grade {hypox}", input.oxygen),
            rule,
        },
    }
}
