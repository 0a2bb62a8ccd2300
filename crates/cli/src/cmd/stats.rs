//! `eligo stats`: what the registry holds.

use crate::context::Context;
use serde::Serialize;
use std::collections::BTreeMap;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Serialize)]
struct IndexStats {
    path: String,
    documents: u64,
    generation: Option<i64>,
}

#[derive(Serialize)]
struct Stats {
    trials: u64,
    by_status: BTreeMap<String, u64>,
    /// Trials whose record states no status (e.g. known by id and title).
    status_not_stated: u64,
    by_phase: BTreeMap<String, u64>,
    database: &'static str,
    location: String,
    generation: i64,
    index: IndexStats,
    last_import: Option<eligo_store::ImportLogEntry>,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let reg = ctx.registry()?;
    let s = &reg.store;
    let (trials, status, phase, generation, log) = reg.block_on(async {
        Ok::<_, eligo_store::StoreError>((
            s.count().await?,
            s.counts_by_status().await?,
            s.counts_by_phase().await?,
            s.generation().await?,
            s.import_log(1).await?,
        ))
    })?;
    let with_status: u64 = status.iter().map(|(_, n)| n).sum();
    let stats = Stats {
        trials,
        by_status: status.iter().cloned().collect(),
        status_not_stated: trials.saturating_sub(with_status),
        by_phase: phase.iter().cloned().collect(),
        database: if s.is_postgres() {
            "postgres"
        } else {
            "sqlite"
        },
        location: s.location().to_string(),
        generation,
        index: IndexStats {
            path: reg.index_dir.display().to_string(),
            documents: reg.index.num_docs(),
            generation: reg.index.state().map(|st| st.generation),
        },
        last_import: log.into_iter().next(),
    };
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&stats)?),
        Format::Text => {
            println!(
                "{} trials in {} ({})",
                stats.trials, stats.location, stats.database
            );
            println!("\nby status:");
            for (k, n) in &status {
                let label = eligo_model::trial::OverallStatus::from_code(k)
                    .map_or(k.as_str(), |s| s.label());
                println!("  {label:<28} {n:>8}");
            }
            if stats.status_not_stated > 0 {
                println!(
                    "  {:<28} {:>8}",
                    "(status not stated)", stats.status_not_stated
                );
            }
            println!("\nby phase:");
            for (k, n) in &phase {
                let label = if k == "NONE" {
                    "No phase"
                } else {
                    eligo_model::trial::Phase::from_code(k).map_or(k.as_str(), |p| p.label())
                };
                println!("  {label:<28} {n:>8}");
            }
            println!(
                "\nsearch index: {} documents in {}",
                stats.index.documents, stats.index.path
            );
            if let Some(l) = &stats.last_import {
                println!(
                    "last import: {} ({}): read {}, inserted {}, updated {}, unchanged {}, failed {}",
                    l.finished_at, l.outcome, l.read, l.inserted, l.updated, l.unchanged, l.failed
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
