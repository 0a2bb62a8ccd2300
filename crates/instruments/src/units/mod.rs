//! UCUM units: parse, normalise the spellings found in patient records, and
//! convert quantities, including mass <-> molar conversions for the analytes
//! eligo's criteria name.
//!
//! Units are parsed, never guessed: a string that is not UCUM (after the
//! record normalisation of [`normalize_unit`]) is an error, and so is a
//! conversion between units of different kinds. Two deliberate departures
//! from UCUM keep that promise:
//!
//! - the mole is its own dimension (UCUM defines it as a pure number,
//!   6.022e23), so `mmol/L` never converts into `10*9/L`; and
//! - arbitrary units (`[IU]`, `[HPF]`) and curly-brace annotations
//!   (`{score}`, `{1.73_m2}`) carry meaning: they never convert into each other
//!   or into plain numbers, so an eGFR in `mL/min/{1.73_m2}` is not a CrCl in
//!   `mL/min`.

use eligo_model::Quantity;
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// Base dimensions: length, mass, time, amount of substance, temperature,
/// charge, luminous intensity, plane angle.
const NDIM: usize = 8;
const LEN: usize = 0;
const MASS: usize = 1;
const TIME: usize = 2;
const AMOUNT: usize = 3;
const TEMP: usize = 4;
const CHARGE: usize = 5;
const LUM: usize = 6;
const ANGLE: usize = 7;

/// A parsed UCUM unit (dimension vector + scale), e.g. from "mg/dL", "10*9/L",
/// "mL/min/{1.73_m2}", "mg/(24.h)", "[IU]/mL", "{score}", "%".
///
/// Two units are the same unit when [`Unit::same_as`] holds (`mg/dl` and
/// `mg/dL`, `/mm3` and `/uL`, `10*3/uL` and `10*9/L`), whatever their spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    code: String,
    dims: [i8; NDIM],
    /// Scale relative to the base units (m, g, s, mol, K, C, cd, rad) as the
    /// exact ratio `num / den`.
    num: Decimal,
    den: Decimal,
    /// Arbitrary units and annotations with their exponents, sorted.
    labels: Vec<(String, i8)>,
    special: Option<Special>,
}

/// Units whose conversion is not a plain factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Special {
    Celsius,
    Fahrenheit,
}

impl Unit {
    /// The UCUM code as parsed.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// A pure number (`1`, `%`, `10*3`); annotations and arbitrary units are
    /// not pure numbers.
    pub fn is_dimensionless(&self) -> bool {
        self.dims == [0; NDIM] && self.labels.is_empty() && self.special.is_none()
    }

    /// Same kind of quantity (convertible by a factor or, for temperatures,
    /// an offset).
    pub fn commensurable(&self, other: &Unit) -> bool {
        self.dims == other.dims && self.labels == other.labels
    }

    /// The same unit, whatever the spelling: same kind and same scale.
    pub fn same_as(&self, other: &Unit) -> bool {
        self.commensurable(other)
            && self.special == other.special
            && self.num.checked_mul(other.den) == other.num.checked_mul(self.den)
    }

    fn unity() -> Unit {
        Unit {
            code: String::new(),
            dims: [0; NDIM],
            num: Decimal::ONE,
            den: Decimal::ONE,
            labels: Vec::new(),
            special: None,
        }
    }

    fn mul(mut self, other: Unit, divide: bool) -> Option<Unit> {
        for (a, b) in self.dims.iter_mut().zip(other.dims) {
            *a = if divide {
                a.checked_sub(b)?
            } else {
                a.checked_add(b)?
            };
        }
        let (n, d) = if divide {
            (other.den, other.num)
        } else {
            (other.num, other.den)
        };
        self.num = self.num.checked_mul(n)?;
        self.den = self.den.checked_mul(d)?;
        for (label, e) in other.labels {
            let e = if divide { e.checked_neg()? } else { e };
            match self.labels.iter_mut().find(|(l, _)| *l == label) {
                Some((_, x)) => *x = x.checked_add(e)?,
                None => self.labels.push((label, e)),
            }
        }
        self.labels.retain(|(_, e)| *e != 0);
        self.labels.sort();
        if self.num.is_zero() || self.den.is_zero() {
            return None;
        }
        Some(self)
    }

    fn pow(mut self, e: i8) -> Option<Unit> {
        for d in self.dims.iter_mut() {
            *d = d.checked_mul(e)?;
        }
        for (_, x) in self.labels.iter_mut() {
            *x = x.checked_mul(e)?;
        }
        let (n, d) = (
            checked_powi(self.num, e.unsigned_abs())?,
            checked_powi(self.den, e.unsigned_abs())?,
        );
        (self.num, self.den) = if e < 0 { (d, n) } else { (n, d) };
        if self.num.is_zero() || self.den.is_zero() {
            return None;
        }
        Some(self)
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.code.is_empty() {
            "1"
        } else {
            &self.code
        })
    }
}

/// Why a unit could not be read or converted. Every message names the unit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    #[error("cannot read unit {unit:?}: {reason}")]
    Syntax { unit: String, reason: String },
    #[error("unknown unit {atom:?} in {unit:?}")]
    UnknownAtom { unit: String, atom: String },
    #[error("unit {unit:?} is out of the representable range")]
    OutOfRange { unit: String },
    #[error(
        "{unit:?} is a temperature with an offset: it cannot be prefixed, raised to a power or combined"
    )]
    Special { unit: String },
    #[error("cannot convert {from:?} to {to:?}: different kinds of quantity")]
    Incompatible { from: String, to: String },
    #[error(
        "cannot convert {from:?} to {to:?} without a molar mass: name the analyte (creatinine, total_bilirubin, hemoglobin, glucose, ...)"
    )]
    NeedsAnalyte { from: String, to: String },
    #[error("cannot convert {from:?} to {to:?}: no molar mass known for analyte {analyte:?}")]
    UnknownAnalyte {
        analyte: String,
        from: String,
        to: String,
    },
    #[error("value {value} {unit} is too large to convert")]
    Overflow { value: Decimal, unit: String },
}

fn syntax(unit: &str, reason: impl Into<String>) -> UnitError {
    UnitError::Syntax {
        unit: unit.to_string(),
        reason: reason.into(),
    }
}

mod atoms;
mod convert;
mod molar;
mod parse;
mod spellings;
use atoms::checked_powi;
pub use convert::*;
pub use molar::*;
pub use parse::*;
pub use spellings::*;
