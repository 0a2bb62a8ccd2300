//! `eligo match --patient FILE`: which trials of the registry fit this
//! patient, and why. Reads the patient (FHIR R4 Bundle or eligo's plain
//! JSON), keeps the trials related to the patient's conditions (unless
//! `--all` or `--trial`), compiles their criteria, evaluates and ranks.

use crate::context::Context;
use crate::exit::Coded;
use comfy_table::{ContentArrangement, Table, presets};
use eligo_matcher::explain::{deciding, explain, verdict_word};
use eligo_matcher::{MatchOptions, match_trials, prefilter};
use eligo_model::{Date, TrialMatch, Verdict};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One row per trial: verdict, deciding criteria or facts to collect.
    Table,
    /// A list of trial matches (documented in docs/matching.md).
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// The patient: a FHIR R4 Bundle (JSON) or eligo's plain patient JSON.
    #[arg(long, value_name = "FILE")]
    patient: PathBuf,
    /// Screening date that ages and time windows count from (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
    /// Only these trials (repeatable). Named trials are always evaluated.
    #[arg(long = "trial", value_name = "ID")]
    trials: Vec<String>,
    /// Also evaluate trials for unrelated conditions and partial records.
    #[arg(long)]
    all: bool,
    /// Print one trial's reasoning for a person to read.
    #[arg(long, value_name = "ID")]
    explain: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

fn parse_as_of(s: Option<&str>) -> anyhow::Result<Date> {
    match s {
        None => Ok(jiff::ZonedDateTime::now().date()),
        Some(s) => s.trim().parse::<Date>().map_err(|e| {
            Coded::usage(format!(
                "--as-of {s:?} is not a date (expected YYYY-MM-DD): {e}"
            ))
        }),
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let as_of = parse_as_of(args.as_of.as_deref())?;
    // The reader's errors already name the file.
    let facts = eligo_fhir::read_patient_file(&args.patient)
        .map_err(|e| Coded::invalid_input(e.to_string()))?;
    for i in &facts.ignored {
        let place = match (&i.source, &i.field) {
            (Some(s), Some(f)) => format!("{}/{} {f}", s.resource_type, s.id),
            (Some(s), None) => format!("{}/{}", s.resource_type, s.id),
            (None, Some(f)) => f.clone(),
            (None, None) => String::new(),
        };
        eprintln!("note: not used: {place}: {}", i.reason);
    }
    for o in &facts.observations {
        if let Some(eligo_model::fact::ObservationValue::Quantity { quantity }) = &o.value
            && let Err(e) = eligo_instruments::units::normalize_unit(&quantity.unit)
        {
            eprintln!(
                "note: not used: {}/{}: unit {:?} is not a unit eligo reads ({e}); criteria on it stay unknown",
                o.source.resource_type, o.source.id, quantity.unit
            );
        }
    }

    let mut wanted: Vec<String> = args.trials.clone();
    if let Some(id) = &args.explain
        && !wanted.iter().any(|w| w.eq_ignore_ascii_case(id))
    {
        wanted.push(id.clone());
    }
    let mut trials = ctx.trials()?;
    for id in &wanted {
        if !trials.iter().any(|t| t.id.eq_ignore_ascii_case(id)) {
            return Err(Coded::not_found(format!(
                "no trial with id {id:?} in the registry (try `eligo search`)"
            )));
        }
    }
    if wanted.is_empty() && !args.all {
        // The cheap pass first: only trials about the patient's conditions get compiled.
        let keep = prefilter(&trials, &facts);
        let mut i = 0;
        trials.retain(|_| {
            let k = keep.binary_search(&i).is_ok();
            i += 1;
            k
        });
    }
    let compiled = compile_cached(ctx, trials)?;
    let opts = MatchOptions {
        as_of,
        all: args.all,
        trial_ids: wanted.clone(),
    };
    let matches = match_trials(&compiled, &facts, &opts);

    let out = if let Some(id) = &args.explain {
        let m = matches
            .iter()
            .find(|m| m.trial_id.eq_ignore_ascii_case(id))
            .expect("an explained trial is always evaluated");
        match args.format {
            Format::Json => serde_json::to_string_pretty(m)? + "\n",
            Format::Table => format!("as of {as_of}, patient {}\n\n{}", facts.id, explain(m)),
        }
    } else {
        match args.format {
            Format::Json => serde_json::to_string_pretty(&matches)? + "\n",
            Format::Table => table(&matches, as_of, &facts.id),
        }
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        r => r?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Compile the trials' criteria through the store's cache (the one
/// implementation the server uses too).
fn compile_cached(
    ctx: &Context,
    trials: Vec<eligo_model::Trial>,
) -> anyhow::Result<Vec<(eligo_model::Trial, eligo_model::rule::CompiledCriteria)>> {
    let reg = ctx.registry()?;
    let compiled = reg.block_on(eligo_server::registry::compile_cached(&reg.store, trials))?;
    if let Some(e) = compiled.cache_error {
        eprintln!("note: could not cache the compiled criteria ({e}); matching goes on");
    }
    Ok(compiled.trials)
}

fn table(matches: &[TrialMatch], as_of: Date, patient: &str) -> String {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec![
            "#",
            "trial",
            "verdict",
            "why / what to collect next",
            "title",
        ]);
    if let Some((w, _)) = crossterm_width() {
        t.set_width(w);
    } else {
        t.set_width(140);
    }
    for (i, m) in matches.iter().enumerate() {
        let why = match m.verdict {
            Verdict::Eligible => format!("{} to confirm", m.to_confirm.len()),
            Verdict::Unknown => format!("missing: {}", m.missing.join("; ")),
            Verdict::Ineligible => deciding(m),
        };
        t.add_row(vec![
            (i + 1).to_string(),
            m.trial_id.clone(),
            verdict_word(m.verdict).to_string(),
            why,
            m.title.clone(),
        ]);
    }
    let counts = |v: Verdict| matches.iter().filter(|m| m.verdict == v).count();
    format!(
        "patient {patient}, as of {as_of}: {} eligible, {} unknown, {} ineligible\n{t}\n\
         `eligo match --patient FILE --explain ID` shows one trial's reasoning.\n",
        counts(Verdict::Eligible),
        counts(Verdict::Unknown),
        counts(Verdict::Ineligible)
    )
}

fn crossterm_width() -> Option<(u16, u16)> {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        comfy_table::Table::new().width().map(|w| (w, 0))
    } else {
        None
    }
}
