//! Field-level differences between two versions of a record, for the audit
//! trail: every changed leaf with its path, old and new value.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Dotted path (`sledai2k.arthritis`, `labs[0].value`).
    pub path: String,
    /// The value before, as JSON text; None when the field was absent.
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The leaves that differ between `old` and `new` (objects compared key by
/// key, arrays index by index), in path order.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk("", Some(old), Some(new), &mut out);
    out
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn walk(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Change>) {
    let a = a.filter(|v| !v.is_null());
    let b = b.filter(|v| !v.is_null());
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(&p, x.get(k), y.get(k), out);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            for i in 0..x.len().max(y.len()) {
                walk(&format!("{path}[{i}]"), x.get(i), y.get(i), out);
            }
        }
        (Some(Value::Object(x)), None) => {
            for (k, v) in x {
                walk(&format!("{path}.{k}"), Some(v), None, out);
            }
        }
        (None, Some(Value::Object(y))) => {
            for (k, v) in y {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(&p, None, Some(v), out);
            }
        }
        (Some(Value::Array(x)), None) => {
            for (i, v) in x.iter().enumerate() {
                walk(&format!("{path}[{i}]"), Some(v), None, out);
            }
        }
        (None, Some(Value::Array(y))) => {
            for (i, v) in y.iter().enumerate() {
                walk(&format!("{path}[{i}]"), None, Some(v), out);
            }
        }
        (None, None) => {}
        (x, y) => {
            if x != y {
                out.push(Change {
                    path: path.to_string(),
                    old: x.map(text),
                    new: y.map(text),
                });
            }
        }
    }
}
