//! `eligo-bench run`: the scale benchmark of issue 16, end to end.
//!
//! Talks to eligo only as a user does, through the release binary's CLI
//! (`import`, `serve`, `match`) and its HTTP API, so the figures stay
//! comparable across redesigns of the store, catalog and importer:
//!
//! 1. generate the corpus (or reuse a cached one of the same size, seed
//!    and generator version);
//! 2. `eligo import` into an empty registry: wall time, peak RSS and CPU
//!    of the child (wait4), then database, WAL and index sizes on disk;
//! 3. SQLite FTS5 over the same studies, built in the same run;
//! 4. `eligo serve` on a free port: RSS at start and idle, the first
//!    search and match, 1,000 matches round-robin over every example
//!    patient (and the `all=true` variant), search latency for a fixed
//!    query set (and FTS5 on the same queries), then 10 reload cycles
//!    (`eligo import` of a changed batch while the server answers a steady
//!    stream of requests);
//! 5. `eligo match` from the command line, cold;
//! 6. a Markdown table and JSON ([`report`]).

pub mod child;
pub mod fts;
pub mod http;
pub mod report;
pub mod stats;

use crate::generate::output::{self, CorpusStats, Format};
use crate::generate::{GENERATOR_VERSION, Generator, json::Json};
use crate::rng::Rng;
use anyhow::{Context, Result, bail};
use child::{Running, Usage};
use http::{Http, encode};
use hyper::body::Bytes;
use report::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(clap::Args, Clone, Debug)]
pub struct RunArgs {
    /// How many generated studies to import.
    #[arg(long)]
    pub size: u64,
    /// Corpus format eligo imports: the bulk-export zip or NDJSON.
    #[arg(long, value_enum, default_value = "zip")]
    pub format: Format,
    /// Measure against PostgreSQL (an empty database; nothing is dropped).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Keep the registry, logs and FTS5 file in DIR (default: a scratch
    /// directory removed at the end).
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Where corpora are cached between runs.
    #[arg(long, value_name = "DIR")]
    pub corpus_dir: Option<PathBuf>,
    /// The eligo binary (default: target/release/eligo of the checkout).
    #[arg(long, value_name = "PATH")]
    pub eligo: Option<PathBuf>,
    /// The checkout (for examples/patients and the default paths).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Matches over HTTP (default set), round-robin over the patients.
    #[arg(long, default_value_t = 1000)]
    pub matches: usize,
    /// Rounds of `all=true` matches over every patient.
    #[arg(long, default_value_t = 1)]
    pub all_rounds: usize,
    /// Reload cycles (an import while the server runs).
    #[arg(long, default_value_t = 10)]
    pub reloads: usize,
    /// Studies per reload batch (nine in ten changed, one in ten new).
    #[arg(long, default_value_t = 200)]
    pub reload_batch: u64,
    /// Measured rounds over the search queries (after one warm-up round).
    #[arg(long, default_value_t = 20)]
    pub search_rounds: usize,
    /// Cold `eligo match` runs from the command line.
    #[arg(long, default_value_t = 3)]
    pub cli_runs: usize,
    /// Skip the SQLite FTS5 comparison.
    #[arg(long)]
    pub skip_fts: bool,
    /// Seconds to wait for `eligo serve` to listen.
    #[arg(long, default_value_t = 1800)]
    pub start_timeout: u64,
    /// Seconds before one HTTP request counts as failed.
    #[arg(long, default_value_t = 600)]
    pub request_timeout: u64,
    /// Seconds to wait, once the server shows a reloaded study, for its
    /// search to find it.
    #[arg(long, default_value_t = 30)]
    pub index_timeout: u64,
    /// Corpus seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Generator threads (default: the machine's cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Write the JSON report here and the Markdown beside it (default:
    /// target/bench-scale/scale-N-BACKEND.json).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The search queries, with an optional status filter: common and rare
/// conditions, drugs, several-word queries, punctuation, very frequent
/// words.
pub const QUERIES: &[(&str, Option<&str>)] = &[
    ("lupus", None),
    ("systemic lupus erythematosus", None),
    ("CAR-T lupus", None),
    ("lupus nephritis", Some("RECRUITING")),
    ("breast cancer", None),
    ("breast cancer", Some("RECRUITING")),
    ("pembrolizumab", None),
    ("non-small cell lung cancer", None),
    ("heart failure", None),
    ("type 2 diabetes metformin", None),
    ("COVID-19 vaccine", None),
    ("pain", None),
    ("healthy volunteers pharmacokinetics", None),
    ("depression cognitive behavioral therapy", None),
    ("Phelan-McDermid", None),
    ("rituximab", None),
    ("asthma children", None),
    ("stem cell transplantation", None),
    ("hypertension", None),
    ("cancer", None),
    ("placebo", None),
    ("obesity semaglutide", None),
    ("multiple myeloma", Some("RECRUITING")),
    ("atopic dermatitis dupilumab", None),
    ("amyloidosis", None),
    ("randomized", None),
];

/// The default as-of date when expected.json names none.
const DEFAULT_AS_OF: &str = "2026-11-25";

struct Patient {
    file: String,
    as_of: String,
    body: Bytes,
}

struct Ctx {
    args: RunArgs,
    root: PathBuf,
    eligo: PathBuf,
    /// Registry, logs, FTS5 file.
    work: PathBuf,
    registry: PathBuf,
    started: Instant,
    notes: Vec<String>,
}

impl Ctx {
    fn say(&self, msg: impl AsRef<str>) {
        eprintln!(
            "[{:7.1} s] {}",
            self.started.elapsed().as_secs_f64(),
            msg.as_ref()
        );
    }

    fn note(&mut self, msg: impl Into<String>) {
        let m = msg.into();
        self.say(format!("NOTE: {m}"));
        self.notes.push(m);
    }

    fn db_file(&self) -> PathBuf {
        self.registry.join("eligo.db")
    }

    /// `eligo ARGS` with the registry chosen by environment, as a user
    /// would: `ELIGO_DB` for SQLite, `DATABASE_URL` (and an index dir in
    /// the work dir) for PostgreSQL; output to `log` files.
    fn eligo(&self, args: &[&str], log: &str) -> Result<Command> {
        let mut c = Command::new(&self.eligo);
        c.args(args)
            .env_remove("DATABASE_URL")
            .env_remove("ELIGO_DB")
            .env_remove("ELIGO_INDEX_DIR")
            .env_remove("ELIGO_ADDR")
            .stdin(Stdio::null());
        match &self.args.database_url {
            Some(url) => {
                c.env("DATABASE_URL", url)
                    .env("ELIGO_INDEX_DIR", self.registry.join("index"));
            }
            None => {
                c.env("ELIGO_DB", self.db_file());
            }
        }
        let out = std::fs::File::create(self.work.join(format!("{log}.out")))?;
        let err = std::fs::File::create(self.work.join(format!("{log}.err")))?;
        c.stdout(out).stderr(err);
        Ok(c)
    }

    fn log_tail(&self, log: &str, lines: usize) -> String {
        let s = std::fs::read_to_string(self.work.join(format!("{log}.err"))).unwrap_or_default();
        let v: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
        v[v.len().saturating_sub(lines)..].join(" | ")
    }
}

fn load_avg() -> [f64; 3] {
    let s = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut it = s.split_whitespace().filter_map(|x| x.parse().ok());
    [
        it.next().unwrap_or(0.0),
        it.next().unwrap_or(0.0),
        it.next().unwrap_or(0.0),
    ]
}

fn mem_total_gb() -> f64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0)
}

fn now_utc() -> String {
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

fn capture(cmd: &mut Command) -> Option<String> {
    let o = cmd.output().ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

fn dir_bytes(p: &Path) -> u64 {
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
async fn sizes(ctx: &Ctx) -> Sizes {
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

async fn pg_size(url: &str) -> Result<i64> {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await?;
    let (b,): (i64,) = sqlx::query_as("SELECT pg_database_size(current_database())")
        .fetch_one(&mut c)
        .await?;
    Ok(b)
}

async fn pg_tables(url: &str) -> Result<i64> {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await?;
    let (n,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(&mut c)
    .await?;
    Ok(n)
}

fn patients(root: &Path) -> Result<Vec<Patient>> {
    let dir = root.join("examples/patients");
    let expected: serde_json::Value = std::fs::read(dir.join("expected.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let as_of = |file: &str| {
        expected["patients"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["file"] == file))
            .and_then(|p| p["as_of"].as_str())
            .unwrap_or(DEFAULT_AS_OF)
            .to_string()
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.ends_with("expected.json"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no example patients in {}", dir.display());
    }
    files
        .into_iter()
        .map(|p| {
            let file = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            Ok(Patient {
                as_of: as_of(&file),
                body: Bytes::from(std::fs::read(&p)?),
                file,
            })
        })
        .collect()
}

/// The corpus for this run: cached by size, seed, format and generator
/// version; generated (to a temporary name, then renamed) when missing.
fn corpus(ctx: &Ctx, g: &Generator) -> Result<(PathBuf, CorpusReport)> {
    let a = &ctx.args;
    let dir = a
        .corpus_dir
        .clone()
        .unwrap_or_else(|| ctx.root.join("target/bench-corpus"));
    std::fs::create_dir_all(&dir)?;
    let stem = format!("studies-{}-seed{}-v{GENERATOR_VERSION}", a.size, a.seed);
    let path = dir.join(format!("{stem}{}", a.format.extension()));
    let stats_path = dir.join(format!("{stem}.stats.json"));
    if path.exists() && stats_path.exists() {
        ctx.say(format!("reusing corpus {}", path.display()));
        let stats = serde_json::from_slice(&std::fs::read(&stats_path)?)?;
        return Ok((
            path,
            CorpusReport {
                reused: true,
                stats,
            },
        ));
    }
    ctx.say(format!(
        "generating {} studies into {}",
        a.size,
        path.display()
    ));
    let partial = dir.join(format!("{stem}.partial{}", a.format.extension()));
    let _ = std::fs::remove_dir_all(&partial);
    let _ = std::fs::remove_file(&partial);
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let stats: CorpusStats = output::write_corpus(
        g,
        output::Range {
            start: 0,
            count: a.size,
            revision: 0,
        },
        a.format,
        &partial,
        threads,
        |_| {},
    )?;
    std::fs::rename(&partial, &path)?;
    ctx.say(stats.summary().trim_end());
    let stats = serde_json::to_value(&stats)?;
    std::fs::write(&stats_path, serde_json::to_vec_pretty(&stats)?)?;
    Ok((
        path,
        CorpusReport {
            reused: false,
            stats,
        },
    ))
}

pub fn run(args: RunArgs) -> Result<Report> {
    let root = args
        .root
        .clone()
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."));
    let root = root.canonicalize().unwrap_or(root);
    let eligo = args
        .eligo
        .clone()
        .unwrap_or_else(|| root.join("target/release/eligo"));
    if !eligo.exists() {
        bail!(
            "{} not found: build it first with `cargo build --release` (or pass --eligo)",
            eligo.display()
        );
    }
    let (work, scratch) = match &args.keep {
        Some(d) => (d.clone(), false),
        None => (
            root.join(format!("target/bench-scale/run-{}", std::process::id())),
            true,
        ),
    };
    if work.join("registry").exists() {
        bail!(
            "{} already holds a registry: give an empty or new directory",
            work.display()
        );
    }
    let registry = work.join("registry");
    std::fs::create_dir_all(&registry)?;
    let mut ctx = Ctx {
        args: args.clone(),
        root,
        eligo,
        work: work.clone(),
        registry,
        started: Instant::now(),
        notes: Vec::new(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let report = rt.block_on(measure(&mut ctx));
    if scratch {
        let _ = std::fs::remove_dir_all(&work);
    }
    report
}

async fn measure(ctx: &mut Ctx) -> Result<Report> {
    let a = ctx.args.clone();
    let backend = if a.database_url.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    let mut r = Report {
        when: now_utc(),
        size: a.size,
        format: Some(a.format),
        backend: backend.into(),
        machine: Machine {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            mem_total_gb: mem_total_gb(),
            load_start: load_avg(),
            load_end: [0.0; 3],
            eligo: capture(Command::new(&ctx.eligo).arg("--version")).unwrap_or_default(),
            commit: capture(Command::new("git").arg("-C").arg(&ctx.root).args([
                "rev-parse",
                "--short",
                "HEAD",
            ]))
            .map(|c| {
                let dirty = capture(Command::new("git").arg("-C").arg(&ctx.root).args([
                    "status",
                    "--porcelain",
                    "--untracked-files=no",
                ]))
                .is_some_and(|s| !s.is_empty());
                if dirty { format!("{c}-dirty") } else { c }
            })
            .unwrap_or_default(),
        },
        ..Report::default()
    };
    if let Some(url) = &a.database_url {
        match pg_tables(url).await {
            Ok(0) => {}
            Ok(n) => ctx.note(format!(
                "the PostgreSQL database already had {n} tables: figures include what it held"
            )),
            Err(e) => bail!("cannot reach PostgreSQL at the given URL: {e:#}"),
        }
    }
    let patients = patients(&ctx.root)?;
    let g = Generator::new(a.seed);
    let (corpus_path, corpus) = corpus(ctx, &g)?;
    r.corpus = corpus;

    // Import.
    ctx.say(format!(
        "eligo import {} ({} studies)",
        corpus_path.display(),
        a.size
    ));
    let load = load_avg();
    let corpus_arg = corpus_path.to_string_lossy().to_string();
    let usage =
        child::run(&mut ctx.eligo(&["import", &corpus_arg, "--format", "json"], "import")?)?;
    let summary: Option<serde_json::Value> = std::fs::read(ctx.work.join("import.out"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .map(|mut v: serde_json::Value| {
            if let Some(o) = v.as_object_mut() {
                if let Some(errs) = o.get("errors").and_then(|e| e.as_array()) {
                    let n = errs.len();
                    o.insert("errors".into(), serde_json::json!(n));
                }
            }
            v
        });
    if !usage.ok() {
        ctx.note(format!(
            "eligo import exited with {:?} (signal {:?}): {}",
            usage.exit_code,
            usage.signal,
            ctx.log_tail("import", 3)
        ));
    }
    ctx.say(format!(
        "imported in {:.1} s, peak RSS {:.0} MB",
        usage.wall_s, usage.peak_rss_mb
    ));
    r.import = Some(ImportReport {
        studies_per_s: a.size as f64 / usage.wall_s.max(1e-9),
        usage,
        load,
        summary,
    });
    r.sizes_after_import = sizes(ctx).await;

    // SQLite FTS5 on the same studies, while nothing else of ours runs.
    let mut fts_conn = None;
    if !a.skip_fts {
        ctx.say("building SQLite FTS5 over the same studies");
        let path = ctx.work.join("fts5.db");
        match fts::build(&g, a.size, &path, |_| {}).await {
            Ok(b) => {
                ctx.say(format!(
                    "FTS5 built: {:.1} s insert + {:.1} s optimize",
                    b.insert_s, b.optimize_s
                ));
                r.search.fts_build = Some(b);
                fts_conn = Some(fts::open(&path).await?);
            }
            Err(e) => ctx.note(format!("SQLite FTS5 build failed: {e:#}")),
        }
    }

    // The server.
    if let Err(e) = serve_phase(ctx, &mut r, &g, &patients, fts_conn.as_mut()).await {
        ctx.note(format!("serve phase stopped: {e:#}"));
    }

    // FTS5 queries even if the server failed, for the record.
    if r.search.fts.is_none() {
        if let Some(c) = fts_conn.as_mut() {
            fts_queries(ctx, &mut r, c).await?;
        }
    }

    // The command line, cold.
    let p0 = &patients[0];
    let patient_path = ctx.root.join("examples/patients").join(&p0.file);
    let patient_arg = patient_path.to_string_lossy().to_string();
    for k in 0..a.cli_runs {
        ctx.say(format!(
            "eligo match --patient {} (cold, run {})",
            p0.file,
            k + 1
        ));
        let u = child::run(&mut ctx.eligo(
            &[
                "match",
                "--patient",
                &patient_arg,
                "--as-of",
                &p0.as_of,
                "--format",
                "json",
            ],
            "cli-match",
        )?)?;
        if !u.ok() {
            ctx.note(format!(
                "eligo match exited with {:?}: {}",
                u.exit_code,
                ctx.log_tail("cli-match", 3)
            ));
        }
        r.cli_match.push(u);
    }

    r.sizes_at_end = sizes(ctx).await;
    r.machine.load_end = load_avg();
    r.total_s = ctx.started.elapsed().as_secs_f64();
    r.notes = ctx.notes.clone();
    Ok(r)
}

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

async fn wait_listening(ctx: &Ctx, srv: &Running, port: u16) -> Result<f64> {
    let until = Instant::now() + Duration::from_secs(ctx.args.start_timeout);
    loop {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(srv.elapsed());
        }
        if let Some(u) = srv.try_wait()? {
            bail!(
                "eligo serve exited with {:?} before listening: {}",
                u.exit_code,
                ctx.log_tail("serve", 3)
            );
        }
        if Instant::now() > until {
            bail!(
                "eligo serve did not listen within {} s",
                ctx.args.start_timeout
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn json_u64(body: &[u8], key: &str) -> Option<u64> {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()?
        .get(key)?
        .as_u64()
}

fn json_len(body: &[u8], key: &str) -> Option<usize> {
    Some(
        serde_json::from_slice::<serde_json::Value>(body)
            .ok()?
            .get(key)?
            .as_array()?
            .len(),
    )
}

fn search_path(q: &str, status: Option<&str>) -> String {
    let mut p = format!("/api/v1/search?q={}", encode(q));
    if let Some(s) = status {
        p.push_str(&format!("&status={s}"));
    }
    p
}

fn match_path(p: &Patient, all: bool) -> String {
    format!(
        "/api/v1/match?as_of={}{}",
        p.as_of,
        if all { "&all=true" } else { "" }
    )
}

async fn serve_phase(
    ctx: &mut Ctx,
    r: &mut Report,
    g: &Generator,
    patients: &[Patient],
    fts: Option<&mut sqlx::SqliteConnection>,
) -> Result<()> {
    let port = free_port()?;
    let addr = format!("127.0.0.1:{port}");
    ctx.say(format!("eligo serve --addr {addr}"));
    let srv = Running::spawn(&mut ctx.eligo(&["serve", "--addr", &addr], "serve")?)?;
    let result = serve_measure(ctx, r, g, patients, fts, &srv, port).await;
    r.serve.peak_rss_mb_proc = srv.hwm_mb();
    let u = srv.terminate(Duration::from_secs(15))?;
    ctx.say(format!("server stopped: peak RSS {:.0} MB", u.peak_rss_mb));
    r.serve.usage = Some(u);
    result
}

#[allow(clippy::too_many_arguments)]
async fn serve_measure(
    ctx: &mut Ctx,
    r: &mut Report,
    g: &Generator,
    patients: &[Patient],
    fts: Option<&mut sqlx::SqliteConnection>,
    srv: &Running,
    port: u16,
) -> Result<()> {
    let a = ctx.args.clone();
    let http = Http::new(port, Duration::from_secs(a.request_timeout));
    let s = &mut r.serve;
    s.listening_s = Some(wait_listening(ctx, srv, port).await?);
    s.rss_at_listen_mb = srv.rss_mb();
    ctx.say(format!(
        "listening after {:.1} s, RSS {:.0} MB",
        s.listening_s.unwrap_or_default(),
        s.rss_at_listen_mb.unwrap_or_default()
    ));
    tokio::time::sleep(Duration::from_secs(3)).await;
    s.rss_idle_mb = srv.rss_mb();

    let first = http.get(&search_path("lupus", None)).await?;
    s.first_search_ms = Some(first.seconds * 1e3);
    if first.status != 200 {
        ctx.note(format!("first search answered {}", first.status));
    }
    let p0 = &patients[0];
    let first = http
        .post_json(&match_path(p0, false), p0.body.clone())
        .await?;
    let s = &mut r.serve;
    s.first_match_ms = Some(first.seconds * 1e3);
    s.rss_after_first_match_mb = srv.rss_mb();
    ctx.say(format!(
        "first match {:.0} ms (status {}), RSS {:.0} MB",
        first.seconds * 1e3,
        first.status,
        r.serve.rss_after_first_match_mb.unwrap_or_default()
    ));
    if first.status != 200 {
        ctx.note(format!(
            "first match answered {}: {}",
            first.status,
            String::from_utf8_lossy(&first.body[..first.body.len().min(300)])
        ));
    }

    // 1,000 matches, round-robin over the patients.
    ctx.say(format!(
        "{} matches over {} patients",
        a.matches,
        patients.len()
    ));
    let mut per: Vec<Vec<f64>> = vec![Vec::new(); patients.len()];
    let mut returned: Vec<Option<usize>> = vec![None; patients.len()];
    let mut errors = 0usize;
    for k in 0..a.matches {
        let i = k % patients.len();
        let p = &patients[i];
        match http.post_json(&match_path(p, false), p.body.clone()).await {
            Ok(ans) if ans.status == 200 => {
                per[i].push(ans.seconds);
                if returned[i].is_none() {
                    returned[i] = json_len(&ans.body, "matches");
                }
            }
            Ok(ans) => {
                errors += 1;
                if errors <= 3 {
                    ctx.note(format!("match {} answered {}", p.file, ans.status));
                }
            }
            Err(e) => {
                errors += 1;
                if errors <= 3 {
                    ctx.note(format!("match {}: {e:#}", p.file));
                }
            }
        }
        if (k + 1) % 100 == 0 {
            let rss = srv.rss_mb().unwrap_or_default();
            r.serve.rss_series.push((k + 1, rss));
            if (k + 1) % 500 == 0 {
                ctx.say(format!("{} matches, RSS {rss:.0} MB", k + 1));
            }
        }
    }
    r.serve.rss_after_matches_mb = srv.rss_mb();
    let all: Vec<f64> = per.iter().flatten().copied().collect();
    r.matching.default_set = stats::summarize(&all);
    r.matching.errors = errors;

    // The all=true variant.
    let mut per_all: Vec<Vec<f64>> = vec![Vec::new(); patients.len()];
    let mut returned_all: Vec<Option<usize>> = vec![None; patients.len()];
    if a.all_rounds > 0 {
        ctx.say(format!("{} rounds of all=true matches", a.all_rounds));
    }
    for _ in 0..a.all_rounds {
        for (i, p) in patients.iter().enumerate() {
            match http.post_json(&match_path(p, true), p.body.clone()).await {
                Ok(ans) if ans.status == 200 => {
                    per_all[i].push(ans.seconds);
                    returned_all[i] = json_len(&ans.body, "matches");
                }
                Ok(ans) => ctx.note(format!("all=true match {} answered {}", p.file, ans.status)),
                Err(e) => ctx.note(format!("all=true match {}: {e:#}", p.file)),
            }
        }
    }
    let flat: Vec<f64> = per_all.iter().flatten().copied().collect();
    r.matching.all = stats::summarize(&flat);
    r.serve.rss_after_all_mb = srv.rss_mb();
    r.matching.per_patient = patients
        .iter()
        .enumerate()
        .map(|(i, p)| PatientRow {
            file: p.file.clone(),
            as_of: p.as_of.clone(),
            matches_returned: returned[i],
            default_set: stats::summarize(&per[i]),
            all: stats::summarize(&per_all[i]),
            all_matches_returned: returned_all[i],
        })
        .collect();
    ctx.say(format!(
        "match p50 {:.1} ms p95 {:.1} ms p99 {:.1} ms; all=true p50 {:.0} ms p95 {:.0} ms",
        r.matching.default_set.p50_ms,
        r.matching.default_set.p95_ms,
        r.matching.default_set.p99_ms,
        r.matching.all.p50_ms,
        r.matching.all.p95_ms
    ));

    // Search: one warm-up round, then the measured rounds.
    ctx.say(format!(
        "search: {} queries × {} rounds",
        QUERIES.len(),
        a.search_rounds
    ));
    let mut rows: Vec<QueryRow> = Vec::new();
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); QUERIES.len()];
    for round in 0..=a.search_rounds {
        for (k, (q, st)) in QUERIES.iter().enumerate() {
            let ans = http.get(&search_path(q, *st)).await?;
            if ans.status != 200 {
                ctx.note(format!("search {q:?} answered {}", ans.status));
                continue;
            }
            if round == 0 {
                rows.push(QueryRow {
                    query: q.to_string(),
                    status: st.map(str::to_string),
                    eligo_total: json_u64(&ans.body, "total"),
                    ..QueryRow::default()
                });
            } else {
                samples[k].push(ans.seconds);
            }
        }
    }
    for (row, s) in rows.iter_mut().zip(&samples) {
        row.eligo = stats::summarize(s);
    }
    let flat: Vec<f64> = samples.iter().flatten().copied().collect();
    r.search.eligo = stats::summarize(&flat);
    r.search.queries = rows;
    ctx.say(format!(
        "search p50 {:.2} ms p95 {:.2} ms",
        r.search.eligo.p50_ms, r.search.eligo.p95_ms
    ));
    if let Some(c) = fts {
        fts_queries(ctx, r, c).await?;
    }

    // Reload cycles.
    reloads(ctx, r, g, patients, srv, &http).await?;
    r.serve.rss_after_reloads_mb = srv.rss_mb();
    Ok(())
}

async fn fts_queries(ctx: &mut Ctx, r: &mut Report, c: &mut sqlx::SqliteConnection) -> Result<()> {
    let rounds = ctx.args.search_rounds;
    ctx.say(format!("FTS5: {} queries × {rounds} rounds", QUERIES.len()));
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); QUERIES.len()];
    let mut totals = vec![0u64; QUERIES.len()];
    for round in 0..=rounds {
        for (k, (q, st)) in QUERIES.iter().enumerate() {
            let (total, secs) = fts::search(c, q, *st).await?;
            if round == 0 {
                totals[k] = total;
            } else {
                samples[k].push(secs);
            }
        }
    }
    if r.search.queries.len() != QUERIES.len() {
        r.search.queries = QUERIES
            .iter()
            .map(|(q, st)| QueryRow {
                query: q.to_string(),
                status: st.map(str::to_string),
                ..QueryRow::default()
            })
            .collect();
    }
    for (k, row) in r.search.queries.iter_mut().enumerate() {
        row.fts_total = Some(totals[k]);
        row.fts = Some(stats::summarize(&samples[k]));
    }
    let flat: Vec<f64> = samples.iter().flatten().copied().collect();
    let f = stats::summarize(&flat);
    let e = &r.search.eligo;
    if e.n > 0 {
        r.search.fts_over_eligo_p50 = Some(f.p50_ms / e.p50_ms.max(1e-6));
        r.search.fts_over_eligo_p95 = Some(f.p95_ms / e.p95_ms.max(1e-6));
    }
    ctx.say(format!(
        "FTS5 p50 {:.2} ms p95 {:.2} ms",
        f.p50_ms, f.p95_ms
    ));
    r.search.fts = Some(f);
    Ok(())
}

/// A reload batch: nine in ten existing studies in a new revision, one in
/// ten new studies (indexes after the corpus). Returns the first new id.
fn write_batch(ctx: &Ctx, g: &Generator, cycle: usize, path: &Path) -> Result<String> {
    let a = &ctx.args;
    let n_new = (a.reload_batch / 10).max(1);
    let n_changed = a.reload_batch.saturating_sub(n_new);
    let mut rng = Rng::for_item(a.seed ^ 0xbeef, cycle as u64, 0);
    let mut out = Vec::new();
    let mut j = Json::with_capacity(32 * 1024);
    for _ in 0..n_changed.min(a.size) {
        j.clear();
        g.write(rng.below(a.size.max(1)), cycle as u32 + 1, &mut j);
        out.extend_from_slice(&j.buf);
        out.push(b'\n');
    }
    let first_new = a.size + cycle as u64 * n_new;
    for i in first_new..first_new + n_new {
        j.clear();
        g.write(i, 0, &mut j);
        out.extend_from_slice(&j.buf);
        out.push(b'\n');
    }
    std::fs::write(path, out)?;
    Ok(Generator::id(first_new))
}

async fn reloads(
    ctx: &mut Ctx,
    r: &mut Report,
    g: &Generator,
    patients: &[Patient],
    srv: &Running,
    http: &Http,
) -> Result<()> {
    let a = ctx.args.clone();
    if a.reloads == 0 {
        return Ok(());
    }
    r.reloads.batch = a.reload_batch;
    // Does searching by id find a study? (How the index is checked.)
    let probe = http.get(&search_path(&Generator::id(0), None)).await?;
    let search_by_id = probe.status == 200 && json_u64(&probe.body, "total").unwrap_or(0) >= 1;
    if !search_by_id {
        ctx.note(
            "searching by NCT id finds nothing: the index catch-up after reloads is not checked",
        );
    }
    for cycle in 0..a.reloads {
        let batch = ctx.work.join(format!("reload-{cycle}.ndjson"));
        let new_id = write_batch(ctx, g, cycle, &batch)?;
        // A steady stream of requests while the import runs and after.
        let stop = Arc::new(AtomicBool::new(false));
        let lat: Arc<Mutex<Vec<(f64, u16)>>> = Arc::default();
        let load = {
            let (stop, lat, http) = (stop.clone(), lat.clone(), http.clone());
            let p = (match_path(&patients[0], false), patients[0].body.clone());
            tokio::spawn(async move {
                let mut k = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let ans = if k % 2 == 0 {
                        http.post_json(&p.0, p.1.clone()).await
                    } else {
                        http.get(&search_path("lupus", None)).await
                    };
                    let rec = match ans {
                        Ok(x) => (x.seconds, x.status),
                        Err(_) => (f64::NAN, 0),
                    };
                    if let Ok(mut v) = lat.lock() {
                        v.push(rec);
                    }
                    k += 1;
                }
            })
        };
        let batch_arg = batch.to_string_lossy().to_string();
        let cmd = ctx.eligo(
            &["import", &batch_arg, "--format", "json"],
            &format!("reload-{cycle}"),
        )?;
        let usage = tokio::task::spawn_blocking(move || {
            let mut cmd = cmd;
            child::run(&mut cmd)
        })
        .await??;
        let import_done = Instant::now();
        // When does the server show the new study?
        let mut catalog = None;
        while import_done.elapsed() < Duration::from_secs(120) {
            if let Ok(ans) = http.get(&format!("/api/v1/trials/{new_id}")).await {
                if ans.status == 200 {
                    catalog = Some(import_done.elapsed().as_secs_f64());
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut index = None;
        if search_by_id {
            let since = Instant::now();
            while since.elapsed() < Duration::from_secs(a.index_timeout) {
                if let Ok(ans) = http.get(&search_path(&new_id, None)).await {
                    if json_u64(&ans.body, "total").unwrap_or(0) >= 1 {
                        index = Some(import_done.elapsed().as_secs_f64());
                        break;
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        // A little more steady traffic after catching up, then stop.
        tokio::time::sleep(Duration::from_millis(500)).await;
        stop.store(true, Ordering::Relaxed);
        let _ = load.await;
        let v = lat.lock().map(|v| v.clone()).unwrap_or_default();
        let ok: Vec<f64> = v
            .iter()
            .filter(|(s, st)| !s.is_nan() && *st == 200)
            .map(|x| x.0)
            .collect();
        let errors = v.len() - ok.len();
        let c = ReloadCycle {
            import: usage.clone(),
            import_note: (!usage.ok()).then(|| ctx.log_tail(&format!("reload-{cycle}"), 2)),
            catalog_caught_up_s: catalog,
            index_caught_up_s: index,
            requests: v.len(),
            errors,
            latency: stats::summarize(&ok),
            rss_after_mb: srv.rss_mb(),
        };
        ctx.say(format!(
            "reload {}: import {:.1} s (exit {:?}), catalog {}, index {}, worst request {:.0} ms, RSS {:.0} MB",
            cycle + 1,
            usage.wall_s,
            usage.exit_code,
            catalog.map_or("not caught up".into(), |s| format!("after {s:.1} s")),
            index.map_or("not caught up".into(), |s| format!("after {s:.1} s")),
            c.latency.max_ms,
            c.rss_after_mb.unwrap_or_default()
        ));
        r.reloads.cycles.push(c);
    }
    let cy = &r.reloads.cycles;
    r.reloads.worst_request_ms = cy.iter().map(|c| c.latency.max_ms).fold(0.0, f64::max);
    r.reloads.imports_failed = cy.iter().filter(|c| !c.import.ok()).count();
    r.reloads.catalog_not_caught_up = cy
        .iter()
        .filter(|c| c.catalog_caught_up_s.is_none())
        .count();
    r.reloads.index_not_caught_up = cy.iter().filter(|c| c.index_caught_up_s.is_none()).count();
    Ok(())
}

/// Where the report goes by default.
pub fn default_out(args: &RunArgs) -> PathBuf {
    let root = args
        .root
        .clone()
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."));
    let backend = if args.database_url.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    root.join(format!(
        "target/bench-scale/scale-{}-{backend}.json",
        args.size
    ))
}

pub fn usage_line(u: &Usage) -> String {
    format!("{:.1} s, peak RSS {:.0} MB", u.wall_s, u.peak_rss_mb)
}
