//! The machine (load, memory, time, the build measured) and the registry's
//! footprint on disk.

use super::Ctx;
use super::report::Sizes;
use anyhow::Result;
use std::path::Path;
use std::process::Command;

pub(super) fn load_avg() -> [f64; 3] {
    let s = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut it = s.split_whitespace().filter_map(|x| x.parse().ok());
    [
        it.next().unwrap_or(0.0),
        it.next().unwrap_or(0.0),
        it.next().unwrap_or(0.0),
    ]
}

pub(super) fn mem_total_gb() -> f64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0)
}

pub(super) fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let day = secs.div_euclid(86_400);
    let s = secs.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02} UTC",
        crate::generate::dates::ymd(day),
        s / 3600,
        (s % 3600) / 60
    )
}

pub(super) fn capture(cmd: &mut Command) -> Option<String> {
    let o = cmd.output().ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

pub(super) fn dir_bytes(p: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(p) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    std::fs::read_dir(p)
        .map(|rd| rd.flatten().map(|e| dir_bytes(&e.path())).sum())
        .unwrap_or(0)
}

/// The registry's footprint: every file in the registry directory, by kind.
pub(super) async fn sizes(ctx: &Ctx) -> Sizes {
    let mut s = Sizes::default();
    if let Ok(rd) = std::fs::read_dir(&ctx.registry) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let b = dir_bytes(&e.path()) as f64 / 1e6;
            if name.ends_with("-wal") {
                s.wal_mb += b;
            } else if name.ends_with("-shm") {
                s.shm_mb += b;
            } else if e.path().is_dir() {
                s.index_mb += b;
            } else if name.ends_with(".db") {
                s.database_mb += b;
            } else {
                s.other_mb += b;
            }
        }
    }
    if let Some(url) = &ctx.args.database_url {
        match pg_size(url).await {
            Ok(b) => s.database_mb = b as f64 / 1e6,
            Err(e) => s.database_mb_error = Some(format!("{e:#}")),
        }
    }
    s.total_mb = s.database_mb + s.wal_mb + s.shm_mb + s.index_mb + s.other_mb;
    s
}

pub(super) async fn pg_size(url: &str) -> Result<i64> {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await?;
    let (b,): (i64,) = sqlx::query_as("SELECT pg_database_size(current_database())")
        .fetch_one(&mut c)
        .await?;
    Ok(b)
}

pub(super) async fn pg_tables(url: &str) -> Result<i64> {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await?;
    let (n,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(&mut c)
    .await?;
    Ok(n)
}
