//! Indexing while an import stores: each batch the import commits is added
//! to the index as it goes, from the trials in memory, so that when the
//! import ends the index is ready without reading every changed trial back
//! from the store (a quarter of a large import's time when done after it)
//! and the indexing threads work beside the compiler, not after it.
//!
//! Nothing is visible before [`Alongside::finish`], and what it records is
//! exact: the new store generation when the import's own transactions are
//! the only changes since the index was last brought up to date, otherwise
//! the generation the index reflected before (the trials added meanwhile
//! are then indexed again by [`crate::sync`], which it runs). Dropped
//! without `finish` (a failed or rolled-back import), the index is as it
//! was.

use crate::schema::SCHEMA_VERSION;
use crate::{IndexState, Result, SearchIndex, SyncMode, SyncReport, Updater, sync};
use eligo_model::Trial;
use eligo_store::Store;

/// The index writer of an import; see the module docs.
pub struct Alongside<'a> {
    index: &'a SearchIndex,
    up: Updater<'a>,
    /// What the index reflected when the import began.
    from: IndexState,
    /// The store generations of the import's transactions, in order.
    generations: Vec<i64>,
    indexed: u64,
}

impl SearchIndex {
    /// Start indexing beside an import, when the index reflects the store
    /// as it is now; `Ok(None)` when it does not (the import then brings it
    /// up to date after with [`sync`]). [`crate::SearchError::Busy`] when
    /// another process holds the writer.
    pub async fn alongside(&self, store: &Store) -> Result<Option<Alongside<'_>>> {
        let now = IndexState {
            schema_version: SCHEMA_VERSION,
            store_id: store.store_id().to_string(),
            generation: store.generation().await?,
        };
        let up = self.updater()?;
        // Read after taking the writer: no other process changes it now.
        if self.state().as_ref() != Some(&now) {
            return Ok(None);
        }
        Ok(Some(Alongside {
            index: self,
            up,
            from: now,
            generations: Vec::new(),
            indexed: 0,
        }))
    }
}

impl Alongside<'_> {
    /// Index the trials a committed store transaction of generation
    /// `generation` changed (replacing their earlier documents). `all_new`:
    /// none of them was in the store before the import (so none is in the
    /// index, which reflected the store then): they are added without a
    /// delete, which tantivy would keep queued until the commit and apply
    /// to every segment made meanwhile.
    pub fn add(&mut self, generation: i64, trials: &mut Vec<&Trial>, all_new: bool) -> Result<()> {
        if trials.is_empty() {
            return Ok(());
        }
        // The order an incremental sync adds them in: by generation, then id.
        trials.sort_by(|a, b| a.id.cmp(&b.id));
        if all_new {
            for t in trials.iter() {
                self.up.add(t)?;
            }
        } else {
            self.up.replace_all(trials)?;
        }
        if self.generations.last() != Some(&generation) {
            self.generations.push(generation);
        }
        self.indexed += trials.len() as u64;
        Ok(())
    }

    /// Commit. When another writer changed the store during the import,
    /// the index records the generation it reflected before and [`sync`]
    /// brings it up from there; `progress` is that sync's.
    pub async fn finish(self, store: &Store, progress: impl FnMut(u64)) -> Result<SyncReport> {
        let now = store.generation().await?;
        let only_ours = self
            .generations
            .iter()
            .copied()
            .eq(self.from.generation + 1..=now);
        if only_ours {
            let state = IndexState {
                generation: now,
                ..self.from
            };
            self.up.commit(&state)?;
            return Ok(SyncReport {
                mode: SyncMode::Updated,
                indexed: self.indexed,
            });
        }
        let index = self.index;
        self.up.commit(&self.from)?;
        sync(index, store, progress).await
    }
}
