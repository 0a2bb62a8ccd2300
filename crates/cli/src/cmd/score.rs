//! `eligo score`: compute a clinical instrument from a JSON input
//! (docs/instruments.md; definitions in INSTRUMENTS.md). Never touches the
//! registry.

use crate::context::Context;
use crate::exit::Coded;
use eligo_instruments::{INSTRUMENTS, ScoreError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// Instruments and their fields for people.
    Text,
    /// `{"instruments": [...]}` with ids, result fields and input fields.
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// Instrument id, e.g. sledai2k, bilag2004_numeric, cockcroft_gault
    /// (`-` accepted for `_`; see --list).
    #[arg(required_unless_present = "list", conflicts_with = "list")]
    instrument: Option<String>,
    /// JSON input ("-": standard input).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "list",
        conflicts_with = "list"
    )]
    input: Option<PathBuf>,
    /// List instrument ids with their input fields.
    #[arg(long)]
    list: bool,
    /// Format of --list (a score is always JSON).
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

pub fn run(_ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    if args.list {
        let out = match args.format {
            Format::Json => {
                #[derive(serde::Serialize)]
                struct List {
                    instruments: &'static [eligo_instruments::InstrumentInfo],
                }
                serde_json::to_string_pretty(&List {
                    instruments: INSTRUMENTS,
                })? + "\n"
            }
            Format::Text => list_text(),
        };
        return print(&out);
    }
    let (Some(id), Some(path)) = (&args.instrument, &args.input) else {
        return Err(Coded::usage(
            "give an instrument id and --input FILE, or --list",
        ));
    };
    let text = read_input(path)?;
    let input = eligo_instruments::input::parse_json(&text)
        .map_err(|e| Coded::invalid_input(format!("{}: {}", display_path(path), json_error(&e))))?;
    let scored = eligo_instruments::score(id, &input).map_err(|e| match e {
        ScoreError::UnknownInstrument(_) => Coded::usage(e.to_string()),
        ScoreError::Input(e) => {
            Coded::invalid_input(format!("{}: invalid {id} input: {e}", display_path(path)))
        }
    })?;
    print(&(serde_json::to_string_pretty(&scored)? + "\n"))
}

fn list_text() -> String {
    let mut s = String::new();
    for i in INSTRUMENTS {
        s.push_str(&format!(
            "{}  {} (INSTRUMENTS.md {})\n",
            i.id, i.name, i.section
        ));
        s.push_str(&format!("  result: {}\n", i.result_fields.join(", ")));
        s.push_str("  input:\n");
        for f in i.fields {
            s.push_str(&format!(
                "    {}: {}{}\n",
                f.name,
                f.kind,
                if f.required { "" } else { " (optional)" }
            ));
        }
    }
    s
}

/// A JSON reading error in words: malformed text, or a key given twice.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    if e.is_data() {
        e.to_string()
    } else {
        format!("not valid JSON: {e}")
    }
}

pub(crate) fn display_path(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        path.display().to_string()
    }
}

pub(crate) fn read_input(path: &Path) -> anyhow::Result<String> {
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
            display_path(path),
            e.utf8_error().valid_up_to()
        ))
    })
}

pub(crate) fn print(out: &str) -> anyhow::Result<ExitCode> {
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
