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

pub mod apiv2;
pub mod child;
pub mod find;
pub mod fts;
pub mod http;
mod machine;
mod reload;
pub mod report;
mod serve;
pub mod stats;

use crate::generate::output::{self, CorpusStats, Format};
use crate::generate::{GENERATOR_VERSION, Generator};
use anyhow::{Context, Result, bail};
use child::Usage;
use hyper::body::Bytes;
use machine::{capture, load_avg, mem_total_gb, now_utc, pg_tables, sizes};
use report::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
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
    /// Measure the registry an earlier `--keep DIR` run left in DIR (same
    /// size and seed) instead of importing again: no import figures, its
    /// FTS5 file reused. The registry is kept, with what the reloads add.
    #[arg(long, value_name = "DIR", conflicts_with = "keep")]
    pub reuse: Option<PathBuf>,
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
    /// Number of the first reload cycle: each cycle's batch depends on its
    /// number, so a later run on a `--reuse`d registry changes studies
    /// again when it starts past the cycles of the runs before it.
    #[arg(long, default_value_t = 0)]
    pub reload_from: usize,
    /// Seconds of the steady request stream before each reload's import
    /// (the idle latency the stalls are measured against).
    #[arg(long, default_value_t = 3.0)]
    pub reload_idle_s: f64,
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
    /// Kill an eligo process whose resident memory passes this many MB
    /// (the machine is shared; 0 = no limit). Reported as a finding.
    #[arg(long, default_value_t = 12_000.0)]
    pub rss_limit_mb: f64,
    /// Kill an eligo process when the registry's disk has less free space
    /// than this many GB (0 = no limit). Reported as a finding.
    #[arg(long, default_value_t = 3.0)]
    pub min_free_gb: f64,
    /// Corpus seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Generator threads (default: the machine's cores).
    #[arg(long)]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub find: find::FindArgs,
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

    /// The limits every eligo child runs under.
    fn guard(&self) -> child::Guard {
        child::Guard {
            rss_mb: (self.args.rss_limit_mb > 0.0).then_some(self.args.rss_limit_mb),
            min_free_gb: (self.args.min_free_gb > 0.0).then_some(self.args.min_free_gb),
            disk: self.registry.clone(),
        }
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
        |n| {
            if n % 51_200 == 0 {
                ctx.say(format!("… {n} studies"));
            }
        },
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
    let (work, scratch) = match (&args.keep, &args.reuse) {
        (Some(d), _) | (_, Some(d)) => (d.clone(), false),
        _ => (
            root.join(format!("target/bench-scale/run-{}", std::process::id())),
            true,
        ),
    };
    if args.reuse.is_some() && !work.join("registry").exists() {
        bail!(
            "{} holds no registry: make one with --keep {} first",
            work.display(),
            work.display()
        );
    }
    if args.reuse.is_none() && work.join("registry").exists() {
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

    if a.reuse.is_some() {
        ctx.note("the registry of an earlier run was reused: no import figures");
        r.sizes_after_import = sizes(ctx).await;
    } else {
        let stop = import_phase(ctx, &mut r, &corpus_path).await?;
        if stop {
            return Ok(r);
        }
    }

    // SQLite FTS5 on the same studies, while nothing else of ours runs.
    let mut fts_conn = None;
    let reused_fts = ctx.work.join("fts5.db");
    if !a.skip_fts && a.reuse.is_some() && reused_fts.exists() {
        fts_conn = Some(fts::open(&reused_fts).await?);
    } else if !a.skip_fts {
        ctx.say("building SQLite FTS5 over the same studies");
        let path = ctx.work.join("fts5.db");
        let c = &*ctx;
        let built = fts::build(&g, a.size, &path, |n| {
            if n % 50_000 == 0 {
                c.say(format!("… {n} studies in FTS5"));
            }
        })
        .await;
        match built {
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
    if let Err(e) = serve::serve_phase(ctx, &mut r, &g, &patients, fts_conn.as_mut()).await {
        ctx.note(format!("serve phase stopped: {e:#}"));
    }

    if a.find.find_rounds > 0 {
        r.find = find::find_phase(ctx, &patients).await.unwrap_or_else(|e| {
            ctx.note(format!("/find phase stopped: {e:#}"));
            find::FindReport::default()
        });
    }

    // FTS5 queries even if the server failed, for the record.
    if r.search.fts.is_none()
        && let Some(c) = fts_conn.as_mut()
    {
        serve::fts_queries(ctx, &mut r, c).await?;
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
        let mut cmd = ctx.eligo(
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
        )?;
        let (u, killed) =
            child::run_watched(&mut cmd, &ctx.guard(), Duration::from_secs(3600), |_| {})?;
        if let Some(why) = killed {
            ctx.note(format!("eligo match {why}"));
        }
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
    format!(
        "{:.1} s, peak RSS {:.0} MB{}",
        u.wall_s,
        u.peak_rss_mb,
        u.peak_split()
    )
}

/// `eligo import` of the corpus into the empty registry; true when the run
/// must stop (the import was killed).
async fn import_phase(ctx: &mut Ctx, r: &mut Report, corpus_path: &Path) -> Result<bool> {
    let a = ctx.args.clone();
    ctx.say(format!(
        "eligo import {} ({} studies)",
        corpus_path.display(),
        a.size
    ));
    let load = load_avg();
    let corpus_arg = corpus_path.to_string_lossy().to_string();
    let guard = ctx.guard();
    let (usage, killed) = {
        let mut cmd = ctx.eligo(&["import", &corpus_arg, "--format", "json"], "import")?;
        let c = &*ctx;
        child::run_watched(&mut cmd, &guard, Duration::from_secs(30), |m| {
            c.say(format!("import {m}"))
        })?
    };
    let summary: Option<serde_json::Value> = std::fs::read(ctx.work.join("import.out"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .map(|mut v: serde_json::Value| {
            if let Some(o) = v.as_object_mut()
                && let Some(n) = o.get("errors").and_then(|e| e.as_array()).map(Vec::len)
            {
                o.insert("errors".into(), serde_json::json!(n));
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
        "imported in {:.1} s, peak RSS {:.0} MB{}",
        usage.wall_s,
        usage.peak_rss_mb,
        usage.peak_split()
    ));
    r.import = Some(ImportReport {
        studies_per_s: a.size as f64 / usage.wall_s.max(1e-9),
        usage,
        load,
        summary,
    });
    r.sizes_after_import = sizes(ctx).await;
    if let Some(why) = killed {
        ctx.note(format!(
            "eligo import {why} after {:.0} s: the run stops here (the registry is partial)",
            r.import.as_ref().map_or(0.0, |i| i.usage.wall_s)
        ));
        r.machine.load_end = load_avg();
        r.total_s = ctx.started.elapsed().as_secs_f64();
        r.notes = ctx.notes.clone();
        return Ok(true);
    }

    Ok(false)
}
