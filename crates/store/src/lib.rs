//! eligo's registry storage: trials (model JSON + the raw source JSON, both
//! compressed ([`codec`]), + a content hash) and their compiled criteria
//! ([`rules`]) in SQLite (a file, the default) or PostgreSQL.
//!
//! Writes go through a [`Writer`], one database transaction: nothing it did
//! is visible until [`Writer::commit`], and dropping it (or
//! [`Writer::rollback`]) undoes everything. Upserts compare content hashes,
//! so re-importing identical data changes nothing and says so.
//!
//! Every committed transaction that changed a trial bumps the store's
//! *generation* and stamps the changed rows with it; derived data (the search
//! index) remembers the generation it reflects and catches up with
//! [`Store::changed_since`].
//!
//! The API is async (sqlx on tokio); callers without a runtime can use a
//! current-thread runtime.

use eligo_model::Trial;
use serde::Serialize;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, Executor};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database {location}: {source}")]
    Open {
        location: String,
        source: sqlx::Error,
    },
    #[error("cannot create directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("trial {id}: stored JSON does not decode: {source}")]
    Corrupt {
        id: String,
        source: serde_json::Error,
    },
    #[error("trial {id}: cannot encode as JSON: {source}")]
    Encode {
        id: String,
        source: serde_json::Error,
    },
    #[error("invalid database location: {0}")]
    Location(String),
    #[error("trial {id}: stored record: {source}")]
    Codec {
        id: String,
        source: codec::CodecError,
    },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where a store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file (created with its directory if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL database; `schema`, when set, is created if missing and
    /// used as the search path (tests use one schema each).
    Postgres { url: String, schema: Option<String> },
}

impl Location {
    /// PostgreSQL when `url` is a `postgres://` or `postgresql://` URL.
    pub fn from_database_url(url: &str) -> Option<Location> {
        let u = url.trim();
        (u.starts_with("postgres://") || u.starts_with("postgresql://")).then(|| {
            Location::Postgres {
                url: u.to_string(),
                schema: None,
            }
        })
    }
}

impl fmt::Display for Location {
    /// Never prints a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(p) => write!(f, "{}", p.display()),
            Location::Postgres { url, schema } => {
                write!(f, "{}", redact(url))?;
                if let Some(s) = schema {
                    write!(f, " (schema {s})")?;
                }
                Ok(())
            }
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, host) = match rest.rsplit_once('@') {
        Some(x) => x,
        None => return url.to_string(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

macro_rules! on_pool {
    ($backend:expr, |$p:ident| $body:expr) => {
        match $backend {
            Backend::Sqlite($p) => $body,
            Backend::Postgres($p) => $body,
        }
    };
}

/// An open, migrated registry store.
pub struct Store {
    backend: Backend,
    location: Location,
    store_id: String,
}

/// Metadata of a stored trial row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowInfo {
    pub id: String,
    pub content_hash: String,
    pub generation: i64,
    pub imported_at: String,
    pub updated_at: String,
}

/// What an upsert did to one trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Inserted,
    Updated,
    Unchanged,
}

/// Counts of upsert outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UpsertCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl UpsertCounts {
    pub fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Inserted => self.inserted += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }
    pub fn merge(&mut self, other: UpsertCounts) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
    /// Trials written (inserted or updated).
    pub fn changed(&self) -> u64 {
        self.inserted + self.updated
    }
}

/// One import run, as the import log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportLogEntry {
    pub started_at: String,
    pub finished_at: String,
    pub sources: Vec<String>,
    pub strict: bool,
    /// `committed` or `rolled_back`.
    pub outcome: String,
    pub read: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub failed: u64,
}

const SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
const POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

const TRIAL_COLUMNS_FROM: &str = "SELECT id, trial_json, trial_z FROM trials";

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// FNV-1a, 128 bit, over the parts with a separator: stable across releases
/// and platforms, enough to tell "same content" for change detection.
pub fn content_hash(parts: &[&[u8]]) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut h = OFFSET;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0xff;
            h = h.wrapping_mul(PRIME);
        }
        for &b in *p {
            h ^= u128::from(b);
            h = h.wrapping_mul(PRIME);
        }
    }
    format!("{h:032x}")
}

fn new_store_id() -> String {
    let t = jiff::Timestamp::now();
    let seed = format!("{}:{}:{:p}", t.as_nanosecond(), std::process::id(), &t);
    content_hash(&[seed.as_bytes()])[..16].to_string()
}

fn decode(id: String, json: &str) -> Result<Trial> {
    serde_json::from_str(json).map_err(|source| StoreError::Corrupt { id, source })
}

/// A stored JSON value: text (rows written before schema 4) or packed.
fn stored_json(id: &str, text: Option<String>, packed: Option<Vec<u8>>) -> Result<String> {
    match (packed, text) {
        (Some(z), _) => {
            let bytes = codec::unpack(&z).map_err(|source| StoreError::Codec {
                id: id.to_string(),
                source,
            })?;
            String::from_utf8(bytes).map_err(|e| StoreError::Codec {
                id: id.to_string(),
                source: codec::CodecError::Corrupt(e.to_string()),
            })
        }
        (None, Some(t)) => Ok(t),
        (None, None) => Err(StoreError::Codec {
            id: id.to_string(),
            source: codec::CodecError::Empty,
        }),
    }
}

/// A trial row (id, JSON text, packed JSON) decoded.
fn decode_row((id, text, packed): TrialRow) -> Result<Trial> {
    let json = stored_json(&id, text, packed)?;
    decode(id, &json)
}

type TrialRow = (String, Option<String>, Option<Vec<u8>>);
/// A trial row with one more column (its content hash, its generation).
type TrialRowWith<T> = (String, Option<String>, Option<Vec<u8>>, T);

/// A trial made ready for storing, away from the database (on any thread):
/// encoded, hashed and compressed.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub id: String,
    nct_id: Option<String>,
    status: &'static str,
    study_type: Option<&'static str>,
    phases: String,
    trial_z: Vec<u8>,
    raw_z: Vec<u8>,
    /// FNV-1a 128 of the model JSON and the source JSON.
    pub content_hash: String,
}

/// Encode, hash and compress `trial` with its source record.
pub fn prepare(trial: &Trial, raw: &serde_json::Value) -> Result<Prepared> {
    let enc = |source| StoreError::Encode {
        id: trial.id.clone(),
        source,
    };
    let trial_json = serde_json::to_string(trial).map_err(enc)?;
    let raw_json = serde_json::to_string(raw).map_err(enc)?;
    let content_hash = content_hash(&[trial_json.as_bytes(), raw_json.as_bytes()]);
    let phases: Vec<&str> = trial.phases.iter().map(|p| p.code()).collect();
    Ok(Prepared {
        id: trial.id.clone(),
        nct_id: trial.nct_id.clone(),
        status: trial.status.map_or("", |s| s.code()),
        study_type: trial.study_type.map(|s| s.code()),
        phases: phases.join(" "),
        trial_z: codec::pack(trial_json.as_bytes()),
        raw_z: codec::pack(raw_json.as_bytes()),
        content_hash,
    })
}

/// Ids read per query by the batched reads: far below SQLite's limit of
/// 32766 placeholders.
pub(crate) const IDS_PER_QUERY: usize = 500;

/// `n` numbered placeholders from `$first`, for an `IN (…)` list:
/// `placeholders(2, 3)` is `$2, $3, $4`.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// Open (creating if needed) and migrate the store at `location`.
    pub async fn open(location: &Location) -> Result<Store> {
        let backend = match location {
            Location::Sqlite(path) => Backend::Sqlite(open_sqlite(path).await?),
            Location::Postgres { url, schema } => {
                Backend::Postgres(open_postgres(url, schema.as_deref(), location).await?)
            }
        };
        match &backend {
            Backend::Sqlite(p) => SQLITE_MIGRATOR.run(p).await?,
            Backend::Postgres(p) => POSTGRES_MIGRATOR.run(p).await?,
        }
        let candidate = new_store_id();
        on_pool!(&backend, |p| {
            sqlx::query("INSERT INTO store_meta (id, store_id, generation) VALUES (1, $1, 0) ON CONFLICT (id) DO NOTHING")
                .bind(&candidate)
                .execute(p)
                .await
                .map(|_| ())?
        });
        let (store_id,): (String,) = on_pool!(&backend, |p| {
            sqlx::query_as("SELECT store_id FROM store_meta WHERE id = 1")
                .fetch_one(p)
                .await?
        });
        Ok(Store {
            backend,
            location: location.clone(),
            store_id,
        })
    }

    /// Open an SQLite store at `path`.
    pub async fn open_sqlite(path: impl AsRef<Path>) -> Result<Store> {
        Store::open(&Location::Sqlite(path.as_ref().to_path_buf())).await
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// A random id chosen when the store was created: tells a derived index
    /// that the database it was built from has been replaced.
    pub fn store_id(&self) -> &str {
        &self.store_id
    }

    /// The generation of the last committed change (0 for a new store).
    pub async fn generation(&self) -> Result<i64> {
        let (g,): (i64,) = on_pool!(&self.backend, |p| {
            sqlx::query_as("SELECT generation FROM store_meta WHERE id = 1")
                .fetch_one(p)
                .await?
        });
        Ok(g)
    }

    pub async fn count(&self) -> Result<u64> {
        let (n,): (i64,) = on_pool!(&self.backend, |p| sqlx::query_as(
            "SELECT COUNT(*) FROM trials"
        )
        .fetch_one(p)
        .await?);
        Ok(to_u64(n))
    }

    /// Number of trials per overall status code, most frequent first. A
    /// trial whose record states no status (stored as '') counts under none.
    pub async fn counts_by_status(&self) -> Result<Vec<(String, u64)>> {
        let rows: Vec<(String, i64)> = on_pool!(&self.backend, |p| {
            sqlx::query_as(
                "SELECT status, COUNT(*) AS n FROM trials WHERE status <> '' \
                 GROUP BY status ORDER BY n DESC, status",
            )
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(|(s, n)| (s, to_u64(n))).collect())
    }

    /// Number of trials per phase code (a trial with phases 1 and 2 counts
    /// under both), plus `NONE` for trials without a phase; most frequent first.
    pub async fn counts_by_phase(&self) -> Result<Vec<(String, u64)>> {
        let rows: Vec<(String, i64)> = on_pool!(&self.backend, |p| {
            sqlx::query_as("SELECT phases, COUNT(*) FROM trials GROUP BY phases")
                .fetch_all(p)
                .await?
        });
        let mut out: Vec<(String, u64)> = Vec::new();
        for (phases, n) in rows {
            let codes: Vec<&str> = if phases.is_empty() {
                vec!["NONE"]
            } else {
                phases.split(' ').collect()
            };
            for c in codes {
                match out.iter_mut().find(|(k, _)| k == c) {
                    Some((_, m)) => *m += to_u64(n),
                    None => out.push((c.to_string(), to_u64(n))),
                }
            }
        }
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(out)
    }

    pub async fn get_trial(&self, id: &str) -> Result<Option<Trial>> {
        let row: Option<TrialRow> = on_pool!(&self.backend, |p| {
            sqlx::query_as("SELECT id, trial_json, trial_z FROM trials WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        row.map(decode_row).transpose()
    }

    /// These trials with their content hashes (those in the store, by id).
    pub async fn trials_with_hash(&self, ids: &[&str]) -> Result<Vec<(Trial, String)>> {
        let mut out = Vec::with_capacity(ids.len());
        for part in ids.chunks(IDS_PER_QUERY) {
            let sql = format!(
                "SELECT id, trial_json, trial_z, content_hash FROM trials WHERE id IN ({}) ORDER BY id",
                placeholders(1, part.len())
            );
            let rows: Vec<TrialRowWith<String>> = on_pool!(&self.backend, |p| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for id in part {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await?
            });
            for (id, text, packed, hash) in rows {
                out.push((decode_row((id, text, packed))?, hash));
            }
        }
        Ok(out)
    }

    /// The source record exactly as imported.
    pub async fn get_raw(&self, id: &str) -> Result<Option<serde_json::Value>> {
        self.get_raw_text(id)
            .await?
            .map(|json| {
                serde_json::from_str(&json).map_err(|source| StoreError::Corrupt {
                    id: id.to_string(),
                    source,
                })
            })
            .transpose()
    }

    /// The source record as stored: the JSON text `serde_json` wrote of
    /// it, so parsing and writing it again gives the same text. For a
    /// reader that can pass it on as it is (API v2 pages).
    pub async fn get_raw_text(&self, id: &str) -> Result<Option<String>> {
        let row: Option<(Option<String>, Option<Vec<u8>>)> = on_pool!(&self.backend, |p| {
            sqlx::query_as("SELECT raw_json, raw_z FROM trials WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        row.map(|(text, packed)| stored_json(id, text, packed))
            .transpose()
    }

    /// [`Store::get_raw_text`] of several records in one query (per 500
    /// ids) instead of one each: `(id, text)` in the order of `ids`, those
    /// the store does not hold left out. A page of 100 records was 100
    /// round trips to the pool (a connection's worker thread each on
    /// SQLite, a network round trip each on PostgreSQL).
    pub async fn get_raw_texts(&self, ids: &[&str]) -> Result<Vec<(String, String)>> {
        let mut rows: Vec<(String, Option<String>, Option<Vec<u8>>)> =
            Vec::with_capacity(ids.len());
        for part in ids.chunks(IDS_PER_QUERY) {
            let sql = format!(
                "SELECT id, raw_json, raw_z FROM trials WHERE id IN ({})",
                placeholders(1, part.len())
            );
            let found: Vec<(String, Option<String>, Option<Vec<u8>>)> =
                on_pool!(&self.backend, |p| {
                    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                    for id in part {
                        q = q.bind(*id);
                    }
                    q.fetch_all(p).await?
                });
            rows.extend(found);
        }
        let at: std::collections::HashMap<&str, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        rows.sort_by_key(|(id, _, _)| at.get(id.as_str()).copied().unwrap_or(usize::MAX));
        rows.dedup_by(|a, b| a.0 == b.0);
        rows.into_iter()
            .map(|(id, text, packed)| {
                let text = stored_json(&id, text, packed)?;
                Ok((id, text))
            })
            .collect()
    }

    pub async fn row_info(&self, id: &str) -> Result<Option<RowInfo>> {
        let row: Option<(String, String, i64, String, String)> = on_pool!(&self.backend, |p| {
            sqlx::query_as(
                "SELECT id, content_hash, generation, imported_at, updated_at FROM trials WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(
            |(id, content_hash, generation, imported_at, updated_at)| RowInfo {
                id,
                content_hash,
                generation,
                imported_at,
                updated_at,
            },
        ))
    }

    /// Every trial id, sorted.
    pub async fn list_ids(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_pool!(&self.backend, |p| sqlx::query_as(
            "SELECT id FROM trials ORDER BY id"
        )
        .fetch_all(p)
        .await?);
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Up to `limit` trials with ids greater than `after`, by id: keyset
    /// paging, constant cost per page however large the registry.
    pub async fn trials_page(&self, after: Option<&str>, limit: u32) -> Result<Vec<Trial>> {
        let sql = format!("{TRIAL_COLUMNS_FROM} WHERE id > $1 ORDER BY id LIMIT $2");
        let rows: Vec<TrialRow> = on_pool!(&self.backend, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(after.unwrap_or(""))
                .bind(i64::from(limit))
                .fetch_all(p)
                .await?
        });
        rows.into_iter().map(decode_row).collect()
    }

    /// Every trial, by id (pages internally).
    pub async fn all_trials(&self) -> Result<Vec<Trial>> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = self.trials_page(after.as_deref(), 2000).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            out.extend(page);
        }
        Ok(out)
    }

    /// Up to `limit` trials changed in a generation after `generation`,
    /// ordered by (generation, id), starting after the `after` key.
    pub async fn changed_since(
        &self,
        generation: i64,
        after: Option<(i64, &str)>,
        limit: u32,
    ) -> Result<Vec<(i64, Trial)>> {
        let (ag, aid) = after.unwrap_or((generation, ""));
        let rows: Vec<TrialRowWith<i64>> = on_pool!(&self.backend, |p| {
            sqlx::query_as(
                "SELECT id, trial_json, trial_z, generation FROM trials \
                 WHERE generation > $1 AND (generation > $2 OR (generation = $3 AND id > $4)) \
                 ORDER BY generation, id LIMIT $5",
            )
            .bind(generation)
            .bind(ag)
            .bind(ag)
            .bind(aid)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?
        });
        rows.into_iter()
            .map(|(id, text, packed, g)| Ok((g, decode_row((id, text, packed))?)))
            .collect()
    }

    /// The stored content hashes of these trials (those in the store), by
    /// id, as last committed: lets an import compile only the trials whose
    /// content changed while an earlier batch is still being written (the
    /// writer compares again in its transaction, [`Writer::hashes`]).
    pub async fn hashes(&self, ids: &[&str]) -> Result<std::collections::HashMap<String, String>> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for part in ids.chunks(IDS_PER_QUERY) {
            let sql = hashes_sql(part.len());
            let rows: Vec<(String, String)> = on_pool!(&self.backend, |p| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for id in part {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// Start a write transaction.
    pub async fn begin(&self) -> Result<Writer> {
        let tx = match &self.backend {
            Backend::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres(p) => Tx::Postgres(p.begin().await?),
        };
        Ok(Writer::new(tx))
    }

    /// Upsert `items` in one transaction.
    pub async fn upsert_batch(&self, items: &[(Trial, serde_json::Value)]) -> Result<UpsertCounts> {
        let mut w = self.begin().await?;
        for (t, raw) in items {
            w.upsert(t, raw).await?;
        }
        w.commit().await
    }

    /// Record an import run.
    pub async fn log_import(&self, e: &ImportLogEntry) -> Result<()> {
        let sources = serde_json::to_string(&e.sources).map_err(|source| StoreError::Encode {
            id: "import log".into(),
            source,
        })?;
        on_pool!(&self.backend, |p| {
            sqlx::query(
                "INSERT INTO import_log (started_at, finished_at, sources, strict, outcome, read_count, \
                 inserted, updated, unchanged, failed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&e.started_at)
            .bind(&e.finished_at)
            .bind(&sources)
            .bind(e.strict)
            .bind(&e.outcome)
            .bind(e.read as i64)
            .bind(e.inserted as i64)
            .bind(e.updated as i64)
            .bind(e.unchanged as i64)
            .bind(e.failed as i64)
            .execute(p)
            .await
            .map(|_| ())?
        });
        Ok(())
    }

    /// The last `limit` import runs, newest first.
    pub async fn import_log(&self, limit: u32) -> Result<Vec<ImportLogEntry>> {
        type Row = (
            String,
            String,
            String,
            bool,
            String,
            i64,
            i64,
            i64,
            i64,
            i64,
        );
        let rows: Vec<Row> = on_pool!(&self.backend, |p| {
            sqlx::query_as(
                "SELECT started_at, finished_at, sources, strict, outcome, read_count, inserted, updated, \
                 unchanged, failed FROM import_log ORDER BY id DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| ImportLogEntry {
                started_at: r.0,
                finished_at: r.1,
                sources: serde_json::from_str(&r.2).unwrap_or_default(),
                strict: r.3,
                outcome: r.4,
                read: to_u64(r.5),
                inserted: to_u64(r.6),
                updated: to_u64(r.7),
                unchanged: to_u64(r.8),
                failed: to_u64(r.9),
            })
            .collect())
    }

    /// Close the connection pool (waits for connections to finish).
    pub async fn close(self) {
        on_pool!(self.backend, |p| p.close().await)
    }
}

async fn open_sqlite(path: &Path) -> Result<SqlitePool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        private::create_dir(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    private::restrict_db_files(path).map_err(|source| StoreError::CreateDir {
        path: path.to_path_buf(),
        source,
    })?;
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(std::time::Duration::from_secs(10))
        .foreign_keys(true);
    SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(opts)
        .await
        .map_err(|source| StoreError::Open {
            location: path.display().to_string(),
            source,
        })
}

async fn open_postgres(url: &str, schema: Option<&str>, location: &Location) -> Result<PgPool> {
    let open_err = |source| StoreError::Open {
        location: location.to_string(),
        source,
    };
    let mut opts = PgConnectOptions::from_str(url).map_err(open_err)?;
    if let Some(schema) = schema {
        if schema.is_empty()
            || !schema
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(StoreError::Location(format!(
                "schema name {schema:?}: use letters, digits and _"
            )));
        }
        let mut conn = sqlx::PgConnection::connect_with(&opts)
            .await
            .map_err(open_err)?;
        conn.execute(sqlx::AssertSqlSafe(format!(
            "CREATE SCHEMA IF NOT EXISTS \"{schema}\""
        )))
        .await
        .map_err(open_err)?;
        conn.close().await.map_err(open_err)?;
        opts = opts.options([("search_path", schema)]);
    }
    PgPoolOptions::new()
        .max_connections(4)
        .connect_with(opts)
        .await
        .map_err(open_err)
}

enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

pub mod codec;
pub mod conduct;
mod rules;
pub mod server;

pub use rules::{IndexEntry, IndexRow, RulesRow};

mod writer;
pub use writer::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_from_the_first_given() {
        assert_eq!(placeholders(1, 1), "$1");
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(placeholders(1, 0), "");
    }

    #[test]
    fn hash_separates_parts_and_is_stable() {
        // FNV-1a 128 of the empty input is the offset basis (published constant).
        assert_eq!(content_hash(&[b""]), "6c62272e07bb014262b821756295c58d");
        assert_ne!(content_hash(&[b"ab", b"c"]), content_hash(&[b"a", b"bc"]));
        assert_eq!(content_hash(&[b"x"]), content_hash(&[b"x"]));
    }

    #[test]
    fn postgres_urls_are_recognised_and_redacted() {
        assert!(Location::from_database_url("sqlite://x.db").is_none());
        let l = Location::from_database_url("postgres://eligo:secret@db:5432/eligo").unwrap();
        assert_eq!(l.to_string(), "postgres://eligo:***@db:5432/eligo");
        assert!(!l.to_string().contains("secret"));
    }
}

/// The registry file holds applicants' personal data (names, emails,
/// answers): directories eligo creates for it are 0700 and the database
/// with its `-wal` and `-shm` files 0600 (SQLite gives the latter two the
/// database file's mode, so creating that one 0600 first is enough).
mod private {
    use std::io;
    use std::path::Path;

    #[cfg(unix)]
    pub fn create_dir(dir: &Path) -> io::Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }

    #[cfg(not(unix))]
    pub fn create_dir(dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)
    }

    /// Create the database file 0600 when missing; take group and other
    /// access away from an existing one and its companions.
    #[cfg(unix)]
    pub fn restrict_db_files(db: &Path) -> io::Result<()> {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(db)
        {
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            let p = Path::new(&p);
            match std::fs::metadata(p) {
                Ok(m) if m.is_file() && m.permissions().mode() & 0o077 != 0 => {
                    let mode = m.permissions().mode() & 0o700;
                    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    #[cfg(not(unix))]
    pub fn restrict_db_files(_db: &Path) -> io::Result<()> {
        Ok(())
    }
}
