//! Search requests and the tantivy queries they become. No I/O here: the
//! only thing these functions need from an index is its schema and
//! tokenizers.

use crate::pieces::{KeyPiece, NumPiece, TextPiece};
use crate::schema::{Fields, NO_MAX_AGE, key};
use eligo_model::Trial;
use eligo_model::trial::{OverallStatus, Phase, Sex, StudyType};
use serde::{Deserialize, Serialize};
use std::ops::Bound;
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, ExistsQuery, Occur,
    PhraseQuery, Query, QueryParser, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

/// Filters narrow a search; within one filter the values are alternatives
/// (status RECRUITING or NOT_YET_RECRUITING), different filters all apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<OverallStatus>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<Phase>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub study_type: Option<StudyType>,
    /// Words that must appear (as a phrase) in one of the trial's conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// A target antigen, e.g. `CD19` (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub antigen: Option<String>,
    /// A patient's age in years: trials whose age range includes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_years: Option<f64>,
    /// A patient's sex: trials open to it (that sex or all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// A country with at least one site (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// One search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// Free text (query syntax: words, "phrases", +must, -not, field:word);
    /// empty lists every trial that passes the filters.
    pub query: String,
    #[serde(default)]
    pub filters: Filters,
    pub limit: usize,
    #[serde(default)]
    pub offset: usize,
    /// How many values the open-ended facets (condition, country) list.
    #[serde(default = "default_facet_limit")]
    pub facet_limit: usize,
}

fn default_facet_limit() -> usize {
    20
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            filters: Filters::default(),
            limit: 20,
            offset: 0,
            facet_limit: 20,
        }
    }
}

fn term_query(t: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(t, IndexRecordOption::Basic))
}

fn any_key(f: &Fields, keys: impl IntoIterator<Item = String>) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = keys
        .into_iter()
        .map(|k| (Occur::Should, term_query(Term::from_field_text(f.keys, &k))))
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// Tokens of `text` as the field's analyzer makes them.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}

/// The filter clauses of `filters` (empty when there are none).
/// `condition_analyzer` is the tokenizer of the conditions field.
pub fn filter_clauses(
    f: &Fields,
    filters: &Filters,
    condition_analyzer: &mut TextAnalyzer,
) -> Vec<(Occur, Box<dyn Query>)> {
    let mut must: Vec<Box<dyn Query>> = Vec::new();
    if !filters.statuses.is_empty() {
        must.push(any_key(
            f,
            filters.statuses.iter().map(|s| key("status", s.code())),
        ));
    }
    if !filters.phases.is_empty() {
        must.push(any_key(
            f,
            filters.phases.iter().map(|p| key("phase", p.code())),
        ));
    }
    if let Some(s) = filters.study_type {
        must.push(any_key(f, [key("study_type", s.code())]));
    }
    if let Some(a) = &filters.antigen {
        must.push(any_key(f, [key("antigen", a)]));
    }
    if let Some(c) = &filters.country {
        must.push(any_key(f, [key("country", c)]));
    }
    if let Some(s) = filters.sex {
        let mut keys = vec![key("sex", Sex::All.code())];
        if s != Sex::All {
            keys.push(key("sex", s.code()));
        }
        must.push(any_key(f, keys));
    }
    if let Some(age) = filters.age_years {
        must.push(Box::new(RangeQuery::new(
            Bound::Unbounded,
            Bound::Included(Term::from_field_f64(f.min_age, age)),
        )));
        must.push(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_f64(f.max_age, age.min(NO_MAX_AGE))),
            Bound::Unbounded,
        )));
    }
    if let Some(c) = &filters.condition {
        let toks = tokens(condition_analyzer, c);
        let terms: Vec<Term> = toks
            .iter()
            .map(|t| Term::from_field_text(f.conditions, t))
            .collect();
        match terms.len() {
            // Nothing searchable in the filter: it can match nothing.
            0 => must.push(Box::new(EmptyQuery)),
            1 => must.extend(terms.into_iter().map(term_query)),
            _ => must.push(Box::new(PhraseQuery::new(terms))),
        }
    }
    must.into_iter().map(|q| (Occur::Must, q)).collect()
}

/// The full-text part: BM25 over the text fields with their boosts, words
/// joined by AND. Syntax errors are forgiven (the lenient parser keeps what
/// it can), so user input never fails a search. `field:term` restricts a
/// word to one of the index's text fields, and `id:NCT06946485` to the trial
/// with that id (any case); a colon after anything else (which would name
/// an unknown field and fail the search) reads as a space.
pub fn text_query(
    parser: &QueryParser,
    text: &str,
    is_field: impl Fn(&str) -> bool,
) -> Box<dyn Query> {
    let text = neutralise_colons(text, |name| name == ID_FIELD || is_field(name));
    let text = upper_case_ids(&text);
    if text.trim().is_empty() {
        return Box::new(AllQuery);
    }
    parser.parse_query_lenient(&text).0
}

/// The schema's id field (raw, untokenised: `NCT06946485`, `ELIGO-…`).
const ID_FIELD: &str = "id";

/// Ids are stored upper case and the id field is not tokenised, so the
/// value of `id:` is upper-cased to match (`id:nct06946485`).
fn upper_case_ids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("id:") {
        let before = &rest[..at];
        let word_start = if before.is_empty() {
            out.is_empty() || out.ends_with(|c: char| c.is_whitespace() || "(+-\"".contains(c))
        } else {
            before.ends_with(|c: char| c.is_whitespace() || "(+-\"".contains(c))
        };
        out.push_str(before);
        out.push_str("id:");
        rest = &rest[at + 3..];
        if word_start {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == ')')
                .unwrap_or(rest.len());
            out.push_str(&rest[..end].to_uppercase());
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

/// Keep `name:` only where `name` is a known field.
fn neutralise_colons(text: &str, is_field: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if c == ':' {
            let before = &text[..i];
            let start = before
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |p| p + 1);
            let name = &before[start..];
            let inside_word = start == 0
                || before[..start].ends_with(|c: char| c.is_whitespace() || "(+-\"".contains(c));
            // `field:*` (exists) needs a fast field, which text fields are not.
            let exists = text[i + 1..].trim_start().starts_with('*');
            if !name.is_empty() && inside_word && !exists && is_field(name) {
                out.push(':');
            } else {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Text query and filters together.
pub fn combine(text: Box<dyn Query>, filters: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    if filters.is_empty() {
        return text;
    }
    let mut clauses = vec![(Occur::Must, text)];
    clauses.extend(filters);
    Box::new(BooleanQuery::new(clauses))
}

/// Words too common in trial titles to say what a trial is about.
const STOP: &[&str] = &[
    "a",
    "an",
    "and",
    "as",
    "at",
    "by",
    "for",
    "from",
    "in",
    "into",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
    "without",
    "study",
    "trial",
    "patient",
    "subject",
    "clinic",
    "evalu",
    "phase",
    "open",
    "label",
    "singl",
    "arm",
    "multicent",
    "random",
    "effect",
    "safeti",
    "efficaci",
    "treatment",
    "therapi",
    "i",
    "ii",
    "iii",
];

/// A BM25 query for trials like `t`: the words of its titles, conditions,
/// interventions and keywords, each searched in the field it came from and
/// in the title; its target antigens as exact keys; `t` itself excluded.
pub fn related_query(f: &Fields, t: &Trial, analyzer: &mut TextAnalyzer) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut seen: Vec<(tantivy::schema::Field, String)> = Vec::new();
    let mut add = |clauses: &mut Vec<(Occur, Box<dyn Query>)>, field, text: &str, boost: f32| {
        for tok in tokens(analyzer, text) {
            if STOP.contains(&tok.as_str()) || tok.len() < 2 || seen.contains(&(field, tok.clone()))
            {
                continue;
            }
            seen.push((field, tok.clone()));
            let q = term_query(Term::from_field_text(field, &tok));
            clauses.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
        }
    };
    let titles: Vec<&String> = std::iter::once(&t.brief_title)
        .chain(t.official_title.iter())
        .collect();
    for s in &titles {
        add(&mut clauses, f.title, s, 1.0);
    }
    for c in &t.conditions {
        add(&mut clauses, f.conditions, c, 2.0);
        add(&mut clauses, f.title, c, 1.0);
    }
    for i in &t.interventions {
        add(&mut clauses, f.interventions, &i.name, 1.5);
    }
    for k in &t.keywords {
        add(&mut clauses, f.keywords, k, 1.0);
    }
    for a in t.target_antigens() {
        let q = term_query(Term::from_field_text(f.keys, &key("antigen", a)));
        clauses.push((Occur::Should, Box::new(BoostQuery::new(q, 3.0))));
    }
    if clauses.is_empty() {
        // Nothing to compare on: match nothing.
        return Box::new(EmptyQuery);
    }
    let similar: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, similar),
        (
            Occur::MustNot,
            term_query(Term::from_field_text(f.id, &t.id)),
        ),
    ]))
}

// ---------------------------------------------------------------------------
// Structured queries: what API v2's `query.*` areas and Essie expressions
// (`AREA[Phase]PHASE2 AND NOT AREA[Condition]"lupus nephritis"`) become.

/// A query over the index's pieces ([`crate::pieces`]), built by a front
/// end from whatever syntax it reads. Text is scored by BM25 with each
/// piece's weight; everything else only selects.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Every trial.
    All,
    /// No trial.
    Nothing,
    /// Text in any of `pieces` (with their weights): every word of it, or
    /// the words in order when `phrase`. A word the analyzer splits
    /// (`CAR-T`) is read as a phrase of its parts.
    Text {
        pieces: Vec<(TextPiece, f32)>,
        text: String,
        phrase: bool,
    },
    /// A coded piece with this value (case-insensitive).
    Key {
        piece: KeyPiece,
        value: String,
    },
    /// Trials with these ids (NCT ids, or eligo's local ids).
    Ids(Vec<String>),
    /// A numeric piece within the bounds ([`crate::pieces::NumKind`]
    /// gives the unit).
    Range {
        piece: NumPiece,
        lo: Bound<i64>,
        hi: Bound<i64>,
    },
    /// Trials whose record has no value for the piece.
    Missing(NumPiece),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

impl Expr {
    /// `a AND b`, flattening and dropping `All`.
    pub fn and(parts: impl IntoIterator<Item = Expr>) -> Expr {
        let mut out = Vec::new();
        for p in parts {
            match p {
                Expr::All => {}
                Expr::And(inner) => out.extend(inner),
                p => out.push(p),
            }
        }
        match out.len() {
            0 => Expr::All,
            1 => out.pop().unwrap_or(Expr::All),
            _ => Expr::And(out),
        }
    }

    /// Whether matching trials get a text score (so relevance can order them).
    pub fn has_text(&self) -> bool {
        match self {
            Expr::Text { .. } => true,
            Expr::And(v) | Expr::Or(v) => v.iter().any(Expr::has_text),
            _ => false,
        }
    }
}

/// Builds tantivy queries from [`Expr`]s for one index.
pub struct ExprBuilder<'a> {
    pub fields: &'a Fields,
    /// The analyzer of the pieces' text fields (`en_stem`).
    pub analyzer: TextAnalyzer,
}

impl ExprBuilder<'_> {
    pub fn build(&mut self, e: &Expr) -> Box<dyn Query> {
        let p = &self.fields.v2;
        match e {
            Expr::All => Box::new(AllQuery),
            Expr::Nothing => Box::new(EmptyQuery),
            Expr::Text {
                pieces,
                text,
                phrase,
            } => {
                let mut fields: Vec<(Field, f32)> = Vec::new();
                for (piece, w) in pieces {
                    let f = p.text(*piece);
                    if !fields.iter().any(|(g, _)| *g == f) {
                        fields.push((f, *w));
                    }
                }
                let words: Vec<Vec<String>> = if *phrase {
                    vec![tokens(&mut self.analyzer, text)]
                } else {
                    text.split_whitespace()
                        .map(|w| tokens(&mut self.analyzer, w))
                        .collect()
                };
                let words: Vec<Vec<String>> = words.into_iter().filter(|t| !t.is_empty()).collect();
                if words.is_empty() || fields.is_empty() {
                    // Nothing searchable (punctuation only): no constraint.
                    return Box::new(AllQuery);
                }
                let word_query = |toks: &[String]| -> Box<dyn Query> {
                    let clauses: Vec<(Occur, Box<dyn Query>)> = fields
                        .iter()
                        .map(|(field, boost)| {
                            let q: Box<dyn Query> = if toks.len() == 1 {
                                Box::new(TermQuery::new(
                                    Term::from_field_text(*field, &toks[0]),
                                    IndexRecordOption::WithFreqs,
                                ))
                            } else {
                                Box::new(PhraseQuery::new(
                                    toks.iter()
                                        .map(|t| Term::from_field_text(*field, t))
                                        .collect(),
                                ))
                            };
                            let q: Box<dyn Query> = if (boost - 1.0).abs() < f32::EPSILON {
                                q
                            } else {
                                Box::new(BoostQuery::new(q, *boost))
                            };
                            (Occur::Should, q)
                        })
                        .collect();
                    Box::new(BooleanQuery::new(clauses))
                };
                if words.len() == 1 {
                    return word_query(&words[0]);
                }
                Box::new(BooleanQuery::new(
                    words.iter().map(|w| (Occur::Must, word_query(w))).collect(),
                ))
            }
            Expr::Key { piece, value } => filter(term_query(Term::from_field_text(
                p.keys,
                &crate::pieces::key(*piece, value),
            ))),
            Expr::Ids(ids) => {
                let terms: Vec<Term> = ids
                    .iter()
                    .map(|id| Term::from_field_text(self.fields.id, id.trim()))
                    .collect();
                filter(Box::new(TermSetQuery::new(terms)))
            }
            Expr::Range { piece, lo, hi } => {
                let field = p.num(*piece);
                let term = |b: &Bound<i64>| match b {
                    Bound::Included(v) => Bound::Included(Term::from_field_i64(field, *v)),
                    Bound::Excluded(v) => Bound::Excluded(Term::from_field_i64(field, *v)),
                    Bound::Unbounded => Bound::Unbounded,
                };
                if matches!((lo, hi), (Bound::Unbounded, Bound::Unbounded)) {
                    // RANGE[MIN, MAX]: any value, but a value.
                    return filter(Box::new(ExistsQuery::new(
                        crate::pieces::PieceFields::num_name(*piece),
                        false,
                    )));
                }
                filter(Box::new(RangeQuery::new(term(lo), term(hi))))
            }
            Expr::Missing(piece) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
                (
                    Occur::MustNot,
                    Box::new(ExistsQuery::new(
                        crate::pieces::PieceFields::num_name(*piece),
                        false,
                    )),
                ),
            ])),
            Expr::And(v) => Box::new(BooleanQuery::new(
                v.iter().map(|e| (Occur::Must, self.build(e))).collect(),
            )),
            Expr::Or(v) => Box::new(BooleanQuery::new(
                v.iter().map(|e| (Occur::Should, self.build(e))).collect(),
            )),
            Expr::Not(e) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, filter(Box::new(AllQuery))),
                (Occur::MustNot, self.build(e)),
            ])),
        }
    }
}

/// A query that selects without adding to the score.
fn filter(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}
