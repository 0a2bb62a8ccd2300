//! Kidney function estimates the matcher also calls directly (MATCHING.md
//! rule 7): Cockcroft-Gault creatinine clearance (INSTRUMENTS.md §10) and
//! the race-free CKD-EPI 2021 eGFR (§11). Creatinine is in mg/dL; µmol/L
//! values are divided by 88.4 first (see [`crate::units::convert`]).

use crate::input::{Field, InputError, Obj, req};
use crate::units;
use eligo_model::Quantity;
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use serde::Serialize;
use serde_json::Value;

/// Cockcroft-Gault CrCl in mL/min: (140 − age) × weight_kg / (72 ×
/// creatinine_mg_dl), × 0.85 if female. Returns value and a one-line
/// computation string like "(140-52) x 61 kg / (72 x 1.28 mg/dL) x 0.85 =
/// 49.4 mL/min". Exact decimal arithmetic; a non-positive creatinine gives 0
/// and says so.
pub fn cockcroft_gault(
    age_years: u32,
    weight_kg: Decimal,
    creatinine_mg_dl: Decimal,
    female: bool,
) -> (Decimal, String) {
    let sex = if female { " x 0.85" } else { "" };
    let text = |v: &str| {
        format!(
            "(140-{age_years}) x {} kg / (72 x {} mg/dL){sex} = {v} mL/min",
            weight_kg.round_dp(4).normalize(),
            creatinine_mg_dl.round_dp(4).normalize()
        )
    };
    let value = (|| {
        if creatinine_mg_dl <= Decimal::ZERO {
            return None;
        }
        let numerator = (Decimal::from(140) - Decimal::from(age_years)).checked_mul(weight_kg)?;
        let denominator = Decimal::from(72).checked_mul(creatinine_mg_dl)?;
        let v = numerator.checked_div(denominator)?;
        if female {
            v.checked_mul(Decimal::new(85, 2))
        } else {
            Some(v)
        }
    })();
    match value {
        Some(v) => (v, text(&v.round_dp(2).normalize().to_string())),
        None => (
            Decimal::ZERO,
            text("not computable (creatinine must be positive)"),
        ),
    }
}

/// Constants of the CKD-EPI 2021 equation for one sex.
struct Epi {
    kappa: f64,
    alpha: f64,
    sex_factor: f64,
}

fn epi(female: bool) -> Epi {
    if female {
        Epi {
            kappa: 0.7,
            alpha: -0.241,
            sex_factor: 1.012,
        }
    } else {
        Epi {
            kappa: 0.9,
            alpha: -0.302,
            sex_factor: 1.0,
        }
    }
}

/// CKD-EPI 2021 (race-free) eGFR in mL/min/1.73 m2, with a computation
/// string. The powers are computed in binary floating point (the equation is
/// continuous; only its result is compared against thresholds) and the
/// result is rounded to 4 decimals.
pub fn ckd_epi_2021(age_years: u32, creatinine_mg_dl: Decimal, female: bool) -> (Decimal, String) {
    let e = epi(female);
    let scr = creatinine_mg_dl.to_f64().unwrap_or(0.0);
    let shown = creatinine_mg_dl.round_dp(4).normalize();
    let head = format!(
        "142 x min({shown}/{k},1)^{a} x max({shown}/{k},1)^-1.2 x 0.9938^{age_years}{sex}",
        k = e.kappa,
        a = e.alpha,
        sex = if female { " x 1.012" } else { "" },
    );
    if scr <= 0.0 || !scr.is_finite() {
        return (
            Decimal::ZERO,
            format!("{head} = not computable (creatinine must be positive)"),
        );
    }
    let ratio = scr / e.kappa;
    let v = 142.0
        * ratio.min(1.0).powf(e.alpha)
        * ratio.max(1.0).powf(-1.2)
        * 0.9938f64.powi(age_years.min(200) as i32)
        * e.sex_factor;
    let d = Decimal::from_f64(v)
        .map(|d| d.round_dp(4))
        .unwrap_or_default();
    (
        d,
        format!("{head} = {} mL/min/1.73m2", d.round_dp(2).normalize()),
    )
}

/// `"female"` | `"male"`.
fn read_sex(o: &Obj) -> Result<bool, InputError> {
    Ok(o.choice("sex", &["female", "male"])? == "female")
}

fn creatinine_mg_dl(q: &Quantity) -> (Decimal, String) {
    match units::convert(q, "mg/dL", Some("creatinine")) {
        Ok(c) => (c.quantity.value, c.explanation),
        // the input reader only lets through units that convert
        Err(e) => (Decimal::ZERO, e.to_string()),
    }
}

/// Accepted creatinine units.
pub const CREATININE_UNITS: [&str; 3] = ["mg/dL", "umol/L", "mmol/L"];
/// Accepted weight units.
pub const WEIGHT_UNITS: [&str; 3] = ["kg", "g", "[lb_av]"];

pub mod cockcroft_gault {
    //! The `cockcroft_gault` instrument.
    use super::*;

    pub const ID: &str = "cockcroft_gault";

    pub static FIELDS: &[Field] = &[
        req("age_years", "integer 18-120"),
        req("sex", "\"female\" | \"male\""),
        req("weight", "quantity (kg, g, [lb_av])"),
        req("creatinine", "quantity (mg/dL, umol/L, mmol/L)"),
    ];

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Input {
        pub age_years: u32,
        pub female: bool,
        pub weight: Quantity,
        pub creatinine: Quantity,
    }

    pub fn from_json(v: &Value) -> Result<Input, InputError> {
        let o = Obj::root(v, &crate::input::names(FIELDS))?;
        let age_years = o.int("age_years", 18, 120)? as u32;
        let female = read_sex(&o)?;
        let weight = o.quantity("weight", &WEIGHT_UNITS)?;
        if weight.value <= Decimal::ZERO {
            return Err(o.error(
                "weight",
                crate::input::Problem::OutOfRange {
                    value: weight.value.normalize().to_string(),
                    range: "> 0".into(),
                },
            ));
        }
        let creatinine = o.quantity("creatinine", &CREATININE_UNITS)?;
        if creatinine.value <= Decimal::ZERO {
            return Err(o.error(
                "creatinine",
                crate::input::Problem::OutOfRange {
                    value: creatinine.value.normalize().to_string(),
                    range: "> 0".into(),
                },
            ));
        }
        Ok(Input {
            age_years,
            female,
            weight,
            creatinine,
        })
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct Outcome {
        pub crcl_ml_min: Decimal,
        pub creatinine_mg_dl: Decimal,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct Breakdown {
        pub weight_kg: Decimal,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub weight_conversion: String,
        pub creatinine_mg_dl: Decimal,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub creatinine_conversion: String,
        pub numerator: Decimal,
        pub denominator: Decimal,
        pub sex_factor: Decimal,
        pub computation: String,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct Output {
        pub result: Outcome,
        pub breakdown: Breakdown,
    }

    pub fn score(input: &Input) -> Output {
        let (weight_kg, weight_conversion) = match units::convert(&input.weight, "kg", None) {
            Ok(c) => (c.quantity.value, c.explanation),
            Err(e) => (Decimal::ZERO, e.to_string()),
        };
        let (scr, creatinine_conversion) = creatinine_mg_dl(&input.creatinine);
        let (crcl, computation) = cockcroft_gault(input.age_years, weight_kg, scr, input.female);
        Output {
            result: Outcome {
                crcl_ml_min: crcl,
                creatinine_mg_dl: scr,
            },
            breakdown: Breakdown {
                weight_kg,
                weight_conversion,
                creatinine_mg_dl: scr,
                creatinine_conversion,
                numerator: (Decimal::from(140) - Decimal::from(input.age_years))
                    .checked_mul(weight_kg)
                    .unwrap_or_default(),
                denominator: Decimal::from(72).checked_mul(scr).unwrap_or_default(),
                sex_factor: if input.female {
                    Decimal::new(85, 2)
                } else {
                    Decimal::ONE
                },
                computation,
            },
        }
    }
}

pub mod ckd_epi_2021 {
    //! The `ckd_epi_2021` instrument.
    use super::*;

    pub const ID: &str = "ckd_epi_2021";

    pub static FIELDS: &[Field] = &[
        req("age_years", "integer 18-120"),
        req("sex", "\"female\" | \"male\""),
        req("creatinine", "quantity (mg/dL, umol/L, mmol/L)"),
    ];

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Input {
        pub age_years: u32,
        pub female: bool,
        pub creatinine: Quantity,
    }

    pub fn from_json(v: &Value) -> Result<Input, InputError> {
        let o = Obj::root(v, &crate::input::names(FIELDS))?;
        let age_years = o.int("age_years", 18, 120)? as u32;
        let female = read_sex(&o)?;
        let creatinine = o.quantity("creatinine", &CREATININE_UNITS)?;
        if creatinine.value <= Decimal::ZERO {
            return Err(o.error(
                "creatinine",
                crate::input::Problem::OutOfRange {
                    value: creatinine.value.normalize().to_string(),
                    range: "> 0".into(),
                },
            ));
        }
        Ok(Input {
            age_years,
            female,
            creatinine,
        })
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct Outcome {
        pub egfr: Decimal,
        pub creatinine_mg_dl: Decimal,
    }

    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct Breakdown {
        pub creatinine_mg_dl: Decimal,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub creatinine_conversion: String,
        pub kappa: f64,
        pub alpha: f64,
        pub scr_over_kappa: f64,
        pub min_term: f64,
        pub max_term: f64,
        pub age_term: f64,
        pub sex_factor: f64,
        pub computation: String,
    }

    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct Output {
        pub result: Outcome,
        pub breakdown: Breakdown,
    }

    pub fn score(input: &Input) -> Output {
        let (scr, creatinine_conversion) = creatinine_mg_dl(&input.creatinine);
        let (egfr, computation) = ckd_epi_2021(input.age_years, scr, input.female);
        let e = epi(input.female);
        let ratio = scr.to_f64().unwrap_or(0.0) / e.kappa;
        let round = |x: f64| (x * 1e5).round() / 1e5;
        Output {
            result: Outcome {
                egfr,
                creatinine_mg_dl: scr,
            },
            breakdown: Breakdown {
                creatinine_mg_dl: scr,
                creatinine_conversion,
                kappa: e.kappa,
                alpha: e.alpha,
                scr_over_kappa: round(ratio),
                min_term: round(ratio.min(1.0).powf(e.alpha)),
                max_term: round(ratio.max(1.0).powf(-1.2)),
                age_term: round(0.9938f64.powi(input.age_years as i32)),
                sex_factor: e.sex_factor,
                computation,
            },
        }
    }
}
