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
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

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
    if let Some(counted) = crate::hitset::count(searcher, q, &facets) {
        return counted;
    }
    searcher.search(q, &(Count, facets, PartialHits))
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
pub(crate) struct PartialHits;

pub(crate) struct PartialSegment {
    /// `None` in a segment without partial records: nothing to look up.
    pub(crate) partial: Option<Column<u64>>,
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
