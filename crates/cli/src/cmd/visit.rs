//! `eligo visit record --participant ID --visit M1 --input visit.json`:
//! record a visit from its JSON file (docs/conduct.md); a change to a
//! recorded visit needs `--reason`.

use super::conduct::{As, actor, err};
use super::score::{display_path, read_input};
use crate::context::Context;
use crate::exit::Coded;
use eligo_server::conduct::service;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Record (or change) a visit from a JSON file.
    Record(RecordArgs),
}

#[derive(clap::Args)]
struct RecordArgs {
    /// The participant: its id, or TRIAL:STUDY_ID.
    #[arg(long)]
    participant: String,
    /// BL, a planned visit (M1, M3...), or U1, U2... for unscheduled ones.
    #[arg(long)]
    visit: String,
    /// The visit JSON ("-": standard input).
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// Why a recorded visit is changed (required for a change).
    #[arg(long)]
    reason: Option<String>,
    #[command(flatten)]
    who: As,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let Command::Record(a) = args.command;
    let reg = ctx.registry()?;
    let pid = resolve(ctx, &a.participant)?;
    let s = reg
        .block_on(service::subject(&reg.store, pid))
        .map_err(err)?
        .ok_or_else(|| Coded::not_found(format!("no participant {}", a.participant)))?;
    let tctx = super::conduct::trial_ctx(ctx, &s.row.trial_id)?;
    let who = actor(ctx, &a.who, &tctx.trial.id)?;
    let text = read_input(&a.input)?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        Coded::invalid_input(format!("{}: not valid JSON: {e}", display_path(&a.input)))
    })?;
    let r = reg
        .block_on(service::record_visit(
            &reg.store,
            &tctx,
            &s,
            &a.visit,
            &v,
            a.reason.as_deref(),
            service::today(),
            &who,
        ))
        .map_err(|e| match e {
            service::ServiceError::Invalid(f) => {
                Coded::invalid_input(format!("{}: {f}", display_path(&a.input)))
            }
            other => err(other),
        })?;
    super::score::print(&(serde_json::to_string_pretty(&r)? + "\n"))
}

/// A participant id, or `TRIAL:STUDY_ID`.
pub fn resolve(ctx: &Context, s: &str) -> anyhow::Result<i64> {
    if let Ok(id) = s.trim().parse::<i64>() {
        return Ok(id);
    }
    let (trial, study) = s
        .split_once(':')
        .ok_or_else(|| Coded::usage(format!("--participant {s:?}: an id or TRIAL:STUDY_ID")))?;
    let reg = ctx.registry()?;
    let rows = reg.block_on(reg.store.participants(&trial.trim().to_ascii_uppercase()))?;
    rows.iter()
        .find(|r| r.study_id == study.trim() && r.error_reason.is_none())
        .map(|r| r.id)
        .ok_or_else(|| Coded::not_found(format!("no participant {s}")))
}
