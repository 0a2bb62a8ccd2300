//! FHIR Quantity to [`Quantity`]: exact decimal value, UCUM unit string.
//!
//! Units are stored as the record gives them (the UCUM `code` when the system
//! is UCUM, else the human `unit`), with one spelling fix: `µ`/`μ` become `u`,
//! the UCUM spelling. Nothing else is rewritten, because conversion and
//! validation belong to the instruments crate, where the matcher can show
//! them in the evidence. A unit that cannot be UCUM (empty, spaces, non-ASCII)
//! is kept as given and reported in `ignored`, so the user sees why a later
//! comparison came out unknown.

use crate::json::{Node, Problem, kind};
use eligo_model::Quantity;
use eligo_model::fact::systems;
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

/// No clinical measurement, dose or count (in its UCUM unit) reaches 10^15;
/// a larger number is a typo or corruption, and could not survive eligo's
/// JSON float form exactly.
const MAX_MAGNITUDE: i64 = 1_000_000_000_000_000;

/// A JSON number as an exact decimal.
pub(crate) fn decimal(n: &Node) -> Result<Decimal, Problem> {
    let Value::Number(num) = n.v else {
        let hint = if n.v.is_string() {
            " (FHIR JSON writes decimals unquoted)"
        } else {
            ""
        };
        return Err(Problem::new(
            n.path.clone(),
            format!("expected a number, found {}{hint}", kind(n.v)),
        ));
    };
    let d = if let Some(i) = num.as_i64() {
        Decimal::from(i)
    } else if let Some(u) = num.as_u64() {
        Decimal::from(u)
    } else {
        let f = num.as_f64().unwrap_or(f64::NAN);
        if !f.is_finite() {
            return Err(Problem::new(n.path.clone(), "is not a finite number"));
        }
        if f.abs() >= MAX_MAGNITUDE as f64 {
            return Err(too_large(n, &num.to_string()));
        }
        // The shortest text that round-trips the f64 is what the record wrote
        // (for up to 17 significant digits), so the decimal is exact.
        let text = num.to_string();
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map_err(|_| {
                Problem::new(
                    n.path.clone(),
                    format!("{text} cannot be held as an exact decimal"),
                )
            })?
    };
    if d.abs() >= Decimal::from(MAX_MAGNITUDE) {
        return Err(too_large(n, &d.to_string()));
    }
    Ok(d)
}

fn too_large(n: &Node, text: &str) -> Problem {
    Problem::new(
        n.path.clone(),
        format!("{text} is implausibly large for a clinical quantity (10^15 or more)"),
    )
}

/// A FHIR Quantity read as given.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Qty {
    pub quantity: Quantity,
    pub comparator: Option<String>,
    /// Why the unit cannot be UCUM, if it cannot.
    pub unit_problem: Option<String>,
}

/// Reads a Quantity object; `default_unit` is used when it gives no unit at all.
pub(crate) fn quantity(n: &Node, default_unit: Option<&str>) -> Result<Qty, Problem> {
    n.expect_object()?;
    let value = n
        .field("value")
        .ok_or_else(|| Problem::new(n.at("value"), "the quantity has no value"))?;
    let value = decimal(&value)?;
    let system = n.str("system")?;
    let code = n.str("code")?;
    let unit = n.str("unit")?;
    let ucum = system.is_some_and(|s| crate::coding::normalize_system(s) == systems::UCUM);
    let raw = match (ucum, code, unit) {
        (true, Some(code), _) => Some(code),
        (_, _, Some(unit)) => Some(unit),
        (_, code, None) => code,
    };
    let unit = match raw {
        Some(u) => normalize_unit(u),
        None => default_unit.unwrap_or("").to_owned(),
    };
    let unit_problem = unit_problem(&unit);
    Ok(Qty {
        quantity: Quantity::new(value, unit),
        comparator: n.str("comparator")?.map(str::to_owned),
        unit_problem,
    })
}

/// The one unambiguous spelling fix: micro sign and Greek mu to UCUM's `u`.
pub(crate) fn normalize_unit(u: &str) -> String {
    u.trim().replace(['\u{b5}', '\u{3bc}'], "u")
}

/// UCUM units are printable ASCII without spaces.
fn unit_problem(u: &str) -> Option<String> {
    if u.is_empty() {
        return Some(
            "the quantity has no unit; kept without one, so it converts to no other unit"
                .to_owned(),
        );
    }
    u.chars().find(|c| !('!'..='~').contains(c)).map(|c| {
        format!("unit {u:?} cannot be UCUM (it contains {c:?}); kept as given, so it converts to no other unit")
    })
}

/// What values an observation's quantities may take.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Plausibility {
    /// Laboratory, vital-sign and score values are never negative.
    pub non_negative: bool,
    /// A signed analyte (base excess): negative values are real.
    pub signed: bool,
}

/// Analytes that are legitimately signed although they are laboratory
/// values: base excess (LOINC 11555-0 blood, 1925-7 arterial, 1927-3 venous).
pub(crate) const SIGNED_LOINC: &[&str] = &["11555-0", "1925-7", "1927-3"];

impl Plausibility {
    /// Why this quantity cannot be a real measurement, if it cannot.
    pub fn check(self, q: &Quantity) -> Option<String> {
        let negative = q.value.is_sign_negative() && !q.value.is_zero();
        if negative && !self.signed && (self.non_negative || count_or_concentration(&q.unit)) {
            return Some(format!(
                "negative value {q} is impossible for a laboratory, count, vital-sign or score value"
            ));
        }
        if q.unit == "a" && q.value > Decimal::from(150) {
            return Some(format!("an age of {q} (over 150 years) is impossible"));
        }
        None
    }
}

/// Units that can only measure a non-negative amount: percentages, counts
/// (`10*9/L`) and anything per volume (`mg/dL`, `umol/L`, `/[HPF]`).
fn count_or_concentration(unit: &str) -> bool {
    if unit == "%" || unit.starts_with("10*") {
        return true;
    }
    let Some((_, per)) = unit.rsplit_once('/') else {
        return false;
    };
    matches!(
        per,
        "L" | "dL" | "mL" | "uL" | "nL" | "cL" | "l" | "dl" | "ml" | "ul" | "[HPF]" | "[LPF]"
    )
}
