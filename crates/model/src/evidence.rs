//! Verdicts and the evidence behind them.
//!
//! Every status the matcher gives is explained: which rule (and so which
//! span of criteria text), which patient facts (resource id, value, unit,
//! date) and which computation. The CLI, the HTTP API and the web pages all
//! render these same types, so they always agree.

use crate::fact::SourceRef;
use crate::rule::{CriterionKind, Rule, Span};
use crate::{Date, Quantity};
use serde::{Deserialize, Serialize};

/// Three-valued outcome of a rule or criterion: does what it *states* hold?
/// With `partial` set on a result, the status holds for what was verified
/// and the rest of the text is left to confirm (MATCHING.md rule 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    NotMet,
    Unknown,
}

/// A patient fact used in a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The resource the fact came from; None for derived or defaulted values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    /// What the fact is, in words ("ALT", "SLE (SNOMED 55464009)").
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Quantity>,
    /// A non-numeric value ("positive", "grade A", "active").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// How a number was obtained: a conversion, a formula with its inputs,
    /// a default reference range ("ULN 40 U/L from eligo's default table").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computation: Option<String>,
}

/// The outcome of one rule, with sub-results for composite rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    pub rule: Rule,
    pub status: Status,
    /// One line a person can read: "ALT 95 U/L ≤ 3 × ULN (120 U/L): met".
    pub explanation: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Facts that would decide an unknown rule ("LVEF", "BILAG-2004 renal grade").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<RuleResult>,
    /// The status holds for what was verified; a clause of the rule's text
    /// is left to confirm ("met in part", "not met in part").
    #[serde(default, skip_serializing_if = "is_false")]
    pub partial: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The outcome of one criterion for one patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionResult {
    pub kind: CriterionKind,
    pub text: String,
    pub span: Span,
    /// Whether what the criterion states holds. For an exclusion criterion,
    /// `met` means the patient is excluded by it.
    pub status: Status,
    /// Set when `status` holds for what was verified and a clause of the
    /// criterion is left to confirm: an inclusion "met in part", an exclusion
    /// "not met in part". Such a criterion does not decide the verdict, and
    /// is never shown as plainly met (MATCHING.md rule 11).
    #[serde(default, skip_serializing_if = "is_false")]
    pub partial: bool,
    /// True when the criterion has no computable part; its status is then
    /// `unknown` and it never changes the verdict (MATCHING.md rule 9).
    #[serde(default)]
    pub to_confirm: bool,
    /// Always present (possibly empty): part of the documented JSON.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    #[serde(default)]
    pub missing: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<RuleResult>,
    /// The registry field the criterion comes from (`conditions`,
    /// `eligibility.min_age`, ...), when it is not from the criteria text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The heading of a group that is not an enrolment criterion (MATCHING.md
    /// rule 13): shown under it, never part of the verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

impl CriterionResult {
    /// Decided on the record alone: computable, not partial, not unknown,
    /// and an enrolment criterion.
    pub fn verified(&self) -> bool {
        !self.to_confirm && !self.partial && self.status != Status::Unknown && self.group.is_none()
    }
}

/// How much of a trial's verdict was verified: its enrolment criteria
/// counted by how they were decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaCounts {
    /// Decided on the record alone (met or not met, no remainder).
    pub verified: usize,
    /// Met in part (inclusion) or not met in part (exclusion): what was
    /// verified holds, a clause is left to confirm.
    pub in_part: usize,
    /// A fact a computable criterion needs is missing.
    pub unknown: usize,
    /// Nothing in the criterion can be computed: left to a person.
    pub to_confirm: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Eligible,
    Unknown,
    Ineligible,
}

/// One trial's verdict for one patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialMatch {
    pub trial_id: String,
    pub title: String,
    pub verdict: Verdict,
    /// Indexes into `criteria` of the criteria that decided the verdict:
    /// the failed ones for `ineligible`, the unknown ones for `unknown`.
    #[serde(default)]
    pub deciding: Vec<usize>,
    pub criteria: Vec<CriterionResult>,
    /// Criteria (or parts) left for a person to confirm.
    #[serde(default)]
    pub to_confirm: Vec<String>,
    /// Facts to collect next, most useful first, deduplicated.
    #[serde(default)]
    pub missing: Vec<String>,
    /// How much of the verdict was verified (enrolment criteria only).
    #[serde(default)]
    pub counts: CriteriaCounts,
}

impl TrialMatch {
    /// Every inclusion criterion (the trial's own condition among them) was
    /// decided on the record alone. Patient-facing words say "may be
    /// eligible" for an eligible verdict unless this holds.
    pub fn inclusions_verified(&self) -> bool {
        self.criteria
            .iter()
            .filter(|c| c.kind == CriterionKind::Inclusion && c.group.is_none())
            .all(CriterionResult::verified)
    }
}
