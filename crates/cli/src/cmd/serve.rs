//! `eligo serve`: the web app and HTTP API (see docs/server.md). A thin
//! wrapper: the server crate opens the registry the way this CLI does.

use crate::context::Context;
use std::net::SocketAddr;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "ELIGO_ADDR")]
    addr: SocketAddr,
    /// Send cookies without the Secure flag, for plain HTTP (local use
    /// only; behind HTTPS leave this off).
    #[arg(long, env = "ELIGO_INSECURE_COOKIES")]
    insecure_cookies: bool,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let settings = eligo_server::Settings {
        secure_cookies: !args.insecure_cookies,
        ..eligo_server::Settings::default()
    };
    rt.block_on(eligo_server::serve(eligo_server::ServeOptions {
        addr: args.addr,
        db: ctx.db.clone(),
        settings,
    }))?;
    Ok(ExitCode::SUCCESS)
}
