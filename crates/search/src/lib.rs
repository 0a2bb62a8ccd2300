//! eligo's full-text search over the registry: a tantivy index next to the
//! store, with BM25 ranking, filters, facet counts, highlighted snippets and
//! related trials.
//!
//! The index is derived data. It records, in its commit payload, which store
//! (by [`eligo_store::Store::store_id`]) and which store generation it
//! reflects; [`sync`] compares that with the store and updates the changed
//! trials, or rebuilds when the index is missing, from another store or from
//! another schema version.
//!
//! One writer at a time, across processes: whichever process (an import, a
//! running server, any command that opens the registry) takes the writer
//! brings the index up to the store's generation; another that finds it
//! taken gets [`SearchError::Busy`] and leaves the work to it. Readers see
//! every commit, whoever made it, shortly after it lands. Query building ([`query`]) and the trial →
//! document mapping ([`schema`]) are pure; this module does the index I/O.

mod alongside;
pub mod arrange;
mod facet_count;
mod facet_ords;
mod hitset;
pub mod page;
pub mod pieces;
pub mod query;
mod relevance;
pub mod schema;
pub mod segments;
pub mod spelling;
pub mod stemcache;
mod store_sync;
mod streamed;

pub use alongside::Alongside;
use eligo_model::Trial;
use query::{Filters, SearchRequest, combine, filter_clauses, related_query, text_query};
use schema::{DIMENSIONS, Fields, SCHEMA_VERSION, build_schema, document};
pub use segments::Tuning;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
pub use store_sync::{SyncMode, SyncReport, index_trials, sync};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{QueryParser, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// Everything that can go wrong in search.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index {path}: {source}")]
    Index {
        path: String,
        source: tantivy::TantivyError,
    },
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] eligo_store::StoreError),
    /// Another process (a running server, an import) is writing the index.
    #[error("search index {path}: another eligo process is updating it")]
    Busy { path: String },
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// What an index reflects: written in its commit payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexState {
    pub schema_version: u32,
    pub store_id: String,
    pub generation: i64,
}

/// One highlighted excerpt. `highlights` are byte ranges `[start, end)` of
/// `text` that matched the query, so any front end can mark them its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    /// The field the excerpt comes from: summary, criteria, description,
    /// conditions or title.
    pub field: String,
    pub text: String,
    pub highlights: Vec<[usize; 2]>,
}

impl Snippet {
    /// The text with every highlight wrapped in `open` … `close`.
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 8 * self.highlights.len());
        let mut at = 0;
        for &[s, e] in &self.highlights {
            if s < at
                || e > self.text.len()
                || !self.text.is_char_boundary(s)
                || !self.text.is_char_boundary(e)
            {
                continue;
            }
            out.push_str(&self.text[at..s]);
            out.push_str(open);
            out.push_str(&self.text[s..e]);
            out.push_str(close);
            at = e;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    /// Overall status code, e.g. `RECRUITING`; `None` when the record
    /// states none (a trial known only by id and title).
    pub status: Option<String>,
    /// The record is known only in part (such hits rank below the others).
    #[serde(default)]
    pub partial: bool,
    /// Phase codes, e.g. `["PHASE1", "PHASE2"]`.
    pub phases: Vec<String>,
    /// BM25 score (1.0 for every hit of an empty query).
    pub score: f32,
    /// A highlighted excerpt, `null` when the trial has no text to show.
    pub snippet: Option<Snippet>,
    /// Kilometres from the point searched near to the trial's nearest
    /// located site (any site status), when a point was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Trials matching the query and filters (not just this page).
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Per dimension (status, phase, study_type, condition, antigen, sex,
    /// country): values among the matching trials with their counts, most
    /// frequent first.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
}

/// Why a trial is listed as related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelatedSource {
    /// The trial's own record names it.
    Listed,
    /// Similar words, conditions, interventions or antigens.
    Similar,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelatedHit {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Status code when the trial is in the registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    pub source: RelatedSource,
    /// Similarity score (BM25) for `similar` trials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    /// Whether the registry holds this trial.
    pub in_registry: bool,
}

/// An open search index.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    parser: QueryParser,
    path: String,
    /// Every segment's facet ordinals in plain arrays, made when the
    /// reader first sees the segment ([`facet_count::FacetWarmer`]).
    facets: std::sync::Arc<facet_count::FacetWarmer>,
    tuning: Tuning,
    /// The index's directory on disk (`None` in memory): its writer reads
    /// it through [`streamed::Streamed`].
    dir: Option<PathBuf>,
}

impl SearchIndex {
    /// Open the index in `dir`, creating it when missing. An index that
    /// cannot be read or was built with another schema version is deleted
    /// and recreated empty (it is derived data; [`sync`] refills it).
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        Self::open_tuned(dir, Tuning::default())
    }

    /// [`SearchIndex::open`] with a chosen segment bound and search threads.
    pub fn open_tuned(dir: &Path, tuning: Tuning) -> Result<SearchIndex> {
        let io = |source| SearchError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let (schema, fields) = build_schema();
        let existing = if dir.join("meta.json").exists() {
            match Index::open_in_dir(dir) {
                Ok(index)
                    if read_state(&index).is_some_and(|s| s.schema_version == SCHEMA_VERSION) =>
                {
                    Some(index)
                }
                Ok(index) if read_state(&index).is_none() && index.schema() == schema => {
                    Some(index)
                }
                _ => None,
            }
        } else {
            None
        };
        let index = match existing {
            Some(i) => i,
            None => {
                if dir.exists() {
                    std::fs::remove_dir_all(dir).map_err(io)?;
                }
                std::fs::create_dir_all(dir).map_err(io)?;
                Index::create_in_dir(dir, schema).map_err(|source| SearchError::Index {
                    path: dir.display().to_string(),
                    source,
                })?
            }
        };
        let mut opened = Self::from_index(index, fields, dir.display().to_string(), tuning)?;
        opened.dir = Some(dir.to_path_buf());
        Ok(opened)
    }

    /// An index in memory (tests, benchmarks).
    pub fn in_memory() -> Result<SearchIndex> {
        Self::in_memory_tuned(Tuning::default())
    }

    /// [`SearchIndex::in_memory`] with a chosen segment bound and search
    /// threads.
    pub fn in_memory_tuned(tuning: Tuning) -> Result<SearchIndex> {
        let (schema, fields) = build_schema();
        Self::from_index(
            Index::create_in_ram(schema),
            fields,
            "(memory)".into(),
            tuning,
        )
    }

    fn from_index(
        mut index: Index,
        fields: Fields,
        path: String,
        tuning: Tuning,
    ) -> Result<SearchIndex> {
        // Before the reader: its searchers search with the index's executor.
        index.set_executor(tuning.executor()?);
        index.tokenizers().register("en_stem", stemcache::en_stem());
        // Commits by other processes (an import while the server runs)
        // become visible on their own, shortly after they land.
        let facets = std::sync::Arc::new(facet_count::FacetWarmer::new("facets"));
        let warmer: std::sync::Arc<dyn tantivy::Warmer> = facets.clone();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .warmers(vec![std::sync::Arc::downgrade(&warmer)])
            .try_into()?;
        let mut parser = QueryParser::for_index(
            &index,
            fields
                .text_fields()
                .iter()
                .map(|(f, _)| *f)
                .chain([fields.id])
                .collect(),
        );
        for (f, boost) in fields.text_fields() {
            parser.set_field_boost(f, boost);
        }
        parser.set_conjunction_by_default();
        Ok(SearchIndex {
            index,
            reader,
            fields,
            parser,
            path,
            facets,
            tuning,
            dir: None,
        })
    }

    /// What the index reflects, if it was ever committed by [`Updater::commit`].
    pub fn state(&self) -> Option<IndexState> {
        read_state(&self.index)
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The live documents of each segment, largest first.
    pub fn segment_sizes(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|s| s.num_docs())
            .collect();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v
    }

    /// Start writing. One updater at a time per index, across processes:
    /// [`SearchError::Busy`] when another holds it (it does not wait).
    pub fn updater(&self) -> Result<Updater<'_>> {
        // Merges read every file of their segments: through `pread`, so
        // what they read does not stay resident (see `streamed`).
        let streamed = match &self.dir {
            Some(dir) => Some(streamed::writer_index(dir, &self.index).map_err(|source| {
                SearchError::Index {
                    path: self.path.clone(),
                    source,
                }
            })?),
            None => None,
        };
        let writer: IndexWriter = streamed
            .as_ref()
            .unwrap_or(&self.index)
            .writer_with_options(segments::writer_options())
            .map_err(|source| match source {
                tantivy::TantivyError::LockFailure(
                    tantivy::directory::error::LockError::LockBusy,
                    _,
                ) => SearchError::Busy {
                    path: self.path.clone(),
                },
                source => SearchError::Index {
                    path: self.path.clone(),
                    source,
                },
            })?;
        writer.set_merge_policy(self.tuning.merge_policy());
        Ok(Updater {
            index: self,
            writer,
        })
    }

    fn analyzer(&self, field: Field) -> Result<tantivy::tokenizer::TextAnalyzer> {
        Ok(self.index.tokenizer_for_field(field)?)
    }

    /// Run a search: hits for the requested page, the total and facet counts.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        self.search_arranged(req, &arrange::Arrange::default())
    }

    /// [`SearchIndex::search`] in a chosen order and, optionally, only
    /// trials with a site near a point ([`arrange`]).
    pub fn search_arranged(
        &self,
        req: &SearchRequest,
        how: &arrange::Arrange,
    ) -> Result<SearchResults> {
        let f = &self.fields;
        let mut cond = self.analyzer(f.conditions)?;
        let schema = self.index.schema();
        let text = text_query(&self.parser, &req.query, |name| {
            schema
                .get_field(name)
                .is_ok_and(|f| self.fields.text_fields().iter().any(|(t, _)| *t == f))
        });
        let q = combine(text.box_clone(), filter_clauses(f, &req.filters, &mut cond));
        let searcher = self.reader.searcher();

        let facets = facet_count::FacetCounter::new("facets", self.facets.clone(), &searcher);
        // Records known in full first, then the chosen order, then BM25: a
        // trial known only by id and title never outranks a registered one.
        let keyer = arrange::Keyer {
            arrange: *how,
            keys_field: f.keys,
        };
        let prunable =
            how.sort == arrange::Sort::Relevance && how.near.is_none() && relevance::prunable(&*q);
        let limit = req.limit.max(1);
        // The count (total and facets, every hit) and the page (ranked,
        // then its documents read) do not depend on each other: the count
        // runs on a thread of its own while this one makes the page, so a
        // frequent word takes the longer of the two, not their sum.
        let (searcher, q) = (&searcher, &*q);
        let (hits, total, counts) = std::thread::scope(|sc| -> Result<_> {
            if prunable {
                let counting = sc.spawn(move || relevance::count(searcher, q, facets));
                let top = relevance::top(searcher, q, req.offset, limit, 0)?;
                let mut hits = self.hits(searcher, &*text, how, top, req.limit)?;
                let (total, counts, partial) = joined(counting)?;
                if partial > 0 {
                    // Partial records (rare) rank after the known ones:
                    // the page is made again knowing how many there are.
                    let top = relevance::top(searcher, q, req.offset, limit, partial)?;
                    hits = self.hits(searcher, &*text, how, top, req.limit)?;
                }
                Ok((hits, total, counts))
            } else {
                let near = how.near;
                let counting = sc.spawn(move || {
                    if near.is_none()
                        && let Some(counted) = hitset::count(searcher, q, &facets)
                    {
                        return counted.map(|(total, counts, _)| (total, counts));
                    }
                    searcher.search(
                        q,
                        &arrange::Within {
                            near,
                            inner: (Count, facets),
                        },
                    )
                });
                let top = TopDocs::with_limit(limit)
                    .and_offset(req.offset)
                    .tweak_score(move |segment: &tantivy::SegmentReader| {
                        keyer.for_segment(segment)
                    });
                let docs = searcher.search(q, &arrange::Within { near, inner: top })?;
                let docs = docs.into_iter().map(|(k, a)| (k.2, a)).collect();
                let hits = self.hits(searcher, &*text, how, docs, req.limit)?;
                let (total, counts) = joined(counting)?;
                Ok((hits, total, counts))
            }
        })?;

        let out = counts.by_dimension(DIMENSIONS, &["condition", "country"], req.facet_limit);
        Ok(SearchResults {
            total,
            hits,
            facets: out,
        })
    }

    /// The shown hits of a page: each document read, with its excerpt.
    fn hits(
        &self,
        searcher: &tantivy::Searcher,
        text: &dyn tantivy::query::Query,
        how: &arrange::Arrange,
        docs: Vec<(f32, tantivy::DocAddress)>,
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let f = &self.fields;
        // Never from the eligibility text: an excerpt there may well be
        // an exclusion ("14. Severe lupus lung damage") read as a feature.
        let snippet_fields = [
            ("summary", f.summary),
            ("description", f.description),
            ("conditions", f.conditions),
            ("title", f.title),
        ];
        let mut generators = Vec::new();
        for (name, field) in snippet_fields {
            let mut g = SnippetGenerator::create(searcher, text, field)?;
            g.set_max_num_chars(200);
            generators.push((name, field, g));
        }

        let mut hits = Vec::with_capacity(docs.len());
        for (score, addr) in docs.into_iter().take(limit) {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let derived: Vec<&str> = doc.get_all(f.derived).filter_map(|v| v.as_str()).collect();
            let mut snippet = None;
            for (name, field, g) in &generators {
                if derived.contains(name) {
                    continue;
                }
                let joined = join_values(&doc, *field);
                if joined.is_empty() {
                    continue;
                }
                let s = g.snippet(&joined);
                if !s.highlighted().is_empty() {
                    snippet = Some(Snippet {
                        field: (*name).to_string(),
                        text: s.fragment().to_string(),
                        highlights: s.highlighted().iter().map(|r| [r.start, r.end]).collect(),
                    });
                    break;
                }
            }
            if snippet.is_none() {
                let summary = join_values(&doc, f.summary);
                if !summary.is_empty() {
                    snippet = Some(Snippet {
                        field: "summary".into(),
                        text: prefix(&summary, 200),
                        highlights: vec![],
                    });
                }
            }
            let mut hit = hit_from_doc(f, &doc, score, snippet);
            if let Some(from) = how.origin() {
                let geo = searcher
                    .segment_reader(addr.segment_ord)
                    .fast_fields()
                    .column_opt::<u64>("v2_geo")?;
                hit.distance_km = geo.and_then(|g| arrange::nearest_km(&g, addr.doc_id, from));
            }
            hits.push(hit);
        }
        Ok(hits)
    }

    fn find(&self, id: &str) -> Result<Option<TantivyDocument>> {
        let searcher = self.reader.searcher();
        let q = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, addr)) => Ok(Some(searcher.doc::<TantivyDocument>(*addr)?)),
            None => Ok(None),
        }
    }

    /// Trials related to `t`: first those its record lists (in its order),
    /// then the most similar others, `limit` in all.
    pub fn related(&self, t: &Trial, limit: usize) -> Result<Vec<RelatedHit>> {
        let f = &self.fields;
        let mut out: Vec<RelatedHit> = Vec::new();
        for r in &t.related {
            if out.len() >= limit || out.iter().any(|h| h.id == r.id) || r.id == t.id {
                continue;
            }
            let doc = self.find(&r.id)?;
            let title = doc
                .as_ref()
                .map(|d| join_values(d, f.title))
                .filter(|s| !s.is_empty());
            out.push(RelatedHit {
                id: r.id.clone(),
                title: first_value(doc.as_ref(), f.title)
                    .or(title)
                    .or_else(|| r.title.clone()),
                status: first_value(doc.as_ref(), f.status),
                source: RelatedSource::Listed,
                score: None,
                in_registry: doc.is_some(),
            });
        }
        if out.len() >= limit {
            return Ok(out);
        }
        let mut analyzer = self.analyzer(f.title)?;
        let q = related_query(f, t, &mut analyzer);
        let searcher = self.reader.searcher();
        let want = limit - out.len() + t.related.len();
        let top = searcher.search(&*q, &TopDocs::with_limit(want.max(1)).order_by_score())?;
        for (score, addr) in top {
            if out.len() >= limit {
                break;
            }
            let doc: TantivyDocument = searcher.doc(addr)?;
            let id = first_value(Some(&doc), f.id).unwrap_or_default();
            if out.iter().any(|h| h.id == id) {
                continue;
            }
            out.push(RelatedHit {
                id,
                title: first_value(Some(&doc), f.title),
                status: first_value(Some(&doc), f.status),
                source: RelatedSource::Similar,
                score: Some(score),
                in_registry: true,
            });
        }
        Ok(out)
    }
}

/// Adds, replaces and removes documents; nothing is visible before
/// [`Updater::commit`].
pub struct Updater<'a> {
    index: &'a SearchIndex,
    writer: IndexWriter,
}

impl Updater<'_> {
    /// Drop every document (for a rebuild).
    pub fn clear(&mut self) -> Result<()> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Add `t` to an index that holds no document with its id (one just
    /// cleared): no delete by id, which tantivy keeps queued until the
    /// commit and applies to every segment, costing memory and time in
    /// proportion to the documents added.
    pub fn add(&mut self, t: &Trial) -> Result<()> {
        self.writer.add_document(document(&self.index.fields, t))?;
        Ok(())
    }

    /// Add `t`, replacing any document with its id.
    pub fn upsert(&mut self, t: &Trial) -> Result<()> {
        let f = &self.index.fields;
        self.writer.delete_term(Term::from_field_text(f.id, &t.id));
        self.writer.add_document(document(f, t))?;
        Ok(())
    }

    /// Add `trials`, replacing any documents with their ids, with one
    /// delete for the whole batch (when an id comes twice, its last trial
    /// is kept). A delete per trial ([`Updater::upsert`]) is queued until
    /// the commit, with about 4 kB of state each: 2 GB for a commit of
    /// 500,000 changed trials; one per batch holds only the ids.
    pub fn replace_all(&mut self, trials: &[&Trial]) -> Result<()> {
        let f = &self.index.fields;
        let mut last: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(trials.len());
        for (i, t) in trials.iter().enumerate() {
            last.insert(t.id.as_str(), i);
        }
        let terms = last.keys().map(|id| Term::from_field_text(f.id, id));
        self.writer
            .delete_query(Box::new(tantivy::query::TermSetQuery::new(terms)))?;
        for (i, t) in trials.iter().enumerate() {
            if last.get(t.id.as_str()) == Some(&i) {
                self.writer.add_document(document(f, t))?;
            }
        }
        Ok(())
    }

    /// Commit, recording what the index now reflects, and make it visible.
    pub fn commit(mut self, state: &IndexState) -> Result<()> {
        let payload = serde_json::to_string(state).unwrap_or_default();
        let mut pc = self.writer.prepare_commit()?;
        pc.set_payload(&payload);
        pc.commit()?;
        self.writer.wait_merging_threads()?;
        self.index.reader.reload()?;
        Ok(())
    }
}

fn read_state(index: &Index) -> Option<IndexState> {
    let metas = index.load_metas().ok()?;
    serde_json::from_str(metas.payload.as_deref()?).ok()
}

/// The result of a scoped thread; its panic goes on in the caller.
fn joined<T>(h: std::thread::ScopedJoinHandle<'_, tantivy::Result<T>>) -> tantivy::Result<T> {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}

fn first_value(doc: Option<&TantivyDocument>, field: Field) -> Option<String> {
    doc?.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
}

fn join_values(doc: &TantivyDocument, field: Field) -> String {
    let parts: Vec<&str> = doc.get_all(field).filter_map(|v| v.as_str()).collect();
    parts.join("; ")
}

/// At most `max` bytes of `s` at a character boundary, cut at a word, with "…".
fn prefix(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let cut = s[..end]
        .rfind(char::is_whitespace)
        .filter(|&i| i > max / 2)
        .unwrap_or(end);
    format!("{}…", s[..cut].trim_end())
}

fn hit_from_doc(f: &Fields, doc: &TantivyDocument, score: f32, snippet: Option<Snippet>) -> Hit {
    Hit {
        id: first_value(Some(doc), f.id).unwrap_or_default(),
        title: first_value(Some(doc), f.title).unwrap_or_default(),
        status: first_value(Some(doc), f.status),
        partial: doc
            .get_first(f.partial)
            .and_then(|v| v.as_u64())
            .is_some_and(|p| p == 1),
        phases: doc
            .get_all(f.phases)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        score,
        snippet,
        distance_km: None,
    }
}

/// Convenience for callers that only filter.
pub fn filters_only(filters: Filters, limit: usize) -> SearchRequest {
    SearchRequest {
        query: String::new(),
        filters,
        limit,
        offset: 0,
        facet_limit: 20,
    }
}
