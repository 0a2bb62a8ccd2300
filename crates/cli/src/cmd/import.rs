//! `eligo import PATH...`: read ClinicalTrials.gov records into the registry,
//! compile their criteria and update the search index.
//!
//! A pipeline: one thread reads and maps records (`eligo_ctgov`); every
//! core encodes and compresses a batch and compiles the criteria of those
//! whose content differs from the store, while the batch before it is
//! stored, trials with their compiled rules, in one transaction, and added
//! to the search index (`eligo_search::Alongside`, from the trials in
//! memory; committed at the end). A bad record is reported (file,
//! location, JSON path, reason) and skipped, and never changes what is
//! stored. With `--strict` the whole run is one transaction that is rolled
//! back at the first bad record (and the index is left as it was). Exit 3
//! when any record failed.
//!
//! The search index has one writer at a time: when a running server holds
//! it, the import leaves indexing to the server (which follows the store)
//! and says so; it then runs at a lower CPU priority, so that the server's
//! requests get the cores first.

use crate::context::{Context, Registry};
use crate::exit;
use anyhow::Context as _;
use eligo_ctgov::{ImportError, Record};
use eligo_matcher::RuleSet;
use eligo_store::{ImportLogEntry, Prepared, RulesRow, UpsertCounts, Writer};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(clap::Args)]
pub struct Args {
    /// Files or directories: single studies, search pages, NDJSON, zip archives.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Store nothing unless every record is valid (roll back at the first error).
    #[arg(long)]
    strict: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Largest single record (one study's JSON) read, e.g. 16MiB, 500KiB
    /// or a number of bytes; a larger record is reported and skipped.
    #[arg(long, value_name = "SIZE", default_value = "16MiB", value_parser = parse_size)]
    max_record_size: u64,
    /// Largest ratio of an archive entry's expanded size to its compressed
    /// size; an entry past it is refused as a likely zip bomb.
    #[arg(long, value_name = "RATIO", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    max_expansion_ratio: u64,
}

/// `16MiB`, `500KiB`, `1GiB`, `2048` (bytes); K/M/G read as KiB/MiB/GiB.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?}: expected a size such as 16MiB, 500KiB or 1048576"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("{s:?}: unknown unit (use B, KiB, MiB or GiB)")),
    };
    match n.checked_mul(mult) {
        Some(v) if v > 0 => Ok(v),
        _ => Err(format!("{s:?}: expected a size above 0 and below 16 EiB")),
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Records per batch (and per transaction in non-strict mode).
const BATCH: usize = 500;

#[derive(Serialize)]
struct RecordError {
    file: String,
    location: Option<String>,
    field: Option<String>,
    reason: String,
}

impl From<&ImportError> for RecordError {
    fn from(e: &ImportError) -> Self {
        RecordError {
            file: e.origin.file.clone(),
            location: e.origin.location.clone(),
            field: e.field.clone(),
            reason: e.reason.clone(),
        }
    }
}

#[derive(Serialize)]
struct Summary {
    read: u64,
    inserted: u64,
    updated: u64,
    unchanged: u64,
    failed: u64,
    strict: bool,
    rolled_back: bool,
    errors: Vec<RecordError>,
    index: Option<eligo_search::SyncReport>,
    /// The search index was left to the process that holds it (a running
    /// server), which brings it up to date with this import.
    index_pending: bool,
}

fn progress_bar(total: u64, template: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() || total == 0 {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(template) {
        b.set_style(style.progress_chars("=> "));
    }
    b
}

/// A batch read, encoded and compiled, waiting to be stored.
struct Ready {
    recs: Vec<Record>,
    prepared: Vec<Prepared>,
    /// The compiled rules of the records whose content differed from what
    /// was stored when the batch was compiled.
    rules: Vec<Option<RulesRow>>,
}

/// Encode, hash and compress every record, and compile the criteria of
/// those whose content differs from what is stored (`known`: id → content
/// hash), on every core.
fn make_ready(recs: Vec<Record>, known: &HashMap<String, String>) -> anyhow::Result<Ready> {
    let prepared: Vec<Prepared> =
        eligo_matcher::parallel_map(&recs, |r| eligo_store::prepare(&r.trial, &r.raw))
            .into_iter()
            .collect::<eligo_store::Result<_>>()?;
    let work: Vec<(&Record, &Prepared)> = recs.iter().zip(&prepared).collect();
    let rules = eligo_matcher::parallel_map(&work, |(r, p)| {
        if known.get(&p.id) == Some(&p.content_hash) {
            return Ok(None);
        }
        compile(r, p).map(Some)
    })
    .into_iter()
    .collect::<anyhow::Result<_>>()?;
    Ok(Ready {
        recs,
        prepared,
        rules,
    })
}

fn compile(r: &Record, p: &Prepared) -> anyhow::Result<RulesRow> {
    eligo_server::registry::rules_row(&RuleSet::compile(&r.trial), &p.content_hash)
}

/// Store a batch in `w`: each changed trial with its compiled rules. The
/// batch was compiled against the hashes stored before the batches still
/// being written were; a trial that has changed since is compiled here.
/// The positions of the trials stored, and whether every one of them was
/// new to the store (none updated).
async fn store(w: &mut Writer, ready: &Ready) -> anyhow::Result<(Vec<usize>, bool)> {
    let ids: Vec<&str> = ready.prepared.iter().map(|p| p.id.as_str()).collect();
    let mut known = w.hashes(&ids).await?;
    let mut changed = Vec::new();
    let mut all_new = true;
    for (i, (p, r)) in ready.prepared.iter().zip(&ready.rules).enumerate() {
        let outcome = w.write(p, known.get(&p.id).map(String::as_str)).await?;
        all_new &= outcome != eligo_store::Outcome::Updated;
        if outcome != eligo_store::Outcome::Unchanged {
            match r {
                Some(r) => w.put_rules(r).await?,
                None => w.put_rules(&compile(&ready.recs[i], p)?).await?,
            }
            known.insert(p.id.clone(), p.content_hash.clone());
            changed.push(i);
        }
    }
    Ok((changed, all_new))
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let reg = ctx.registry()?;
    if eligo_server::serving::server_running(&reg.index_dir) {
        // People are waiting on the server's answers: this batch job takes
        // only the CPU they leave.
        eligo_server::background::lower_process_priority();
        eprintln!(
            "eligo: a server is running on this registry; the import takes only the CPU it leaves"
        );
    }
    let started_at = jiff::Timestamp::now().to_string();
    let limits = eligo_ctgov::Limits {
        max_record_bytes: args.max_record_size,
        max_expansion_ratio: args.max_expansion_ratio,
    };
    let reader = match eligo_ctgov::read_sources_with(&args.paths, limits) {
        Ok(r) => r,
        Err(e) => return unreadable_source(&args, &e),
    };
    let bar = progress_bar(
        reader.total_bytes(),
        "{spinner} importing [{bar:30}] {bytes}/{total_bytes} {msg}, {elapsed} so far, about {eta} left",
    );
    let bytes_done = Arc::new(AtomicU64::new(0));

    let mut counts = UpsertCounts::default();
    let mut read = 0u64;
    let mut errors: Vec<RecordError> = Vec::new();
    let mut rolled_back = false;

    // The search index is written beside the store, batch by batch, unless
    // another process holds its writer (it follows the store by itself) or
    // it does not reflect the store now (then it is brought up after).
    let (mut alongside, mut index_pending) = match reg.block_on(reg.index.alongside(&reg.store)) {
        Ok(a) => (a, false),
        // Another process (a running server) holds the index's writer.
        Err(eligo_search::SearchError::Busy { .. }) => (None, true),
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!(
                "updating the search index in {}",
                reg.index_dir.display()
            )));
        }
    };

    std::thread::scope(|s| -> anyhow::Result<()> {
        // Reading and mapping records is one thread's work; it runs ahead of
        // the rest by a batch or two.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Result<Record, ImportError>>>(2);
        let done = bytes_done.clone();
        s.spawn(move || {
            let mut reader = reader;
            let mut batch = Vec::with_capacity(BATCH);
            while let Some(item) = reader.next() {
                batch.push(item);
                if batch.len() >= BATCH {
                    done.store(reader.bytes_done(), Ordering::Relaxed);
                    if tx.send(std::mem::take(&mut batch)).is_err() {
                        return;
                    }
                }
            }
            done.store(reader.bytes_done(), Ordering::Relaxed);
            let _ = tx.send(batch);
        });

        // One batch is encoded and compiled (on every core) while the one
        // before it is stored and indexed (SQLite's and tantivy's threads).
        let mut writer: Option<Writer> = None;
        let mut compiling: Option<std::thread::ScopedJoinHandle<'_, anyhow::Result<Ready>>> = None;
        let mut store_ready = |ready: Ready, writer: &mut Option<Writer>| -> anyhow::Result<()> {
            if writer.is_none() {
                *writer = Some(reg.block_on(reg.store.begin())?);
            }
            let w = writer.as_mut().expect("a writer was just begun");
            let (changed, all_new) = reg.block_on(store(w, &ready))?;
            let generation = w.stamped();
            if !args.strict
                && let Some(w) = writer.take()
            {
                counts.merge(reg.block_on(w.commit())?);
            }
            if let (Some(a), Some(g)) = (alongside.as_mut(), generation) {
                let mut trials: Vec<&eligo_model::Trial> =
                    changed.iter().map(|&i| &ready.recs[i].trial).collect();
                a.add(g, &mut trials, all_new)?;
            }
            Ok(())
        };
        for items in rx {
            read += items.len() as u64;
            let mut good: Vec<Record> = Vec::with_capacity(items.len());
            let mut failed_here = false;
            for item in items {
                match item {
                    Ok(rec) => good.push(rec),
                    Err(e) => {
                        bar.suspend(|| eprintln!("error: {e}"));
                        errors.push(RecordError::from(&e));
                        if args.strict {
                            failed_here = true;
                            break;
                        }
                    }
                }
            }
            if failed_here {
                if let Some(job) = compiling.take() {
                    let _ = job.join();
                }
                if let Some(w) = writer.take() {
                    reg.block_on(w.rollback())?;
                }
                rolled_back = true;
                break;
            }
            if !good.is_empty() {
                let ids: Vec<&str> = good.iter().map(|r| r.trial.id.as_str()).collect();
                let known = reg.block_on(reg.store.hashes(&ids))?;
                let job = s.spawn(move || make_ready(good, &known));
                if let Some(prev) = compiling.replace(job) {
                    store_ready(joined(prev)?, &mut writer)?;
                }
            }
            bar.set_position(bytes_done.load(Ordering::Relaxed));
            bar.set_message(format!("{read} records"));
        }
        if let Some(last) = compiling.take() {
            store_ready(joined(last)?, &mut writer)?;
        }
        if let Some(w) = writer.take() {
            counts.merge(reg.block_on(w.commit())?);
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    if rolled_back {
        counts = UpsertCounts::default();
    }

    let failed = errors.len() as u64;
    let entry = ImportLogEntry {
        started_at,
        finished_at: jiff::Timestamp::now().to_string(),
        sources: args.paths.iter().map(|p| p.display().to_string()).collect(),
        strict: args.strict,
        outcome: if rolled_back {
            "rolled_back"
        } else {
            "committed"
        }
        .into(),
        read,
        inserted: counts.inserted,
        updated: counts.updated,
        unchanged: counts.unchanged,
        failed,
    };
    reg.block_on(reg.store.log_import(&entry))?;

    // Trials stored earlier by an eligo that compiled otherwise (or not at
    // import) get their rules now, so that matching never waits for them.
    let mut compiling: Option<ProgressBar> = None;
    reg.block_on(eligo_server::registry::compile_stale(
        &reg.store,
        |done, total| {
            compiling
                .get_or_insert_with(|| {
                    progress_bar(
                        total,
                        "{spinner} compiling criteria [{bar:30}] {pos}/{len}, about {eta} left",
                    )
                })
                .set_position(done)
        },
    ))?;
    if let Some(b) = compiling {
        b.finish_and_clear();
    }

    let index = match alongside.take() {
        // Nothing to show: the index stays as it was.
        Some(_) if rolled_back || counts.changed() == 0 => None,
        Some(a) => {
            let b = progress_bar(0, "{spinner} indexing {pos} trials changed meanwhile");
            let r = reg.block_on(a.finish(&reg.store, |n| b.set_position(n)));
            b.finish_and_clear();
            Some(r.with_context(|| {
                format!("updating the search index in {}", reg.index_dir.display())
            })?)
        }
        None if !index_pending && counts.changed() > 0 => {
            let (report, pending) = sync_index(reg, counts.changed())?;
            index_pending = pending;
            report
        }
        None => None,
    };
    // Left to the process holding the writer only when there is anything to index.
    let index_pending = index_pending && counts.changed() > 0;

    let summary = Summary {
        read,
        inserted: counts.inserted,
        updated: counts.updated,
        unchanged: counts.unchanged,
        failed,
        strict: args.strict,
        rolled_back,
        errors,
        index,
        index_pending,
    };
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&summary)?),
        Format::Text => {
            println!(
                "read {}, inserted {}, updated {}, unchanged {}, failed {}",
                summary.read, summary.inserted, summary.updated, summary.unchanged, summary.failed
            );
            if rolled_back {
                println!(
                    "--strict: a record failed, so nothing was stored (the registry is unchanged)"
                );
            }
            if index_pending {
                println!(
                    "search index: another eligo process (a running server?) is updating it; \
                     it catches up with this import by itself"
                );
            }
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(exit::INVALID_INPUT)
    } else {
        ExitCode::SUCCESS
    })
}

/// The result of a compile job; a panic in it is the import's error.
fn joined(job: std::thread::ScopedJoinHandle<'_, anyhow::Result<Ready>>) -> anyhow::Result<Ready> {
    job.join()
        .map_err(|_| anyhow::anyhow!("compiling criteria: a thread panicked"))?
}

/// A named path that cannot be read at all: nothing was read or stored.
/// Under `--format json` the report is still printed, with the error.
fn unreadable_source(args: &Args, e: &eligo_ctgov::SourceError) -> anyhow::Result<ExitCode> {
    if matches!(args.format, Format::Json) {
        let file = match e {
            eligo_ctgov::SourceError::NotFound { path }
            | eligo_ctgov::SourceError::Io { path, .. }
            | eligo_ctgov::SourceError::EmptyDirectory { path } => path.clone(),
        };
        let summary = Summary {
            read: 0,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            failed: 1,
            strict: args.strict,
            rolled_back: false,
            errors: vec![RecordError {
                file,
                location: None,
                field: None,
                reason: e.to_string(),
            }],
            index: None,
            index_pending: false,
        };
        println!("{}", serde_json::to_string_pretty(&summary)?);
    }
    Err(exit::Coded::invalid_input(e.to_string()))
}

/// Bring the search index up with the import, unless another process holds
/// its writer (then that process does: `(None, true)`).
fn sync_index(
    reg: &Registry,
    changed: u64,
) -> anyhow::Result<(Option<eligo_search::SyncReport>, bool)> {
    let b = progress_bar(
        changed,
        "{spinner} indexing [{bar:30}] {pos}/{len} trials, about {eta} left",
    );
    let r = reg.block_on(eligo_search::sync(&reg.index, &reg.store, |n| {
        if n > b.length().unwrap_or(0) {
            b.set_length(n);
        }
        b.set_position(n)
    }));
    b.finish_and_clear();
    match r {
        Ok(report) => Ok((Some(report), false)),
        Err(eligo_search::SearchError::Busy { .. }) => Ok((None, true)),
        Err(e) => Err(anyhow::Error::new(e).context(format!(
            "updating the search index in {}",
            reg.index_dir.display()
        ))),
    }
}
