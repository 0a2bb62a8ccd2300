//! `eligo related ID`: trials the record lists as related, then the most
//! similar trials of the registry (by title, conditions, interventions,
//! keywords and target antigens).

use crate::cmd::search::{clip, new_table};
use crate::cmd::show::not_found;
use crate::context::Context;
use serde::Serialize;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// NCT id or eligo local id.
    id: String,
    #[arg(long, default_value_t = 10)]
    limit: usize,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Serialize)]
struct Output<'a> {
    id: &'a str,
    related: &'a [eligo_search::RelatedHit],
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let Some(trial) = ctx.trial(&args.id)? else {
        return Err(not_found(&args.id));
    };
    let reg = ctx.registry()?;
    let related = reg.index.related(&trial, args.limit)?;
    match args.format {
        Format::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&Output {
                    id: &trial.id,
                    related: &related
                })?
            )
        }
        Format::Table => {
            if related.is_empty() {
                println!("No related trials for {}.", trial.id);
                return Ok(ExitCode::SUCCESS);
            }
            let mut table = new_table();
            table.set_header(["id", "why", "status", "title", "score"]);
            for r in &related {
                let why = match r.source {
                    eligo_search::RelatedSource::Listed if r.in_registry => "listed",
                    eligo_search::RelatedSource::Listed => "listed (not in registry)",
                    eligo_search::RelatedSource::Similar => "similar",
                };
                table.add_row([
                    r.id.clone(),
                    why.to_string(),
                    r.status.clone().unwrap_or_default(),
                    clip(r.title.as_deref().unwrap_or(""), 90),
                    r.score.map(|s| format!("{s:.2}")).unwrap_or_default(),
                ]);
            }
            println!("Related to {}  {}", trial.id, clip(&trial.brief_title, 100));
            println!("{table}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
