//! Reading brat-annotated Chia trials and scoring entity extraction against them.
//!
//! Chia (Kury F, Butler A, Yuan C, et al. "Chia, a large annotated corpus of
//! clinical trial eligibility criteria", Scientific Data 7, 281 (2020);
//! CC BY 4.0) annotates each trial's inclusion and exclusion text
//! (`NCTxxxxxxxx_inc.txt`, `_exc.txt`) in brat standoff files (`.ann`), one
//! entity a line, id, type with offsets, and text separated by tabs:
//!
//! ```text
//! T1 <tab> Condition 28 55 <tab> metastatic carcinoid tumors
//! T19 <tab> Condition 331 356;368 376 <tab> major impairment of renal function
//! ```
//!
//! Offsets are *character* offsets into the `.txt` file; a discontinuous
//! entity lists its fragments separated by `;`. Here every offset becomes a
//! byte offset into the text, as everywhere else in eligo.
//!
//! Scoring is entity-level, per type:
//! - **exact**: a prediction and a gold entity of the same type with the
//!   same fragments;
//! - **overlap**: same type and some fragment of one overlaps some fragment
//!   of the other. Matching is one-to-one (a gold entity is matched by at most
//!   one prediction and a prediction matches at most one gold entity; exact
//!   pairs first, then the largest overlaps), so one long prediction that
//!   covers three gold entities counts once, not three times.
//!
//! precision = matched / predicted, recall = matched / gold,
//! F1 = 2PR / (P + R); each is 0 when its denominator is.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::annotation::{Entity, EntityType};

/// A malformed line of an `.ann` file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct AnnError {
    pub line: usize,
    pub message: String,
}

/// Byte offset of every character offset of `text` (`len + 1` entries).
fn char_to_byte(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    v.push(text.len());
    v
}

/// The gold entities of the seven scored types in an `.ann` file, offsets
/// converted to bytes of `text`. Relations, equivalence groups, notes and
/// entities of other types are skipped; duplicates are kept once. A text-bound
/// line whose offsets do not parse, or fall outside the text, is an error.
pub fn parse_ann(text: &str, ann: &str) -> Result<Vec<Entity>, AnnError> {
    let map = char_to_byte(text);
    let mut out: Vec<Entity> = Vec::new();
    for (i, line) in ann.lines().enumerate() {
        let err = |message: String| AnnError {
            line: i + 1,
            message,
        };
        if !line.starts_with('T') {
            continue;
        }
        let mut cols = line.splitn(3, '\t');
        let (Some(_id), Some(spec)) = (cols.next(), cols.next()) else {
            return Err(err(
                "a text-bound annotation needs a tab-separated type and offsets".into(),
            ));
        };
        let Some((kind, offsets)) = spec.split_once(' ') else {
            return Err(err(format!("no offsets in {spec:?}")));
        };
        let Some(kind) = EntityType::from_name(kind) else {
            continue;
        };
        let mut fragments = Vec::new();
        for frag in offsets.split(';') {
            let mut it = frag.split_whitespace();
            let (Some(a), Some(b), None) = (it.next(), it.next(), it.next()) else {
                return Err(err(format!("bad fragment {frag:?}")));
            };
            let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) else {
                return Err(err(format!("bad offsets {frag:?}")));
            };
            if a > b || b >= map.len() {
                return Err(err(format!(
                    "offsets {a}..{b} outside the text ({} characters)",
                    map.len() - 1
                )));
            }
            fragments.push((map[a], map[b]));
        }
        fragments.sort_unstable();
        let e = Entity { kind, fragments };
        if !out.contains(&e) {
            out.push(e);
        }
    }
    Ok(out)
}

/// One annotated text of the corpus (a trial's inclusion or exclusion part).
#[derive(Debug, Clone)]
pub struct Document {
    /// File stem, e.g. `NCT00050349_inc`.
    pub id: String,
    pub text: String,
    pub gold: Vec<Entity>,
}

impl Document {
    /// The trial the text belongs to (`NCT00050349_inc` → `NCT00050349`).
    pub fn trial(&self) -> &str {
        trial_of(&self.id)
    }
}

fn trial_of(stem: &str) -> &str {
    stem.strip_suffix("_inc")
        .or_else(|| stem.strip_suffix("_exc"))
        .unwrap_or(stem)
}

/// An error reading a corpus directory.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Ann { path: PathBuf, source: AnnError },
    #[error("{}: no Chia files (NCTxxxxxxxx_inc.txt / _exc.txt with their .ann)", path.display())]
    Empty { path: PathBuf },
}

/// Read the annotated texts of up to `limit` trials of a Chia directory (all
/// when `None`), in trial-id order. A `.txt` without its `.ann` is skipped.
pub fn load_dir(dir: &Path, limit: Option<usize>) -> Result<Vec<Document>, LoadError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LoadError::Io { path, source }
    };
    let mut stems: Vec<String> = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io(dir))? {
        let e = e.map_err(io(dir))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".txt")
            && (stem.ends_with("_inc") || stem.ends_with("_exc"))
            && dir.join(format!("{stem}.ann")).is_file()
        {
            stems.push(stem.to_string());
        }
    }
    stems.sort();
    let trial = |s: &str| trial_of(s).to_string();
    if let Some(n) = limit {
        let mut trials: Vec<String> = stems.iter().map(|s| trial(s)).collect();
        trials.dedup();
        trials.truncate(n);
        stems.retain(|s| trials.binary_search(&trial(s)).is_ok());
    }
    let mut docs = Vec::new();
    for stem in stems {
        let tp = dir.join(format!("{stem}.txt"));
        let ap = dir.join(format!("{stem}.ann"));
        let text = std::fs::read_to_string(&tp).map_err(io(&tp))?;
        let ann = std::fs::read_to_string(&ap).map_err(io(&ap))?;
        let gold = parse_ann(&text, &ann).map_err(|source| LoadError::Ann {
            path: ap.clone(),
            source,
        })?;
        docs.push(Document {
            id: stem,
            text,
            gold,
        });
    }
    if docs.is_empty() {
        return Err(LoadError::Empty {
            path: dir.to_path_buf(),
        });
    }
    Ok(docs)
}

/// Match counts of one entity type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub gold: usize,
    pub predicted: usize,
    pub exact: usize,
    pub overlap: usize,
}

impl Counts {
    pub fn add(&mut self, o: Counts) {
        self.gold += o.gold;
        self.predicted += o.predicted;
        self.exact += o.exact;
        self.overlap += o.overlap;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Precision, recall and F1 of one entity type.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Score {
    /// Overlap precision (the headline figure).
    pub precision: f64,
    /// Overlap recall.
    pub recall: f64,
    pub f1_exact: f64,
    pub f1_overlap: f64,
    /// Gold entities of the type.
    pub support: usize,
    pub precision_exact: f64,
    pub recall_exact: f64,
    pub predicted: usize,
}

impl From<Counts> for Score {
    fn from(c: Counts) -> Self {
        let (pe, re) = (ratio(c.exact, c.predicted), ratio(c.exact, c.gold));
        let (po, ro) = (ratio(c.overlap, c.predicted), ratio(c.overlap, c.gold));
        Score {
            precision: po,
            recall: ro,
            f1_exact: f1(pe, re),
            f1_overlap: f1(po, ro),
            support: c.gold,
            precision_exact: pe,
            recall_exact: re,
            predicted: c.predicted,
        }
    }
}

/// Count exact and (one-to-one) overlap matches of `pred` against `gold`, per type.
pub fn count(gold: &[Entity], pred: &[Entity]) -> BTreeMap<EntityType, Counts> {
    let mut out = BTreeMap::new();
    for t in EntityType::ALL {
        let mut g: Vec<&Entity> = gold.iter().filter(|e| e.kind == t).collect();
        let mut p: Vec<&Entity> = pred.iter().filter(|e| e.kind == t).collect();
        g.sort();
        g.dedup();
        p.sort();
        p.dedup();
        let exact = p.iter().filter(|e| g.binary_search(e).is_ok()).count();
        // Candidate pairs: exact first, then by overlap size.
        let mut pairs: Vec<(bool, usize, usize, usize)> = Vec::new();
        for (i, ge) in g.iter().enumerate() {
            for (j, pe) in p.iter().enumerate() {
                let o = ge.overlap(pe);
                if o > 0 {
                    pairs.push((ge == pe, o, i, j));
                }
            }
        }
        pairs.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then(a.2.cmp(&b.2))
                .then(a.3.cmp(&b.3))
        });
        let (mut gu, mut pu) = (vec![false; g.len()], vec![false; p.len()]);
        let mut overlap = 0;
        for (_, _, i, j) in pairs {
            if !gu[i] && !pu[j] {
                gu[i] = true;
                pu[j] = true;
                overlap += 1;
            }
        }
        out.insert(
            t,
            Counts {
                gold: g.len(),
                predicted: p.len(),
                exact,
                overlap,
            },
        );
    }
    out
}

/// Scores per type over a corpus.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Annotated texts scored.
    pub documents: usize,
    pub counts: BTreeMap<EntityType, Counts>,
}

impl Report {
    pub fn scores(&self) -> BTreeMap<EntityType, Score> {
        self.counts
            .iter()
            .map(|(k, c)| (*k, Score::from(*c)))
            .collect()
    }

    pub fn score(&self, t: EntityType) -> Score {
        Score::from(self.counts.get(&t).copied().unwrap_or_default())
    }

    /// Add another report's documents and counts (the folds of a cross-validation).
    pub fn add(&mut self, other: Report) {
        self.documents += other.documents;
        for (t, c) in other.counts {
            self.counts.entry(t).or_default().add(c);
        }
    }
}

/// Score an extractor over documents.
pub fn evaluate_with<'a>(
    docs: impl IntoIterator<Item = &'a Document>,
    extract: impl Fn(&str) -> Vec<Entity>,
) -> Report {
    let mut counts: BTreeMap<EntityType, Counts> = EntityType::ALL
        .iter()
        .map(|t| (*t, Counts::default()))
        .collect();
    let mut documents = 0;
    for d in docs {
        let pred = extract(&d.text);
        for (t, c) in count(&d.gold, &pred) {
            counts.entry(t).or_default().add(c);
        }
        documents += 1;
    }
    Report { documents, counts }
}

/// Split documents into `k` folds by trial (a trial's two texts stay
/// together), deterministically: the `t`-th trial in id order goes to fold `t mod k`.
pub fn folds(docs: &[Document], k: usize) -> Vec<usize> {
    let mut trials: Vec<&str> = docs.iter().map(Document::trial).collect();
    trials.sort_unstable();
    trials.dedup();
    docs.iter()
        .map(|d| trials.binary_search(&d.trial()).unwrap_or(0) % k.max(1))
        .collect()
}

/// Score the compiler's entity extraction ([`crate::entities::extract`]).
pub fn evaluate(docs: &[Document]) -> Report {
    evaluate_with(docs, crate::entities::extract)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_characters_converted_to_bytes() {
        let text = "µ ALT ≥ 3\nfoo";
        let ann = "T1\tMeasurement 2 5\tALT\nT2\tValue 6 9\t≥ 3\nR1\tHas_value Arg1:T1 Arg2:T2\t\n*\tOR T1 T2\nT3\tQualifier 0 1\tµ\n";
        let g = parse_ann(text, ann).unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(&text[g[0].fragments[0].0..g[0].fragments[0].1], "ALT");
        assert_eq!(&text[g[1].fragments[0].0..g[1].fragments[0].1], "≥ 3");
    }

    #[test]
    fn bad_lines_are_errors() {
        assert!(parse_ann("abc", "T1\tCondition 0 9\tabc").is_err());
        assert!(parse_ann("abc", "T1\tCondition x 2\tab").is_err());
        assert!(parse_ann("abc", "T1\tCondition").is_err());
        assert_eq!(
            parse_ann("abc", "T1\tCondition 0 1;2 3\ta c").unwrap()[0].fragments,
            vec![(0, 1), (2, 3)]
        );
    }
}
