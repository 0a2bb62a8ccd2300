//! What every command needs from its environment: where the registry lives
//! and how to read trials from it.
//!
//! The registry (store + search index) opens lazily, on the first command
//! that needs it: commands such as `score` never touch the database. Opening
//! runs the migrations, fills an empty store from the embedded sample
//! registry, and brings the search index up to date with the store.

use anyhow::Context as _;
use eligo_model::Trial;
use eligo_search::{SearchIndex, SyncReport};
use eligo_store::{ImportLogEntry, Location, Store, UpsertCounts};
use std::cell::OnceCell;
use std::future::Future;
use std::path::{Path, PathBuf};

/// Source name recorded in the import log for the embedded sample.
pub const SAMPLE_SOURCE: &str = "(embedded sample registry)";

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

    /// Bring the search index up to date with the store.
    pub fn sync_index(&self, progress: impl FnMut(u64)) -> anyhow::Result<SyncReport> {
        self.block_on(eligo_search::sync(&self.index, &self.store, progress))
            .with_context(|| format!("updating the search index in {}", self.index_dir.display()))
    }
}

/// Identifies this build of eligo (version, and the executable's size and
/// modification time), so cached compilations from another build are never
/// used.
pub fn compiler_id() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}-{t}", m.len())
        })
        .unwrap_or_default();
    format!("eligo-{}-{exe}", env!("CARGO_PKG_VERSION"))
}

/// Where the registry lives: `DATABASE_URL` (PostgreSQL) wins, then
/// `--db`/`ELIGO_DB`, then `eligo/eligo.db` in the user's data directory.
pub fn resolve_location(db: Option<&Path>) -> anyhow::Result<Location> {
    if let Some(loc) = std::env::var("DATABASE_URL")
        .ok()
        .as_deref()
        .and_then(Location::from_database_url)
    {
        return Ok(loc);
    }
    if let Some(p) = db {
        return Ok(Location::Sqlite(p.to_path_buf()));
    }
    let dir = dirs::data_dir()
        .context("no data directory for this user: pass --db PATH or set ELIGO_DB")?;
    Ok(Location::Sqlite(dir.join("eligo").join("eligo.db")))
}

/// The index directory: next to an SQLite file (`<file>-index`); for
/// PostgreSQL `ELIGO_INDEX_DIR` or a per-database folder in the data dir.
pub fn index_dir(loc: &Location) -> anyhow::Result<PathBuf> {
    if let Some(d) = std::env::var_os("ELIGO_INDEX_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    match loc {
        Location::Sqlite(p) => {
            let mut name = p
                .file_name()
                .map(|n| n.to_os_string())
                .unwrap_or_else(|| "eligo.db".into());
            name.push("-index");
            Ok(p.with_file_name(name))
        }
        Location::Postgres { .. } => {
            let dir = dirs::data_dir()
                .context("no data directory for the search index: set ELIGO_INDEX_DIR")?;
            let key = eligo_store::content_hash(&[loc.to_string().as_bytes()]);
            Ok(dir.join("eligo").join(format!("pg-index-{}", &key[..12])))
        }
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
        let location = resolve_location(self.db.as_deref())?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        let store = rt
            .block_on(Store::open(&location))
            .with_context(|| format!("opening the registry {location}"))?;
        let index_dir = index_dir(&location)?;
        let index = SearchIndex::open(&index_dir)
            .with_context(|| format!("opening the search index {}", index_dir.display()))?;
        let reg = Registry {
            rt,
            store,
            index,
            index_dir,
        };
        seed_if_empty(&reg)?;
        reg.sync_index(|_| {})?;
        Ok(reg)
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

/// A store that has never held a trial nor seen an import gets the sample.
fn seed_if_empty(reg: &Registry) -> anyhow::Result<()> {
    let empty = reg.block_on(async {
        Ok::<_, eligo_store::StoreError>(
            reg.store.count().await? == 0 && reg.store.import_log(1).await?.is_empty(),
        )
    })?;
    if !empty {
        return Ok(());
    }
    let started_at = jiff::Timestamp::now().to_string();
    let records = eligo_ctgov::sample_registry();
    let counts: UpsertCounts = reg
        .block_on(async {
            let mut w = reg.store.begin().await?;
            for r in &records {
                w.upsert(&r.trial, &r.raw).await?;
            }
            w.commit().await
        })
        .context("filling the registry with the embedded sample")?;
    let entry = ImportLogEntry {
        started_at,
        finished_at: jiff::Timestamp::now().to_string(),
        sources: vec![SAMPLE_SOURCE.to_string()],
        strict: false,
        outcome: "committed".into(),
        read: records.len() as u64,
        inserted: counts.inserted,
        updated: counts.updated,
        unchanged: counts.unchanged,
        failed: 0,
    };
    reg.block_on(reg.store.log_import(&entry))?;
    Ok(())
}
