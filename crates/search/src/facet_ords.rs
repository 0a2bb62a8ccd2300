//! Facet ordinals and texts in plain arrays, made once per segment and
//! once per searcher generation by a reader warmer ([`FacetWarmer`]), so
//! that counting a search's facets ([`crate::facet_count`]) reads neither
//! the facet column nor its dictionary.
//!
//! Per segment ([`DenseFacets`]): each document's facet ordinals,
//! deduplicated, and every facet's text in dictionary order (segments
//! never change; a deleted document is never collected).
//!
//! Per searcher generation ([`Global`]): one sorted list of every facet of
//! every segment and, per segment, its ordinals mapped into it. A search
//! adds each segment's counts into one array by that map and turns into
//! text only the values it shows; reading the texts of every counted
//! facet from each segment's dictionary (a zstd block at a time, a new
//! decompression context each) and merging them as bytes was a sixth of a
//! frequent word's search at 500,000 studies, and grew with the segments.

use crate::FacetCount;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tantivy::index::SegmentId;
use tantivy::{Searcher, SearcherGeneration, SegmentReader, Warmer};

/// Encoded facet texts (`dimension\0value`) in one buffer, in order.
#[derive(Debug, Default)]
pub struct Terms {
    text: Vec<u8>,
    /// End of each text in `text` (its start is the previous end).
    ends: Vec<u32>,
}

impl Terms {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// False when the buffer would pass 4 GB (ends are `u32`).
    fn push(&mut self, term: &[u8]) -> bool {
        self.text.extend_from_slice(term);
        match u32::try_from(self.text.len()) {
            Ok(end) => {
                self.ends.push(end);
                true
            }
            Err(_) => false,
        }
    }
}

/// The facet ordinals of every document of one segment, each once per
/// document: those of document `d` are `ords[starts[d]..starts[d + 1]]`.
pub struct DenseFacets {
    starts: Vec<u32>,
    ords: Vec<u32>,
    /// Per ordinal, the documents of the segment (deleted ones too) that
    /// have it: a query matching most documents counts those it does not
    /// match and subtracts (a deleted document never matches).
    pub totals: Vec<u32>,
    /// Every facet's text, by ordinal.
    pub terms: Terms,
}

impl DenseFacets {
    #[inline]
    pub fn of(&self, doc: usize) -> &[u32] {
        match (self.starts.get(doc), self.starts.get(doc + 1)) {
            (Some(&s), Some(&e)) => self.ords.get(s as usize..e as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// `None` when the segment has no facet column or its sizes pass `u32`.
    pub fn read(reader: &SegmentReader, field: &str) -> tantivy::Result<Option<DenseFacets>> {
        let Some(col) = reader.fast_fields().str(field)? else {
            return Ok(None);
        };
        let mut terms = Terms::default();
        let mut stream = col.dictionary().stream()?;
        while stream.advance() {
            if !terms.push(stream.key()) {
                return Ok(None);
            }
        }
        let col = col.ords();
        let max = reader.max_doc();
        let mut starts = Vec::with_capacity(max as usize + 1);
        let mut ords: Vec<u32> = Vec::with_capacity(max as usize * 8);
        let mut buf: Vec<u64> = Vec::new();
        starts.push(0);
        for doc in 0..max {
            let rows = col.index.value_row_ids(doc);
            buf.resize((rows.end - rows.start) as usize, 0);
            col.values.get_range(u64::from(rows.start), &mut buf);
            buf.sort_unstable();
            buf.dedup();
            for &o in &buf {
                match u32::try_from(o) {
                    Ok(o) if (o as usize) < terms.len() => ords.push(o),
                    _ => return Ok(None),
                }
            }
            let Ok(end) = u32::try_from(ords.len()) else {
                return Ok(None);
            };
            starts.push(end);
        }
        let mut totals: Vec<u32> = vec![0; terms.len()];
        for &o in &ords {
            totals[o as usize] += 1;
        }
        ords.shrink_to_fit();
        Ok(Some(DenseFacets {
            starts,
            ords,
            totals,
            terms,
        }))
    }
}

/// One ordinal space for the facets of all the segments of a searcher.
pub struct Global {
    /// Every facet of every segment, sorted, each once.
    terms: Terms,
    /// Per segment, its ordinals' places in `terms` (increasing).
    maps: HashMap<SegmentId, Vec<u32>>,
    /// Per dimension, the ordinals of its `dimension\0value` facets (a
    /// facet with a deeper path is not a dimension's value), in order.
    dims: HashMap<Vec<u8>, Vec<u32>>,
}

impl Global {
    /// `None` when the facets would not fit `u32` ordinals.
    fn build(segments: &[(SegmentId, Arc<DenseFacets>)]) -> Option<Global> {
        let mut all: Vec<&[u8]> = segments
            .iter()
            .flat_map(|(_, d)| (0..d.terms.len()).map(|i| d.terms.get(i)))
            .collect();
        all.sort_unstable();
        all.dedup();
        u32::try_from(all.len()).ok()?;
        let mut terms = Terms::default();
        let mut dims: HashMap<Vec<u8>, Vec<u32>> = HashMap::new();
        for (g, t) in all.iter().enumerate() {
            if !terms.push(t) {
                return None;
            }
            if let Some((dim, _)) = dimension_value(t) {
                dims.entry(dim.to_vec()).or_default().push(g as u32);
            }
        }
        let mut maps = HashMap::with_capacity(segments.len());
        for (id, d) in segments {
            // Both lists are sorted: one walk maps every ordinal.
            let mut map = Vec::with_capacity(d.terms.len());
            let mut g = 0usize;
            for i in 0..d.terms.len() {
                let t = d.terms.get(i);
                while g < all.len() && all[g] < t {
                    g += 1;
                }
                map.push(g as u32);
            }
            maps.insert(*id, map);
        }
        Some(Global { terms, maps, dims })
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn term(&self, g: u32) -> &[u8] {
        self.terms.get(g as usize)
    }

    /// The segment's ordinals mapped into this space.
    pub fn map(&self, segment: SegmentId) -> Option<&[u32]> {
        self.maps.get(&segment).map(Vec::as_slice)
    }

    fn same_segments(&self, ids: &[SegmentId]) -> bool {
        self.maps.len() == ids.len() && ids.iter().all(|id| self.maps.contains_key(id))
    }

    /// Per dimension of `dimensions`: its values counted in `counts` (by
    /// ordinal of this space), most frequent first, then by value; at
    /// most `limit` values for the dimensions in `limited`. Within a
    /// dimension the ordinal order is the values' byte order.
    pub fn by_dimension(
        &self,
        counts: &[u64],
        dimensions: &[&str],
        limited: &[&str],
        limit: usize,
    ) -> BTreeMap<String, Vec<FacetCount>> {
        let mut out = BTreeMap::new();
        for d in dimensions {
            let mut values: Vec<(u32, u64)> = self
                .dims
                .get(d.as_bytes())
                .map(|ords| {
                    ords.iter()
                        .filter_map(|&g| {
                            let n = counts.get(g as usize).copied().unwrap_or(0);
                            (n > 0).then_some((g, n))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let order = |a: &(u32, u64), b: &(u32, u64)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
            keep_first(&mut values, limited.contains(d).then_some(limit), order);
            out.insert(
                (*d).to_string(),
                values
                    .into_iter()
                    .map(|(g, count)| FacetCount {
                        value: String::from_utf8_lossy(&self.term(g)[d.len() + 1..]).into_owned(),
                        count,
                    })
                    .collect(),
            );
        }
        out
    }
}

/// What a search of one searcher generation reads besides its segments:
/// the facets' ordinal space and each segment's deleted documents.
pub struct Generation {
    pub global: Arc<Global>,
    deleted: HashMap<SegmentId, Vec<u32>>,
}

impl Generation {
    /// The deleted documents of `segment`, in order (`None`: not of this
    /// generation).
    pub fn deleted(&self, segment: SegmentId) -> Option<&[u32]> {
        self.deleted.get(&segment).map(Vec::as_slice)
    }
}

/// Keeps the [`DenseFacets`] of the segments and the [`Generation`] of the
/// searcher generations in use (registered with the index reader, which
/// calls it for each new searcher before handing it out).
pub struct FacetWarmer {
    field: &'static str,
    segments: Mutex<HashMap<SegmentId, Arc<DenseFacets>>>,
    generations: Mutex<HashMap<u64, Arc<Generation>>>,
}

impl FacetWarmer {
    pub fn new(field: &'static str) -> FacetWarmer {
        FacetWarmer {
            field,
            segments: Mutex::new(HashMap::new()),
            generations: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, id: SegmentId) -> Option<Arc<DenseFacets>> {
        self.segments.lock().ok()?.get(&id).cloned()
    }

    /// What the warmer made for `searcher`'s generation, if it was warmed
    /// and every segment has its arrays.
    pub fn generation(&self, searcher: &Searcher) -> Option<Arc<Generation>> {
        self.generations
            .lock()
            .ok()?
            .get(&searcher.generation().generation_id())
            .cloned()
    }
}

impl Warmer for FacetWarmer {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        let mut segments = Vec::new();
        let mut complete = true;
        for seg in searcher.segment_readers() {
            let id = seg.segment_id();
            if let Some(d) = self.get(id) {
                segments.push((id, d));
                continue;
            }
            match DenseFacets::read(seg, self.field)? {
                Some(d) => {
                    let d = Arc::new(d);
                    if let Ok(mut m) = self.segments.lock() {
                        m.insert(id, d.clone());
                    }
                    segments.push((id, d));
                }
                None => complete = false,
            }
        }
        if !complete {
            return Ok(());
        }
        let ids: Vec<SegmentId> = segments.iter().map(|(id, _)| *id).collect();
        // A generation that only deleted documents has the segments of
        // one already made: its space is the same.
        let same = self.generations.lock().ok().and_then(|m| {
            m.values()
                .find(|g| g.global.same_segments(&ids))
                .map(|g| g.global.clone())
        });
        let Some(global) = same.or_else(|| Global::build(&segments).map(Arc::new)) else {
            return Ok(());
        };
        let deleted = searcher
            .segment_readers()
            .iter()
            .map(|seg| {
                let gone = match seg.alive_bitset() {
                    Some(alive) => (0..seg.max_doc())
                        .filter(|&d| alive.is_deleted(d))
                        .collect(),
                    None => Vec::new(),
                };
                (seg.segment_id(), gone)
            })
            .collect();
        if let Ok(mut m) = self.generations.lock() {
            m.insert(
                searcher.generation().generation_id(),
                Arc::new(Generation { global, deleted }),
            );
        }
        Ok(())
    }

    fn garbage_collect(&self, live: &[&SearcherGeneration]) {
        if let Ok(mut m) = self.segments.lock() {
            m.retain(|id, _| live.iter().any(|g| g.segments().contains_key(id)));
        }
        if let Ok(mut m) = self.generations.lock() {
            m.retain(|generation, _| live.iter().any(|g| g.generation_id() == *generation));
        }
    }
}

/// An encoded facet (its path's parts separated by 0 bytes) as a
/// dimension and its value; `None` for any other depth of path.
pub(crate) fn dimension_value(facet: &[u8]) -> Option<(&[u8], &[u8])> {
    let cut = facet.iter().position(|&b| b == 0)?;
    let value = &facet[cut + 1..];
    (!value.contains(&0)).then_some((&facet[..cut], value))
}

/// Sort `values` by `order`, keeping only the first `limit` when there is
/// one: a partial selection first, so a dimension of thousands of values
/// sorts only the ones shown.
pub(crate) fn keep_first<T>(
    values: &mut Vec<T>,
    limit: Option<usize>,
    order: impl Fn(&T, &T) -> std::cmp::Ordering + Copy,
) {
    if let Some(limit) = limit
        && values.len() > limit
    {
        if limit == 0 {
            values.clear();
        } else {
            values.select_nth_unstable_by(limit - 1, order);
            values.truncate(limit);
        }
    }
    values.sort_unstable_by(order);
}
