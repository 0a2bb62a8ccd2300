//! The index schema and the mapping from a [`Trial`] to an index document.
//! Pure apart from building tantivy values.

use eligo_model::Trial;
use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::{TantivyDocument, schema::Facet};

/// Bumped whenever the schema or the document mapping changes: an index
/// built by another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 3;

/// Ages are indexed in years; a missing minimum is 0, a missing maximum this.
pub const NO_MAX_AGE: f64 = 1000.0;

/// Facet dimensions, in the order the facets object lists them.
pub const DIMENSIONS: &[&str] = &[
    "status",
    "phase",
    "study_type",
    "condition",
    "antigen",
    "sex",
    "country",
];

/// Handles to the schema's fields.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    pub summary: Field,
    pub description: Field,
    pub conditions: Field,
    pub interventions: Field,
    pub keywords: Field,
    pub criteria: Field,
    /// Lower-cased `dimension:value` filter keys (exact match).
    pub keys: Field,
    /// `/dimension/Value` facets (display spelling), for counts.
    pub facets: Field,
    /// Stored only: the status code and phase codes of a hit.
    pub status: Field,
    pub phases: Field,
    pub min_age: Field,
    pub max_age: Field,
    /// The API v2 pieces, each in a field of its own ([`crate::pieces`]).
    pub v2: crate::pieces::PieceFields,
}

impl Fields {
    /// The full-text fields with their BM25 boosts: what a query is about is
    /// most often in the title, the conditions and the interventions.
    pub fn text_fields(&self) -> [(Field, f32); 7] {
        [
            (self.title, 3.0),
            (self.conditions, 2.5),
            (self.interventions, 2.0),
            (self.keywords, 1.5),
            (self.summary, 1.0),
            (self.description, 0.5),
            (self.criteria, 0.5),
        ]
    }
}

pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let idx = TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let o = TextOptions::default().set_indexing_options(idx);
        if stored { o.set_stored() } else { o }
    };
    let summary = b.add_text_field("summary", text(true));
    let description = b.add_text_field("description", text(true));
    let criteria = b.add_text_field("criteria", text(true));
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", text(true)),
        summary,
        description,
        conditions: b.add_text_field("conditions", text(true)),
        interventions: b.add_text_field("interventions", text(false)),
        keywords: b.add_text_field("keywords", text(false)),
        criteria,
        keys: b.add_text_field("keys", STRING),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        status: b.add_text_field("status", STORED),
        phases: b.add_text_field("phases", STORED),
        min_age: b.add_f64_field(
            "min_age",
            NumericOptions::default().set_indexed().set_fast(),
        ),
        max_age: b.add_f64_field(
            "max_age",
            NumericOptions::default().set_indexed().set_fast(),
        ),
        v2: crate::pieces::PieceFields::add(&mut b, summary, description, criteria),
    };
    (b.build(), fields)
}

/// Lower-cased filter key, e.g. `country:china`.
pub fn key(dimension: &str, value: &str) -> String {
    format!("{dimension}:{}", value.trim().to_lowercase())
}

/// The facet values of a trial, per dimension, in display spelling.
pub fn facet_values(t: &Trial) -> Vec<(&'static str, String)> {
    let mut out = vec![("status", t.status.code().to_string())];
    out.extend(t.phases.iter().map(|p| ("phase", p.code().to_string())));
    if let Some(s) = t.study_type {
        out.push(("study_type", s.code().to_string()));
    }
    let mut seen = Vec::new();
    for c in &t.conditions {
        let c = c.trim();
        if !c.is_empty() && !seen.contains(&c.to_lowercase()) {
            seen.push(c.to_lowercase());
            out.push(("condition", c.to_string()));
        }
    }
    out.extend(
        t.target_antigens()
            .into_iter()
            .map(|a| ("antigen", a.to_string())),
    );
    out.push(("sex", t.eligibility.sex.code().to_string()));
    out.extend(
        t.countries()
            .into_iter()
            .map(|c| ("country", c.to_string())),
    );
    out
}

/// Labels and synonyms of the vocabulary conditions named in the trial's
/// titles and conditions, each once.
pub fn condition_synonyms(t: &Trial) -> Vec<&'static str> {
    let v = eligo_vocab::vocabulary();
    let mut keys: Vec<String> = Vec::new();
    for text in std::iter::once(&t.brief_title)
        .chain(t.official_title.iter())
        .chain(t.conditions.iter())
    {
        eligo_vocab::each_named_condition(text, |k| {
            if !keys.iter().any(|x| x == k) {
                keys.push(k.to_string());
            }
            false
        });
    }
    let mut out: Vec<&'static str> = Vec::new();
    for k in &keys {
        if let Some(c) = v.condition(k) {
            for s in std::iter::once(&c.label).chain(c.synonyms.iter()) {
                if !out.contains(&s.as_str()) {
                    out.push(s.as_str());
                }
            }
        }
    }
    out
}

/// The index document for a trial.
pub fn document(f: &Fields, t: &Trial) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.id, &t.id);
    d.add_text(f.title, &t.brief_title);
    for s in t.official_title.iter().chain(t.acronym.iter()) {
        d.add_text(f.title, s);
    }
    if let Some(s) = &t.brief_summary {
        d.add_text(f.summary, s);
    }
    if let Some(s) = &t.detailed_description {
        d.add_text(f.description, s);
    }
    for c in &t.conditions {
        d.add_text(f.conditions, c);
    }
    for i in &t.interventions {
        d.add_text(f.interventions, &i.name);
        for o in &i.other_names {
            d.add_text(f.interventions, o);
        }
        if let Some(s) = &i.description {
            d.add_text(f.interventions, s);
        }
    }
    for a in &t.arms {
        d.add_text(f.interventions, &a.label);
    }
    for k in &t.keywords {
        d.add_text(f.keywords, k);
    }
    // The conditions the title and conditions name, in all their spellings,
    // so that "lupus" finds a trial titled "... for Refractory SLE".
    for s in condition_synonyms(t) {
        d.add_text(f.keywords, s);
    }
    if let Some(s) = &t.eligibility.criteria {
        d.add_text(f.criteria, s);
    }
    for (dim, value) in facet_values(t) {
        d.add_text(f.keys, key(dim, &value));
        d.add_facet(f.facets, Facet::from_path([dim, value.as_str()]));
    }
    d.add_text(f.status, t.status.code());
    for p in &t.phases {
        d.add_text(f.phases, p.code());
    }
    d.add_f64(f.min_age, t.eligibility.min_age.map_or(0.0, |a| a.years()));
    d.add_f64(
        f.max_age,
        t.eligibility.max_age.map_or(NO_MAX_AGE, |a| a.years()),
    );
    crate::pieces::add_pieces(&f.v2, t, &mut d);
    d
}
