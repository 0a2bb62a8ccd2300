//! The coordinator's conduct pages: a trial's participants and schedule,
//! a participant's timeline, the visit form, the trial summary, dose
//! escalation, settings and export downloads.

use super::forms::{self, LAB_ROWS};
use super::service::{self, Ctx, ServiceError, Subject};
use super::{actor, as_of_param, chart};
use crate::auth::{self, Coordinator};
use crate::params::{Params, encode};
use crate::web::{Nav, PageError, PageResult, form, form_page, page, to_login, who};
use crate::{AppError, AppState};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use eligo_conduct::Date;
use eligo_conduct::data::{ATTESTATIONS, FREQUENCIES, RELATEDNESS, ROUTES, VITALS};
use eligo_conduct::endpoints::{BINARY_ENDPOINTS, Binary, VisitRow};
use eligo_conduct::schedule::{BASELINE, VisitState};
use eligo_instruments::{astct_crs, astct_icans, bilag2004, sdi, sledai2k};
use serde_json::Value;

async fn coordinator_of(
    state: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
    trial: &str,
) -> Result<Result<(Nav, Coordinator, Ctx), Response>, PageError> {
    let (nav, c) = who(state, headers).await?;
    let Some(c) = c else {
        return Ok(Err(to_login(uri)));
    };
    let ctx = service::ctx(state.store(), trial)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no trial {trial:?} in the registry")))?;
    if !c.has_trial(&ctx.trial.id) {
        return Err(AppError::forbidden("you are not a coordinator of that trial").into());
    }
    Ok(Ok((nav, c, ctx)))
}

/// The participant, its trial context, after checking the coordinator.
async fn participant_of(
    state: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
    id: &str,
) -> Result<Result<(Nav, Coordinator, Ctx, Subject), Response>, PageError> {
    let (nav, c) = who(state, headers).await?;
    let Some(c) = c else {
        return Ok(Err(to_login(uri)));
    };
    let id = super::parse_id(id)?;
    let s = service::subject(state.store(), id)
        .await?
        .ok_or_else(|| AppError::not_found("no such participant"))?;
    if !c.has_trial(&s.row.trial_id) {
        return Err(AppError::forbidden(
            "this participant belongs to a trial you do not coordinate",
        )
        .into());
    }
    let ctx = service::ctx(state.store(), &s.row.trial_id)
        .await?
        .ok_or_else(|| {
            AppError::not_found("the participant's trial is no longer in the registry")
        })?;
    Ok(Ok((nav, c, ctx, s)))
}

fn yn(b: &Binary) -> (&'static str, &'static str) {
    match b.value {
        Some(true) => ("yes", "met"),
        Some(false) => ("no", "not-met"),
        None => ("missing", "unknown-status"),
    }
}

fn state_class(s: VisitState) -> &'static str {
    match s {
        VisitState::Done => "met",
        VisitState::DoneOutOfWindow => "confirm",
        VisitState::Due => "soon",
        VisitState::Overdue => "paused",
        VisitState::Missed => "not-met",
        VisitState::Upcoming => "unknown",
    }
}

fn d(x: Option<Date>) -> String {
    x.map(|d| d.to_string()).unwrap_or_default()
}

fn dec(x: Option<rust_decimal::Decimal>) -> String {
    x.map(|d| d.normalize().to_string()).unwrap_or_default()
}

mod participant;
mod summary;
mod trial;
mod visit;
pub(crate) use participant::*;
pub(crate) use summary::*;
pub(crate) use trial::*;
pub(crate) use visit::*;
