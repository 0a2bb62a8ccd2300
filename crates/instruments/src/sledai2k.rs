//! SLEDAI-2K (INSTRUMENTS.md §1): 24 descriptors weighted 8/4/2/1, summed to
//! 0-105. "Clinical SLEDAI" leaves out the two serological items (low
//! complement, increased DNA binding), which is what DORIS and LLDAS need.

use crate::input::{Field, InputError, Obj};
use serde::Serialize;
use serde_json::Value;

pub const ID: &str = "sledai2k";

/// One descriptor and its weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Item {
    pub name: &'static str,
    pub weight: u32,
    /// Left out of the clinical SLEDAI.
    pub serological: bool,
}

const fn item(name: &'static str, weight: u32) -> Item {
    Item {
        name,
        weight,
        serological: false,
    }
}

/// The 24 descriptors in the order of the published form.
pub static ITEMS: [Item; 24] = TABLE;

const TABLE: [Item; 24] = [
    item("seizure", 8),
    item("psychosis", 8),
    item("organic_brain_syndrome", 8),
    item("visual_disturbance", 8),
    item("cranial_nerve_disorder", 8),
    item("lupus_headache", 8),
    item("cva", 8),
    item("vasculitis", 8),
    item("arthritis", 4),
    item("myositis", 4),
    item("urinary_casts", 4),
    item("hematuria", 4),
    item("proteinuria", 4),
    item("pyuria", 4),
    item("rash", 2),
    item("alopecia", 2),
    item("mucosal_ulcers", 2),
    item("pleurisy", 2),
    item("pericarditis", 2),
    Item {
        name: "low_complement",
        weight: 2,
        serological: true,
    },
    Item {
        name: "increased_dna_binding",
        weight: 2,
        serological: true,
    },
    item("fever", 1),
    item("thrombocytopenia", 1),
    item("leukopenia", 1),
];

/// Input fields (all 24 required booleans).
pub static FIELDS: [Field; 24] = {
    let mut f = [crate::input::req("", "boolean"); 24];
    let mut i = 0;
    while i < 24 {
        f[i].name = TABLE[i].name;
        i += 1;
    }
    f
};

/// Which descriptors are present (attributed to lupus), in [`ITEMS`] order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Items(pub [bool; 24]);

impl Items {
    /// All absent.
    pub fn none() -> Items {
        Items([false; 24])
    }

    /// The items named present, the others absent; None for an unknown name.
    pub fn with(present: &[&str]) -> Option<Items> {
        let mut items = Items::none();
        for name in present {
            let i = ITEMS.iter().position(|it| it.name == *name)?;
            items.0[i] = true;
        }
        Some(items)
    }

    pub fn get(&self, name: &str) -> Option<bool> {
        ITEMS
            .iter()
            .position(|it| it.name == name)
            .map(|i| self.0[i])
    }

    /// Present items with their definitions.
    pub fn present(&self) -> impl Iterator<Item = &'static Item> + '_ {
        ITEMS
            .iter()
            .zip(self.0)
            .filter(|(_, p)| *p)
            .map(|(it, _)| it)
    }
}

/// Read the 24 booleans of an item map.
pub(crate) fn read(obj: &Obj) -> Result<Items, InputError> {
    let mut items = Items::none();
    for (i, it) in ITEMS.iter().enumerate() {
        items.0[i] = obj.bool(it.name)?;
    }
    Ok(items)
}

pub(crate) fn names() -> Vec<&'static str> {
    ITEMS.iter().map(|it| it.name).collect()
}

/// Parse a SLEDAI-2K input: the object itself is the item map.
pub fn from_json(v: &Value) -> Result<Items, InputError> {
    read(&Obj::root(v, &names())?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub total: u32,
    pub clinical_total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    /// Items counted, with their weights.
    pub counted: Vec<Item>,
    /// e.g. `8 + 4 + 4 + 2 + 2 + 1 = 21`.
    pub sum: String,
    /// Serological items subtracted for the clinical total.
    pub serological_counted: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Totals,
    pub breakdown: Breakdown,
}

/// Sum the weights of the present items.
pub fn score(items: &Items) -> Output {
    let counted: Vec<Item> = items.present().copied().collect();
    let total = counted.iter().map(|i| i.weight).sum();
    let clinical_total = counted
        .iter()
        .filter(|i| !i.serological)
        .map(|i| i.weight)
        .sum();
    let sum = if counted.is_empty() {
        "no item present = 0".to_string()
    } else {
        let terms: Vec<String> = counted.iter().map(|i| i.weight.to_string()).collect();
        format!("{} = {total}", terms.join(" + "))
    };
    Output {
        result: Totals {
            total,
            clinical_total,
        },
        breakdown: Breakdown {
            serological_counted: counted
                .iter()
                .filter(|i| i.serological)
                .map(|i| i.name)
                .collect(),
            counted,
            sum,
        },
    }
}
