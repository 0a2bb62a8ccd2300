//! `eligo eval chia DIR`: score the criteria compiler's entity extraction
//! against a brat-annotated Chia corpus (entity precision, recall and F1,
//! exact and overlap match, per type). Reads files only; never opens the
//! registry.

use crate::context::Context;
use crate::exit::Coded;
use comfy_table::{CellAlignment, ContentArrangement, Table, presets};
use eligo_criteria::chia::{self, EntityType, LoadError, Report};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Corpus {
    /// Chia (Kury et al. 2020): `NCTxxxxxxxx_inc.txt` / `_exc.txt` with brat `.ann` files.
    Chia,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// One row per entity type.
    Table,
    /// An object keyed by entity type: precision, recall, f1_exact, f1_overlap, support, ...
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// The annotated corpus's format.
    #[arg(value_enum)]
    corpus: Corpus,
    /// Directory holding the corpus files.
    dir: PathBuf,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Score only the first N trials (by id).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Score the rules alone, without the tagger trained on Chia.
    #[arg(long, conflicts_with = "folds")]
    rules_only: bool,
    /// Measure the method by K-fold cross-validation on DIR itself: train a
    /// tagger on K-1 folds (by trial), score the rest, K times. Use this on
    /// trials the embedded tagger was trained on.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u16).range(2..=20))]
    folds: Option<u16>,
}

pub fn run(_ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let Corpus::Chia = args.corpus;
    let docs = match chia::load_dir(&args.dir, args.limit) {
        Ok(d) => d,
        Err(e @ LoadError::Io { .. }) => return Err(e.into()),
        Err(e) => return Err(Coded::invalid_input(e.to_string())),
    };
    let (report, method) = if let Some(k) = args.folds {
        (
            eligo_criteria::training::cross_validate(&docs, usize::from(k)),
            format!("rules + tagger, {k}-fold cross-validation on these texts"),
        )
    } else if args.rules_only {
        (
            chia::evaluate_with(&docs, |t| eligo_criteria::entities::extract_with(t, None)),
            "rules only".to_string(),
        )
    } else {
        let trained: std::collections::HashSet<&str> = eligo_criteria::tagger::Tagger::embedded()
            .trained_on()
            .iter()
            .map(String::as_str)
            .collect();
        let seen = docs.iter().filter(|d| trained.contains(d.trial())).count();
        if seen > 0 {
            eprintln!(
                "warning: the embedded tagger was trained on {seen} of these {} texts; their scores are not held out (use --folds K or --rules-only)",
                docs.len()
            );
        }
        (chia::evaluate(&docs), "rules + embedded tagger".to_string())
    };
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&json(&report))? + "\n",
        Format::Table => table(&report, &method),
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

fn json(r: &Report) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for t in EntityType::ALL {
        let s = r.score(t);
        m.insert(
            t.name().to_string(),
            serde_json::json!({
                "precision": s.precision,
                "recall": s.recall,
                "f1_exact": s.f1_exact,
                "f1_overlap": s.f1_overlap,
                "support": s.support,
                "precision_exact": s.precision_exact,
                "recall_exact": s.recall_exact,
                "predicted": s.predicted,
            }),
        );
    }
    serde_json::Value::Object(m)
}

fn table(r: &Report, method: &str) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(vec![
        "type",
        "support",
        "predicted",
        "P exact",
        "R exact",
        "F1 exact",
        "P overlap",
        "R overlap",
        "F1 overlap",
    ]);
    for t in EntityType::ALL {
        let s = r.score(t);
        let f = |x: f64| format!("{x:.3}");
        table.add_row(vec![
            t.name().to_string(),
            s.support.to_string(),
            s.predicted.to_string(),
            f(s.precision_exact),
            f(s.recall_exact),
            f(s.f1_exact),
            f(s.precision),
            f(s.recall),
            f(s.f1_overlap),
        ]);
    }
    for i in 1..9 {
        if let Some(c) = table.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!(
        "Chia: {} annotated texts ({method}); overlap matches are one-to-one\n{table}\n",
        r.documents
    )
}
