//! Keeping the search index in step with the store: the changed trials
//! when the index reflects an older generation, a rebuild otherwise.

use crate::schema::SCHEMA_VERSION;
use crate::{IndexState, Result, SearchIndex};
use eligo_model::Trial;
use eligo_store::Store;
use serde::Serialize;

/// How [`sync`] brought the index up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    UpToDate,
    Updated,
    Rebuilt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub mode: SyncMode,
    /// Trials (re)indexed.
    pub indexed: u64,
}

const SYNC_PAGE: u32 = 1000;

/// Bring `index` up to date with `store`: nothing when it reflects the
/// store's current generation, the changed trials when it reflects an older
/// one, a rebuild otherwise. `progress` gets the number indexed so far.
pub async fn sync(
    index: &SearchIndex,
    store: &Store,
    mut progress: impl FnMut(u64),
) -> Result<SyncReport> {
    let generation = store.generation().await?;
    let target = IndexState {
        schema_version: SCHEMA_VERSION,
        store_id: store.store_id().to_string(),
        generation,
    };
    let current = index.state();
    let incremental_from = match &current {
        Some(s) if *s == target => {
            return Ok(SyncReport {
                mode: SyncMode::UpToDate,
                indexed: 0,
            });
        }
        Some(s)
            if s.schema_version == SCHEMA_VERSION
                && s.store_id == target.store_id
                && s.generation < generation =>
        {
            Some(s.generation)
        }
        _ => None,
    };
    let mut up = index.updater()?;
    let mut indexed = 0u64;
    match incremental_from {
        Some(from) => {
            let mut after: Option<(i64, String)> = None;
            loop {
                let page = store
                    .changed_since(
                        from,
                        after.as_ref().map(|(g, id)| (*g, id.as_str())),
                        SYNC_PAGE,
                    )
                    .await?;
                let Some((g, last)) = page.last() else { break };
                after = Some((*g, last.id.clone()));
                let trials: Vec<&Trial> = page.iter().map(|(_, t)| t).collect();
                up.replace_all(&trials)?;
                indexed += page.len() as u64;
                progress(indexed);
            }
        }
        None => {
            up.clear()?;
            let mut after: Option<String> = None;
            loop {
                let page = store.trials_page(after.as_deref(), SYNC_PAGE).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.id.clone());
                for t in &page {
                    up.add(t)?;
                }
                indexed += page.len() as u64;
                progress(indexed);
            }
        }
    }
    up.commit(&target)?;
    let mode = if incremental_from.is_some() {
        SyncMode::Updated
    } else {
        SyncMode::Rebuilt
    };
    Ok(SyncReport { mode, indexed })
}

/// Index `trials` into `index` directly (no store), recording `state`.
pub fn index_trials<'a>(
    index: &SearchIndex,
    trials: impl IntoIterator<Item = &'a Trial>,
    state: &IndexState,
) -> Result<u64> {
    let mut up = index.updater()?;
    let mut n = 0;
    for t in trials {
        up.upsert(t)?;
        n += 1;
    }
    up.commit(state)?;
    Ok(n)
}
