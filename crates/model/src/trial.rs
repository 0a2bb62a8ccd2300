//! A clinical trial as a registry record describes it.
//!
//! The shape follows ClinicalTrials.gov API v2 (`protocolSection`) closely
//! enough that every field the seed pages show has a home, but it is eligo's
//! own: importers map into it, front ends render from it. Enumerations that
//! the registry defines (status, phase, study type, sex) are closed enums so
//! that an unknown value is an import error rather than silent garbage; the
//! free-form design codes stay strings.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One trial. `id` is the NCT id when the trial has one, else a stable local
/// id (see [`local_trial_id`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Trial {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nct_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_study_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_ids: Vec<SecondaryId>,
    pub brief_title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acronym: Option<String>,
    /// `None` when the source does not state it (a trial known only by id
    /// and title): absent, never "Unknown status", which is a registry
    /// status of its own (not verified for two years).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OverallStatus>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<Phase>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub study_type: Option<StudyType>,
    #[serde(default)]
    pub design: Design,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrollment: Option<Enrollment>,
    #[serde(default)]
    pub dates: Dates,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arms: Vec<Arm>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interventions: Vec<Intervention>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsor: Option<Organization>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collaborators: Vec<Organization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible_party: Option<ResponsibleParty>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub officials: Vec<Official>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub central_contacts: Vec<Contact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    #[serde(default)]
    pub eligibility: Eligibility,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub primary_outcomes: Vec<Outcome>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_outcomes: Vec<Outcome>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_outcomes: Vec<Outcome>,
    /// Outcome measures the source lists without saying which are primary,
    /// secondary or other (a protocol page that calls them all "outcome
    /// measures"): kept unclassed rather than guessed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brief_summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detailed_description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub see_also: Vec<Link>,
    /// Trials the source names as related (the seed pages list some).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedTrial>,
    /// True when the record is known to be incomplete (for example a related
    /// trial known only by id and title). Partial records are stored and
    /// searchable but never matched as if their eligibility were known.
    #[serde(default)]
    pub partial: bool,
    #[serde(default)]
    pub has_results: bool,
    /// Dates as a source page labels them ("Current as of July 23, 2025"),
    /// when the label names no registry date exactly: kept with the page's
    /// words rather than filed under a registry label they may not mean.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub page_dates: Vec<PageDate>,
    /// A summary a source page writes in its own words (a trial site's lay
    /// summary), not the registry's `brief_summary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_summary: Option<PageText>,
    /// Fields whose value eligo derived or whose label it inferred, with how.
    /// A field not listed here is stated by the source under its own label.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provenance: Vec<FieldNote>,
}

/// A stable id for a trial with no NCT id: derived from what identifies it
/// (sponsor and title), so that re-importing the same record gives the same id.
pub fn local_trial_id(sponsor: &str, title: &str) -> String {
    // FNV-1a, 64 bit: tiny, stable across platforms and releases.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in sponsor
        .trim()
        .to_lowercase()
        .bytes()
        .chain([0u8])
        .chain(title.trim().to_lowercase().bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("ELIGO-{:012X}", h & 0xFFFF_FFFF_FFFF)
}

/// Is `s` a well-formed NCT id (`NCT` and eight digits)?
pub fn is_nct_id(s: &str) -> bool {
    s.len() == 11 && s.starts_with("NCT") && s[3..].bytes().all(|b| b.is_ascii_digit())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondaryId {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
}

macro_rules! registry_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal / $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl $name {
            /// Every value, in registry order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The registry's code, e.g. `RECRUITING`.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            /// A label for people, e.g. `Recruiting`.
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
            /// Parse the registry code (case-insensitive; `-` and space read as `_`).
            pub fn from_code(s: &str) -> Option<Self> {
                let norm = s.trim().to_ascii_uppercase().replace(['-', ' '], "_");
                match norm.as_str() { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.code()) }
        }
    };
}

registry_enum!(
    /// `statusModule.overallStatus`. No default: a record that does not
    /// state its status has none (`Trial::status` is `None`).
    OverallStatus {
        NotYetRecruiting = "NOT_YET_RECRUITING" / "Not yet recruiting",
        Recruiting = "RECRUITING" / "Recruiting",
        EnrollingByInvitation = "ENROLLING_BY_INVITATION" / "Enrolling by invitation",
        ActiveNotRecruiting = "ACTIVE_NOT_RECRUITING" / "Active, not recruiting",
        Suspended = "SUSPENDED" / "Suspended",
        Terminated = "TERMINATED" / "Terminated",
        Completed = "COMPLETED" / "Completed",
        Withdrawn = "WITHDRAWN" / "Withdrawn",
        Unknown = "UNKNOWN" / "Unknown status",
        Available = "AVAILABLE" / "Available",
        NoLongerAvailable = "NO_LONGER_AVAILABLE" / "No longer available",
        TemporarilyNotAvailable = "TEMPORARILY_NOT_AVAILABLE" / "Temporarily not available",
        ApprovedForMarketing = "APPROVED_FOR_MARKETING" / "Approved for marketing",
        Withheld = "WITHHELD" / "Withheld",
    }
);

impl OverallStatus {
    /// Statuses under which a patient can still join.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            OverallStatus::NotYetRecruiting
                | OverallStatus::Recruiting
                | OverallStatus::EnrollingByInvitation
                | OverallStatus::Available
        )
    }
}

registry_enum!(
    /// `designModule.phases[]`.
    Phase {
        EarlyPhase1 = "EARLY_PHASE1" / "Early phase 1",
        Phase1 = "PHASE1" / "Phase 1",
        Phase2 = "PHASE2" / "Phase 2",
        Phase3 = "PHASE3" / "Phase 3",
        Phase4 = "PHASE4" / "Phase 4",
        NotApplicable = "NA" / "Not applicable",
    }
);

registry_enum!(
    /// `designModule.studyType`.
    StudyType {
        Interventional = "INTERVENTIONAL" / "Interventional",
        Observational = "OBSERVATIONAL" / "Observational",
        ExpandedAccess = "EXPANDED_ACCESS" / "Expanded access",
    }
);

registry_enum!(
    /// `eligibilityModule.sex`: who may enrol. No default: a record that
    /// does not state it has none (`Eligibility::sex` is `None`).
    Sex {
        All = "ALL" / "All",
        Female = "FEMALE" / "Female",
        Male = "MALE" / "Male",
    }
);

/// Study design codes, kept as the registry's upper-case strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Design {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention_model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention_model_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_purpose: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masking: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub who_masked: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observational_model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_perspective: Option<String>,
}

/// A registry code in words: `SINGLE_GROUP` → "Single group", `NA` → "Not
/// applicable". Front ends show codes this way, so they agree.
pub fn code_label(code: &str) -> String {
    if code.trim() == "NA" {
        return "Not applicable".into();
    }
    let lower = code.replace('_', " ").to_lowercase();
    let mut c = lower.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

impl Design {
    /// The design as (label, value) rows for display, in registry order,
    /// skipping what the record does not state.
    pub fn rows(&self) -> Vec<(&'static str, String)> {
        let masking = self.masking.as_deref().map(|m| {
            if self.who_masked.is_empty() {
                code_label(m)
            } else {
                let who: Vec<String> = self.who_masked.iter().map(|w| code_label(w)).collect();
                format!("{} ({})", code_label(m), who.join(", "))
            }
        });
        [
            ("Allocation", self.allocation.as_deref().map(code_label)),
            (
                "Intervention model",
                self.intervention_model.as_deref().map(code_label),
            ),
            (
                "Model description",
                self.intervention_model_description.clone(),
            ),
            (
                "Primary purpose",
                self.primary_purpose.as_deref().map(code_label),
            ),
            ("Masking", masking),
            (
                "Observational model",
                self.observational_model.as_deref().map(code_label),
            ),
            (
                "Time perspective",
                self.time_perspective.as_deref().map(code_label),
            ),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }
}

/// Whether a count or date has happened or is a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Actuality {
    Actual,
    Estimated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Actuality>,
}

/// A registry date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as given (the
/// registry often publishes month precision only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: i16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that the date exists.
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.trim().split('-');
        let year: i16 = parts.next()?.parse().ok()?;
        if !(1000..=9999).contains(&year) {
            return None;
        }
        let month = match parts.next() {
            Some(m) if m.len() == 2 => Some(m.parse::<u8>().ok()?),
            Some(_) => return None,
            None => None,
        };
        let day = match parts.next() {
            Some(d) if d.len() == 2 && month.is_some() => Some(d.parse::<u8>().ok()?),
            Some(_) => return None,
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return None;
            }
            if let Some(d) = day {
                jiff::civil::Date::new(year, m as i8, d as i8).ok()?;
            }
        }
        Some(PartialDate { year, month, day })
    }

    /// The first calendar day the partial date can mean.
    pub fn first_day(self) -> crate::Date {
        crate::Date::new(
            self.year,
            self.month.unwrap_or(1) as i8,
            self.day.unwrap_or(1) as i8,
        )
        .expect("PartialDate is validated on construction")
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PartialDate::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid date {s:?}: expected YYYY-MM or YYYY-MM-DD"
            ))
        })
    }
}

/// A milestone date and whether it is actual or estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub date: PartialDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Actuality>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Dates {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_submitted: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_posted: Option<Milestone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Milestone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_completion: Option<Milestone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<Milestone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_submitted: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_posted: Option<Milestone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_verified: Option<PartialDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arm {
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interventions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intervention {
    pub name: String,
    /// Registry code: DRUG, BIOLOGICAL, GENETIC, PROCEDURE, DEVICE, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arm_labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_names: Vec<String>,
    /// Dose levels read from the description (e.g. a dose-escalation design):
    /// derived, so importers note them in [`Trial::provenance`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dose_levels: Vec<DoseLevel>,
}

/// One dose level, e.g. `1.5×10^5/kg` is value 150000, unit `/kg`: the
/// unit as the record writes it, in UCUM (`{cells}/kg` only where the text
/// says "cells/kg"; the annotation changes nothing in UCUM).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoseLevel {
    /// The text as written in the record.
    pub text: String,
    pub dose: crate::Quantity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub name: String,
    /// Registry agency class: INDUSTRY, OTHER, NIH, FED, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// What a source page says about the organisation ("About …"), in the
    /// page's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<PageText>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsibleParty {
    /// SPONSOR, PRINCIPAL_INVESTIGATOR, SPONSOR_INVESTIGATOR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investigator_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investigator_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investigator_affiliation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Official {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// STUDY_CHAIR, STUDY_DIRECTOR, PRINCIPAL_INVESTIGATOR, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    /// The line a source page gives under the name (a department and
    /// institution); the registry format has no such field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Recruitment status of this site (registry code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<GeoPoint>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

/// Units an age limit can be given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgeUnit {
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

/// An age limit such as `18 Years` or `6 Months`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AgeLimit {
    pub value: u32,
    pub unit: AgeUnit,
}

impl AgeLimit {
    /// Parse the registry form `N Unit(s)` (`18 Years`, `1 Month`, `6 weeks`).
    pub fn parse(s: &str) -> Option<Self> {
        let mut it = s.split_whitespace();
        let value: u32 = it.next()?.parse().ok()?;
        let unit = match it.next()?.to_ascii_lowercase().trim_end_matches('s') {
            "minute" => AgeUnit::Minutes,
            "hour" => AgeUnit::Hours,
            "day" => AgeUnit::Days,
            "week" => AgeUnit::Weeks,
            "month" => AgeUnit::Months,
            "year" => AgeUnit::Years,
            _ => return None,
        };
        if it.next().is_some() {
            return None;
        }
        Some(AgeLimit { value, unit })
    }

    /// The limit in (fractional) years, for range filters over whole registries.
    pub fn years(self) -> f64 {
        let v = f64::from(self.value);
        match self.unit {
            AgeUnit::Years => v,
            AgeUnit::Months => v / 12.0,
            AgeUnit::Weeks => v * 7.0 / 365.25,
            AgeUnit::Days => v / 365.25,
            AgeUnit::Hours => v / (365.25 * 24.0),
            AgeUnit::Minutes => v / (365.25 * 24.0 * 60.0),
        }
    }
}

impl fmt::Display for AgeLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            AgeUnit::Minutes => "Minute",
            AgeUnit::Hours => "Hour",
            AgeUnit::Days => "Day",
            AgeUnit::Weeks => "Week",
            AgeUnit::Months => "Month",
            AgeUnit::Years => "Year",
        };
        let plural = if self.value == 1 { "" } else { "s" };
        write!(f, "{} {unit}{plural}", self.value)
    }
}

impl Serialize for AgeLimit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AgeLimit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        AgeLimit::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("invalid age {s:?}: expected e.g. \"18 Years\""))
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Eligibility {
    /// The free text, as the registry holds it (markdown-ish, with `\>` escapes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_age: Option<AgeLimit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<AgeLimit>,
    /// `None` when the source does not state who may enrol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthy_volunteers: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub std_ages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub measure: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_frame: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmid: Option<String>,
    /// BACKGROUND, RESULT, DERIVED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub citation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub label: String,
    pub url: String,
}

/// Text a source page writes about a trial or its sponsor in the page's own
/// words, under the page's own heading: shown as the page's, never as the
/// registry's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageText {
    /// Whose words: the site or page, e.g. `ClinConnect`.
    pub source: String,
    /// The heading the page puts over the text, as written.
    pub heading: String,
    pub text: String,
}

/// A date as a source page gives it, with the page's own label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageDate {
    /// The page's label for the date, e.g. `Current as of`, `Launched by`.
    pub label: String,
    /// The date with its label, as the page writes it, e.g.
    /// `Current as of July 23, 2025`.
    pub text: String,
    pub date: PartialDate,
}

/// Why a field's value is not simply the source's statement under its own
/// label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// eligo made the value from other text of the record (a condition from
    /// the title, an age limit from the criteria, dose levels from a
    /// description). Front ends say so wherever they show it, and the API
    /// keeps it apart from the record's own fields.
    Derived,
    /// The source gives the value but not its label (a bare date on a
    /// page); eligo read which field it is.
    LabelInferred,
}

/// How one field came to hold its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldNote {
    /// The field as a path into the trial's JSON: `conditions`,
    /// `interventions[0]`, `eligibility.min_age`, `dates.start`.
    pub field: String,
    pub basis: Basis,
    /// How, in a few words for people: `from the title`.
    pub note: String,
}

impl FieldNote {
    /// The note as front ends show it next to the value, e.g. `derived by
    /// eligo: from the title`.
    pub fn words(&self) -> String {
        match self.basis {
            Basis::Derived => format!("derived by eligo: {}", self.note),
            Basis::LabelInferred => format!("label inferred by eligo: {}", self.note),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedTrial {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// Target antigens that CAR-T and other targeted therapies name, in the
/// spelling eligo reports. Matched as whole tokens, case-insensitively.
pub const TARGET_ANTIGENS: &[&str] = &[
    "CD19", "CD20", "CD22", "CD30", "CD33", "CD38", "CD70", "CD7", "CD5", "CD123", "BCMA",
    "GPRC5D", "FCRH5", "SLAMF7", "CD46", "CD99", "HER2", "EGFR", "GD2", "MSLN", "CLDN18.2", "GPC3",
    "PSMA", "CD6", "CD79B", "BAFF-R", "TACI",
];

impl Trial {
    /// The note on `field` (a path as in [`FieldNote::field`]), if eligo
    /// derived its value or inferred its label.
    pub fn note(&self, field: &str) -> Option<&FieldNote> {
        self.provenance.iter().find(|n| n.field == field)
    }

    /// Whether eligo derived `field` rather than read it from the source.
    pub fn is_derived(&self, field: &str) -> bool {
        self.note(field).is_some_and(|n| n.basis == Basis::Derived)
    }

    /// Target antigens named in the titles, interventions, arms and keywords,
    /// in [`TARGET_ANTIGENS`] order. `CD19/BCMA` yields both.
    pub fn target_antigens(&self) -> Vec<&'static str> {
        let mut text = String::new();
        for s in [&self.brief_title]
            .into_iter()
            .chain(self.official_title.as_ref())
            .chain(self.keywords.iter())
        {
            text.push_str(s);
            text.push(' ');
        }
        for i in &self.interventions {
            text.push_str(&i.name);
            text.push(' ');
            for o in &i.other_names {
                text.push_str(o);
                text.push(' ');
            }
        }
        for a in &self.arms {
            text.push_str(&a.label);
            text.push(' ');
        }
        let upper = text.to_ascii_uppercase();
        let tokens: Vec<&str> = upper
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .flat_map(|t| {
                // "ANTI-CD70" and "CD19-TARGETED" still name the antigen.
                let t = t.trim_matches(|c| c == '.' || c == '-');
                std::iter::once(t).chain(t.split('-'))
            })
            .collect();
        TARGET_ANTIGENS
            .iter()
            .copied()
            .filter(|a| tokens.iter().any(|t| t.eq_ignore_ascii_case(a)))
            .collect()
    }

    /// Countries of the trial's sites, deduplicated, in first-seen order.
    pub fn countries(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for c in self.locations.iter().filter_map(|l| l.country.as_deref()) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_parse_and_reject() {
        assert_eq!(
            PartialDate::parse("2025-04").unwrap().to_string(),
            "2025-04"
        );
        assert_eq!(
            PartialDate::parse("2026-01-31").unwrap().to_string(),
            "2026-01-31"
        );
        assert!(PartialDate::parse("2026-02-30").is_none());
        assert!(PartialDate::parse("2026-13").is_none());
        assert!(PartialDate::parse("26-01-01").is_none());
        assert!(PartialDate::parse("2026-1-1").is_none());
    }

    #[test]
    fn ages_parse_in_registry_form() {
        let a = AgeLimit::parse("18 Years").unwrap();
        assert_eq!((a.value, a.unit), (18, AgeUnit::Years));
        assert_eq!(AgeLimit::parse("1 Month").unwrap().to_string(), "1 Month");
        assert!(AgeLimit::parse("eighteen years").is_none());
        assert!((AgeLimit::parse("6 Months").unwrap().years() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn registry_codes_round_trip_and_unknown_fails() {
        for s in OverallStatus::ALL {
            assert_eq!(OverallStatus::from_code(s.code()), Some(*s));
        }
        assert_eq!(Phase::from_code("phase1"), Some(Phase::Phase1));
        assert_eq!(OverallStatus::from_code("RECRUTING"), None);
        assert!(serde_json::from_str::<Phase>("\"PHASE9\"").is_err());
    }

    #[test]
    fn antigens_found_in_titles() {
        let t = Trial {
            brief_title: "CD19/BCMA CAR-T Cell Therapy for Refractory SLE".into(),
            official_title: Some("Universal anti-CD70 CAR-T".into()),
            ..Trial::default()
        };
        assert_eq!(t.target_antigens(), vec!["CD19", "CD70", "BCMA"]);
    }

    #[test]
    fn stored_json_of_earlier_versions_still_decodes() {
        // A record as eligo stored it before status and sex could be absent
        // and before provenance, page dates and page texts existed.
        let old = r#"{"id":"NCT00000001","brief_title":"A study","status":"UNKNOWN",
            "design":{},"dates":{"first_submitted":"2025-04-20"},
            "sponsor":{"name":"Sponsor"},"central_contacts":[{"name":"A. Person"}],
            "eligibility":{"sex":"ALL"},"partial":false,"has_results":false}"#;
        let t: Trial = serde_json::from_str(old).unwrap();
        assert_eq!(t.status, Some(OverallStatus::Unknown));
        assert_eq!(t.eligibility.sex, Some(Sex::All));
        assert!(t.provenance.is_empty() && t.page_dates.is_empty() && t.page_summary.is_none());
        assert_eq!(t.sponsor.unwrap().about, None);
        assert_eq!(t.central_contacts[0].affiliation, None);
        // What the source does not state is absent, not written as a default.
        let stub = Trial {
            id: "NCT00000002".into(),
            brief_title: "Known by id and title".into(),
            partial: true,
            ..Trial::default()
        };
        let json = serde_json::to_value(&stub).unwrap();
        assert!(json.get("status").is_none(), "{json}");
        assert!(json["eligibility"].get("sex").is_none(), "{json}");
    }

    #[test]
    fn notes_say_what_is_derived() {
        let t = Trial {
            provenance: vec![
                FieldNote {
                    field: "conditions".into(),
                    basis: Basis::Derived,
                    note: "from the title".into(),
                },
                FieldNote {
                    field: "dates.start".into(),
                    basis: Basis::LabelInferred,
                    note: "the page gives the date without a label".into(),
                },
            ],
            ..Trial::default()
        };
        assert!(t.is_derived("conditions"));
        assert!(!t.is_derived("dates.start"));
        assert_eq!(t.note("dates.start").unwrap().basis, Basis::LabelInferred);
        assert!(t.note("brief_title").is_none());
    }

    #[test]
    fn local_ids_are_stable_and_distinct() {
        let a = local_trial_id("Union Hospital", "CD19/BCMA CAR-T");
        assert_eq!(a, local_trial_id(" union hospital ", "cd19/bcma car-t"));
        assert_ne!(a, local_trial_id("Union Hospital", "CD19 CAR-T"));
        assert!(a.starts_with("ELIGO-"));
        assert!(is_nct_id("NCT06946485") && !is_nct_id("NCT0694648") && !is_nct_id(&a));
    }
}
