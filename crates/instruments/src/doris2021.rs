//! DORIS 2021 remission (INSTRUMENTS.md §6): clinical SLEDAI 0, PGA < 0.5,
//! prednisone ≤ 5 mg/day, and stable maintenance therapy; serology ignored.

use crate::input::{Field, InputError, Obj, req};
use crate::{pga, sledai2k};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

pub const ID: &str = "doris2021";

pub static FIELDS: &[Field] = &[
    req("sledai2k_items", "object: the 24 SLEDAI-2K booleans"),
    req("pga", "number 0-3"),
    req(
        "prednisone_mg_per_day",
        "number >= 0 (prednisone equivalent)",
    ),
    req("maintenance_therapy_stable", "boolean"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub sledai2k_items: sledai2k::Items,
    pub pga: Decimal,
    pub prednisone_mg_per_day: Decimal,
    pub maintenance_therapy_stable: bool,
}

pub fn from_json(v: &Value) -> Result<Input, InputError> {
    let o = Obj::root(v, &crate::input::names(FIELDS))?;
    let items = o.obj("sledai2k_items", &sledai2k::names())?;
    let (lo, hi) = pga::range();
    Ok(Input {
        sledai2k_items: sledai2k::read(&items)?,
        pga: o.decimal("pga", lo, hi)?,
        prednisone_mg_per_day: o.decimal("prednisone_mg_per_day", Some(Decimal::ZERO), None)?,
        maintenance_therapy_stable: o.bool("maintenance_therapy_stable")?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub remission: bool,
    pub clinical_sledai: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub criterion: &'static str,
    pub met: bool,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub criteria: Vec<Criterion>,
    pub sledai2k: sledai2k::Breakdown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Outcome,
    pub breakdown: Breakdown,
}

pub fn score(input: &Input) -> Output {
    let s = sledai2k::score(&input.sledai2k_items);
    let clinical = s.result.clinical_total;
    let criteria = vec![
        Criterion {
            criterion: "clinical SLEDAI = 0",
            met: clinical == 0,
            value: clinical.to_string(),
        },
        Criterion {
            criterion: "PGA < 0.5",
            met: input.pga < Decimal::new(5, 1),
            value: input.pga.normalize().to_string(),
        },
        Criterion {
            criterion: "prednisone <= 5 mg/day",
            met: input.prednisone_mg_per_day <= Decimal::from(5),
            value: input.prednisone_mg_per_day.normalize().to_string(),
        },
        Criterion {
            criterion: "maintenance therapy stable",
            met: input.maintenance_therapy_stable,
            value: input.maintenance_therapy_stable.to_string(),
        },
    ];
    Output {
        result: Outcome {
            remission: criteria.iter().all(|c| c.met),
            clinical_sledai: clinical,
        },
        breakdown: Breakdown {
            criteria,
            sledai2k: s.breakdown,
        },
    }
}
