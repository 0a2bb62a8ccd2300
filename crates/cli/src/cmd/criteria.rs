//! `eligo criteria`: compile a trial's eligibility criteria into rules and
//! show them, criterion by criterion, with what is left to confirm.

use crate::context::Context;
use crate::exit::Coded;
use comfy_table::{ContentArrangement, Table, presets};
use eligo_model::rule::{CompiledCriteria, Coverage, CriterionKind};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// One row per criterion with its rules rendered for people.
    Table,
    /// The `CompiledCriteria` object (documented in docs/criteria.md).
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// Trial id in the registry (NCT id or local id).
    #[arg(required_unless_present_any = ["text", "all"], conflicts_with_all = ["text", "all"])]
    id: Option<String>,
    /// Over the whole registry: how many criteria of each trial are fully,
    /// partly or not computable.
    #[arg(long, conflicts_with = "text")]
    all: bool,
    /// Compile the eligibility text in FILE instead of a registry trial ("-": standard input).
    #[arg(long, value_name = "FILE")]
    text: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    if args.all {
        return registry(ctx, args.format);
    }
    let mut compiled = match (&args.text, &args.id) {
        (Some(path), _) => {
            let text = read_text(path)?;
            let id = path
                .file_stem()
                .map_or("text".to_string(), |s| s.to_string_lossy().into_owned());
            eligo_criteria::compile(&id, &text)
        }
        (None, Some(id)) => match ctx.trial(id)? {
            Some(trial) => eligo_criteria::compile_trial(&trial),
            None => {
                return Err(Coded::not_found(format!(
                    "no trial with id {id:?} in the registry"
                )));
            }
        },
        (None, None) => return Err(Coded::usage("give a trial id or --text FILE")),
    };
    eligo_criteria::annotate(&mut compiled);
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&json(&compiled)?)? + "\n",
        Format::Table => table(&compiled),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        // A closed pipe (`| head`) is not an error of ours.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The `CompiledCriteria` object, with `reason` on every criterion (null
/// when the criterion is computable), as docs/criteria.md documents it.
fn json(c: &CompiledCriteria) -> anyhow::Result<serde_json::Value> {
    let mut v = serde_json::to_value(c)?;
    if let Some(list) = v.get_mut("criteria").and_then(|l| l.as_array_mut()) {
        for cr in list {
            if let Some(o) = cr.as_object_mut() {
                o.entry("reason").or_insert(serde_json::Value::Null);
            }
        }
    }
    Ok(v)
}

fn read_text(path: &PathBuf) -> anyhow::Result<String> {
    let bytes = if path.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::stdin().read_to_end(&mut b)?;
        b
    } else {
        std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?
    };
    String::from_utf8(bytes).map_err(|e| {
        Coded::invalid_input(format!(
            "{}: not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// One trial's criteria by coverage (enrolment criteria; groups outside
/// enrolment counted apart).
#[derive(Default, Clone, Copy, serde::Serialize)]
struct Coverages {
    criteria: usize,
    full: usize,
    partial: usize,
    none: usize,
    outside_enrolment: usize,
}

impl Coverages {
    fn of(c: &CompiledCriteria) -> Coverages {
        let mut n = Coverages::default();
        for cr in &c.criteria {
            if cr.group.is_some() {
                n.outside_enrolment += 1;
                continue;
            }
            n.criteria += 1;
            match cr.coverage() {
                Coverage::Full => n.full += 1,
                Coverage::Partial => n.partial += 1,
                Coverage::None => n.none += 1,
            }
        }
        n
    }

    fn add(&mut self, o: &Coverages) {
        self.criteria += o.criteria;
        self.full += o.full;
        self.partial += o.partial;
        self.none += o.none;
        self.outside_enrolment += o.outside_enrolment;
    }
}

/// `eligo criteria --all`: every trial of the registry, as compiled at
/// import (trials stored by another compiler are compiled and stored first,
/// as `eligo match` does), counted by coverage.
fn registry(ctx: &Context, format: Format) -> anyhow::Result<ExitCode> {
    let reg = ctx.registry()?;
    reg.block_on(eligo_server::registry::compile_stale(&reg.store, |_, _| {}))?;
    let ids = reg.block_on(reg.store.list_ids())?;
    let compiler = eligo_server::registry::compiler_id();
    let mut rows: Vec<(String, Coverages)> = Vec::with_capacity(ids.len());
    for part in ids.chunks(1000) {
        let part: Vec<&str> = part.iter().map(String::as_str).collect();
        let data = reg.block_on(reg.store.rules_data(&part, compiler))?;
        for id in part {
            let Some(d) = data.get(id) else {
                anyhow::bail!("trial {id}: no compiled criteria stored after compiling");
            };
            let rules = eligo_server::registry::read_rules(id, d)?;
            rows.push((id.to_string(), Coverages::of(&rules.compiled)));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let mut total = Coverages::default();
    for (_, c) in &rows {
        total.add(c);
    }
    let out = match format {
        Format::Json => {
            let trials: Vec<serde_json::Value> = rows
                .iter()
                .map(|(id, c)| {
                    let mut v = serde_json::to_value(c).unwrap_or_default();
                    v["trial_id"] = serde_json::Value::String(id.clone());
                    v
                })
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({"trials": trials, "total": total}))?
                + "\n"
        }
        Format::Table => {
            let mut table = Table::new();
            table
                .load_style(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(vec![
                    "trial",
                    "criteria",
                    "fully computable",
                    "partly",
                    "not computable",
                    "outside enrolment",
                ]);
            for (id, c) in rows.iter().chain([(String::from("total"), total)].iter()) {
                table.add_row(vec![
                    id.clone(),
                    c.criteria.to_string(),
                    c.full.to_string(),
                    c.partial.to_string(),
                    c.none.to_string(),
                    c.outside_enrolment.to_string(),
                ]);
            }
            format!(
                "{} trials: of {} criteria, {} fully computable, {} partly (a clause left to confirm), {} not computable\n{table}\n",
                rows.len(),
                total.criteria,
                total.full,
                total.partial,
                total.none
            )
        }
    };
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn table(c: &CompiledCriteria) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !std::io::stdout().is_terminal() {
        table.set_width(140);
    }
    table.set_header(vec!["#", "kind", "span", "criterion", "rules / to confirm"]);
    for (i, cr) in c.criteria.iter().enumerate() {
        let kind = match (cr.kind, &cr.group) {
            (_, Some(_)) => "group",
            (CriterionKind::Inclusion, None) => "incl",
            (CriterionKind::Exclusion, None) => "excl",
        };
        let span = match &cr.field {
            Some(f) => f.clone(),
            None => format!("{}..{}", cr.span.start, cr.span.end),
        };
        let mut lines: Vec<String> = cr
            .rules
            .iter()
            .map(|r| format!("✓ {}", eligo_criteria::render::rule(r)))
            .collect();
        for p in &cr.not_computable {
            lines.push(format!(
                "? {}: \"{}\"",
                p.reason.describe(),
                shorten(&p.text, 90)
            ));
            if let Some(m) = eligo_criteria::render::mentions(&p.mentions, |t| shorten(t, 40)) {
                lines.push(format!("  names {m}"));
            }
        }
        if lines.is_empty()
            && let Some(r) = &cr.reason
        {
            lines.push(format!("? {r}"));
        }
        table.add_row(vec![
            (i + 1).to_string(),
            kind.to_string(),
            span,
            shorten(&cr.text, 160),
            lines.join("\n"),
        ]);
    }
    let n = c.criteria.len();
    let cov = Coverages::of(c);
    let mut groups: Vec<&str> = c
        .criteria
        .iter()
        .filter_map(|c| c.group.as_deref())
        .collect();
    groups.dedup();
    let outside = if groups.is_empty() {
        String::new()
    } else {
        format!(
            "\ngroup (not an enrolment criterion, never in the verdict): {}\n",
            groups
                .iter()
                .map(|g| shorten(g, 80))
                .collect::<Vec<_>>()
                .join("; ")
        )
    };
    format!(
        "{} — {n} criteria\n{table}\n{} fully computable, {} partly (a clause left to confirm), {} not computable{}\n{outside}",
        c.trial_id,
        cov.full,
        cov.partial,
        cov.none,
        if cov.outside_enrolment > 0 {
            format!(", {} outside enrolment", cov.outside_enrolment)
        } else {
            String::new()
        }
    )
}

fn shorten(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}
