//! `eligo escalation TRIAL`: DLT counts per dose level and the next step by
//! 3+3 and by BOIN, with the rules and counts that decided.

use super::conduct::{as_of, err, trial_ctx};
use crate::context::Context;
use crate::exit::Coded;
use eligo_server::conduct::service;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    trial: String,
    #[arg(long)]
    as_of: Option<String>,
    /// text (default) or json.
    #[arg(long, default_value = "text")]
    format: String,
}

pub fn run(ctx: &Context, a: Args) -> anyhow::Result<ExitCode> {
    let tctx = trial_ctx(ctx, &a.trial)?;
    if tctx.levels.len() < 2 {
        return Err(Coded::invalid_input(format!(
            "{} lists {} dose level(s) in its record: nothing to escalate",
            tctx.trial.id,
            tctx.levels.len()
        )));
    }
    let as_of = as_of(a.as_of.as_deref())?;
    let reg = ctx.registry()?;
    let subjects = reg
        .block_on(service::subjects(&reg.store, &tctx.trial.id))
        .map_err(err)?;
    let e = service::escalation(&tctx, &subjects, as_of);
    match a.format.as_str() {
        "json" => super::score::print(&(serde_json::to_string_pretty(&e)? + "\n")),
        "text" => {
            let mut s = format!(
                "{} as of {as_of}; DLT window {} days\n",
                tctx.trial.id, e.dlt_window_days
            );
            for l in &e.levels {
                s.push_str(&format!(
                    "  level {} ({}): treated {}, evaluable {}, DLTs {}, in window {}\n",
                    l.level, l.label, l.treated, l.evaluable, l.dlts, l.pending
                ));
            }
            for d in [&e.three_plus_three, &e.boin] {
                s.push_str(&format!("{}: {}\n  {}\n", d.design, d.advice, d.rule));
            }
            super::score::print(&s)
        }
        f => Err(Coded::usage(format!("--format {f:?}: text or json"))),
    }
}
