//! Reads a patient record into [`PatientFacts`].
//!
//! Three inputs are accepted, told apart by their top-level object: a FHIR R4
//! Bundle (`resourceType: "Bundle"`), a bare FHIR Patient, and eligo's plain
//! patient JSON, which is the serde form of `PatientFacts` itself (no
//! `resourceType`). The reader is a pure function of the JSON and of "today"
//! (used only to reject impossible birth dates); file reading is at the edge
//! in [`read_patient_file`].
//!
//! The rule throughout: never silently wrong. What cannot be read is either
//! an error, when the record as a whole cannot be trusted, or an
//! [`IgnoredFact`] naming the resource, the JSON path and the reason. Facts
//! are kept as recorded; the matcher derives and converts. See
//! `docs/patient-input.md`.

mod bundle;
mod coding;
mod date;
mod derived;
mod error;
mod json;
mod quantity;
mod resources;
mod version;

pub use error::FhirError;

use bundle::{Entry, Index};
use eligo_model::Date;
use eligo_model::PatientFacts;
use eligo_model::fact::{Gender, IgnoredFact};
use json::Problem;
use serde::Deserialize as _;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Settings of a read. Only "today" so far, to keep the reader pure in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Birth dates after this day, or more than 150 years before it, are impossible.
    pub today: Date,
}

impl ReadOptions {
    pub fn new(today: Date) -> Self {
        ReadOptions { today }
    }
}

impl Default for ReadOptions {
    /// Today in the system time zone.
    fn default() -> Self {
        ReadOptions::new(jiff::ZonedDateTime::now().date())
    }
}

/// Reads a record from JSON text (Bundle, Patient or eligo's plain form).
pub fn read_bundle(json: &str) -> Result<PatientFacts, FhirError> {
    read_bundle_with(json, &ReadOptions::default())
}

/// [`read_bundle`] with explicit options.
pub fn read_bundle_with(json: &str, options: &ReadOptions) -> Result<PatientFacts, FhirError> {
    let v: Value = serde_json::from_str(json).map_err(|e| FhirError::Json {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e),
    })?;
    if is_plain(&v) {
        check_plain_keys(&v)?;
        // Parse the text again for an error position serde can report.
        return serde_json::from_str(json).map_err(|e| plain_error(&e));
    }
    read_value_with(&v, options)
}

/// Reads a record already parsed as JSON.
pub fn read_value(v: &Value) -> Result<PatientFacts, FhirError> {
    read_value_with(v, &ReadOptions::default())
}

/// [`read_value`] with explicit options.
pub fn read_value_with(v: &Value, options: &ReadOptions) -> Result<PatientFacts, FhirError> {
    let Some(obj) = v.as_object() else {
        return Err(FhirError::NotFhir {
            reason: format!(
                "the top level is {}; a Bundle, a Patient or eligo's plain patient JSON is an object",
                json::kind(v)
            ),
        });
    };
    if is_plain(v) {
        check_plain_keys(v)?;
        return PatientFacts::deserialize(v).map_err(|e| plain_error(&e));
    }
    let resource_type = obj
        .get("resourceType")
        .and_then(Value::as_str)
        .ok_or_else(|| FhirError::Invalid {
            path: "resourceType".to_owned(),
            resource: None,
            reason: format!(
                "expected a string, found {}",
                json::kind(obj.get("resourceType").unwrap_or(&Value::Null))
            ),
        })?;
    if let Some(old) = version::detect(v) {
        return Err(FhirError::OlderVersion {
            version: old.version,
            evidence: old.evidence,
        });
    }
    let mut notes = Vec::new();
    let index = match resource_type {
        "Bundle" => Index::bundle(v, &mut notes)?,
        "Patient" => Index::single(v, resource_type)?,
        other => {
            return Err(FhirError::UnsupportedResource {
                resource_type: other.to_owned(),
            });
        }
    };
    read_index(&index, notes, options)
}

/// Reads a record from a file; errors name the file.
pub fn read_patient_file(path: &Path) -> Result<PatientFacts, FhirError> {
    let text = std::fs::read_to_string(path).map_err(|source| FhirError::Io {
        path: path.to_owned(),
        source,
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    read_bundle(text).map_err(|e| FhirError::InFile {
        file: path.to_owned(),
        source: Box::new(e),
    })
}

/// eligo's plain form is recognised by having no `resourceType`.
fn is_plain(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| !o.contains_key("resourceType"))
}

const PLAIN_KEYS: &[&str] = &[
    "id",
    "birth_date",
    "gender",
    "conditions",
    "observations",
    "medications",
    "procedures",
    "immunizations",
    "allergies",
    "ignored",
    "world",
    "denied",
];

/// serde would silently skip unknown keys, so a FHIR resource that lost its
/// `resourceType` would read as a patient with no facts. Refuse it instead.
fn check_plain_keys(v: &Value) -> Result<(), FhirError> {
    let Some(obj) = v.as_object() else {
        return Ok(());
    };
    let unknown: Vec<String> = obj
        .keys()
        .filter(|k| !PLAIN_KEYS.contains(&k.as_str()))
        .map(|k| format!("{k:?}"))
        .collect();
    if !unknown.is_empty() {
        return Err(FhirError::NotFhir {
            reason: format!(
                "no resourceType, so not FHIR, and {} not in eligo's plain patient form (keys: {})",
                match unknown.len() {
                    1 => format!("the key {} is", unknown[0]),
                    _ => format!("the keys {} are", unknown.join(", ")),
                },
                PLAIN_KEYS.join(", ")
            ),
        });
    }
    if !obj.contains_key("id") {
        return Err(FhirError::NotFhir {
            reason:
                "no resourceType, so not FHIR, and no \"id\", so not eligo's plain patient form"
                    .to_owned(),
        });
    }
    Ok(())
}

fn plain_error(e: &serde_json::Error) -> FhirError {
    let at = if e.line() > 0 {
        format!(" (line {}, column {})", e.line(), e.column())
    } else {
        String::new()
    };
    FhirError::NotFhir {
        reason: format!(
            "no resourceType, so read as eligo's plain patient form, which it is not: {}{at}",
            strip_position(e)
        ),
    }
}

/// serde_json appends " at line L column C"; the error reports those itself.
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// Resource types read into facts; Medication is read through references.
const READ_RESOURCES: &str = "Patient, Condition, Observation, MedicationStatement, MedicationRequest, MedicationAdministration, Procedure, Immunization, AllergyIntolerance, DiagnosticReport (its results), and diagnoses and procedures from Encounter, Claim and ExplanationOfBenefit (and Medication when referenced)";

fn read_index(
    index: &Index,
    notes: Vec<IgnoredFact>,
    options: &ReadOptions,
) -> Result<PatientFacts, FhirError> {
    let patients: Vec<usize> = (0..index.entries.len())
        .filter(|&i| index.entries[i].resource_type == "Patient")
        .collect();
    let patient = match patients[..] {
        [] => return Err(FhirError::NoPatient),
        [p] => p,
        _ => {
            return Err(FhirError::SeveralPatients {
                ids: patients
                    .iter()
                    .map(|&i| index.entries[i].cited_id())
                    .collect(),
            });
        }
    };
    let mut facts = read_patient(&index.entries[patient], options)?;
    facts.ignored.splice(0..0, notes);
    let ctx = resources::Ctx {
        index,
        patient,
        birth_date: facts.birth_date,
    };
    let mut unread: BTreeMap<&str, usize> = BTreeMap::new();
    let mut carriers: Vec<usize> = Vec::new();
    for (i, e) in index.entries.iter().enumerate() {
        let f = &mut facts;
        match e.resource_type {
            "Patient" | "Medication" => {}
            "Condition" => ctx.run(i, resources::condition, &mut f.conditions, &mut f.ignored)?,
            "Observation" => ctx.run(
                i,
                resources::observation,
                &mut f.observations,
                &mut f.ignored,
            )?,
            "MedicationStatement" | "MedicationRequest" | "MedicationAdministration" => {
                ctx.run(i, resources::medication, &mut f.medications, &mut f.ignored)?
            }
            "Procedure" => ctx.run(i, resources::procedure, &mut f.procedures, &mut f.ignored)?,
            "Immunization" => ctx.run(
                i,
                resources::immunization,
                &mut f.immunizations,
                &mut f.ignored,
            )?,
            "AllergyIntolerance" => {
                ctx.run(i, resources::allergy, &mut f.allergies, &mut f.ignored)?
            }
            t if derived::TYPES.contains(&t) => carriers.push(i),
            other => *unread.entry(other).or_default() += 1,
        }
    }
    derived::read(&ctx, &carriers, &mut facts);
    if !unread.is_empty() {
        let list: Vec<String> = unread.iter().map(|(t, n)| format!("{n} {t}")).collect();
        facts.ignored.push(IgnoredFact {
            source: None,
            field: Some("entry".to_owned()),
            reason: format!(
                "resources of types eligo does not read: {} (eligo reads {READ_RESOURCES})",
                list.join(", ")
            ),
        });
    }
    Ok(facts)
}

fn read_patient(e: &Entry, options: &ReadOptions) -> Result<PatientFacts, FhirError> {
    let node = e.node();
    let invalid = |p: Problem| FhirError::Invalid {
        path: p.field,
        resource: Some(e.label()),
        reason: p.reason,
    };
    let mut facts = PatientFacts {
        id: e.cited_id(),
        ..PatientFacts::default()
    };
    let mut note = |field: String, reason: String| {
        facts.ignored.push(IgnoredFact {
            source: Some(e.source()),
            field: Some(field),
            reason,
        });
    };
    let mut birth_date = None;
    if let Some(s) = node.str("birthDate").map_err(invalid)? {
        let path = node.at("birthDate");
        let (d, precision) = date::parse_date(s).map_err(|reason| FhirError::BirthDate {
            path: path.clone(),
            resource: e.label(),
            value: s.to_owned(),
            reason,
        })?;
        let age = date::age_on(d, options.today);
        if d > options.today {
            note(
                path,
                format!("birthDate {s} is after today ({}); not used", options.today),
            );
        } else if age > 150 {
            note(
                path,
                format!("birthDate {s} gives an age of {age} years, over 150; not used"),
            );
        } else {
            if precision != date::Precision::Day {
                note(
                    path,
                    format!("birthDate {s:?} is precise only to the {precision}; taken as {d}"),
                );
            }
            birth_date = Some(d);
        }
    }
    let gender = match node.str("gender").map_err(invalid)? {
        None => None,
        Some("male") => Some(Gender::Male),
        Some("female") => Some(Gender::Female),
        Some("other") => Some(Gender::Other),
        Some("unknown") => Some(Gender::Unknown),
        Some(g) => {
            note(
                node.at("gender"),
                format!(
                    "gender {g:?} is not a FHIR administrative gender (male, female, other, unknown); not used"
                ),
            );
            None
        }
    };
    facts.birth_date = birth_date;
    facts.gender = gender;
    Ok(facts)
}
