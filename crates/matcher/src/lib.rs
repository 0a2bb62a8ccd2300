//! Matching: one patient's facts against trials' compiled criteria.
//!
//! ```text
//! (Trial, CompiledCriteria) ─┐
//! PatientFacts, as-of date ──┴─► evaluate ─► TrialMatch { verdict, criteria[status, evidence, missing], to_confirm }
//! ```
//!
//! Pure: data in, data out. The decision rules are MATCHING.md's, in one
//! place ([`verdict`]): a clearly failed criterion makes a trial ineligible;
//! otherwise a missing fact that a computable criterion needs makes it
//! unknown; otherwise it is eligible. Not-computable criteria never change
//! the verdict; they are listed to confirm. History (conditions, procedures,
//! medications, vaccinations, allergies) is closed-world; measurements are
//! open-world: a missing lab is unknown, never normal.
//!
//! Every rule result carries its evidence: the resource ids, values, units
//! and dates used, and any computation (unit conversions, Cockcroft-Gault,
//! CKD-EPI, prednisone equivalents, limits of normal).

mod ctx;
mod eval;
pub mod explain;
mod history;
mod labs;
mod open_world;
mod outcome;
mod pregnancy;
mod rank;
mod relate;
mod ruleset;
mod scores;

use eligo_model::evidence::{CriteriaCounts, CriterionResult, Status, TrialMatch, Verdict};
use eligo_model::fact::{IgnoredFact, ObservationValue};
use eligo_model::rule::{CompiledCriteria, CriterionKind, RuleKind};
use eligo_model::{Date, PatientFacts, Trial};

pub use ctx::Ctx;
pub use rank::{
    Quick, condition_gate, key_floor, rank_or_ineligible, rank_rules, trial_condition_status,
};
pub use relate::{PatientConcepts, TrialTargets, prefilter};
pub use ruleset::{RuleSet, has_criteria_text};

/// Options of a matching run over many trials.
#[derive(Debug, Clone)]
pub struct MatchOptions {
    pub as_of: Date,
    /// Keep trials for unrelated conditions (and partial records).
    pub all: bool,
    /// Only these trial ids (when non-empty); named trials are always kept.
    pub trial_ids: Vec<String>,
}

/// Evaluate one trial for one patient at `as_of`.
pub fn evaluate(
    trial: &Trial,
    compiled: &CompiledCriteria,
    facts: &PatientFacts,
    as_of: Date,
) -> TrialMatch {
    evaluate_in(&Ctx::new(facts, as_of), trial, compiled)
}

/// [`evaluate`] in a context that may be reused for many trials of the same
/// patient and as-of date (it caches the patient's vocabulary matches).
pub fn evaluate_in(ctx: &Ctx<'_>, trial: &Trial, compiled: &CompiledCriteria) -> TrialMatch {
    let head = Head {
        id: &trial.id,
        title: &trial.brief_title,
        partial: trial.partial,
        has_criteria_text: has_criteria_text(trial),
    };
    evaluate_head(ctx, &head, compiled)
}

/// [`evaluate_in`] for a stored rule set (no `Trial` needed).
pub fn evaluate_rules(ctx: &Ctx<'_>, rules: &RuleSet) -> TrialMatch {
    let head = Head {
        id: &rules.id,
        title: &rules.title,
        partial: rules.partial,
        has_criteria_text: rules.has_criteria_text,
    };
    evaluate_head(ctx, &head, &rules.compiled)
}

/// What the verdict reads of the trial record itself.
struct Head<'a> {
    id: &'a str,
    title: &'a str,
    partial: bool,
    has_criteria_text: bool,
}

fn evaluate_head(ctx: &Ctx<'_>, trial: &Head<'_>, compiled: &CompiledCriteria) -> TrialMatch {
    let mut criteria: Vec<CriterionResult> = Vec::with_capacity(compiled.criteria.len());
    let mut to_confirm: Vec<String> = Vec::new();
    let own = own_conditions(compiled);
    for c in &compiled.criteria {
        let r = eval::criterion(ctx, &own, c);
        if c.group.is_some() {
            // Not an enrolment criterion (rule 13): shown, never decides.
        } else if r.to_confirm {
            let why = c.reason.as_deref().unwrap_or("not computable");
            to_confirm.push(format!("{} ({why})", c.text.trim()));
        } else {
            for p in &c.not_computable {
                to_confirm.push(format!("{} ({})", p.text.trim(), p.reason.describe()));
            }
        }
        criteria.push(r);
    }
    to_confirm.extend(ctx.take_notes());
    let (verdict, deciding) = verdict(&criteria);
    let counts = counts(&criteria);
    let mut missing: Vec<String> = Vec::new();
    if verdict == Verdict::Unknown {
        for &i in &deciding {
            for m in &criteria[i].missing {
                if !missing.contains(m) {
                    missing.push(m.clone());
                }
            }
        }
    }
    let no_text = !trial.has_criteria_text;
    if trial.partial || no_text {
        // Eligibility that the record does not state is not known: never
        // call it eligible (structured limits such as age can still exclude).
        let note = if trial.partial {
            "the registry record is incomplete (eligibility not stated)"
        } else {
            "the trial's eligibility criteria (the record has no criteria text)"
        }
        .to_string();
        return TrialMatch {
            trial_id: trial.id.to_string(),
            title: trial.title.to_string(),
            verdict: if verdict == Verdict::Ineligible {
                Verdict::Ineligible
            } else {
                Verdict::Unknown
            },
            deciding,
            criteria,
            to_confirm,
            missing: if verdict == Verdict::Ineligible {
                missing
            } else {
                vec![note]
            },
            counts,
        };
    }
    TrialMatch {
        trial_id: trial.id.to_string(),
        title: trial.title.to_string(),
        verdict,
        deciding,
        criteria,
        to_confirm,
        missing,
        counts,
    }
}

/// The vocabulary keys of the conditions a trial is for: those its
/// conditions field names (the implicit condition criterion) and those its
/// inclusion criteria require ("brain metastases at diagnosis").
fn own_conditions(compiled: &CompiledCriteria) -> Vec<String> {
    fn walk(r: &eligo_model::Rule, negated: bool, out: &mut Vec<String>) {
        let key = match &r.kind {
            RuleKind::TrialCondition {
                concept: Some(k), ..
            } => Some(k),
            RuleKind::Diagnosis { concept, .. } if !negated => Some(concept),
            _ => None,
        };
        if let Some(k) = key
            && !out.contains(k)
        {
            out.push(k.clone());
        }
        match &r.kind {
            RuleKind::All { rules, .. }
            | RuleKind::Any { rules, .. }
            | RuleKind::AtLeast { rules, .. } => {
                for c in rules {
                    walk(c, negated, out);
                }
            }
            RuleKind::Not { rule } => walk(rule, !negated, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in compiled
        .criteria
        .iter()
        .filter(|c| c.kind == CriterionKind::Inclusion && c.group.is_none())
    {
        for r in &c.rules {
            walk(r, false, &mut out);
        }
    }
    out
}

/// The enrolment criteria counted by how they were decided.
pub fn counts(criteria: &[CriterionResult]) -> CriteriaCounts {
    let mut n = CriteriaCounts::default();
    for c in criteria.iter().filter(|c| c.group.is_none()) {
        if c.to_confirm {
            n.to_confirm += 1;
        } else if c.partial {
            n.in_part += 1;
        } else if c.status == Status::Unknown {
            n.unknown += 1;
        } else {
            n.verified += 1;
        }
    }
    n
}

/// Facts of the record the matcher will not use at `as_of`, and why: dated
/// after the as-of date (an Observation of 9999), or a value impossible for
/// a living patient (a body weight of 0 kg). The front ends show them as
/// notes, next to the reader's own (`PatientFacts::ignored`).
pub fn unusable(facts: &PatientFacts, as_of: Date) -> Vec<IgnoredFact> {
    let v = eligo_vocab::vocabulary();
    let mut out = Vec::new();
    let mut note = |source: &eligo_model::fact::SourceRef, reason: String| {
        out.push(IgnoredFact {
            source: Some(source.clone()),
            field: None,
            reason,
        })
    };
    let after = |d: Date| format!("dated {d}, after the as-of date {as_of}: not used");
    for o in &facts.observations {
        if let Some(d) = o.effective.filter(|&d| d > as_of) {
            note(&o.source, after(d));
            continue;
        }
        if let Some(ObservationValue::Quantity { quantity }) = &o.value {
            for key in ctx::POSITIVE_ANALYTES {
                if v.analyte_matches(key, &o.codes, o.text.as_deref())
                    && let Some(why) = ctx::implausible(key, quantity)
                {
                    let label = v.analyte(key).map_or(*key, |a| a.label.as_str());
                    note(&o.source, format!("{label} {why}: not used"));
                    break;
                }
            }
        }
    }
    for c in &facts.conditions {
        if let Some(d) = c.onset.filter(|&d| d > as_of) {
            note(&c.source, after(d));
        }
    }
    for m in &facts.medications {
        if let Some(d) = m.start.filter(|&d| d > as_of) {
            note(&m.source, after(d));
        }
    }
    for p in &facts.procedures {
        if let Some(d) = p.start.filter(|&d| d > as_of) {
            note(&p.source, after(d));
        }
    }
    for i in &facts.immunizations {
        if let Some(d) = i.date.filter(|&d| d > as_of) {
            note(&i.source, after(d));
        }
    }
    out
}

/// MATCHING.md rule 1: the verdict and the indexes of the criteria that
/// decide it (the failed ones for ineligible, the unknown ones for unknown).
pub fn verdict(criteria: &[CriterionResult]) -> (Verdict, Vec<usize>) {
    let failed: Vec<usize> = criteria
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.to_confirm && c.group.is_none() && fails(c))
        .map(|(i, _)| i)
        .collect();
    if !failed.is_empty() {
        return (Verdict::Ineligible, failed);
    }
    let unknown: Vec<usize> = criteria
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.to_confirm && c.group.is_none() && c.status == Status::Unknown)
        .map(|(i, _)| i)
        .collect();
    if !unknown.is_empty() {
        return (Verdict::Unknown, unknown);
    }
    (Verdict::Eligible, Vec::new())
}

/// Does this criterion's status exclude the patient?
pub fn fails(c: &CriterionResult) -> bool {
    match c.kind {
        CriterionKind::Inclusion => c.status == Status::NotMet,
        CriterionKind::Exclusion => c.status == Status::Met,
    }
}

/// Eligible first, then unknown with the fewest missing facts, then
/// ineligible; ties by id so the order is stable.
pub fn rank(matches: &mut [TrialMatch]) {
    matches.sort_by(|a, b| {
        rank_key(a)
            .cmp(&rank_key(b))
            .then_with(|| a.trial_id.cmp(&b.trial_id))
    });
}

/// [`rank`]'s order before the id: verdict, then the number of missing
/// facts (unknown) or of failed criteria (ineligible).
pub fn rank_key(m: &TrialMatch) -> (u8, usize) {
    match m.verdict {
        Verdict::Eligible => (0, 0),
        Verdict::Unknown => (1, m.missing.len().max(1)),
        Verdict::Ineligible => (2, m.deciding.len()),
    }
}

/// Evaluate one patient against every rule set (chosen by the caller), on
/// the machine's cores with one context per core, and turn each result
/// into what the caller keeps with `f`; in the order of `sets`.
pub fn evaluate_many<S, R>(
    sets: &[S],
    facts: &PatientFacts,
    as_of: Date,
    f: impl Fn(TrialMatch) -> R + Sync,
) -> Vec<R>
where
    S: std::borrow::Borrow<RuleSet> + Sync,
    R: Send,
{
    per_core(sets, facts, as_of, |ctx, s| f(evaluate_rules(ctx, s)))
}

/// [`rank_or_ineligible`] (with `stop`) or [`rank_rules`] of every rule
/// set, on the machine's cores; in the order of `sets`.
pub fn rank_many<S>(sets: &[S], facts: &PatientFacts, as_of: Date, stop: bool) -> Vec<Quick>
where
    S: std::borrow::Borrow<RuleSet> + Sync,
{
    per_core(sets, facts, as_of, |ctx, s| {
        if stop {
            rank_or_ineligible(ctx, s)
        } else {
            Quick::Key(rank_rules(ctx, s))
        }
    })
}

/// `f` of every rule set, on the machine's cores with one evaluation
/// context per core (building a context reads the facts once); in the
/// order of `sets`.
fn per_core<S, R>(
    sets: &[S],
    facts: &PatientFacts,
    as_of: Date,
    f: impl Fn(&Ctx<'_>, &RuleSet) -> R + Sync,
) -> Vec<R>
where
    S: std::borrow::Borrow<RuleSet> + Sync,
    R: Send,
{
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = sets.len().div_ceil(threads).max(1);
    let parts: Vec<&[S]> = sets.chunks(chunk).collect();
    parallel_map(&parts, |part| {
        let ctx = Ctx::new(facts, as_of);
        part.iter().map(|s| f(&ctx, s.borrow())).collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// Match one patient against many trials: keep the related ones (unless
/// `all`), evaluate (on every core), rank.
pub fn match_trials(
    trials: &[(Trial, CompiledCriteria)],
    facts: &PatientFacts,
    opts: &MatchOptions,
) -> Vec<TrialMatch> {
    let concepts = PatientConcepts::of(facts);
    let chosen: Vec<&(Trial, CompiledCriteria)> = trials
        .iter()
        .filter(|(t, c)| {
            if !opts.trial_ids.is_empty() {
                return opts
                    .trial_ids
                    .iter()
                    .any(|id| id.eq_ignore_ascii_case(&t.id));
            }
            opts.all || (!t.partial && concepts.related(&TrialTargets::of(t, Some(c))))
        })
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = chosen.len().div_ceil(threads).max(1);
    let parts: Vec<&[&(Trial, CompiledCriteria)]> = chosen.chunks(chunk).collect();
    let mut out: Vec<TrialMatch> = parallel_map(&parts, |part| {
        let ctx = Ctx::new(facts, opts.as_of);
        part.iter()
            .map(|(t, c)| evaluate_in(&ctx, t, c))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    rank(&mut out);
    out
}

/// `f` over `items` on the machine's cores, in order. Small inputs stay on
/// this thread.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < 2 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("matching thread panicked"))
            .collect()
    })
}
