//! The count of a search (total, facets, partial records) from a bitset of
//! its hits per segment, made from the postings of its terms, for the
//! queries the parser makes of plain words and filters: a conjunction of
//! unions of terms (a word in each text field; a filter's values).
//!
//! tantivy finds the hits of such a query by a leapfrog over unions of
//! scorers: every candidate of the rarest word seeks the union of each
//! other word, which refills a window of every field's postings; and it
//! calls the collectors once per hit. Here each union of terms sets its
//! documents in a bitset straight from its postings, a block of 128 at a
//! time, the unions are intersected a word (64 documents) at a time, and
//! any other clause (a phrase, an age range) is asked only about the
//! documents left. Deleted documents are cleared (the warmer lists them);
//! the facets are counted from the bitset whole
//! ([`crate::facet_count::FacetSegment::count_set`]). The hits are the
//! same as tantivy's for the same query; nothing is scored.

use crate::facet_count::{FacetCounter, Tally, for_each_set};
use crate::facet_ords::Generation;
use crate::relevance::PartialHits;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Searcher, SeekDangerResult, SegmentOrdinal, SegmentReader, Term};

/// One clause of a conjunction.
enum Clause {
    /// Documents with any of these terms.
    Terms(Vec<Term>),
    /// Documents any of these match (asked document by document).
    Other(Vec<Box<dyn Weight>>),
}

/// The total, the facet counts and the number of partial records among
/// the hits of `q`, when `q` is a conjunction of clauses at least one of
/// which is a union of terms, and the warmer has made this searcher's
/// generation. `None`: count it the usual way.
pub(crate) fn count(
    searcher: &Searcher,
    q: &dyn Query,
    facets: &FacetCounter,
) -> Option<tantivy::Result<(usize, Tally, u64)>> {
    let generation = facets.generation.clone()?;
    let parts = parts(q)?;
    let run = || -> tantivy::Result<(usize, Tally, u64)> {
        let clauses = clauses(searcher, parts)?;
        let mut total = 0usize;
        let mut partial = 0u64;
        let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let words = hits(reader, &clauses, deleted(&generation, reader)?)?;
            let n: u32 = words.iter().map(|w| w.count_ones()).sum();
            total += n as usize;
            let mut partials = PartialHits.for_segment(ord as SegmentOrdinal, reader)?;
            if partials.partial.is_some() {
                for_each_set(&words, |d| partials.collect(d, 0.0));
            }
            partial += partials.harvest();
            let mut segment = facets.for_segment(ord as SegmentOrdinal, reader)?;
            segment.count_set(words, n);
            fruits.push(segment.harvest());
        }
        Ok((total, facets.merge_fruits(fruits)?, partial))
    };
    Some(run())
}

/// `q` as a conjunction with at least one union of terms; `None` when it
/// is not one.
fn parts(q: &dyn Query) -> Option<Vec<Part<'_>>> {
    let mut parts = Vec::new();
    if !conjunction(q, &mut parts) || !parts.iter().any(|p| matches!(p, Part::Terms(_))) {
        return None;
    }
    Some(parts)
}

/// The clauses of `parts`, those that are not unions of terms weighted
/// (without scoring) for this searcher.
fn clauses(searcher: &Searcher, parts: Vec<Part<'_>>) -> tantivy::Result<Vec<Clause>> {
    let scoring = EnableScoring::disabled_from_searcher(searcher);
    let mut clauses = Vec::with_capacity(parts.len());
    for p in parts {
        clauses.push(match p {
            Part::Terms(t) => Clause::Terms(t),
            Part::Other(qs) => Clause::Other(
                qs.into_iter()
                    .map(|q| q.weight(scoring))
                    .collect::<tantivy::Result<_>>()?,
            ),
        });
    }
    Ok(clauses)
}

/// The deleted documents of `reader`'s segment, as the warmer listed them.
fn deleted<'g>(generation: &'g Generation, reader: &SegmentReader) -> tantivy::Result<&'g [u32]> {
    generation.deleted(reader.segment_id()).ok_or_else(|| {
        tantivy::TantivyError::InternalError("a segment the warmer did not see".into())
    })
}

/// A clause as found in the query.
enum Part<'q> {
    Terms(Vec<Term>),
    Other(Vec<&'q dyn Query>),
}

/// Flattens `q` into `out` as a conjunction of clauses; false when it is
/// not one (a clause that excludes, or optional clauses beside required
/// ones).
fn conjunction<'q>(q: &'q dyn Query, out: &mut Vec<Part<'q>>) -> bool {
    if let Some(b) = q.downcast_ref::<BooleanQuery>()
        && !b.clauses().is_empty()
        && b.clauses().iter().all(|(o, _)| *o == Occur::Must)
    {
        return b
            .clauses()
            .iter()
            .all(|(_, c)| conjunction(c.as_ref(), out));
    }
    if let Some(terms) = term_union(q) {
        out.push(Part::Terms(terms));
        return true;
    }
    if let Some(t) = q.downcast_ref::<TermQuery>() {
        out.push(Part::Terms(vec![t.term().clone()]));
        return true;
    }
    // A union with other clauses (a phrase in each field): each asked on
    // its own, so a phrase is matched only where the other clauses hit.
    if let Some(b) = q.downcast_ref::<BooleanQuery>() {
        if b.get_minimum_number_should_match() <= 1
            && !b.clauses().is_empty()
            && b.clauses().iter().all(|(o, _)| *o == Occur::Should)
        {
            out.push(Part::Other(
                b.clauses().iter().map(|(_, c)| c.as_ref()).collect(),
            ));
            return true;
        }
        return false;
    }
    out.push(Part::Other(vec![q]));
    true
}

/// The terms of `q` when it is a union of single terms (one word in each
/// text field, boosted or not; a filter's values): its hits are the union
/// of their postings.
pub(crate) fn term_union(q: &dyn Query) -> Option<Vec<Term>> {
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

/// The live documents of `reader` that every clause matches, a bit each.
/// The unions of terms come rarest first: the first sets its postings'
/// documents; each next one is intersected the same way, or, when its
/// postings are many times the documents left, asked about those alone
/// (a seek in each term's postings), as are the other clauses.
fn hits(reader: &SegmentReader, clauses: &[Clause], deleted: &[u32]) -> tantivy::Result<Vec<u64>> {
    let len = (reader.max_doc() as usize).div_ceil(64);
    let mut unions = Vec::new();
    for c in clauses {
        let Clause::Terms(terms) = c else { continue };
        let mut infos = Vec::with_capacity(terms.len());
        let mut postings = 0u64;
        for t in terms {
            let inverted = reader.inverted_index(t.field())?;
            if let Some(info) = inverted.get_term_info(t)? {
                postings += u64::from(info.doc_freq);
                infos.push((inverted, info));
            }
        }
        unions.push((postings, infos));
    }
    unions.sort_by_key(|(postings, _)| *postings);
    let mut words: Option<Vec<u64>> = None;
    let mut left = 0u64;
    let mut union = vec![0u64; len];
    for (postings, infos) in &unions {
        if let Some(w) = &mut words
            && *postings > left.saturating_mul(SEEK_BELOW)
        {
            let mut each = infos
                .iter()
                .map(|(inverted, info)| {
                    inverted.read_postings_from_terminfo(info, IndexRecordOption::Basic)
                })
                .collect::<std::io::Result<Vec<_>>>()?;
            keep_matching(w, &mut each);
        } else {
            union.fill(0);
            for (inverted, info) in infos {
                let mut block =
                    inverted.read_block_postings_from_terminfo(info, IndexRecordOption::Basic)?;
                while !block.docs().is_empty() {
                    for &d in block.docs() {
                        if let Some(w) = union.get_mut(d as usize / 64) {
                            *w |= 1u64 << (d % 64);
                        }
                    }
                    block.advance();
                }
            }
            match &mut words {
                None => words = Some(union.clone()),
                Some(w) => {
                    for (a, b) in w.iter_mut().zip(&union) {
                        *a &= b;
                    }
                }
            }
        }
        left = words
            .as_ref()
            .map_or(0, |w| w.iter().map(|x| u64::from(x.count_ones())).sum());
    }
    let mut words = words.unwrap_or_else(|| vec![0; len]);
    for &d in deleted {
        if let Some(w) = words.get_mut(d as usize / 64) {
            *w &= !(1u64 << (d % 64));
        }
    }
    for c in clauses {
        let Clause::Other(weights) = c else { continue };
        let mut scorers = weights
            .iter()
            .map(|w| w.scorer(reader, 1.0))
            .collect::<tantivy::Result<Vec<_>>>()?;
        keep_matching(&mut words, &mut scorers);
    }
    Ok(words)
}

/// A union of terms with more postings than this many times the
/// documents left is asked about those documents instead of read whole.
const SEEK_BELOW: u64 = 16;

/// Clears in `words` every document none of `sets` contains. Each set is
/// asked about a document alone (`seek_danger`: a phrase matched at that
/// document only, not searched for beyond it), in increasing order; what
/// it answers bounds the next document it can hold.
fn keep_matching<D: DocSet>(words: &mut [u64], sets: &mut [D]) {
    let mut next: Vec<u32> = sets.iter().map(DocSet::doc).collect();
    for (i, word) in words.iter_mut().enumerate() {
        let mut bits = *word;
        while bits != 0 {
            let bit = bits.trailing_zeros();
            bits &= bits - 1;
            let d = i as u32 * 64 + bit;
            let mut hit = false;
            for (s, next) in sets.iter_mut().zip(next.iter_mut()) {
                if *next > d {
                    continue;
                }
                match s.seek_danger(d) {
                    SeekDangerResult::Found => {
                        *next = d + 1;
                        hit = true;
                        break;
                    }
                    SeekDangerResult::SeekLowerBound(bound) => *next = bound,
                }
            }
            if !hit {
                *word &= !(1u64 << bit);
            }
        }
    }
}
