//! eligo-fhir's one integration-test binary.
//!
//! Expectations come from the hand-written records in `tests/data/`: every
//! asserted id, value, unit, date and status can be checked by reading the
//! JSON next to the test.

#[path = "fhir/bad_input.rs"]
mod bad_input;
#[path = "fhir/forms.rs"]
mod forms;
#[path = "fhir/props.rs"]
mod props;
#[path = "fhir/sle.rs"]
mod sle;

use eligo_fhir::{FhirError, ReadOptions, read_bundle_with, read_value_with};
use eligo_model::Date;
use eligo_model::fact::{IgnoredFact, ObservationFact, PatientFacts};
use serde_json::Value;
use std::path::PathBuf;

/// The day the tests pretend it is, so that age checks do not drift.
pub fn today() -> Date {
    Date::new(2026, 12, 1).unwrap()
}

pub fn opts() -> ReadOptions {
    ReadOptions::new(today())
}

pub fn date(s: &str) -> Date {
    s.parse().unwrap()
}

pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

pub fn sle_text() -> String {
    std::fs::read_to_string(data("sle-bundle.json")).unwrap()
}

pub fn sle_json() -> Value {
    serde_json::from_str(&sle_text()).unwrap()
}

pub fn read(v: &Value) -> Result<PatientFacts, FhirError> {
    read_value_with(v, &opts())
}

pub fn read_str(s: &str) -> Result<PatientFacts, FhirError> {
    read_bundle_with(s, &opts())
}

pub fn read_ok(v: &Value) -> PatientFacts {
    read(v).unwrap_or_else(|e| panic!("read failed: {e}"))
}

pub fn obs<'a>(facts: &'a PatientFacts, id: &str) -> &'a ObservationFact {
    facts
        .observations
        .iter()
        .find(|o| o.source.id == id)
        .unwrap_or_else(|| panic!("no observation {id}"))
}

/// The ignored entries about one resource id.
pub fn ignored_for<'a>(facts: &'a PatientFacts, id: &str) -> Vec<&'a IgnoredFact> {
    facts
        .ignored
        .iter()
        .filter(|i| i.source.as_ref().is_some_and(|s| s.id == id))
        .collect()
}

/// The SLE bundle's entry whose resource has this id, for editing in a test.
pub fn resource_mut<'a>(bundle: &'a mut Value, id: &str) -> &'a mut Value {
    bundle["entry"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .map(|e| &mut e["resource"])
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no resource {id}"))
}

/// A bundle holding the SLE patient and these resources.
pub fn with_patient(resources: Vec<Value>) -> Value {
    let mut entries = vec![serde_json::json!({
        "fullUrl": "urn:uuid:6f1c2a9e-0b7d-4a55-9c3e-1d2f3a4b5c60",
        "resource": {"resourceType": "Patient", "id": "sle-001", "gender": "female", "birthDate": "1991-04-17"}
    })];
    entries.extend(
        resources
            .into_iter()
            .map(|r| serde_json::json!({"resource": r})),
    );
    serde_json::json!({"resourceType": "Bundle", "type": "collection", "entry": entries})
}
