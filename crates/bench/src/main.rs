//! `eligo-bench`: the scale benchmark (docs/benchmarks.md).
//!
//! `eligo-bench gen --size N --format ndjson|zip|dir --out PATH` writes a
//! deterministic corpus; `eligo-bench run --size N` measures the release
//! `eligo` binary on one.

use anyhow::Result;
use clap::{Parser, Subcommand};
use eligo_bench::generate::{Generator, output};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "eligo-bench", version, about = "The scale benchmark of eligo")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write a deterministic corpus of ClinicalTrials.gov API v2 studies.
    Gen(GenArgs),
    /// Measure the release eligo binary on a generated corpus.
    Run(Box<eligo_bench::run::RunArgs>),
    /// Measure the search queries and the API v2 pages of `run` against an
    /// eligo server already running (to compare builds on one registry).
    Pages(PagesArgs),
    /// Measure the search queries of `run` (`GET /api/v1/search`) alone
    /// against an eligo server already running.
    Search(PagesArgs),
}

#[derive(clap::Args)]
struct PagesArgs {
    /// The port the server listens on (127.0.0.1).
    #[arg(long)]
    port: u16,
    /// Measured rounds (after one warm-up round).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
}

#[derive(clap::Args)]
struct GenArgs {
    /// How many studies.
    #[arg(long)]
    size: u64,
    /// Index of the first study (ids follow from it).
    #[arg(long, default_value_t = 0)]
    start: u64,
    /// Later version of each study (0 = as first generated).
    #[arg(long, default_value_t = 0)]
    revision: u32,
    #[arg(long, value_enum, default_value = "ndjson")]
    format: output::Format,
    /// File or directory to write; `-` is standard output (NDJSON only).
    #[arg(long)]
    out: PathBuf,
    /// Seed of the corpus: same seed and size, same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (default: the machine's cores).
    #[arg(long)]
    threads: Option<usize>,
}

fn threads(n: Option<usize>) -> usize {
    n.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn generate(a: GenArgs) -> Result<ExitCode> {
    if a.out.as_os_str() == "-" && a.format != output::Format::Ndjson {
        anyhow::bail!("--out - writes NDJSON only");
    }
    let g = Generator::new(a.seed);
    let tty = std::io::stderr().is_terminal();
    let size = a.size;
    let stats = output::write_corpus(
        &g,
        output::Range {
            start: a.start,
            count: a.size,
            revision: a.revision,
        },
        a.format,
        &a.out,
        threads(a.threads),
        |n| {
            if tty && (n % 10_240 == 0 || n == size) {
                eprint!("\r{n}/{size} studies");
            }
        },
    )?;
    if tty {
        eprintln!();
    }
    eprint!("{}", stats.summary());
    Ok(ExitCode::SUCCESS)
}

fn run(a: eligo_bench::run::RunArgs) -> Result<ExitCode> {
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| eligo_bench::run::default_out(&a));
    let report = eligo_bench::run::run(a)?;
    let md = report.markdown();
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, serde_json::to_vec_pretty(&report)?)?;
    let md_path = out.with_extension("md");
    std::fs::write(&md_path, &md)?;
    println!("{md}");
    eprintln!("report: {} and {}", out.display(), md_path.display());
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.cmd {
        Cmd::Gen(a) => generate(a),
        Cmd::Run(a) => run(*a),
        Cmd::Pages(a) => eligo_bench::run::apiv2::against(a.port, a.rounds).map(|md| {
            println!("{md}");
            ExitCode::SUCCESS
        }),
        Cmd::Search(a) => eligo_bench::run::apiv2::search_against(a.port, a.rounds).map(|md| {
            println!("{md}");
            ExitCode::SUCCESS
        }),
    };
    r.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}
