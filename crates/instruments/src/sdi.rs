//! SLICC/ACR Damage Index (INSTRUMENTS.md §8): 12 organ domains, 0-47. Items
//! that can score 2 ("repeat events", "more than one site") take a count of
//! qualifying events and score min(count, 2); end-stage renal disease scores
//! 3 and replaces the other renal items.

use crate::input::{Field, InputError, Obj, req};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

pub const ID: &str = "sdi";

/// How an item scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// true = 1 point.
    Boolean,
    /// A count of qualifying events or sites: min(count, 2) points.
    Count,
    /// End-stage renal disease: 3 points, replacing the renal domain's
    /// other items.
    Replaces,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Item {
    pub domain: &'static str,
    pub name: &'static str,
    pub kind: Kind,
}

const fn b(domain: &'static str, name: &'static str) -> Item {
    Item {
        domain,
        name,
        kind: Kind::Boolean,
    }
}

const fn c(domain: &'static str, name: &'static str) -> Item {
    Item {
        domain,
        name,
        kind: Kind::Count,
    }
}

/// The 12 domains in result order.
pub const DOMAINS: [&str; 12] = [
    "ocular",
    "neuropsychiatric",
    "renal",
    "pulmonary",
    "cardiovascular",
    "peripheral_vascular",
    "gastrointestinal",
    "musculoskeletal",
    "skin",
    "premature_gonadal_failure",
    "diabetes",
    "malignancy",
];

pub static ITEMS: [Item; 41] = TABLE;

const TABLE: [Item; 41] = [
    b("ocular", "cataract"),
    b("ocular", "retinal_change_or_optic_atrophy"),
    b(
        "neuropsychiatric",
        "cognitive_impairment_or_major_psychosis",
    ),
    b("neuropsychiatric", "seizures_requiring_therapy_6_months"),
    c("neuropsychiatric", "cerebrovascular_accident"),
    b("neuropsychiatric", "cranial_or_peripheral_neuropathy"),
    b("neuropsychiatric", "transverse_myelitis"),
    b("renal", "gfr_below_50_percent"),
    b("renal", "proteinuria_ge_3_5_g_24h"),
    Item {
        domain: "renal",
        name: "end_stage_renal_disease",
        kind: Kind::Replaces,
    },
    b("pulmonary", "pulmonary_hypertension"),
    b("pulmonary", "pulmonary_fibrosis"),
    b("pulmonary", "shrinking_lung"),
    b("pulmonary", "pleural_fibrosis"),
    b("pulmonary", "pulmonary_infarction_or_resection"),
    b("cardiovascular", "angina_or_coronary_bypass"),
    c("cardiovascular", "myocardial_infarction"),
    b("cardiovascular", "cardiomyopathy"),
    b("cardiovascular", "valvular_disease"),
    b("cardiovascular", "pericarditis_6_months_or_pericardiectomy"),
    b("peripheral_vascular", "claudication_6_months"),
    b("peripheral_vascular", "minor_tissue_loss"),
    c("peripheral_vascular", "significant_tissue_loss"),
    b(
        "peripheral_vascular",
        "venous_thrombosis_with_swelling_ulceration_or_stasis",
    ),
    c("gastrointestinal", "gi_infarction_or_resection"),
    b("gastrointestinal", "mesenteric_insufficiency"),
    b("gastrointestinal", "chronic_peritonitis"),
    b("gastrointestinal", "stricture_or_upper_gi_surgery"),
    b("gastrointestinal", "pancreatic_insufficiency"),
    b("musculoskeletal", "muscle_atrophy_or_weakness"),
    b("musculoskeletal", "deforming_or_erosive_arthritis"),
    b(
        "musculoskeletal",
        "osteoporosis_with_fracture_or_vertebral_collapse",
    ),
    c("musculoskeletal", "avascular_necrosis"),
    b("musculoskeletal", "osteomyelitis"),
    b("musculoskeletal", "ruptured_tendons"),
    b("skin", "scarring_chronic_alopecia"),
    b("skin", "extensive_scarring_or_panniculum"),
    b("skin", "skin_ulceration_6_months"),
    b("premature_gonadal_failure", "premature_gonadal_failure"),
    b("diabetes", "diabetes"),
    c("malignancy", "malignancy"),
];

pub static FIELDS: [Field; 41] = {
    let mut f = [req("", "boolean"); 41];
    let mut i = 0;
    while i < 41 {
        f[i].name = TABLE[i].name;
        if let Kind::Count = TABLE[i].kind {
            f[i].kind = "integer >= 0 (qualifying events or sites; scores min(n, 2))";
        }
        i += 1;
    }
    f
};

/// Item values: 0/1 for booleans, the count for count items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input(pub [u32; 41]);

impl Input {
    /// All items absent, then the listed ones set (1 for a boolean).
    pub fn with(set: &[(&str, u32)]) -> Option<Input> {
        let mut v = [0; 41];
        for (name, n) in set {
            v[ITEMS.iter().position(|i| i.name == *name)?] = *n;
        }
        Some(Input(v))
    }
}

pub fn from_json(v: &Value) -> Result<Input, InputError> {
    let names: Vec<&str> = ITEMS.iter().map(|i| i.name).collect();
    let o = Obj::root(v, &names)?;
    let mut vals = [0; 41];
    for (i, it) in ITEMS.iter().enumerate() {
        vals[i] = match it.kind {
            Kind::Count => o.int(it.name, 0, 1000)? as u32,
            Kind::Boolean | Kind::Replaces => u32::from(o.bool(it.name)?),
        };
    }
    Ok(Input(vals))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub total: u32,
    pub domains: BTreeMap<&'static str, u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counted {
    pub domain: &'static str,
    pub item: &'static str,
    /// The input (1 for a boolean, the count for a count item).
    pub value: u32,
    pub points: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub counted: Vec<Counted>,
    /// Items present but not added (the renal items when ESRD scores 3).
    pub replaced: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Outcome,
    pub breakdown: Breakdown,
}

pub fn score(input: &Input) -> Output {
    let esrd = ITEMS
        .iter()
        .zip(input.0)
        .any(|(i, v)| i.kind == Kind::Replaces && v > 0);
    let mut domains: BTreeMap<&'static str, u32> = DOMAINS.iter().map(|d| (*d, 0)).collect();
    let mut counted = Vec::new();
    let mut replaced = Vec::new();
    for (it, v) in ITEMS.iter().zip(input.0) {
        if v == 0 {
            continue;
        }
        let points = match it.kind {
            Kind::Boolean => 1,
            Kind::Count => v.min(2),
            Kind::Replaces => 3,
        };
        if esrd && it.domain == "renal" && it.kind != Kind::Replaces {
            replaced.push(it.name);
            continue;
        }
        *domains.entry(it.domain).or_default() += points;
        counted.push(Counted {
            domain: it.domain,
            item: it.name,
            value: v,
            points,
        });
    }
    Output {
        result: Outcome {
            total: domains.values().sum(),
            domains,
        },
        breakdown: Breakdown { counted, replaced },
    }
}
