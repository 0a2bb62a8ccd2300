//! What a rule comes to, and how outcomes combine: the logic every
//! evaluator shares (kept apart so that `eval` calls the evaluators and
//! they import only this, never each other or `eval`).
//!
//! MATCHING.md's three statuses (met, not met, unknown) are not enough once
//! every clause counts (rule 11): a clause no rule computes is left to a
//! person, and what it is joined to decides whether the criterion is "met
//! in part" (verified so far, the rest to confirm) or undecided. [`Truth`]
//! carries those two extra values through the rule tree; the public
//! [`RuleResult`] shows them as a status with `partial` set.

use eligo_model::evidence::{RuleResult, Status};
use eligo_model::rule::Rule;

/// The outcome of a rule, in the polarity of what its text states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    Met,
    NotMet,
    /// A fact the rule needs is missing.
    Unknown,
    /// Met as far as it was verified; a joined clause is left to confirm
    /// ("A and [to confirm]" with A met).
    MetInPart,
    /// Not met as far as it was verified; an alternative is left to confirm
    /// ("A or [to confirm]" with A not met).
    NotMetInPart,
    /// Nothing verifiable: a clause left to a person.
    ToConfirm,
}

impl Truth {
    pub fn of(s: Status) -> Truth {
        match s {
            Status::Met => Truth::Met,
            Status::NotMet => Truth::NotMet,
            Status::Unknown => Truth::Unknown,
        }
    }

    /// The public status and whether it is partial.
    pub fn status(self) -> (Status, bool) {
        match self {
            Truth::Met => (Status::Met, false),
            Truth::NotMet => (Status::NotMet, false),
            Truth::Unknown | Truth::ToConfirm => (Status::Unknown, false),
            Truth::MetInPart => (Status::Met, true),
            Truth::NotMetInPart => (Status::NotMet, true),
        }
    }

    pub fn not(self) -> Truth {
        match self {
            Truth::Met => Truth::NotMet,
            Truth::NotMet => Truth::Met,
            Truth::MetInPart => Truth::NotMetInPart,
            Truth::NotMetInPart => Truth::MetInPart,
            t => t,
        }
    }

    /// Conjunction: a clear failure decides; then a missing fact; then a
    /// pending alternative keeps it short of met; clauses left to confirm
    /// make what was verified "met in part".
    pub fn all(it: impl IntoIterator<Item = Truth>) -> Truth {
        let v: Vec<Truth> = it.into_iter().collect();
        let has = |t: Truth| v.contains(&t);
        if has(Truth::NotMet) {
            Truth::NotMet
        } else if has(Truth::Unknown) {
            Truth::Unknown
        } else if has(Truth::NotMetInPart) {
            Truth::NotMetInPart
        } else if !v.is_empty() && v.iter().all(|&t| t == Truth::ToConfirm) {
            Truth::ToConfirm
        } else if has(Truth::MetInPart) || has(Truth::ToConfirm) {
            Truth::MetInPart
        } else {
            Truth::Met
        }
    }

    /// Disjunction: one met alternative decides; an alternative left to
    /// confirm keeps a failing computable one from deciding (rule 11).
    pub fn any(it: impl IntoIterator<Item = Truth>) -> Truth {
        let v: Vec<Truth> = it.into_iter().collect();
        let has = |t: Truth| v.contains(&t);
        if has(Truth::Met) {
            Truth::Met
        } else if has(Truth::MetInPart) {
            Truth::MetInPart
        } else if has(Truth::Unknown) {
            Truth::Unknown
        } else if !v.is_empty() && v.iter().all(|&t| t == Truth::ToConfirm) {
            Truth::ToConfirm
        } else if has(Truth::ToConfirm) || has(Truth::NotMetInPart) {
            Truth::NotMetInPart
        } else {
            Truth::NotMet
        }
    }

    /// At least `min` of the rules.
    pub fn at_least(min: usize, it: impl IntoIterator<Item = Truth>) -> Truth {
        let v: Vec<Truth> = it.into_iter().collect();
        let n = |t: Truth| v.iter().filter(|&&x| x == t).count();
        let met = n(Truth::Met);
        let part = n(Truth::MetInPart);
        let unknown = n(Truth::Unknown);
        let pending = n(Truth::ToConfirm) + n(Truth::NotMetInPart);
        if met >= min {
            Truth::Met
        } else if met + part >= min {
            Truth::MetInPart
        } else if met + part + unknown + pending < min {
            Truth::NotMet
        } else if met + part + unknown >= min {
            Truth::Unknown
        } else {
            Truth::NotMetInPart
        }
    }
}

/// A rule's result with no evidence yet.
pub fn result(r: &Rule, status: Status, explanation: impl Into<String>) -> RuleResult {
    RuleResult {
        rule: r.clone(),
        status,
        explanation: explanation.into(),
        evidence: Vec::new(),
        missing: Vec::new(),
        children: Vec::new(),
        partial: false,
    }
}

/// An unknown result and the fact that would decide it.
pub fn unknown(r: &Rule, explanation: impl Into<String>, missing: impl Into<String>) -> RuleResult {
    let mut res = result(r, Status::Unknown, explanation);
    res.missing.push(missing.into());
    res
}

pub fn status_word(s: Status) -> &'static str {
    match s {
        Status::Met => "met",
        Status::NotMet => "not met",
        Status::Unknown => "unknown",
    }
}

/// "met", "met in part", "not met in part", "to confirm", ...
pub fn truth_word(t: Truth) -> &'static str {
    match t {
        Truth::Met => "met",
        Truth::NotMet => "not met",
        Truth::Unknown => "unknown",
        Truth::MetInPart => "met in part",
        Truth::NotMetInPart => "not met in part",
        Truth::ToConfirm => "to confirm",
    }
}

/// Kleene "or" of two statuses: one fact that meets a history criterion is enough.
pub fn or(a: Status, b: Status) -> Status {
    match (a, b) {
        (Status::Met, _) | (_, Status::Met) => Status::Met,
        (Status::Unknown, _) | (_, Status::Unknown) => Status::Unknown,
        _ => Status::NotMet,
    }
}

#[cfg(test)]
mod tests {
    use super::Truth::{self, *};

    #[test]
    fn a_failing_alternative_with_one_to_confirm_is_pending_not_failed() {
        // "Failure to respond ... or disease relapse after remission".
        assert_eq!(Truth::any([NotMet, ToConfirm]), NotMetInPart);
        assert_eq!(Truth::any([Met, ToConfirm]), Met);
        // "A and [to confirm]".
        assert_eq!(Truth::all([Met, ToConfirm]), MetInPart);
        assert_eq!(Truth::all([NotMet, ToConfirm]), NotMet);
        assert_eq!(Truth::all([Unknown, ToConfirm]), Unknown);
        // Negation swaps the pending values.
        assert_eq!(Truth::any([NotMet, ToConfirm]).not(), MetInPart);
        assert_eq!(Truth::all([ToConfirm, ToConfirm]), ToConfirm);
    }

    #[test]
    fn at_least_counts_what_is_verified() {
        assert_eq!(Truth::at_least(1, [NotMet, Met]), Met);
        assert_eq!(Truth::at_least(2, [Met, MetInPart]), MetInPart);
        assert_eq!(Truth::at_least(2, [Met, NotMet]), NotMet);
        assert_eq!(Truth::at_least(2, [Met, Unknown]), Unknown);
        assert_eq!(Truth::at_least(2, [Met, ToConfirm]), NotMetInPart);
    }
}
