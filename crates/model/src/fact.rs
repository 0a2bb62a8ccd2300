//! What eligo knows about one patient, as plain facts read from a record.
//!
//! The FHIR reader fills these; the matcher reads them. Each fact keeps the
//! id of the resource it came from so that evidence can cite it. Facts are
//! kept as recorded (codes, status, dates); normalising units and deriving
//! values (Cockcroft-Gault, prednisone equivalents) is the matcher's job, so
//! that every derivation shows up in the evidence.

use crate::{Date, Quantity};
use serde::{Deserialize, Serialize};

/// A code in a code system, e.g. `http://loinc.org` `1742-6`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Coding {
    pub system: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// Well-known code system URIs.
pub mod systems {
    pub const LOINC: &str = "http://loinc.org";
    pub const SNOMED: &str = "http://snomed.info/sct";
    pub const ICD10: &str = "http://hl7.org/fhir/sid/icd-10";
    pub const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
    pub const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
    pub const ATC: &str = "http://www.whocc.no/atc";
    pub const CVX: &str = "http://hl7.org/fhir/sid/cvx";
    pub const UCUM: &str = "http://unitsofmeasure.org";
    /// eligo's own score codes (SCORE_CODES.md).
    pub const ELIGO_SCORE: &str = "http://eligo.dev/score";
    pub const ELIGO_BILAG_GRADE: &str = "http://eligo.dev/score/bilag-grade";
}

/// A patient's record reduced to facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PatientFacts {
    /// Patient resource id.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<Date>,
    /// Administrative gender: `male`, `female`, `other`, `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    #[serde(default)]
    pub conditions: Vec<ConditionFact>,
    #[serde(default)]
    pub observations: Vec<ObservationFact>,
    #[serde(default)]
    pub medications: Vec<MedicationFact>,
    #[serde(default)]
    pub procedures: Vec<ProcedureFact>,
    #[serde(default)]
    pub immunizations: Vec<ImmunizationFact>,
    #[serde(default)]
    pub allergies: Vec<AllergyFact>,
    /// Resources or fields that were read but not used, and why. Shown to the
    /// user so that nothing is dropped silently.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<IgnoredFact>,
    /// How a history item that is not there reads: absent in a health
    /// record (closed world, MATCHING.md rule 3), unknown in a
    /// questionnaire unless the patient said "No" (open world, rule 10).
    #[serde(default, skip_serializing_if = "World::is_closed")]
    pub world: World,
    /// History items the patient said "No" to (open world): what a
    /// questionnaire knows to be absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub denied: Vec<Denial>,
}

/// Whether missing history means absent (`Closed`) or unknown (`Open`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum World {
    #[default]
    Closed,
    Open,
}

impl World {
    pub fn is_closed(&self) -> bool {
        *self == World::Closed
    }
}

/// What kind of history item a [`Denial`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    Condition,
    Medication,
    Procedure,
    Vaccination,
    Allergy,
    TrialParticipation,
}

/// "No" to a history item: the patient does not have (and never had) it.
/// `key` is the vocabulary key the question asked about (a condition,
/// medication or procedure key, a vaccine kind such as `live`, an allergy's
/// substance or `any`); `source` cites the answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Denial {
    pub kind: HistoryKind,
    pub key: String,
    pub source: SourceRef,
}

impl PatientFacts {
    /// In an open world, the answer that says `key` of `kind` is absent;
    /// `None` when nobody said so. Always `None` in a closed world, where
    /// absence needs no answer.
    pub fn denial(&self, kind: HistoryKind, key: &str) -> Option<&Denial> {
        self.denied.iter().find(|d| d.kind == kind && d.key == key)
    }

    /// Whether a history item that is not recorded counts as absent: always
    /// in a closed world, only when denied in an open one.
    pub fn absent_means_no(&self, kind: HistoryKind, key: &str) -> bool {
        self.world.is_closed() || self.denial(kind, key).is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
    Other,
    Unknown,
}

/// Where a fact came from in the record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceRef {
    /// FHIR resource type, e.g. `Observation`.
    pub resource_type: String,
    pub id: String,
}

/// Something read but not used as a fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IgnoredFact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    /// JSON path or field, when one is to blame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub reason: String,
}

/// FHIR Condition.clinicalStatus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClinicalStatus {
    Active,
    Recurrence,
    Relapse,
    Inactive,
    Remission,
    Resolved,
}

impl ClinicalStatus {
    /// Counts for "presence of", "active", "at screening".
    pub fn is_active(self) -> bool {
        matches!(self, Self::Active | Self::Recurrence | Self::Relapse)
    }
}

/// FHIR verificationStatus, for conditions and allergies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerificationStatus {
    Unconfirmed,
    Provisional,
    Differential,
    Confirmed,
    Refuted,
    EnteredInError,
}

impl VerificationStatus {
    /// Refuted and entered-in-error resources do not count at all.
    pub fn counts(self) -> bool {
        !matches!(self, Self::Refuted | Self::EnteredInError)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionFact {
    pub source: SourceRef,
    pub codes: Vec<Coding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinical_status: Option<ClinicalStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_status: Option<VerificationStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abatement: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<Date>,
    /// Severity or stage grade when coded (e.g. GVHD grade 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<u8>,
}

/// The value of an observation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ObservationValue {
    Quantity {
        quantity: Quantity,
    },
    /// A coded answer (positive/negative, a BILAG grade, a NYHA class).
    Code {
        coding: Vec<Coding>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    Boolean {
        value: bool,
    },
    Text {
        value: String,
    },
}

/// An observation's reference range (limits of normal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceRange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<Quantity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservationFact {
    pub source: SourceRef,
    pub codes: Vec<Coding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<ObservationValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_range: Option<ReferenceRange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Date>,
    /// The value is a bound, not a measurement (FHIR `valueQuantity.comparator`):
    /// `<` or `<=` for a result below the assay's limit ("< 20 IU/mL"), `>`
    /// or `>=` above its range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparator: Option<crate::rule::Comparator>,
    /// Interpretation codes as given (`H`, `L`, `POS`, `NEG`, `DET`, `ND`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interpretation: Vec<String>,
    /// Observation category codes (`laboratory`, `vital-signs`, `survey`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<String>,
    /// Components of a multi-part observation (e.g. blood pressure), flattened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ObservationComponent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservationComponent {
    pub codes: Vec<Coding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<ObservationValue>,
}

/// A medication taken, prescribed or administered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MedicationFact {
    pub source: SourceRef,
    pub codes: Vec<Coding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// FHIR status as given (`active`, `completed`, `stopped`, `entered-in-error`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Dose per administration, as recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dose: Option<Quantity>,
    /// Administrations per day when the timing says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_day: Option<rust_decimal::Decimal>,
    /// Route code or text (`oral`, `intravenous`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    /// None while ongoing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcedureFact {
    pub source: SourceRef,
    pub codes: Vec<Coding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImmunizationFact {
    pub source: SourceRef,
    pub codes: Vec<Coding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllergyFact {
    pub source: SourceRef,
    pub codes: Vec<Coding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `medication`, `food`, `environment`, `biologic`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<String>,
    /// `low`, `high`, `unable-to-assess`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criticality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinical_status: Option<ClinicalStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_status: Option<VerificationStatus>,
    /// Reaction severities as given (`mild`, `moderate`, `severe`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reaction_severity: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset: Option<Date>,
}
