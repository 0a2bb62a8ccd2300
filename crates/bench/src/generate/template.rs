//! The real records the generator starts from, prepared once: the sample
//! studies of `eligo-ctgov` that have eligibility criteria, with their
//! criteria split into sections and items, and the modules that are kept
//! verbatim serialised once.
//!
//! Every generated study's criteria are its template's, varied the way
//! real registry texts differ from each other: a few items dropped, a few
//! neighbours swapped, a few items borrowed from another template's same
//! section, and the template's own condition replaced by the study's.
//! So the texts stay realistic (real items, real formatting) and nearly
//! every study's text is distinct, as in the registry (a benchmark whose
//! 500,000 criteria were 16 texts would flatter any per-text cache).

use crate::rng::{Cumulative, Rng};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

/// A study to start from.
pub struct Template {
    /// Its id in the sample (for diagnostics and the docs).
    pub source: String,
    /// A seed trial (CAR-T for refractory SLE): used for lupus studies.
    pub seed: bool,
    pub observational: bool,
    pub criteria: Criteria,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub study_population: Option<String>,
    pub sampling_method: Option<String>,
    /// Modules kept verbatim (serialised JSON).
    pub oversight: Option<String>,
    pub outcomes: Option<String>,
    pub references: Option<String>,
    pub ipd_sharing: Option<String>,
    pub document_section: Option<String>,
    pub results_section: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Inclusion,
    Exclusion,
    Other,
}

/// Eligibility text split into headed sections of items.
#[derive(Debug, Default)]
pub struct Criteria {
    /// Text before the first section heading, kept as is.
    pub preamble: String,
    pub sections: Vec<Section>,
    /// What separates sections (a blank line in most records).
    pub section_sep: &'static str,
}

#[derive(Debug)]
pub struct Section {
    pub heading: String,
    /// Between the heading and the first item.
    pub gap: String,
    pub kind: Kind,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub struct Item {
    /// Indentation and any bullet before a number (`"  • "`).
    pub pre: String,
    pub marker: Marker,
    /// The item's text with its continuation lines (sub-items too).
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker {
    /// `1. ` or `1) `: renumbered when items are dropped or added.
    Numbered(String),
    /// `* `, `- `, `• `.
    Bullet(String),
    /// A paragraph without a marker.
    None,
}

static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*(?:•\s*)?)(\d{1,2})([.)]\s+)(\S.*)$").expect("regex"));
static BULLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*)([*•\-]\s+)(\S.*)$").expect("regex"));

fn is_heading(line: &str) -> bool {
    let t = line
        .trim()
        .trim_start_matches(['•', '*', '-'])
        .trim()
        .to_ascii_lowercase();
    t.len() < 60 && t.contains("criteria") && (t.ends_with(':') || t.ends_with("criteria"))
}

fn start_of_item(line: &str) -> Option<Item> {
    if let Some(c) = NUMBERED.captures(line) {
        return Some(Item {
            pre: c[1].to_string(),
            marker: Marker::Numbered(c[3].to_string()),
            body: c[4].to_string(),
        });
    }
    BULLET.captures(line).map(|c| Item {
        pre: c[1].to_string(),
        marker: Marker::Bullet(c[2].to_string()),
        body: c[3].to_string(),
    })
}

impl Criteria {
    pub fn parse(text: &str) -> Criteria {
        let mut c = Criteria {
            section_sep: if text.contains("\n\n") { "\n\n" } else { "\n" },
            ..Criteria::default()
        };
        let mut base_indent: Option<usize> = None;
        for line in text.split('\n') {
            if is_heading(line) {
                let t = line.to_ascii_lowercase();
                c.sections.push(Section {
                    heading: line.trim_end().to_string(),
                    gap: String::new(),
                    kind: if t.contains("exclusion") {
                        Kind::Exclusion
                    } else if t.contains("inclusion") {
                        Kind::Inclusion
                    } else {
                        Kind::Other
                    },
                    items: Vec::new(),
                });
                base_indent = None;
                continue;
            }
            let Some(s) = c.sections.last_mut() else {
                c.preamble.push_str(line);
                c.preamble.push('\n');
                continue;
            };
            let item = start_of_item(line)
                .filter(|it| base_indent.is_none_or(|b| it.pre.chars().count() <= b));
            match item {
                Some(it) => {
                    base_indent.get_or_insert(it.pre.chars().count());
                    s.items.push(it);
                }
                None if line.trim().is_empty() => {
                    match s.items.last_mut() {
                        Some(last) => last.body.push('\n'),
                        None => s.gap.push('\n'),
                    };
                }
                None => match s.items.last_mut() {
                    Some(last) => {
                        last.body.push('\n');
                        last.body.push_str(line);
                    }
                    None => s.items.push(Item {
                        pre: String::new(),
                        marker: Marker::None,
                        body: line.to_string(),
                    }),
                },
            }
        }
        for s in &mut c.sections {
            for it in &mut s.items {
                let t = it.body.trim_end().len();
                it.body.truncate(t);
            }
            if s.gap.is_empty() {
                s.gap.push('\n');
            } else {
                s.gap.insert(0, '\n');
            }
        }
        c
    }

    /// How many items all sections hold.
    pub fn item_count(&self) -> usize {
        self.sections.iter().map(|s| s.items.len()).sum()
    }

    /// A variant of the text (see the module comment). `pool` gives items
    /// of other templates by section kind.
    pub fn render(&self, rng: &mut Rng, pool: &Pool, out: &mut String) {
        out.push_str(&self.preamble);
        for (k, s) in self.sections.iter().enumerate() {
            if k > 0 {
                out.push_str(self.section_sep);
            }
            out.push_str(&s.heading);
            out.push_str(&s.gap);
            let mut items: Vec<&Item> = Vec::with_capacity(s.items.len() + 2);
            for (j, it) in s.items.iter().enumerate() {
                if j == 0 || s.items.len() <= 2 || rng.chance(0.85) {
                    items.push(it);
                }
            }
            for j in 1..items.len().saturating_sub(1) {
                if rng.chance(0.15) {
                    items.swap(j, j + 1);
                }
            }
            let borrowed = pool.items(s.kind);
            if !borrowed.is_empty() {
                let extra = match rng.below(100) {
                    0..50 => 0,
                    50..85 => 1,
                    _ => 2,
                };
                for _ in 0..extra {
                    let it = rng.pick(borrowed);
                    let at = 1 + rng.below(items.len() as u64) as usize;
                    items.insert(at.min(items.len()), it);
                }
            }
            let style = s.items.first();
            for (n, it) in items.iter().enumerate() {
                if n > 0 {
                    out.push('\n');
                }
                write_item(out, it, style, n + 1);
            }
        }
    }
}

/// One item in its section's style: numbered items are renumbered, an
/// item borrowed from another template takes this section's marker.
fn write_item(out: &mut String, it: &Item, style: Option<&Item>, n: usize) {
    let style = style.unwrap_or(it);
    match &style.marker {
        Marker::Numbered(sep) => {
            out.push_str(&style.pre);
            out.push_str(&n.to_string());
            out.push_str(sep);
        }
        Marker::Bullet(mark) => {
            out.push_str(&style.pre);
            out.push_str(mark);
        }
        Marker::None => {}
    }
    out.push_str(&it.body);
}

/// Items of all templates of one class, by section kind.
#[derive(Default)]
pub struct Pool {
    inclusion: Vec<Item>,
    exclusion: Vec<Item>,
}

impl Pool {
    fn add(&mut self, c: &Criteria) {
        for s in &c.sections {
            let into = match s.kind {
                Kind::Inclusion => &mut self.inclusion,
                Kind::Exclusion => &mut self.exclusion,
                Kind::Other => continue,
            };
            into.extend(
                s.items
                    .iter()
                    .filter(|i| i.marker != Marker::None && i.body.len() > 12)
                    .cloned(),
            );
        }
    }

    fn items(&self, k: Kind) -> &[Item] {
        match k {
            Kind::Inclusion => &self.inclusion,
            Kind::Exclusion => &self.exclusion,
            Kind::Other => &[],
        }
    }
}

/// The conditions the real templates are about, as their texts name them
/// (lower case): replaced by the generated study's condition.
const TEMPLATE_CONDITIONS: &[&str] = &[
    "cystic fibrosis related diabetes",
    "cystic fibrosis",
    "atopic dermatitis",
    "non-radiographic axial spondyloarthritis",
    "axial spondyloarthritis",
    "ankylosing spondylitis",
    "alcohol use disorder",
    "coronary artery disease",
    "ischemic heart disease",
    "dysphagia",
    "acquired brain injury",
    "acquired brain injuries",
    "brain injuries",
    "non-small cell lung cancer",
    "nsclc",
];

/// Every template, with the draws over them.
pub struct Templates {
    pub seeds: Vec<Template>,
    pub interventional: Vec<Template>,
    pub observational: Vec<Template>,
    pub interventional_weights: Cumulative,
    pub observational_weights: Cumulative,
    pub seed_pool: Pool,
    pub real_pool: Pool,
    /// Results sections of the templates that have one.
    pub results: Vec<String>,
    conditions: AhoCorasick,
}

fn raw(v: Option<&Value>) -> Option<String> {
    v.filter(|v| !v.is_null())
        .map(|v| serde_json::to_string(v).expect("a JSON value serialises"))
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::to_string)
        .filter(|s| !s.trim().is_empty())
}

impl Templates {
    /// The sample studies that have eligibility criteria.
    pub fn load() -> Templates {
        let mut seeds = Vec::new();
        let mut interventional = Vec::new();
        let mut observational = Vec::new();
        let mut results = Vec::new();
        for (name, body) in eligo_ctgov::sample::sample_files() {
            let Ok(doc) = serde_json::from_str::<Value>(body) else {
                continue;
            };
            let studies = match doc.get("studies").and_then(Value::as_array) {
                Some(list) => list.clone(),
                None => vec![doc],
            };
            for study in studies {
                let p = &study["protocolSection"];
                let Some(criteria) = text(p.pointer("/eligibilityModule/eligibilityCriteria"))
                else {
                    continue;
                };
                let e = &p["eligibilityModule"];
                let t = Template {
                    source: p
                        .pointer("/identificationModule/nctId")
                        .and_then(Value::as_str)
                        .unwrap_or(name)
                        .to_string(),
                    seed: name.contains("/seeds/"),
                    observational: p.pointer("/designModule/studyType")
                        == Some(&Value::from("OBSERVATIONAL")),
                    criteria: Criteria::parse(&criteria),
                    summary: text(p.pointer("/descriptionModule/briefSummary")),
                    description: text(p.pointer("/descriptionModule/detailedDescription")),
                    study_population: text(e.get("studyPopulation")),
                    sampling_method: text(e.get("samplingMethod")),
                    oversight: raw(p.get("oversightModule")),
                    outcomes: raw(p.get("outcomesModule")),
                    references: raw(p.get("referencesModule")),
                    ipd_sharing: raw(p.get("ipdSharingStatementModule")),
                    document_section: raw(study.get("documentSection")),
                    results_section: raw(study.get("resultsSection")),
                };
                if let Some(r) = &t.results_section {
                    results.push(r.clone());
                }
                if t.seed {
                    seeds.push(t);
                } else if t.observational {
                    observational.push(t);
                } else {
                    interventional.push(t);
                }
            }
        }
        let mut seed_pool = Pool::default();
        seeds.iter().for_each(|t| seed_pool.add(&t.criteria));
        let mut real_pool = Pool::default();
        interventional
            .iter()
            .chain(&observational)
            .for_each(|t| real_pool.add(&t.criteria));
        // Templates whose source trimmed the criteria to a stub weigh
        // little; so do the two with outsized modules (15 kB of outcomes,
        // 15 kB of description), to keep the average study near the bulk
        // export's size.
        let weight = |t: &Template| {
            let big = t.outcomes.as_ref().map_or(0, String::len)
                + t.description.as_ref().map_or(0, String::len);
            if t.criteria.item_count() < 3 {
                0.1
            } else if big > 10_000 {
                0.35
            } else {
                1.0
            }
        };
        let interventional_weights = Cumulative::new(interventional.iter().map(weight));
        let observational_weights = Cumulative::new(observational.iter().map(weight));
        let conditions = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(TEMPLATE_CONDITIONS)
            .expect("a small fixed automaton builds");
        assert!(
            !seeds.is_empty() && !interventional.is_empty() && !observational.is_empty(),
            "the ctgov sample lost its templates"
        );
        Templates {
            seeds,
            interventional,
            observational,
            interventional_weights,
            observational_weights,
            seed_pool,
            real_pool,
            results,
            conditions,
        }
    }

    /// `text` with the templates' own conditions replaced by `display`
    /// (or `lower` where the text had it in lower case), whole words only.
    pub fn replace_conditions(&self, text: &str, display: &str, lower: &str) -> String {
        let mut out = String::with_capacity(text.len() + 32);
        let mut last = 0;
        let b = text.as_bytes();
        for m in self.conditions.find_iter(text) {
            let before = m.start() == 0 || !b[m.start() - 1].is_ascii_alphanumeric();
            let after = m.end() == b.len() || !b[m.end()].is_ascii_alphanumeric();
            if !(before && after) {
                continue;
            }
            out.push_str(&text[last..m.start()]);
            let lower_case = b[m.start()].is_ascii_lowercase();
            out.push_str(if lower_case { lower } else { display });
            last = m.end();
        }
        out.push_str(&text[last..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Inclusion Criteria:\n\n1. Adults aged 18 or over\n2. Diagnosis of atopic dermatitis\n   1. sub item\n   2. another\n3. Able to consent\n\nExclusion Criteria:\n\n* Pregnancy\n* Prior dupilumab";

    #[test]
    fn parses_sections_items_and_sub_items() {
        let c = Criteria::parse(TEXT);
        assert_eq!(c.sections.len(), 2);
        assert_eq!(c.sections[0].kind, Kind::Inclusion);
        assert_eq!(c.sections[1].kind, Kind::Exclusion);
        assert_eq!(c.sections[0].items.len(), 3);
        assert_eq!(
            c.sections[0].items[1].body,
            "Diagnosis of atopic dermatitis\n   1. sub item\n   2. another"
        );
        assert_eq!(c.sections[1].items[1].marker, Marker::Bullet("* ".into()));
    }

    #[test]
    fn rendering_with_nothing_dropped_or_borrowed_gives_the_text_back() {
        let c = Criteria::parse(TEXT);
        let mut out = String::new();
        // A pool with nothing to borrow; find a stream that keeps every item.
        let pool = Pool::default();
        let kept_all = (0..200).any(|s| {
            out.clear();
            c.render(&mut Rng::for_item(s, 0, 0), &pool, &mut out);
            out == TEXT
        });
        assert!(kept_all, "no variant equals the original text");
    }
}
