//! eligo's shared vocabulary of plain data: trials, eligibility rules, patient
//! facts, quantities and the evidence that links a verdict back to them.
//!
//! Every other crate depends on this one and nothing here depends on them.
//! The crate does no I/O and holds no policy: it only says what the data *is*.
//! The rule AST ([`rule`]) and the evidence types ([`evidence`]) are the
//! contract between the criteria compiler, the matcher and the front ends, so
//! they are serde-serialisable and their JSON shape is part of eligo's
//! documented output.

pub mod evidence;
pub mod fact;
pub mod field_path;
pub mod quantity;
pub mod rule;
pub mod trial;

pub use evidence::{
    CriteriaCounts, CriterionResult, Evidence, RuleResult, Status, TrialMatch, Verdict,
};
pub use fact::{Coding, PatientFacts};
pub use quantity::Quantity;
pub use rule::{Criterion, CriterionKind, Rule, Span};
pub use trial::{Sex, Trial};

/// Calendar date without time zone; the unit of every window in eligo.
pub type Date = jiff::civil::Date;
