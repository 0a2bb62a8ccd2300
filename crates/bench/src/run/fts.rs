//! The comparison a user would make for search: SQLite FTS5 with bm25 over
//! the same studies (the same fields eligo indexes, with eligo's field
//! weights), built in the same run, asked the same queries.

use crate::generate::{Generator, StudyText};
use anyhow::{Context, Result};
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::path::Path;
use std::time::Instant;

/// Columns: id, status, then the text fields in eligo's order of weight.
const SCHEMA: &str = "CREATE VIRTUAL TABLE studies USING fts5(\
    id UNINDEXED, status UNINDEXED, title, conditions, interventions, keywords, \
    summary, description, criteria, tokenize = 'porter unicode61')";

/// bm25 weights per column, as eligo boosts its fields (title 3, conditions
/// 2.5, interventions 2, keywords 1.5, summary 1, description and criteria 0.5).
const RANK: &str = "bm25(studies, 0, 0, 3.0, 2.5, 2.0, 1.5, 1.0, 0.5, 0.5)";

#[derive(Debug, Default, Serialize)]
pub struct Build {
    pub studies: u64,
    /// Inserting the rows (time inside SQLite, generation excluded).
    pub insert_s: f64,
    /// `optimize`: merging the index into one b-tree, as a static index would.
    pub optimize_s: f64,
    pub file_mb: f64,
    pub sqlite_version: String,
}

pub async fn open(path: &Path) -> Result<SqliteConnection> {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Off)
        .synchronous(SqliteSynchronous::Off)
        .connect()
        .await
        .with_context(|| format!("opening {}", path.display()))
}

/// The embedded sample, which eligo adds to an empty registry on first
/// run: in the FTS5 table too, so both answer over the same trials.
pub fn sample_texts() -> Vec<StudyText> {
    eligo_ctgov::sample_registry()
        .into_iter()
        .map(|r| {
            let t = r.trial;
            let mut interventions = Vec::new();
            for i in &t.interventions {
                interventions.push(i.name.clone());
                interventions.extend(i.other_names.iter().cloned());
                interventions.extend(i.description.iter().cloned());
            }
            interventions.extend(t.arms.iter().map(|a| a.label.clone()));
            StudyText {
                title: [Some(t.brief_title), t.official_title, t.acronym]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("\n"),
                conditions: t.conditions.join("\n"),
                interventions: interventions.join("\n"),
                keywords: t.keywords.join("\n"),
                summary: t.brief_summary.unwrap_or_default(),
                description: t.detailed_description.unwrap_or_default(),
                criteria: t.eligibility.criteria.unwrap_or_default(),
                status: t.status.map_or("", |s| s.code()),
                id: t.id,
            }
        })
        .collect()
}

/// Build the FTS5 table of studies `0..n` (and the embedded sample) in a
/// fresh file at `path`.
pub async fn build(
    g: &Generator,
    n: u64,
    path: &Path,
    mut progress: impl FnMut(u64),
) -> Result<Build> {
    let _ = std::fs::remove_file(path);
    let mut c = open(path).await?;
    let version: (String,) = sqlx::query_as("SELECT sqlite_version()")
        .fetch_one(&mut c)
        .await?;
    sqlx::query(SCHEMA)
        .execute(&mut c)
        .await
        .context("creating the FTS5 table (is FTS5 compiled into SQLite?)")?;
    let mut insert_s = 0.0;
    let mut i = 0;
    let mut sample = Some(sample_texts());
    while i < n || sample.is_some() {
        let texts: Vec<_> = if i < n {
            (i..(i + 2000).min(n)).map(|k| g.text(k, 0)).collect()
        } else {
            sample.take().unwrap_or_default()
        };
        let t = Instant::now();
        let mut tx = c.begin().await?;
        for s in &texts {
            sqlx::query(
                "INSERT INTO studies (id, status, title, conditions, interventions, keywords, summary, description, criteria) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&s.id)
            .bind(s.status)
            .bind(&s.title)
            .bind(&s.conditions)
            .bind(&s.interventions)
            .bind(&s.keywords)
            .bind(&s.summary)
            .bind(&s.description)
            .bind(&s.criteria)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        insert_s += t.elapsed().as_secs_f64();
        i = (i + 2000).min(n);
        progress(i);
    }
    let t = Instant::now();
    sqlx::query("INSERT INTO studies(studies) VALUES ('optimize')")
        .execute(&mut c)
        .await?;
    let optimize_s = t.elapsed().as_secs_f64();
    c.close().await?;
    Ok(Build {
        studies: n + eligo_ctgov::sample_registry().len() as u64,
        insert_s,
        optimize_s,
        file_mb: std::fs::metadata(path)
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0),
        sqlite_version: version.0,
    })
}

/// A user's query as an FTS5 expression: every word must appear (as eligo's
/// search requires), each word quoted so punctuation ("CAR-T", "COVID-19")
/// is a phrase of its tokens, not syntax.
pub fn match_expr(q: &str) -> String {
    q.split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One search as an application would run it: the top 20 by bm25 with a
/// snippet, and the total count. Returns (total, seconds).
pub async fn search(c: &mut SqliteConnection, q: &str, status: Option<&str>) -> Result<(u64, f64)> {
    let expr = match_expr(q);
    let filter = if status.is_some() {
        " AND status = ?2"
    } else {
        ""
    };
    let top = format!(
        "SELECT id, snippet(studies, -1, '<b>', '</b>', '…', 16) FROM studies \
         WHERE studies MATCH ?1{filter} ORDER BY {RANK} LIMIT 20"
    );
    let count = format!("SELECT count(*) FROM studies WHERE studies MATCH ?1{filter}");
    let t = Instant::now();
    let mut q1 = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(top)).bind(&expr);
    let mut q2 = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(count)).bind(&expr);
    if let Some(s) = status {
        q1 = q1.bind(s);
        q2 = q2.bind(s);
    }
    let _hits = q1.fetch_all(&mut *c).await?;
    let (total,) = q2.fetch_one(&mut *c).await?;
    Ok((total as u64, t.elapsed().as_secs_f64()))
}
