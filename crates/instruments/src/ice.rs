//! ICE encephalopathy score (INSTRUMENTS.md §13): 0-10, 10 = normal.

use crate::input::{Field, InputError, Obj, req};
use serde::Serialize;
use serde_json::Value;

pub const ID: &str = "ice";

/// Tasks and their maximum points.
pub const TASKS: [(&str, u32); 5] = [
    ("orientation", 4),
    ("naming", 3),
    ("following_commands", 1),
    ("writing", 1),
    ("attention", 1),
];

pub static FIELDS: &[Field] = &[
    req("orientation", "integer 0-4 (year, month, city, hospital)"),
    req("naming", "integer 0-3 (three objects)"),
    req("following_commands", "integer 0-1"),
    req("writing", "integer 0-1"),
    req("attention", "integer 0-1 (counts back from 100 by tens)"),
];

/// Points per task, in [`TASKS`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input(pub [u32; 5]);

pub fn from_json(v: &Value) -> Result<Input, InputError> {
    let o = Obj::root(v, &crate::input::names(FIELDS))?;
    let mut p = [0; 5];
    for (i, (task, max)) in TASKS.iter().enumerate() {
        p[i] = o.int(task, 0, i64::from(*max))? as u32;
    }
    Ok(Input(p))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub ice: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    pub task: &'static str,
    pub points: u32,
    pub max: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Outcome,
    pub breakdown: Breakdown,
}

pub fn score(input: &Input) -> Output {
    let tasks: Vec<Task> = TASKS
        .iter()
        .zip(input.0)
        .map(|((task, max), points)| Task {
            task,
            points,
            max: *max,
        })
        .collect();
    Output {
        result: Outcome {
            ice: input.0.iter().sum(),
        },
        breakdown: Breakdown { tasks },
    }
}
