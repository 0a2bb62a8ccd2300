//! Facet counts of a search, by dimension and value.
//!
//! tantivy's `FacetCollector` turns every counted facet ordinal into its
//! text with one dictionary lookup each, decompressing a dictionary block
//! (and creating a zstd context) per lookup: a query with 40,000 hits over
//! thousands of distinct conditions and countries spent nine tenths of its
//! time there. This collector counts ordinals per segment into an array
//! and reads the texts of the counted ordinals in one sorted pass over the
//! dictionary, each block once.

use std::collections::HashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::fastfield::FacetReader;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// (dimension, value) → number of matching trials.
pub type Counts = HashMap<(String, String), u64>;

/// Counts the `/dimension/value` facets of the field `field` over the
/// matching documents (each facet once per document).
pub struct FacetCounter {
    pub field: &'static str,
}

pub struct FacetSegment {
    reader: FacetReader,
    /// The facet ordinals of each document, read a document's run at a
    /// time (one call instead of one per value).
    ords: Column<u64>,
    counts: Vec<u32>,
    last: Vec<u32>,
    buf: Vec<u64>,
}

impl Collector for FacetCounter {
    type Fruit = Counts;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let ords = match reader.fast_fields().str(self.field)? {
            Some(c) => c.ords().clone(),
            None => {
                return Err(tantivy::TantivyError::SchemaError(format!(
                    "no facet column {}",
                    self.field
                )));
            }
        };
        let reader = reader.facet_reader(self.field)?;
        let n = reader.num_facets();
        Ok(FacetSegment {
            reader,
            ords,
            counts: vec![0; n],
            last: vec![0; n],
            buf: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut out = Counts::new();
        for f in fruits {
            for (k, n) in f {
                *out.entry(k).or_default() += n;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        let rows = self.ords.index.value_row_ids(doc);
        self.buf.resize((rows.end - rows.start) as usize, 0);
        self.ords
            .values
            .get_range(u64::from(rows.start), &mut self.buf);
        // Each facet once per document: `last` holds, per ordinal, the
        // document (plus one) that last counted it.
        let mark = doc + 1;
        for &o in &self.buf {
            let o = o as usize;
            if let (Some(c), Some(l)) = (self.counts.get_mut(o), self.last.get_mut(o))
                && *l != mark
            {
                *l = mark;
                *c += 1;
            }
        }
    }

    fn harvest(self) -> Counts {
        let ords: Vec<u64> = (0..self.counts.len() as u64)
            .filter(|&o| self.counts[o as usize] > 0)
            .collect();
        let mut out = Counts::with_capacity(ords.len());
        let mut i = 0;
        // The texts come in the order of `ords`; an unreadable dictionary
        // leaves the counts read so far.
        let _ = self
            .reader
            .facet_dict()
            .sorted_ords_to_term_cb(&ords, |bytes| {
                let n = ords.get(i).map_or(0, |&o| self.counts[o as usize]);
                i += 1;
                // An encoded facet is its path's parts separated by 0 bytes.
                let mut parts = bytes.split(|&b| b == 0);
                if let (Some(dim), Some(value), None) = (parts.next(), parts.next(), parts.next()) {
                    let key = (
                        String::from_utf8_lossy(dim).into_owned(),
                        String::from_utf8_lossy(value).into_owned(),
                    );
                    *out.entry(key).or_default() += u64::from(n);
                }
            });
        out
    }
}
