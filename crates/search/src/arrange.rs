//! How a search's hits are ordered and where they must be: the sort orders
//! people ask for (relevance, recruiting first, nearest, last updated) and
//! the "near ... within ..." filter, for [`crate::SearchIndex::search_arranged`].
//!
//! Records known only in part (registry stubs: id and title, no status)
//! come after every record known in full in every order; the order chosen
//! applies within each of those two tiers.

use crate::page::Near;
use crate::pieces::{NumPiece, PieceFields, unpack_point};
use crate::schema::key;
use eligo_geo::Point;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED, Term};

/// The order of a result list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best text match first (BM25); every trial alike for an empty query.
    #[default]
    Relevance,
    /// Recruiting, then enrolling by invitation, then not yet recruiting,
    /// then every other status; relevance within each.
    RecruitingFirst,
    /// Nearest located site first (needs a place to measure from); trials
    /// with no located site last.
    Nearest,
    /// Most recently updated record first (the registry's last update
    /// posted); trials without the date last.
    Updated,
}

impl Sort {
    pub const ALL: [Sort; 4] = [
        Sort::Relevance,
        Sort::RecruitingFirst,
        Sort::Nearest,
        Sort::Updated,
    ];

    /// The code used in URLs and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::RecruitingFirst => "recruiting",
            Sort::Nearest => "nearest",
            Sort::Updated => "updated",
        }
    }

    /// Words for a page's sort menu.
    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "Best match",
            Sort::RecruitingFirst => "Recruiting first",
            Sort::Nearest => "Nearest site",
            Sort::Updated => "Last updated",
        }
    }

    /// `relevance`, `recruiting` (or `recruiting_first`), `nearest`,
    /// `updated` (or `last_updated`), any case.
    pub fn from_code(s: &str) -> Option<Sort> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "relevance" | "best" => Some(Sort::Relevance),
            "recruiting" | "recruiting_first" => Some(Sort::RecruitingFirst),
            "nearest" | "distance" => Some(Sort::Nearest),
            "updated" | "last_updated" => Some(Sort::Updated),
            _ => None,
        }
    }
}

/// Sort order and distance filter of one search.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Arrange {
    pub sort: Sort,
    /// Only trials with a located site within the circle; also the point
    /// [`Sort::Nearest`] and each hit's distance are measured from.
    pub near: Option<Near>,
    /// Measure from here without filtering (nearest sort and the distance
    /// of each hit with no radius); ignored when `near` is set.
    pub from: Option<Point>,
}

impl Arrange {
    /// The point distances are measured from.
    pub fn origin(&self) -> Option<Point> {
        self.near.map(|n| n.center).or(self.from)
    }
}

/// Statuses in the order [`Sort::RecruitingFirst`] puts them; the rest
/// come after.
const OPEN_ORDER: [&str; 4] = [
    "RECRUITING",
    "ENROLLING_BY_INVITATION",
    "NOT_YET_RECRUITING",
    "AVAILABLE",
];

/// The distance in km from `from` to the nearest point among a document's
/// site points.
pub(crate) fn nearest_km(geo: &Column<u64>, doc: DocId, from: Point) -> Option<f64> {
    geo.values_for_doc(doc)
        .filter_map(|v| {
            let (lat, lon) = unpack_point(v);
            Point::new(lat, lon).ok()
        })
        .map(|p| eligo_geo::distance_km(from, p))
        .min_by(f64::total_cmp)
}

/// The sort key of one hit: tier (known in full first), the order's own
/// value, then the text score. Larger is better.
pub(crate) type Key = (u8, f64, Score);

/// Builds, per segment, the function that gives each hit its [`Key`].
pub(crate) struct Keyer {
    pub arrange: Arrange,
    pub keys_field: Field,
}

impl Keyer {
    pub(crate) fn for_segment(
        &self,
        segment: &SegmentReader,
    ) -> impl Fn(DocId, Score) -> Key + use<> {
        let ff = segment.fast_fields();
        // A segment without partial records needs no lookups.
        let partial = ff
            .u64("partial")
            .ok()
            .map(|c| c.first_or_default_col(0))
            .filter(|c| c.max_value() > 0);
        let sort = self.arrange.sort;
        let origin = self.arrange.origin();
        let geo = (sort == Sort::Nearest && origin.is_some())
            .then(|| ff.column_opt::<u64>("v2_geo").ok().flatten())
            .flatten();
        let updated = (sort == Sort::Updated)
            .then(|| {
                ff.column_opt::<i64>(&PieceFields::num_name(NumPiece::LastUpdatePostDate))
                    .ok()
                    .flatten()
            })
            .flatten();
        // Recruiting first: each open status's documents, from the index.
        let mut tier_of: Vec<u8> = Vec::new();
        if sort == Sort::RecruitingFirst {
            tier_of = vec![0; segment.max_doc() as usize];
            if let Ok(inv) = segment.inverted_index(self.keys_field) {
                for (i, status) in OPEN_ORDER.iter().enumerate() {
                    let term = Term::from_field_text(self.keys_field, &key("status", status));
                    if let Ok(Some(mut postings)) =
                        inv.read_postings(&term, IndexRecordOption::Basic)
                    {
                        let tier = (OPEN_ORDER.len() - i) as u8;
                        let mut d = postings.doc();
                        while d != TERMINATED {
                            tier_of[d as usize] = tier;
                            d = postings.advance();
                        }
                    }
                }
            }
        }
        move |doc: DocId, score: Score| {
            let known = partial.as_ref().is_none_or(|c| c.get_val(doc) == 0);
            let value = match sort {
                Sort::Relevance => 0.0,
                Sort::RecruitingFirst => f64::from(tier_of.get(doc as usize).copied().unwrap_or(0)),
                Sort::Nearest => match (&geo, origin) {
                    (Some(g), Some(o)) => nearest_km(g, doc, o).map_or(f64::NEG_INFINITY, |d| -d),
                    _ => 0.0,
                },
                Sort::Updated => updated
                    .as_ref()
                    .and_then(|c| c.first(doc))
                    .map_or(f64::NEG_INFINITY, |d| d as f64),
            };
            (u8::from(known), value, score)
        }
    }
}

/// Passes on to `inner` only the documents with a located site inside
/// `near` (all documents when there is no circle).
pub(crate) struct Within<C> {
    pub near: Option<Near>,
    pub inner: C,
}

pub(crate) struct WithinSegment<S> {
    near: Option<Near>,
    geo: Option<Column<u64>>,
    inner: S,
}

impl<C: Collector> Collector for Within<C> {
    type Fruit = C::Fruit;
    type Child = WithinSegment<C::Child>;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(WithinSegment {
            near: self.near,
            geo: match self.near {
                Some(_) => reader.fast_fields().column_opt::<u64>("v2_geo")?,
                None => None,
            },
            inner: self.inner.for_segment(segment, reader)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<<Self::Child as SegmentCollector>::Fruit>,
    ) -> tantivy::Result<Self::Fruit> {
        self.inner.merge_fruits(fruits)
    }
}

impl<S: SegmentCollector> SegmentCollector for WithinSegment<S> {
    type Fruit = S::Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(near) = self.near {
            let inside = self
                .geo
                .as_ref()
                .and_then(|g| nearest_km(g, doc, near.center))
                .is_some_and(|d| near.radius.covers_km(d));
            if !inside {
                return;
            }
        }
        self.inner.collect(doc, score);
    }

    fn harvest(self) -> Self::Fruit {
        self.inner.harvest()
    }
}

#[cfg(test)]
mod tests {
    use super::Sort;

    #[test]
    fn sort_codes_round_trip() {
        for s in Sort::ALL {
            assert_eq!(Sort::from_code(s.code()), Some(s));
        }
        assert_eq!(Sort::from_code("Last-Updated"), Some(Sort::Updated));
        assert_eq!(Sort::from_code("random"), None);
    }
}
