//! Typed access to `serde_json::Value` that remembers where it is.
//!
//! Every getter knows its JSON path, so that whatever goes wrong can be
//! reported as `entry[3].resource.effectiveDateTime` rather than "bad date".
//! JSON `null` counts as absent: it is not valid FHIR, but reading it as
//! "not given" is never wrong.

use serde_json::Value;

/// Why one field (and so maybe its resource) could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub field: String,
    pub reason: String,
}

impl Problem {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Problem {
            field: field.into(),
            reason: reason.into(),
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

#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    pub v: &'a Value,
    pub path: String,
}

impl<'a> Node<'a> {
    pub fn new(v: &'a Value, path: impl Into<String>) -> Self {
        Node {
            v,
            path: path.into(),
        }
    }

    /// Path of a child field.
    pub fn at(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn problem(&self, reason: impl Into<String>) -> Problem {
        Problem::new(self.path.clone(), reason)
    }

    /// A child, or `None` when absent or null.
    pub fn field(&self, key: &str) -> Option<Node<'a>> {
        match self.v.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(Node::new(v, self.at(key))),
        }
    }

    pub fn as_str(&self) -> Result<&'a str, Problem> {
        self.v
            .as_str()
            .ok_or_else(|| self.problem(format!("expected a string, found {}", kind(self.v))))
    }

    pub fn expect_object(&self) -> Result<(), Problem> {
        if self.v.is_object() {
            Ok(())
        } else {
            Err(self.problem(format!("expected an object, found {}", kind(self.v))))
        }
    }

    /// A string field; empty strings count as absent.
    pub fn str(&self, key: &str) -> Result<Option<&'a str>, Problem> {
        match self.field(key) {
            None => Ok(None),
            Some(n) => {
                let s = n.as_str()?.trim();
                Ok((!s.is_empty()).then_some(s))
            }
        }
    }

    pub fn object(&self, key: &str) -> Result<Option<Node<'a>>, Problem> {
        match self.field(key) {
            None => Ok(None),
            Some(n) => n.expect_object().map(|()| Some(n)),
        }
    }

    /// Elements of an array field (none when absent); null elements are skipped.
    pub fn array(&self, key: &str) -> Result<Vec<Node<'a>>, Problem> {
        match self.field(key) {
            None => Ok(Vec::new()),
            Some(n) => {
                let items = n
                    .v
                    .as_array()
                    .ok_or_else(|| n.problem(format!("expected an array, found {}", kind(n.v))))?;
                Ok(items
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(i, v)| Node::new(v, format!("{}[{i}]", n.path)))
                    .collect())
            }
        }
    }

    /// Elements of an array field that must be objects.
    pub fn objects(&self, key: &str) -> Result<Vec<Node<'a>>, Problem> {
        let items = self.array(key)?;
        for item in &items {
            item.expect_object()?;
        }
        Ok(items)
    }

    /// A FHIR choice element `prefix[x]`: the one key `prefix` + a type name
    /// (`onsetDateTime`, `valueQuantity`) that is present, with the type name.
    pub fn choice(&self, prefix: &str) -> Result<Option<(&'a str, Node<'a>)>, Problem> {
        let Some(map) = self.v.as_object() else {
            return Ok(None);
        };
        let mut found: Option<(&'a str, Node<'a>)> = None;
        for (key, v) in map {
            let Some(rest) = key.strip_prefix(prefix) else {
                continue;
            };
            if !rest.starts_with(|c: char| c.is_ascii_uppercase()) || v.is_null() {
                continue;
            }
            if let Some((other, _)) = &found {
                return Err(Problem::new(
                    self.at(key),
                    format!(
                        "both {prefix}{other} and {key} are given; FHIR allows one {prefix}[x]"
                    ),
                ));
            }
            found = Some((rest, Node::new(v, self.at(key))));
        }
        Ok(found)
    }
}
