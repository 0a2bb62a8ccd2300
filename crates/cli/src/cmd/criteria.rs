//! `eligo criteria`: compile a trial's eligibility criteria into rules and
//! show them, criterion by criterion, with what is left to confirm.

use crate::context::Context;
use crate::exit::Coded;
use comfy_table::{ContentArrangement, Table, presets};
use eligo_model::rule::{CompiledCriteria, CriterionKind};
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
    #[arg(required_unless_present = "text", conflicts_with = "text")]
    id: Option<String>,
    /// Compile the eligibility text in FILE instead of a registry trial ("-": standard input).
    #[arg(long, value_name = "FILE")]
    text: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
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
        let kind = match cr.kind {
            CriterionKind::Inclusion => "incl",
            CriterionKind::Exclusion => "excl",
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
    let k = c.criteria.iter().filter(|c| c.computable).count();
    format!(
        "{} — {n} criteria\n{table}\ncomputable: {k}/{n} ({:.0}%)\n",
        c.trial_id,
        c.computable_fraction * 100.0
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
