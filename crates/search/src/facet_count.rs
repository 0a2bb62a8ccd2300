//! Facet counts of a search, by dimension and value.
//!
//! tantivy's `FacetCollector` turns every counted facet ordinal into its
//! text with one dictionary lookup each, decompressing a dictionary block
//! (and creating a zstd context) per lookup: a query with 40,000 hits over
//! thousands of distinct conditions and countries spent nine tenths of its
//! time there. This collector counts ordinals per segment into an array,
//! a block of documents at a time, and reads the texts of the counted
//! ordinals in one sorted pass over the dictionary, each block once.
//!
//! The texts stay bytes in one buffer per segment, in dictionary order, so
//! the segments' counts merge in one linear pass each, without hashing or
//! a string per value (a frequent word counts tens of thousands of distinct
//! conditions in every segment: hashing `(String, String)` keys was a
//! quarter of such a search). Strings are made only for the values shown.
//!
//! Reading a document's ordinals from the facet column (bit-unpacking,
//! an optional-index rank, a start and an end offset) is most of what is
//! left for a query with 100,000 hits or more. [`FacetWarmer`] copies each
//! segment's ordinals, deduplicated per document, into two plain arrays
//! when a reader first sees the segment (segments never change; a
//! deleted document is never collected), so counting a hit is a few
//! increments. About 4 bytes per facet value of the registry.
//!
//! The warmer also gives every searcher one ordinal space for the facets
//! of all its segments ([`crate::facet_ords::Global`]): each segment's
//! counts are added into one array through its map, and only the values
//! shown become text ([`Tally`]).

use crate::FacetCount;
pub use crate::facet_ords::FacetWarmer;
use crate::facet_ords::{DenseFacets, Generation, Global};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::fastfield::FacetReader;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// Counted facets, sorted by their encoded text (`dimension\0value`), so
/// the values of a dimension are contiguous.
#[derive(Debug, Default)]
pub struct Counts {
    text: Vec<u8>,
    /// End of each facet's text in `text` (its start is the previous end).
    ends: Vec<u32>,
    counts: Vec<u64>,
}

impl Counts {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn term(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn push(&mut self, term: &[u8], n: u64) {
        self.text.extend_from_slice(term);
        self.ends.push(self.text.len() as u32);
        self.counts.push(n);
    }

    /// The sum of two sorted counts, sorted.
    fn merge(a: &Counts, b: &Counts) -> Counts {
        let mut out = Counts {
            text: Vec::with_capacity(a.text.len() + b.text.len()),
            ends: Vec::with_capacity(a.len() + b.len()),
            counts: Vec::with_capacity(a.len() + b.len()),
        };
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let (x, y) = (a.term(i), b.term(j));
            match x.cmp(y) {
                std::cmp::Ordering::Less => {
                    out.push(x, a.counts[i]);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(y, b.counts[j]);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    out.push(x, a.counts[i] + b.counts[j]);
                    i += 1;
                    j += 1;
                }
            }
        }
        for k in i..a.len() {
            out.push(a.term(k), a.counts[k]);
        }
        for k in j..b.len() {
            out.push(b.term(k), b.counts[k]);
        }
        out
    }

    /// Per dimension of `dimensions`: its values with their counts, most
    /// frequent first (then by value); at most `limit` values for the
    /// dimensions in `limited`.
    pub fn by_dimension(
        &self,
        dimensions: &[&str],
        limited: &[&str],
        limit: usize,
    ) -> BTreeMap<String, Vec<FacetCount>> {
        // (dimension, value range in `text`, count) of every well-formed
        // facet: an encoded facet is its path's parts separated by 0 bytes.
        let mut groups: BTreeMap<&[u8], Vec<(Range<usize>, u64)>> = BTreeMap::new();
        let mut start = 0usize;
        for (i, &end) in self.ends.iter().enumerate() {
            let end = end as usize;
            let bytes = &self.text[start..end];
            if let Some((dim, value)) = crate::facet_ords::dimension_value(bytes) {
                groups
                    .entry(dim)
                    .or_default()
                    .push((end - value.len()..end, self.counts[i]));
            }
            start = end;
        }
        let mut out = BTreeMap::new();
        for d in dimensions {
            let mut values = groups.remove(d.as_bytes()).unwrap_or_default();
            let order = |a: &(Range<usize>, u64), b: &(Range<usize>, u64)| {
                b.1.cmp(&a.1)
                    .then_with(|| self.text[a.0.clone()].cmp(&self.text[b.0.clone()]))
            };
            crate::facet_ords::keep_first(&mut values, limited.contains(d).then_some(limit), order);
            out.insert(
                (*d).to_string(),
                values
                    .into_iter()
                    .map(|(r, count)| FacetCount {
                        value: String::from_utf8_lossy(&self.text[r]).into_owned(),
                        count,
                    })
                    .collect(),
            );
        }
        out
    }
}

/// The facet counts of a search: by text (segments merged as bytes), or
/// by the searcher's ordinal space when every segment had its arrays.
pub enum Tally {
    Text(Counts),
    Global {
        global: Arc<Global>,
        counts: Vec<u64>,
    },
}

impl Tally {
    /// Per dimension of `dimensions`: its values with their counts, most
    /// frequent first (then by value); at most `limit` values for the
    /// dimensions in `limited`.
    pub fn by_dimension(
        &self,
        dimensions: &[&str],
        limited: &[&str],
        limit: usize,
    ) -> BTreeMap<String, Vec<FacetCount>> {
        match self {
            Tally::Text(c) => c.by_dimension(dimensions, limited, limit),
            Tally::Global { global, counts } => {
                global.by_dimension(counts, dimensions, limited, limit)
            }
        }
    }
}

/// One segment's counts: as text, or by its own ordinals to be mapped
/// into the searcher's space.
pub enum Counted {
    Text(Counts),
    Local {
        segment: SegmentId,
        counts: Vec<u32>,
    },
}

/// Counts the `/dimension/value` facets of the field `field` over the
/// matching documents (each facet once per document), from the warmer's
/// arrays where it holds the segment's, else from the column.
pub struct FacetCounter {
    pub field: &'static str,
    pub warmed: Option<Arc<FacetWarmer>>,
    /// The searcher's ordinal space and deleted documents
    /// ([`FacetWarmer::generation`]).
    pub generation: Option<Arc<Generation>>,
}

impl FacetCounter {
    /// A counter for searches of `searcher`, with the warmer's arrays.
    pub fn new(field: &'static str, warmed: Arc<FacetWarmer>, searcher: &Searcher) -> Self {
        FacetCounter {
            field,
            generation: warmed.generation(searcher),
            warmed: Some(warmed),
        }
    }

    fn global(&self) -> Option<&Arc<Global>> {
        self.generation.as_ref().map(|g| &g.global)
    }
}

pub struct FacetSegment {
    source: Source,
    counts: Vec<u32>,
}

enum Source {
    /// The warmed arrays; the matching documents are marked in `hits` (a
    /// bit each) and counted when the segment is done, from the smaller
    /// side: the hits, or the others subtracted from the totals. `global`:
    /// the segment is in the searcher's ordinal space.
    Dense {
        facets: Arc<DenseFacets>,
        hits: Vec<u64>,
        n: u32,
        max_doc: u32,
        segment: SegmentId,
        global: bool,
    },
    Column {
        reader: FacetReader,
        /// The facet ordinals of each document, read a document's run at
        /// a time (one call instead of one per value).
        ords: Column<u64>,
        last: Vec<u32>,
        buf: Vec<u64>,
    },
}

impl Collector for FacetCounter {
    type Fruit = Tally;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let segment = reader.segment_id();
        let dense = self.warmed.as_ref().and_then(|w| w.get(segment));
        let (source, n) = match dense {
            Some(facets) => {
                let n = facets.terms.len();
                let global = self
                    .global()
                    .and_then(|g| g.map(segment))
                    .is_some_and(|m| m.len() == n);
                (
                    Source::Dense {
                        facets,
                        hits: vec![0; (reader.max_doc() as usize).div_ceil(64)],
                        n: 0,
                        max_doc: reader.max_doc(),
                        segment,
                        global,
                    },
                    n,
                )
            }
            None => {
                let facets = reader.facet_reader(self.field)?;
                let n = facets.num_facets();
                match reader.fast_fields().str(self.field)? {
                    Some(c) => (
                        Source::Column {
                            reader: facets,
                            ords: c.ords().clone(),
                            last: vec![0; n],
                            buf: Vec::new(),
                        },
                        n,
                    ),
                    None => {
                        return Err(tantivy::TantivyError::SchemaError(format!(
                            "no facet column {}",
                            self.field
                        )));
                    }
                }
            }
        };
        Ok(FacetSegment {
            source,
            counts: vec![0; n],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counted>) -> tantivy::Result<Tally> {
        if let Some(global) = self.global()
            && fruits.iter().all(|f| matches!(f, Counted::Local { .. }))
        {
            let mut counts = vec![0u64; global.len()];
            for f in &fruits {
                if let Counted::Local { segment, counts: c } = f
                    && let Some(map) = global.map(*segment)
                {
                    for (&n, &g) in c.iter().zip(map) {
                        if n > 0 {
                            counts[g as usize] += u64::from(n);
                        }
                    }
                }
            }
            return Ok(Tally::Global {
                global: global.clone(),
                counts,
            });
        }
        // In pairs, rounds of them: each merge is linear in both inputs,
        // so each segment's values are walked once per round (log2 of the
        // segments), not once per segment merged after them.
        let mut fruits: Vec<Counts> = fruits
            .into_iter()
            .map(|f| match f {
                Counted::Text(c) => c,
                Counted::Local { segment, counts } => {
                    let mut out = Counts::default();
                    if let Some((global, map)) =
                        self.global().and_then(|g| g.map(segment).map(|m| (g, m)))
                    {
                        for (&n, &g) in counts.iter().zip(map) {
                            if n > 0 {
                                out.push(global.term(g), u64::from(n));
                            }
                        }
                    }
                    out
                }
            })
            .collect();
        while fruits.len() > 1 {
            let mut next = Vec::with_capacity(fruits.len().div_ceil(2));
            let mut it = fruits.into_iter();
            while let Some(a) = it.next() {
                next.push(match it.next() {
                    Some(b) => Counts::merge(&a, &b),
                    None => a,
                });
            }
            fruits = next;
        }
        Ok(Tally::Text(fruits.pop().unwrap_or_default()))
    }
}

impl FacetSegment {
    /// Count every document set in `words` (a bit each, by document; no
    /// deleted one), `n` of them: a segment's hits at once.
    pub fn count_set(&mut self, words: Vec<u64>, n: u32) {
        match &mut self.source {
            Source::Dense {
                hits, n: marked, ..
            } => {
                *hits = words;
                *marked = n;
            }
            Source::Column { .. } => for_each_set(&words, |d| self.count(d)),
        }
    }

    #[inline]
    fn count(&mut self, doc: DocId) {
        match &mut self.source {
            Source::Dense { hits, n, .. } => {
                if let Some(w) = hits.get_mut(doc as usize / 64) {
                    let bit = 1u64 << (doc % 64);
                    if *w & bit == 0 {
                        *w |= bit;
                        *n += 1;
                    }
                }
            }
            Source::Column {
                ords, last, buf, ..
            } => {
                let rows = ords.index.value_row_ids(doc);
                buf.resize((rows.end - rows.start) as usize, 0);
                ords.values.get_range(u64::from(rows.start), buf);
                // Each facet once per document: `last` holds, per ordinal,
                // the document (plus one) that last counted it.
                let mark = doc + 1;
                for &o in buf.iter() {
                    let o = o as usize;
                    if let (Some(c), Some(l)) = (self.counts.get_mut(o), last.get_mut(o))
                        && *l != mark
                    {
                        *l = mark;
                        *c += 1;
                    }
                }
            }
        }
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = Counted;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.count(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for &doc in docs {
            self.count(doc);
        }
    }

    fn harvest(mut self) -> Counted {
        match &self.source {
            Source::Dense {
                facets,
                hits,
                n,
                max_doc,
                segment,
                global,
            } => {
                count_marked(&mut self.counts, facets, hits, *n, *max_doc);
                if *global {
                    return Counted::Local {
                        segment: *segment,
                        counts: self.counts,
                    };
                }
                let mut out = Counts::default();
                for (o, &n) in self.counts.iter().enumerate() {
                    if n > 0 {
                        out.push(facets.terms.get(o), u64::from(n));
                    }
                }
                Counted::Text(out)
            }
            Source::Column { reader, .. } => {
                let ords: Vec<u64> = (0..self.counts.len() as u64)
                    .filter(|&o| self.counts[o as usize] > 0)
                    .collect();
                let mut out = Counts {
                    text: Vec::with_capacity(ords.len() * 24),
                    ends: Vec::with_capacity(ords.len()),
                    counts: Vec::with_capacity(ords.len()),
                };
                let mut i = 0;
                // The texts come in the order of `ords`, which is the
                // dictionary's (sorted) order; an unreadable dictionary
                // leaves the counts read so far.
                let _ = reader.facet_dict().sorted_ords_to_term_cb(&ords, |bytes| {
                    let n = ords.get(i).map_or(0, |&o| self.counts[o as usize]);
                    i += 1;
                    out.push(bytes, u64::from(n));
                });
                Counted::Text(out)
            }
        }
    }
}

/// Adds to `counts` the facets of the documents marked in `hits` (`n` of
/// `max_doc`): directly when they are at most half, else as the totals
/// less the facets of the documents not marked.
fn count_marked(counts: &mut [u32], facets: &DenseFacets, hits: &[u64], n: u32, max_doc: u32) {
    let most = u64::from(n) * 2 > u64::from(max_doc);
    if most {
        for (c, t) in counts.iter_mut().zip(&facets.totals) {
            *c += t;
        }
    }
    for (i, &word) in hits.iter().enumerate() {
        let mut bits = if most { !word } else { word };
        while bits != 0 {
            let doc = i * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if doc >= max_doc as usize {
                break;
            }
            for &o in facets.of(doc) {
                if let Some(c) = counts.get_mut(o as usize) {
                    if most {
                        *c = c.saturating_sub(1);
                    } else {
                        *c += 1;
                    }
                }
            }
        }
    }
}

/// Calls `f` with every document set in `words`, in order.
pub(crate) fn for_each_set(words: &[u64], mut f: impl FnMut(DocId)) {
    for (i, &word) in words.iter().enumerate() {
        let mut bits = word;
        while bits != 0 {
            f(i as u32 * 64 + bits.trailing_zeros());
            bits &= bits - 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(items: &[(&str, u64)]) -> Counts {
        let mut c = Counts::default();
        for (t, n) in items {
            c.push(t.replace('/', "\0").as_bytes(), *n);
        }
        c
    }

    /// The warmed arrays and the column count the same, each facet once
    /// per document, over several segments and with a deleted document.
    #[test]
    fn warmed_and_column_counts_agree() {
        use tantivy::schema::{FacetOptions, STRING, Schema};
        use tantivy::{Index, TantivyDocument, Term, Warmer, schema::Facet};
        let mut b = Schema::builder();
        let facets = b.add_facet_field("facets", FacetOptions::default());
        let id = b.add_text_field("id", STRING);
        let group = b.add_text_field("group", STRING);
        let index = Index::create_in_ram(b.build());
        let warmer = Arc::new(FacetWarmer::new("facets"));
        let w: Arc<dyn Warmer> = warmer.clone();
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .warmers(vec![Arc::downgrade(&w)])
            .try_into()
            .unwrap();
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        for commit in 0..3 {
            for i in 0..40u32 {
                let mut d = TantivyDocument::default();
                d.add_text(id, format!("{commit}-{i}"));
                d.add_text(group, format!("g{}", i % 3));
                if commit == 2 && i % 5 == 0 {
                    // A value only the last segment has.
                    d.add_facet(facets, Facet::from_path(["country", "Zambia"]));
                }
                d.add_facet(
                    facets,
                    Facet::from_path(["country", ["Chile", "China", "Peru"][(i % 3) as usize]]),
                );
                // Twice the same value in one document counts once.
                d.add_facet(facets, Facet::from_path(["country", "Chile"]));
                if i % 4 == 0 {
                    d.add_facet(facets, Facet::from_path(["phase", "PHASE2"]));
                }
                writer.add_document(d).unwrap();
            }
            writer.commit().unwrap();
        }
        writer.delete_term(Term::from_field_text(id, "1-3"));
        writer.commit().unwrap();
        reader.reload().unwrap();
        let searcher = reader.searcher();
        assert!(searcher.segment_readers().len() > 1);
        let all = tantivy::query::AllQuery;
        let third = tantivy::query::TermQuery::new(
            Term::from_field_text(group, "g1"),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let count = |q: &dyn tantivy::query::Query,
                     warmed: Option<Arc<FacetWarmer>>,
                     generation: Option<Arc<Generation>>| {
            let want_global = generation.is_some();
            let c = searcher
                .search(
                    q,
                    &FacetCounter {
                        field: "facets",
                        warmed,
                        generation,
                    },
                )
                .unwrap();
            assert_eq!(global_used(&c), want_global);
            c.by_dimension(&["country", "phase"], &["country"], 3)
        };
        let global = warmer.generation(&searcher);
        assert!(global.is_some());
        for q in [&all as &dyn tantivy::query::Query, &third] {
            let by_column = count(q, None, None);
            let by_arrays = count(q, Some(warmer.clone()), None);
            let by_global = count(q, Some(warmer.clone()), global.clone());
            assert_eq!(by_arrays, by_column);
            assert_eq!(by_global, by_column);
        }
        let by_arrays = count(&all, Some(warmer.clone()), global.clone());
        assert!(
            searcher
                .segment_readers()
                .iter()
                .all(|s| warmer.get(s.segment_id()).is_some())
        );
        let got: Vec<(String, u64)> = by_arrays["country"]
            .iter()
            .map(|f| (f.value.clone(), f.count))
            .collect();
        // 119 documents: every one in Chile; i % 3 == 1 in China (40 per
        // commit: 13 each, less the deleted 1-3? 3 % 3 == 0, so none);
        // Zambia only in the last commit (i % 5 == 0), cut by the limit.
        assert_eq!(
            got,
            [
                ("Chile".to_string(), 119),
                ("China".to_string(), 39),
                ("Peru".to_string(), 39)
            ]
        );
        let third_countries = count(&third, Some(warmer.clone()), global.clone());
        // g1 (i % 3 == 1): in China, and Chile as every document; in
        // Zambia for i = 10 and 25 of the last commit.
        assert_eq!(
            third_countries["country"]
                .iter()
                .map(|f| (f.value.as_str(), f.count))
                .collect::<Vec<_>>(),
            [("Chile", 39), ("China", 39), ("Zambia", 2)]
        );
        assert_eq!(by_arrays["phase"][0].count, 30);
    }

    fn global_used(t: &Tally) -> bool {
        matches!(t, Tally::Global { .. })
    }

    #[test]
    fn merging_sums_equal_facets_and_keeps_the_order() {
        let a = counts(&[("country/China", 2), ("country/France", 1), ("sex/ALL", 3)]);
        let b = counts(&[
            ("country/Chile", 4),
            ("country/France", 5),
            ("status/RECRUITING", 1),
        ]);
        let m = Counts::merge(&a, &b);
        let got: Vec<(String, u64)> = (0..m.len())
            .map(|i| {
                (
                    String::from_utf8_lossy(m.term(i)).replace('\0', "/"),
                    m.counts[i],
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("country/Chile".to_string(), 4),
                ("country/China".to_string(), 2),
                ("country/France".to_string(), 6),
                ("sex/ALL".to_string(), 3),
                ("status/RECRUITING".to_string(), 1),
            ]
        );
    }

    #[test]
    fn dimensions_list_the_most_frequent_first_and_cut_only_the_limited() {
        let c = counts(&[
            ("country/Chile", 4),
            ("country/China", 4),
            ("country/France", 6),
            ("phase/PHASE1", 1),
            ("phase/PHASE2", 2),
            ("phase/PHASE3", 3),
        ]);
        let d = c.by_dimension(&["country", "phase", "sex"], &["country"], 2);
        let names = |k: &str| -> Vec<(String, u64)> {
            d[k].iter().map(|f| (f.value.clone(), f.count)).collect()
        };
        assert_eq!(
            names("country"),
            [("France".to_string(), 6), ("Chile".to_string(), 4)]
        );
        assert_eq!(
            names("phase"),
            [
                ("PHASE3".to_string(), 3),
                ("PHASE2".to_string(), 2),
                ("PHASE1".to_string(), 1)
            ]
        );
        assert!(d["sex"].is_empty());
    }
}
