//! A learned sequence tagger for the four concept classes (Condition, Drug,
//! Procedure, Measurement), trained on an annotated corpus (Chia).
//!
//! Why: the rules of [`crate::entities`] know word classes and the
//! vocabulary, but not the long tail of brand names and lab symbols, nor
//! which generic mentions ("medications", "blood products") annotators mark.
//! The tagger reads each word with its neighbours, its spelling (prefixes,
//! suffixes, shape), *what the rules said about it* and whether it starts or
//! continues a name of the drug list ([`crate::druglex`]), and labels the
//! line's words B-/I-class or O (a structured perceptron with averaged
//! weights, Viterbi decoding). The rules stay the first opinion; the tagger
//! learns when to trust them.
//!
//! The embedded model (`data/chia_tagger.bin`) is trained on the Chia
//! training trials not copied into `tests/data/chia`, which stay held out;
//! `eligo eval chia DIR --folds K` measures the method by cross-validation.
//! How to retrain it is in `data/README.md`.

use crate::annotation::{Entity, EntityType, Line, RuleView, Word};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The classes tagged, in label order: label `1 + 2c` is B-class `c`, `2 + 2c` is I-class `c`.
pub const CLASSES: [EntityType; 4] = [
    EntityType::Condition,
    EntityType::Drug,
    EntityType::Procedure,
    EntityType::Measurement,
];
const LABELS: usize = 1 + 2 * CLASSES.len();

/// Features whose weights all stay below this are dropped from the shipped
/// model: a quarter of the features, no loss in cross-validation.
pub const PRUNE: f32 = 2.0;

/// Training passes over the corpus (chosen by cross-validation).
pub const EPOCHS: usize = 5;

/// Added to each class's B- and I- scores when tagging (never in training),
/// in [`CLASSES`] order. Why: the perceptron leaves words it is unsure of
/// as O, so Drug and Procedure came out with precision well above recall;
/// shifting them trades one for the other. Chosen by 5-fold
/// cross-validation over the Chia training trials: overlap F1 Drug 0.775 →
/// 0.782, Procedure 0.655 → 0.667, Condition and Measurement within 0.001.
pub const CLASS_BIAS: [f32; CLASSES.len()] = [0.0, 6.0, 6.0, 0.0];

/// The format and feature-set version: a model trained with other features
/// would read but score nonsense, so each feature change bumps it.
const MAGIC: &[u8; 8] = b"ELIGTAG3";

/// A trained model: feature hash → one weight per label.
#[derive(Debug, Clone, Default)]
pub struct Tagger {
    weights: HashMap<u64, [f32; LABELS]>,
    pub(crate) trained_on: Vec<String>,
}

/// An error reading a model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("tagger model: {0}")]
pub struct ModelError(String);

fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x100000001b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    h
}

/// The shape of a word: runs of upper (`X`), lower (`x`), digits (`d`) and other (`-`).
fn shape(w: &str) -> String {
    let mut out = String::new();
    for c in w.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            '-'
        };
        if !out.ends_with(s) {
            out.push(s);
        }
    }
    out
}

fn label_name(l: usize) -> &'static str {
    const N: [&str; LABELS] = ["O", "BC", "IC", "BD", "ID", "BP", "IP", "BM", "IM"];
    N[l]
}

fn prefix(w: &str, n: usize) -> &str {
    match w.char_indices().nth(n) {
        Some((i, _)) => &w[..i],
        None => w,
    }
}

fn suffix(w: &str, n: usize) -> &str {
    let c = w.chars().count();
    if c <= n {
        return w;
    }
    let (i, _) = w.char_indices().nth(c - n).expect("within the word");
    &w[i..]
}

/// The features of word `i` of a line (without the previous-label ones).
fn features(line: &str, ws: &[Word], rv: &RuleView, i: usize, out: &mut Vec<u64>) {
    out.clear();
    let lw = |j: isize| -> &str {
        if j < 0 {
            "<s>"
        } else {
            ws.get(j as usize).map_or("</s>", |w| w.lower.as_str())
        }
    };
    let rl = |j: isize| -> &str {
        if j < 0 {
            "<s>"
        } else {
            rv.label.get(j as usize).copied().unwrap_or("</s>")
        }
    };
    let i_ = i as isize;
    let w0 = lw(i_);
    let raw = &line[ws[i].s..ws[i].e];
    out.push(fnv(&["bias"]));
    out.push(fnv(&["w0", w0]));
    out.push(fnv(&["w-1", lw(i_ - 1)]));
    out.push(fnv(&["w+1", lw(i_ + 1)]));
    out.push(fnv(&["w-2", lw(i_ - 2)]));
    out.push(fnv(&["w+2", lw(i_ + 2)]));
    out.push(fnv(&["w-1w0", lw(i_ - 1), w0]));
    out.push(fnv(&["w0w+1", w0, lw(i_ + 1)]));
    for n in [2, 3, 4] {
        out.push(fnv(&["p", &n.to_string(), prefix(w0, n)]));
        out.push(fnv(&["s", &n.to_string(), suffix(w0, n)]));
    }
    let sh = shape(raw);
    out.push(fnv(&["sh", &sh]));
    out.push(fnv(&["len", &raw.chars().count().min(12).to_string()]));
    out.push(fnv(&["r0", rl(i_)]));
    out.push(fnv(&["r-1", rl(i_ - 1)]));
    out.push(fnv(&["r+1", rl(i_ + 1)]));
    out.push(fnv(&["r0w0", rl(i_), w0]));
    out.push(fnv(&["r-1r0r+1", rl(i_ - 1), rl(i_), rl(i_ + 1)]));
    if let Some(k) = rv.concept[i] {
        out.push(fnv(&["vocab", k.name()]));
    }
    // The punctuation right before and after the word.
    let before = if i == 0 {
        line[..ws[i].s].trim()
    } else {
        line[ws[i - 1].e..ws[i].s].trim()
    };
    let after = match ws.get(i + 1) {
        Some(n) => line[ws[i].e..n.s].trim(),
        None => line[ws[i].e..].trim(),
    };
    out.push(fnv(&["gb", prefix(before, 2)]));
    out.push(fnv(&["ga", prefix(after, 2)]));
    out.push(fnv(&["w-3", lw(i_ - 3)]));
    out.push(fnv(&["w+3", lw(i_ + 3)]));
    out.push(fnv(&["s3-1", suffix(lw(i_ - 1), 3)]));
    out.push(fnv(&["s3+1", suffix(lw(i_ + 1), 3)]));
    out.push(fnv(&["r-2", rl(i_ - 2)]));
    out.push(fnv(&["r+2", rl(i_ + 2)]));
    out.push(fnv(&["r0sh", rl(i_), &sh]));
    out.push(fnv(&["w-2w-1", lw(i_ - 2), lw(i_ - 1)]));
    out.push(fnv(&["w+1w+2", lw(i_ + 1), lw(i_ + 2)]));
    out.push(fnv(&["w-1w+1", lw(i_ - 1), lw(i_ + 1)]));
    let pos = if i == 0 {
        "first"
    } else if i + 1 == ws.len() {
        "last"
    } else {
        "mid"
    };
    out.push(fnv(&["pos", pos]));
    match rv.drug_name.get(i).copied().unwrap_or(0) {
        1 => {
            out.push(fnv(&["dnB"]));
            out.push(fnv(&["dnBr", rl(i_)]));
            out.push(fnv(&["dnBw+1", lw(i_ + 1)]));
            out.push(fnv(&["dnBr+1", rl(i_ + 1)]));
            out.push(fnv(&["dnBw-1", lw(i_ - 1)]));
        }
        2 => out.push(fnv(&["dnI"])),
        _ => {}
    }
    if rv.drug_name.get(i + 1) == Some(&1) {
        out.push(fnv(&["dn+1"]));
    }
    out.push(fnv(&["raw", raw]));
}

/// The weights of one feature, if it has any.
fn add(weights: &HashMap<u64, [f32; LABELS]>, f: u64, into: &mut [f32; LABELS]) {
    if let Some(w) = weights.get(&f) {
        for l in 0..LABELS {
            into[l] += w[l];
        }
    }
}

/// The transition feature from label `p` (`LABELS` stands for the line start).
fn transition(p: usize) -> u64 {
    fnv(&["t", if p == LABELS { "<s>" } else { label_name(p) }])
}

/// An I- label only continues its own class.
fn allowed(prev: usize, l: usize) -> bool {
    l == 0 || l % 2 == 1 || prev == l || prev == l - 1
}

/// The best label sequence (Viterbi over word scores and label transitions).
fn viterbi(weights: &HashMap<u64, [f32; LABELS]>, emit: &[[f32; LABELS]]) -> Vec<usize> {
    let n = emit.len();
    if n == 0 {
        return Vec::new();
    }
    let mut trans = [[0f32; LABELS]; LABELS + 1];
    for (p, t) in trans.iter_mut().enumerate() {
        add(weights, transition(p), t);
    }
    let mut score = vec![[f32::NEG_INFINITY; LABELS]; n];
    let mut back = vec![[0usize; LABELS]; n];
    for l in 0..LABELS {
        if allowed(0, l) {
            score[0][l] = emit[0][l] + trans[LABELS][l];
        }
    }
    for i in 1..n {
        for l in 0..LABELS {
            for p in 0..LABELS {
                if !allowed(p, l) || score[i - 1][p] == f32::NEG_INFINITY {
                    continue;
                }
                let v = score[i - 1][p] + trans[p][l] + emit[i][l];
                if v > score[i][l] {
                    score[i][l] = v;
                    back[i][l] = p;
                }
            }
        }
    }
    let mut l = (0..LABELS)
        .max_by(|&a, &b| score[n - 1][a].total_cmp(&score[n - 1][b]))
        .unwrap_or(0);
    let mut out = vec![0; n];
    for i in (0..n).rev() {
        out[i] = l;
        l = back[i][l];
    }
    out
}

fn emissions(
    weights: &HashMap<u64, [f32; LABELS]>,
    line: &Line,
    feats: &mut Vec<Vec<u64>>,
) -> Vec<[f32; LABELS]> {
    feats.resize_with(line.words.len(), Vec::new);
    (0..line.words.len())
        .map(|i| {
            features(line.text, &line.words, &line.rules, i, &mut feats[i]);
            let mut e = [0f32; LABELS];
            for &f in &feats[i] {
                add(weights, f, &mut e);
            }
            e
        })
        .collect()
}

/// The gold labels of a line's words: the longer entity first, a word labelled once.
pub(crate) fn gold_labels(ws: &[Word], gold: &[Entity]) -> Vec<usize> {
    let mut labels = vec![0usize; ws.len()];
    let mut ents: Vec<(usize, usize, usize)> = gold
        .iter()
        .filter_map(|g| {
            let c = CLASSES.iter().position(|&k| k == g.kind)?;
            let (a, b) = g.fragments[0];
            let i = ws.iter().position(|w| w.s >= a && w.e <= b)?;
            let j = ws.iter().rposition(|w| w.s >= a && w.e <= b)?;
            (j >= i).then_some((c, i, j))
        })
        .collect();
    ents.sort_by_key(|&(_, i, j)| std::cmp::Reverse(j - i));
    let mut taken = vec![false; ws.len()];
    for (c, i, j) in ents {
        if taken[i..=j].iter().any(|&t| t) {
            continue;
        }
        for (k, l) in labels.iter_mut().enumerate().take(j + 1).skip(i) {
            *l = if k == i { 1 + 2 * c } else { 2 + 2 * c };
            taken[k] = true;
        }
    }
    labels
}

impl Tagger {
    /// The model embedded in eligo (trained on Chia; see the module docs).
    pub fn embedded() -> &'static Tagger {
        static T: OnceLock<Tagger> = OnceLock::new();
        T.get_or_init(|| {
            Tagger::from_bytes(include_bytes!("../data/chia_tagger.bin"))
                .expect("the embedded tagger model reads (tested)")
        })
    }

    /// Features with weights.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Label the words of a line; returns (class, first word, last word) chunks.
    pub(crate) fn tag(&self, line: &Line) -> Vec<(EntityType, usize, usize)> {
        let mut feats = Vec::new();
        let mut emit = emissions(&self.weights, line, &mut feats);
        for e in &mut emit {
            for (c, b) in CLASS_BIAS.iter().enumerate() {
                e[1 + 2 * c] += b;
                e[2 + 2 * c] += b;
            }
        }
        chunks(&viterbi(&self.weights, &emit))
    }

    /// Train on annotated lines for `epochs` passes (a structured perceptron
    /// with averaged weights).
    pub(crate) fn train(lines: &[(Line, Vec<usize>)], epochs: usize) -> Tagger {
        struct Acc {
            w: [f32; LABELS],
            total: [f64; LABELS],
            stamp: [u32; LABELS],
        }
        let mut acc: HashMap<u64, Acc> = HashMap::new();
        let mut current: HashMap<u64, [f32; LABELS]> = HashMap::new();
        let mut update =
            |f: u64, l: usize, d: f32, step: u32, current: &mut HashMap<u64, [f32; LABELS]>| {
                let a = acc.entry(f).or_insert(Acc {
                    w: [0.0; LABELS],
                    total: [0.0; LABELS],
                    stamp: [0; LABELS],
                });
                a.total[l] += f64::from(step - a.stamp[l]) * f64::from(a.w[l]);
                a.stamp[l] = step;
                a.w[l] += d;
                current.insert(f, a.w);
            };
        let mut step: u32 = 0;
        let mut order: Vec<usize> = (0..lines.len()).collect();
        let mut seed: u64 = 0x9e3779b97f4a7c15;
        let mut feats = Vec::new();
        for _ in 0..epochs {
            // A fixed shuffle per epoch (xorshift), so training is reproducible.
            for i in (1..order.len()).rev() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                order.swap(i, (seed % (i as u64 + 1)) as usize);
            }
            for &li in &order {
                let (line, gold) = &lines[li];
                step += 1;
                let emit = emissions(&current, line, &mut feats);
                let guess = viterbi(&current, &emit);
                if guess == *gold {
                    continue;
                }
                for i in 0..gold.len() {
                    if guess[i] != gold[i] {
                        for &f in &feats[i] {
                            update(f, gold[i], 1.0, step, &mut current);
                            update(f, guess[i], -1.0, step, &mut current);
                        }
                    }
                    let (gp, pp) = if i == 0 {
                        (LABELS, LABELS)
                    } else {
                        (gold[i - 1], guess[i - 1])
                    };
                    if (gp, gold[i]) != (pp, guess[i]) {
                        update(transition(gp), gold[i], 1.0, step, &mut current);
                        update(transition(pp), guess[i], -1.0, step, &mut current);
                    }
                }
            }
        }
        let weights = acc
            .into_iter()
            .map(|(f, a)| {
                let w: [f32; LABELS] = std::array::from_fn(|l| {
                    let total = a.total[l] + f64::from(step - a.stamp[l]) * f64::from(a.w[l]);
                    (total / f64::from(step.max(1))) as f32
                });
                (f, w)
            })
            .filter(|(_, w)| w.iter().any(|x| x.abs() > 1e-5))
            .collect();
        Tagger {
            weights,
            trained_on: Vec::new(),
        }
    }

    /// The trials (Chia ids) the model was trained on.
    pub fn trained_on(&self) -> &[String] {
        &self.trained_on
    }

    /// Drop features whose every weight is below `min` in magnitude.
    pub fn prune(&mut self, min: f32) {
        self.weights.retain(|_, w| w.iter().any(|x| x.abs() >= min));
    }

    /// The model as bytes (little-endian): magic; the trial ids trained on
    /// (length-prefixed, one a line); the weight scale; the feature count;
    /// per feature its hash and one `i16` weight per label.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut rows: Vec<_> = self.weights.iter().collect();
        rows.sort_by_key(|(k, _)| **k);
        let ids = self.trained_on.join("\n");
        let max = rows
            .iter()
            .flat_map(|(_, w)| w.iter())
            .fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 {
            max / f32::from(i16::MAX)
        } else {
            1.0
        };
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&(ids.len() as u32).to_le_bytes());
        out.extend_from_slice(ids.as_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
        for (k, w) in rows {
            out.extend_from_slice(&k.to_le_bytes());
            for x in w {
                out.extend_from_slice(&((x / scale).round() as i16).to_le_bytes());
            }
        }
        out
    }

    /// Read a model written by [`Tagger::to_bytes`].
    pub fn from_bytes(b: &[u8]) -> Result<Tagger, ModelError> {
        let err = |m: &str| ModelError(m.to_string());
        let mut rest = b
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| err("not an eligo tagger model (bad magic)"))?;
        let mut take = |n: usize| -> Result<&[u8], ModelError> {
            if rest.len() < n {
                return Err(err("truncated"));
            }
            let (a, r) = rest.split_at(n);
            rest = r;
            Ok(a)
        };
        let u32_at = |x: &[u8]| u32::from_le_bytes(x.try_into().expect("4 bytes")) as usize;
        let n_ids = u32_at(take(4)?);
        let ids = std::str::from_utf8(take(n_ids)?).map_err(|_| err("trial ids are not UTF-8"))?;
        let trained_on = ids.lines().map(str::to_string).collect();
        let scale = f32::from_le_bytes(take(4)?.try_into().expect("4 bytes"));
        let n = u32_at(take(4)?);
        let row = 8 + 2 * LABELS;
        let body = take(
            n.checked_mul(row)
                .ok_or_else(|| err("feature count overflows"))?,
        )?;
        if take(1).is_ok() {
            return Err(err("bytes after the last feature"));
        }
        let mut weights = HashMap::with_capacity(n);
        for r in body.chunks_exact(row) {
            let k = u64::from_le_bytes(r[..8].try_into().expect("8 bytes"));
            let mut w = [0f32; LABELS];
            for (l, x) in w.iter_mut().enumerate() {
                let q = i16::from_le_bytes(r[8 + 2 * l..10 + 2 * l].try_into().expect("2 bytes"));
                *x = f32::from(q) * scale;
            }
            weights.insert(k, w);
        }
        Ok(Tagger {
            weights,
            trained_on,
        })
    }
}

fn chunks(labels: &[usize]) -> Vec<(EntityType, usize, usize)> {
    let mut out: Vec<(EntityType, usize, usize)> = Vec::new();
    let mut open: Option<(usize, usize)> = None; // (class, start)
    for (i, &l) in labels.iter().enumerate() {
        let cont = l != 0 && l % 2 == 0 && open.is_some_and(|(c, _)| 2 + 2 * c == l);
        if !cont && let Some((c, s)) = open.take() {
            out.push((CLASSES[c], s, i - 1));
        }
        if l != 0 && !cont {
            open = Some(((l - 1) / 2, i));
        }
    }
    if let Some((c, s)) = open {
        out.push((CLASSES[c], s, labels.len() - 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_follow_bio() {
        // O B-D I-D B-C O I-M (a stray I starts a chunk of its own)
        let c = chunks(&[0, 3, 4, 1, 0, 8]);
        assert_eq!(
            c,
            vec![
                (EntityType::Drug, 1, 2),
                (EntityType::Condition, 3, 3),
                (EntityType::Measurement, 5, 5)
            ]
        );
    }

    #[test]
    fn model_bytes_round_trip_and_refuse_damage() {
        let mut t = Tagger::default();
        t.weights
            .insert(7, [0.5, -1.25, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0]);
        t.trained_on = vec!["NCT1".into(), "NCT2".into()];
        let b = t.to_bytes();
        let back = Tagger::from_bytes(&b).unwrap();
        // Weights come back to within half a quantisation step (2/32767 here).
        for (x, y) in back.weights[&7].iter().zip(&t.weights[&7]) {
            assert!((x - y).abs() <= 2.0 / 32767.0, "{x} vs {y}");
        }
        assert_eq!(back.trained_on, t.trained_on);
        let mut longer = b.clone();
        longer.push(0);
        assert!(Tagger::from_bytes(&longer).is_err());
        assert!(Tagger::from_bytes(&b[..b.len() - 1]).is_err());
        assert!(Tagger::from_bytes(b"nonsense").is_err());
    }
}
