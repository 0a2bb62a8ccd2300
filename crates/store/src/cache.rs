//! The compiled-criteria cache (migration `0003_criteria_cache.sql`).
//!
//! Derived data, like the search index: it may be dropped at any time and is
//! rebuilt on demand. Entries are keyed by the trial's content hash and the
//! compiler's identity, so a changed record or a new compiler never serves
//! stale rules.

use super::{Backend, Result, Store};

/// Placeholders per query: far below SQLite's limit of 32766.
const CHUNK: usize = 400;

impl Store {
    /// Valid cached compilations (JSON) for these trial ids, by id.
    pub async fn cached_criteria(
        &self,
        ids: &[&str],
        compiler: &str,
    ) -> Result<std::collections::HashMap<String, String>> {
        let mut out = std::collections::HashMap::new();
        for part in ids.chunks(CHUNK) {
            let list: Vec<String> = (0..part.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT c.trial_id, c.compiled_json FROM criteria_cache c \
                 JOIN trials t ON t.id = c.trial_id AND t.content_hash = c.content_hash \
                 WHERE c.compiler = $1 AND c.trial_id IN ({})",
                list.join(", ")
            );
            let rows: Vec<(String, String)> = on_pool!(&self.backend, |p| {
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

    /// Store compilations (trial id, JSON) made by `compiler`, against the
    /// trials' current content hashes, in one transaction.
    pub async fn put_criteria(&self, items: &[(String, String)], compiler: &str) -> Result<()> {
        const SQL: &str = "INSERT INTO criteria_cache (trial_id, content_hash, compiler, compiled_json) \
             SELECT id, content_hash, $2, $3 FROM trials WHERE id = $1 \
             ON CONFLICT (trial_id) DO UPDATE SET content_hash = excluded.content_hash, \
             compiler = excluded.compiler, compiled_json = excluded.compiled_json";
        on_pool!(&self.backend, |p| {
            let mut tx = p.begin().await?;
            for (id, json) in items {
                sqlx::query(SQL)
                    .bind(id)
                    .bind(compiler)
                    .bind(json)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }
}
