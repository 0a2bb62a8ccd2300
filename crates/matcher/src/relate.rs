//! Which trials concern a patient's conditions at all: the prefilter that
//! keeps matching fast and the ranking free of unrelated trials.
//!
//! A trial's targets are the vocabulary conditions named in its title,
//! conditions and keywords (one Aho-Corasick pass over the vocabulary's
//! synonyms) and, once compiled, the diagnoses its inclusion criteria
//! require. A patient's concepts are the vocabulary conditions their
//! counting Condition resources belong to (narrower concepts count as their
//! broader ones: lupus nephritis is SLE). Related = the two sets meet.

use eligo_model::rule::{CompiledCriteria, CriterionKind, Presence, RuleKind};
use eligo_model::{PatientFacts, Trial};
use std::collections::BTreeSet;

/// Conditions that are exclusions or states everywhere, never a trial's subject.
const NEVER_TARGET: &[&str] = &["active_infection", "pregnancy", "lactation", "bleeding"];

/// Condition keys named in `text` (the vocabulary's shared finder), skipping
/// those that are never a trial's subject, until `f` says stop.
fn each_named(text: &str, mut f: impl FnMut(&str) -> bool) -> bool {
    eligo_vocab::each_named_condition(text, |k| !NEVER_TARGET.contains(&k) && f(k))
}

fn named_conditions(text: &str, out: &mut BTreeSet<String>) {
    each_named(text, |k| {
        out.insert(k.to_string());
        false
    });
}

/// The conditions a trial is about.
#[derive(Debug, Clone, Default)]
pub struct TrialTargets(pub BTreeSet<String>);

impl TrialTargets {
    pub fn of(t: &Trial, compiled: Option<&CompiledCriteria>) -> TrialTargets {
        let mut set = BTreeSet::new();
        named_conditions(&t.brief_title, &mut set);
        if let Some(o) = &t.official_title {
            named_conditions(o, &mut set);
        }
        for c in t.conditions.iter().chain(&t.keywords) {
            named_conditions(c, &mut set);
        }
        if let Some(c) = compiled {
            for crit in c
                .criteria
                .iter()
                .filter(|c| c.kind == CriterionKind::Inclusion)
            {
                for r in &crit.rules {
                    if let RuleKind::Diagnosis {
                        concept,
                        presence: Presence::Ever | Presence::Active,
                        ..
                    } = &r.kind
                        && !NEVER_TARGET.contains(&concept.as_str())
                    {
                        set.insert(concept.clone());
                    }
                }
            }
        }
        TrialTargets(set)
    }
}

/// The vocabulary conditions a patient has (any status but refuted or in error).
#[derive(Debug, Clone, Default)]
pub struct PatientConcepts(pub BTreeSet<String>);

impl PatientConcepts {
    pub fn of(facts: &PatientFacts) -> PatientConcepts {
        let v = eligo_vocab::vocabulary();
        let mut set = BTreeSet::new();
        for c in facts
            .conditions
            .iter()
            .filter(|c| c.verification_status.is_none_or(|s| s.counts()))
        {
            for concept in v.conditions() {
                if v.condition_matches(&concept.key, &c.codes, c.text.as_deref()) {
                    set.insert(concept.key.clone());
                }
            }
        }
        PatientConcepts(set)
    }

    pub fn related(&self, t: &TrialTargets) -> bool {
        t.0.iter().any(|k| self.0.contains(k))
    }
}

/// Indexes of the trials related to the patient by title, conditions and
/// keywords alone (no compilation): the cheap first pass over a registry.
pub fn prefilter(trials: &[Trial], facts: &PatientFacts) -> Vec<usize> {
    let p = PatientConcepts::of(facts);
    let hit = |text: &str| each_named(text, |k| p.0.contains(k));
    trials
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            !t.partial
                && (hit(&t.brief_title)
                    || t.official_title.as_deref().is_some_and(hit)
                    || t.conditions.iter().chain(&t.keywords).any(|c| hit(c)))
        })
        .map(|(i, _)| i)
        .collect()
}
