//! `eligo import PATH...`: read ClinicalTrials.gov records into the registry
//! and update the search index.
//!
//! Good records are stored in batches, each one transaction; a bad record is
//! reported (file, location, JSON path, reason) and skipped, and never
//! changes what is stored. With `--strict` the whole run is one transaction
//! that is rolled back at the first bad record. Exit 3 when any record failed.

use crate::context::Context;
use crate::exit;
use eligo_ctgov::ImportError;
use eligo_store::{ImportLogEntry, UpsertCounts, Writer};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

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

/// Records per transaction in non-strict mode.
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
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let reg = ctx.registry()?;
    let started_at = jiff::Timestamp::now().to_string();
    let limits = eligo_ctgov::Limits {
        max_record_bytes: args.max_record_size,
        max_expansion_ratio: args.max_expansion_ratio,
    };
    let mut reader = match eligo_ctgov::read_sources_with(&args.paths, limits) {
        Ok(r) => r,
        Err(e) => return unreadable_source(&args, &e),
    };

    let bar = if std::io::stderr().is_terminal() && reader.total_bytes() > 0 {
        let b = ProgressBar::new(reader.total_bytes());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} importing [{bar:30}] {bytes}/{total_bytes} {msg} ({eta})",
        ) {
            b.set_style(style.progress_chars("=> "));
        }
        b
    } else {
        ProgressBar::hidden()
    };

    let mut counts = UpsertCounts::default();
    let mut read = 0u64;
    let mut errors: Vec<RecordError> = Vec::new();
    let mut writer: Option<Writer> = None;
    let mut in_batch = 0usize;
    let mut rolled_back = false;

    while let Some(item) = reader.next() {
        read += 1;
        match item {
            Ok(rec) => {
                if writer.is_none() {
                    writer = Some(reg.block_on(reg.store.begin())?);
                }
                if let Some(w) = writer.as_mut() {
                    reg.block_on(w.upsert(&rec.trial, &rec.raw))?;
                }
                in_batch += 1;
                if !args.strict && in_batch >= BATCH {
                    if let Some(w) = writer.take() {
                        counts.merge(reg.block_on(w.commit())?);
                    }
                    in_batch = 0;
                }
            }
            Err(e) => {
                bar.suspend(|| eprintln!("error: {e}"));
                errors.push(RecordError::from(&e));
                if args.strict {
                    if let Some(w) = writer.take() {
                        reg.block_on(w.rollback())?;
                    }
                    rolled_back = true;
                    break;
                }
            }
        }
        bar.set_position(reader.bytes_done());
        bar.set_message(format!("{read} records"));
    }
    if let Some(w) = writer.take() {
        counts.merge(reg.block_on(w.commit())?);
    }
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

    let index = if counts.changed() > 0 {
        let spinner = if std::io::stderr().is_terminal() {
            let s = ProgressBar::new_spinner();
            s.set_message("indexing");
            s
        } else {
            ProgressBar::hidden()
        };
        let r = reg.sync_index(|n| spinner.set_message(format!("indexing: {n} trials")))?;
        spinner.finish_and_clear();
        Some(r)
    } else {
        None
    };

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
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(exit::INVALID_INPUT)
    } else {
        ExitCode::SUCCESS
    })
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
        };
        println!("{}", serde_json::to_string_pretty(&summary)?);
    }
    Err(exit::Coded::invalid_input(e.to_string()))
}
