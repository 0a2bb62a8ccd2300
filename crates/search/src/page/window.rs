//! Where a page looks first: a range of the first sort key (or of the
//! order key, in the default order) just after the cursor, widened until
//! the page is full.
//!
//! Every trial outside the range comes after every trial inside it, so
//! when the range holds a full page, that page is exact. A range is a
//! fast-field range query, which tantivy answers by scanning the column
//! (a few ns a trial) instead of handing every matching trial to the
//! collector: a page of 100 sorted by start date from 500,000 trials
//! looks at a few hundred.

use super::{Direction, PageRequest, SortBy, SortKey, ordered_i64};
use crate::pieces::{NumPiece, PieceFields};
use std::ops::Bound;
use tantivy::query::{Query, RangeQuery};
use tantivy::{Searcher, Term};

/// What a window ranges over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Axis {
    /// The order key (the default order).
    Order,
    /// The first sort key, in rank order (ascending, `Desc` inverted).
    Key(NumPiece, Direction),
}

/// A range of ranks on one axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Window {
    axis: Axis,
    start: Bound<u64>,
    /// The last rank inside, or `None`: up to the end.
    end: Option<u64>,
    /// The largest rank any trial has.
    last: u64,
    width: u64,
}

/// What to do after a window that did not fill the page.
pub(super) enum Next {
    /// Nothing can follow: the page is what was found.
    Done,
    /// Look at every matching trial (those without the sort value remain).
    FullPass,
    Wider(Window),
}

/// i64 rank of the ordered form back to the value.
fn value_of(ordered: u64) -> i64 {
    (ordered ^ (1 << 63)) as i64
}

fn bound_value(b: Bound<u64>) -> u64 {
    match b {
        Bound::Included(v) | Bound::Excluded(v) => v,
        Bound::Unbounded => 0,
    }
}

impl Window {
    /// The first window of `req`, or `None` when a page must look at every
    /// matching trial: a relevance sort, a first page with a distance
    /// filter (its total counts the trials in the circle while it
    /// collects), a cursor among trials without the sort value, an index
    /// without values.
    pub(super) fn first(
        req: &PageRequest,
        sort: &[SortKey],
        searcher: &Searcher,
        limit: usize,
    ) -> tantivy::Result<Option<Window>> {
        let axis = match sort.first() {
            None => Axis::Order,
            Some(SortKey {
                by: SortBy::Piece(p),
                direction,
            }) => Axis::Key(*p, *direction),
            Some(_) => return Ok(None),
        };
        if req.near.is_some() && req.after.is_none() {
            return Ok(None);
        }
        let Some((lo, hi)) = rank_range(axis, searcher)? else {
            return Ok(None);
        };
        let start = match (&req.after, axis) {
            (Some(c), Axis::Order) => Bound::Excluded(c.order),
            (Some(c), Axis::Key(..)) => match c.ranks.first() {
                // Ties on the first key go on after the cursor.
                Some(&(0, r)) => Bound::Included(r),
                _ => return Ok(None),
            },
            (None, _) => Bound::Included(lo),
        };
        let width = match axis {
            Axis::Order => limit as u64 * 64,
            Axis::Key(p, d) => key_width(p, d, bound_value(start), hi, limit, searcher)?,
        };
        Ok(Some(
            Window {
                axis,
                start,
                end: None,
                last: hi,
                width,
            }
            .with_width(width),
        ))
    }

    fn with_width(mut self, width: u64) -> Window {
        self.width = width;
        let end = bound_value(self.start).saturating_add(width);
        self.end = (end < self.last).then_some(end);
        self
    }

    /// What follows a window that did not fill the page.
    pub(super) fn wider(self) -> Next {
        match (self.end, self.axis) {
            (Some(_), _) => Next::Wider(self.with_width(self.width.saturating_mul(16))),
            (None, Axis::Order) => Next::Done,
            (None, Axis::Key(..)) => Next::FullPass,
        }
    }

    /// The window as a query clause.
    pub(super) fn clause(&self, fields: &PieceFields) -> Box<dyn Query> {
        match self.axis {
            Axis::Order => {
                let term = |v| Term::from_field_u64(fields.order, v);
                Box::new(RangeQuery::new(
                    self.start.map(term),
                    self.end
                        .map_or(Bound::Unbounded, |e| Bound::Included(term(e))),
                ))
            }
            Axis::Key(p, Direction::Asc) => {
                let term = |r| Term::from_field_i64(fields.num(p), value_of(r));
                Box::new(RangeQuery::new(
                    self.start.map(term),
                    self.end
                        .map_or(Bound::Unbounded, |e| Bound::Included(term(e))),
                ))
            }
            Axis::Key(p, Direction::Desc) => {
                // Ranks are inverted values: the window's start is the
                // largest value, its end the smallest.
                let term = |r: u64| Term::from_field_i64(fields.num(p), value_of(!r));
                Box::new(RangeQuery::new(
                    self.end
                        .map_or(Bound::Unbounded, |e| Bound::Included(term(e))),
                    self.start.map(term),
                ))
            }
        }
    }
}

/// How many values evenly spaced through the index [`key_width`] reads.
const SAMPLE: u64 = 2048;

/// A width on the first sort key from `start` that holds about eight pages,
/// estimated from a sample of the values: sort keys such as enrollment are
/// far from evenly spread (most studies enrol a few hundred, a few enrol
/// millions), so a width taken from the range alone would look at nearly
/// every trial.
fn key_width(
    p: NumPiece,
    d: Direction,
    start: u64,
    last: u64,
    limit: usize,
    searcher: &Searcher,
) -> tantivy::Result<u64> {
    let mut ranks = Vec::new();
    let mut total = 0u64;
    for seg in searcher.segment_readers() {
        let Some(c) = seg
            .fast_fields()
            .column_opt::<i64>(&PieceFields::num_name(p))?
        else {
            continue;
        };
        let n = u64::from(c.values.num_vals());
        total += n;
        let step = (n / SAMPLE).max(1) as usize;
        for i in (0..n as u32).step_by(step) {
            let r = ordered_i64(c.values.get_val(i));
            ranks.push(match d {
                Direction::Asc => r,
                Direction::Desc => !r,
            });
        }
    }
    if ranks.is_empty() {
        return Ok(last.saturating_sub(start).max(1));
    }
    ranks.sort_unstable();
    // Each sampled value stands for `total / ranks.len()` values.
    let per = (total / ranks.len() as u64).max(1);
    let want = (limit as u64 * 8 / per).max(2) as usize;
    let at = ranks.partition_point(|&r| r < start);
    Ok(match ranks.get(at + want) {
        Some(&r) => r.saturating_sub(start).max(1),
        None => last.saturating_sub(start).max(1),
    })
}

/// The smallest and largest rank on `axis` over the index's values.
fn rank_range(axis: Axis, searcher: &Searcher) -> tantivy::Result<Option<(u64, u64)>> {
    let mut out: Option<(u64, u64)> = None;
    let mut widen = |lo: u64, hi: u64| {
        out = Some(out.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
    };
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        match axis {
            Axis::Order => {
                if let Some(c) = ff.column_opt::<u64>("v2_order")?
                    && c.values.num_vals() > 0
                {
                    widen(c.min_value(), c.max_value());
                }
            }
            Axis::Key(p, d) => {
                if let Some(c) = ff.column_opt::<i64>(&PieceFields::num_name(p))?
                    && c.values.num_vals() > 0
                {
                    let (lo, hi) = (ordered_i64(c.min_value()), ordered_i64(c.max_value()));
                    match d {
                        Direction::Asc => widen(lo, hi),
                        Direction::Desc => widen(!hi, !lo),
                    }
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_map_back_to_values() {
        for v in [i64::MIN, -20_000, -1, 0, 1, 19_000, i64::MAX] {
            assert_eq!(value_of(ordered_i64(v)), v);
        }
    }
}
