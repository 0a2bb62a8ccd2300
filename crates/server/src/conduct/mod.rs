//! Trial conduct for coordinators: participants, visits, adverse events,
//! medications, endpoints, the trial summary, dose escalation and export,
//! as pages ([`pages`]) and JSON API ([`api`]), over the shared
//! [`service`]. The domain logic is eligo-conduct's; storage is the
//! store's. Every route needs a coordinator of the trial (403 without data
//! otherwise), and every write a CSRF token (forms) or header (cookie API
//! calls).

pub mod api;
mod chart;
mod forms;
mod pages;
pub mod service;

use crate::auth::Coordinator;
use crate::params::Params;
use crate::{AppError, AppState};
use axum::Router;
use axum::routing::{get, post};
use eligo_conduct::Date;
use eligo_store::conduct::Actor;
use service::Ctx;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/coordinator/trials/{id}/conduct",
            get(pages::trial_home).post(pages::add_participant),
        )
        .route("/coordinator/trials/{id}/summary", get(pages::summary))
        .route(
            "/coordinator/trials/{id}/escalation",
            get(pages::escalation).post(pages::accept),
        )
        .route(
            "/coordinator/trials/{id}/conduct/settings",
            get(pages::settings).post(pages::save_settings),
        )
        .route("/coordinator/trials/{id}/export/{file}", get(pages::export))
        .route(
            "/coordinator/participants/{id}",
            get(pages::participant).post(pages::change_participant),
        )
        .route(
            "/coordinator/participants/{id}/adverse-events",
            post(pages::add_ae),
        )
        .route(
            "/coordinator/participants/{id}/medications",
            post(pages::add_cm),
        )
        .route(
            "/coordinator/participants/{id}/entered-in-error",
            post(pages::participant_error),
        )
        .route(
            "/coordinator/participants/{id}/records/entered-in-error",
            post(pages::record_error),
        )
        .route(
            "/coordinator/participants/{id}/visits/{code}",
            get(pages::visit_form).post(pages::visit_save),
        )
        .merge(api::routes())
}

/// The audit actor of a coordinator.
pub(crate) fn actor(c: &Coordinator) -> Actor {
    Actor {
        user_id: Some(c.user_id),
        name: c.email.clone(),
    }
}

/// `as_of=YYYY-MM-DD` (default today).
pub(crate) fn as_of_param(p: &Params) -> Result<Date, AppError> {
    match p.get("as_of") {
        None => Ok(service::today()),
        Some(s) => eligo_conduct::input::parse_date(s)
            .ok_or_else(|| AppError::field("as_of", "expected a date YYYY-MM-DD")),
    }
}

pub(crate) fn parse_id(s: &str) -> Result<i64, AppError> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::field("id", "expected a positive whole number"))
}

/// Accept the current advice of `design` (`3+3` or `BOIN`) for the trial.
pub(crate) async fn accept_advice(
    state: &AppState,
    c: &Coordinator,
    ctx: &Ctx,
    design: Option<&str>,
    note: Option<&str>,
) -> Result<i64, AppError> {
    if ctx.levels.len() < 2 {
        return Err(AppError::field(
            "design",
            "this trial's record has no dose levels to escalate through",
        ));
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 500) {
        return Err(AppError::field("note", "longer than 500 characters"));
    }
    let subjects = service::subjects(state.store(), &ctx.trial.id).await?;
    let e = service::escalation(ctx, &subjects, service::today());
    let d = match design {
        Some("3+3") => &e.three_plus_three,
        Some("BOIN") => &e.boin,
        _ => return Err(AppError::field("design", "one of 3+3, BOIN")),
    };
    let advice = serde_json::json!({
        "advice": d.advice,
        "action": d.action,
        "rule": d.rule,
        "levels": e.levels,
        "dlt_window_days": e.dlt_window_days,
        "target": e.target,
        "as_of": e.as_of,
    });
    Ok(state
        .store()
        .accept_decision(
            &ctx.trial.id,
            d.design,
            &advice.to_string(),
            note,
            &actor(c),
        )
        .await?)
}

/// An export file of the trial: `DM.csv` ... `CM.csv`, `fhir.json`,
/// `endpoints.csv`, `endpoints.json`; body and content type.
pub(crate) async fn export_file(
    state: &AppState,
    ctx: &Ctx,
    file: &str,
    as_of: Date,
) -> Result<(String, &'static str), AppError> {
    let subjects = service::subjects(state.store(), &ctx.trial.id).await?;
    if let Some(kind) = file.strip_prefix("endpoints.") {
        let rows = service::endpoint_rows(ctx, &subjects, as_of);
        return match kind {
            "csv" => Ok((service::endpoints_csv(&rows), "text/csv; charset=utf-8")),
            "json" => Ok((endpoints_json(&rows).to_string(), "application/json")),
            _ => Err(AppError::not_found("no such export")),
        };
    }
    let (datasets, bundle) = service::export(ctx, &subjects);
    if file == "fhir.json" {
        return Ok((bundle.to_string(), "application/fhir+json"));
    }
    let name = file.strip_suffix(".csv").unwrap_or("");
    datasets
        .iter()
        .find(|d| d.name == name)
        .map(|d| (d.to_csv(), "text/csv; charset=utf-8"))
        .ok_or_else(|| {
            AppError::not_found(
                "no such export: DM, EX, VS, LB, QS, AE, SUPPAE, CM (.csv), fhir.json, endpoints.csv, endpoints.json",
            )
        })
}

/// The endpoint rows as JSON objects.
pub fn endpoints_json(rows: &[Vec<serde_json::Value>]) -> serde_json::Value {
    serde_json::Value::Array(
        rows.iter()
            .map(|r| {
                serde_json::Value::Object(
                    service::ENDPOINT_COLUMNS
                        .iter()
                        .zip(r)
                        .map(|(k, v)| (k.to_string(), v.clone()))
                        .collect(),
                )
            })
            .collect(),
    )
}
