//! Strict reading of conduct inputs (visit files, adverse events,
//! medications, participants): unknown fields refused, types checked,
//! values in range, dates as `YYYY-MM-DD`. Every error names its field path
//! (`adverse_events[1].onset: ...`), so a coordinator can find it.

use crate::Date;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::str::FromStr;

/// A field of an input that is missing, unknown, mistyped or out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct FieldError {
    /// Dotted path of the field (`sledai2k.arthritis`, `labs[0].unit`).
    pub path: String,
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> FieldError {
        let path = path.into();
        FieldError {
            path: if path.is_empty() {
                "(input)".into()
            } else {
                path
            },
            message: message.into(),
        }
    }
}

pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A decimal read from its JSON text, never through binary floating point.
pub fn decimal(n: &serde_json::Number) -> Option<Decimal> {
    let s = n.to_string();
    Decimal::from_str(&s)
        .or_else(|_| Decimal::from_scientific(&s))
        .ok()
}

/// A decimal as a JSON number (shortest form that reads back equal).
pub fn decimal_json(d: Decimal) -> Value {
    serde_json::Number::from_str(&d.normalize().to_string())
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    Date::from_str(s).ok()
}

/// One JSON object being read.
pub(crate) struct Obj<'a> {
    pub path: String,
    map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    pub fn at(path: &str, v: &'a Value, known: &[&str]) -> Result<Obj<'a>, FieldError> {
        let Value::Object(map) = v else {
            return Err(FieldError::new(
                path,
                format!("expected an object, found {}", kind(v)),
            ));
        };
        if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(FieldError::new(
                join(path, k),
                format!("unknown field (expected one of {})", known.join(", ")),
            ));
        }
        Ok(Obj {
            path: path.to_string(),
            map,
        })
    }

    pub fn p(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The value, None when absent or null.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn req(&self, key: &str) -> Result<&'a Value, FieldError> {
        self.get(key)
            .ok_or_else(|| FieldError::new(self.p(key), "missing"))
    }

    pub fn str_opt(&self, key: &str, max_chars: usize) -> Result<Option<String>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => {
                let t = s.trim();
                if t.chars().count() > max_chars {
                    return Err(FieldError::new(
                        self.p(key),
                        format!("longer than {max_chars} characters"),
                    ));
                }
                if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                    return Err(FieldError::new(self.p(key), "contains control characters"));
                }
                Ok((!t.is_empty()).then(|| t.to_string()))
            }
            Some(v) => Err(FieldError::new(
                self.p(key),
                format!("expected a string, found {}", kind(v)),
            )),
        }
    }

    pub fn str_req(&self, key: &str, max_chars: usize) -> Result<String, FieldError> {
        self.str_opt(key, max_chars)?
            .ok_or_else(|| FieldError::new(self.p(key), "missing"))
    }

    pub fn date_opt(&self, key: &str) -> Result<Option<Date>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => parse_date(s).map(Some).ok_or_else(|| {
                FieldError::new(self.p(key), format!("{s:?} is not a date (YYYY-MM-DD)"))
            }),
            Some(v) => Err(FieldError::new(
                self.p(key),
                format!("expected a date string (YYYY-MM-DD), found {}", kind(v)),
            )),
        }
    }

    pub fn date_req(&self, key: &str) -> Result<Date, FieldError> {
        self.date_opt(key)?
            .ok_or_else(|| FieldError::new(self.p(key), "missing"))
    }

    pub fn bool_opt(&self, key: &str) -> Result<Option<bool>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(FieldError::new(
                self.p(key),
                format!("expected a boolean, found {}", kind(v)),
            )),
        }
    }

    pub fn dec_opt(
        &self,
        key: &str,
        min: Option<Decimal>,
        max: Option<Decimal>,
    ) -> Result<Option<Decimal>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => {
                let d = decimal(n)
                    .ok_or_else(|| FieldError::new(self.p(key), format!("{n} is not a number")))?;
                if min.is_some_and(|m| d < m) || max.is_some_and(|m| d > m) {
                    let range = match (min, max) {
                        (Some(a), Some(b)) => format!("{a} to {b}"),
                        (Some(a), None) => format!("at least {a}"),
                        (None, Some(b)) => format!("at most {b}"),
                        (None, None) => String::new(),
                    };
                    return Err(FieldError::new(
                        self.p(key),
                        format!("{d} is out of range ({range})"),
                    ));
                }
                Ok(Some(d))
            }
            Some(v) => Err(FieldError::new(
                self.p(key),
                format!("expected a number, found {}", kind(v)),
            )),
        }
    }

    pub fn dec_req(
        &self,
        key: &str,
        min: Option<Decimal>,
        max: Option<Decimal>,
    ) -> Result<Decimal, FieldError> {
        self.dec_opt(key, min, max)?
            .ok_or_else(|| FieldError::new(self.p(key), "missing"))
    }

    pub fn u32_opt(&self, key: &str, min: u32, max: u32) -> Result<Option<u32>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(x) if x >= u64::from(min) && x <= u64::from(max) => Ok(Some(x as u32)),
                _ => Err(FieldError::new(
                    self.p(key),
                    format!("expected a whole number from {min} to {max}, got {n}"),
                )),
            },
            Some(v) => Err(FieldError::new(
                self.p(key),
                format!("expected a whole number, found {}", kind(v)),
            )),
        }
    }

    pub fn array(&self, key: &str) -> Result<&'a [Value], FieldError> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(v) => Err(FieldError::new(
                self.p(key),
                format!("expected an array, found {}", kind(v)),
            )),
        }
    }

    /// One of `allowed` (exact spelling).
    pub fn choice_opt(&self, key: &str, allowed: &[&str]) -> Result<Option<String>, FieldError> {
        match self.str_opt(key, 100)? {
            None => Ok(None),
            Some(s) if allowed.contains(&s.as_str()) => Ok(Some(s)),
            Some(s) => Err(FieldError::new(
                self.p(key),
                format!("{s:?} is not one of {}", allowed.join(", ")),
            )),
        }
    }
}

/// Prefix an instrument input error with the section it was read from.
pub(crate) fn from_instrument(section: &str, e: eligo_instruments::InputError) -> FieldError {
    let inner = if e.path == "(input)" || e.path.is_empty() {
        String::new()
    } else {
        e.path.clone()
    };
    FieldError::new(join(section, &inner), e.problem.to_string())
}
