//! `eligo export TRIAL --out DIR`: the SDTM-shaped CSV datasets and the
//! FHIR R4 Bundle of a trial's participants (docs/conduct.md).

use super::conduct::{err, trial_ctx};
use crate::context::Context;
use eligo_server::conduct::service;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    trial: String,
    /// Directory to write DM.csv ... CM.csv and fhir.json into (created).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(ctx: &Context, a: Args) -> anyhow::Result<ExitCode> {
    let tctx = trial_ctx(ctx, &a.trial)?;
    let reg = ctx.registry()?;
    let subjects = reg
        .block_on(service::subjects(&reg.store, &tctx.trial.id))
        .map_err(err)?;
    let (datasets, bundle) = service::export(&tctx, &subjects);
    std::fs::create_dir_all(&a.out)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", a.out.display()))?;
    let write = |name: &str, body: &str| {
        let p = a.out.join(name);
        std::fs::write(&p, body).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display()))
    };
    for d in &datasets {
        write(&format!("{}.csv", d.name), &d.to_csv())?;
        println!("{}.csv\t{} rows", d.name, d.rows.len());
    }
    write("fhir.json", &serde_json::to_string_pretty(&bundle)?)?;
    println!(
        "fhir.json\t{} resources",
        bundle["entry"].as_array().map_or(0, Vec::len)
    );
    Ok(ExitCode::SUCCESS)
}
