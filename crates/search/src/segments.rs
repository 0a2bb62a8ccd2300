//! How the index is cut into segments, and how a search uses them: a
//! merge policy that never makes a segment over a bound, and a search
//! executor shared by every open index that searches the segments on the
//! machine's cores.
//!
//! tantivy searches a segment on one thread. An index merged into one
//! large segment (tantivy's default policy merges without a size bound)
//! answers every query on one core however many the machine has, and its
//! last merge maps the whole index at once (an import's memory peak).
//! With segments of at most [`Tuning::segment_docs`] documents a search
//! can run its segments on [`Tuning::search_threads`] threads; every collector
//! of the crate works per segment and merges its segments' results
//! exactly (counts and facet counts add up, pages are merged by their
//! sort keys), so the answer is the same as on one thread.

use std::sync::OnceLock;
use tantivy::Executor;
use tantivy::index::{SegmentId, SegmentMeta};
use tantivy::indexer::{IndexWriterOptions, LogMergePolicy, MergeCandidate, MergePolicy};

/// The indexing arenas of all indexing threads together. Each thread
/// writes a segment when its arena is full; glibc keeps the arenas'
/// memory once freed, so this is part of a long import's resident size.
const WRITER_BUDGET: usize = 96_000_000;

/// How an index writer works: the machine's cores (at most 8) index,
/// sharing [`WRITER_BUDGET`], and one thread merges. tantivy's default of
/// four merge threads runs merges side by side at the end of a large
/// import, each mapping its segments' files and holding its own buffers:
/// a merge waits for the one before it instead (a merge is mostly disk
/// work; it does not wait for a core).
pub(crate) fn writer_options() -> IndexWriterOptions {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (threads, arena) = split_budget(cores);
    IndexWriterOptions::builder()
        .num_worker_threads(threads)
        .memory_budget_per_thread(arena)
        .num_merge_threads(1)
        .build()
}

/// The smallest arena tantivy accepts for an indexing thread
/// (its `MEMORY_BUDGET_NUM_BYTES_MIN`, not exported).
const MIN_ARENA: usize = 15_000_000;

/// Indexing threads for a machine of `cores` cores, and each one's arena:
/// a thread a core, at most 8, and as many as [`WRITER_BUDGET`] gives
/// an arena tantivy accepts.
fn split_budget(cores: usize) -> (usize, usize) {
    let threads = cores.clamp(1, 8).min(WRITER_BUDGET / MIN_ARENA);
    (threads, WRITER_BUDGET / threads)
}

/// How an index is cut and searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// No merge makes a segment with more documents than this.
    pub segment_docs: u32,
    /// Threads one search runs its segments on (1: the calling thread).
    /// Every index with the same count shares one pool, so concurrent
    /// searches never use more threads than this between them.
    pub search_threads: usize,
}

impl Default for Tuning {
    /// No bound (tantivy's own policy) unless `ELIGO_SEGMENT_DOCS` sets
    /// one; one thread unless `ELIGO_SEARCH_THREADS` asks for more. Not
    /// cut by default: at 500,000 studies a bound of 75,000 (eight
    /// segments of about 58,000 and seven small ones) searched slower
    /// than one large segment, as each segment's facet dictionary is read
    /// apart (docs/scale.md).
    fn default() -> Tuning {
        let env = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .filter(|&n| n >= 1)
        };
        Tuning {
            segment_docs: env("ELIGO_SEGMENT_DOCS")
                .map_or(u32::MAX, |n| u32::try_from(n).unwrap_or(u32::MAX)),
            search_threads: env("ELIGO_SEARCH_THREADS").map_or(1, |n| n.min(64) as usize),
        }
    }
}

impl Tuning {
    /// The executor for [`Tuning::search_threads`]: the calling thread for
    /// one, else the pool shared by every index with that many threads.
    pub(crate) fn executor(&self) -> tantivy::Result<Executor> {
        if self.search_threads <= 1 {
            return Ok(Executor::single_thread());
        }
        static POOLS: OnceLock<std::sync::Mutex<Vec<(usize, Executor)>>> = OnceLock::new();
        let pools = POOLS.get_or_init(Default::default);
        let mut pools = pools.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, e)) = pools.iter().find(|(n, _)| *n == self.search_threads) {
            return Ok(e.clone());
        }
        let e = Executor::multi_thread(self.search_threads, "eligo-search-")?;
        pools.push((self.search_threads, e.clone()));
        Ok(e)
    }

    pub(crate) fn merge_policy(&self) -> Box<dyn MergePolicy> {
        if self.segment_docs == u32::MAX {
            // No bound: tantivy's own default, merges in its order.
            return Box::new(LogMergePolicy::default());
        }
        Box::new(Capped {
            inner: LogMergePolicy::default(),
            max_docs: self.segment_docs.max(1),
        })
    }
}

/// tantivy's log merge policy, with every merge it proposes cut into
/// merges whose result holds at most `max_docs` live documents.
#[derive(Debug)]
struct Capped {
    inner: LogMergePolicy,
    max_docs: u32,
}

impl MergePolicy for Capped {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        // A segment already over half the bound can only merge with
        // segments smaller than itself; leave the log policy the rest.
        let small: Vec<SegmentMeta> = segments
            .iter()
            .filter(|s| s.num_docs() <= self.max_docs / 2)
            .cloned()
            .collect();
        let docs = |id: &SegmentId| {
            segments
                .iter()
                .find(|s| s.id() == *id)
                .map_or(0, |s| s.num_docs())
        };
        let mut out = Vec::new();
        for MergeCandidate(ids) in self.inner.compute_merge_candidates(&small) {
            out.extend(
                cut(ids, &docs, self.max_docs)
                    .into_iter()
                    .map(MergeCandidate),
            );
        }
        out
    }
}

/// `ids` in groups of at most `max_docs` documents in all (largest first,
/// each into the first group it fits), leaving out groups of one (nothing
/// to merge).
fn cut(
    mut ids: Vec<SegmentId>,
    docs: &dyn Fn(&SegmentId) -> u32,
    max_docs: u32,
) -> Vec<Vec<SegmentId>> {
    ids.sort_by_key(|id| std::cmp::Reverse(docs(id)));
    let mut groups: Vec<(u64, Vec<SegmentId>)> = Vec::new();
    for id in ids {
        let n = u64::from(docs(&id));
        match groups
            .iter_mut()
            .find(|(total, _)| total + n <= u64::from(max_docs))
        {
            Some((total, g)) => {
                *total += n;
                g.push(id);
            }
            None => groups.push((n, vec![id])),
        }
    }
    groups
        .into_iter()
        .filter(|(_, g)| g.len() > 1)
        .map(|(_, g)| g)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_shared_by_threads_tantivy_accepts() {
        for cores in 0..=64 {
            let (threads, arena) = split_budget(cores);
            assert!(threads >= 1 && threads <= cores.clamp(1, 8), "{cores}");
            assert!(threads * arena <= WRITER_BUDGET, "{cores}");
            assert!(arena >= MIN_ARENA, "{cores}");
        }
        assert_eq!(split_budget(2), (2, WRITER_BUDGET / 2));
        // 96 MB gives six arenas of 16 MB, not eight of 12.
        assert_eq!(split_budget(16).0, 6);
    }

    #[test]
    fn tantivy_takes_the_writer_options_and_refuses_a_smaller_arena() {
        let mut schema = tantivy::schema::Schema::builder();
        schema.add_text_field("t", tantivy::schema::TEXT);
        let index = tantivy::Index::create_in_ram(schema.build());
        let writer: tantivy::IndexWriter = index.writer_with_options(writer_options()).unwrap();
        drop(writer);
        let small = IndexWriterOptions::builder()
            .num_worker_threads(1)
            .memory_budget_per_thread(MIN_ARENA - 1)
            .build();
        assert!(
            index
                .writer_with_options::<tantivy::TantivyDocument>(small)
                .is_err()
        );
    }

    #[test]
    fn groups_never_pass_the_bound_and_leave_single_segments_out() {
        let ids: Vec<SegmentId> = (0..7).map(|_| SegmentId::generate_random()).collect();
        let sizes = [40u32, 35, 30, 20, 10, 5, 80];
        let docs = |id: &SegmentId| ids.iter().position(|x| x == id).map_or(0, |i| sizes[i]);
        let groups = cut(ids.clone(), &docs, 75);
        for g in &groups {
            let total: u32 = g.iter().map(&docs).sum();
            assert!(total <= 75, "{total}");
            assert!(g.len() > 1);
        }
        // 80 alone is over the bound; 40+35, 30+20+10+5 fit.
        assert_eq!(groups.len(), 2);
        let merged: usize = groups.iter().map(Vec::len).sum();
        assert_eq!(merged, 6);
    }
}
