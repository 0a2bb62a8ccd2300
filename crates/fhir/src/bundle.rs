//! The resources of a record, indexed for reference resolution.
//!
//! A reference is found by `fullUrl` (exactly, which covers `urn:uuid:`), or
//! by `Type/id` (relative, or the tail of an absolute URL, ignoring any
//! `/_history/n`). Duplicate ids are an error: a reference to one of them
//! would be ambiguous.

use crate::FhirError;
use crate::json::{Node, Problem, kind};
use eligo_model::fact::{IgnoredFact, SourceRef};
use serde_json::Value;
use std::collections::HashMap;

/// Bundle types whose entries are one snapshot of resources. `history`
/// repeats versions, `message` wraps events, responses hold outcomes.
const READ_TYPES: &[&str] = &[
    "collection",
    "transaction",
    "batch",
    "searchset",
    "document",
];

#[derive(Debug)]
pub(crate) struct Entry<'a> {
    /// Path of the resource object (`entry[3].resource`, or empty at top level).
    pub path: String,
    pub full_url: Option<&'a str>,
    pub resource: &'a Value,
    pub resource_type: &'a str,
    pub id: Option<&'a str>,
}

impl Entry<'_> {
    /// The id evidence cites: the resource id, else the fullUrl, else where it is.
    pub fn cited_id(&self) -> String {
        self.id
            .or(self.full_url)
            .map(str::to_owned)
            .unwrap_or_else(|| match self.path.strip_suffix(".resource") {
                Some(entry) => entry.to_owned(),
                None if self.path.is_empty() => self.resource_type.to_ascii_lowercase(),
                None => self.path.clone(),
            })
    }

    pub fn source(&self) -> SourceRef {
        SourceRef {
            resource_type: self.resource_type.to_owned(),
            id: self.cited_id(),
        }
    }

    /// `Type/id`, for messages.
    pub fn label(&self) -> String {
        format!("{}/{}", self.resource_type, self.cited_id())
    }

    pub fn node(&self) -> Node<'_> {
        Node::new(self.resource, self.path.clone())
    }
}

#[derive(Debug, Default)]
pub(crate) struct Index<'a> {
    pub entries: Vec<Entry<'a>>,
    by_url: HashMap<&'a str, usize>,
    by_type_id: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> Index<'a> {
    /// A top-level resource (a bare Patient).
    pub fn single(resource: &'a Value, resource_type: &'a str) -> Result<Self, FhirError> {
        let id = resource_id(&Node::new(resource, ""), resource_type)?;
        let mut index = Index::default();
        index.add(Entry {
            path: String::new(),
            full_url: None,
            resource,
            resource_type,
            id,
        })?;
        Ok(index)
    }

    /// The resources of a Bundle. Entries that hold no readable resource are
    /// reported in `notes`, not failed: a Bundle may carry request-only entries.
    pub fn bundle(bundle: &'a Value, notes: &mut Vec<IgnoredFact>) -> Result<Self, FhirError> {
        let root = Node::new(bundle, "");
        let invalid = |p: Problem| FhirError::Invalid {
            path: p.field,
            resource: Some("Bundle".to_owned()),
            reason: p.reason,
        };
        if let Some(t) = root.str("type").map_err(invalid)?
            && !READ_TYPES.contains(&t)
        {
            return Err(FhirError::UnsupportedBundleType {
                path: "type".to_owned(),
                bundle_type: t.to_owned(),
            });
        }
        let mut index = Index::default();
        for entry in root.array("entry").map_err(invalid)? {
            let mut note = |field: String, reason: String| {
                notes.push(IgnoredFact {
                    source: None,
                    field: Some(field),
                    reason,
                })
            };
            if !entry.v.is_object() {
                note(
                    entry.path.clone(),
                    format!("the entry is {}, not an object; not read", kind(entry.v)),
                );
                continue;
            }
            let Some(resource) = entry.field("resource") else {
                note(
                    entry.path.clone(),
                    "the entry has no resource; not read".to_owned(),
                );
                continue;
            };
            if !resource.v.is_object() {
                note(
                    resource.path.clone(),
                    format!(
                        "the resource is {}, not an object; not read",
                        kind(resource.v)
                    ),
                );
                continue;
            }
            let resource_type = match resource.str("resourceType") {
                Ok(Some(t)) => t,
                Ok(None) => {
                    note(
                        resource.path.clone(),
                        "the resource has no resourceType; not read".to_owned(),
                    );
                    continue;
                }
                Err(p) => {
                    note(
                        p.field,
                        format!("resourceType {}; the resource is not read", p.reason),
                    );
                    continue;
                }
            };
            let full_url = entry.str("fullUrl").map_err(invalid)?;
            let id = resource_id(&resource, resource_type)?;
            index.add(Entry {
                path: resource.path.clone(),
                full_url,
                resource: resource.v,
                resource_type,
                id,
            })?;
        }
        Ok(index)
    }

    fn add(&mut self, e: Entry<'a>) -> Result<(), FhirError> {
        let i = self.entries.len();
        if let Some(url) = e.full_url
            && let Some(&j) = self.by_url.get(url)
        {
            return Err(FhirError::Invalid {
                path: e
                    .path
                    .strip_suffix(".resource")
                    .unwrap_or(&e.path)
                    .to_owned()
                    + ".fullUrl",
                resource: Some(e.label()),
                reason: format!(
                    "fullUrl {url:?} is also used by {}; references to it would be ambiguous",
                    self.entries[j].path
                ),
            });
        }
        if let Some(id) = e.id
            && let Some(&j) = self.by_type_id.get(&(e.resource_type, id))
        {
            return Err(FhirError::Invalid {
                path: e.path.clone(),
                resource: Some(e.label()),
                reason: format!(
                    "the same resource type and id as {}; references to it would be ambiguous",
                    self.entries[j].path
                ),
            });
        }
        if let Some(url) = e.full_url {
            self.by_url.insert(url, i);
        }
        if let Some(id) = e.id {
            self.by_type_id.insert((e.resource_type, id), i);
        }
        self.entries.push(e);
        Ok(())
    }

    /// The entry a (non-contained) reference points to.
    pub fn resolve(&self, reference: &str) -> Option<usize> {
        if let Some(&i) = self.by_url.get(reference) {
            return Some(i);
        }
        if reference.starts_with("urn:") || reference.starts_with('#') {
            return None;
        }
        let mut parts: Vec<&str> = reference.trim_end_matches('/').split('/').collect();
        if parts.len() >= 4 && parts[parts.len() - 2] == "_history" {
            parts.truncate(parts.len() - 2);
        }
        let [.., rtype, id] = parts[..] else {
            return None;
        };
        if let Some(&i) = self.by_type_id.get(&(rtype, id)) {
            return Some(i);
        }
        // A relative reference against entries whose fullUrl is absolute.
        let tail = format!("/{rtype}/{id}");
        self.entries
            .iter()
            .position(|e| e.full_url.is_some_and(|u| u.ends_with(&tail)))
    }
}

fn resource_id<'a>(resource: &Node<'a>, resource_type: &str) -> Result<Option<&'a str>, FhirError> {
    resource.str("id").map_err(|p| FhirError::Invalid {
        path: p.field,
        resource: Some(resource_type.to_owned()),
        reason: format!("resource id {}", p.reason),
    })
}
