//! Parse only the parts of a stored record that a page reads.
//!
//! A CSV row or a field selection reads a few paths of a record of 10–20
//! kB; parsing the whole record into a `Value` (a map per object, a string
//! per value) and dropping it again was most of such a page. [`parse`]
//! builds the same `Value` as `serde_json::from_str`, less the object
//! members off every path asked for, which it skips without allocating.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// `text` parsed, keeping of each object only the members on the way to
/// (or under) one of `paths` (dotted, e.g. `protocolSection.statusModule`);
/// list items are kept or trimmed the same way as their list.
pub fn parse(text: &str, paths: &[&str]) -> serde_json::Result<Value> {
    let split: Vec<Vec<&str>> = paths.iter().map(|p| p.split('.').collect()).collect();
    let refs: Vec<&[&str]> = split.iter().map(Vec::as_slice).collect();
    let mut de = serde_json::Deserializer::from_str(text);
    let v = Pick { paths: &refs }.deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

struct Pick<'a> {
    paths: &'a [&'a [&'a str]],
}

impl<'de> DeserializeSeed<'de> for Pick<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        if self.paths.iter().any(|p| p.is_empty()) {
            return serde::Deserialize::deserialize(d);
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Pick<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Pick { paths: self.paths })? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        let mut sub: Vec<&[&str]> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            sub.clear();
            sub.extend(self.paths.iter().filter(|p| p[0] == key).map(|p| &p[1..]));
            if sub.is_empty() {
                map.next_value::<IgnoredAny>()?;
            } else {
                let v = map.next_value_seed(Pick { paths: &sub })?;
                out.insert(key, v);
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_the_paths_asked_for_whole_and_nothing_else() {
        let text =
            r#"{"a":{"b":[{"c":1,"d":"x"},{"c":2.5,"e":null}],"f":true},"g":{"h":"y"},"i":[1,2]}"#;
        assert_eq!(
            parse(text, &["a.b.c", "i"]).unwrap(),
            json!({"a":{"b":[{"c":1},{"c":2.5}]},"i":[1,2]})
        );
        assert_eq!(
            parse(text, &["a", "g.h", "i"]).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
        assert_eq!(parse(text, &["z"]).unwrap(), json!({}));
        assert!(parse("{\"a\":", &["a"]).is_err());
        assert!(parse("{} x", &["a"]).is_err());
    }
}
