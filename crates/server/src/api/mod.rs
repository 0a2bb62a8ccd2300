//! The JSON API under `/api/v1`, its OpenAPI document (`/api/openapi.json`)
//! and Swagger UI (`/api/docs`, assets vendored in the binary).
//!
//! Errors are `{"error": "...", "field": "..."}` with a 4xx status naming
//! the parameter or body field at fault. Coordinator endpoints take the
//! session token as `Authorization: Bearer TOKEN` (from `POST
//! /api/v1/sessions`) or the browser's session cookie; with the cookie,
//! writes also need the session's CSRF token in `X-CSRF-Token`.

use crate::auth::{self, Coordinator, Via};
use crate::error::ErrorBody;
use crate::params::Params;
use crate::web::ClientIp;
use crate::{AppError, AppState, matching, summary};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use eligo_search::query::SearchRequest;
use eligo_store::server::{Application, ApplicationStatus, StatusChange};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/search", get(search))
        .route("/api/v1/trials/{id}", get(trial))
        .route("/api/v1/trials/{id}/criteria", get(criteria))
        .route("/api/v1/match", post(match_patient))
        .route(
            "/api/v1/sessions",
            post(create_session).delete(delete_session),
        )
        .route("/api/v1/applications", get(list_applications))
        .route(
            "/api/v1/applications/{id}",
            get(get_application).patch(update_application),
        )
}

/// Swagger UI at `/api/docs`, the document at `/api/openapi.json`.
pub fn docs() -> Router {
    SwaggerUi::new("/api/docs")
        .url("/api/openapi.json", {
            let mut doc = ApiDoc::openapi();
            doc.merge(crate::conduct::api::ConductApi::openapi());
            doc.merge(<crate::apiv2::V2Doc as OpenApi>::openapi());
            doc
        })
        .into()
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "eligo API",
        description = "Search the trial registry, read trials and their compiled eligibility criteria, match a patient (FHIR R4 Bundle) against trials, and manage applications as a coordinator.",
        version = "1"
    ),
    paths(
        search,
        trial,
        criteria,
        match_patient,
        create_session,
        delete_session,
        list_applications,
        get_application,
        update_application
    ),
    components(schemas(
        ErrorBody,
        SearchResponse,
        HitDto,
        SnippetDto,
        FacetDto,
        TrialResponse,
        crate::record::DerivedValue,
        PlainSummary,
        RelatedDto,
        MatchResponse,
        LoginRequest,
        SessionResponse,
        ApplicationDto,
        ApplicationList,
        EventDto,
        StatusUpdate
    )),
    modifiers(&Security),
    tags(
        (name = "registry", description = "Trials, search and criteria"),
        (name = "matching", description = "Eligibility of a patient"),
        (name = "coordinators", description = "Sessions and applications (authentication required)")
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
            c.add_security_scheme(
                "session_cookie",
                SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(auth::SESSION_COOKIE))),
            );
        }
    }
}

/// The request body, or a JSON 4xx (413 when over the limit).
pub(crate) fn body(b: Result<Bytes, BytesRejection>) -> Result<Bytes, AppError> {
    b.map_err(|r| {
        let mut e = AppError::new(r.status(), r.body_text());
        e.field = Some("body".into());
        e
    })
}

pub(crate) fn json_content(headers: &HeaderMap) -> Result<(), AppError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mime = ct.split(';').next().unwrap_or("").trim();
    if mime.is_empty()
        || mime == "application/json"
        || mime == "application/fhir+json"
        || mime.ends_with("+json")
    {
        Ok(())
    } else {
        Err(AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("expected a JSON body (application/json), got {mime:?}"),
        ))
    }
}

/// A 401 that says which scheme to use.
fn unauthorized() -> Response {
    let mut r = AppError::unauthorized().into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        axum::http::HeaderValue::from_static("Bearer realm=\"eligo\""),
    );
    r
}

/// The coordinator, or the response to send instead (401; 403 for a
/// cookie-authenticated write without the CSRF header).
pub(crate) async fn require(
    state: &AppState,
    headers: &HeaderMap,
    write: bool,
) -> Result<Coordinator, Response> {
    let c = match auth::coordinator(state, headers).await {
        Ok(Some(c)) => c,
        Ok(None) => return Err(unauthorized()),
        Err(e) => return Err(e.into_response()),
    };
    if write && c.via == Via::Cookie {
        let token = headers.get(auth::CSRF_HEADER).and_then(|v| v.to_str().ok());
        auth::check_session_csrf(&c, token).map_err(IntoResponse::into_response)?;
    }
    Ok(c)
}

mod applications;
mod patient_match;
mod registry;
pub(crate) use applications::*;
pub(crate) use patient_match::*;
pub(crate) use registry::*;
