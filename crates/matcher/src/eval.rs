//! Rule evaluation: the rule tree of one criterion, each leaf sent to the
//! module that knows its facts, the outcomes combined by [`Truth`]'s logic.
//! The evaluators import only `ctx` and `outcome`; this module calls them.

use crate::ctx::Ctx;
use crate::outcome::{Truth, result, status_word, truth_word, unknown};
use crate::{history, labs, open_world, pregnancy, scores};
use eligo_model::evidence::{CriterionResult, Evidence, RuleResult, Status};
use eligo_model::rule::{Criterion, CriterionKind, Rule, RuleKind};
use eligo_model::trial::Sex;

/// What a criterion's rules are evaluated for.
pub(crate) struct Scope<'t> {
    pub kind: CriterionKind,
    /// Vocabulary keys of the conditions the trial is for: an exclusion
    /// never excludes them (MATCHING.md rule 12).
    pub own: &'t [String],
    /// The criterion, for the text of the clauses left to confirm.
    pub criterion: &'t Criterion,
}

fn to_confirm_result(c: &Criterion) -> CriterionResult {
    CriterionResult {
        kind: c.kind,
        text: c.text.clone(),
        span: c.span,
        status: Status::Unknown,
        partial: false,
        to_confirm: true,
        evidence: Vec::new(),
        missing: Vec::new(),
        results: Vec::new(),
        field: c.field.clone(),
        group: c.group.clone(),
    }
}

/// Evaluate one criterion: its rules are a conjunction. A criterion of a
/// group outside enrolment, or with nothing computable, is left to confirm.
pub fn criterion(ctx: &Ctx<'_>, own: &[String], c: &Criterion) -> CriterionResult {
    if c.group.is_some() || !c.computable || c.rules.is_empty() {
        return to_confirm_result(c);
    }
    let scope = Scope {
        kind: c.kind,
        own,
        criterion: c,
    };
    let (results, truths): (Vec<RuleResult>, Vec<Truth>) =
        c.rules.iter().map(|r| eval(ctx, &scope, r)).unzip();
    let truth = Truth::all(truths);
    // What the criterion states, and what that means for the patient: an
    // inclusion met as far as it was verified, or an exclusion not met as
    // far as it was, leaves the rest to confirm without deciding; the other
    // pending outcomes (a failing alternative of one left to confirm, an
    // exclusion verified but for a clause) are undecided (rule 11).
    let Some((status, partial, pending)) = criterion_status(c.kind, truth) else {
        return to_confirm_result(c);
    };
    let mut evidence = Vec::new();
    let mut missing = Vec::new();
    collect(&results, &mut evidence, &mut missing, status);
    if pending {
        for p in &c.not_computable {
            let m = pending_missing(p);
            if !missing.contains(&m) {
                missing.push(m);
            }
        }
    }
    CriterionResult {
        kind: c.kind,
        text: c.text.clone(),
        span: c.span,
        status,
        partial,
        to_confirm: false,
        evidence,
        missing,
        results,
        field: c.field.clone(),
        group: None,
    }
}

/// A criterion's status from the truth of its rules: (status, met or not
/// met in part, undecided because of a clause left to confirm), or `None`
/// when nothing in it was verifiable (left to confirm).
pub(crate) fn criterion_status(kind: CriterionKind, truth: Truth) -> Option<(Status, bool, bool)> {
    Some(match (kind, truth) {
        (_, Truth::Met) => (Status::Met, false, false),
        (_, Truth::NotMet) => (Status::NotMet, false, false),
        (_, Truth::Unknown) => (Status::Unknown, false, false),
        (_, Truth::ToConfirm) => return None,
        (CriterionKind::Inclusion, Truth::MetInPart) => (Status::Met, true, false),
        (CriterionKind::Exclusion, Truth::NotMetInPart) => (Status::NotMet, true, false),
        (CriterionKind::Inclusion, Truth::NotMetInPart)
        | (CriterionKind::Exclusion, Truth::MetInPart) => (Status::Unknown, false, true),
    })
}

/// The text of a clause left to confirm that keeps a criterion undecided,
/// as it is listed among the missing facts.
pub(crate) fn pending_missing(p: &eligo_model::rule::NotComputablePart) -> String {
    format!(
        "to confirm: {} ({})",
        p.text.split_whitespace().collect::<Vec<_>>().join(" "),
        p.reason.describe()
    )
}

/// Gather evidence and missing facts from the results that matter.
fn collect(
    results: &[RuleResult],
    ev: &mut Vec<Evidence>,
    missing: &mut Vec<String>,
    status: Status,
) {
    for r in results {
        for e in &r.evidence {
            if !ev.contains(e) {
                ev.push(e.clone());
            }
        }
        if status == Status::Unknown && r.status == Status::Unknown {
            for m in &r.missing {
                if !missing.contains(m) {
                    missing.push(m.clone());
                }
            }
        }
        collect(&r.children, ev, missing, status);
    }
}

/// A composite's result from its children and their combined truth.
fn composite(r: &Rule, what: String, children: Vec<RuleResult>, t: Truth) -> (RuleResult, Truth) {
    let (status, partial) = t.status();
    let mut res = result(r, status, format!("{what} ({})", truth_word(t)));
    res.partial = partial;
    res.children = children;
    (res, t)
}

/// A leaf's truth from its result.
fn leaf(res: RuleResult) -> (RuleResult, Truth) {
    let t = match (res.status, res.partial) {
        (Status::Met, true) => Truth::MetInPart,
        (Status::NotMet, true) => Truth::NotMetInPart,
        (s, _) => Truth::of(s),
    };
    (res, t)
}

/// Evaluate a rule and its descendants, with its truth.
fn eval(ctx: &Ctx<'_>, scope: &Scope<'_>, r: &Rule) -> (RuleResult, Truth) {
    match &r.kind {
        RuleKind::All { label, rules } => {
            let (children, ts): (Vec<RuleResult>, Vec<Truth>) =
                rules.iter().map(|c| eval(ctx, scope, c)).unzip();
            let what = format!(
                "{}: all of {}",
                label.as_deref().unwrap_or("all of"),
                children.len()
            );
            composite(r, what, children, Truth::all(ts))
        }
        RuleKind::Any { label, rules } => {
            let (children, ts): (Vec<RuleResult>, Vec<Truth>) =
                rules.iter().map(|c| eval(ctx, scope, c)).unzip();
            let what = format!(
                "{}: any of {}",
                label.as_deref().unwrap_or("any of"),
                children.len()
            );
            composite(r, what, children, Truth::any(ts))
        }
        RuleKind::AtLeast { min, rules } => {
            let (children, ts): (Vec<RuleResult>, Vec<Truth>) =
                rules.iter().map(|c| eval(ctx, scope, c)).unzip();
            let met = ts.iter().filter(|&&t| t == Truth::Met).count();
            let unk = ts.iter().filter(|&&t| t == Truth::Unknown).count();
            let what = format!(
                "at least {min} of {}: {met} met, {unk} unknown",
                children.len()
            );
            let t = Truth::at_least(*min as usize, ts);
            composite(r, what, children, t)
        }
        RuleKind::Not { rule: inner } => {
            let (child, t) = eval(ctx, scope, inner);
            let t = t.not();
            let what = format!("not ({})", child.explanation);
            let missing = child.missing.clone();
            let (mut res, t) = composite(r, what, vec![child], t);
            res.missing = missing;
            (res, t)
        }
        RuleKind::ToConfirm { reason } => {
            let text = scope
                .criterion
                .not_computable
                .iter()
                .find(|p| p.span == r.span)
                .map(|p| p.text.split_whitespace().collect::<Vec<_>>().join(" "))
                .or_else(|| {
                    let base = scope.criterion.span.start;
                    scope
                        .criterion
                        .text
                        .get(r.span.start.saturating_sub(base)..r.span.end.saturating_sub(base))
                        .map(str::to_string)
                })
                .unwrap_or_default();
            let res = result(
                r,
                Status::Unknown,
                format!("to confirm: \u{201c}{text}\u{201d} ({})", reason.describe()),
            );
            (res, Truth::ToConfirm)
        }
        _ => leaf(leaf_result(ctx, scope, r)),
    }
}

/// A leaf rule's result (every kind but the composites and `ToConfirm`).
pub(crate) fn leaf_result(ctx: &Ctx<'_>, scope: &Scope<'_>, r: &Rule) -> RuleResult {
    match &r.kind {
        RuleKind::All { .. }
        | RuleKind::Any { .. }
        | RuleKind::AtLeast { .. }
        | RuleKind::Not { .. }
        | RuleKind::ToConfirm { .. } => unreachable!("not a leaf: {:?}", r.kind),
        RuleKind::Age { min, max } => age(ctx, r, *min, *max),
        RuleKind::Sex { sex } => sex_rule(ctx, r, *sex),
        RuleKind::Lab { .. } => labs::lab(ctx, r),
        RuleKind::LabResult {
            analyte,
            result: want,
            window,
        } => labs::lab_result(ctx, r, analyte, *want, *window),
        RuleKind::Score { .. } => scores::score(ctx, r),
        RuleKind::GradePattern { .. } => scores::grade_pattern(ctx, r),
        RuleKind::Diagnosis { .. } => {
            let own: &[String] = if scope.kind == CriterionKind::Exclusion {
                scope.own
            } else {
                &[]
            };
            open_world::read(ctx, history::diagnosis(ctx, r, own))
        }
        RuleKind::TrialCondition { condition, concept } => open_world::read(
            ctx,
            history::trial_condition(ctx, r, condition, concept.as_deref()),
        ),
        RuleKind::Medication { .. } => open_world::read(ctx, history::medication(ctx, r)),
        RuleKind::Procedure { concept, window } => {
            open_world::read(ctx, history::procedure(ctx, r, concept, *window))
        }
        RuleKind::Vaccination { vaccine, window } => {
            open_world::read(ctx, history::vaccination(ctx, r, *vaccine, *window))
        }
        RuleKind::Allergy { substance, severe } => {
            open_world::read(ctx, history::allergy(ctx, r, substance.as_deref(), *severe))
        }
        RuleKind::TrialParticipation {
            window,
            interventional,
        } => open_world::read(
            ctx,
            history::trial_participation(ctx, r, *window, *interventional),
        ),
        RuleKind::Pregnancy { state, window } => {
            open_world::read(ctx, pregnancy::pregnancy(ctx, r, *state, *window))
        }
    }
}

fn age(
    ctx: &Ctx<'_>,
    r: &Rule,
    min: Option<eligo_model::rule::AgeBound>,
    max: Option<eligo_model::rule::AgeBound>,
) -> RuleResult {
    let range = match (min, max) {
        (Some(a), Some(b)) => format!("{}-{} years", a.years, b.years),
        (Some(a), None) => format!("≥ {} years", a.years),
        (None, Some(b)) => format!("≤ {} years", b.years),
        (None, None) => "any age".into(),
    };
    let Some(age) = ctx.age() else {
        return unknown(
            r,
            format!("age {range}: birth date not recorded"),
            "birth date",
        );
    };
    let lo_ok = min.is_none_or(|b| {
        if b.inclusive {
            age >= b.years
        } else {
            age > b.years
        }
    });
    let hi_ok = max.is_none_or(|b| {
        if b.inclusive {
            age <= b.years
        } else {
            age < b.years
        }
    });
    let s = if lo_ok && hi_ok {
        Status::Met
    } else {
        Status::NotMet
    };
    let birth = ctx.facts.birth_date.expect("age implies a birth date");
    let mut res = result(
        r,
        s,
        format!("age {age} years, required {range} ({})", status_word(s)),
    );
    res.evidence.push(Evidence {
        source: Some(eligo_model::fact::SourceRef {
            resource_type: "Patient".into(),
            id: ctx.facts.id.clone(),
        }),
        label: "Age".into(),
        value: Some(eligo_model::Quantity::new(age.into(), "a")),
        text: None,
        date: Some(ctx.as_of),
        computation: Some(format!(
            "completed years from birth date {birth} to as-of {}",
            ctx.as_of
        )),
    });
    res
}

fn sex_rule(ctx: &Ctx<'_>, r: &Rule, sex: Sex) -> RuleResult {
    let Some(female) = ctx.female() else {
        return unknown(
            r,
            format!("sex must be {}: not recorded", sex.label()),
            "sex",
        );
    };
    let s = match sex {
        Sex::All => Status::Met,
        Sex::Female => {
            if female {
                Status::Met
            } else {
                Status::NotMet
            }
        }
        Sex::Male => {
            if female {
                Status::NotMet
            } else {
                Status::Met
            }
        }
    };
    let mut res = result(
        r,
        s,
        format!(
            "sex {}, required {} ({})",
            if female { "female" } else { "male" },
            sex.label(),
            status_word(s)
        ),
    );
    res.evidence.push(Evidence {
        source: Some(eligo_model::fact::SourceRef {
            resource_type: "Patient".into(),
            id: ctx.facts.id.clone(),
        }),
        label: "Sex".into(),
        value: None,
        text: Some(if female { "female" } else { "male" }.into()),
        date: None,
        computation: None,
    });
    res
}
