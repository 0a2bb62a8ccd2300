//! Trial conduct tables (migration `0010_conduct.sql`): per-trial settings,
//! participants, their records (visits, adverse events, medications), the
//! audit trail and accepted dose-escalation advice.
//!
//! Records are JSON documents that eligo-conduct reads and writes; this
//! module stores them and their audit rows, and computes nothing. Every
//! write is one transaction with its audit rows (who, when, field, old →
//! new, reason), so no change is ever stored without its trail. Nothing is
//! deleted: a record entered in error keeps its row with the reason. A
//! change names the `updated_at` it was made against, so two people editing
//! the same record cannot silently overwrite each other.

use super::{Backend, Result, Store, Tx, now};

/// Who does a write: a coordinator (user id and email) or a command-line
/// operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

/// One field of an audit row set: the path, the value before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The kinds of participant records.
pub const KINDS: [&str; 3] = ["visit", "adverse_event", "medication"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantRow {
    pub id: i64,
    pub trial_id: String,
    pub study_id: String,
    pub application_id: Option<i64>,
    pub data_json: String,
    /// Entered in error, with this reason.
    pub error_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    pub id: i64,
    pub participant_id: i64,
    /// The participant's trial.
    pub trial_id: String,
    pub kind: String,
    pub visit_code: Option<String>,
    pub data_json: String,
    pub error_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub trial_id: String,
    pub participant_id: Option<i64>,
    pub record_kind: String,
    pub record_id: Option<i64>,
    pub action: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
    pub user_id: Option<i64>,
    pub actor: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    pub id: i64,
    pub trial_id: String,
    pub design: String,
    pub advice_json: String,
    pub note: Option<String>,
    pub actor: String,
    pub at: String,
}

/// What a create did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    Created(i64),
    /// The study id (or the visit) already exists; nothing was written.
    Duplicate,
    /// No such participant.
    NotFound,
}

/// What a change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    Changed,
    NotFound,
    /// The record changed since it was read (or is entered in error);
    /// nothing was written.
    Conflict,
}

type PRow = (
    i64,
    String,
    String,
    Option<i64>,
    String,
    Option<String>,
    String,
    String,
);

fn prow(r: PRow) -> ParticipantRow {
    ParticipantRow {
        id: r.0,
        trial_id: r.1,
        study_id: r.2,
        application_id: r.3,
        data_json: r.4,
        error_reason: r.5,
        created_at: r.6,
        updated_at: r.7,
    }
}

const P_COLS: &str =
    "id, trial_id, study_id, application_id, data_json, error_reason, created_at, updated_at";

type RRow = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
);

fn rrow(r: RRow) -> RecordRow {
    RecordRow {
        id: r.0,
        participant_id: r.1,
        trial_id: r.2,
        kind: r.3,
        visit_code: r.4,
        data_json: r.5,
        error_reason: r.6,
        created_at: r.7,
        updated_at: r.8,
    }
}

const R_COLS: &str = "r.id, r.participant_id, p.trial_id, r.kind, r.visit_code, r.data_json, \
     r.error_reason, r.created_at, r.updated_at";

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// One audit row to write.
#[derive(Clone, Copy)]
struct Audit<'a> {
    trial_id: &'a str,
    participant_id: Option<i64>,
    kind: &'a str,
    record_id: Option<i64>,
    action: &'a str,
    change: Option<&'a FieldChange>,
    reason: Option<&'a str>,
}

async fn audit(tx: &mut Tx, a: Audit<'_>, actor: &Actor, at: &str) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO conduct_audit (trial_id, participant_id, record_kind, record_id, action, \
             field, old_value, new_value, reason, user_id, actor, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(a.trial_id)
        .bind(a.participant_id)
        .bind(a.kind)
        .bind(a.record_id)
        .bind(a.action)
        .bind(a.change.map(|c| c.field.as_str()))
        .bind(a.change.and_then(|c| c.old.as_deref()))
        .bind(a.change.and_then(|c| c.new.as_deref()))
        .bind(a.reason)
        .bind(actor.user_id)
        .bind(&actor.name)
        .bind(at)
        .execute(c)
        .await
        .map(|_| ())?
    });
    Ok(())
}

/// Audit rows for every change (one `action` row when there are none).
async fn audit_all(
    tx: &mut Tx,
    base: Audit<'_>,
    changes: &[FieldChange],
    actor: &Actor,
    at: &str,
) -> Result<()> {
    if changes.is_empty() {
        return audit(tx, base, actor, at).await;
    }
    for ch in changes {
        audit(
            tx,
            Audit {
                change: Some(ch),
                ..base
            },
            actor,
            at,
        )
        .await?;
    }
    Ok(())
}

async fn commit(tx: Tx) -> Result<()> {
    match tx {
        Tx::Sqlite(t) => t.commit().await?,
        Tx::Postgres(t) => t.commit().await?,
    }
    Ok(())
}

impl Store {
    async fn conduct_tx(&self) -> Result<Tx> {
        Ok(match &self.backend {
            Backend::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// The trial's settings JSON, if any were saved.
    pub async fn conduct_settings(&self, trial_id: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = on_pool!(&self.backend, |p| {
            sqlx::query_as("SELECT settings_json FROM conduct_settings WHERE trial_id = $1")
                .bind(trial_id)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map(|(s,)| s))
    }

    /// Save the trial's settings with their audit rows.
    pub async fn put_conduct_settings(
        &self,
        trial_id: &str,
        settings_json: &str,
        changes: &[FieldChange],
        reason: Option<&str>,
        actor: &Actor,
    ) -> Result<()> {
        let mut tx = self.conduct_tx().await?;
        let at = now();
        on_tx!(&mut tx, |c| {
            sqlx::query(
                "INSERT INTO conduct_settings (trial_id, settings_json, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (trial_id) DO UPDATE SET settings_json = excluded.settings_json, \
                 updated_at = excluded.updated_at",
            )
            .bind(trial_id)
            .bind(settings_json)
            .bind(&at)
            .execute(c)
            .await
            .map(|_| ())?
        });
        let base = Audit {
            trial_id,
            participant_id: None,
            kind: "settings",
            record_id: None,
            action: "changed",
            change: None,
            reason,
        };
        audit_all(&mut tx, base, changes, actor, &at).await?;
        commit(tx).await
    }

    /// A new participant with its `created` audit rows (one per field).
    pub async fn create_participant(
        &self,
        trial_id: &str,
        study_id: &str,
        application_id: Option<i64>,
        data_json: &str,
        fields: &[FieldChange],
        actor: &Actor,
    ) -> Result<Created> {
        let mut tx = self.conduct_tx().await?;
        let at = now();
        let ins: std::result::Result<(i64,), sqlx::Error> = on_tx!(&mut tx, |c| {
            sqlx::query_as(
                "INSERT INTO participants (trial_id, study_id, application_id, data_json, error_reason, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, NULL, $5, $6) RETURNING id",
            )
            .bind(trial_id)
            .bind(study_id)
            .bind(application_id)
            .bind(data_json)
            .bind(&at)
            .bind(&at)
            .fetch_one(c)
            .await
        });
        let id = match ins {
            Ok((id,)) => id,
            Err(e) if is_unique_violation(&e) => return Ok(Created::Duplicate),
            Err(e) => return Err(e.into()),
        };
        let base = Audit {
            trial_id,
            participant_id: Some(id),
            kind: "participant",
            record_id: Some(id),
            action: "created",
            change: None,
            reason: None,
        };
        audit_all(&mut tx, base, fields, actor, &at).await?;
        commit(tx).await?;
        Ok(Created::Created(id))
    }

    /// The trial's participants by id (entered-in-error ones included,
    /// flagged).
    pub async fn participants(&self, trial_id: &str) -> Result<Vec<ParticipantRow>> {
        let sql = format!("SELECT {P_COLS} FROM participants WHERE trial_id = $1 ORDER BY id");
        let rows: Vec<PRow> = on_pool!(&self.backend, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(trial_id)
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().map(prow).collect())
    }

    /// One participant, whoever's trial it is (callers check access).
    pub async fn participant(&self, id: i64) -> Result<Option<ParticipantRow>> {
        let sql = format!("SELECT {P_COLS} FROM participants WHERE id = $1");
        let row: Option<PRow> = on_pool!(&self.backend, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map(prow))
    }

    /// The participant of an application, if one was made from it.
    pub async fn participant_of_application(&self, application_id: i64) -> Result<Option<i64>> {
        let row: Option<(i64,)> = on_pool!(&self.backend, |p| {
            sqlx::query_as(
                "SELECT id FROM participants WHERE application_id = $1 AND error_reason IS NULL",
            )
            .bind(application_id)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|(id,)| id))
    }

    /// Change a participant's JSON (made against `expected_updated_at`)
    /// with one audit row per changed field, all carrying `reason`.
    pub async fn update_participant(
        &self,
        id: i64,
        data_json: &str,
        changes: &[FieldChange],
        reason: &str,
        expected_updated_at: &str,
        actor: &Actor,
    ) -> Result<Changed> {
        let mut tx = self.conduct_tx().await?;
        let row: Option<(String, String, Option<String>)> = on_tx!(&mut tx, |c| {
            sqlx::query_as(
                "SELECT trial_id, updated_at, error_reason FROM participants WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(c)
            .await?
        });
        let Some((trial_id, updated, err)) = row else {
            return Ok(Changed::NotFound);
        };
        if updated != expected_updated_at || err.is_some() {
            return Ok(Changed::Conflict);
        }
        let at = now();
        on_tx!(&mut tx, |c| {
            sqlx::query("UPDATE participants SET data_json = $1, updated_at = $2 WHERE id = $3")
                .bind(data_json)
                .bind(&at)
                .bind(id)
                .execute(c)
                .await
                .map(|_| ())?
        });
        let base = Audit {
            trial_id: &trial_id,
            participant_id: Some(id),
            kind: "participant",
            record_id: Some(id),
            action: "changed",
            change: None,
            reason: Some(reason),
        };
        audit_all(&mut tx, base, changes, actor, &at).await?;
        commit(tx).await?;
        Ok(Changed::Changed)
    }

    /// Mark a participant entered in error (their records stay, hidden
    /// with them).
    pub async fn participant_entered_in_error(
        &self,
        id: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<Changed> {
        self.mark_error(true, id, reason, actor).await
    }

    /// Mark a visit, adverse event or medication entered in error.
    pub async fn record_entered_in_error(
        &self,
        id: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<Changed> {
        self.mark_error(false, id, reason, actor).await
    }

    async fn mark_error(
        &self,
        participant: bool,
        id: i64,
        reason: &str,
        actor: &Actor,
    ) -> Result<Changed> {
        let mut tx = self.conduct_tx().await?;
        let (sel, upd) = if participant {
            (
                "SELECT trial_id, id, 'participant', error_reason FROM participants WHERE id = $1",
                "UPDATE participants SET error_reason = $1, updated_at = $2 WHERE id = $3",
            )
        } else {
            (
                "SELECT p.trial_id, r.participant_id, r.kind, r.error_reason FROM conduct_records r \
                 JOIN participants p ON p.id = r.participant_id WHERE r.id = $1",
                "UPDATE conduct_records SET error_reason = $1, updated_at = $2 WHERE id = $3",
            )
        };
        let row: Option<(String, i64, String, Option<String>)> = on_tx!(&mut tx, |c| {
            sqlx::query_as(sel).bind(id).fetch_optional(c).await?
        });
        let Some((trial_id, participant_id, kind, err)) = row else {
            return Ok(Changed::NotFound);
        };
        if err.is_some() {
            return Ok(Changed::Conflict);
        }
        let at = now();
        on_tx!(&mut tx, |c| {
            sqlx::query(upd)
                .bind(reason)
                .bind(&at)
                .bind(id)
                .execute(c)
                .await
                .map(|_| ())?
        });
        audit(
            &mut tx,
            Audit {
                trial_id: &trial_id,
                participant_id: Some(participant_id),
                kind: &kind,
                record_id: Some(id),
                action: "entered_in_error",
                change: None,
                reason: Some(reason),
            },
            actor,
            &at,
        )
        .await?;
        commit(tx).await?;
        Ok(Changed::Changed)
    }

    /// Add a visit, adverse event or medication to a participant, with its
    /// `created` audit rows. A second live record of the same visit code is
    /// refused (Duplicate).
    pub async fn add_record(
        &self,
        participant_id: i64,
        kind: &str,
        visit_code: Option<&str>,
        data_json: &str,
        fields: &[FieldChange],
        actor: &Actor,
    ) -> Result<Created> {
        let mut tx = self.conduct_tx().await?;
        let trial: Option<(String,)> = on_tx!(&mut tx, |c| {
            sqlx::query_as("SELECT trial_id FROM participants WHERE id = $1")
                .bind(participant_id)
                .fetch_optional(c)
                .await?
        });
        let Some((trial_id,)) = trial else {
            return Ok(Created::NotFound);
        };
        let at = now();
        let ins: std::result::Result<(i64,), sqlx::Error> = on_tx!(&mut tx, |c| {
            sqlx::query_as(
                "INSERT INTO conduct_records (participant_id, kind, visit_code, data_json, error_reason, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, NULL, $5, $6) RETURNING id",
            )
            .bind(participant_id)
            .bind(kind)
            .bind(visit_code)
            .bind(data_json)
            .bind(&at)
            .bind(&at)
            .fetch_one(c)
            .await
        });
        let id = match ins {
            Ok((id,)) => id,
            Err(e) if is_unique_violation(&e) => return Ok(Created::Duplicate),
            Err(e) => return Err(e.into()),
        };
        let base = Audit {
            trial_id: &trial_id,
            participant_id: Some(participant_id),
            kind,
            record_id: Some(id),
            action: "created",
            change: None,
            reason: None,
        };
        audit_all(&mut tx, base, fields, actor, &at).await?;
        commit(tx).await?;
        Ok(Created::Created(id))
    }

    /// A participant's records, oldest first (entered-in-error included).
    pub async fn records(&self, participant_id: i64) -> Result<Vec<RecordRow>> {
        let sql = format!(
            "SELECT {R_COLS} FROM conduct_records r JOIN participants p ON p.id = r.participant_id \
             WHERE r.participant_id = $1 ORDER BY r.id"
        );
        let rows: Vec<RRow> = on_pool!(&self.backend, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(participant_id)
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().map(rrow).collect())
    }

    /// Every record of the trial's participants (for summaries and export).
    pub async fn trial_records(&self, trial_id: &str) -> Result<Vec<RecordRow>> {
        let sql = format!(
            "SELECT {R_COLS} FROM conduct_records r JOIN participants p ON p.id = r.participant_id \
             WHERE p.trial_id = $1 ORDER BY r.participant_id, r.id"
        );
        let rows: Vec<RRow> = on_pool!(&self.backend, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(trial_id)
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().map(rrow).collect())
    }

    pub async fn record(&self, id: i64) -> Result<Option<RecordRow>> {
        let sql = format!(
            "SELECT {R_COLS} FROM conduct_records r JOIN participants p ON p.id = r.participant_id \
             WHERE r.id = $1"
        );
        let row: Option<RRow> = on_pool!(&self.backend, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map(rrow))
    }

    /// Change a record (made against `expected_updated_at`) with one audit
    /// row per changed field, all carrying `reason`.
    pub async fn update_record(
        &self,
        id: i64,
        data_json: &str,
        changes: &[FieldChange],
        reason: &str,
        expected_updated_at: &str,
        actor: &Actor,
    ) -> Result<Changed> {
        let mut tx = self.conduct_tx().await?;
        let row: Option<(String, i64, String, String, Option<String>)> = on_tx!(&mut tx, |c| {
            sqlx::query_as(
                "SELECT p.trial_id, r.participant_id, r.kind, r.updated_at, r.error_reason \
                 FROM conduct_records r JOIN participants p ON p.id = r.participant_id WHERE r.id = $1",
            )
            .bind(id)
            .fetch_optional(c)
            .await?
        });
        let Some((trial_id, participant_id, kind, updated, err)) = row else {
            return Ok(Changed::NotFound);
        };
        if updated != expected_updated_at || err.is_some() {
            return Ok(Changed::Conflict);
        }
        let at = now();
        on_tx!(&mut tx, |c| {
            sqlx::query("UPDATE conduct_records SET data_json = $1, updated_at = $2 WHERE id = $3")
                .bind(data_json)
                .bind(&at)
                .bind(id)
                .execute(c)
                .await
                .map(|_| ())?
        });
        let base = Audit {
            trial_id: &trial_id,
            participant_id: Some(participant_id),
            kind: &kind,
            record_id: Some(id),
            action: "changed",
            change: None,
            reason: Some(reason),
        };
        audit_all(&mut tx, base, changes, actor, &at).await?;
        commit(tx).await?;
        Ok(Changed::Changed)
    }

    /// The audit trail of a trial, or of one participant, oldest first.
    pub async fn conduct_audit(
        &self,
        trial_id: &str,
        participant_id: Option<i64>,
    ) -> Result<Vec<AuditRow>> {
        type Row = (
            i64,
            String,
            Option<i64>,
            String,
            Option<i64>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            String,
            String,
        );
        let pid = participant_id.unwrap_or(0);
        let rows: Vec<Row> = on_pool!(&self.backend, |p| {
            sqlx::query_as(
                "SELECT id, trial_id, participant_id, record_kind, record_id, action, field, old_value, \
                 new_value, reason, user_id, actor, at FROM conduct_audit \
                 WHERE trial_id = $1 AND ($2 = 0 OR participant_id = $3) ORDER BY id",
            )
            .bind(trial_id)
            .bind(pid)
            .bind(pid)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| AuditRow {
                id: r.0,
                trial_id: r.1,
                participant_id: r.2,
                record_kind: r.3,
                record_id: r.4,
                action: r.5,
                field: r.6,
                old_value: r.7,
                new_value: r.8,
                reason: r.9,
                user_id: r.10,
                actor: r.11,
                at: r.12,
            })
            .collect())
    }

    /// Record dose-escalation advice an investigator accepted, with its
    /// audit row.
    pub async fn accept_decision(
        &self,
        trial_id: &str,
        design: &str,
        advice_json: &str,
        note: Option<&str>,
        actor: &Actor,
    ) -> Result<i64> {
        let mut tx = self.conduct_tx().await?;
        let at = now();
        let (id,): (i64,) = on_tx!(&mut tx, |c| {
            sqlx::query_as(
                "INSERT INTO escalation_decisions (trial_id, design, advice_json, note, user_id, actor, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(trial_id)
            .bind(design)
            .bind(advice_json)
            .bind(note)
            .bind(actor.user_id)
            .bind(&actor.name)
            .bind(&at)
            .fetch_one(c)
            .await?
        });
        let ch = FieldChange {
            field: design.to_string(),
            old: None,
            new: Some(advice_json.to_string()),
        };
        audit(
            &mut tx,
            Audit {
                trial_id,
                participant_id: None,
                kind: "escalation",
                record_id: Some(id),
                action: "accepted",
                change: Some(&ch),
                reason: note,
            },
            actor,
            &at,
        )
        .await?;
        commit(tx).await?;
        Ok(id)
    }

    /// Accepted advice of a trial, oldest first.
    pub async fn decisions(&self, trial_id: &str) -> Result<Vec<DecisionRow>> {
        type Row = (i64, String, String, String, Option<String>, String, String);
        let rows: Vec<Row> = on_pool!(&self.backend, |p| {
            sqlx::query_as(
                    "SELECT id, trial_id, design, advice_json, note, actor, at FROM escalation_decisions \
                     WHERE trial_id = $1 ORDER BY id",
                )
                .bind(trial_id)
                .fetch_all(p)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| DecisionRow {
                id: r.0,
                trial_id: r.1,
                design: r.2,
                advice_json: r.3,
                note: r.4,
                actor: r.5,
                at: r.6,
            })
            .collect())
    }
}
