//! `eligo endpoints TRIAL [--format json|csv]`: endpoints per participant
//! and follow-up visit; `--summary` prints the trial summary instead.

use super::conduct::{as_of, err, trial_ctx};
use crate::context::Context;
use crate::exit::Coded;
use eligo_server::conduct::service;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    trial: String,
    /// json (default) or csv.
    #[arg(long, default_value = "json")]
    format: String,
    /// The date the endpoints are read on (default today).
    #[arg(long)]
    as_of: Option<String>,
    /// The trial summary (responders with exact intervals, AE table,
    /// CRS/ICANS) as JSON instead of the rows.
    #[arg(long)]
    summary: bool,
}

pub fn run(ctx: &Context, a: Args) -> anyhow::Result<ExitCode> {
    let tctx = trial_ctx(ctx, &a.trial)?;
    let as_of = as_of(a.as_of.as_deref())?;
    let reg = ctx.registry()?;
    let subjects = reg
        .block_on(service::subjects(&reg.store, &tctx.trial.id))
        .map_err(err)?;
    if a.summary {
        let s = service::summary(&tctx, &subjects, as_of);
        return super::score::print(&(serde_json::to_string_pretty(&s)? + "\n"));
    }
    let rows = service::endpoint_rows(&tctx, &subjects, as_of);
    match a.format.as_str() {
        "json" => super::score::print(
            &(serde_json::to_string_pretty(&eligo_server::conduct::endpoints_json(&rows))? + "\n"),
        ),
        "csv" => super::score::print(&service::endpoints_csv(&rows)),
        f => Err(Coded::usage(format!("--format {f:?}: json or csv"))),
    }
}
