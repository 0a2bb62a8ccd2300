//! Physician Global Assessment (INSTRUMENTS.md §4): the 0-3 scale, and a
//! worsening of at least 0.3 (10 % of the scale) from a baseline, compared
//! in exact decimals (0.7 − 0.4 is 0.3, not 0.29999999999999993).

use crate::input::{Field, InputError, Obj, dec, opt, req};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

pub const ID: &str = "pga";

pub static FIELDS: &[Field] = &[req("pga", "number 0-3"), opt("baseline_pga", "number 0-3")];

/// The smallest rise that counts as worsening.
pub fn worsening_threshold() -> Decimal {
    Decimal::new(3, 1)
}

pub(crate) fn range() -> (Option<Decimal>, Option<Decimal>) {
    (Some(Decimal::ZERO), Some(dec("3")))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub pga: Decimal,
    pub baseline_pga: Option<Decimal>,
}

pub fn from_json(v: &Value) -> Result<Input, InputError> {
    let o = Obj::root(v, &["pga", "baseline_pga"])?;
    let (lo, hi) = range();
    Ok(Input {
        pga: o.decimal("pga", lo, hi)?,
        baseline_pga: o.opt_decimal("baseline_pga", lo, hi)?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub pga: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worsened: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_pga: Option<Decimal>,
    /// e.g. `1.6 - 1.2 = 0.4 >= 0.3: worsened`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Outcome,
    pub breakdown: Breakdown,
}

/// Change from baseline and whether it is a worsening (change ≥ 0.3).
pub fn change(baseline: Decimal, now: Decimal) -> (Decimal, bool) {
    // both on the 0-3 scale, so the difference cannot overflow; saturate
    // rather than panic for other callers
    let c = now.checked_sub(baseline).unwrap_or(Decimal::MIN);
    (c, c >= worsening_threshold())
}

pub fn score(input: &Input) -> Output {
    let ch = input.baseline_pga.map(|b| (b, change(b, input.pga)));
    Output {
        result: Outcome {
            pga: input.pga,
            change: ch.map(|(_, (c, _))| c),
            worsened: ch.map(|(_, (_, w))| w),
        },
        breakdown: Breakdown {
            baseline_pga: input.baseline_pga,
            change: ch.map(|(b, (c, w))| {
                format!(
                    "{} - {} = {} {} 0.3: {}",
                    input.pga.normalize(),
                    b.normalize(),
                    c.normalize(),
                    if w { ">=" } else { "<" },
                    if w { "worsened" } else { "not worsened" }
                )
            }),
        },
    }
}
