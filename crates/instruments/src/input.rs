//! Strict reading of instrument inputs (INSTRUMENTS.md "Input rules"): every
//! required field present, no unknown field, the right JSON type, values in
//! range. Errors name the field path, e.g. `sledai2k_items.arthritis: missing`.

use crate::units;
use eligo_model::Quantity;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::fmt;
use std::str::FromStr;

/// An input that does not follow the instrument's contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct InputError {
    /// Dotted field path (`baseline.bilag.renal`); `(input)` for the whole
    /// document.
    pub path: String,
    pub problem: Problem,
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Missing,
    Unknown,
    WrongType {
        expected: &'static str,
        found: &'static str,
    },
    OutOfRange {
        value: String,
        range: String,
    },
    NotOneOf {
        value: String,
        allowed: Vec<String>,
    },
    Unit(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing => f.write_str("missing"),
            Problem::Unknown => f.write_str("unknown field"),
            Problem::WrongType { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            Problem::OutOfRange { value, range } => write!(f, "{value} is out of range ({range})"),
            Problem::NotOneOf { value, allowed } => {
                write!(f, "{value:?} is not one of {}", allowed.join(", "))
            }
            Problem::Unit(msg) => f.write_str(msg),
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

/// One JSON object being read, with its path and the fields it may hold.
pub(crate) struct Obj<'a> {
    path: String,
    map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    /// The top-level input object.
    pub fn root(v: &'a Value, known: &[&str]) -> Result<Obj<'a>, InputError> {
        Obj::at(String::new(), v, known)
    }

    fn at(path: String, v: &'a Value, known: &[&str]) -> Result<Obj<'a>, InputError> {
        let Value::Object(map) = v else {
            return Err(InputError {
                path: if path.is_empty() {
                    "(input)".into()
                } else {
                    path
                },
                problem: Problem::WrongType {
                    expected: "an object",
                    found: kind(v),
                },
            });
        };
        let obj = Obj { path, map };
        if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(obj.error(k, Problem::Unknown));
        }
        Ok(obj)
    }

    pub fn field_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub fn error(&self, key: &str, problem: Problem) -> InputError {
        InputError {
            path: self.field_path(key),
            problem,
        }
    }

    fn wrong(&self, key: &str, expected: &'static str, v: &Value) -> InputError {
        self.error(
            key,
            Problem::WrongType {
                expected,
                found: kind(v),
            },
        )
    }

    fn opt(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    fn req(&self, key: &str) -> Result<&'a Value, InputError> {
        self.opt(key)
            .ok_or_else(|| self.error(key, Problem::Missing))
    }

    pub fn bool(&self, key: &str) -> Result<bool, InputError> {
        let v = self.req(key)?;
        v.as_bool()
            .ok_or_else(|| self.wrong(key, "true or false", v))
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, InputError> {
        match self.opt(key) {
            None => Ok(None),
            Some(_) => self.bool(key).map(Some),
        }
    }

    /// A number read exactly (the decimal digits as written).
    pub fn decimal(
        &self,
        key: &str,
        min: Option<Decimal>,
        max: Option<Decimal>,
    ) -> Result<Decimal, InputError> {
        let v = self.req(key)?;
        let Value::Number(n) = v else {
            return Err(self.wrong(key, "a number", v));
        };
        let d = number(n).ok_or_else(|| {
            self.error(
                key,
                Problem::OutOfRange {
                    value: n.to_string(),
                    range: "not representable".into(),
                },
            )
        })?;
        let below = min.is_some_and(|m| d < m);
        let above = max.is_some_and(|m| d > m);
        if below || above {
            return Err(self.error(
                key,
                Problem::OutOfRange {
                    value: d.normalize().to_string(),
                    range: range_text(min, max),
                },
            ));
        }
        Ok(d)
    }

    pub fn opt_decimal(
        &self,
        key: &str,
        min: Option<Decimal>,
        max: Option<Decimal>,
    ) -> Result<Option<Decimal>, InputError> {
        match self.opt(key) {
            None => Ok(None),
            Some(_) => self.decimal(key, min, max).map(Some),
        }
    }

    /// An integer (a JSON number with no fractional part).
    pub fn int(&self, key: &str, min: i64, max: i64) -> Result<i64, InputError> {
        let v = self.req(key)?;
        let d = self.decimal(key, None, None)?;
        if !d.fract().is_zero() {
            return Err(self.wrong(key, "an integer", v));
        }
        let i = i64::try_from(d).ok().filter(|i| (min..=max).contains(i));
        i.ok_or_else(|| {
            self.error(
                key,
                Problem::OutOfRange {
                    value: d.normalize().to_string(),
                    range: if max == i64::MAX {
                        format!("≥ {min}")
                    } else {
                        format!("{min}-{max}")
                    },
                },
            )
        })
    }

    /// A string that must be one of `allowed` (case-sensitive).
    pub fn choice(&self, key: &str, allowed: &[&'static str]) -> Result<&'static str, InputError> {
        let v = self.req(key)?;
        let s = v.as_str().ok_or_else(|| self.wrong(key, "a string", v))?;
        allowed.iter().find(|a| **a == s).copied().ok_or_else(|| {
            self.error(
                key,
                Problem::NotOneOf {
                    value: s.to_string(),
                    allowed: allowed.iter().map(|a| a.to_string()).collect(),
                },
            )
        })
    }

    pub fn string(&self, key: &str) -> Result<&'a str, InputError> {
        let v = self.req(key)?;
        v.as_str().ok_or_else(|| self.wrong(key, "a string", v))
    }

    pub fn obj(&self, key: &str, known: &[&str]) -> Result<Obj<'a>, InputError> {
        Obj::at(self.field_path(key), self.req(key)?, known)
    }

    pub fn opt_obj(&self, key: &str, known: &[&str]) -> Result<Option<Obj<'a>>, InputError> {
        match self.opt(key) {
            None => Ok(None),
            Some(_) => self.obj(key, known).map(Some),
        }
    }

    /// `{"value": number, "unit": "UCUM"}` with a unit that is the same unit
    /// as one of `accepted` (so `mg/dl` is read as `mg/dL`). The quantity
    /// comes back in the accepted spelling.
    pub fn quantity(&self, key: &str, accepted: &[&str]) -> Result<Quantity, InputError> {
        let q = self.obj(key, &["value", "unit"])?;
        let value = q.decimal("value", None, None)?;
        let unit = q.string("unit")?;
        let bad = |why: String| {
            q.error(
                "unit",
                Problem::Unit(format!("{why} (accepted: {})", accepted.join(", "))),
            )
        };
        let parsed = units::parse_unit(unit).map_err(|e| bad(e.to_string()))?;
        let hit = accepted
            .iter()
            .find(|a| **a == unit)
            .or_else(|| {
                accepted
                    .iter()
                    .find(|a| units::parse_unit(a).is_ok_and(|u| u.same_as(&parsed)))
            })
            .ok_or_else(|| bad(format!("{unit:?} is not an accepted unit")))?;
        Ok(Quantity::new(value, *hit))
    }
}

/// A JSON number as an exact decimal (from its shortest decimal spelling).
pub(crate) fn number(n: &serde_json::Number) -> Option<Decimal> {
    if let Some(i) = n.as_i64() {
        return Some(Decimal::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Some(Decimal::from(u));
    }
    let s = n.to_string();
    Decimal::from_str(&s)
        .or_else(|_| Decimal::from_scientific(&s))
        .ok()
}

fn range_text(min: Option<Decimal>, max: Option<Decimal>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{}-{}", a.normalize(), b.normalize()),
        (Some(a), None) => format!("≥ {}", a.normalize()),
        (None, Some(b)) => format!("≤ {}", b.normalize()),
        (None, None) => String::new(),
    }
}

/// A field of an instrument's input, for `eligo score --list` and the docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Field {
    pub name: &'static str,
    /// e.g. `boolean`, `number 0-3`, `quantity (mg/dL, umol/L, mmol/L)`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub required: bool,
}

pub(crate) const fn req(name: &'static str, kind: &'static str) -> Field {
    Field {
        name,
        kind,
        required: true,
    }
}

pub(crate) const fn opt(name: &'static str, kind: &'static str) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}

pub(crate) fn names(fields: &[Field]) -> Vec<&'static str> {
    fields.iter().map(|f| f.name).collect()
}

/// Decimal literal helper for ranges.
pub(crate) fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

/// Parse JSON text, refusing an object that names a key twice. serde_json
/// (like most readers) keeps the last of repeated keys silently, so
/// `{"value": 1, "value": 9}` would be scored as 9; an input that says two
/// things about one field is refused instead, naming the key, its path and
/// where it repeats.
pub fn parse_json(text: &str) -> Result<Value, serde_json::Error> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_str(text);
    NoDuplicates {
        path: String::new(),
    }
    .deserialize(&mut de)?;
    de.end()?;
    serde_json::from_str(text)
}

/// A pass over the document that only checks object keys.
struct NoDuplicates {
    path: String,
}

impl<'de> serde::de::DeserializeSeed<'de> for NoDuplicates {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for NoDuplicates {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        while seq
            .next_element_seed(NoDuplicates {
                path: format!("{}[{i}]", self.path),
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            if !seen.insert(key) {
                return Err(serde::de::Error::custom(format!(
                    "{path}: the key is given twice (which one is meant?)"
                )));
            }
            map.next_value_seed(NoDuplicates { path })?;
        }
        Ok(())
    }
}
