//! What the conduct commands share: the operator named for the audit
//! trail, opening a trial's conduct context, and mapping errors to exit
//! codes.

use crate::context::Context;
use crate::exit::Coded;
use eligo_server::conduct::service::{self, Ctx, ServiceError};
use eligo_store::conduct::Actor;

/// `--as EMAIL` (or `ELIGO_USER`): the coordinator the audit trail names.
#[derive(clap::Args, Clone)]
pub struct As {
    /// The coordinator acting (their email; must coordinate the trial).
    #[arg(long = "as", env = "ELIGO_USER", value_name = "EMAIL")]
    pub email: String,
}

/// The actor, checked to be a coordinator of `trial`.
pub fn actor(ctx: &Context, who: &As, trial: &str) -> anyhow::Result<Actor> {
    let reg = ctx.registry()?;
    let email = eligo_server::auth::normalize_email(&who.email)
        .ok_or_else(|| Coded::usage(format!("--as {:?} is not an email address", who.email)))?;
    let user = reg
        .block_on(reg.store.user_by_email(&email))?
        .ok_or_else(|| {
            Coded::invalid_input(format!(
                "{email} has no account (create it with `eligo user add`)"
            ))
        })?;
    if !user.trials.iter().any(|t| t == trial) {
        return Err(Coded::invalid_input(format!(
            "{email} is not a coordinator of {trial} (`eligo user add --email {email} --trial {trial}`)"
        )));
    }
    Ok(Actor {
        user_id: Some(user.id),
        name: email,
    })
}

pub fn trial_ctx(ctx: &Context, id: &str) -> anyhow::Result<Ctx> {
    let reg = ctx.registry()?;
    let t = ctx
        .trial(id)?
        .ok_or_else(|| crate::cmd::show::not_found(id))?;
    reg.block_on(service::ctx(&reg.store, &t.id))
        .map_err(err)?
        .ok_or_else(|| crate::cmd::show::not_found(id))
}

/// Service errors as exit codes: invalid input 3, not found 4, others 1.
pub fn err(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid(f) => Coded::invalid_input(f.to_string()),
        ServiceError::NotFound(m) => Coded::not_found(m),
        ServiceError::Conflict(m) => Coded::invalid_input(m),
        ServiceError::Store(s) => anyhow::Error::new(s),
    }
}

/// `--as-of YYYY-MM-DD` or today.
pub fn as_of(s: Option<&str>) -> anyhow::Result<eligo_conduct::Date> {
    match s {
        None => Ok(service::today()),
        Some(s) => eligo_conduct::input::parse_date(s)
            .ok_or_else(|| Coded::usage(format!("--as-of {s:?}: expected YYYY-MM-DD"))),
    }
}
