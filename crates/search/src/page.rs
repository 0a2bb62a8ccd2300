//! Paging through any result set in a stable order: a page is the first
//! `limit` matching trials strictly after a cursor, in the order of the
//! requested sort keys with the trial's [`order_key`] breaking every tie,
//! so consecutive pages neither repeat nor skip a trial however many there
//! are. The cursor is the sort position of the last trial of the previous
//! page, not an offset: the cost of a page does not grow with its depth.
//!
//! One pass over the matching trials per page (their sort values come
//! from fast fields), which also counts them and applies a distance filter
//! to the sites' points.

use crate::pieces::{NumPiece, PieceFields, id_of_order_key, order_key, unpack_point};
use crate::query::{Expr, ExprBuilder};
use crate::{Result, SearchIndex};
use std::collections::BinaryHeap;
use std::ops::Bound;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery};
use tantivy::schema::Value;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term};
use window::{Next, Window};

mod window;

/// What to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// BM25 score of the text parts of the query.
    Relevance,
    /// A date or number; trials without one come last in either direction.
    Piece(NumPiece),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    pub by: SortBy,
    pub direction: Direction,
}

/// Within `radius_km` of a point: of any of a trial's located sites.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub center: eligo_geo::Point,
    pub radius: eligo_geo::Distance,
}

/// One page of a search.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest {
    /// What the trials are searched for (its text is scored).
    pub query: Expr,
    /// What they must also satisfy (never scored).
    pub filter: Expr,
    pub near: Option<Near>,
    /// At most two keys apply before the tie-break; empty means relevance
    /// when the query has text, else the default order.
    pub sort: Vec<SortKey>,
    /// Where the previous page ended.
    pub after: Option<Cursor>,
    pub limit: usize,
}

/// A position in a sorted result: the sort ranks of one trial and its
/// order key. Opaque to callers; [`Cursor::encode`] makes it a token.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    ranks: Vec<Rank>,
    order: u64,
}

/// A sort value made comparable in ascending order: missing values last,
/// descending values inverted.
type Rank = (u8, u64);

impl Cursor {
    /// The cursor as text (hex, one part per key), for a page token.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (missing, v) in &self.ranks {
            out.push_str(&format!("{missing:x}{v:016x}."));
        }
        out.push_str(&format!("{:016x}", self.order));
        out
    }

    /// The cursor [`Cursor::encode`] wrote, if `s` is one with `keys` sort
    /// keys.
    pub fn decode(s: &str, keys: usize) -> Option<Cursor> {
        let parts: Vec<&str> = s.split('.').collect();
        if parts.len() != keys + 1 {
            return None;
        }
        let hex16 = |p: &str| {
            (p.len() == 16 && p.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| u64::from_str_radix(p, 16).ok())
                .flatten()
        };
        let mut ranks = Vec::new();
        for p in &parts[..keys] {
            if p.len() != 17 || !matches!(&p[..1], "0" | "1") {
                return None;
            }
            ranks.push((u8::from(&p[..1] == "1"), hex16(&p[1..])?));
        }
        Some(Cursor {
            ranks,
            order: hex16(parts[keys])?,
        })
    }
}

/// A page of trial ids in order, the cursor after its last trial when
/// more may follow, and the number of trials matching (exact for a first
/// page, one without a cursor; later pages may count less).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub ids: Vec<String>,
    pub next: Option<Cursor>,
    pub total: u64,
}

/// i64 → u64 keeping the order.
fn ordered_i64(v: i64) -> u64 {
    (v as u64) ^ (1 << 63)
}

/// f32 → u64 keeping the order (total order on the bits).
fn ordered_f32(v: f32) -> u64 {
    let b = v.to_bits();
    u64::from(if b >> 31 == 1 { !b } else { b | (1 << 31) })
}

fn rank(v: Option<u64>, d: Direction) -> Rank {
    match (v, d) {
        (None, _) => (1, 0),
        (Some(v), Direction::Asc) => (0, v),
        (Some(v), Direction::Desc) => (0, !v),
    }
}

/// The keys actually applied: the default when none are given.
pub fn effective_sort(req: &PageRequest) -> Vec<SortKey> {
    if req.sort.is_empty() && req.query.has_text() {
        vec![SortKey {
            by: SortBy::Relevance,
            direction: Direction::Desc,
        }]
    } else {
        req.sort.clone()
    }
}

struct PageCollector {
    sort: Vec<SortKey>,
    after: Option<Cursor>,
    limit: usize,
    near: Option<Near>,
}

/// Sort keys a [`Pos`] holds: more than the two the API allows are
/// compared through the first [`MAX_KEYS`] only.
const MAX_KEYS: usize = 2;

/// A [`Cursor`] without its heap allocation, for the per-document work of
/// collecting: unused keys are `(0, 0)` in every position compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pos {
    ranks: [Rank; MAX_KEYS],
    order: u64,
}

impl Pos {
    fn of(c: &Cursor) -> Pos {
        let mut ranks = [(0, 0); MAX_KEYS];
        for (slot, r) in ranks.iter_mut().zip(&c.ranks) {
            *slot = *r;
        }
        Pos {
            ranks,
            order: c.order,
        }
    }

    fn cursor(&self, keys: usize) -> Cursor {
        Cursor {
            ranks: self.ranks[..keys.min(MAX_KEYS)].to_vec(),
            order: self.order,
        }
    }
}

/// A candidate: its position and where it is.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Candidate {
    at: Pos,
    doc: (SegmentOrdinal, DocId),
}

struct PageSegment {
    segment: SegmentOrdinal,
    sort: Vec<(SortKey, Option<Column<i64>>)>,
    order: Option<Column<u64>>,
    geo: Option<Column<u64>>,
    near: Option<Near>,
    after: Option<Pos>,
    limit: usize,
    /// The best `limit` so far, worst on top.
    heap: BinaryHeap<Candidate>,
    total: u64,
}

impl Collector for PageCollector {
    type Fruit = (Vec<Candidate>, u64);
    type Child = PageSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<PageSegment> {
        let ff = reader.fast_fields();
        let mut sort = Vec::new();
        for k in &self.sort {
            let col = match k.by {
                SortBy::Relevance => None,
                SortBy::Piece(p) => ff.column_opt::<i64>(&PieceFields::num_name(p))?,
            };
            sort.push((*k, col));
        }
        Ok(PageSegment {
            segment,
            sort,
            order: ff.column_opt::<u64>("v2_order")?,
            geo: if self.near.is_some() {
                ff.column_opt::<u64>("v2_geo")?
            } else {
                None
            },
            near: self.near,
            after: self.after.as_ref().map(Pos::of),
            limit: self.limit,
            heap: BinaryHeap::new(),
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort.iter().any(|k| k.by == SortBy::Relevance)
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<Candidate>, u64)>) -> tantivy::Result<Self::Fruit> {
        let total = fruits.iter().map(|(_, n)| n).sum();
        let mut all: Vec<Candidate> = fruits.into_iter().flat_map(|(c, _)| c).collect();
        all.sort();
        all.truncate(self.limit);
        Ok((all, total))
    }
}

impl PageSegment {
    fn near_enough(&self, doc: DocId) -> bool {
        let (Some(near), Some(geo)) = (self.near, &self.geo) else {
            return self.near.is_none();
        };
        geo.values_for_doc(doc).any(|v| {
            let (lat, lon) = unpack_point(v);
            eligo_geo::Point::new(lat, lon).is_ok_and(|p| {
                near.radius
                    .covers_km(eligo_geo::distance_km(near.center, p))
            })
        })
    }
}

impl SegmentCollector for PageSegment {
    type Fruit = (Vec<Candidate>, u64);

    fn collect(&mut self, doc: DocId, score: Score) {
        if !self.near_enough(doc) {
            return;
        }
        self.total += 1;
        let mut ranks = [(0, 0); MAX_KEYS];
        for (slot, (k, col)) in ranks.iter_mut().zip(&self.sort) {
            let v = match k.by {
                SortBy::Relevance => Some(ordered_f32(score)),
                SortBy::Piece(_) => col.as_ref().and_then(|c| c.first(doc)).map(ordered_i64),
            };
            *slot = rank(v, k.direction);
        }
        // The sort ranks alone decide most documents (before the cursor,
        // or after the worst of a full page): the order key, a column
        // read, only breaks ties.
        if self.after.is_some_and(|a| ranks < a.ranks) {
            return;
        }
        let full = self.heap.len() == self.limit;
        if full && self.heap.peek().is_some_and(|worst| ranks > worst.at.ranks) {
            return;
        }
        let at = Pos {
            ranks,
            order: self
                .order
                .as_ref()
                .and_then(|c| c.first(doc))
                .unwrap_or(u64::MAX),
        };
        if self.after.is_some_and(|a| at <= a) {
            return;
        }
        if full && self.heap.peek().is_some_and(|worst| at >= worst.at) {
            return;
        }
        self.heap.push(Candidate {
            at,
            doc: (self.segment, doc),
        });
        if self.heap.len() > self.limit {
            self.heap.pop();
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.heap.into_vec(), self.total)
    }
}

impl SearchIndex {
    fn expr_builder(&self) -> Result<ExprBuilder<'_>> {
        Ok(ExprBuilder {
            fields: &self.fields,
            analyzer: self.analyzer(self.fields.v2.text(crate::pieces::TextPiece::BriefTitle))?,
        })
    }

    /// The query, filter and distance of `req` as one tantivy query.
    fn page_query(&self, req: &PageRequest, window: Option<&Window>) -> Result<Box<dyn Query>> {
        let mut b = self.expr_builder()?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, b.build(&req.query))];
        if req.filter != Expr::All {
            clauses.push((Occur::Must, b.build(&req.filter)));
        }
        if let Some(near) = req.near {
            // The band of latitudes the circle spans; the exact distance is
            // checked per site while collecting.
            let dlat = near.radius.to_km() / 111.0 + 0.01;
            let lo = crate::pieces::pack_point((near.center.lat() - dlat).max(-90.0), -180.0);
            let hi = crate::pieces::pack_point((near.center.lat() + dlat).min(90.0), 180.0);
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_u64(self.fields.v2.geo, lo)),
                    Bound::Included(Term::from_field_u64(self.fields.v2.geo, hi)),
                )),
            ));
        }
        if let Some(w) = window {
            clauses.push((Occur::Must, w.clause(&self.fields.v2)));
        }
        Ok(if clauses.len() == 1 {
            clauses
                .pop()
                .map(|(_, q)| q)
                .unwrap_or_else(|| Box::new(tantivy::query::AllQuery))
        } else {
            Box::new(BooleanQuery::new(clauses))
        })
    }

    /// One page of trials matching `req`, in its sort order.
    ///
    /// A page looks first at a [`Window`] of the first sort key (the order
    /// key in the default order) just after the cursor, widening it until
    /// the page is full or the window reaches the end: a page rarely needs
    /// more than one or two windows, instead of a pass over every matching
    /// trial. A first page's total is then counted apart, which tantivy
    /// does without visiting each trial for a plain query.
    pub fn page(&self, req: &PageRequest) -> Result<Page> {
        let sort = effective_sort(req);
        let limit = req.limit.max(1);
        let searcher = self.reader.searcher();
        let collector = PageCollector {
            sort: sort.clone(),
            after: req.after.clone(),
            limit,
            near: req.near,
        };
        let mut window = Window::first(req, &sort, &searcher, limit)?;
        let (found, total, counted_all) = loop {
            let q = self.page_query(req, window.as_ref())?;
            let (found, total) = searcher.search(&*q, &collector)?;
            match window {
                Some(w) if found.len() < limit => match w.wider() {
                    Next::Wider(w) => window = Some(w),
                    Next::FullPass => window = None,
                    Next::Done => break (found, total, false),
                },
                _ => break (found, total, window.is_none()),
            }
        };
        let total = if counted_all || req.after.is_some() {
            total
        } else {
            let q = self.page_query(req, None)?;
            searcher.search(&*q, &tantivy::collector::Count)? as u64
        };
        let mut ids = Vec::with_capacity(found.len());
        for c in &found {
            let id = match id_of_order_key(c.at.order) {
                Some(id) => id,
                None => {
                    let doc: TantivyDocument = searcher.doc(DocAddress::new(c.doc.0, c.doc.1))?;
                    doc.get_first(self.fields.id)
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                }
            };
            ids.push(id);
        }
        let next = (found.len() == limit)
            .then(|| found.last().map(|c| c.at.cursor(sort.len())))
            .flatten();
        Ok(Page { ids, next, total })
    }

    /// How many trials match `expr`.
    pub fn count(&self, expr: &Expr) -> Result<u64> {
        let mut b = self.expr_builder()?;
        let q = b.build(expr);
        Ok(self
            .reader
            .searcher()
            .search(&*q, &tantivy::collector::Count)? as u64)
    }

    /// The smallest and largest value of a numeric piece among all trials.
    pub fn num_range(&self, piece: NumPiece) -> Result<Option<(i64, i64)>> {
        let searcher = self.reader.searcher();
        let mut out: Option<(i64, i64)> = None;
        for seg in searcher.segment_readers() {
            let Some(col) = seg
                .fast_fields()
                .column_opt::<i64>(&PieceFields::num_name(piece))?
            else {
                continue;
            };
            let alive = seg.alive_bitset();
            for doc in 0..seg.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                for v in col.values_for_doc(doc) {
                    out = Some(match out {
                        None => (v, v),
                        Some((lo, hi)) => (lo.min(v), hi.max(v)),
                    });
                }
            }
        }
        Ok(out)
    }
}

/// The sort position a trial with these values has (for tests and tools
/// that need to build a cursor by hand).
pub fn cursor_for(sort: &[SortKey], values: &[Option<i64>], id: &str) -> Cursor {
    Cursor {
        ranks: sort
            .iter()
            .zip(values)
            .map(|(k, v)| rank(v.map(ordered_i64), k.direction))
            .collect(),
        order: order_key(id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_order_scores_and_values_and_put_missing_last() {
        assert!(ordered_f32(1.5) > ordered_f32(0.25));
        assert!(ordered_f32(0.0) > ordered_f32(-1.0));
        assert!(ordered_i64(-5) < ordered_i64(3));
        assert!(rank(Some(5), Direction::Desc) < rank(Some(3), Direction::Desc));
        assert!(rank(Some(u64::MAX), Direction::Asc) < rank(None, Direction::Asc));
        assert!(rank(Some(0), Direction::Desc) < rank(None, Direction::Desc));
    }

    #[test]
    fn cursors_round_trip_through_text_and_refuse_others() {
        let c = Cursor {
            ranks: vec![(0, 42), (1, 0)],
            order: 6_946_485,
        };
        assert_eq!(Cursor::decode(&c.encode(), 2), Some(c.clone()));
        assert_eq!(Cursor::decode(&c.encode(), 1), None);
        assert_eq!(Cursor::decode("zz", 0), None);
        assert_eq!(Cursor::decode("", 0), None);
    }
}
