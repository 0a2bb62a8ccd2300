//! One write transaction ([`Writer`]): upserts that compare content hashes,
//! compiled rules and the import log, visible only at its commit.

use super::*;

/// One write transaction. Dropping it without [`Writer::commit`] rolls back.
/// The content hashes of `n` trials by id (`$1` … `$n`).
pub(crate) fn hashes_sql(n: usize) -> String {
    format!(
        "SELECT id, content_hash FROM trials WHERE id IN ({})",
        placeholders(1, n)
    )
}

pub struct Writer {
    pub(crate) tx: Tx,
    /// The generation this transaction stamps on changed rows, allocated on
    /// the first change.
    generation: Option<i64>,
    counts: UpsertCounts,
    now: String,
}

impl Writer {
    pub(crate) fn new(tx: Tx) -> Writer {
        Writer {
            tx,
            generation: None,
            counts: UpsertCounts::default(),
            now: now(),
        }
    }

    /// Insert or update one trial with its source record.
    pub async fn upsert(&mut self, trial: &Trial, raw: &serde_json::Value) -> Result<Outcome> {
        let p = prepare(trial, raw)?;
        let existing = self.hashes(&[p.id.as_str()]).await?;
        self.write(&p, existing.get(&p.id).map(String::as_str))
            .await
    }

    /// The stored content hashes of these trials (those in the store), by id.
    pub async fn hashes(
        &mut self,
        ids: &[&str],
    ) -> Result<std::collections::HashMap<String, String>> {
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for part in ids.chunks(IDS_PER_QUERY) {
            let sql = hashes_sql(part.len());
            let rows: Vec<(String, String)> = on_tx!(&mut self.tx, |c| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for id in part {
                    q = q.bind(*id);
                }
                q.fetch_all(c).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// Store a prepared trial whose stored content hash is `existing`
    /// (`None`: not in the store), unless it is unchanged.
    pub async fn write(&mut self, p: &Prepared, existing: Option<&str>) -> Result<Outcome> {
        let outcome = match existing {
            Some(h) if h == p.content_hash => Outcome::Unchanged,
            Some(_) => Outcome::Updated,
            None => Outcome::Inserted,
        };
        if outcome != Outcome::Unchanged {
            let generation = self.generation().await?;
            on_tx!(&mut self.tx, |c| {
                sqlx::query(
                    "INSERT INTO trials (id, nct_id, status, study_type, phases, trial_json, raw_json, \
                     trial_z, raw_z, content_hash, generation, imported_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (id) DO UPDATE SET nct_id = excluded.nct_id, status = excluded.status, \
                     study_type = excluded.study_type, phases = excluded.phases, \
                     trial_json = NULL, raw_json = NULL, trial_z = excluded.trial_z, raw_z = excluded.raw_z, \
                     content_hash = excluded.content_hash, generation = excluded.generation, \
                     updated_at = excluded.updated_at",
                )
                .bind(&p.id)
                .bind(p.nct_id.as_deref())
                .bind(p.status)
                .bind(p.study_type)
                .bind(&p.phases)
                .bind(&p.trial_z)
                .bind(&p.raw_z)
                .bind(&p.content_hash)
                .bind(generation)
                .bind(&self.now)
                .bind(&self.now)
                .execute(c)
                .await
                .map(|_| ())?
            });
        }
        self.counts.add(outcome);
        Ok(outcome)
    }

    /// The generation this transaction stamps on what it changes, if it
    /// changed anything yet.
    pub fn stamped(&self) -> Option<i64> {
        self.generation
    }

    async fn generation(&mut self) -> Result<i64> {
        if let Some(g) = self.generation {
            return Ok(g);
        }
        let (g,): (i64,) = on_tx!(&mut self.tx, |c| {
            sqlx::query_as("UPDATE store_meta SET generation = generation + 1 WHERE id = 1 RETURNING generation")
                .fetch_one(c)
                .await?
        });
        self.generation = Some(g);
        Ok(g)
    }

    /// Counts so far in this transaction.
    pub fn counts(&self) -> UpsertCounts {
        self.counts
    }

    /// Make every change visible, atomically.
    pub async fn commit(self) -> Result<UpsertCounts> {
        match self.tx {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(self.counts)
    }

    /// Undo every change of this transaction.
    pub async fn rollback(self) -> Result<()> {
        match self.tx {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}
