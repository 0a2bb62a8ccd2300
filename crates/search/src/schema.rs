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
pub const SCHEMA_VERSION: u32 = 5;

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
    /// Fast and stored: 1 for a record known only in part (for example a
    /// trial known by id and title), 0 otherwise. Such records rank below
    /// the others for the same query.
    pub partial: Field,
    /// Stored only: the text fields whose content eligo derived (e.g.
    /// `conditions` from the title), which snippets do not quote as the
    /// record's words.
    pub derived: Field,
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
        partial: b.add_u64_field("partial", NumericOptions::default().set_fast().set_stored()),
        derived: b.add_text_field("derived", STORED),
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
    // What the record does not state is counted under no value: a trial
    // known only by id and title has no status and no sex.
    let mut out: Vec<(&'static str, String)> = t
        .status
        .map(|s| ("status", s.code().to_string()))
        .into_iter()
        .collect();
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
    out.extend(t.eligibility.sex.map(|s| ("sex", s.code().to_string())));
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
    if let Some(s) = t.status {
        d.add_text(f.status, s.code());
    }
    for p in &t.phases {
        d.add_text(f.phases, p.code());
    }
    d.add_u64(f.partial, u64::from(t.partial));
    for (name, field) in [
        ("conditions", "conditions"),
        ("summary", "brief_summary"),
        ("description", "detailed_description"),
    ] {
        if t.is_derived(field) {
            d.add_text(f.derived, name);
        }
    }
    d.add_f64(f.min_age, t.eligibility.min_age.map_or(0.0, |a| a.years()));
    d.add_f64(
        f.max_age,
        t.eligibility.max_age.map_or(NO_MAX_AGE, |a| a.years()),
    );
    crate::pieces::add_pieces(&f.v2, t, &mut d);
    d
}
