//! The registry as the server serves it: every trial with its compiled
//! criteria, in memory, keyed to the store generation it was read at.
//!
//! An import run by the CLI while the server is up bumps the store's
//! generation; the next request that needs the catalog sees the change,
//! re-reads the store, recompiles and brings the search index up to date.

use crate::error::AppError;
use eligo_model::Trial;
use eligo_model::rule::CompiledCriteria;
use eligo_search::SearchIndex;
use eligo_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Trials and their compiled criteria at one store generation.
pub struct Catalog {
    pub generation: i64,
    pub trials: Vec<(Trial, CompiledCriteria)>,
    by_id: HashMap<String, usize>,
}

impl Catalog {
    pub fn new(generation: i64, trials: Vec<(Trial, CompiledCriteria)>) -> Catalog {
        let by_id = trials
            .iter()
            .enumerate()
            .map(|(i, (t, _))| (t.id.clone(), i))
            .collect();
        Catalog {
            generation,
            trials,
            by_id,
        }
    }

    /// A trial by id; `nct06946485` finds `NCT06946485`.
    pub fn get(&self, id: &str) -> Option<&(Trial, CompiledCriteria)> {
        let id = id.trim();
        self.by_id
            .get(id)
            .or_else(|| self.by_id.get(&id.to_ascii_uppercase()))
            .map(|&i| &self.trials[i])
    }

    /// [`Catalog::get`], or the 404 every page and API operation on one trial answers.
    pub fn find(&self, id: &str) -> Result<&(Trial, CompiledCriteria), AppError> {
        self.get(id)
            .ok_or_else(|| AppError::not_found(format!("no trial {id:?} in the registry")))
    }

    pub fn len(&self) -> usize {
        self.trials.len()
    }

    pub fn is_empty(&self) -> bool {
        self.trials.is_empty()
    }
}

#[derive(Default)]
pub struct CatalogCache {
    current: RwLock<Option<Arc<Catalog>>>,
    reload: tokio::sync::Mutex<()>,
}

impl CatalogCache {
    pub async fn get(&self, store: &Store, index: &SearchIndex) -> Result<Arc<Catalog>, AppError> {
        let generation = store.generation().await?;
        if let Some(c) = self.cached(generation) {
            return Ok(c);
        }
        // One reload at a time; others wait for it and use its result.
        let _guard = self.reload.lock().await;
        if let Some(c) = self.cached(generation) {
            return Ok(c);
        }
        let trials = store.all_trials().await?;
        if let Err(e) = eligo_search::sync(index, store, |_| {}).await {
            // Another process may hold the index writer; search then lags
            // until the next change, pages still show the store's data.
            tracing::warn!("search index not updated: {e}");
        }
        let compiled = crate::registry::compile_cached(store, trials)
            .await
            .map_err(|e| AppError::internal(format!("compiling criteria: {e:#}")))?;
        if let Some(e) = &compiled.cache_error {
            tracing::warn!("compiled criteria not cached: {e}");
        }
        let catalog = Catalog::new(generation, compiled.trials);
        let catalog = Arc::new(catalog);
        if let Ok(mut w) = self.current.write() {
            *w = Some(catalog.clone());
        }
        Ok(catalog)
    }

    fn cached(&self, generation: i64) -> Option<Arc<Catalog>> {
        let r = self.current.read().ok()?;
        r.as_ref().filter(|c| c.generation == generation).cloned()
    }
}
