//! The deterministic generator of ClinicalTrials.gov API v2 studies.
//!
//! Study `i` (any `i` below 10^7) gets id `NCT9` + `i` in seven digits, a
//! condition drawn from the registry's distribution ([`tables`]), a study
//! type, status and dates that agree with each other, a sponsor and sites
//! in real cities ([`places`]), interventions of the condition's area, and
//! the eligibility text of a real record ([`template`]) varied and
//! rewritten for its condition. Each study draws from its own random
//! stream, so the corpus streams in constant memory and any study can be
//! made alone, as the reload batches of the harness do (`revision`).

pub mod dates;
mod draft;
mod fields;
pub mod json;
pub mod output;
pub mod places;
pub mod tables;
pub mod template;
mod words;
mod write;

use crate::rng::{Cumulative, Rng};
use json::Json;
use std::collections::HashMap;
use tables::{Family, TAIL_CONDITIONS};
use template::Templates;

/// Bumped whenever the same seed and size give different bytes, so that a
/// corpus cached by the harness is regenerated.
pub const GENERATOR_VERSION: u32 = 1;

/// The registry snapshot the studies describe: statuses and dates agree
/// with this day (just before the example patients' as-of date).
pub const SNAPSHOT: (i64, u32, u32) = (2026, 11, 1);

/// Largest index the id scheme holds (`NCT9` + 7 digits).
pub const MAX_STUDIES: u64 = 10_000_000;

/// What one study is, for statistics and the harness.
#[derive(Clone, Debug)]
pub struct StudyMeta {
    pub id: String,
    pub primary_condition: String,
    pub conditions: Vec<String>,
    pub family: Family,
    pub status: &'static str,
    pub study_type: &'static str,
    pub template: String,
    pub criteria_bytes: usize,
    pub sites: usize,
    pub sites_without_geo: usize,
    pub has_results: bool,
}

/// A study's searchable fields (see [`Generator::text`]).
#[derive(Clone, Debug)]
pub struct StudyText {
    pub id: String,
    pub status: &'static str,
    pub title: String,
    pub conditions: String,
    pub interventions: String,
    pub keywords: String,
    pub summary: String,
    pub description: String,
    pub criteria: String,
}

pub struct Generator {
    seed: u64,
    templates: Templates,
    /// The head conditions, then one slot for the whole tail.
    conditions: Cumulative,
    tail: Cumulative,
    by_family: HashMap<Family, (Vec<usize>, Cumulative)>,
    countries: Cumulative,
    snapshot: i64,
}

struct Cond {
    name: String,
    lower: String,
    family: Family,
}

/// A condition name as it reads inside a sentence: words lower-cased
/// unless they are acronyms or codes ("COVID-19", "HIV").
pub fn lower_form(name: &str) -> String {
    name.split(' ')
        .map(|w| {
            let upper = w.chars().filter(|c| c.is_uppercase()).count();
            if upper >= 2 || w.chars().any(|c| c.is_ascii_digit()) {
                w.to_string()
            } else {
                w.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn weighted<T: Copy>(r: &mut Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = r.below(total as u64) as u32;
    for (v, w) in items {
        if x < *w {
            return *v;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        let head: u32 = tables::CONDITIONS.iter().map(|c| c.2).sum();
        assert!(
            head < tables::REGISTRY_STUDIES,
            "head weights exceed the registry"
        );
        let conditions = Cumulative::new(
            tables::CONDITIONS
                .iter()
                .map(|c| c.2 as f64)
                .chain([(tables::REGISTRY_STUDIES - head) as f64]),
        );
        // Zipf-like over the tail: a few tail conditions have hundreds of
        // studies, most have a handful.
        let tail = Cumulative::new((0..TAIL_CONDITIONS).map(|k| 1.0 / (k as f64 + 100.0)));
        let mut by_family: HashMap<Family, Vec<usize>> = HashMap::new();
        for (k, c) in tables::CONDITIONS.iter().enumerate() {
            by_family.entry(c.1).or_default().push(k);
        }
        let by_family = by_family
            .into_iter()
            .map(|(f, ks)| {
                let c = Cumulative::new(ks.iter().map(|&k| tables::CONDITIONS[k].2 as f64));
                (f, (ks, c))
            })
            .collect();
        let countries = Cumulative::new(places::COUNTRIES.iter().map(|c| c.1 as f64));
        let (y, m, d) = SNAPSHOT;
        Generator {
            seed,
            templates: Templates::load(),
            conditions,
            tail,
            by_family,
            countries,
            snapshot: dates::days(y, m, d),
        }
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// The id of study `i`.
    pub fn id(i: u64) -> String {
        format!("NCT9{:07}", i % MAX_STUDIES)
    }

    fn head(&self, k: usize) -> Cond {
        let (name, family, _) = tables::CONDITIONS[k];
        Cond {
            name: name.to_string(),
            lower: lower_form(name),
            family,
        }
    }

    /// A condition from the whole distribution; `true` when from the tail.
    fn draw_condition(&self, r: &mut Rng) -> (Cond, bool) {
        let k = r.weighted(&self.conditions);
        if k < tables::CONDITIONS.len() {
            return (self.head(k), false);
        }
        (self.tail_condition(r), true)
    }

    fn tail_condition(&self, r: &mut Rng) -> Cond {
        let (name, family) = tables::tail_condition(r.weighted(&self.tail) as u64);
        Cond {
            lower: lower_form(&name),
            name,
            family,
        }
    }

    /// Another condition for a study that lists several: a named one of
    /// the same area, or for a tail condition another of the tail (a rare
    /// disease's study does not add a common one of its area).
    fn related_condition(&self, r: &mut Rng, f: Family, tail: bool) -> Cond {
        if tail {
            return self.tail_condition(r);
        }
        match self.by_family.get(&f) {
            Some((ks, c)) if r.chance(0.7) => self.head(ks[r.weighted(c)]),
            _ => self.draw_condition(r).0,
        }
    }

    /// Study `i` as one line of JSON (no newline) into `out`; `revision` 0
    /// is the study as first generated, higher ones are later versions of
    /// it (status moved on, dates updated, sometimes new criteria).
    pub fn write(&self, i: u64, revision: u32, out: &mut Json) -> StudyMeta {
        let d = self.draft(i, revision);
        d.write(out);
        d.meta()
    }

    /// Study `i` as a JSON string.
    pub fn study(&self, i: u64, revision: u32) -> String {
        let mut j = Json::with_capacity(16 * 1024);
        self.write(i, revision, &mut j);
        String::from_utf8(j.buf).expect("the writer writes UTF-8")
    }

    /// The searchable text of study `i`, field by field as eligo indexes
    /// it: what the SQLite FTS5 comparison is built from.
    pub fn text(&self, i: u64, revision: u32) -> StudyText {
        let d = self.draft(i, revision);
        let mut interventions = Vec::new();
        for iv in &d.interventions {
            interventions.push(iv.name.clone());
            interventions.extend(iv.other_names.iter().cloned());
            interventions.extend(iv.description.iter().cloned());
        }
        interventions.extend(d.arms.iter().map(|a| a.label.clone()));
        StudyText {
            title: [
                Some(d.brief_title.clone()),
                Some(d.official_title.clone()),
                d.acronym.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n"),
            conditions: d.conditions.join("\n"),
            interventions: interventions.join("\n"),
            keywords: d.keywords.join("\n"),
            summary: d.summary,
            description: d.description.unwrap_or_default(),
            criteria: d.criteria,
            status: d.status,
            id: d.id,
        }
    }
}
