//! A measured amount with its UCUM unit.
//!
//! The value is a decimal, not a float, because eligibility thresholds are
//! decimal literals ("≤ 1.5 × ULN", "PGA increase < 0.30") and must compare
//! exactly. Parsing, validating and converting units is the instruments
//! crate's job (`eligo_instruments::units`); here a unit is just its UCUM
//! string.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Quantity {
    pub value: Decimal,
    /// UCUM case-sensitive unit string, e.g. `10*9/L`, `mg/dL`, `%`, `1` for
    /// a pure number.
    pub unit: String,
}

impl Quantity {
    pub fn new(value: Decimal, unit: impl Into<String>) -> Self {
        Quantity {
            value,
            unit: unit.into(),
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.unit.is_empty() || self.unit == "1" {
            write!(f, "{}", self.value.normalize())
        } else {
            write!(f, "{} {}", self.value.normalize(), self.unit)
        }
    }
}
