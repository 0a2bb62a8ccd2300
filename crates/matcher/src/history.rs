//! History rules: diagnoses, medications, procedures, vaccinations,
//! allergies, trial participation.
//!
//! Closed world (MATCHING.md rule 3): what is not in the record is absent.
//! Status (rule 6): refuted and entered-in-error resources never count;
//! resolved, remission and inactive conditions count for "history of" and
//! "within N" criteria (by their dates) but not for "presence of"/"active".

use crate::ctx::{Ctx, note_evidence, window_words};
use crate::outcome::{result, status_word, unknown};
use eligo_model::evidence::{Evidence, RuleResult, Status};
use eligo_model::fact::{ClinicalStatus, ConditionFact, MedicationFact};
use eligo_model::rule::{Period, Presence, Rule, RuleKind, VaccineKind};
use rust_decimal::Decimal;

fn condition_label(ctx: &Ctx<'_>, key: &str) -> String {
    ctx.vocab
        .condition(key)
        .map(|c| c.label.clone())
        .unwrap_or_else(|| key.replace('_', " "))
}

fn cond_evidence(c: &ConditionFact, label: &str) -> Evidence {
    let status = c
        .clinical_status
        .map(|s| format!("{s:?}").to_lowercase())
        .unwrap_or_else(|| "status not given".into());
    let code = c
        .codes
        .first()
        .map(|k| format!(" [{} {}]", short_system(&k.system), k.code))
        .unwrap_or_default();
    Evidence {
        source: Some(c.source.clone()),
        label: label.to_string(),
        value: None,
        text: Some(format!(
            "{}{code}: {status}{}",
            c.text
                .clone()
                .or_else(|| c.codes.first().and_then(|k| k.display.clone()))
                .unwrap_or_else(|| "condition".into()),
            c.abatement
                .map(|d| format!(", abated {d}"))
                .unwrap_or_default()
        )),
        date: c.onset.or(c.recorded),
        computation: None,
    }
}

fn short_system(s: &str) -> &str {
    match s {
        eligo_model::fact::systems::SNOMED => "SNOMED",
        eligo_model::fact::systems::ICD10 => "ICD-10",
        eligo_model::fact::systems::ICD10CM => "ICD-10-CM",
        eligo_model::fact::systems::LOINC => "LOINC",
        eligo_model::fact::systems::RXNORM => "RxNorm",
        eligo_model::fact::systems::ATC => "ATC",
        eligo_model::fact::systems::CVX => "CVX",
        other => other,
    }
}

/// Is a condition active at the as-of date?
fn active(ctx: &Ctx<'_>, c: &ConditionFact) -> bool {
    activity(ctx, c).unwrap_or(true)
}

/// Resource types a diagnosis can be read from besides Condition: billing
/// and visit records, which say a diagnosis was made, not whether it lasts.
const DERIVED: &[&str] = &["Claim", "ExplanationOfBenefit", "Encounter"];

/// Whether a condition is active at the as-of date: by its clinical status
/// and abatement; unknown for a diagnosis known only from a claim or a
/// visit, which has no status.
fn activity(ctx: &Ctx<'_>, c: &ConditionFact) -> Option<bool> {
    let not_abated = c.abatement.is_none_or(|d| d > ctx.as_of);
    match c.clinical_status {
        Some(s) => Some(s.is_active() && not_abated),
        None if !not_abated => Some(false),
        None if DERIVED.contains(&c.source.resource_type.as_str()) => None,
        None => Some(true),
    }
}

pub fn diagnosis(ctx: &Ctx<'_>, r: &Rule, own: &[String]) -> RuleResult {
    let RuleKind::Diagnosis {
        concept,
        presence,
        window,
        min_duration,
        classification,
        min_grade,
        exceptions,
        exceptions_to_confirm,
    } = &r.kind
    else {
        unreachable!("diagnosis() is called for diagnosis rules")
    };
    let name = condition_label(ctx, concept);
    let lifelong = ctx.vocab.condition(concept).is_some_and(|c| c.lifelong);
    let candidates: Vec<&ConditionFact> = ctx
        .conditions_of(concept)
        .into_iter()
        .filter(|c| c.verification_status.is_none_or(|v| v.counts()))
        .filter(|c| c.onset.is_none_or(|d| d <= ctx.as_of))
        .collect();
    // An exclusion never excludes the condition the trial is for (rule 12):
    // a trial for brain metastases does not exclude them as "central
    // nervous system disease". Only a broader concept sets them aside; an
    // exclusion naming a form of the trial's condition (NPSLE in an SLE
    // trial) still applies.
    let closure: Vec<&str> = ctx
        .vocab
        .condition_closure(concept)
        .iter()
        .map(|c| c.key.as_str())
        .collect();
    let own: Vec<&String> = own
        .iter()
        .filter(|t| *t != concept && closure.contains(&t.as_str()))
        .collect();
    let (own_cases, candidates): (Vec<&ConditionFact>, Vec<&ConditionFact>) = candidates
        .into_iter()
        .partition(|c| own.iter().any(|t| ctx.condition_is(t, c)));
    // Exceptions ("except non-melanoma skin cancer") are set aside, and said
    // so; those that hold only under a qualification no record codes ("local
    // prostate cancer") leave the condition to confirm.
    let (excepted, candidates): (Vec<&ConditionFact>, Vec<&ConditionFact>) = candidates
        .into_iter()
        .partition(|c| exceptions.iter().any(|e| ctx.condition_is(e, c)));
    let (qualified, candidates): (Vec<&ConditionFact>, Vec<&ConditionFact>) = candidates
        .into_iter()
        .partition(|c| exceptions_to_confirm.iter().any(|e| ctx.condition_is(e, c)));
    let what = match presence {
        Presence::Active => format!("active {name}"),
        Presence::Ever => format!("{name} (ever)"),
    };
    let mut missing: Vec<String> = Vec::new();
    // One condition against the rule's presence, window, duration and grade.
    let mut judge = |c: &ConditionFact| -> (Status, String) {
        let mut s = Status::Met;
        let mut note = String::new();
        if *presence == Presence::Active {
            match activity(ctx, c) {
                Some(true) => {}
                Some(false) => {
                    s = Status::NotMet;
                    note = "not active at the as-of date".into();
                }
                None => {
                    s = Status::Unknown;
                    note = format!(
                        "known from a {} only, which does not say whether it is still active",
                        c.source.resource_type
                    );
                    missing.push(format!("whether {name} is still active"));
                }
            }
        }
        if s == Status::Met
            && let Some(w) = window
            && !lifelong
        {
            let start = ctx.window_start(*w);
            // Inside the window if it began in it, or was still going on in it.
            let in_w = match (c.onset, c.abatement) {
                (Some(on), _) if on >= start => Some(true),
                (_, Some(ab)) => Some(ab >= start),
                (_, None) if activity(ctx, c) == Some(true) => Some(true),
                (Some(_), None) => Some(false),
                (None, None) => None,
            };
            match in_w {
                Some(true) => {}
                Some(false) => {
                    s = Status::NotMet;
                    note = format!("outside the window ({} to {})", start, ctx.as_of);
                }
                None => {
                    s = Status::Unknown;
                    note = "no onset or abatement date to place it in the window".into();
                    missing.push(format!("dates of {name}"));
                }
            }
        }
        if s == Status::Met
            && let Some(d) = min_duration
        {
            let limit = ctx.window_start(*d);
            match c.onset.or(c.recorded) {
                Some(on) if on <= limit => {}
                Some(on) => {
                    s = Status::NotMet;
                    note = format!("diagnosed {on}, less than {d} before {}", ctx.as_of);
                }
                None => {
                    s = Status::Unknown;
                    note = "no diagnosis date".into();
                    missing.push(format!("date of {name} diagnosis"));
                }
            }
        }
        if s == Status::Met
            && let Some(g) = min_grade
        {
            match c.grade {
                Some(cg) if cg >= *g => {}
                Some(cg) => {
                    s = Status::NotMet;
                    note = format!("grade {cg} < {g}");
                }
                None => {
                    s = Status::Unknown;
                    note = "grade not recorded".into();
                    missing.push(format!("grade of {name}"));
                }
            }
        }
        (s, note)
    };
    let mut best = Status::NotMet;
    let mut res_ev: Vec<Evidence> = Vec::new();
    let mut why = String::new();
    for c in &candidates {
        let (s, note) = judge(c);
        res_ev.push(cond_evidence(c, &name));
        if !note.is_empty() && why.is_empty() {
            why = note;
        }
        best = crate::outcome::or(best, s);
    }
    let mut pending = false;
    for c in &qualified {
        let (s, _) = judge(c);
        let mut e = cond_evidence(c, &name);
        if s == Status::Met {
            pending = true;
            e.computation = Some(
                "an exception the criterion names only under a qualification no record codes: to confirm"
                    .into(),
            );
        }
        res_ev.push(e);
    }
    for c in &excepted {
        let mut e = cond_evidence(c, &name);
        e.computation = Some("an exception the criterion names: does not count".into());
        res_ev.push(e);
    }
    for c in &own_cases {
        let mut e = cond_evidence(c, &name);
        e.computation =
            Some("the condition the trial is for: an exclusion does not exclude it".into());
        res_ev.push(e);
    }
    let partial = best != Status::Met && pending;
    if partial {
        best = Status::Met;
    }
    if best == Status::Met
        && let Some(cl) = classification
    {
        let label = match cl.as_str() {
            "eular_acr_2019" => "the 2019 EULAR/ACR classification criteria",
            other => other,
        };
        ctx.note(format!(
            "{name} meets {label}: the record codes the diagnosis, not the classification score"
        ));
    }
    let explanation = match best {
        Status::Met if partial => format!(
            "{what}: recorded, as an exception only under a qualification to confirm (met in part)"
        ),
        Status::Met => format!("{what}: recorded ({})", status_word(best)),
        Status::NotMet if candidates.is_empty() => format!(
            "{what}: not in the record{}{} (not met)",
            if window.is_some() {
                format!(" {}", window_words(*window))
            } else {
                String::new()
            },
            if own_cases.is_empty() {
                ""
            } else {
                " but as the trial's own condition"
            }
        ),
        _ => format!("{what}: {why} ({})", status_word(best)),
    };
    let mut res = result(r, best, explanation);
    res.partial = partial;
    if candidates.is_empty() && excepted.is_empty() && qualified.is_empty() && own_cases.is_empty()
    {
        res_ev.push(note_evidence(
            &name,
            "not in the record (closed world for history)",
        ));
    }
    res.evidence = res_ev;
    if best == Status::Unknown {
        missing.dedup();
        res.missing = missing;
    }
    res
}

/// The names a trial's condition goes by: as written, and without a
/// parenthesised gloss ("NSCLC (Advanced Non-small Cell Lung Cancer)").
fn condition_names(condition: &str) -> Vec<String> {
    let mut out = vec![condition.trim().to_string()];
    if let Some((head, rest)) = condition.split_once('(') {
        out.push(head.trim().to_string());
        out.push(rest.trim_end_matches(')').trim().to_string());
    }
    out.retain(|n| n.chars().filter(|c| c.is_alphanumeric()).count() >= 3);
    out
}

/// Does the patient have one of the conditions the trial is for? By the
/// vocabulary's codes (a narrower diagnosis counts for a broader
/// condition, not the reverse), then by name: a recorded condition whose
/// name contains the trial's. Closed world: not recorded is absent; a
/// condition eligo does not recognise and finds by no name is unknown.
pub fn trial_condition(
    ctx: &Ctx<'_>,
    r: &Rule,
    condition: &str,
    concept: Option<&str>,
) -> RuleResult {
    let held = |c: &&ConditionFact| {
        c.verification_status.is_none_or(|v| v.counts())
            && c.onset.is_none_or(|d| d <= ctx.as_of)
            && !matches!(c.clinical_status, Some(ClinicalStatus::Resolved))
            && (c.abatement.is_none_or(|d| d > ctx.as_of)
                || matches!(
                    c.clinical_status,
                    Some(ClinicalStatus::Remission | ClinicalStatus::Inactive)
                ))
    };
    let label = concept
        .map(|k| condition_label(ctx, k))
        .unwrap_or_else(|| condition.to_string());
    let mut found: Vec<&ConditionFact> = match concept {
        Some(k) => ctx.conditions_of(k).into_iter().filter(held).collect(),
        None => Vec::new(),
    };
    let how = if found.is_empty() {
        "by name"
    } else {
        "by code"
    };
    if found.is_empty() {
        let names = condition_names(condition);
        found = ctx
            .facts
            .conditions
            .iter()
            .filter(held)
            .filter(|c| {
                c.text
                    .iter()
                    .map(String::as_str)
                    .chain(c.codes.iter().filter_map(|k| k.display.as_deref()))
                    .any(|t| names.iter().any(|n| eligo_vocab::contains_phrase(t, n)))
            })
            .collect();
    }
    let what = format!("the trial's condition \u{201c}{condition}\u{201d}");
    if !found.is_empty() {
        let mut res = result(r, Status::Met, format!("{what}: recorded, {how} (met)"));
        res.evidence = found.iter().map(|c| cond_evidence(c, &label)).collect();
        return res;
    }
    match concept {
        Some(_) => {
            let mut res = result(
                r,
                Status::NotMet,
                format!("{what} ({label}): not in the record (not met)"),
            );
            res.evidence.push(note_evidence(
                &label,
                "not in the record (closed world for history)",
            ));
            res
        }
        None => unknown(
            r,
            format!(
                "{what}: not a condition eligo recognises, and no recorded condition is named so (unknown)"
            ),
            format!("whether the patient has {condition}"),
        ),
    }
}

/// The period a medication covers, clipped to the as-of date.
fn med_period(ctx: &Ctx<'_>, m: &MedicationFact) -> (Option<eligo_model::Date>, eligo_model::Date) {
    let ongoing = m.end.is_none()
        && m.status
            .as_deref()
            .is_none_or(|s| matches!(s, "active" | "intended" | "on-hold" | "unknown"));
    let end = match m.end {
        Some(e) => e.min(ctx.as_of),
        None if ongoing => ctx.as_of,
        None => m.start.unwrap_or(ctx.as_of).min(ctx.as_of),
    };
    (m.start, end)
}

fn counts_med(m: &MedicationFact) -> bool {
    !m.status
        .as_deref()
        .is_some_and(|s| matches!(s, "entered-in-error" | "not-taken" | "cancelled" | "draft"))
}

pub fn medication(ctx: &Ctx<'_>, r: &Rule) -> RuleResult {
    let RuleKind::Medication {
        agent,
        window,
        dose,
        min_duration,
        min_duration_strict,
        routes,
        current,
    } = &r.kind
    else {
        unreachable!("medication() is called for medication rules")
    };
    let name = ctx
        .vocab
        .medication(agent)
        .map(|m| m.label.clone())
        .unwrap_or_else(|| agent.replace('_', " "));
    let meds: Vec<&MedicationFact> = ctx
        .medications_of(agent)
        .into_iter()
        .filter(|m| counts_med(m))
        .filter(|m| m.start.is_none_or(|d| d <= ctx.as_of))
        .collect();
    let mut best = Status::NotMet;
    let mut evidence = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    let mut why = String::new();
    for m in &meds {
        let (start, end) = med_period(ctx, m);
        let mut s = Status::Met;
        let mut note = String::new();
        let mut ev = Evidence {
            source: Some(m.source.clone()),
            label: name.clone(),
            value: m.dose.clone(),
            text: Some(format!(
                "{}{}: {} to {}",
                m.text
                    .clone()
                    .or_else(|| m.codes.first().and_then(|c| c.display.clone()))
                    .unwrap_or_else(|| "medication".into()),
                m.route
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default(),
                start.map_or("start not given".into(), |d| d.to_string()),
                if m.end.is_none() && end == ctx.as_of {
                    "ongoing".to_string()
                } else {
                    end.to_string()
                }
            )),
            date: start,
            computation: None,
        };
        let ongoing = end >= ctx.as_of;
        if *current && !ongoing {
            s = Status::NotMet;
            note = format!("last taken {end}, not at the as-of date {}", ctx.as_of);
        }
        if s == Status::Met
            && let Some(w) = window
        {
            let ws = ctx.window_start(*w);
            if start.is_none() && m.end.is_none() {
                s = Status::Unknown;
                note = "no dates to place it in the window".into();
                missing.push(format!("dates of {name}"));
            } else if end < ws {
                s = Status::NotMet;
                note = format!(
                    "last taken {end}, before the window ({ws} to {})",
                    ctx.as_of
                );
            }
        }
        if s == Status::Met && !routes.is_empty() {
            match &m.route {
                Some(rt) => {
                    let rt = rt.to_lowercase().replace(['-', ' '], "_");
                    if !routes.iter().any(|w| rt.contains(w.as_str())) {
                        s = Status::NotMet;
                        note = format!("route {rt} is not {}", routes.join(" / "));
                    }
                }
                None => {
                    s = Status::Unknown;
                    note = "route not recorded".into();
                    missing.push(format!("route of {name}"));
                }
            }
        }
        if s == Status::Met
            && let Some(d) = min_duration
        {
            match start {
                Some(st) => {
                    // Taken from `st` to `end`: long enough if `end - d >= st`
                    // ("for > d": longer, `end - d > st`).
                    let span_ok = end.checked_sub(crate::ctx::period_span(*d)).is_ok_and(|x| {
                        if *min_duration_strict {
                            x > st
                        } else {
                            x >= st
                        }
                    });
                    if !span_ok {
                        s = Status::NotMet;
                        note = format!(
                            "taken {st} to {end}, {} {d}",
                            if *min_duration_strict {
                                "not longer than"
                            } else {
                                "shorter than"
                            }
                        );
                    }
                }
                None => {
                    s = Status::Unknown;
                    note = "start date not recorded".into();
                    missing.push(format!("start date of {name}"));
                }
            }
        }
        if s == Status::Met
            && let Some(th) = dose
        {
            match daily_dose(ctx, m, th.prednisone_equivalent, &th.quantity.unit) {
                Ok((value, how)) => {
                    ev.computation = Some(how);
                    if !th.comparator.holds(value, th.quantity.value) {
                        s = Status::NotMet;
                        note = format!(
                            "daily dose {} {} is not {} {}",
                            value.round_dp(2).normalize(),
                            th.quantity.unit,
                            th.comparator.symbol(),
                            th.quantity
                        );
                    }
                }
                Err(miss) => {
                    s = Status::Unknown;
                    note = format!("daily dose not computable: {miss} missing");
                    missing.push(miss);
                }
            }
        }
        evidence.push(ev);
        if !note.is_empty() && why.is_empty() {
            why = note;
        }
        best = crate::outcome::or(best, s);
    }
    let when = if *current {
        "now".to_string()
    } else {
        window_words(*window)
    };
    let explanation = match best {
        Status::Met => format!("{name} {when}: recorded (met)"),
        Status::NotMet if meds.is_empty() => {
            evidence.push(note_evidence(
                &name,
                "not in the record (closed world for history)",
            ));
            format!("{name} {when}: not in the record (not met)")
        }
        _ => format!("{name}: {why} ({})", status_word(best)),
    };
    let mut res = result(r, best, explanation);
    res.evidence = evidence;
    if best == Status::Unknown {
        missing.dedup();
        res.missing = missing;
    }
    res
}

/// A medication's daily dose in the threshold's unit (`mg/d` or `mg/kg/d`),
/// as prednisone equivalent when asked; with the computation in words.
fn daily_dose(
    ctx: &Ctx<'_>,
    m: &MedicationFact,
    pred_eq: bool,
    unit: &str,
) -> Result<(Decimal, String), String> {
    let dose = m.dose.as_ref().ok_or("dose")?;
    let (per_admin_mg, mut how) = match dose.unit.as_str() {
        "mg" => (dose.value, format!("{} mg", dose.value.normalize())),
        "g" => (
            dose.value * Decimal::from(1000),
            format!(
                "{} g = {} mg",
                dose.value.normalize(),
                (dose.value * Decimal::from(1000)).normalize()
            ),
        ),
        "ug" | "mcg" => (
            dose.value / Decimal::from(1000),
            format!("{} ug", dose.value.normalize()),
        ),
        "mg/d" | "mg/(24.h)" => (dose.value, format!("{} mg/d", dose.value.normalize())),
        other => return Err(format!("a dose in mg (recorded unit {other:?})")),
    };
    let daily = if dose.unit.starts_with("mg/") {
        per_admin_mg
    } else {
        let per_day = m.per_day.ok_or("dosing frequency")?;
        how = format!("{how} × {}/day", per_day.normalize());
        per_admin_mg * per_day
    };
    let mut value = daily;
    if pred_eq {
        let factor = ctx
            .vocab
            .prednisone_factor(&m.codes, m.text.as_deref())
            .ok_or("which glucocorticoid (for the prednisone equivalent)")?;
        if factor != Decimal::ONE {
            how = format!("{how} × {} (prednisone equivalent)", factor.normalize());
        }
        value *= factor;
    }
    how = format!("{how} = {} mg/d", value.round_dp(2).normalize());
    if unit.contains("/kg") {
        let (kg, _) = ctx.weight_kg().ok_or("body weight")?;
        if kg <= Decimal::ZERO {
            return Err("a positive body weight".into());
        }
        value /= kg;
        how = format!(
            "{how} ÷ {} kg = {} mg/kg/d",
            kg.normalize(),
            value.round_dp(3).normalize()
        );
    }
    Ok((value, how))
}

pub fn procedure(ctx: &Ctx<'_>, r: &Rule, concept: &str, window: Option<Period>) -> RuleResult {
    let name = ctx
        .vocab
        .procedure(concept)
        .map(|c| c.label.clone())
        .unwrap_or_else(|| concept.replace('_', " "));
    let mut evidence = Vec::new();
    let mut best = Status::NotMet;
    for p in ctx.procedures_of(concept) {
        if p.status
            .as_deref()
            .is_some_and(|s| matches!(s, "entered-in-error" | "not-done" | "preparation"))
        {
            continue;
        }
        let date = p.end.or(p.start);
        let s = match (date, window) {
            (_, None) => Status::Met,
            (Some(d), Some(w)) => {
                if ctx.in_window(d, Some(w)) {
                    Status::Met
                } else {
                    Status::NotMet
                }
            }
            (None, Some(_)) => Status::Unknown,
        };
        evidence.push(Evidence {
            source: Some(p.source.clone()),
            label: name.clone(),
            value: None,
            text: p
                .text
                .clone()
                .or_else(|| p.codes.first().and_then(|c| c.display.clone())),
            date,
            computation: None,
        });
        best = crate::outcome::or(best, s);
    }
    // Dialysis and transplant status can also stand as a condition (Z99.2, Z94.84).
    if best != Status::Met {
        for c in ctx
            .facts
            .conditions
            .iter()
            .filter(|c| c.verification_status.is_none_or(|v| v.counts()))
        {
            if ctx.vocab.procedure_matches(concept, &c.codes, None)
                && (window.is_none() || active(ctx, c))
            {
                evidence.push(cond_evidence(c, &name));
                best = Status::Met;
            }
        }
    }
    if evidence.is_empty() {
        evidence.push(note_evidence(
            &name,
            "not in the record (closed world for history)",
        ));
    }
    let mut res = result(
        r,
        best,
        format!(
            "{name} {}: {}",
            window_words(window),
            match best {
                Status::Met => "recorded (met)",
                Status::NotMet => "not in the record (not met)",
                Status::Unknown => "recorded without a date (unknown)",
            }
        ),
    );
    res.evidence = evidence;
    if best == Status::Unknown {
        res.missing.push(format!("date of {name}"));
    }
    res
}

pub fn vaccination(
    ctx: &Ctx<'_>,
    r: &Rule,
    kind: VaccineKind,
    window: Option<Period>,
) -> RuleResult {
    let want = match kind {
        VaccineKind::Live => "live vaccine",
        VaccineKind::Inactivated => "inactivated vaccine",
        VaccineKind::Mrna => "mRNA vaccine",
        VaccineKind::Any => "vaccine",
    };
    let mut evidence = Vec::new();
    let mut best = Status::NotMet;
    let mut missing = Vec::new();
    for i in &ctx.facts.immunizations {
        if i.status
            .as_deref()
            .is_some_and(|s| matches!(s, "entered-in-error" | "not-done"))
        {
            continue;
        }
        let got = ctx.vocab.vaccine_kind(&i.codes, i.text.as_deref());
        let kind_ok = match (kind, got) {
            (VaccineKind::Any, _) => Some(true),
            (k, Some(g)) => Some(k == g),
            (_, None) => None,
        };
        let date_ok = match (i.date, window) {
            (Some(d), w) => Some(ctx.in_window(d, w)),
            (None, None) => Some(true),
            (None, Some(_)) => None,
        };
        let s = match (kind_ok, date_ok) {
            (Some(false), _) | (_, Some(false)) => Status::NotMet,
            (Some(true), Some(true)) => Status::Met,
            _ => Status::Unknown,
        };
        if kind_ok.is_none() {
            missing.push("whether the recorded vaccine is live".to_string());
        }
        if date_ok.is_none() {
            missing.push("vaccination date".to_string());
        }
        let mut e = Evidence {
            source: Some(i.source.clone()),
            label: "Immunization".into(),
            value: None,
            text: i.text.clone().or_else(|| {
                i.codes
                    .first()
                    .and_then(|c| c.display.clone().or(Some(c.code.clone())))
            }),
            date: i.date,
            computation: None,
        };
        if let Some(g) = got {
            e.computation = Some(format!("{g:?} vaccine by eligo's vocabulary").to_lowercase());
        }
        evidence.push(e);
        best = crate::outcome::or(best, s);
    }
    if evidence.is_empty() {
        evidence.push(note_evidence(
            "Immunization",
            "none in the record (closed world for history)",
        ));
    }
    let mut res = result(
        r,
        best,
        format!("{want} {}: {}", window_words(window), status_word(best)),
    );
    res.evidence = evidence;
    if best == Status::Unknown {
        missing.dedup();
        res.missing = missing;
    }
    res
}

pub fn allergy(ctx: &Ctx<'_>, r: &Rule, substance: Option<&str>, severe: bool) -> RuleResult {
    let what = format!(
        "{}{} allergy",
        if severe { "severe " } else { "" },
        substance.unwrap_or("any")
    );
    let mut evidence = Vec::new();
    let mut best = Status::NotMet;
    for a in &ctx.facts.allergies {
        if a.verification_status.is_some_and(|v| !v.counts()) {
            continue;
        }
        if a.clinical_status.is_some_and(|s| !s.is_active()) {
            continue;
        }
        let subject_ok = match substance {
            None => true,
            Some("drug") => {
                a.category
                    .iter()
                    .any(|c| c == "medication" || c == "biologic")
                    || ctx.vocab.medications().iter().any(|m| {
                        m.vaccine.is_none() && ctx.vocab.medication_matches(&m.key, &a.codes, None)
                    })
            }
            Some(key) => ctx
                .vocab
                .medication_matches(key, &a.codes, a.text.as_deref()),
        };
        if !subject_ok {
            continue;
        }
        let sev = a.criticality.as_deref() == Some("high")
            || a.reaction_severity.iter().any(|s| s == "severe");
        let s = if !severe || sev {
            Status::Met
        } else if a.criticality.is_none() && a.reaction_severity.is_empty() {
            Status::Unknown
        } else {
            Status::NotMet
        };
        evidence.push(Evidence {
            source: Some(a.source.clone()),
            label: "Allergy".into(),
            value: None,
            text: Some(format!(
                "{} (criticality {}, reactions {})",
                a.text
                    .clone()
                    .or_else(|| a.codes.first().and_then(|c| c.display.clone()))
                    .unwrap_or_else(|| "allergy".into()),
                a.criticality.as_deref().unwrap_or("not given"),
                if a.reaction_severity.is_empty() {
                    "not given".into()
                } else {
                    a.reaction_severity.join(", ")
                }
            )),
            date: a.onset,
            computation: None,
        });
        best = crate::outcome::or(best, s);
    }
    if evidence.is_empty() {
        evidence.push(note_evidence(
            "Allergy",
            "none matching in the record (closed world for history)",
        ));
    }
    let mut res = result(r, best, format!("{what}: {}", status_word(best)));
    res.evidence = evidence;
    if best == Status::Unknown {
        res.missing.push("severity of the recorded allergy".into());
    }
    res
}

/// SNOMED CT 428024001 "clinical trial participant"; text fallback
/// "clinical trial".
const TRIAL_SNOMED: &[&str] = &["428024001"];

pub fn trial_participation(
    ctx: &Ctx<'_>,
    r: &Rule,
    window: Option<Period>,
    interventional: bool,
) -> RuleResult {
    use eligo_model::fact::systems::SNOMED;
    let coded = |codes: &[eligo_model::Coding], text: Option<&str>| {
        codes
            .iter()
            .any(|c| c.system == SNOMED && TRIAL_SNOMED.contains(&c.code.as_str()))
            || text.is_some_and(|t| {
                ["clinical trial", "clinical study", "research study"]
                    .iter()
                    .any(|p| eligo_vocab::contains_phrase(t, p))
            })
    };
    let mut hits: Vec<(Evidence, bool)> = Vec::new();
    for c in &ctx.facts.conditions {
        if c.verification_status.is_some_and(|v| !v.counts()) || !coded(&c.codes, c.text.as_deref())
        {
            continue;
        }
        let last = if active(ctx, c) {
            Some(ctx.as_of)
        } else {
            c.abatement.or(c.onset)
        };
        let inside = match (last, window) {
            (_, None) => true,
            (Some(d), Some(w)) => d >= ctx.window_start(w),
            (None, Some(_)) => false,
        };
        hits.push((cond_evidence(c, "Clinical trial participation"), inside));
    }
    for p in &ctx.facts.procedures {
        if !coded(&p.codes, p.text.as_deref()) {
            continue;
        }
        let inside = match (p.end.or(p.start), window) {
            (_, None) => true,
            (Some(d), w) => ctx.in_window(d, w),
            (None, Some(_)) => false,
        };
        hits.push((
            Evidence {
                source: Some(p.source.clone()),
                label: "Clinical trial participation".into(),
                value: None,
                text: p.text.clone(),
                date: p.end.or(p.start),
                computation: None,
            },
            inside,
        ));
    }
    let met = hits.iter().any(|(_, i)| *i);
    let s = if met { Status::Met } else { Status::NotMet };
    let mut res = result(
        r,
        s,
        format!(
            "participation in another {} {}: {}",
            if interventional {
                "interventional trial"
            } else {
                "clinical trial or study"
            },
            window_words(window),
            status_word(s)
        ),
    );
    res.evidence = hits.into_iter().map(|(e, _)| e).collect();
    if res.evidence.is_empty() {
        res.evidence.push(note_evidence(
            "Clinical trial participation",
            "none in the record (closed world for history)",
        ));
    }
    res
}
