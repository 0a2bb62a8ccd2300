//! ClinicalTrials.gov API v2 study JSON → eligo [`Trial`]s.
//!
//! Three layers, I/O only in the outer one:
//! - [`map`]: one study's JSON value → a `Trial`, or a [`FieldError`] that
//!   names the JSON path and what was wrong. Pure.
//! - [`read`]: every form a user has on disk (one study, a directory, a
//!   paged search response, NDJSON, a zip of the bulk download) → a stream
//!   of [`Record`]s or [`ImportError`]s that name file, location and path.
//! - [`sample`]: the embedded sample registry (the seed trials written as
//!   v2-shaped JSON, plus real studies), so a fresh install works offline.
//!
//! Nothing here stores anything: the store decides what a record changes.

pub mod dose;
pub mod map;
pub mod read;
pub mod sample;
pub mod split;

use eligo_model::Trial;
use std::fmt;

pub use map::{FieldError, study_to_trial};
pub use read::{Limits, Reader, SourceError, read_sources, read_sources_with};
pub use sample::sample_registry;

/// One study read from a source: the mapped trial and the raw JSON it came
/// from (kept verbatim in the store, so nothing the registry said is lost).
#[derive(Debug, Clone)]
pub struct Record {
    pub trial: Trial,
    pub raw: serde_json::Value,
    pub origin: Origin,
}

/// Where a record was read: the file and, inside it, the line (NDJSON),
/// array index (search page) or archive entry (zip).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub location: Option<String>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(l) => write!(f, "{} ({l})", self.file),
            None => f.write_str(&self.file),
        }
    }
}

/// A record that could not be imported. It changes nothing in the store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    pub origin: Origin,
    /// JSON path of the offending field, when one is to blame.
    pub field: Option<String>,
    pub reason: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.reason)
    }
}
