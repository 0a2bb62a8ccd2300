//! `eligo user add`: create a coordinator account attached to trials, for
//! the web app's screening log (see docs/server.md).

use crate::context::Context;
use crate::exit::Coded;
use eligo_store::server::CreateUser;
use std::io::BufRead;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Create a coordinator (or attach an existing one to more trials).
    Add(AddArgs),
}

#[derive(clap::Args)]
struct AddArgs {
    /// The coordinator's email (the login name).
    #[arg(long)]
    email: String,
    /// A trial the coordinator works on (repeat for several).
    #[arg(long = "trial", value_name = "ID", required = true)]
    trials: Vec<String>,
    /// Read the password from the first line of standard input; without
    /// it a random password is generated and printed once.
    #[arg(long)]
    password_stdin: bool,
}

const MIN_PASSWORD: usize = 12;

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let Command::Add(a) = args.command;
    let email = eligo_server::auth::normalize_email(&a.email)
        .ok_or_else(|| Coded::usage(format!("{:?} is not an email address", a.email)))?;
    let mut trials = Vec::new();
    for id in &a.trials {
        let t = ctx
            .trial(id)?
            .ok_or_else(|| crate::cmd::show::not_found(id))?;
        if !trials.contains(&t.id) {
            trials.push(t.id);
        }
    }
    let (password, generated) = if a.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let p = line.trim_end_matches(['\r', '\n']).to_string();
        if p.chars().count() < MIN_PASSWORD {
            return Err(Coded::invalid_input(format!(
                "the password must have at least {MIN_PASSWORD} characters"
            )));
        }
        (Some(p), false)
    } else {
        (None, true)
    };
    let reg = ctx.registry()?;
    if let Some(u) = reg.block_on(reg.store.user_by_email(&email))? {
        if a.password_stdin {
            return Err(Coded::invalid_input(format!(
                "{email} already has an account; its password was not changed"
            )));
        }
        reg.block_on(reg.store.add_user_trials(u.id, &trials))?;
        println!(
            "{email} already had an account; it now also coordinates {}",
            trials.join(", ")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let password = match password {
        Some(p) => p,
        None => eligo_server::auth::random_token()
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .chars()
            .take(24)
            .collect(),
    };
    let hash = eligo_server::auth::hash_password(&password).map_err(|e| anyhow::anyhow!(e))?;
    match reg.block_on(reg.store.create_user(&email, &hash, &trials))? {
        CreateUser::Created(id) => {
            println!(
                "created coordinator {email} (id {id}) for {}",
                trials.join(", ")
            );
            if generated {
                println!("password (shown once): {password}");
            }
            Ok(ExitCode::SUCCESS)
        }
        CreateUser::EmailTaken => Err(Coded::invalid_input(format!(
            "{email} already has an account"
        ))),
    }
}
