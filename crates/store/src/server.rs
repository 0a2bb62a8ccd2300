//! Tables of the web app (migration `0002_server.sql`): coordinator
//! accounts and the trials they work on, login sessions, patients'
//! applications and their audit trail.
//!
//! The same SQL runs on SQLite and PostgreSQL (`$n` placeholders, `RETURNING`,
//! times as RFC 3339 text, expiry as unix seconds). Every write that touches
//! more than one row is one transaction, so an application is never stored
//! without its `submitted` event, nor a status changed without its audit row.

use super::{Backend, Result, Store, Tx, now, to_u64};
use serde::Serialize;
use std::fmt;

/// Where an application stands in the screening log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    New,
    Contacted,
    Screening,
    Enrolled,
    /// Screened and not eligible; the change records the reason.
    ScreenFailed,
}

impl ApplicationStatus {
    pub const ALL: &'static [ApplicationStatus] = &[
        ApplicationStatus::New,
        ApplicationStatus::Contacted,
        ApplicationStatus::Screening,
        ApplicationStatus::Enrolled,
        ApplicationStatus::ScreenFailed,
    ];

    /// The stored code, e.g. `screen_failed`.
    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::New => "new",
            ApplicationStatus::Contacted => "contacted",
            ApplicationStatus::Screening => "screening",
            ApplicationStatus::Enrolled => "enrolled",
            ApplicationStatus::ScreenFailed => "screen_failed",
        }
    }

    /// A label for people, e.g. `Screen failed`.
    pub fn label(self) -> &'static str {
        match self {
            ApplicationStatus::New => "New",
            ApplicationStatus::Contacted => "Contacted",
            ApplicationStatus::Screening => "Screening",
            ApplicationStatus::Enrolled => "Enrolled",
            ApplicationStatus::ScreenFailed => "Screen failed",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.code() == s.trim())
    }
}

impl fmt::Display for ApplicationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A coordinator account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    /// argon2id PHC string.
    #[serde(skip)]
    pub password_hash: String,
    pub created_at: String,
    /// Trials the coordinator works on, sorted.
    pub trials: Vec<String>,
}

/// What [`Store::create_user`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateUser {
    Created(i64),
    /// An account with that email exists; nothing was written.
    EmailTaken,
}

/// A live session with its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user_id: i64,
    pub email: String,
    pub csrf_token: String,
    pub expires_unix: i64,
}

/// An application as submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApplication<'a> {
    pub trial_id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub consent: bool,
    pub answers_json: &'a str,
    pub facts_json: &'a str,
    /// `eligible`, `unknown` or `ineligible`.
    pub verdict: &'a str,
    /// The as-of date of the verdict, `YYYY-MM-DD`.
    pub as_of: &'a str,
}

/// A stored application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Application {
    pub id: i64,
    pub trial_id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub consent: bool,
    pub answers_json: String,
    pub facts_json: String,
    pub verdict: String,
    pub as_of: String,
    pub status: ApplicationStatus,
    pub status_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One row of an application's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationEvent {
    pub id: i64,
    pub application_id: i64,
    pub user_id: Option<i64>,
    /// A coordinator's email, or `applicant`.
    pub actor: String,
    /// `submitted` or `status_changed`.
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub reason: Option<String>,
    pub at: String,
}

/// What [`Store::change_application_status`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusChange {
    Changed(Box<Application>),
    /// No application with that id.
    NotFound,
    /// The application belongs to a trial the user is not attached to;
    /// nothing was written.
    Forbidden,
}

const APPLICATION_COLUMNS: &str = "a.id, a.trial_id, a.name, a.email, a.phone, a.consent, \
     a.answers_json, a.facts_json, a.verdict, a.as_of, a.status, a.status_reason, \
     a.created_at, a.updated_at";

type ApplicationRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    bool,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
);

fn application(r: ApplicationRow) -> Application {
    Application {
        id: r.0,
        trial_id: r.1,
        name: r.2,
        email: r.3,
        phone: r.4,
        consent: r.5,
        answers_json: r.6,
        facts_json: r.7,
        verdict: r.8,
        as_of: r.9,
        // Only this module writes the column, always with a known code.
        status: ApplicationStatus::from_code(&r.10).unwrap_or(ApplicationStatus::New),
        status_reason: r.11,
        created_at: r.12,
        updated_at: r.13,
    }
}

type EventRow = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

impl Store {
    async fn server_tx(&self) -> Result<Tx> {
        Ok(match &self.backend {
            Backend::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Create a coordinator attached to `trials`, in one transaction.
    pub async fn create_user(
        &self,
        email: &str,
        password_hash: &str,
        trials: &[String],
    ) -> Result<CreateUser> {
        let mut tx = self.server_tx().await?;
        let created = now();
        let inserted: std::result::Result<(i64,), sqlx::Error> = on_tx!(&mut tx, |c| {
            sqlx::query_as(
                "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(email)
            .bind(password_hash)
            .bind(&created)
            .fetch_one(c)
            .await
        });
        let id = match inserted {
            Ok((id,)) => id,
            Err(e) if is_unique_violation(&e) => return Ok(CreateUser::EmailTaken),
            Err(e) => return Err(e.into()),
        };
        for t in trials {
            on_tx!(&mut tx, |c| {
                sqlx::query(
                    "INSERT INTO user_trials (user_id, trial_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(t)
                .execute(c)
                .await
                .map(|_| ())?
            });
        }
        commit(tx).await?;
        Ok(CreateUser::Created(id))
    }

    /// Attach an existing coordinator to more trials.
    pub async fn add_user_trials(&self, user_id: i64, trials: &[String]) -> Result<()> {
        let mut tx = self.server_tx().await?;
        for t in trials {
            on_tx!(&mut tx, |c| {
                sqlx::query(
                    "INSERT INTO user_trials (user_id, trial_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(user_id)
                .bind(t)
                .execute(c)
                .await
                .map(|_| ())?
            });
        }
        commit(tx).await
    }

    async fn user_trials(&self, user_id: i64) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_pool!(&self.backend, |p| {
            sqlx::query_as("SELECT trial_id FROM user_trials WHERE user_id = $1 ORDER BY trial_id")
                .bind(user_id)
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }

    /// The account with this email (exact match; callers normalise case).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let row: Option<(i64, String, String, String)> = on_pool!(&self.backend, |p| {
            sqlx::query_as(
                "SELECT id, email, password_hash, created_at FROM users WHERE email = $1",
            )
            .bind(email)
            .fetch_optional(p)
            .await?
        });
        self.with_trials(row).await
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        let row: Option<(i64, String, String, String)> = on_pool!(&self.backend, |p| {
            sqlx::query_as("SELECT id, email, password_hash, created_at FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        self.with_trials(row).await
    }

    async fn with_trials(
        &self,
        row: Option<(i64, String, String, String)>,
    ) -> Result<Option<User>> {
        let Some((id, email, password_hash, created_at)) = row else {
            return Ok(None);
        };
        Ok(Some(User {
            id,
            email,
            password_hash,
            created_at,
            trials: self.user_trials(id).await?,
        }))
    }

    /// Is the user attached to the trial?
    pub async fn user_has_trial(&self, user_id: i64, trial_id: &str) -> Result<bool> {
        let row: Option<(i64,)> = on_pool!(&self.backend, |p| {
            sqlx::query_as("SELECT user_id FROM user_trials WHERE user_id = $1 AND trial_id = $2")
                .bind(user_id)
                .bind(trial_id)
                .fetch_optional(p)
                .await?
        });
        Ok(row.is_some())
    }

    /// Record a session by the hash of its token.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_unix: i64,
    ) -> Result<()> {
        on_pool!(&self.backend, |p| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_unix) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf_token)
            .bind(now())
            .bind(expires_unix)
            .execute(p)
            .await
            .map(|_| ())?
        });
        Ok(())
    }

    /// The session with this token hash, if it has not expired at `now_unix`.
    pub async fn session(&self, token_hash: &str, now_unix: i64) -> Result<Option<Session>> {
        let row: Option<(i64, String, String, i64)> = on_pool!(&self.backend, |p| {
            sqlx::query_as(
                "SELECT s.user_id, u.email, s.csrf_token, s.expires_unix FROM sessions s \
                 JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_unix > $2",
            )
            .bind(token_hash)
            .bind(now_unix)
            .fetch_optional(p)
            .await?
        });
        Ok(
            row.map(|(user_id, email, csrf_token, expires_unix)| Session {
                user_id,
                email,
                csrf_token,
                expires_unix,
            }),
        )
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        on_pool!(&self.backend, |p| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(p)
                .await
                .map(|_| ())?
        });
        Ok(())
    }

    /// Drop sessions expired at `now_unix`; returns how many.
    pub async fn purge_sessions(&self, now_unix: i64) -> Result<u64> {
        let done = on_pool!(&self.backend, |p| {
            sqlx::query("DELETE FROM sessions WHERE expires_unix <= $1")
                .bind(now_unix)
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(done)
    }

    /// Store an application and its `submitted` event in one transaction.
    pub async fn submit_application(&self, a: &NewApplication<'_>) -> Result<i64> {
        let mut tx = self.server_tx().await?;
        let at = now();
        let (id,): (i64,) = on_tx!(&mut tx, |c| {
            sqlx::query_as(
                "INSERT INTO applications (trial_id, name, email, phone, consent, answers_json, \
                 facts_json, verdict, as_of, status, status_reason, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $12) RETURNING id",
            )
            .bind(a.trial_id)
            .bind(a.name)
            .bind(a.email)
            .bind(a.phone)
            .bind(a.consent)
            .bind(a.answers_json)
            .bind(a.facts_json)
            .bind(a.verdict)
            .bind(a.as_of)
            .bind(ApplicationStatus::New.code())
            .bind(&at)
            .bind(&at)
            .fetch_one(c)
            .await?
        });
        on_tx!(&mut tx, |c| {
            sqlx::query(
                "INSERT INTO application_events (application_id, user_id, actor, action, from_status, \
                 to_status, reason, at) VALUES ($1, NULL, 'applicant', 'submitted', NULL, $2, NULL, $3)",
            )
            .bind(id)
            .bind(ApplicationStatus::New.code())
            .bind(&at)
            .execute(c)
            .await
            .map(|_| ())?
        });
        commit(tx).await?;
        Ok(id)
    }

    /// The reference of an application already made to the trial with
    /// this (normalised) email address: one application per person per
    /// trial.
    pub async fn application_by_email(&self, trial_id: &str, email: &str) -> Result<Option<i64>> {
        let row: Option<(i64,)> = on_pool!(&self.backend, |p| {
            sqlx::query_as(
                "SELECT id FROM applications WHERE trial_id = $1 AND email = $2 ORDER BY id LIMIT 1",
            )
            .bind(trial_id)
            .bind(email)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|(id,)| id))
    }

    /// Whether any coordinator account works on the trial, i.e. whether an
    /// application made through eligo reaches someone.
    pub async fn trial_has_coordinator(&self, trial_id: &str) -> Result<bool> {
        let row: Option<(i64,)> = on_pool!(&self.backend, |p| {
            sqlx::query_as("SELECT user_id FROM user_trials WHERE trial_id = $1 LIMIT 1")
                .bind(trial_id)
                .fetch_optional(p)
                .await?
        });
        Ok(row.is_some())
    }

    /// How many patients applied to the trial.
    pub async fn application_count(&self, trial_id: &str) -> Result<u64> {
        let (n,): (i64,) = on_pool!(&self.backend, |p| {
            sqlx::query_as("SELECT COUNT(*) FROM applications WHERE trial_id = $1")
                .bind(trial_id)
                .fetch_one(p)
                .await?
        });
        Ok(to_u64(n))
    }

    /// Applications to the user's trials, newest first, optionally only one
    /// trial's and only one status.
    pub async fn applications_for_user(
        &self,
        user_id: i64,
        trial_id: Option<&str>,
        status: Option<ApplicationStatus>,
    ) -> Result<Vec<Application>> {
        let sql = format!(
            "SELECT {APPLICATION_COLUMNS} FROM applications a \
             JOIN user_trials ut ON ut.trial_id = a.trial_id AND ut.user_id = $1 \
             WHERE ($2 = '' OR a.trial_id = $3) AND ($4 = '' OR a.status = $5) \
             ORDER BY a.id DESC"
        );
        let trial = trial_id.unwrap_or("");
        let status = status.map_or("", |s| s.code());
        let rows: Vec<ApplicationRow> = on_pool!(&self.backend, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(user_id)
                .bind(trial)
                .bind(trial)
                .bind(status)
                .bind(status)
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().map(application).collect())
    }

    /// One application, whoever's it is (callers check access).
    pub async fn application(&self, id: i64) -> Result<Option<Application>> {
        let sql = format!("SELECT {APPLICATION_COLUMNS} FROM applications a WHERE a.id = $1");
        let row: Option<ApplicationRow> = on_pool!(&self.backend, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map(application))
    }

    /// The application's audit trail, oldest first.
    pub async fn application_events(&self, application_id: i64) -> Result<Vec<ApplicationEvent>> {
        let rows: Vec<EventRow> = on_pool!(&self.backend, |p| {
            sqlx::query_as(
                "SELECT id, application_id, user_id, actor, action, from_status, to_status, reason, at \
                 FROM application_events WHERE application_id = $1 ORDER BY id",
            )
            .bind(application_id)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| ApplicationEvent {
                id: r.0,
                application_id: r.1,
                user_id: r.2,
                actor: r.3,
                action: r.4,
                from_status: r.5,
                to_status: r.6,
                reason: r.7,
                at: r.8,
            })
            .collect())
    }

    /// Move an application to `status` on behalf of `user_id` (shown as
    /// `actor`), with the audit row, in one transaction. Only a coordinator
    /// of the application's trial may; anyone else changes nothing.
    pub async fn change_application_status(
        &self,
        id: i64,
        user_id: i64,
        actor: &str,
        status: ApplicationStatus,
        reason: Option<&str>,
    ) -> Result<StatusChange> {
        let mut tx = self.server_tx().await?;
        let row: Option<(String, String)> = on_tx!(&mut tx, |c| {
            sqlx::query_as("SELECT trial_id, status FROM applications WHERE id = $1")
                .bind(id)
                .fetch_optional(c)
                .await?
        });
        let Some((trial_id, from)) = row else {
            return Ok(StatusChange::NotFound);
        };
        let allowed: Option<(i64,)> = on_tx!(&mut tx, |c| {
            sqlx::query_as("SELECT user_id FROM user_trials WHERE user_id = $1 AND trial_id = $2")
                .bind(user_id)
                .bind(&trial_id)
                .fetch_optional(c)
                .await?
        });
        if allowed.is_none() {
            return Ok(StatusChange::Forbidden);
        }
        let at = now();
        on_tx!(&mut tx, |c| {
            sqlx::query(
                "UPDATE applications SET status = $1, status_reason = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(status.code())
            .bind(reason)
            .bind(&at)
            .bind(id)
            .execute(c)
            .await
            .map(|_| ())?
        });
        on_tx!(&mut tx, |c| {
            sqlx::query(
                "INSERT INTO application_events (application_id, user_id, actor, action, from_status, \
                 to_status, reason, at) VALUES ($1, $2, $3, 'status_changed', $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(user_id)
            .bind(actor)
            .bind(&from)
            .bind(status.code())
            .bind(reason)
            .bind(&at)
            .execute(c)
            .await
            .map(|_| ())?
        });
        commit(tx).await?;
        match self.application(id).await? {
            Some(a) => Ok(StatusChange::Changed(Box::new(a))),
            None => Ok(StatusChange::NotFound),
        }
    }
}

async fn commit(tx: Tx) -> Result<()> {
    match tx {
        Tx::Sqlite(t) => t.commit().await?,
        Tx::Postgres(t) => t.commit().await?,
    }
    Ok(())
}
