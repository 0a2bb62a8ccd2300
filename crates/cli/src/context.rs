//! What every command needs from its environment: where the registry lives
//! and how to read trials from it.
//!
//! The registry (store + search index) opens lazily, on the first command
//! that needs it: commands such as `score` never touch the database. Opening
//! runs the migrations, fills an empty store from the embedded sample
//! registry, and brings the search index up to date with the store.

use anyhow::Context as _;
use eligo_model::Trial;
use eligo_search::SearchIndex;
use eligo_store::Store;
use std::cell::OnceCell;
use std::future::Future;
use std::path::PathBuf;

pub struct Context {
    /// `--db` / `ELIGO_DB`.
    pub db: Option<PathBuf>,
    registry: OnceCell<Registry>,
}

/// An open registry: the store, its search index, and the runtime the
/// async store runs on.
pub struct Registry {
    rt: tokio::runtime::Runtime,
    pub store: Store,
    pub index: SearchIndex,
    pub index_dir: PathBuf,
}

impl Registry {
    /// Run a store future to completion on the CLI's single-threaded runtime.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }
}

impl Context {
    pub fn new(db: Option<PathBuf>) -> Self {
        Context {
            db,
            registry: OnceCell::new(),
        }
    }

    /// The registry, opened (and on first run filled) on first use.
    pub fn registry(&self) -> anyhow::Result<&Registry> {
        if let Some(r) = self.registry.get() {
            return Ok(r);
        }
        let r = self.open()?;
        Ok(self.registry.get_or_init(|| r))
    }

    fn open(&self) -> anyhow::Result<Registry> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        // One way to open a registry for every front end (resolution,
        // migrations, first-run fill from the sample, index sync).
        let opened = rt.block_on(eligo_server::registry::open(self.db.as_deref()))?;
        Ok(Registry {
            rt,
            store: opened.store,
            index: opened.index,
            index_dir: opened.index_dir,
        })
    }

    /// Every trial in the registry (filled from the embedded sample on first use).
    #[allow(dead_code)] // for the commands that match against the whole registry
    pub fn trials(&self) -> anyhow::Result<Vec<Trial>> {
        let reg = self.registry()?;
        Ok(reg.block_on(reg.store.all_trials())?)
    }

    /// One trial by id (NCT id or local id).
    pub fn trial(&self, id: &str) -> anyhow::Result<Option<Trial>> {
        let reg = self.registry()?;
        let id = id.trim();
        if let Some(t) = reg.block_on(reg.store.get_trial(id))? {
            return Ok(Some(t));
        }
        // `nct06946485` means NCT06946485.
        let upper = id.to_ascii_uppercase();
        if upper != id {
            return Ok(reg.block_on(reg.store.get_trial(&upper))?);
        }
        Ok(None)
    }
}
