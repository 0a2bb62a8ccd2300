//! Facts a record holds outside the resources made for them: diagnoses and
//! procedures that only a visit (Encounter) or a bill (Claim,
//! ExplanationOfBenefit) carries, as payer exports do, and observations
//! contained in a DiagnosticReport.
//!
//! A diagnosis or procedure is taken from these only when no Condition or
//! Procedure of the record has one of its codes, so a fact is never counted
//! twice; each cites the resource it came from. A bill says a diagnosis was
//! made, not whether it lasts, so such a condition has no clinical status
//! and the matcher treats its activity as unknown.

use crate::bundle::Entry;
use crate::coding::{Concept, concept, concept_at};
use crate::date;
use crate::json::{Node, Problem};
use crate::resources::{self, Ctx, Res};
use eligo_model::Date;
use eligo_model::fact::{ConditionFact, IgnoredFact, PatientFacts, ProcedureFact};
use std::collections::HashSet;

/// Resource types read here.
pub(crate) const TYPES: &[&str] = &[
    "Encounter",
    "Claim",
    "ExplanationOfBenefit",
    "DiagnosticReport",
];

/// (system, code) of every coding of the record's own conditions and procedures.
fn known(facts: &PatientFacts) -> HashSet<(String, String)> {
    facts
        .conditions
        .iter()
        .flat_map(|c| &c.codes)
        .chain(facts.procedures.iter().flat_map(|p| &p.codes))
        .map(|c| (c.system.clone(), c.code.trim().to_string()))
        .collect()
}

fn date_at(n: &Node, key: &str) -> Option<Date> {
    let s = n.str(key).ok().flatten()?;
    date::parse_date_time(s.trim()).ok().map(|(d, _)| d)
}

fn period_start(n: &Node, key: &str) -> Option<Date> {
    n.object(key)
        .ok()
        .flatten()
        .and_then(|p| date_at(&p, "start").or_else(|| date_at(&p, "end")))
}

/// The diagnoses, procedures and contained results of the entries `which`.
pub(crate) fn read(ctx: &Ctx, which: &[usize], facts: &mut PatientFacts) {
    let seen = known(facts);
    let mut conditions: Vec<ConditionFact> = Vec::new();
    let mut procedures: Vec<ProcedureFact> = Vec::new();
    let mut notes: Vec<IgnoredFact> = Vec::new();
    for &i in which {
        let e = &ctx.index.entries[i];
        if let Some(why) = ctx.check_subject(e) {
            notes.push(why);
            continue;
        }
        let n = e.node();
        let mut note = |p: Problem| {
            notes.push(IgnoredFact {
                source: Some(e.source()),
                field: Some(p.field),
                reason: format!("{}; not read", p.reason),
            })
        };
        match e.resource_type {
            "Encounter" => {
                let when = period_start(&n, "period");
                match n.objects("reasonCode") {
                    Ok(list) => {
                        for r in list {
                            match concept(&r) {
                                Ok(c) => add_condition(&mut conditions, &seen, e, c, when),
                                Err(p) => note(p),
                            }
                        }
                    }
                    Err(p) => note(p),
                }
            }
            "Claim" | "ExplanationOfBenefit" => {
                let when = period_start(&n, "billablePeriod").or_else(|| date_at(&n, "created"));
                match n.objects("diagnosis") {
                    Ok(list) => {
                        for d in list {
                            match concept_at(&d, "diagnosisCodeableConcept") {
                                Ok(Some(c)) => add_condition(&mut conditions, &seen, e, c, when),
                                Ok(None) => {}
                                Err(p) => note(p),
                            }
                        }
                    }
                    Err(p) => note(p),
                }
                match n.objects("procedure") {
                    Ok(list) => {
                        for pr in list {
                            let on = date_at(&pr, "date").or(when);
                            match concept_at(&pr, "procedureCodeableConcept") {
                                Ok(Some(c)) => add_procedure(&mut procedures, &seen, e, c, on),
                                Ok(None) => {}
                                Err(p) => note(p),
                            }
                        }
                    }
                    Err(p) => note(p),
                }
            }
            "DiagnosticReport" => report_results(ctx, e, &n, facts, &mut notes),
            _ => {}
        }
    }
    facts.conditions.extend(conditions);
    facts.procedures.extend(procedures);
    facts.ignored.extend(notes);
}

fn key_of(c: &Concept) -> Option<(String, String)> {
    c.codes
        .first()
        .map(|k| (k.system.clone(), k.code.trim().to_string()))
}

fn add_condition(
    out: &mut Vec<ConditionFact>,
    seen: &HashSet<(String, String)>,
    e: &Entry,
    c: Concept,
    when: Option<Date>,
) {
    if c.codes.is_empty()
        || c.codes
            .iter()
            .any(|k| seen.contains(&(k.system.clone(), k.code.trim().to_string())))
    {
        return;
    }
    let key = key_of(&c);
    if let Some(prev) = out.iter_mut().find(|f| {
        f.codes
            .first()
            .map(|k| (k.system.clone(), k.code.trim().to_string()))
            == key
    }) {
        // The same diagnosis billed again: first seen, last seen.
        prev.onset = match (prev.onset, when) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        prev.recorded = match (prev.recorded, when) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        return;
    }
    out.push(ConditionFact {
        source: e.source(),
        codes: c.codes,
        text: c.text,
        clinical_status: None,
        verification_status: None,
        onset: when,
        abatement: None,
        recorded: when,
        grade: None,
    });
}

fn add_procedure(
    out: &mut Vec<ProcedureFact>,
    seen: &HashSet<(String, String)>,
    e: &Entry,
    c: Concept,
    when: Option<Date>,
) {
    if c.codes.is_empty()
        || c.codes
            .iter()
            .any(|k| seen.contains(&(k.system.clone(), k.code.trim().to_string())))
    {
        return;
    }
    out.push(ProcedureFact {
        source: e.source(),
        codes: c.codes,
        text: c.text,
        status: None,
        start: when,
        end: when,
    });
}

/// A report's results: those in the bundle are read as Observations
/// already; contained ones are read here; the rest are noted.
fn report_results(
    ctx: &Ctx,
    e: &Entry,
    n: &Node,
    facts: &mut PatientFacts,
    notes: &mut Vec<IgnoredFact>,
) {
    let Ok(results) = n.objects("result") else {
        return;
    };
    let contained = n.objects("contained").unwrap_or_default();
    for r in results {
        let Ok(Some(reference)) = r.str("reference") else {
            continue;
        };
        if let Some(id) = reference.strip_prefix('#') {
            let Some(c) = contained
                .iter()
                .find(|c| c.str("id").ok().flatten() == Some(id))
            else {
                continue;
            };
            if c.str("resourceType").ok().flatten() != Some("Observation") {
                continue;
            }
            let entry = Entry {
                path: c.path.clone(),
                full_url: None,
                resource: c.v,
                resource_type: "Observation",
                id: Some(id),
            };
            let mut res = Res::new(&entry);
            match resources::observation(ctx, &mut res) {
                Ok(o) => {
                    facts.observations.push(o);
                    facts.ignored.append(&mut res.notes);
                }
                Err(p) => notes.push(IgnoredFact {
                    source: Some(entry.source()),
                    field: Some(p.field),
                    reason: p.reason,
                }),
            }
        } else if ctx.index.resolve(reference).is_none() {
            notes.push(IgnoredFact {
                source: Some(e.source()),
                field: Some(r.at("reference")),
                reason: format!("result {reference:?} is not in the bundle; not read"),
            });
        }
    }
}
