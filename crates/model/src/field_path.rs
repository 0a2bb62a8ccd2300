//! Paths into a trial's JSON, as [`crate::trial::FieldNote::field`] names
//! fields: keys joined by `.`, array items as `[i]`
//! (`interventions[0].dose_levels`, `eligibility.min_age`).
//!
//! Importers check that a note names a field the record sets; front ends
//! use the same paths to show or set apart what eligo derived.

use serde_json::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The steps of `path`, or `None` when it is malformed.
fn steps(path: &str) -> Option<Vec<Step<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return None;
        }
        out.push(Step::Key(key));
        while !rest.is_empty() {
            let close = rest.find(']')?;
            if !rest.starts_with('[') {
                return None;
            }
            out.push(Step::Index(rest[1..close].parse().ok()?));
            rest = &rest[close + 1..];
        }
    }
    Some(out)
}

/// The value at `path`, if the JSON has one there (null counts as none).
pub fn get<'a>(json: &'a Value, path: &str) -> Option<&'a Value> {
    let mut at = json;
    for s in steps(path)? {
        at = match s {
            Step::Key(k) => at.get(k)?,
            Step::Index(i) => at.get(i)?,
        };
    }
    (!at.is_null()).then_some(at)
}

/// Remove the value at `path` and return it. An array item is removed from
/// its array, so take the items of one array from the last to the first.
pub fn take(json: &mut Value, path: &str) -> Option<Value> {
    let steps = steps(path)?;
    let (last, parents) = steps.split_last()?;
    let mut at = json;
    for s in parents {
        at = match s {
            Step::Key(k) => at.get_mut(*k)?,
            Step::Index(i) => at.get_mut(*i)?,
        };
    }
    match (last, at) {
        (Step::Key(k), Value::Object(m)) => m.remove(*k),
        (Step::Index(i), Value::Array(a)) if *i < a.len() => Some(a.remove(*i)),
        _ => None,
    }
}

/// Whether `path` is well formed.
pub fn is_valid(path: &str) -> bool {
    steps(path).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_get_and_take() {
        let mut v = json!({"a": {"b": [1, {"c": 2}, 3]}, "n": null});
        assert_eq!(get(&v, "a.b[1].c"), Some(&json!(2)));
        assert_eq!(get(&v, "a.b[3]"), None);
        assert_eq!(get(&v, "n"), None, "null is no value");
        assert_eq!(take(&mut v, "a.b[2]"), Some(json!(3)));
        assert_eq!(take(&mut v, "a.b[0]"), Some(json!(1)));
        assert_eq!(v, json!({"a": {"b": [{"c": 2}]}, "n": null}));
        for bad in ["", "a..b", "a[", "a[x]", "[0]", "a]0["] {
            assert!(!is_valid(bad), "{bad:?}");
            assert_eq!(get(&v, bad), None);
        }
    }
}
