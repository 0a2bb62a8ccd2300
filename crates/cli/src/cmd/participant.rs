//! `eligo participant add|list|load-example`: a trial's participants (study
//! id, infusion date, dose level), as coordinators keep them (docs/conduct.md).

use super::conduct::{As, actor, as_of, err, trial_ctx};
use crate::context::Context;
use crate::exit::Coded;
use eligo_server::conduct::service;
use serde_json::{Map, Value, json};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Add a participant to a trial (a study id, never a name).
    Add(AddArgs),
    /// List a trial's participants with their visit states.
    List(ListArgs),
    /// Load the six synthetic participants of the worked example into NCT06946485.
    LoadExample(ExampleArgs),
}

#[derive(clap::Args)]
struct AddArgs {
    /// The trial (NCT id).
    trial: String,
    /// The study id, e.g. CHT-001.
    #[arg(long)]
    study_id: String,
    /// Day 0: the infusion date, YYYY-MM-DD.
    #[arg(long)]
    infusion_date: String,
    /// Dose level received (1 = the record's first).
    #[arg(long)]
    dose_level: Option<u32>,
    #[arg(long)]
    cohort: Option<u32>,
    /// F or M.
    #[arg(long)]
    sex: Option<String>,
    #[arg(long)]
    age: Option<u32>,
    /// The enrolled application this participant came from.
    #[arg(long)]
    application: Option<i64>,
    #[command(flatten)]
    who: As,
}

#[derive(clap::Args)]
struct ListArgs {
    trial: String,
    /// The date visit states are read on (default today).
    #[arg(long)]
    as_of: Option<String>,
    /// json or text.
    #[arg(long, default_value = "text")]
    format: String,
}

#[derive(clap::Args)]
struct ExampleArgs {
    #[command(flatten)]
    who: As,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Add(a) => add(ctx, a),
        Command::List(a) => list(ctx, a),
        Command::LoadExample(a) => {
            let reg = ctx.registry()?;
            let who = actor(ctx, &a.who, "NCT06946485")?;
            let n = reg
                .block_on(service::load_example(&reg.store, &who))
                .map_err(err)?;
            println!(
                "loaded {n} synthetic participants into NCT06946485 (read them with --as-of 2027-05-01)"
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn add(ctx: &Context, a: AddArgs) -> anyhow::Result<ExitCode> {
    let tctx = trial_ctx(ctx, &a.trial)?;
    let who = actor(ctx, &a.who, &tctx.trial.id)?;
    let mut m = Map::new();
    m.insert("study_id".into(), json!(a.study_id));
    m.insert("infusion_date".into(), json!(a.infusion_date));
    if let Some(x) = a.dose_level {
        m.insert("dose_level".into(), json!(x));
    }
    if let Some(x) = a.cohort {
        m.insert("cohort".into(), json!(x));
    }
    if let Some(x) = a.sex {
        m.insert("sex".into(), json!(x));
    }
    if let Some(x) = a.age {
        m.insert("age_years".into(), json!(x));
    }
    let reg = ctx.registry()?;
    let id = reg
        .block_on(service::add_participant(
            &reg.store,
            &tctx,
            &Value::Object(m),
            a.application,
            &who,
        ))
        .map_err(err)?;
    println!(
        "participant {} added to {} (id {id})",
        a.study_id, tctx.trial.id
    );
    Ok(ExitCode::SUCCESS)
}

fn list(ctx: &Context, a: ListArgs) -> anyhow::Result<ExitCode> {
    let tctx = trial_ctx(ctx, &a.trial)?;
    let as_of = as_of(a.as_of.as_deref())?;
    let reg = ctx.registry()?;
    let subjects = reg
        .block_on(service::subjects(&reg.store, &tctx.trial.id))
        .map_err(err)?;
    match a.format.as_str() {
        "json" => {
            let rows: Vec<Value> = subjects
                .iter()
                .map(|s| {
                    let t = s.timeline(&tctx, as_of);
                    json!({"id": s.row.id, "participant": s.p.to_json(),
                        "visits": t.rows.iter().map(|r| json!({"code": r.code, "state": r.state, "date": r.date})).collect::<Vec<_>>()})
                })
                .collect();
            super::score::print(
                &(serde_json::to_string_pretty(
                    &json!({"trial": tctx.trial.id, "as_of": as_of, "participants": rows}),
                )? + "\n"),
            )
        }
        "text" => {
            let mut out = String::new();
            for s in &subjects {
                let t = s.timeline(&tctx, as_of);
                let states: Vec<String> = t
                    .rows
                    .iter()
                    .map(|r| format!("{} {}", r.code, r.state.label()))
                    .collect();
                out.push_str(&format!(
                    "{}\tday 0 {}\t{}\t{}{}\n",
                    s.p.study_id,
                    s.p.infusion_date,
                    s.p.dose_level.map_or("-".into(), |l| format!("level {l}")),
                    states.join(", "),
                    if s.p.synthetic { "\t(synthetic)" } else { "" }
                ));
            }
            if subjects.is_empty() {
                out.push_str(&format!("{} has no participants yet\n", tctx.trial.id));
            }
            super::score::print(&out)
        }
        f => Err(Coded::usage(format!("--format {f:?}: json or text"))),
    }
}
