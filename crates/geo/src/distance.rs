//! A radius as people write it: `50mi`, `200 km`.

use crate::error::GeoError;
use crate::number::parse_decimal;
use crate::point::KM_PER_MILE;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The units a [`Distance`] is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Km,
    Mi,
}

impl Unit {
    /// The short form written after a number (`km`, `mi`).
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Km => "km",
            Unit::Mi => "mi",
        }
    }

    fn parse(s: &str) -> Option<Unit> {
        match s.to_ascii_lowercase().as_str() {
            "km" | "kms" | "kilometre" | "kilometres" | "kilometer" | "kilometers" => {
                Some(Unit::Km)
            }
            "mi" | "mile" | "miles" => Some(Unit::Mi),
            _ => None,
        }
    }
}

/// A non-negative, finite length in the unit it was given in, so that it
/// reads back as the user wrote it ("50 mi"). Zero is allowed ("at this
/// very place").
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Distance {
    value: f64,
    unit: Unit,
}

impl Distance {
    /// Refuses negative, NaN and infinite values.
    pub fn new(value: f64, unit: Unit) -> Result<Distance, GeoError> {
        if !value.is_finite() || value < 0.0 {
            return Err(GeoError::parse(
                "distance",
                &format!("{value} {}", unit.symbol()),
                "a distance must be a finite number of 0 or more",
            ));
        }
        // -0.0 would print as "-0 km".
        Ok(Distance {
            value: value + 0.0,
            unit,
        })
    }

    pub fn km(value: f64) -> Result<Distance, GeoError> {
        Distance::new(value, Unit::Km)
    }

    pub fn miles(value: f64) -> Result<Distance, GeoError> {
        Distance::new(value, Unit::Mi)
    }

    pub fn value(self) -> f64 {
        self.value
    }

    pub fn unit(self) -> Unit {
        self.unit
    }

    pub fn to_km(self) -> f64 {
        match self.unit {
            Unit::Km => self.value,
            Unit::Mi => self.value * KM_PER_MILE,
        }
    }

    pub fn to_miles(self) -> f64 {
        match self.unit {
            Unit::Km => self.value / KM_PER_MILE,
            Unit::Mi => self.value,
        }
    }

    /// Whether a great-circle distance of `km` is within this radius
    /// (inclusive).
    pub fn covers_km(self, km: f64) -> bool {
        km <= self.to_km()
    }
}

impl fmt::Display for Distance {
    /// `50 mi`, `200 km`, `12.5 km`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.unit.symbol())
    }
}

impl FromStr for Distance {
    type Err = GeoError;

    /// A decimal number, optional spaces, then a unit: `50mi`, `200 km`,
    /// `12.5 kilometres`, `50 miles` (unit case ignored).
    fn from_str(s: &str) -> Result<Distance, GeoError> {
        let err = |problem: String| GeoError::parse("distance", s, problem);
        let t = s.trim();
        if t.is_empty() {
            return Err(err(
                "nothing given; write a number and a unit, e.g. 50mi or 200km".into(),
            ));
        }
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+')))
            .unwrap_or(t.len());
        let (number, unit) = (&t[..split], t[split..].trim_start());
        if number.is_empty() {
            return Err(err(
                "it does not start with a number; write e.g. 50mi or 200km".into(),
            ));
        }
        let value = parse_decimal(number)
            .ok_or_else(|| err(format!("{number:?} is not a decimal number")))?;
        if value < 0.0 {
            return Err(err("a distance cannot be negative".into()));
        }
        if unit.is_empty() {
            return Err(err(format!("no unit; write {number}km or {number}mi")));
        }
        let unit =
            Unit::parse(unit).ok_or_else(|| err(format!("unknown unit {unit:?}; use km or mi")))?;
        Distance::new(value, unit)
    }
}
