//! Trial conduct after enrolment, as pure functions: plain data in, plain
//! data out, no I/O, no clock (the as-of date is an argument).
//!
//! - [`schedule`]: visits from the record's outcome-measure time frames,
//!   windows, and each visit's state on a date;
//! - [`data`]: participants, visit data, adverse events (graded by the
//!   instruments crate where eligo can grade) and medications, with strict
//!   JSON readers whose errors name the field;
//! - [`endpoints`]: a participant's endpoints visit by visit (SRI-4, DORIS
//!   2021, LLDAS, BILAG-2004, PGA, SDI, worst grades);
//! - [`summary`]: responders with exact intervals, the adverse-event table,
//!   CRS/ICANS incidence, per dose level;
//! - [`escalation`]: DLT counts and the next step by 3+3 and by BOIN;
//! - [`export`]: CDISC SDTM-shaped datasets and FHIR R4 resources;
//! - [`audit`]: field-level differences for the audit trail.
//!
//! Storage is the store crate's; pages, API and CLI are the server's and
//! the CLI's. See docs/conduct.md.

pub mod audit;
pub mod data;
pub mod endpoints;
pub mod escalation;
pub mod export;
pub mod fhir;
pub mod input;
pub mod sample;
pub mod schedule;
pub mod settings;
pub mod stats;
pub mod summary;

pub use data::{AdverseEvent, ConMed, Participant, VisitData, VisitInput};
pub use endpoints::{Timeline, VisitRecord, timeline};
pub use input::FieldError;
pub use schedule::{Plan, plan};
pub use settings::Settings;

/// Calendar date (no time zone), as everywhere in eligo.
pub type Date = jiff::civil::Date;

/// The dose levels the record states, as written (`1.5×10^5/kg`), from the
/// trial's interventions in order.
pub fn dose_levels(trial: &eligo_model::Trial) -> Vec<String> {
    trial
        .interventions
        .iter()
        .flat_map(|i| i.dose_levels.iter().map(|d| d.text.clone()))
        .collect()
}
