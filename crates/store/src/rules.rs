//! Compiled criteria stored with the trial (migration `0004_scale.sql`).
//!
//! Each trial's rule set is compiled once, when it is imported, and kept
//! next to it with the small [`IndexEntry`] that the matcher chooses trials
//! by. Both are keyed by the trial's content hash and the compiler's
//! version: a changed record or another compiler never serves stale rules,
//! and a rebuild of eligo that compiles the same way reuses them. The store
//! does not read them: the rule set is opaque bytes (compressed JSON made by
//! the caller with [`crate::codec`]) and the entry plain strings.

use super::{Backend, IDS_PER_QUERY, Result, Store, Tx, Writer, placeholders, to_u64};
use std::collections::HashMap;

/// One trial's compiled rules as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesRow {
    pub trial_id: String,
    /// The trial's content hash when it was compiled.
    pub content_hash: String,
    /// The compiler's version.
    pub compiler: String,
    pub partial: bool,
    /// Vocabulary condition keys the trial is about, space-separated.
    pub targets: String,
    /// The trial's own conditions as the matcher rules trials out by them
    /// (opaque to the store; empty when the trial has none).
    pub gate: String,
    /// The rule set, packed with [`crate::codec::pack`].
    pub data: Vec<u8>,
}

/// A trial as the matcher's index sees it: its store metadata and, when
/// rules by `compiler` for its current content exist, their entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRow {
    pub trial_id: String,
    /// Overall status code.
    pub status: String,
    pub generation: i64,
    /// `None` when the trial has no current rules: compile it.
    pub entry: Option<IndexEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub partial: bool,
    pub targets: String,
    /// [`RulesRow::gate`]; `None` for a row stored before the column
    /// existed (fill it in with [`Store::put_gates`]).
    pub gate: Option<String>,
}

const PUT_INDEX: &str = "INSERT INTO match_index (trial_id, content_hash, compiler, partial, targets, gate) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (trial_id) DO UPDATE SET \
     content_hash = excluded.content_hash, compiler = excluded.compiler, \
     partial = excluded.partial, targets = excluded.targets, gate = excluded.gate";
const PUT_DATA: &str = "INSERT INTO compiled_criteria (trial_id, content_hash, compiler, data) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (trial_id) DO UPDATE SET \
     content_hash = excluded.content_hash, compiler = excluded.compiler, data = excluded.data";

macro_rules! put_row {
    ($c:expr, $r:expr) => {{
        let r = $r;
        sqlx::query(PUT_INDEX)
            .bind(&r.trial_id)
            .bind(&r.content_hash)
            .bind(&r.compiler)
            .bind(r.partial)
            .bind(&r.targets)
            .bind(&r.gate)
            .execute(&mut *$c)
            .await?;
        sqlx::query(PUT_DATA)
            .bind(&r.trial_id)
            .bind(&r.content_hash)
            .bind(&r.compiler)
            .bind(&r.data)
            .execute(&mut *$c)
            .await?;
    }};
}

type IndexTuple = (
    String,
    String,
    i64,
    Option<bool>,
    Option<String>,
    Option<String>,
);

fn index_row((trial_id, status, generation, partial, targets, gate): IndexTuple) -> IndexRow {
    IndexRow {
        trial_id,
        status,
        generation,
        entry: match (partial, targets) {
            (Some(partial), Some(targets)) => Some(IndexEntry {
                partial,
                targets,
                gate,
            }),
            _ => None,
        },
    }
}

impl Store {
    /// Store compiled rules in one transaction. A row whose trial has
    /// changed since it was compiled is stored too and simply never used.
    pub async fn put_rules(&self, rows: &[RulesRow]) -> Result<()> {
        on_pool!(&self.backend, |p| {
            let mut tx = p.begin().await?;
            for r in rows {
                put_row!(&mut *tx, r);
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Up to `limit` trials changed after `generation`, by (generation, id)
    /// after the `after` key, with their index entries by `compiler`
    /// (`generation` -1 pages through every trial).
    pub async fn index_rows(
        &self,
        compiler: &str,
        generation: i64,
        after: Option<(i64, &str)>,
        limit: u32,
    ) -> Result<Vec<IndexRow>> {
        let (ag, aid) = after.unwrap_or((generation, ""));
        let rows: Vec<IndexTuple> = on_pool!(&self.backend, |p| {
            sqlx::query_as(
                "SELECT t.id, t.status, t.generation, m.partial, m.targets, m.gate FROM trials t \
                 LEFT JOIN match_index m ON m.trial_id = t.id AND m.content_hash = t.content_hash \
                 AND m.compiler = $1 \
                 WHERE t.generation > $2 AND (t.generation > $3 OR (t.generation = $4 AND t.id > $5)) \
                 ORDER BY t.generation, t.id LIMIT $6",
            )
            .bind(compiler)
            .bind(generation)
            .bind(ag)
            .bind(ag)
            .bind(aid)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(index_row).collect())
    }

    /// Every trial changed after `generation` (all of them for -1), with
    /// its index entry by `compiler` (pages internally).
    pub async fn all_index_rows(&self, compiler: &str, generation: i64) -> Result<Vec<IndexRow>> {
        let mut out: Vec<IndexRow> = Vec::new();
        loop {
            let after = out.last().map(|r| (r.generation, r.trial_id.as_str()));
            let page = self.index_rows(compiler, generation, after, 20_000).await?;
            if page.is_empty() {
                break;
            }
            out.extend(page);
        }
        Ok(out)
    }

    /// The trials whose current index entry by `compiler` names one of
    /// `keys` among its targets, as [`Store::index_rows`] gives them: what
    /// matching a patient's conditions needs of the index, without reading
    /// every trial. It may give more (a `_` in a key matches any
    /// character): callers choose by the targets.
    pub async fn index_rows_about(&self, compiler: &str, keys: &[&str]) -> Result<Vec<IndexRow>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let any: Vec<String> = (0..keys.len())
            .map(|i| format!("(' ' || m.targets || ' ') LIKE ${}", i + 2))
            .collect();
        let sql = format!(
            "SELECT t.id, t.status, t.generation, m.partial, m.targets, m.gate FROM match_index m \
             JOIN trials t ON t.id = m.trial_id AND t.content_hash = m.content_hash \
             WHERE m.compiler = $1 AND ({}) ORDER BY t.id",
            any.join(" OR ")
        );
        let rows: Vec<IndexTuple> = on_pool!(&self.backend, |p| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(compiler);
            for k in keys {
                q = q.bind(format!("% {k} %"));
            }
            q.fetch_all(p).await?
        });
        Ok(rows.into_iter().map(index_row).collect())
    }

    /// The stored rule sets (packed) by `compiler` for the current content
    /// of these trials, by id; trials without current rules are absent.
    pub async fn rules_data(
        &self,
        ids: &[&str],
        compiler: &str,
    ) -> Result<HashMap<String, Vec<u8>>> {
        let mut out = HashMap::with_capacity(ids.len());
        for part in ids.chunks(IDS_PER_QUERY) {
            let sql = format!(
                "SELECT c.trial_id, c.data FROM compiled_criteria c \
                 JOIN trials t ON t.id = c.trial_id AND t.content_hash = c.content_hash \
                 WHERE c.compiler = $1 AND c.trial_id IN ({})",
                placeholders(2, part.len())
            );
            let rows: Vec<(String, Vec<u8>)> = on_pool!(&self.backend, |p| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(compiler);
                for id in part {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// Fill in the gate of index entries stored before it existed
    /// ([`IndexEntry::gate`] `None`): `(trial id, gate)`, one transaction.
    pub async fn put_gates(&self, gates: &[(String, String)]) -> Result<()> {
        on_pool!(&self.backend, |p| {
            let mut tx = p.begin().await?;
            for (id, gate) in gates {
                sqlx::query("UPDATE match_index SET gate = $1 WHERE trial_id = $2")
                    .bind(gate)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Ids of the trials with no current rules by `compiler`, by id.
    pub async fn stale_rules(&self, compiler: &str) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_pool!(&self.backend, |p| {
            sqlx::query_as(
                "SELECT t.id FROM trials t LEFT JOIN match_index m ON m.trial_id = t.id \
                 AND m.content_hash = t.content_hash AND m.compiler = $1 \
                 WHERE m.trial_id IS NULL ORDER BY t.id",
            )
            .bind(compiler)
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// The store generation up to which every trial is known to have rules
    /// by `compiler` (see [`Store::set_rules_complete`]).
    pub async fn rules_complete(&self, compiler: &str) -> Result<Option<i64>> {
        let row: (Option<String>, Option<i64>) = on_pool!(&self.backend, |p| {
            sqlx::query_as("SELECT rules_compiler, rules_generation FROM store_meta WHERE id = 1")
                .fetch_one(p)
                .await?
        });
        Ok(match row {
            (Some(c), Some(g)) if c == compiler => Some(g),
            _ => None,
        })
    }

    /// Record that every trial of store generation `generation` or before
    /// has rules by `compiler`.
    pub async fn set_rules_complete(&self, compiler: &str, generation: i64) -> Result<()> {
        on_pool!(&self.backend, |p| {
            sqlx::query(
                "UPDATE store_meta SET rules_compiler = $1, rules_generation = $2 WHERE id = 1",
            )
            .bind(compiler)
            .bind(generation)
            .execute(p)
            .await
            .map(|_| ())?
        });
        Ok(())
    }

    /// Bytes of stored rule sets and their number (for `eligo stats`).
    pub async fn rules_size(&self) -> Result<(u64, u64)> {
        let (n, bytes): (i64, Option<i64>) = on_pool!(&self.backend, |p| {
            sqlx::query_as("SELECT COUNT(*), SUM(LENGTH(data)) FROM compiled_criteria")
                .fetch_one(p)
                .await?
        });
        Ok((to_u64(n), to_u64(bytes.unwrap_or(0))))
    }
}

impl Writer {
    /// Store a trial's compiled rules in this transaction (after its upsert).
    pub async fn put_rules(&mut self, r: &RulesRow) -> Result<()> {
        match &mut self.tx {
            Tx::Sqlite(t) => put_row!(&mut **t, r),
            Tx::Postgres(t) => put_row!(&mut **t, r),
        }
        Ok(())
    }
}
