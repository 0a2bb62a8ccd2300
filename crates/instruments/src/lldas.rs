//! Lupus Low Disease Activity State (INSTRUMENTS.md §7, Franklyn 2016): all
//! five criteria, with "major organ" activity read from the SLEDAI-2K items
//! (CNS, vasculitis, renal, cardiopulmonary, fever) plus haemolytic anaemia
//! and gastrointestinal activity.

use crate::input::{Field, InputError, Obj, req};
use crate::{pga, sledai2k};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

pub const ID: &str = "lldas";

pub static FIELDS: &[Field] = &[
    req("sledai2k_items", "object: the 24 SLEDAI-2K booleans"),
    req("hemolytic_anemia", "boolean"),
    req("gastrointestinal_activity", "boolean"),
    req("new_activity_since_last_assessment", "boolean"),
    req("pga", "number 0-3"),
    req("prednisone_mg_per_day", "number >= 0"),
    req("maintenance_therapy_standard_and_tolerated", "boolean"),
];

/// SLEDAI-2K items that are major-organ activity, by system.
pub static MAJOR_ORGAN_ITEMS: &[(&str, &[&str])] = &[
    (
        "CNS",
        &[
            "seizure",
            "psychosis",
            "organic_brain_syndrome",
            "visual_disturbance",
            "cranial_nerve_disorder",
            "lupus_headache",
            "cva",
        ],
    ),
    ("vasculitis", &["vasculitis"]),
    (
        "renal",
        &["urinary_casts", "hematuria", "proteinuria", "pyuria"],
    ),
    ("cardiopulmonary", &["pleurisy", "pericarditis"]),
    ("fever", &["fever"]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub sledai2k_items: sledai2k::Items,
    pub hemolytic_anemia: bool,
    pub gastrointestinal_activity: bool,
    pub new_activity_since_last_assessment: bool,
    pub pga: Decimal,
    pub prednisone_mg_per_day: Decimal,
    pub maintenance_therapy_standard_and_tolerated: bool,
}

pub fn from_json(v: &Value) -> Result<Input, InputError> {
    let o = Obj::root(v, &crate::input::names(FIELDS))?;
    let items = o.obj("sledai2k_items", &sledai2k::names())?;
    let (lo, hi) = pga::range();
    Ok(Input {
        sledai2k_items: sledai2k::read(&items)?,
        hemolytic_anemia: o.bool("hemolytic_anemia")?,
        gastrointestinal_activity: o.bool("gastrointestinal_activity")?,
        new_activity_since_last_assessment: o.bool("new_activity_since_last_assessment")?,
        pga: o.decimal("pga", lo, hi)?,
        prednisone_mg_per_day: o.decimal("prednisone_mg_per_day", Some(Decimal::ZERO), None)?,
        maintenance_therapy_standard_and_tolerated: o
            .bool("maintenance_therapy_standard_and_tolerated")?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub lldas: bool,
    pub sledai2k: u32,
    pub major_organ_activity: bool,
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
    /// Major-organ findings present (SLEDAI items, haemolytic anaemia, GI).
    pub major_organ_findings: Vec<String>,
    pub sledai2k: sledai2k::Breakdown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Outcome,
    pub breakdown: Breakdown,
}

pub fn score(input: &Input) -> Output {
    let s = sledai2k::score(&input.sledai2k_items);
    let mut findings: Vec<String> = MAJOR_ORGAN_ITEMS
        .iter()
        .flat_map(|(system, items)| {
            items
                .iter()
                .filter(|i| input.sledai2k_items.get(i) == Some(true))
                .map(move |i| format!("{system}: {i}"))
        })
        .collect();
    if input.hemolytic_anemia {
        findings.push("hemolytic_anemia".into());
    }
    if input.gastrointestinal_activity {
        findings.push("gastrointestinal_activity".into());
    }
    let major = !findings.is_empty();
    let total = s.result.total;
    let criteria = vec![
        Criterion {
            criterion: "SLEDAI-2K <= 4 with no major-organ activity",
            met: total <= 4 && !major,
            value: format!("SLEDAI-2K {total}; major-organ activity {major}"),
        },
        Criterion {
            criterion: "no new lupus activity since the last assessment",
            met: !input.new_activity_since_last_assessment,
            value: input.new_activity_since_last_assessment.to_string(),
        },
        Criterion {
            criterion: "PGA <= 1",
            met: input.pga <= Decimal::ONE,
            value: input.pga.normalize().to_string(),
        },
        Criterion {
            criterion: "prednisone <= 7.5 mg/day",
            met: input.prednisone_mg_per_day <= Decimal::new(75, 1),
            value: input.prednisone_mg_per_day.normalize().to_string(),
        },
        Criterion {
            criterion: "standard, well-tolerated maintenance therapy",
            met: input.maintenance_therapy_standard_and_tolerated,
            value: input.maintenance_therapy_standard_and_tolerated.to_string(),
        },
    ];
    Output {
        result: Outcome {
            lldas: criteria.iter().all(|c| c.met),
            sledai2k: total,
            major_organ_activity: major,
        },
        breakdown: Breakdown {
            criteria,
            major_organ_findings: findings,
            sledai2k: s.breakdown,
        },
    }
}
