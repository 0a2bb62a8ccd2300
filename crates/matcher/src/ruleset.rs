//! A trial as matching needs it, and no more: its compiled criteria, the
//! few facts of the record that the verdict reads (id, title, whether the
//! record is partial or states no criteria) and the conditions it is about.
//!
//! This is what a registry stores for each trial when it imports it
//! (compiled once, keyed by content and compiler version) and loads on
//! demand when it matches, instead of every whole `Trial` in memory.

use crate::relate::TrialTargets;
use eligo_model::Trial;
use eligo_model::rule::CompiledCriteria;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSet {
    pub id: String,
    /// The brief title (shown with every match).
    pub title: String,
    /// The record is known only in part: never matched as if complete.
    pub partial: bool,
    /// The record states eligibility criteria text; without it a trial is
    /// never called eligible.
    pub has_criteria_text: bool,
    /// The vocabulary conditions the trial is about ([`TrialTargets`]): the
    /// prefilter's keys.
    pub targets: Vec<String>,
    pub compiled: CompiledCriteria,
}

impl RuleSet {
    /// Compile `t`'s criteria (the slow part: done once, at import).
    pub fn compile(t: &Trial) -> RuleSet {
        RuleSet::of(t, eligo_criteria::compile_trial(t))
    }

    /// `t` with criteria compiled already.
    pub fn of(t: &Trial, compiled: CompiledCriteria) -> RuleSet {
        RuleSet {
            id: t.id.clone(),
            title: t.brief_title.clone(),
            partial: t.partial,
            has_criteria_text: has_criteria_text(t),
            targets: TrialTargets::of(t, Some(&compiled)).0.into_iter().collect(),
            compiled,
        }
    }
}

/// Does the record state any eligibility criteria text?
pub fn has_criteria_text(t: &Trial) -> bool {
    t.eligibility
        .criteria
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty())
}
