//! `eligo`: the command-line front end. Thin by design: it parses
//! arguments, wires the library crates together and prints. The work lives
//! in the library crates (see ARCHITECTURE.md).

mod cmd;
mod context;
mod exit;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// eligo: a clinical-trial registry and eligibility engine.
#[derive(Parser)]
#[command(name = "eligo", version, about, long_about = None)]
struct Cli {
    /// SQLite file of the registry (default: the user's data directory).
    /// Ignored when DATABASE_URL names a PostgreSQL database.
    #[arg(long, global = true, env = "ELIGO_DB", value_name = "PATH")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import ClinicalTrials.gov API v2 JSON (files, directories, search pages, NDJSON, zip).
    Import(cmd::import::Args),
    /// Search the registry (full text and facets).
    Search(cmd::search::Args),
    /// Show one trial the way a trial page does.
    Show(cmd::show::Args),
    /// Trials related to one trial.
    Related(cmd::related::Args),
    /// Registry statistics.
    Stats(cmd::stats::Args),
    /// Compile a trial's eligibility criteria into rules.
    Criteria(cmd::criteria::Args),
    /// Evaluate the criteria compiler against an annotated corpus.
    Eval(cmd::eval::Args),
    /// Compute a clinical instrument score from JSON input.
    Score(cmd::score::Args),
    /// Grade laboratory values by CTCAE v5.0.
    Grade(cmd::grade::Args),
    /// Match a patient (FHIR R4 Bundle) against the registry's trials.
    Match(cmd::matching::Args),
    /// Serve the web app and HTTP API.
    Serve(cmd::serve::Args),
    /// Manage coordinator accounts of the web app.
    User(cmd::user::Args),
    /// A trial's participants: add, list, load the synthetic example.
    Participant(cmd::participant::Args),
    /// Record a participant's visit from a JSON file.
    Visit(cmd::visit::Args),
    /// Endpoints per participant and visit, or the trial summary.
    Endpoints(cmd::endpoints::Args),
    /// Dose-escalation advice by 3+3 and BOIN.
    Escalation(cmd::escalation::Args),
    /// Export a trial's participants as SDTM-shaped CSV and FHIR R4.
    Export(cmd::export::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = context::Context::new(cli.db);
    let result = match cli.command {
        Command::Import(a) => cmd::import::run(&ctx, a),
        Command::Search(a) => cmd::search::run(&ctx, a),
        Command::Show(a) => cmd::show::run(&ctx, a),
        Command::Related(a) => cmd::related::run(&ctx, a),
        Command::Stats(a) => cmd::stats::run(&ctx, a),
        Command::Criteria(a) => cmd::criteria::run(&ctx, a),
        Command::Eval(a) => cmd::eval::run(&ctx, a),
        Command::Score(a) => cmd::score::run(&ctx, a),
        Command::Grade(a) => cmd::grade::run(&ctx, a),
        Command::Match(a) => cmd::matching::run(&ctx, a),
        Command::Serve(a) => cmd::serve::run(&ctx, a),
        Command::User(a) => cmd::user::run(&ctx, a),
        Command::Participant(a) => cmd::participant::run(&ctx, a),
        Command::Visit(a) => cmd::visit::run(&ctx, a),
        Command::Endpoints(a) => cmd::endpoints::run(&ctx, a),
        Command::Escalation(a) => cmd::escalation::run(&ctx, a),
        Command::Export(a) => cmd::export::run(&ctx, a),
    };
    match result {
        Ok(code) => code,
        Err(err) => exit::report(&err),
    }
}
