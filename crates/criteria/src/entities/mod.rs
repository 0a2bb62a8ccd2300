//! Entity extraction as the compiler sees it (Condition, Drug, Procedure,
//! Measurement, Value, Temporal, Negation).
//!
//! Two sources, both data:
//! - the **concept vocabulary** (`eligo_vocab`): every synonym the compiler
//!   recognises (one Aho-Corasick automaton, the same as the compiler's;
//!   alternatives distributed as in "active or latent tuberculosis"); these
//!   mentions carry the concept key;
//! - the **term cues** (`eligo_vocab::terms`, `data/terms.json`): head nouns
//!   ("disease", "inhibitors", "surgery", "count"), word endings (INN/USAN
//!   stems `-mab`, `-pril`; medical suffixes `-itis`, `-ectomy`), with the
//!   noun phrase they end (never across qualifiers, time words or function
//!   words); and the phrase right before a comparison ("Karnofsky status
//!   > 60") as a measurement.
//!
//! Values (comparisons, ranges, results), temporal expressions (windows,
//! anchors, "history", "current") and negations are read by general
//! patterns. Offsets are byte offsets into the text given; the text is read
//! line by line (a criterion never spans lines here).

use crate::annotation::{Entity, EntityType, Line, RuleView, Word};
use crate::lexicon::{self, Target};
use crate::normalize::normalize;
use crate::patterns;
use crate::tagger::Tagger;
use eligo_vocab::{TermClass, terms};
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// An entity found in text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    pub kind: EntityType,
    /// Byte range `[start, end)` in the text.
    pub start: usize,
    pub end: usize,
    /// The vocabulary key, when a concept of the vocabulary was recognised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concept: Option<String>,
}

/// The entities of `text`, as [`crate::chia`] scores them.
pub fn extract(text: &str) -> Vec<Entity> {
    extract_with(text, Some(Tagger::embedded()))
}

/// The entities of `text` found by the rules and, when given, a trained tagger.
pub fn extract_with(text: &str, tagger: Option<&Tagger>) -> Vec<Entity> {
    find_with(text, tagger)
        .into_iter()
        .map(|f| Entity::new(f.kind, f.start, f.end))
        .collect()
}

/// The entities of `text`, sorted by position, with their concept keys.
pub fn find(text: &str) -> Vec<Found> {
    find_with(text, Some(Tagger::embedded()))
}

/// [`find`] with a chosen tagger (`None`: the rules alone). With a tagger,
/// the four concept classes are the tagger's reading of the words given
/// the rules' opinion of them; values, temporal expressions and negations
/// are the rules'.
pub fn find_with(text: &str, tagger: Option<&Tagger>) -> Vec<Found> {
    let mut out = Vec::new();
    for (base, body) in nonblank_lines(text) {
        let (norm, toks) = read(body);
        let rules = find_line(&norm, &toks);
        let mut found = match tagger {
            None => rules,
            Some(tg) => {
                let line = view(base, body, &norm, toks, &rules);
                let mut f: Vec<Found> = tg
                    .tag(&line)
                    .into_iter()
                    .map(|(kind, i, j)| {
                        let (s, e) = (line.words[i].s, line.words[j].e);
                        let concept = rules
                            .iter()
                            .find(|r| r.kind == kind && r.start == s && r.end == e)
                            .and_then(|r| r.concept.clone());
                        Found {
                            kind,
                            start: s,
                            end: e,
                            concept,
                        }
                    })
                    .collect();
                f.extend(rules.into_iter().filter(|r| {
                    matches!(
                        r.kind,
                        EntityType::Value | EntityType::Temporal | EntityType::Negation
                    )
                }));
                f.sort_by_key(|f| (f.start, f.end));
                f
            }
        };
        for f in found.iter_mut() {
            f.start += base;
            f.end += base;
        }
        out.extend(found);
    }
    out
}

/// The non-blank lines of `text` (without their line ends), each with the
/// byte offset where it starts.
fn nonblank_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n')
        .scan(0, |base, line| {
            let start = *base;
            *base += line.len();
            Some((start, line.trim_end_matches(['\n', '\r'])))
        })
        .filter(|(_, body)| !body.trim().is_empty())
}

/// A line normalised for recognition, and its tokens (normalised offsets).
fn read(body: &str) -> (crate::Normalized, Vec<Tok>) {
    let norm = normalize(body);
    let toks = tokens(&norm.text);
    (norm, toks)
}

/// A line as the tagger sees it: its words (source offsets) and the rules' labels of them.
fn view<'a>(
    base: usize,
    body: &'a str,
    norm: &crate::Normalized,
    toks: Vec<Tok>,
    rules: &[Found],
) -> Line<'a> {
    let words: Vec<Word> = toks
        .into_iter()
        .map(|t| {
            let (s, e) = norm.source_span(t.s, t.e);
            Word {
                s,
                e,
                lower: t.lower,
            }
        })
        .collect();
    let mut rules = rule_view(&words, rules);
    rules.drug_name = crate::druglex::mark(body, &words);
    Line {
        base,
        text: body,
        words,
        rules,
    }
}

/// The non-blank lines of `text`, each with its words and the rules'
/// entities (spans relative to the line), for training.
pub(crate) fn lines(text: &str) -> Vec<(Line<'_>, Vec<Found>)> {
    nonblank_lines(text)
        .map(|(base, body)| {
            let (norm, toks) = read(body);
            let rules = find_line(&norm, &toks);
            (view(base, body, &norm, toks, &rules), rules)
        })
        .collect()
}

/// Per entity type (in [`EntityType::ALL`] order): the B- and I- labels.
const RULE_LABELS: [[&str; 2]; 7] = [
    ["B-Condition", "I-Condition"],
    ["B-Drug", "I-Drug"],
    ["B-Procedure", "I-Procedure"],
    ["B-Measurement", "I-Measurement"],
    ["B-Value", "I-Value"],
    ["B-Temporal", "I-Temporal"],
    ["B-Negation", "I-Negation"],
];

/// The rules' label of every word: the shortest rule entity holding it.
fn rule_view(words: &[Word], rules: &[Found]) -> RuleView {
    let mut v = RuleView::default();
    for w in words {
        let hit = rules
            .iter()
            .filter(|f| f.start <= w.s && w.e <= f.end)
            .min_by_key(|f| f.end - f.start);
        v.label.push(hit.map_or("", |f| {
            let k = EntityType::ALL
                .iter()
                .position(|&k| k == f.kind)
                .unwrap_or(0);
            RULE_LABELS[k][usize::from(f.start != w.s)]
        }));
        v.concept
            .push(hit.filter(|f| f.concept.is_some()).map(|f| f.kind));
    }
    v
}

#[derive(Debug, Clone)]
struct Tok {
    s: usize,
    e: usize,
    lower: String,
}

re!(
    token_re,
    r"[A-Za-z0-9\u{80}-\u{10FFFF}]+(?:['\-][A-Za-z0-9\u{80}-\u{10FFFF}]+)*"
);

fn tokens(t: &str) -> Vec<Tok> {
    token_re()
        .find_iter(t)
        .map(|m| Tok {
            s: m.start(),
            e: m.end(),
            lower: m.as_str().to_lowercase(),
        })
        .collect()
}

#[derive(Debug, Clone)]
struct Cand {
    kind: EntityType,
    s: usize,
    e: usize,
    prio: u8,
    concept: Option<String>,
    /// For a cue phrase: where its head word is.
    head: Option<(usize, usize)>,
}

fn kind_of(t: &Target) -> (EntityType, String) {
    match t {
        Target::Condition(k) => (EntityType::Condition, k.clone()),
        Target::Procedure(k) => (EntityType::Procedure, k.clone()),
        Target::Analyte(k) => (EntityType::Measurement, k.clone()),
        Target::Medication(k) => (EntityType::Drug, k.clone()),
        Target::Vaccine(k) => (EntityType::Drug, format!("{k:?}").to_lowercase()),
        Target::Instrument(i) => (EntityType::Measurement, format!("{i:?}").to_lowercase()),
    }
}

fn class(kind: EntityType) -> &'static TermClass {
    let t = terms();
    match kind {
        EntityType::Condition => &t.condition,
        EntityType::Drug => &t.drug,
        EntityType::Procedure => &t.procedure,
        _ => &t.measurement,
    }
}

const CONCEPT_KINDS: [EntityType; 4] = [
    EntityType::Condition,
    EntityType::Procedure,
    EntityType::Drug,
    EntityType::Measurement,
];

/// Words that never belong to a concept's name.
fn blocked(w: &str) -> bool {
    let t = terms();
    t.stopwords.contains(w)
        || t.qualifiers.contains(w)
        || t.temporal_words.contains(w)
        || w.chars().all(|c| c.is_ascii_digit())
}

/// The class a word heads, if any (singular form tried for plurals).
fn head_kind(w: &str) -> Option<EntityType> {
    if blocked(w) {
        return None;
    }
    let sing = w.strip_suffix('s').filter(|s| s.len() >= 3);
    CONCEPT_KINDS.into_iter().find(|&k| {
        let c = class(k);
        c.is_head(w) || sing.is_some_and(|s| c.heads.contains(s))
    })
}

/// The class the word at `i` heads: "beta-blockers" by its last part,
/// "immunodeficiency" by a head word it ends in, "folic acid" (an "-ic" acid).
fn head_kind_at(toks: &[Tok], i: usize, w: &str) -> Option<EntityType> {
    if blocked(w) {
        return None;
    }
    if matches!(w, "acid" | "acids") {
        return (i > 0 && toks[i - 1].lower.ends_with("ic")).then_some(EntityType::Drug);
    }
    if let Some(k) = head_kind(w) {
        return Some(k);
    }
    if let Some((_, last)) = w.rsplit_once('-')
        && last.len() >= 4
        && let Some(k) = head_kind(last)
    {
        return Some(k);
    }
    CONCEPT_KINDS.into_iter().find(|&k| {
        class(k)
            .heads
            .iter()
            .any(|h| h.len() >= 7 && w.len() > h.len() + 2 && w.ends_with(h.as_str()))
    })
}

/// A word that names a drug (not a class word such as "drug" or "agents").
fn drug_name(w: &str) -> bool {
    let d = &terms().drug;
    !blocked(w) && !d.generic.contains(w) && d.is_head(w)
}

/// The word before the conjunction at `c` ("drug or", "drug and/or").
fn alternative_before(t: &str, toks: &[Tok], c: usize) -> Option<usize> {
    let mut c = c;
    if toks[c].lower == "or"
        && c >= 1
        && toks[c - 1].lower == "and"
        && t[toks[c - 1].e..toks[c].s].trim() == "/"
    {
        c -= 1;
    }
    (c >= 1 && t[toks[c - 1].e..toks[c].s].trim().is_empty()).then(|| c - 1)
}

/// The class of an abbreviation written exactly so ("COPD").
fn abbreviation(word: &str) -> Option<EntityType> {
    CONCEPT_KINDS
        .into_iter()
        .find(|&k| class(k).is_abbreviation(word))
}

/// Only spaces (or a hyphen) between two tokens: they belong to one phrase.
fn joined(t: &str, a: &Tok, b: &Tok) -> bool {
    let gap = &t[a.e..b.s];
    gap.chars().all(|c| c == ' ' || c == '-') && gap.len() <= 2
}

fn find_line(norm: &crate::Normalized, toks: &[Tok]) -> Vec<Found> {
    let t = norm.text.as_str();
    let mut cands: Vec<Cand> = Vec::new();

    // 1. Concepts of the vocabulary.
    let mut ms = lexicon::mentions(t);
    patterns::distribute(t, &mut ms);
    for m in ms {
        let (mut kind, key) = kind_of(&m.target);
        // "vaccination", "immunization": the act, not the product.
        let word = t[m.start..m.end].to_ascii_lowercase();
        // Breast-feeding is a behaviour (an observation), not a condition;
        // "become pregnant" is an intention, not a state.
        if word.starts_with("breast") && word.ends_with("feeding")
            || kind == EntityType::Condition && future_re().is_match(&t[..m.start])
        {
            continue;
        }
        if kind == EntityType::Drug
            && (word.ends_with("vaccination") || word.ends_with("immunization"))
        {
            kind = EntityType::Procedure;
        }
        cands.push(Cand {
            kind,
            s: m.start,
            e: m.end,
            prio: 3,
            concept: Some(key),
            head: None,
        });
    }

    // 2. Noun phrases ended by a head word or a marked ending. A phrase is a
    // run of adjacent words none of which is a function, time or qualifier
    // word; its last head names its class ("HIV infection", "alcohol abuse",
    // "hepatitis B vaccine", "pregnancy test").
    let heads: Vec<Option<EntityType>> = toks
        .iter()
        .enumerate()
        .map(|(i, tk)| {
            // "ASA" is the anaesthetists' score only with a class or a grade
            // after it ("ASA class II", "ASA 1-3"); otherwise it is aspirin.
            if &t[tk.s..tk.e] == "ASA"
                && !asa_score_re().is_match(&t[tk.e..])
                && !t[..tk.s].to_lowercase().contains("anesth")
            {
                return Some(EntityType::Drug);
            }
            head_kind_at(toks, i, &tk.lower).or_else(|| abbreviation(&t[tk.s..tk.e]))
        })
        .collect();
    let mut i = 0;
    while i < toks.len() {
        if blocked(&toks[i].lower) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < toks.len()
            && joined(t, &toks[j], &toks[j + 1])
            && !blocked(&toks[j + 1].lower)
        {
            j += 1;
        }
        // Within the run [i, j]: phrases end at a head not followed by another head.
        let mut from = i;
        let mut k = i;
        while k <= j {
            if let Some(kind) = heads[k] {
                let mut last = k;
                while last < j && heads[last + 1].is_some() {
                    last += 1;
                }
                let kind = heads[last].unwrap_or(kind);
                let mut s = from.max(k.saturating_sub(3));
                // "type 2 diabetes": a type number belongs to the name.
                if s >= 2
                    && s == from
                    && toks[s - 1].lower.chars().all(|c| c.is_ascii_digit())
                    && matches!(
                        toks[s - 2].lower.as_str(),
                        "type" | "stage" | "grade" | "class"
                    )
                    && joined(t, &toks[s - 2], &toks[s - 1])
                    && joined(t, &toks[s - 1], &toks[s])
                {
                    s -= 2;
                }
                // "study drug", "investigational product": the trial's own intervention.
                let own = kind == EntityType::Drug
                    && (toks[s].lower == "investigational"
                        || s == last
                            && s > 0
                            && matches!(
                                toks[s - 1].lower.as_str(),
                                "study" | "trial" | "protocol" | "investigational"
                            ));
                // "treatment", "tests" alone name nothing.
                let bare = s == last && class(kind).not_alone.contains(&toks[s].lower);
                if !own && !bare {
                    cands.push(Cand {
                        kind,
                        s: toks[s].s,
                        e: toks[last].e,
                        prio: 2,
                        concept: None,
                        head: Some((toks[last].s, toks[last].e)),
                    });
                }
                // "cardiac or renal disease", "drug or alcohol abuse": the first
                // alternative shares the head.
                if kind == EntityType::Condition
                    && s == from
                    && s == i
                    && s >= 2
                    && matches!(toks[s - 1].lower.as_str(), "or" | "and")
                    && let Some(a) = alternative_before(t, toks, s - 1)
                    && !blocked(&toks[a].lower)
                    && heads[a] != Some(EntityType::Condition)
                {
                    cands.push(Cand {
                        kind,
                        s: toks[a].s,
                        e: toks[a].e,
                        prio: 3,
                        concept: None,
                        head: Some((toks[a].s, toks[a].e)),
                    });
                }
                from = last + 1;
                k = last + 1;
            } else {
                k += 1;
            }
        }
        i = j + 1;
    }

    // 3. What one is allergic or hypersensitive to is a substance: the noun
    // phrases listed after "allergy to", "hypersensitivity to".
    for m in allergy_re().find_iter(t) {
        let mut i = toks.partition_point(|tk| tk.s < m.end());
        let mut start: Option<usize> = None;
        while i < toks.len() {
            let w = toks[i].lower.as_str();
            let own = matches!(w, "study" | "trial" | "investigational");
            let ok = own || !blocked(w);
            if ok && start.is_none() {
                start = Some(i);
            }
            let next_joined = i + 1 < toks.len() && joined(t, &toks[i], &toks[i + 1]);
            let next_ok = next_joined && {
                let n = toks[i + 1].lower.as_str();
                matches!(n, "study" | "trial" | "investigational") || !blocked(n)
            };
            if let Some(st) = start
                && (!next_ok || i + 1 - st >= 4)
            {
                // A phrase that ends in an adjective or a participle ("oral",
                // "injected") names no substance.
                let lw = toks[i].lower.as_str();
                let adjective = ["al", "ic", "ed", "ing", "ous", "ive", "ent"]
                    .iter()
                    .any(|x| lw.ends_with(x))
                    && !drug_name(lw);
                if ok && !adjective {
                    cands.push(Cand {
                        kind: EntityType::Drug,
                        s: toks[st].s,
                        e: toks[i].e,
                        prio: 1,
                        concept: None,
                        head: None,
                    });
                }
                start = None;
                // Another item of the list, or the end of it.
                let gap = toks.get(i + 1).map_or("", |n| &t[toks[i].e..n.s]);
                let sep = gap.trim();
                let conj = toks
                    .get(i + 1)
                    .is_some_and(|n| matches!(n.lower.as_str(), "or" | "and"));
                if !(sep == "," || sep == "/" || sep.is_empty() && conj) {
                    break;
                }
                i += 1;
                if conj {
                    i += 1;
                }
                continue;
            }
            if !ok {
                break;
            }
            i += 1;
        }
    }

    // "gestational age", "bone age": an age that is measured.
    for m in measured_age_re().find_iter(t) {
        cands.push(Cand {
            kind: EntityType::Measurement,
            s: m.start(),
            e: m.end(),
            prio: 2,
            concept: None,
            head: None,
        });
    }

    // 4. Values, and the phrase measured right before a comparison.
    let values = values(t);
    for &(vs, _) in &values {
        if let Some((s, e)) = measured_before(t, toks, vs) {
            cands.push(Cand {
                kind: EntityType::Measurement,
                s,
                e,
                prio: 1,
                concept: None,
                head: None,
            });
        }
    }

    let mut out: Vec<Found> = Vec::new();
    let mut resolved = resolve(cands);
    // "HIV positive", "positive for hepatitis B": the test of the condition.
    for c in resolved.iter_mut() {
        if c.kind == EntityType::Condition
            && (result_after_re().is_match(&t[c.e..]) || result_before_re().is_match(&t[..c.s]))
        {
            c.kind = EntityType::Measurement;
        }
        // "stenosis > 50%", "proteinuria of more than 1 g/L": a finding
        // given a laboratory value is measured.
        if c.kind == EntityType::Condition
            && let Some(m) = link_re().find(&t[c.e..])
            && lab_value_re().is_match(&t[c.e + m.end()..])
        {
            c.kind = EntityType::Measurement;
        }
    }
    // A drug named inside a phrase of another class ("pregabalin treatment",
    // "aspirin-induced asthma", "warfarin allergy") is a drug mention too.
    let mut nested: Vec<Cand> = Vec::new();
    for c in &resolved {
        if c.kind == EntityType::Drug {
            continue;
        }
        for tk in toks.iter().filter(|tk| tk.s >= c.s && tk.e <= c.e) {
            if c.head.is_some_and(|h| h.0 == tk.s) {
                continue;
            }
            // "antiplatelet therapy", "antiviral treatment": a class adjective
            // of a procedure names no drug of its own.
            if c.kind == EntityType::Procedure && tk.lower.starts_with("anti") {
                continue;
            }
            let first = tk.lower.split('-').next().unwrap_or("");
            let (w, e) = if drug_name(&tk.lower) {
                (tk.lower.as_str(), tk.e)
            } else if first.len() < tk.lower.len() && drug_name(first) {
                (first, tk.s + first.len())
            } else {
                continue;
            };
            let _ = w;
            nested.push(Cand {
                kind: EntityType::Drug,
                s: tk.s,
                e,
                prio: 2,
                concept: None,
                head: None,
            });
        }
    }
    resolved.extend(nested);
    for c in resolved {
        let (s, e) = norm.source_span(c.s, c.e);
        out.push(Found {
            kind: c.kind,
            start: s,
            end: e,
            concept: c.concept,
        });
    }
    let mut push = |kind: EntityType, spans: Vec<(usize, usize)>| {
        for (a, b) in merge(spans) {
            let (s, e) = norm.source_span(a, b);
            if s < e {
                out.push(Found {
                    kind,
                    start: s,
                    end: e,
                    concept: None,
                });
            }
        }
    };
    push(EntityType::Value, values);
    push(EntityType::Temporal, temporals(t, toks));
    push(EntityType::Negation, negations(t, toks));
    out.sort_by_key(|f| (f.start, f.end));
    out
}

/// One entity per stretch of text: same-type candidates that overlap merge;
/// across types the higher priority (vocabulary, then cue, then position), then the longer, wins.
fn resolve(mut cands: Vec<Cand>) -> Vec<Cand> {
    // A phrase whose head lies past a vocabulary term of another class is
    // named by its head: the term only modifies it ("hepatitis B vaccine").
    let phrases: Vec<(usize, usize, EntityType, (usize, usize))> = cands
        .iter()
        .filter_map(|c| c.head.map(|h| (c.s, c.e, c.kind, h)))
        .collect();
    cands.retain(|m| {
        m.prio < 3
            || !phrases
                .iter()
                .any(|&(s, e, k, h)| k != m.kind && s <= m.s && m.e <= e && h.0 >= m.e)
    });
    cands.sort_by(|a, b| {
        b.prio
            .cmp(&a.prio)
            .then((b.e - b.s).cmp(&(a.e - a.s)))
            .then(a.s.cmp(&b.s))
    });
    let mut kept: Vec<Cand> = Vec::new();
    for c in cands {
        let mut absorbed = false;
        let mut conflict = false;
        for k in kept.iter_mut() {
            if c.s < k.e && k.s < c.e {
                if k.kind == c.kind {
                    // A cue phrase around a vocabulary term keeps the term's key and takes the longer extent.
                    k.s = k.s.min(c.s);
                    k.e = k.e.max(c.e);
                    absorbed = true;
                } else {
                    conflict = true;
                }
                break;
            }
        }
        if !absorbed && !conflict {
            kept.push(c);
        }
    }
    kept.sort_by_key(|c| c.s);
    kept
}

re!(
    allergy_re,
    r"(?i)(?:\b(?:allerg(?:y|ies|ic)|hypersensitivit(?:y|ies)|hypersensitive|intolerance|intolerant|contraindications?|sensitivity)\s+(?:reactions?\s+)?(?:to|with)\s+|\b(?:use\s+of|treatment\s+with|treated\s+with|taking|administration\s+of|exposure\s+to)\s+)(?:any\s+(?:of\s+)?)?(?:the\s+)?"
);
re!(
    measured_age_re,
    r"(?i)\b(?:gestational|postnatal|post-natal|postmenstrual|post-menstrual|corrected|chronological|bone|skeletal)\s+age\b"
);
re!(
    link_re,
    r"(?i)^\s*(?:\([^)]{0,20}\)\s*)?(?:(?:of|is|was|:)\s*)?"
);
re!(
    asa_score_re,
    r"(?i)^\s*\)?\s*(?:\([^)]{0,60}\)\s*)?(?:physical|status|class|score|grade|risk|ps\b|[<>=≥≤]|[1-6]\b|I{1,3}\b|IV\b|V\b)"
);
re!(
    future_re,
    r"(?i)\b(?:become|becoming|get|getting|plan(?:s|ning)?\s+(?:to\s+)?(?:become\s+)?|intend(?:s|ing)?\s+to\s+(?:become\s+)?)\s*$"
);
re!(
    result_after_re,
    r"(?i)^\s*(?:\([^)]{1,12}\)\s*)?(?:\+|(?:-\s*)?(?:positive|negative|seropositive|seronegative|positivity|serology|antibod(?:y|ies)|antigen|test(?:ing)?|screen(?:ing)?|status|viral load|titers?)\b)"
);
re!(
    result_before_re,
    r"(?i)\b(?:(?:positive|negative|tested|test(?:ing)?|screen(?:ing)?|seropositive|seronegative|seropositivity|seronegativity|positivity)\s+(?:test\s+)?(?:for|to)\s+(?:the\s+)?|positive\s+|negative\s+)$"
);

fn merge(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        if a >= b {
            continue;
        }
        match out.last_mut() {
            Some(l) if a < l.1 => l.1 = l.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The noun phrase (up to four words) right before a comparison at `vs`,
/// skipping "of", "is", ":" and the like.
fn measured_before(t: &str, toks: &[Tok], vs: usize) -> Option<(usize, usize)> {
    let mut idx: Vec<usize> = (0..toks.len()).filter(|&i| toks[i].e <= vs).collect();
    // Link words between the phrase and the comparison.
    while let Some(&last) = idx.last() {
        let w = toks[last].lower.as_str();
        if matches!(
            w,
            "of" | "is"
                | "are"
                | "be"
                | "was"
                | "level"
                | "levels"
                | "value"
                | "values"
                | "must"
                | "should"
                | "with"
                | "a"
                | "an"
                | "the"
                | "at"
                | "to"
                | "equal"
                | "or"
        ) && idx.len() > 1
        {
            // "level(s)"/"value(s)" belong to the phrase when nothing precedes them.
            if matches!(w, "level" | "levels" | "value" | "values") {
                break;
            }
            idx.pop();
        } else {
            break;
        }
    }
    let &end_i = idx.last()?;
    let gap = &t[toks[end_i].e..vs];
    if gap.contains([';', '.', ',']) || gap.len() > 24 {
        return None;
    }
    if blocked(&toks[end_i].lower) && !matches!(toks[end_i].lower.as_str(), "time") {
        return None;
    }
    let mut k = end_i;
    while k > 0
        && end_i - k < 3
        && joined(t, &toks[k - 1], &toks[k])
        && !blocked(&toks[k - 1].lower)
    {
        k -= 1;
    }
    // Something measured: a measurement word ends it, or it is written as a
    // symbol ("FSH", "FEV1", "HbA1c"); a verb or an adverb never is.
    let last = &toks[end_i];
    let word = &t[last.s..last.e];
    let symbol = word.len() >= 2
        && word.chars().any(|c| c.is_ascii_uppercase())
        && word
            .chars()
            .skip(1)
            .any(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let head = class(EntityType::Measurement).is_head(&last.lower);
    // A value in a laboratory unit ("> 2 mg/dL", "< 3 x ULN") measures the
    // phrase before it, whatever its head.
    let lab = lab_value_re().is_match(&t[vs..]);
    if !(head || symbol || lab && last.lower.len() >= 3) {
        return None;
    }
    // "score > 8" alone names nothing measured.
    if k == end_i
        && class(EntityType::Measurement)
            .not_alone
            .contains(&last.lower)
    {
        return None;
    }
    Some((toks[k].s, toks[end_i].e))
}

mod modifiers;
use modifiers::*;

#[cfg(test)]
mod tests {
    use super::*;

    /// What the rules alone find (the tagger's reading is scored on Chia).
    fn kinds(text: &str) -> Vec<(EntityType, &str)> {
        find_with(text, None)
            .into_iter()
            .map(|f| (f.kind, &text[f.start..f.end]))
            .collect()
    }

    #[test]
    fn vocabulary_cues_and_patterns() {
        let t = "History of chronic kidney disease or hepatitis; ALT ≥ 3 × ULN; no pembrolizumab within 6 months prior to screening";
        let k = kinds(t);
        for want in [
            (EntityType::Temporal, "History"),
            // "chronic" qualifies in time; it is not part of the name.
            (EntityType::Condition, "kidney disease"),
            (EntityType::Condition, "hepatitis"),
            (EntityType::Measurement, "ALT"),
            (EntityType::Value, "≥ 3 × ULN"),
            (EntityType::Negation, "no"),
            (EntityType::Drug, "pembrolizumab"),
            (EntityType::Temporal, "within 6 months prior to screening"),
        ] {
            assert!(k.contains(&want), "missing {want:?} in {k:?}");
        }
    }

    #[test]
    fn offsets_are_per_line_bytes() {
        let t = "Karnofsky status > 60\nµ-opioids ≥ 2";
        let f = find(t);
        assert!(
            f.iter()
                .all(|x| t.is_char_boundary(x.start) && t.is_char_boundary(x.end))
        );
        let k = kinds(t);
        assert!(
            k.contains(&(EntityType::Measurement, "Karnofsky status")),
            "{k:?}"
        );
        assert!(k.contains(&(EntityType::Value, "> 60")), "{k:?}");
    }
}
