//! 2019 EULAR/ACR classification criteria for SLE (INSTRUMENTS.md §9): the
//! ANA entry criterion, then weighted criteria in 10 domains where only the
//! highest-weighted criterion of each domain counts; classified at a total of
//! 10 or more with at least one clinical criterion.

use crate::input::{Field, InputError, Obj, opt, req};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

pub const ID: &str = "eular_acr_2019";

/// A weighted criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub domain: &'static str,
    /// The input field, or for complement `low_c3_or_low_c4` /
    /// `low_c3_and_low_c4`.
    pub name: &'static str,
    pub weight: u32,
}

const fn k(domain: &'static str, name: &'static str, weight: u32) -> Criterion {
    Criterion {
        domain,
        name,
        weight,
    }
}

/// Domains in result order, with whether they are clinical.
pub const DOMAINS: [(&str, bool); 10] = [
    ("constitutional", true),
    ("hematologic", true),
    ("neuropsychiatric", true),
    ("mucocutaneous", true),
    ("serosal", true),
    ("musculoskeletal", true),
    ("renal", true),
    ("antiphospholipid", false),
    ("complement", false),
    ("sle_specific_antibodies", false),
];

pub static CRITERIA: &[Criterion] = &[
    k("constitutional", "fever", 2),
    k("hematologic", "leukopenia", 3),
    k("hematologic", "thrombocytopenia", 4),
    k("hematologic", "autoimmune_hemolysis", 4),
    k("neuropsychiatric", "delirium", 2),
    k("neuropsychiatric", "psychosis", 3),
    k("neuropsychiatric", "seizure", 5),
    k("mucocutaneous", "non_scarring_alopecia", 2),
    k("mucocutaneous", "oral_ulcers", 2),
    k("mucocutaneous", "subacute_cutaneous_or_discoid_lupus", 4),
    k("mucocutaneous", "acute_cutaneous_lupus", 6),
    k("serosal", "pleural_or_pericardial_effusion", 5),
    k("serosal", "acute_pericarditis", 6),
    k("musculoskeletal", "joint_involvement", 6),
    k("renal", "proteinuria", 4),
    k("renal", "renal_biopsy_class_ii_or_v", 8),
    k("renal", "renal_biopsy_class_iii_or_iv", 10),
    k("antiphospholipid", "antiphospholipid_antibodies", 2),
    k("complement", "low_c3_or_low_c4", 3),
    k("complement", "low_c3_and_low_c4", 4),
    k("sle_specific_antibodies", "anti_dsdna_or_anti_smith", 6),
];

/// The 21 boolean inputs (complement is read as `low_c3` and `low_c4`).
pub const BOOLEANS: [&str; 21] = [
    "fever",
    "leukopenia",
    "thrombocytopenia",
    "autoimmune_hemolysis",
    "delirium",
    "psychosis",
    "seizure",
    "non_scarring_alopecia",
    "oral_ulcers",
    "subacute_cutaneous_or_discoid_lupus",
    "acute_cutaneous_lupus",
    "pleural_or_pericardial_effusion",
    "acute_pericarditis",
    "joint_involvement",
    "proteinuria",
    "renal_biopsy_class_ii_or_v",
    "renal_biopsy_class_iii_or_iv",
    "antiphospholipid_antibodies",
    "low_c3",
    "low_c4",
    "anti_dsdna_or_anti_smith",
];

pub static FIELDS: [Field; 23] = {
    let mut f = [req("", "boolean"); 23];
    f[0] = req(
        "ana_titer",
        "integer >= 0 (reciprocal titre: 160 = 1:160; 0 = negative)",
    );
    f[1] = opt("ana_equivalent_positive", "boolean (default false)");
    let mut i = 0;
    while i < 21 {
        f[i + 2].name = BOOLEANS[i];
        i += 1;
    }
    f
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub ana_titer: u32,
    pub ana_equivalent_positive: bool,
    /// The criteria present, by input name (`low_c3`, `low_c4` included).
    pub present: Vec<&'static str>,
}

impl Input {
    /// A titre and the criteria present; None for an unknown name.
    pub fn with(ana_titer: u32, present: &[&str]) -> Option<Input> {
        let present = present
            .iter()
            .map(|p| BOOLEANS.iter().find(|b| *b == p).copied())
            .collect::<Option<Vec<_>>>()?;
        Some(Input {
            ana_titer,
            ana_equivalent_positive: false,
            present,
        })
    }

    fn has(&self, name: &str) -> bool {
        self.present.contains(&name)
    }

    fn meets(&self, c: &Criterion) -> bool {
        match c.name {
            "low_c3_or_low_c4" => self.has("low_c3") || self.has("low_c4"),
            "low_c3_and_low_c4" => self.has("low_c3") && self.has("low_c4"),
            n => self.has(n),
        }
    }
}

pub fn from_json(v: &Value) -> Result<Input, InputError> {
    let o = Obj::root(v, &crate::input::names(&FIELDS))?;
    let ana_titer = o.int("ana_titer", 0, 1_000_000)? as u32;
    let ana_equivalent_positive = o.opt_bool("ana_equivalent_positive")?.unwrap_or(false);
    let mut present = Vec::new();
    for name in BOOLEANS {
        if o.bool(name)? {
            present.push(name);
        }
    }
    Ok(Input {
        ana_titer,
        ana_equivalent_positive,
        present,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub entry_criterion_met: bool,
    pub total: u32,
    pub has_clinical_criterion: bool,
    pub classified: bool,
    pub domains: BTreeMap<&'static str, u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainDetail {
    pub domain: &'static str,
    pub clinical: bool,
    /// Criteria met in this domain with their weights.
    pub met: Vec<Criterion>,
    /// The highest weight, the only one that counts.
    pub counted: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub entry: String,
    pub domains: Vec<DomainDetail>,
    /// e.g. `2 + 4 + 6 + 6 = 18 >= 10`.
    pub sum: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Outcome,
    pub breakdown: Breakdown,
}

pub fn score(input: &Input) -> Output {
    let entry = input.ana_titer >= 80 || input.ana_equivalent_positive;
    let details: Vec<DomainDetail> = DOMAINS
        .iter()
        .map(|(d, clinical)| {
            let met: Vec<Criterion> = CRITERIA
                .iter()
                .filter(|c| c.domain == *d && input.meets(c))
                .copied()
                .collect();
            DomainDetail {
                domain: d,
                clinical: *clinical,
                counted: met.iter().map(|c| c.weight).max().unwrap_or(0),
                met,
            }
        })
        .collect();
    let total: u32 = details.iter().map(|d| d.counted).sum();
    let has_clinical = details.iter().any(|d| d.clinical && d.counted > 0);
    let terms: Vec<String> = details
        .iter()
        .filter(|d| d.counted > 0)
        .map(|d| d.counted.to_string())
        .collect();
    let sum = format!(
        "{} = {total} {} 10",
        if terms.is_empty() {
            "0".to_string()
        } else {
            terms.join(" + ")
        },
        if total >= 10 { ">=" } else { "<" }
    );
    Output {
        result: Outcome {
            entry_criterion_met: entry,
            total,
            has_clinical_criterion: has_clinical,
            classified: entry && total >= 10 && has_clinical,
            domains: details.iter().map(|d| (d.domain, d.counted)).collect(),
        },
        breakdown: Breakdown {
            entry: format!(
                "ANA 1:{}{}: {}",
                input.ana_titer,
                if input.ana_equivalent_positive {
                    " (equivalent positive test)"
                } else {
                    ""
                },
                if entry {
                    "entry criterion met"
                } else {
                    "entry criterion not met (ANA >= 1:80 needed)"
                }
            ),
            domains: details,
            sum,
        },
    }
}
