//! A page of a search in the default order (records known in full first,
//! then BM25), in two passes instead of one (which the caller runs on two
//! threads).
//!
//! One pass that scores every hit and counts it for the total and the
//! facets cannot skip anything: tantivy's block-max WAND, which passes over
//! blocks of postings that cannot reach the current top `k`, works only
//! for a collector that wants the best-scored documents alone. So the
//! total, the facet counts and the number of partial records among the
//! hits come from a pass that does not score, and the page from a pass
//! that only ranks by score (pruned). Both are exact: the partial records
//! (registry stubs, rare) displace at most as many known ones, so the best
//! `offset + limit + partial` by score hold the page in the two-tier order.

use crate::facet_count::{FacetCounter, Tally};
use crate::facet_ords::Generation;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

/// Whether tantivy can prune `q` by block-max WAND when it ranks by score
/// alone: a union of term queries (one word in every text field). A
/// conjunction (several words, or a filter) is scored in full either way:
/// it is ranked by the arranged order's collector, beside the count
/// ([`crate::SearchIndex::search_arranged`]).
pub(crate) fn prunable(q: &dyn Query) -> bool {
    q.downcast_ref::<BooleanQuery>().is_some_and(|b| {
        b.clauses().iter().all(|(occur, c)| {
            *occur == Occur::Should
                && (c.as_ref().downcast_ref::<TermQuery>().is_some()
                    || c.as_ref().downcast_ref::<BoostQuery>().is_some())
        })
    })
}

/// A page of hits with their scores, in order.
pub(crate) type Hits = Vec<(Score, DocAddress)>;

/// The total, the facet counts and the number of partial records among
/// the hits: the pass that does not score.
pub(crate) fn count(
    searcher: &Searcher,
    q: &dyn Query,
    facets: FacetCounter,
) -> tantivy::Result<(usize, Tally, u64)> {
    if let Some(terms) = term_union(q)
        && let Some(generation) = facets.generation.clone()
    {
        return count_union(searcher, &terms, &facets, &generation);
    }
    searcher.search(q, &(Count, facets, PartialHits))
}

/// The terms of `q` when it is a union of single terms (one word in each
/// text field, boosted or not): its hits are the union of their postings.
fn term_union(q: &dyn Query) -> Option<Vec<Term>> {
    let b = q.downcast_ref::<BooleanQuery>()?;
    if b.get_minimum_number_should_match() > 1 {
        return None;
    }
    let mut terms = Vec::new();
    for (occur, c) in b.clauses() {
        if *occur != Occur::Should {
            return None;
        }
        if let Some(t) = c.as_ref().downcast_ref::<TermQuery>() {
            terms.push(t.term().clone());
            continue;
        }
        // A boost hides what it wraps but for its terms and its name.
        let boost = c.as_ref().downcast_ref::<BoostQuery>()?;
        if !format!("{boost:?}").starts_with("Boost(query=TermQuery(") {
            return None;
        }
        let mut found = Vec::new();
        boost.query_terms(&mut |t, positions| found.push((t.clone(), positions)));
        match found.as_slice() {
            [(t, false)] => terms.push(t.clone()),
            _ => return None,
        }
    }
    (!terms.is_empty()).then_some(terms)
}

/// [`count`] of a union of terms: each segment's hits set in a bitset
/// straight from the terms' postings, a block of 128 at a time (no union
/// of scorers, no collector called per document), the deleted documents
/// cleared, then counted whole.
fn count_union(
    searcher: &Searcher,
    terms: &[Term],
    facets: &FacetCounter,
    generation: &Generation,
) -> tantivy::Result<(usize, Tally, u64)> {
    let mut total = 0usize;
    let mut partial = 0u64;
    let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let mut words = vec![0u64; (reader.max_doc() as usize).div_ceil(64)];
        for t in terms {
            let inverted = reader.inverted_index(t.field())?;
            let Some(mut postings) = inverted.read_block_postings(t, IndexRecordOption::Basic)?
            else {
                continue;
            };
            while !postings.docs().is_empty() {
                for &d in postings.docs() {
                    if let Some(w) = words.get_mut(d as usize / 64) {
                        *w |= 1u64 << (d % 64);
                    }
                }
                postings.advance();
            }
        }
        let deleted = generation.deleted(reader.segment_id()).ok_or_else(|| {
            tantivy::TantivyError::InternalError("a segment the warmer did not see".into())
        })?;
        for &d in deleted {
            if let Some(w) = words.get_mut(d as usize / 64) {
                *w &= !(1u64 << (d % 64));
            }
        }
        let n: u32 = words.iter().map(|w| w.count_ones()).sum();
        total += n as usize;
        let mut partials = PartialHits.for_segment(ord as SegmentOrdinal, reader)?;
        if partials.partial.is_some() {
            for (i, &word) in words.iter().enumerate() {
                let mut bits = word;
                while bits != 0 {
                    partials.collect(i as u32 * 64 + bits.trailing_zeros(), 0.0);
                    bits &= bits - 1;
                }
            }
        }
        partial += partials.harvest();
        let mut segment = facets.for_segment(ord as SegmentOrdinal, reader)?;
        segment.count_set(words, n);
        fruits.push(segment.harvest());
    }
    Ok((total, facets.merge_fruits(fruits)?, partial))
}

/// The hits after `offset`, at most `limit`, in order, when `partial` of
/// all the hits are partial records: the pass that ranks by score alone
/// (pruned).
pub(crate) fn top(
    searcher: &Searcher,
    q: &dyn Query,
    offset: usize,
    limit: usize,
    partial: u64,
) -> tantivy::Result<Hits> {
    let want = offset + limit;
    let mut top = searcher.search(
        q,
        &TopDocs::with_limit(want + partial as usize).order_by_score(),
    )?;
    if partial > 0 {
        // Known records first; the sort is stable, so the score order (and
        // its tie-break) holds within each tier.
        let is_partial = |a: &DocAddress| {
            searcher
                .segment_reader(a.segment_ord)
                .fast_fields()
                .u64("partial")
                .ok()
                .and_then(|c| c.first(a.doc_id))
                .is_some_and(|v| v > 0)
        };
        top.sort_by_key(|(_, a)| is_partial(a));
    }
    Ok(top.into_iter().skip(offset).take(limit).collect())
}

/// Counts the hits that are partial records.
struct PartialHits;

struct PartialSegment {
    /// `None` in a segment without partial records: nothing to look up.
    partial: Option<Column<u64>>,
    n: u64,
}

impl Collector for PartialHits {
    type Fruit = u64;
    type Child = PartialSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let partial = reader
            .fast_fields()
            .column_opt::<u64>("partial")?
            .filter(|c| c.max_value() > 0);
        Ok(PartialSegment { partial, n: 0 })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<u64>) -> tantivy::Result<u64> {
        Ok(fruits.into_iter().sum())
    }
}

impl SegmentCollector for PartialSegment {
    type Fruit = u64;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(c) = &self.partial
            && c.first(doc).is_some_and(|v| v > 0)
        {
            self.n += 1;
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        if let Some(c) = &self.partial {
            self.n += docs
                .iter()
                .filter(|&&d| c.first(d).is_some_and(|v| v > 0))
                .count() as u64;
        }
    }

    fn harvest(self) -> u64 {
        self.n
    }
}
