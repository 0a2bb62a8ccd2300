//! Where a trial ranks for a patient, without its evidence.
//!
//! A match over many trials returns a few (the API's `limit`) with their
//! full reasoning, but must rank all of them to know which. Ranking needs
//! the verdict and [`crate::rank_key`]'s count (failed criteria, or
//! distinct missing facts): this module computes exactly those with the
//! same leaf evaluators and the same combination logic as the full path
//! ([`crate::evaluate_rules`]), but builds no composite results (each of
//! which clones its rule subtree), collects no evidence and formats no
//! criterion, and can stop at the first failed criterion when the caller
//! only needs to know that a trial is ineligible.

use crate::ctx::Ctx;
use crate::eval::{Scope, criterion_status, leaf_result, pending_missing};
use crate::outcome::Truth;
use crate::ruleset::RuleSet;
use eligo_model::evidence::Status;
use eligo_model::rule::{CompiledCriteria, CriterionKind, Rule, RuleKind};

/// A trial's place in the ranking, as far as it was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quick {
    /// [`crate::rank_key`] of the full match.
    Key((u8, usize)),
    /// Ineligible: a criterion failed; the others were not evaluated, so
    /// the key is at least `(2, 1)`.
    Ineligible,
}

/// [`crate::rank_key`] of [`crate::evaluate_rules`]`(ctx, rules)`, exactly.
pub fn rank_rules(ctx: &Ctx<'_>, rules: &RuleSet) -> (u8, usize) {
    match quick(ctx, rules, false) {
        Quick::Key(k) => k,
        Quick::Ineligible => unreachable!("the whole rule set was evaluated"),
    }
}

/// [`rank_rules`], except that a trial with a failed criterion is only said
/// to be [`Quick::Ineligible`] (evaluation stops there).
pub fn rank_or_ineligible(ctx: &Ctx<'_>, rules: &RuleSet) -> Quick {
    quick(ctx, rules, true)
}

fn quick(ctx: &Ctx<'_>, rules: &RuleSet, stop: bool) -> Quick {
    let q = criteria(ctx, &rules.compiled, stop);
    // The context gathers notes to confirm per trial; none are shown here.
    ctx.take_notes();
    let q = match q {
        Quick::Key((2, n)) => return Quick::Key((2, n)),
        Quick::Ineligible => return Quick::Ineligible,
        q => q,
    };
    if rules.partial || !rules.has_criteria_text {
        // Never eligible; one missing "fact": the record's criteria.
        return Quick::Key((1, 1));
    }
    q
}

fn criteria(ctx: &Ctx<'_>, compiled: &CompiledCriteria, stop: bool) -> Quick {
    let own = crate::own_conditions(compiled);
    let mut failed = 0usize;
    let mut undecided = false;
    // Distinct missing facts over the undecided criteria (the verdict's).
    let mut missing: Vec<String> = Vec::new();
    let mut leaf_missing: Vec<String> = Vec::new();
    for c in &compiled.criteria {
        if c.group.is_some() || !c.computable || c.rules.is_empty() {
            continue;
        }
        let scope = Scope {
            kind: c.kind,
            own: &own,
            criterion: c,
        };
        leaf_missing.clear();
        let truth = Truth::all(
            c.rules
                .iter()
                .map(|r| truth(ctx, &scope, r, &mut leaf_missing)),
        );
        let Some((status, _, pending)) = criterion_status(c.kind, truth) else {
            continue;
        };
        let fails = match c.kind {
            CriterionKind::Inclusion => status == Status::NotMet,
            CriterionKind::Exclusion => status == Status::Met,
        };
        if fails {
            if stop {
                return Quick::Ineligible;
            }
            failed += 1;
        } else if status == Status::Unknown && failed == 0 {
            undecided = true;
            for m in leaf_missing.drain(..) {
                if !missing.contains(&m) {
                    missing.push(m);
                }
            }
            if pending {
                for p in &c.not_computable {
                    let m = pending_missing(p);
                    if !missing.contains(&m) {
                        missing.push(m);
                    }
                }
            }
        }
    }
    if failed > 0 {
        Quick::Key((2, failed))
    } else if undecided {
        Quick::Key((1, missing.len().max(1)))
    } else {
        Quick::Key((0, 0))
    }
}

/// A rule's truth, as [`crate::eval`] computes it; the missing facts of
/// every leaf whose status is unknown are added to `missing` (what the full
/// path gathers for an undecided criterion).
fn truth(ctx: &Ctx<'_>, scope: &Scope<'_>, r: &Rule, missing: &mut Vec<String>) -> Truth {
    match &r.kind {
        RuleKind::All { rules, .. } => Truth::all(
            rules
                .iter()
                .map(|c| truth(ctx, scope, c, missing))
                .collect::<Vec<_>>(),
        ),
        RuleKind::Any { rules, .. } => Truth::any(
            rules
                .iter()
                .map(|c| truth(ctx, scope, c, missing))
                .collect::<Vec<_>>(),
        ),
        RuleKind::AtLeast { min, rules } => Truth::at_least(
            *min as usize,
            rules
                .iter()
                .map(|c| truth(ctx, scope, c, missing))
                .collect::<Vec<_>>(),
        ),
        RuleKind::Not { rule } => truth(ctx, scope, rule, missing).not(),
        // A clause left to a person: unknown, with no missing fact.
        RuleKind::ToConfirm { .. } => Truth::ToConfirm,
        _ => {
            let res = leaf_result(ctx, scope, r);
            if res.status == Status::Unknown {
                for m in res.missing {
                    if !missing.contains(&m) {
                        missing.push(m);
                    }
                }
            }
            match (res.status, res.partial) {
                (Status::Met, true) => Truth::MetInPart,
                (Status::NotMet, true) => Truth::NotMetInPart,
                (s, _) => Truth::of(s),
            }
        }
    }
}

/// A trial's own conditions (MATCHING.md rule 12) as a criterion the
/// registry's index can hold: (condition as the record names it, its
/// vocabulary key), of the first enrolment criterion made of nothing but
/// trial-condition rules (the implicit one the compiler adds for a trial
/// that does not take healthy volunteers). Empty when there is none.
///
/// Such a criterion fails exactly when every condition of it is
/// [`Status::NotMet`] by [`trial_condition_status`], so a trial whose gate
/// the patient has none of is ineligible without decoding its rules.
pub fn condition_gate(compiled: &CompiledCriteria) -> Vec<(String, Option<String>)> {
    fn as_condition(r: &Rule) -> Option<(String, Option<String>)> {
        match &r.kind {
            RuleKind::TrialCondition { condition, concept } => {
                Some((condition.clone(), concept.clone()))
            }
            _ => None,
        }
    }
    for c in &compiled.criteria {
        if c.kind != CriterionKind::Inclusion
            || c.group.is_some()
            || !c.computable
            || c.rules.len() != 1
        {
            continue;
        }
        let gate: Option<Vec<_>> = match &c.rules[0].kind {
            RuleKind::TrialCondition { .. } => as_condition(&c.rules[0]).map(|g| vec![g]),
            RuleKind::Any { rules, .. } if !rules.is_empty() => {
                rules.iter().map(as_condition).collect()
            }
            _ => None,
        };
        if let Some(g) = gate {
            return g;
        }
    }
    Vec::new()
}

/// The least [`crate::rank_key`] a trial can have for a patient, from what
/// the registry's index holds of it without its rules: the status of each
/// of its own conditions ([`condition_gate`], each by
/// [`trial_condition_status`]) and whether its record is partial. `None`
/// when it is ineligible (the patient has none of its conditions).
///
/// A gate with no condition met but one unknown leaves its criterion
/// unknown, so the trial is at best undecided with one missing fact; so is
/// a partial record (it is never eligible). Otherwise nothing is known.
/// A match can then stop decoding trials once the ones it keeps rank
/// before every floor left.
pub fn key_floor(gate: &[Status], partial: bool) -> Option<(u8, usize)> {
    if !gate.is_empty() && gate.iter().all(|&s| s == Status::NotMet) {
        return None;
    }
    if partial || (!gate.is_empty() && !gate.contains(&Status::Met)) {
        return Some((1, 1));
    }
    Some((0, 0))
}

/// The status of one trial-condition rule for the patient of `ctx`: the
/// same evaluation as in a full match (by code, then by name; read in the
/// facts' world).
pub fn trial_condition_status(ctx: &Ctx<'_>, condition: &str, concept: Option<&str>) -> Status {
    let r = Rule::new(
        eligo_model::rule::Span::new(0, 0),
        RuleKind::TrialCondition {
            condition: condition.to_string(),
            concept: concept.map(str::to_string),
        },
    );
    let res = crate::open_world::read(
        ctx,
        crate::history::trial_condition(ctx, &r, condition, concept),
    );
    ctx.take_notes();
    res.status
}
