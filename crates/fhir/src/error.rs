//! Why a record could not be read at all.
//!
//! Problems confined to one resource do not fail the read: that resource goes
//! to `PatientFacts::ignored` with its reason. An error here means the record
//! as a whole cannot be trusted (not JSON, no patient, facts that may belong to
//! someone else, a birth date that cannot be read).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum FhirError {
    /// The text is not JSON.
    #[error("not JSON: {message} (line {line}, column {column})")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },

    /// JSON, but neither FHIR nor eligo's plain patient form.
    #[error("not a patient record: {reason}")]
    NotFhir { reason: String },

    /// A FHIR resource that is not a Bundle or a Patient at the top level.
    #[error(
        "resourceType {resource_type:?} at the top level: eligo reads a Bundle, a Patient or its own plain patient JSON"
    )]
    UnsupportedResource { resource_type: String },

    /// A Bundle whose type may repeat or omit resources (history, message, responses).
    #[error(
        "{path}: Bundle.type {bundle_type:?} is not read; eligo reads collection, transaction, batch, searchset and document bundles"
    )]
    UnsupportedBundleType { path: String, bundle_type: String },

    /// A record written in a FHIR version before R4.
    #[error("this is a FHIR {version} record ({evidence}); eligo reads FHIR R4")]
    OlderVersion {
        version: &'static str,
        evidence: String,
    },

    #[error("the Bundle holds no Patient resource, so there is no patient to read")]
    NoPatient,

    /// Facts could not be attributed to one person.
    #[error("the Bundle holds {} Patient resources ({}); eligo reads one patient per record", ids.len(), ids.join(", "))]
    SeveralPatients { ids: Vec<String> },

    /// A `subject`/`patient` reference that points nowhere in the record.
    #[error("{path}: {resource} refers to {reference:?}, which is not in the bundle")]
    UnresolvedReference {
        path: String,
        resource: String,
        reference: String,
    },

    /// A `subject`/`patient` reference to something other than the record's patient.
    #[error(
        "{path}: {resource} refers to {reference:?}, which is {target}, not the patient {patient}"
    )]
    NotThePatient {
        path: String,
        resource: String,
        reference: String,
        target: String,
        patient: String,
    },

    /// Age decides many criteria, so an unreadable birth date fails the read.
    #[error("{path}: {resource}: birthDate {value:?} {reason}")]
    BirthDate {
        path: String,
        resource: String,
        value: String,
        reason: String,
    },

    /// Structure that makes the record ambiguous (duplicate ids, a malformed
    /// subject, entries that are not a list).
    #[error("{path}: {}{reason}", resource.as_ref().map(|r| format!("{r}: ")).unwrap_or_default())]
    Invalid {
        path: String,
        resource: Option<String>,
        reason: String,
    },

    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    /// Any other error, with the file it came from.
    #[error("{}: {source}", file.display())]
    InFile {
        file: PathBuf,
        source: Box<FhirError>,
    },
}

impl FhirError {
    /// JSON path of the offending field (`entry[3].resource.subject`), when one is to blame.
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::UnsupportedBundleType { path, .. }
            | Self::UnresolvedReference { path, .. }
            | Self::NotThePatient { path, .. }
            | Self::BirthDate { path, .. }
            | Self::Invalid { path, .. } => Some(path),
            Self::InFile { source, .. } => source.path(),
            _ => None,
        }
    }

    /// The resource at fault, as `Type/id`, when one is.
    pub fn resource(&self) -> Option<&str> {
        match self {
            Self::UnresolvedReference { resource, .. }
            | Self::NotThePatient { resource, .. }
            | Self::BirthDate { resource, .. } => Some(resource),
            Self::Invalid { resource, .. } => resource.as_deref(),
            Self::InFile { source, .. } => source.resource(),
            _ => None,
        }
    }
}
