//! The server's one door to the matcher and the FHIR reader, so that the
//! pages, the API and `eligo match` decide the same way on the same facts.

use eligo_model::rule::CompiledCriteria;
use eligo_model::{Date, PatientFacts, Trial, TrialMatch};

/// One trial, one patient.
pub fn evaluate(
    trial: &Trial,
    compiled: &CompiledCriteria,
    facts: &PatientFacts,
    as_of: Date,
) -> TrialMatch {
    eligo_matcher::evaluate(trial, compiled, facts, as_of)
}

/// Many trials, filtered and ranked as `eligo match` does.
pub fn match_trials(
    trials: &[(Trial, CompiledCriteria)],
    facts: &PatientFacts,
    as_of: Date,
    all: bool,
    trial_ids: Vec<String>,
) -> Vec<TrialMatch> {
    let opts = eligo_matcher::MatchOptions {
        as_of,
        all,
        trial_ids,
    };
    eligo_matcher::match_trials(trials, facts, &opts)
}

/// A patient record (FHIR R4 Bundle, Patient, or eligo's plain facts JSON).
pub fn read_patient(json: &str) -> Result<PatientFacts, String> {
    eligo_fhir::read_bundle(json).map_err(|e| e.to_string())
}

/// Today in the server's time zone: the default as-of date.
pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}
