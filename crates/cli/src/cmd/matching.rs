//! `eligo match --patient FILE`: which trials of the registry fit this
//! patient, and why. Reads the patient (FHIR R4 Bundle or eligo's plain
//! JSON), chooses the trials about the patient's conditions from the
//! registry's match index (unless `--all` or `--trial`), loads their
//! compiled criteria (compiled at import), evaluates and ranks: the same
//! path as the server's (`eligo_server::catalog`). Memory stays flat: the
//! table keeps one row per trial, the JSON is written in rank order.

use crate::context::Context;
use crate::context::Registry;
use crate::exit::Coded;
use comfy_table::{ContentArrangement, Table, presets};
use eligo_matcher::explain::{counts_line, deciding, explain, verdict_phrase};
use eligo_model::{Date, PatientFacts, TrialMatch, Verdict};
use eligo_server::catalog::{Catalog, Choice, Matching, RuleCache};
use serde::ser::{SerializeSeq, Serializer};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

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
    /// Where the patient is: a town or city in any script ("Nanjing,
    /// China", "南京") or "lat,lon". Adds each trial's nearest recruiting
    /// site (by the site's own status) and orders eligible first, then by
    /// its distance.
    #[arg(long, value_name = "PLACE")]
    near: Option<String>,
    /// Only trials with a site this close to --near (200km, 50mi); a trial
    /// whose only sites this close are not recruiting is kept and says so.
    #[arg(long, value_name = "DISTANCE", requires = "near")]
    within: Option<String>,
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
    for i in facts
        .ignored
        .iter()
        .chain(&eligo_matcher::unusable(&facts, as_of))
    {
        let place = match (&i.source, &i.field) {
            (Some(s), Some(f)) => format!("{}/{} {f}: ", s.resource_type, s.id),
            (Some(s), None) => format!("{}/{}: ", s.resource_type, s.id),
            (None, Some(f)) => format!("{f}: "),
            (None, None) => String::new(),
        };
        eprintln!("note: not used: {place}{}", i.reason);
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
    let reg = ctx.registry()?;
    // The trials about the patient's conditions are all it reads of the
    // index, unless every trial or named ones are wanted.
    let about = wanted.is_empty() && !args.all;
    let catalog = load_catalog(reg, about.then_some(&facts))?;
    for id in &wanted {
        if catalog.resolve(id).is_none() {
            return Err(Coded::not_found(format!(
                "no trial with id {id:?} in the registry (try `eligo search`)"
            )));
        }
    }
    let choice = if !wanted.is_empty() {
        Choice::Named(wanted.clone())
    } else if args.all {
        Choice::All
    } else {
        Choice::Related
    };
    // A one-off run reads each rule set once: nothing to cache.
    let cache = RuleCache::new(0);
    let m = Matching {
        store: &reg.store,
        cache: &cache,
        catalog: &catalog,
    };
    let facts = Arc::new(facts);
    // Buffered: stdout alone is line-buffered, and the JSON of a large
    // default set is millions of lines (a write call each).
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let near = match &args.near {
        Some(n) => Some(
            eligo_server::find::near::read_near(n, args.within.as_deref())
                .map_err(|e| Coded::usage(format!("--near {n:?}: {}", e.message())))?,
        ),
        None => None,
    };
    let written = if let (Some(near), None) = (&near, &args.explain) {
        eprintln!("distances from {}", near.label);
        let (all, _) = reg.block_on(m.run(facts.clone(), as_of, &choice, None, |m| m))?;
        let mut rows = Vec::new();
        for (_, tm) in all {
            let Some(t) = reg.block_on(reg.store.get_trial(&tm.trial_id))? else {
                continue;
            };
            let n = eligo_server::find::sites::nearest(&t, near.point);
            if let Some(r) = near.within {
                let inside = |s: &Option<eligo_server::find::sites::SiteDistance>| {
                    s.as_ref().is_some_and(|s| r.covers_km(s.km))
                };
                if !inside(&n.recruiting) && !inside(&n.any) {
                    continue;
                }
            }
            rows.push((tm, n));
        }
        // Eligible first, then by the nearest recruiting site.
        rows.sort_by(|(a, na), (b, nb)| {
            let key = |m: &TrialMatch| eligo_matcher::rank_key(m).0;
            let km = |n: &eligo_server::find::sites::Nearest| {
                n.recruiting.as_ref().map_or(f64::INFINITY, |s| s.km)
            };
            key(a).cmp(&key(b)).then(km(na).total_cmp(&km(nb)))
        });
        match args.format {
            Format::Json => {
                let mut list = Vec::new();
                for (tm, n) in &rows {
                    let mut v = serde_json::to_value(tm)?;
                    if let Some(o) = v.as_object_mut() {
                        o.insert("nearest_site".into(), serde_json::to_value(n)?);
                    }
                    list.push(v);
                }
                stdout.write_all((serde_json::to_string_pretty(&list)? + "\n").as_bytes())
            }
            Format::Table => {
                let out: Vec<Row> = rows
                    .into_iter()
                    .map(|(tm, n)| {
                        let mut r = Row::of(tm);
                        r.site = Some(eligo_server::find::card::distance_within(&n, near.within));
                        r
                    })
                    .collect();
                stdout.write_all(table(&out, as_of, &facts.id).as_bytes())
            }
        }
    } else if let Some(id) = &args.explain {
        let (all, _) = reg.block_on(m.run(facts.clone(), as_of, &choice, None, |m| m))?;
        let m = all
            .into_iter()
            .map(|(_, m)| m)
            .find(|m| m.trial_id.eq_ignore_ascii_case(id))
            .expect("an explained trial is always evaluated");
        let out = match args.format {
            Format::Json => serde_json::to_string_pretty(&m)? + "\n",
            Format::Table => format!("as of {as_of}, patient {}\n\n{}", facts.id, explain(&m)),
        };
        stdout.write_all(out.as_bytes())
    } else {
        match args.format {
            Format::Json => json_list(reg, &m, &facts, as_of, &choice, &mut stdout)?,
            Format::Table => {
                let (rows, _) =
                    reg.block_on(m.run(facts.clone(), as_of, &choice, None, Row::of))?;
                let rows: Vec<Row> = rows.into_iter().map(|(_, r)| r).collect();
                stdout.write_all(table(&rows, as_of, &facts.id).as_bytes())
            }
        }
    };
    match written.and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        r => r?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The registry's match index (only the part about the conditions of
/// `about`, when given), compiling first what has no compiled criteria yet
/// (the first run, or a new eligo), with a progress bar.
fn load_catalog(reg: &Registry, about: Option<&PatientFacts>) -> anyhow::Result<Catalog> {
    use std::io::IsTerminal;
    let mut bar: Option<indicatif::ProgressBar> = None;
    let progress = |done, total| {
        bar.get_or_insert_with(|| {
            if !std::io::stderr().is_terminal() {
                return indicatif::ProgressBar::hidden();
            }
            let b = indicatif::ProgressBar::new(total);
            if let Ok(s) = indicatif::ProgressStyle::with_template(
                "{spinner} compiling criteria [{bar:30}] {pos}/{len}, about {eta} left",
            ) {
                b.set_style(s.progress_chars("=> "));
            }
            b
        })
        .set_position(done)
    };
    let catalog = match about {
        Some(facts) => reg.block_on(Catalog::load_about(&reg.store, facts, progress))?,
        None => reg.block_on(Catalog::load(&reg.store, progress))?,
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(catalog)
}

/// Trials whose whole results are held at once when writing JSON; beyond
/// that, a first pass ranks and a second evaluates again in rank order,
/// writing as it goes.
const JSON_IN_MEMORY: usize = 2048;

/// The ranked matches as a pretty JSON list (the same bytes as
/// `serde_json::to_string_pretty` of the whole list), written as they come.
fn json_list(
    reg: &Registry,
    m: &Matching<'_>,
    facts: &Arc<PatientFacts>,
    as_of: Date,
    choice: &Choice,
    out: &mut impl Write,
) -> anyhow::Result<std::io::Result<()>> {
    let mut ser = serde_json::Serializer::pretty(&mut *out);
    let mut seq = ser.serialize_seq(None)?;
    let small = m.catalog.count(facts, choice) <= JSON_IN_MEMORY;
    let (ranked, _) = reg.block_on(m.run(facts.clone(), as_of, choice, None, move |m| {
        small.then_some(m)
    }))?;
    if small {
        for (_, tm) in ranked.iter() {
            if let Some(tm) = tm {
                seq.serialize_element(tm)?;
            }
        }
    } else {
        let order: Vec<String> = ranked.into_iter().map(|(r, _)| r.trial_id).collect();
        for part in order.chunks(JSON_IN_MEMORY) {
            let (matches, _) = reg.block_on(m.run(
                facts.clone(),
                as_of,
                &Choice::Named(part.to_vec()),
                None,
                |m| m,
            ))?;
            for (_, tm) in &matches {
                seq.serialize_element(tm)?;
            }
        }
    }
    seq.end()?;
    Ok(out.write_all(b"\n"))
}

/// One line of the table: what it shows of a match.
struct Row {
    trial_id: String,
    verdict: Verdict,
    /// "eligible", or "may be eligible" when an inclusion is met only in
    /// part or left to confirm.
    phrase: &'static str,
    why: String,
    title: String,
    /// The nearest recruiting site, with --near.
    site: Option<String>,
}

impl Row {
    fn of(m: TrialMatch) -> Row {
        let why = match m.verdict {
            Verdict::Eligible => counts_line(&m),
            Verdict::Unknown => format!("missing: {}", m.missing.join("; ")),
            Verdict::Ineligible => deciding(&m),
        };
        Row {
            why,
            phrase: verdict_phrase(&m),
            verdict: m.verdict,
            trial_id: m.trial_id,
            title: m.title,
            site: None,
        }
    }
}

fn table(rows: &[Row], as_of: Date, patient: &str) -> String {
    let mut t = Table::new();
    let sites = rows.iter().any(|r| r.site.is_some());
    let mut header = vec![
        "#",
        "trial",
        "verdict",
        "why / what to collect next",
        "title",
    ];
    if sites {
        header.push("nearest recruiting site");
    }
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    if let Some((w, _)) = crossterm_width() {
        t.set_width(w);
    } else {
        t.set_width(140);
    }
    for (i, r) in rows.iter().enumerate() {
        let mut row = vec![
            (i + 1).to_string(),
            r.trial_id.clone(),
            r.phrase.to_string(),
            r.why.clone(),
            r.title.clone(),
        ];
        if sites {
            row.push(r.site.clone().unwrap_or_default());
        }
        t.add_row(row);
    }
    let counts = |v: Verdict| rows.iter().filter(|r| r.verdict == v).count();
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
