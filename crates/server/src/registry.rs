//! Opening the registry for the server: the same resolution as the CLI
//! (`DATABASE_URL` names PostgreSQL; else `--db`/`ELIGO_DB`; else the user's
//! data directory), the same index placement, and the same first-run fill
//! from the embedded sample registry, but on the server's async runtime.

use anyhow::Context as _;
use eligo_model::Trial;
use eligo_model::rule::CompiledCriteria;
use eligo_search::SearchIndex;
use eligo_store::{ImportLogEntry, Location, Store};
use std::path::{Path, PathBuf};

/// Source name recorded in the import log for the embedded sample (the
/// CLI writes the same).
pub const SAMPLE_SOURCE: &str = "(embedded sample registry)";

/// An open registry.
pub struct Registry {
    pub store: Store,
    pub index: SearchIndex,
    pub index_dir: PathBuf,
}

/// Where the registry lives: `DATABASE_URL` (PostgreSQL) wins, then `db`,
/// then `eligo/eligo.db` in the user's data directory.
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

/// The index directory: `ELIGO_INDEX_DIR`, else next to an SQLite file
/// (`<file>-index`), else a per-database folder in the data directory.
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

/// Open the registry the CLI would open for `db`.
pub async fn open(db: Option<&Path>) -> anyhow::Result<Registry> {
    let location = resolve_location(db)?;
    let dir = index_dir(&location)?;
    open_at(&location, &dir).await
}

/// Open (migrating, and filling when empty) the store at `location` with its
/// index in `index_dir`, and bring the index up to date.
pub async fn open_at(location: &Location, index_dir: &Path) -> anyhow::Result<Registry> {
    let store = Store::open(location)
        .await
        .with_context(|| format!("opening the registry {location}"))?;
    let index = SearchIndex::open(index_dir)
        .with_context(|| format!("opening the search index {}", index_dir.display()))?;
    seed_if_empty(&store).await?;
    eligo_search::sync(&index, &store, |_| {})
        .await
        .with_context(|| format!("updating the search index in {}", index_dir.display()))?;
    Ok(Registry {
        store,
        index,
        index_dir: index_dir.to_path_buf(),
    })
}

/// A store that has never held a trial nor seen an import gets the sample.
pub async fn seed_if_empty(store: &Store) -> anyhow::Result<()> {
    if store.count().await? != 0 || !store.import_log(1).await?.is_empty() {
        return Ok(());
    }
    let started_at = jiff::Timestamp::now().to_string();
    let records = eligo_ctgov::sample_registry();
    let mut w = store.begin().await?;
    for r in &records {
        w.upsert(&r.trial, &r.raw).await?;
    }
    let counts = w
        .commit()
        .await
        .context("filling the registry with the embedded sample")?;
    store
        .log_import(&ImportLogEntry {
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
        })
        .await?;
    Ok(())
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

/// Trials with their compiled criteria, and why the cache could not be
/// written, if it could not (matching goes on without it).
pub struct Compiled {
    pub trials: Vec<(Trial, CompiledCriteria)>,
    pub cache_error: Option<String>,
}

/// Compile the trials' criteria on every core, reusing the store's cache of
/// earlier compilations by this same build and storing the new ones:
/// compiling is the slow part of matching a large registry.
pub async fn compile_cached(store: &Store, trials: Vec<Trial>) -> anyhow::Result<Compiled> {
    let compiler = compiler_id();
    let ids: Vec<&str> = trials.iter().map(|t| t.id.as_str()).collect();
    let cached = store.cached_criteria(&ids, &compiler).await?;
    let (trials, done) = tokio::task::spawn_blocking(move || {
        let done = eligo_matcher::parallel_map(&trials, |t| {
            match cached
                .get(&t.id)
                .and_then(|j| serde_json::from_str::<CompiledCriteria>(j).ok())
            {
                Some(c) => (c, false),
                None => (eligo_criteria::compile_trial(t), true),
            }
        });
        (trials, done)
    })
    .await
    .context("compiling criteria")?;
    let fresh: Vec<(String, String)> = trials
        .iter()
        .zip(&done)
        .filter(|(_, (_, new))| *new)
        .filter_map(|(t, (c, _))| serde_json::to_string(c).ok().map(|j| (t.id.clone(), j)))
        .collect();
    let cache_error = if fresh.is_empty() {
        None
    } else {
        store
            .put_criteria(&fresh, &compiler)
            .await
            .err()
            .map(|e| e.to_string())
    };
    Ok(Compiled {
        trials: trials
            .into_iter()
            .zip(done)
            .map(|(t, (c, _))| (t, c))
            .collect(),
        cache_error,
    })
}
