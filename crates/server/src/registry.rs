//! Opening the registry for the server: the same resolution as the CLI
//! (`DATABASE_URL` names PostgreSQL; else `--db`/`ELIGO_DB`; else the user's
//! data directory), the same index placement, and the same first-run fill
//! from the embedded sample registry, but on the server's async runtime.

use anyhow::Context as _;
use eligo_matcher::RuleSet;
use eligo_search::SearchIndex;
use eligo_store::{ImportLogEntry, Location, RulesRow, Store};
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
/// index in `index_dir`, and bring the index up to date unless another
/// process is doing so.
pub async fn open_at(location: &Location, index_dir: &Path) -> anyhow::Result<Registry> {
    let store = Store::open(location)
        .await
        .with_context(|| format!("opening the registry {location}"))?;
    let index = SearchIndex::open(index_dir)
        .with_context(|| format!("opening the search index {}", index_dir.display()))?;
    seed_if_empty(&store).await?;
    // A rebuild (a new schema, a new index directory) of a large registry
    // takes minutes: say how far it is.
    let progress = |n: u64| {
        if n.is_multiple_of(50_000) {
            eprintln!("search index: {n} trials indexed");
        }
    };
    match eligo_search::sync(&index, &store, progress).await {
        // Another process (a running server, an import) is writing the
        // index: it brings it up to date; this one reads it as it is.
        Ok(_) | Err(eligo_search::SearchError::Busy { .. }) => {}
        Err(e) => {
            return Err(e)
                .with_context(|| format!("updating the search index in {}", index_dir.display()));
        }
    }
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

/// The criteria compiler's version (a hash of its sources and vocabulary
/// made at build time): compiled rules stored by any build with the same
/// version are reused, by no other.
pub fn compiler_id() -> &'static str {
    eligo_criteria::COMPILER_VERSION
}

/// A rule set as the store keeps it.
pub fn rules_row(rules: &RuleSet, content_hash: &str) -> anyhow::Result<RulesRow> {
    let json = serde_json::to_vec(rules).context("encoding compiled criteria")?;
    Ok(RulesRow {
        trial_id: rules.id.clone(),
        content_hash: content_hash.to_string(),
        compiler: compiler_id().to_string(),
        partial: rules.partial,
        targets: rules.targets.join(" "),
        gate: gate_text(rules),
        data: eligo_store::codec::pack(&json),
    })
}

/// A trial's own conditions as its match-index entry keeps them
/// ([`eligo_matcher::condition_gate`]): a JSON list of `[condition,
/// vocabulary key or null]`, or empty when the trial has none.
pub fn gate_text(rules: &RuleSet) -> String {
    let gate = eligo_matcher::condition_gate(&rules.compiled);
    if gate.is_empty() {
        return String::new();
    }
    serde_json::to_string(&gate).unwrap_or_default()
}

/// [`gate_text`] read back; `None` when the text is not one (an entry
/// written by another eligo): such a trial is never ruled out by it.
pub fn read_gate(text: &str) -> Option<Vec<(String, Option<String>)>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    serde_json::from_str(text).ok()
}

/// A stored rule set (see [`rules_row`]).
pub fn read_rules(id: &str, data: &[u8]) -> anyhow::Result<RuleSet> {
    let json = eligo_store::codec::unpack(data)
        .with_context(|| format!("trial {id}: stored compiled criteria"))?;
    let rules: RuleSet = serde_json::from_slice(&json)
        .with_context(|| format!("trial {id}: stored compiled criteria do not decode"))?;
    anyhow::ensure!(
        rules.id == id,
        "trial {id}: stored compiled criteria are trial {}'s",
        rules.id
    );
    Ok(rules)
}

/// Trials compiled per batch (each batch is stored in one transaction).
const COMPILE_BATCH: usize = 1000;

/// Compile and store the rules of every trial that has none by this
/// compiler (new on first run, imported by an older eligo, or after the
/// compiler changed), on every core; `progress(done, total)`. Returns how
/// many were compiled. Afterwards the store records that its rules are
/// complete at the generation read first, so that the next call is free.
pub async fn compile_stale(
    store: &Store,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<u64> {
    let compiler = compiler_id();
    let generation = store.generation().await?;
    if store.rules_complete(compiler).await? == Some(generation) {
        return Ok(0);
    }
    let stale = store.stale_rules(compiler).await?;
    let total = stale.len() as u64;
    let mut done = 0u64;
    for part in stale.chunks(COMPILE_BATCH) {
        let ids: Vec<&str> = part.iter().map(String::as_str).collect();
        let trials = store.trials_with_hash(&ids).await?;
        let rows = tokio::task::spawn_blocking(move || {
            eligo_matcher::parallel_map(&trials, |(t, hash)| rules_row(&RuleSet::compile(t), hash))
        })
        .await
        .context("compiling criteria")?
        .into_iter()
        .collect::<anyhow::Result<Vec<_>>>()?;
        store.put_rules(&rows).await?;
        done += part.len() as u64;
        progress(done, total);
    }
    store.set_rules_complete(compiler, generation).await?;
    Ok(total)
}
