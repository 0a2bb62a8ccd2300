//! ASTCT ICANS grade for adults (INSTRUMENTS.md §14): the most severe of five
//! domains (ICE score, consciousness, seizure, motor findings, cerebral
//! oedema). An ICE of 0 in an unarousable patient is grade 4 through the
//! consciousness domain.

use crate::input::{Field, InputError, Obj, req};
use serde::Serialize;
use serde_json::Value;

pub const ID: &str = "astct_icans";

pub const CONSCIOUSNESS: [(&str, u8); 5] = [
    ("alert", 0),
    ("awakens_spontaneously", 1),
    ("awakens_to_voice", 2),
    ("awakens_to_tactile", 3),
    ("unarousable", 4),
];
pub const SEIZURE: [(&str, u8); 3] = [
    ("none", 0),
    ("rapidly_resolving", 3),
    ("prolonged_or_repetitive", 4),
];
pub const MOTOR: [(&str, u8); 2] = [("none", 0), ("deep_focal_weakness", 4)];
pub const CEREBRAL_EDEMA: [(&str, u8); 3] = [("none", 0), ("focal", 3), ("diffuse", 4)];

pub static FIELDS: &[Field] = &[
    req("ice", "integer 0-10"),
    req(
        "consciousness",
        "alert | awakens_spontaneously | awakens_to_voice | awakens_to_tactile | unarousable",
    ),
    req(
        "seizure",
        "none | rapidly_resolving | prolonged_or_repetitive",
    ),
    req("motor", "none | deep_focal_weakness"),
    req("cerebral_edema", "none | focal | diffuse"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub ice: u32,
    pub consciousness: &'static str,
    pub seizure: &'static str,
    pub motor: &'static str,
    pub cerebral_edema: &'static str,
}

fn pick(o: &Obj, key: &str, table: &[(&'static str, u8)]) -> Result<&'static str, InputError> {
    let names: Vec<&'static str> = table.iter().map(|(n, _)| *n).collect();
    o.choice(key, &names)
}

fn grade_of(table: &[(&str, u8)], v: &str) -> u8 {
    table.iter().find(|(n, _)| *n == v).map_or(0, |(_, g)| *g)
}

pub fn from_json(v: &Value) -> Result<Input, InputError> {
    let o = Obj::root(v, &crate::input::names(FIELDS))?;
    Ok(Input {
        ice: o.int("ice", 0, 10)? as u32,
        consciousness: pick(&o, "consciousness", &CONSCIOUSNESS)?,
        seizure: pick(&o, "seizure", &SEIZURE)?,
        motor: pick(&o, "motor", &MOTOR)?,
        cerebral_edema: pick(&o, "cerebral_edema", &CEREBRAL_EDEMA)?,
    })
}

/// ICE 10 → 0, 7-9 → 1, 3-6 → 2, 0-2 → 3.
pub fn ice_grade(ice: u32) -> u8 {
    match ice {
        10.. => 0,
        7..=9 => 1,
        3..=6 => 2,
        _ => 3,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainGrades {
    pub ice: u8,
    pub consciousness: u8,
    pub seizure: u8,
    pub motor: u8,
    pub cerebral_edema: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub grade: u8,
    pub domain_grades: DomainGrades,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Outcome,
    pub breakdown: Breakdown,
}

pub fn score(input: &Input) -> Output {
    let d = DomainGrades {
        ice: ice_grade(input.ice),
        consciousness: grade_of(&CONSCIOUSNESS, input.consciousness),
        seizure: grade_of(&SEIZURE, input.seizure),
        motor: grade_of(&MOTOR, input.motor),
        cerebral_edema: grade_of(&CEREBRAL_EDEMA, input.cerebral_edema),
    };
    let grade = d
        .ice
        .max(d.consciousness)
        .max(d.seizure)
        .max(d.motor)
        .max(d.cerebral_edema);
    let rule = format!(
        "max(ICE {} -> {}, {} -> {}, seizure {} -> {}, motor {} -> {}, cerebral edema {} -> {}) = {grade}",
        input.ice,
        d.ice,
        input.consciousness,
        d.consciousness,
        input.seizure,
        d.seizure,
        input.motor,
        d.motor,
        input.cerebral_edema,
        d.cerebral_edema
    );
    Output {
        result: Outcome {
            grade,
            domain_grades: d,
        },
        breakdown: Breakdown { rule },
    }
}
