//! MAGIC acute GVHD staging and overall grade (INSTRUMENTS.md §15, Harris
//! 2016). Organ stages from BSA, total bilirubin and adult stool volume;
//! the overall grade is evaluated top-down (IV, III, II, I) and is not the
//! maximum stage: skin stage 3 alone is grade II.

use crate::input::{Field, InputError, Obj, dec, req};
use crate::units;
use eligo_model::Quantity;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

pub const ID: &str = "magic_agvhd";

pub static FIELDS: &[Field] = &[
    req("skin_rash_bsa_percent", "number 0-100"),
    req("skin_bullae_and_desquamation", "boolean"),
    req("bilirubin", "quantity (mg/dL, umol/L)"),
    req("upper_gi_persistent", "boolean"),
    req("stool_volume_ml_per_day", "number >= 0"),
    req("lower_gi_severe", "boolean"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub skin_rash_bsa_percent: Decimal,
    pub skin_bullae_and_desquamation: bool,
    pub bilirubin: Quantity,
    pub upper_gi_persistent: bool,
    pub stool_volume_ml_per_day: Decimal,
    pub lower_gi_severe: bool,
}

pub fn from_json(v: &Value) -> Result<Input, InputError> {
    let o = Obj::root(v, &crate::input::names(FIELDS))?;
    let bilirubin = o.quantity("bilirubin", &["mg/dL", "umol/L"])?;
    if bilirubin.value < Decimal::ZERO {
        return Err(o.error(
            "bilirubin",
            crate::input::Problem::OutOfRange {
                value: bilirubin.value.normalize().to_string(),
                range: ">= 0".into(),
            },
        ));
    }
    Ok(Input {
        skin_rash_bsa_percent: o.decimal(
            "skin_rash_bsa_percent",
            Some(Decimal::ZERO),
            Some(dec("100")),
        )?,
        skin_bullae_and_desquamation: o.bool("skin_bullae_and_desquamation")?,
        bilirubin,
        upper_gi_persistent: o.bool("upper_gi_persistent")?,
        stool_volume_ml_per_day: o.decimal("stool_volume_ml_per_day", Some(Decimal::ZERO), None)?,
        lower_gi_severe: o.bool("lower_gi_severe")?,
    })
}

/// Skin: 0 → 0, < 25 % → 1, 25-50 % → 2, > 50 % → 3; bullae and
/// desquamation → 4.
pub fn skin_stage(bsa: Decimal, bullae: bool) -> u8 {
    if bullae {
        4
    } else if bsa.is_zero() {
        0
    } else if bsa < Decimal::from(25) {
        1
    } else if bsa <= Decimal::from(50) {
        2
    } else {
        3
    }
}

/// Liver from total bilirubin in mg/dL, upper bounds inclusive: < 2 → 0,
/// 2-3 → 1, > 3-6 → 2, > 6-15 → 3, > 15 → 4.
pub fn liver_stage(bili_mg_dl: Decimal) -> u8 {
    if bili_mg_dl < Decimal::from(2) {
        0
    } else if bili_mg_dl <= Decimal::from(3) {
        1
    } else if bili_mg_dl <= Decimal::from(6) {
        2
    } else if bili_mg_dl <= Decimal::from(15) {
        3
    } else {
        4
    }
}

/// Lower GI from adult stool volume: < 500 → 0, 500-999 → 1, 1000-1500 →
/// 2, > 1500 → 3; severe pain, ileus or grossly bloody stool → 4.
pub fn lower_gi_stage(ml_per_day: Decimal, severe: bool) -> u8 {
    if severe {
        4
    } else if ml_per_day < Decimal::from(500) {
        0
    } else if ml_per_day < Decimal::from(1000) {
        1
    } else if ml_per_day <= Decimal::from(1500) {
        2
    } else {
        3
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stages {
    pub skin: u8,
    pub liver: u8,
    pub upper_gi: u8,
    pub lower_gi: u8,
}

/// The overall grade (0-4 for none, I-IV) from the organ stages.
pub fn overall_grade(s: &Stages) -> (u8, &'static str) {
    if s.skin == 4 || s.liver == 4 || s.lower_gi == 4 {
        (4, "IV: skin 4, liver 4 or lower GI 4")
    } else if (2..=3).contains(&s.liver) || (2..=3).contains(&s.lower_gi) {
        (3, "III: liver 2-3 and/or lower GI 2-3")
    } else if s.skin == 3 || s.liver == 1 || s.upper_gi == 1 || s.lower_gi == 1 {
        (2, "II: skin 3, liver 1, upper GI 1 or lower GI 1")
    } else if (1..=2).contains(&s.skin) {
        (1, "I: skin 1-2 only")
    } else {
        (0, "0: no organ at stage 1 or more")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub grade: u8,
    pub grade_roman: &'static str,
    pub stages: Stages,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub bilirubin_mg_dl: Decimal,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub bilirubin_conversion: String,
    pub rule: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Outcome,
    pub breakdown: Breakdown,
}

pub fn score(input: &Input) -> Output {
    let (bili, conv) = match units::convert(&input.bilirubin, "mg/dL", Some("bilirubin")) {
        Ok(c) => (c.quantity.value, c.explanation),
        Err(e) => (Decimal::ZERO, e.to_string()),
    };
    let stages = Stages {
        skin: skin_stage(
            input.skin_rash_bsa_percent,
            input.skin_bullae_and_desquamation,
        ),
        liver: liver_stage(bili),
        upper_gi: u8::from(input.upper_gi_persistent),
        lower_gi: lower_gi_stage(input.stool_volume_ml_per_day, input.lower_gi_severe),
    };
    let (grade, rule) = overall_grade(&stages);
    Output {
        result: Outcome {
            grade,
            grade_roman: ["0", "I", "II", "III", "IV"][usize::from(grade.min(4))],
            stages,
        },
        breakdown: Breakdown {
            bilirubin_mg_dl: bili,
            bilirubin_conversion: conv,
            rule,
        },
    }
}
