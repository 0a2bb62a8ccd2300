//! The conduct JSON API under `/api/v1` (docs/conduct.md): participants,
//! visits, adverse events, medications, endpoints, the trial summary,
//! dose escalation and export. Same authentication as the screening-log
//! API: a bearer token, or the session cookie with `X-CSRF-Token` on writes.

use super::service::{self, Ctx, Subject};
use super::{accept_advice, actor, as_of_param, export_file, parse_id};
use crate::api::{body, json_body, json_content, require};
use crate::auth::Coordinator;
use crate::error::ErrorBody;
use crate::params::Params;
use crate::{AppError, AppState};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post, put};
use serde_json::{Value, json};
use utoipa::OpenApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/trials/{id}/participants",
            get(list_participants).post(create_participant),
        )
        .route("/api/v1/participants/{id}", get(get_participant))
        .route("/api/v1/participants/{id}/visits/{code}", put(put_visit))
        .route(
            "/api/v1/participants/{id}/adverse-events",
            post(post_adverse_event),
        )
        .route(
            "/api/v1/participants/{id}/medications",
            post(post_medication),
        )
        .route(
            "/api/v1/records/{id}/entered-in-error",
            post(post_entered_in_error),
        )
        .route("/api/v1/records/{id}", axum::routing::patch(patch_record))
        .route("/api/v1/trials/{id}/endpoints", get(get_endpoints))
        .route("/api/v1/trials/{id}/summary", get(get_summary))
        .route(
            "/api/v1/trials/{id}/escalation",
            get(get_escalation).post(post_escalation),
        )
        .route("/api/v1/trials/{id}/export/{file}", get(get_export))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list_participants,
        create_participant,
        get_participant,
        put_visit,
        post_adverse_event,
        post_medication,
        post_entered_in_error,
        patch_record,
        get_endpoints,
        get_summary,
        get_escalation,
        post_escalation,
        get_export
    ),
    tags((name = "conduct", description = "Trial conduct: participants, visits, endpoints, safety, escalation, export (authentication required)"))
)]
pub struct ConductApi;

fn run(r: Result<Response, AppError>) -> Response {
    r.unwrap_or_else(IntoResponse::into_response)
}

async fn trial_for(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    write: bool,
) -> Result<Result<(Coordinator, Ctx), AppError>, Response> {
    let c = require(state, headers, write).await?;
    let ctx = match service::ctx(state.store(), id).await {
        Ok(Some(ctx)) => ctx,
        Ok(None) => {
            return Ok(Err(AppError::not_found(format!(
                "no trial {id:?} in the registry"
            ))));
        }
        Err(e) => return Ok(Err(e.into())),
    };
    if !c.has_trial(&ctx.trial.id) {
        return Ok(Err(AppError::forbidden(
            "you are not a coordinator of that trial",
        )));
    }
    Ok(Ok((c, ctx)))
}

async fn participant_for(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    write: bool,
) -> Result<Result<(Coordinator, Ctx, Subject), AppError>, Response> {
    let c = require(state, headers, write).await?;
    let go = async {
        let id = parse_id(id)?;
        let s = service::subject(state.store(), id)
            .await?
            .ok_or_else(|| AppError::not_found("no such participant"))?;
        if !c.has_trial(&s.row.trial_id) {
            return Err(AppError::forbidden(
                "this participant belongs to a trial you do not coordinate",
            ));
        }
        let ctx = service::ctx(state.store(), &s.row.trial_id)
            .await?
            .ok_or_else(|| AppError::not_found("the participant's trial is not in the registry"))?;
        Ok((ctx, s))
    };
    Ok(go.await.map(|(ctx, s)| (c, ctx, s)))
}

fn read_body(headers: &HeaderMap, b: Result<Bytes, BytesRejection>) -> Result<Value, AppError> {
    json_content(headers)?;
    let b = body(b)?;
    json_body::<Value>(&b)
}

/// Take a string field out of a JSON object body.
fn take(v: &mut Value, key: &str) -> Result<Option<String>, AppError> {
    match v.as_object_mut().and_then(|m| m.remove(key)) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(AppError::field(key, "expected a string")),
    }
}

fn participant_summary(ctx: &Ctx, s: &Subject, as_of: eligo_conduct::Date) -> Value {
    let t = s.timeline(ctx, as_of);
    json!({
        "id": s.row.id,
        "study_id": s.p.study_id,
        "application_id": s.row.application_id,
        "participant": s.p.to_json(),
        "visits": t.rows.iter().map(|r| json!({"code": r.code, "state": r.state, "date": r.date})).collect::<Vec<_>>(),
    })
}

/// The trial's participants with their visit states.
#[utoipa::path(get, path = "/api/v1/trials/{id}/participants", tag = "conduct",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = String, Path, description = "Trial id"), ("as_of" = Option<String>, Query, description = "YYYY-MM-DD (default today)")),
    responses((status = 200, description = "Participants", body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_participants(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let (_c, ctx) = match trial_for(&state, &headers, &id, false).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return e.into_response(),
        Err(r) => return r,
    };
    run(async {
        let p = Params::from_uri(&uri)?;
        p.only(&["as_of"], &[])?;
        let as_of = as_of_param(&p)?;
        let subjects = service::subjects(state.store(), &ctx.trial.id).await?;
        Ok(Json(json!({
            "trial_id": ctx.trial.id,
            "as_of": as_of,
            "participants": subjects.iter().map(|s| participant_summary(&ctx, s, as_of)).collect::<Vec<_>>(),
        }))
        .into_response())
    }
    .await)
}

/// Add a participant: the participant JSON, with `application_id` to link
/// an enrolled application.
#[utoipa::path(post, path = "/api/v1/trials/{id}/participants", tag = "conduct",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = String, Path, description = "Trial id")),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 201, description = "Created", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_participant(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Result<Bytes, BytesRejection>,
) -> Response {
    let (c, ctx) = match trial_for(&state, &headers, &id, true).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return e.into_response(),
        Err(r) => return r,
    };
    run(async {
        let mut v = read_body(&headers, b)?;
        let app = match v.as_object_mut().and_then(|m| m.remove("application_id")) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(n.as_i64().filter(|x| *x > 0).ok_or_else(|| {
                AppError::field("application_id", "expected a positive whole number")
            })?),
            Some(_) => return Err(AppError::field("application_id", "expected a number")),
        };
        let pid = service::add_participant(state.store(), &ctx, &v, app, &actor(&c)).await?;
        Ok((StatusCode::CREATED, Json(json!({"id": pid}))).into_response())
    }
    .await)
}

/// One participant: record, timeline with endpoints, adverse events,
/// medications, audit trail.
#[utoipa::path(get, path = "/api/v1/participants/{id}", tag = "conduct",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = i64, Path, description = "Participant id", minimum = 1), ("as_of" = Option<String>, Query, description = "YYYY-MM-DD")),
    responses((status = 200, description = "The participant", body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_participant(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let (_c, ctx, s) = match participant_for(&state, &headers, &id, false).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return e.into_response(),
        Err(r) => return r,
    };
    run(async {
        let p = Params::from_uri(&uri)?;
        p.only(&["as_of"], &[])?;
        let as_of = as_of_param(&p)?;
        let audit = state.store().conduct_audit(&ctx.trial.id, Some(s.row.id)).await?;
        Ok(Json(json!({
            "id": s.row.id,
            "trial_id": ctx.trial.id,
            "entered_in_error": s.row.error_reason,
            "participant": s.p.to_json(),
            "timeline": s.timeline(&ctx, as_of),
            "adverse_events": s.aes.iter().map(|(r, a)| {
                let g = a.graded().ok();
                json!({"id": r.id, "visit": r.visit_code, "event": a.to_json(),
                       "grade": g.as_ref().map(|g| g.grade), "scale": g.as_ref().map(|g| g.scale.clone()),
                       "explanation": g.map(|g| g.explanation)})
            }).collect::<Vec<_>>(),
            "medications": s.cms.iter().map(|(r, c)| json!({"id": r.id, "visit": r.visit_code, "medication": c.to_json()})).collect::<Vec<_>>(),
            "audit": audit.iter().map(|a| json!({"at": a.at, "actor": a.actor, "record": a.record_kind, "record_id": a.record_id,
                "action": a.action, "field": a.field, "old": a.old_value, "new": a.new_value, "reason": a.reason})).collect::<Vec<_>>(),
        }))
        .into_response())
    }
    .await)
}

/// Record a visit (the `eligo visit record` file), with `reason` when it
/// changes a recorded visit.
#[utoipa::path(put, path = "/api/v1/participants/{id}/visits/{code}", tag = "conduct",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = i64, Path, description = "Participant id", minimum = 1), ("code" = String, Path, description = "BL, M1..., U1..."),
           ("X-CSRF-Token" = Option<String>, Header, description = "With cookie authentication")),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 200, description = "Recorded", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn put_visit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, code)): Path<(String, String)>,
    b: Result<Bytes, BytesRejection>,
) -> Response {
    let (c, ctx, s) = match participant_for(&state, &headers, &id, true).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return e.into_response(),
        Err(r) => return r,
    };
    run(async {
        let mut v = read_body(&headers, b)?;
        let reason = take(&mut v, "reason")?;
        let r = service::record_visit(
            state.store(),
            &ctx,
            &s,
            &code,
            &v,
            reason.as_deref(),
            service::today(),
            &actor(&c),
        )
        .await?;
        Ok(Json(r).into_response())
    }
    .await)
}

async fn post_record(
    state: AppState,
    headers: HeaderMap,
    id: String,
    b: Result<Bytes, BytesRejection>,
    ae: bool,
) -> Response {
    let (c, _ctx, s) = match participant_for(&state, &headers, &id, true).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return e.into_response(),
        Err(r) => return r,
    };
    run(async {
        let mut v = read_body(&headers, b)?;
        let visit = take(&mut v, "visit")?;
        let a = actor(&c);
        let rid = if ae {
            service::add_adverse_event(state.store(), &s, &v, visit.as_deref(), &a).await?
        } else {
            service::add_medication(state.store(), &s, &v, visit.as_deref(), &a).await?
        };
        Ok((StatusCode::CREATED, Json(json!({"id": rid}))).into_response())
    }
    .await)
}

/// Add an adverse event (`visit`: the visit it was reported at).
#[utoipa::path(post, path = "/api/v1/participants/{id}/adverse-events", tag = "conduct",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = i64, Path, description = "Participant id", minimum = 1)),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 201, description = "Created", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn post_adverse_event(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Result<Bytes, BytesRejection>,
) -> Response {
    post_record(state, headers, id, b, true).await
}

/// Add a concomitant medication.
#[utoipa::path(post, path = "/api/v1/participants/{id}/medications", tag = "conduct",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = i64, Path, description = "Participant id", minimum = 1)),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 201, description = "Created", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn post_medication(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Result<Bytes, BytesRejection>,
) -> Response {
    post_record(state, headers, id, b, false).await
}

/// The record `id` names, if it belongs to a trial the coordinator works on.
async fn own_record(
    state: &AppState,
    c: &Coordinator,
    id: &str,
) -> Result<(i64, eligo_store::conduct::RecordRow), AppError> {
    let rid = parse_id(id)?;
    let row = state
        .store()
        .record(rid)
        .await?
        .ok_or_else(|| AppError::not_found("no such record"))?;
    if !c.has_trial(&row.trial_id) {
        return Err(AppError::forbidden(
            "this record belongs to a trial you do not coordinate",
        ));
    }
    Ok((rid, row))
}

/// Mark a visit, adverse event or medication entered in error:
/// `{"reason": "..."}`. Nothing is deleted.
#[utoipa::path(post, path = "/api/v1/records/{id}/entered-in-error", tag = "conduct",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = i64, Path, description = "Record id", minimum = 1)),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 204, description = "Marked"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn post_entered_in_error(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Result<Bytes, BytesRejection>,
) -> Response {
    let c = match require(&state, &headers, true).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    run(async {
        let (rid, _) = own_record(&state, &c, &id).await?;
        let mut v = read_body(&headers, b)?;
        let reason = take(&mut v, "reason")?;
        if let Some(k) = v.as_object().and_then(|m| m.keys().next()) {
            return Err(AppError::field(
                k.clone(),
                "unknown field (expected reason)",
            ));
        }
        service::record_in_error(state.store(), rid, reason.as_deref(), &actor(&c)).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }
    .await)
}

/// Change an adverse event or medication: the whole record as it should
/// be, with `reason` (audited field by field). Visits change through
/// `PUT .../visits/{code}`.
#[utoipa::path(patch, path = "/api/v1/records/{id}", tag = "conduct",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = i64, Path, description = "Record id", minimum = 1)),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 204, description = "Changed"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn patch_record(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Result<Bytes, BytesRejection>,
) -> Response {
    let c = match require(&state, &headers, true).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    run(async {
        let (_, row) = own_record(&state, &c, &id).await?;
        let mut v = read_body(&headers, b)?;
        let reason = take(&mut v, "reason")?;
        service::change_record(state.store(), &row, &v, reason.as_deref(), &actor(&c)).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }
    .await)
}

/// Endpoints per participant and follow-up visit, as JSON or CSV.
#[utoipa::path(get, path = "/api/v1/trials/{id}/endpoints", tag = "conduct",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = String, Path, description = "Trial id"), ("as_of" = Option<String>, Query, description = "YYYY-MM-DD"),
           ("format" = Option<String>, Query, description = "json (default) or csv")),
    responses((status = 200, description = "Endpoint rows", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_endpoints(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let (_c, ctx) = match trial_for(&state, &headers, &id, false).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return e.into_response(),
        Err(r) => return r,
    };
    run(async {
        let p = Params::from_uri(&uri)?;
        p.only(&["as_of", "format"], &[])?;
        let as_of = as_of_param(&p)?;
        let file = match p.get("format").unwrap_or("json") {
            "json" => "endpoints.json",
            "csv" => "endpoints.csv",
            _ => return Err(AppError::field("format", "json or csv")),
        };
        download(&state, &ctx, file, as_of).await
    }
    .await)
}

async fn download(
    state: &AppState,
    ctx: &Ctx,
    file: &str,
    as_of: eligo_conduct::Date,
) -> Result<Response, AppError> {
    let (body, ct) = export_file(state, ctx, file, as_of).await?;
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    Ok(r)
}

/// The trial summary: responders with exact intervals, the AE table,
/// CRS/ICANS incidence, per dose level.
#[utoipa::path(get, path = "/api/v1/trials/{id}/summary", tag = "conduct",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = String, Path, description = "Trial id"), ("as_of" = Option<String>, Query, description = "YYYY-MM-DD")),
    responses((status = 200, description = "Summary", body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_summary(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let (_c, ctx) = match trial_for(&state, &headers, &id, false).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return e.into_response(),
        Err(r) => return r,
    };
    run(async {
        let p = Params::from_uri(&uri)?;
        p.only(&["as_of"], &[])?;
        let as_of = as_of_param(&p)?;
        let subjects = service::subjects(state.store(), &ctx.trial.id).await?;
        Ok(Json(service::summary(&ctx, &subjects, as_of)).into_response())
    }
    .await)
}

/// DLT counts per dose level and the next step by 3+3 and BOIN.
#[utoipa::path(get, path = "/api/v1/trials/{id}/escalation", tag = "conduct",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = String, Path, description = "Trial id"), ("as_of" = Option<String>, Query, description = "YYYY-MM-DD")),
    responses((status = 200, description = "Escalation", body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_escalation(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let (_c, ctx) = match trial_for(&state, &headers, &id, false).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return e.into_response(),
        Err(r) => return r,
    };
    run(async {
        let p = Params::from_uri(&uri)?;
        p.only(&["as_of"], &[])?;
        let as_of = as_of_param(&p)?;
        let subjects = service::subjects(state.store(), &ctx.trial.id).await?;
        let decisions: Vec<Value> = state
            .store()
            .decisions(&ctx.trial.id)
            .await?
            .into_iter()
            .map(|d| json!({"id": d.id, "design": d.design, "advice": serde_json::from_str::<Value>(&d.advice_json).unwrap_or(Value::Null), "note": d.note, "accepted_by": d.actor, "at": d.at}))
            .collect();
        Ok(Json(json!({"escalation": service::escalation(&ctx, &subjects, as_of), "accepted": decisions})).into_response())
    }
    .await)
}

/// Accept the current advice: `{"design": "3+3" | "BOIN", "note": "..."}`.
#[utoipa::path(post, path = "/api/v1/trials/{id}/escalation", tag = "conduct",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = String, Path, description = "Trial id")),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 201, description = "Recorded", body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn post_escalation(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Result<Bytes, BytesRejection>,
) -> Response {
    let (c, ctx) = match trial_for(&state, &headers, &id, true).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return e.into_response(),
        Err(r) => return r,
    };
    run(async {
        let mut v = read_body(&headers, b)?;
        let design = take(&mut v, "design")?;
        let note = take(&mut v, "note")?;
        if let Some(k) = v.as_object().and_then(|m| m.keys().next()) {
            return Err(AppError::field(
                k.clone(),
                "unknown field (expected design, note)",
            ));
        }
        let id = accept_advice(&state, &c, &ctx, design.as_deref(), note.as_deref()).await?;
        Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
    }
    .await)
}

/// Export: `DM.csv`, `EX.csv`, `VS.csv`, `LB.csv`, `QS.csv`, `AE.csv`,
/// `SUPPAE.csv`, `CM.csv` (SDTM-shaped) or `fhir.json` (FHIR R4 Bundle).
#[utoipa::path(get, path = "/api/v1/trials/{id}/export/{file}", tag = "conduct",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = String, Path, description = "Trial id"), ("file" = String, Path, description = "DM.csv ... CM.csv, fhir.json")),
    responses((status = 200, description = "The file", body = String), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let (_c, ctx) = match trial_for(&state, &headers, &id, false).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return e.into_response(),
        Err(r) => return r,
    };
    run(download(&state, &ctx, &file, service::today()).await)
}
