//! SLE Responder Index 4 (INSTRUMENTS.md §5): a follow-up visit responds when
//! SLEDAI fell by at least 4, BILAG-2004 shows no new A and at most one new
//! B, and the PGA did not worsen (rise < 0.3).

use crate::bilag2004::{self, Grades};
use crate::input::{Field, InputError, Obj, req};
use crate::pga;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

pub const ID: &str = "sri4";

pub static FIELDS: &[Field] = &[
    req(
        "baseline",
        "object: sledai (integer 0-105), pga (number 0-3), bilag (9 domains -> A-E)",
    ),
    req(
        "followup",
        "object: sledai (integer 0-105), pga (number 0-3), bilag (9 domains -> A-E)",
    ),
];

/// One visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visit {
    pub sledai: u32,
    pub pga: Decimal,
    pub bilag: Grades,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub baseline: Visit,
    pub followup: Visit,
}

fn visit(root: &Obj, key: &str) -> Result<Visit, InputError> {
    let o = root.obj(key, &["sledai", "pga", "bilag"])?;
    let (lo, hi) = pga::range();
    Ok(Visit {
        sledai: o.int("sledai", 0, 105)? as u32,
        pga: o.decimal("pga", lo, hi)?,
        bilag: bilag2004::read_grades(&o, "bilag")?,
    })
}

pub fn from_json(v: &Value) -> Result<Input, InputError> {
    let root = Obj::root(v, &["baseline", "followup"])?;
    Ok(Input {
        baseline: visit(&root, "baseline")?,
        followup: visit(&root, "followup")?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub responder: bool,
    pub sledai_reduction: i64,
    pub new_a: u32,
    pub new_b: u32,
    pub pga_change: Decimal,
    pub pga_worsened: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    pub criterion: &'static str,
    pub met: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub components: Vec<Component>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Outcome,
    pub breakdown: Breakdown,
}

pub fn score(input: &Input) -> Output {
    let (b, f) = (&input.baseline, &input.followup);
    let reduction = i64::from(b.sledai) - i64::from(f.sledai);
    let (new_a, new_b) = bilag2004::new_a_b(&b.bilag, &f.bilag);
    let (pga_change, worsened) = pga::change(b.pga, f.pga);
    let components = vec![
        Component {
            criterion: "SLEDAI reduction >= 4",
            met: reduction >= 4,
            detail: format!("{} - {} = {reduction}", b.sledai, f.sledai),
        },
        Component {
            criterion: "BILAG-2004: no new A and at most one new B",
            met: new_a == 0 && new_b <= 1,
            detail: format!("new A {new_a}, new B {new_b}"),
        },
        Component {
            criterion: "PGA: no worsening (rise < 0.3)",
            met: !worsened,
            detail: format!(
                "{} - {} = {}",
                f.pga.normalize(),
                b.pga.normalize(),
                pga_change.normalize()
            ),
        },
    ];
    Output {
        result: Outcome {
            responder: components.iter().all(|c| c.met),
            sledai_reduction: reduction,
            new_a,
            new_b,
            pga_change,
            pga_worsened: worsened,
        },
        breakdown: Breakdown { components },
    }
}
