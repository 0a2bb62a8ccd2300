//! The trial summary: per endpoint and time point, responders n/N with the
//! exact (Clopper-Pearson) 95% interval and how many are missing; the
//! adverse-event table by term and worst grade; CRS and ICANS incidence and
//! time to onset; for all participants and per dose level.
//!
//! N at a time point counts every treated participant who has reached it
//! (its window has closed, or the visit is done). A participant without a
//! result there (missed visit, missing input, withdrawn) stays in N and is
//! counted as missing, never as a responder.

use crate::Date;
use crate::data::{AdverseEvent, Participant, Syndrome};
use crate::endpoints::{BINARY_ENDPOINTS, Timeline};
use crate::schedule::{Plan, days_between};
use crate::stats::{clopper_pearson, median};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the summary reads of one participant.
pub struct Subject<'a> {
    pub participant: &'a Participant,
    pub timeline: &'a Timeline,
    pub aes: &'a [AdverseEvent],
}

/// n/N with its exact interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    pub n: u32,
    /// Participants who reached the time point (denominator).
    pub total: u32,
    /// Of `total`, without a result (counted as non-responders).
    pub missing: u32,
    /// Treated participants who have not reached the time point yet.
    pub not_yet: u32,
    /// Exact 95% interval of n/total; None when total is 0.
    pub ci95: Option<(f64, f64)>,
}

impl Proportion {
    pub fn new(n: u32, total: u32, missing: u32, not_yet: u32) -> Proportion {
        Proportion {
            n,
            total,
            missing,
            not_yet,
            ci95: clopper_pearson(n, total, 0.05),
        }
    }

    pub fn text(&self) -> String {
        match self.ci95 {
            Some((lo, hi)) => format!(
                "{}/{} ({:.0}%; 95% CI {:.1}–{:.1}%)",
                self.n,
                self.total,
                100.0 * f64::from(self.n) / f64::from(self.total),
                100.0 * lo,
                100.0 * hi
            ),
            None => "—".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndpointRow {
    pub endpoint: &'static str,
    pub label: &'static str,
    pub visit: String,
    /// The record names this endpoint at this time point.
    pub registered: bool,
    pub responders: Proportion,
}

/// One adverse-event term: participants by their worst grade of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AeRow {
    pub term: String,
    /// The scale(s) the grades are on.
    pub scale: String,
    pub any_grade: u32,
    pub grade3_plus: u32,
    /// Participants whose worst grade of the term is 1..5.
    pub by_worst_grade: [u32; 5],
    pub serious: u32,
}

/// Incidence of a syndrome with its time to onset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Incidence {
    pub participants: Proportion,
    /// Days from infusion to the first event, per participant who had one.
    pub onset_days: Vec<i64>,
    pub median_onset_day: Option<f64>,
    /// Participants by worst grade 1..5.
    pub by_worst_grade: [u32; 5],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub label: String,
    /// Dose level (1-based), None for the whole trial.
    pub dose_level: Option<u32>,
    pub participants: u32,
    pub endpoints: Vec<EndpointRow>,
    pub adverse_events: Vec<AeRow>,
    pub crs: Incidence,
    pub icans: Incidence,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub as_of: Date,
    pub groups: Vec<Group>,
}

fn endpoint_rows(plan: &Plan, subjects: &[&Subject]) -> Vec<EndpointRow> {
    let mut out = Vec::new();
    for (key, label) in BINARY_ENDPOINTS {
        for pv in &plan.visits {
            let (mut n, mut total, mut missing, mut not_yet) = (0, 0, 0, 0);
            for s in subjects {
                let Some(row) = s.timeline.rows.iter().find(|r| r.code == pv.code) else {
                    continue;
                };
                if !(row.state.reached() || row.state.is_done()) {
                    not_yet += 1;
                    continue;
                }
                total += 1;
                match row
                    .endpoints
                    .as_ref()
                    .and_then(|e| e.get(key))
                    .and_then(|b| b.value)
                {
                    Some(true) => n += 1,
                    Some(false) => {}
                    None => missing += 1,
                }
            }
            out.push(EndpointRow {
                endpoint: key,
                label,
                visit: pv.code.clone(),
                registered: plan.names(key, &pv.code),
                responders: Proportion::new(n, total, missing, not_yet),
            });
        }
    }
    out
}

fn ae_rows(subjects: &[&Subject]) -> Vec<AeRow> {
    // term (case-insensitive) → (display term, scales, participant → worst, serious participants)
    struct Acc {
        term: String,
        scales: Vec<String>,
        worst: BTreeMap<usize, u8>,
        serious: std::collections::BTreeSet<usize>,
    }
    let mut by: BTreeMap<String, Acc> = BTreeMap::new();
    for (i, s) in subjects.iter().enumerate() {
        for a in s.aes {
            let Ok(g) = a.graded() else { continue };
            let acc = by.entry(a.term.to_lowercase()).or_insert_with(|| Acc {
                term: a.term.clone(),
                scales: vec![],
                worst: BTreeMap::new(),
                serious: Default::default(),
            });
            if !acc.scales.contains(&g.scale) {
                acc.scales.push(g.scale.clone());
            }
            let w = acc.worst.entry(i).or_insert(0);
            *w = (*w).max(g.grade);
            if a.serious {
                acc.serious.insert(i);
            }
        }
    }
    let mut rows: Vec<AeRow> = by
        .into_values()
        .map(|a| {
            let mut by_worst = [0u32; 5];
            for g in a.worst.values() {
                if (1..=5).contains(g) {
                    by_worst[*g as usize - 1] += 1;
                }
            }
            AeRow {
                term: a.term,
                scale: a.scales.join(", "),
                any_grade: a.worst.values().filter(|g| **g >= 1).count() as u32,
                grade3_plus: a.worst.values().filter(|g| **g >= 3).count() as u32,
                by_worst_grade: by_worst,
                serious: a.serious.len() as u32,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.any_grade
            .cmp(&a.any_grade)
            .then(b.grade3_plus.cmp(&a.grade3_plus))
            .then(a.term.to_lowercase().cmp(&b.term.to_lowercase()))
    });
    rows
}

fn incidence(subjects: &[&Subject], which: Syndrome) -> Incidence {
    let mut onset_days = Vec::new();
    let mut by_worst = [0u32; 5];
    let mut n = 0;
    for s in subjects {
        let events: Vec<(&AdverseEvent, u8)> = s
            .aes
            .iter()
            .filter(|a| a.syndrome() == which)
            .filter_map(|a| a.graded().ok().map(|g| (a, g.grade)))
            .filter(|(_, g)| *g >= 1)
            .collect();
        if events.is_empty() {
            continue;
        }
        n += 1;
        let first = events
            .iter()
            .map(|(a, _)| a.onset)
            .min()
            .unwrap_or(s.participant.infusion_date);
        onset_days.push(days_between(s.participant.infusion_date, first));
        let worst = events.iter().map(|(_, g)| *g).max().unwrap_or(0);
        if (1..=5).contains(&worst) {
            by_worst[worst as usize - 1] += 1;
        }
    }
    onset_days.sort_unstable();
    Incidence {
        participants: Proportion::new(n, subjects.len() as u32, 0, 0),
        median_onset_day: median(&onset_days),
        onset_days,
        by_worst_grade: by_worst,
    }
}

fn group(label: String, dose_level: Option<u32>, plan: &Plan, subjects: &[&Subject]) -> Group {
    Group {
        label,
        dose_level,
        participants: subjects.len() as u32,
        endpoints: endpoint_rows(plan, subjects),
        adverse_events: ae_rows(subjects),
        crs: incidence(subjects, Syndrome::Crs),
        icans: incidence(subjects, Syndrome::Icans),
    }
}

/// The summary over treated participants (infused on or before `as_of`),
/// all together and per dose level when the trial has more than one.
pub fn summarize(
    plan: &Plan,
    dose_levels: &[String],
    subjects: &[Subject],
    as_of: Date,
) -> Summary {
    let treated: Vec<&Subject> = subjects
        .iter()
        .filter(|s| s.participant.infusion_date <= as_of)
        .collect();
    let mut groups = vec![group("All participants".into(), None, plan, &treated)];
    if dose_levels.len() > 1 {
        for (i, l) in dose_levels.iter().enumerate() {
            let level = i as u32 + 1;
            let these: Vec<&Subject> = treated
                .iter()
                .copied()
                .filter(|s| s.participant.dose_level == Some(level))
                .collect();
            groups.push(group(
                format!("Dose level {level}: {l}"),
                Some(level),
                plan,
                &these,
            ));
        }
    }
    Summary { as_of, groups }
}
