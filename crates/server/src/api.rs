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

// ---------------------------------------------------------------------------
// Registry

#[derive(Serialize, ToSchema)]
pub struct SnippetDto {
    /// summary, criteria, description, conditions or title.
    pub field: String,
    pub text: String,
    /// Byte ranges `[start, end)` of `text` that matched.
    pub highlights: Vec<Vec<u64>>,
}

#[derive(Serialize, ToSchema)]
pub struct HitDto {
    pub id: String,
    pub title: String,
    /// Overall status code, e.g. RECRUITING; absent when the record states
    /// none (a trial known here by id and title only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The record is known only in part (e.g. by id and title); such hits
    /// rank below the others.
    pub partial: bool,
    pub phases: Vec<String>,
    pub score: f32,
    pub snippet: Option<SnippetDto>,
    /// The trial's page.
    pub url: String,
    /// Kilometres from `near` to the trial's nearest located site (any
    /// site status), when `near` is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct FacetDto {
    pub value: String,
    pub count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResponse {
    /// Trials matching (not only this page).
    pub total: u64,
    pub limit: u64,
    pub offset: u64,
    pub hits: Vec<HitDto>,
    /// Per dimension (status, phase, study_type, condition, antigen, sex, country).
    pub facets: BTreeMap<String, Vec<FacetDto>>,
    /// A close spelling of the query's words when some appear in no
    /// trial ("lupis" → "lupus"); search again with it to use it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
    /// The place `near` was read as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near: Option<String>,
}

/// Search parameters taking one value; `status` and `phase` repeat.
const SEARCH_PARAMS: &[&str] = &[
    "q",
    "type",
    "condition",
    "antigen",
    "age",
    "sex",
    "country",
    "limit",
    "offset",
    "near",
    "within",
    "sort",
];

/// Full-text search with filters and facet counts.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "registry",
    params(
        ("q" = Option<String>, Query, description = "Words to search for; empty lists every trial passing the filters", max_length = 500),
        ("status" = Option<Vec<String>>, Query, description = "Overall status code (repeat for any of several), e.g. RECRUITING", explode = true),
        ("phase" = Option<Vec<String>>, Query, description = "Phase code (repeat), e.g. PHASE1", explode = true),
        ("type" = Option<String>, Query, description = "Study type: INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS"),
        ("condition" = Option<String>, Query, description = "Words of a condition, as a phrase", max_length = 200),
        ("antigen" = Option<String>, Query, description = "Target antigen, e.g. CD19", max_length = 200),
        ("age" = Option<f64>, Query, description = "A patient's age in years: trials whose range includes it", minimum = 0, maximum = 150),
        ("sex" = Option<String>, Query, description = "female or male: trials open to it"),
        ("country" = Option<String>, Query, description = "A country with a site", max_length = 200),
        ("limit" = Option<u32>, Query, description = "Hits per page (default 20)", minimum = 1, maximum = 100),
        ("offset" = Option<u32>, Query, description = "Hits to skip (default 0)", minimum = 0, maximum = 10000),
        ("near" = Option<String>, Query, description = "A place (town or city in any script, \"Paris, Texas\", or \"lat,lon\") to measure distances from", max_length = 200),
        ("within" = Option<String>, Query, description = "Only trials with a located site this close to `near`, e.g. 200km or 50mi", max_length = 40),
        ("sort" = Option<String>, Query, description = "relevance (default), recruiting (recruiting first), nearest (needs `near`) or updated (last updated first)")
    ),
    responses(
        (status = 200, description = "Hits, total and facets", body = SearchResponse),
        (status = 400, description = "A malformed parameter (named in `field`)", body = ErrorBody)
    )
)]
pub async fn search(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<SearchResponse>, AppError> {
    let p = Params::from_uri(&uri)?;
    p.only(SEARCH_PARAMS, &["status", "phase"])?;
    let q = p.text("q")?.unwrap_or_default();
    if q.chars().count() > 500 {
        return Err(AppError::field("q", "longer than 500 characters"));
    }
    let filters = p.filters()?;
    let limit = p.usize_in("limit", 20, 1, 100)?;
    let offset = p.usize_in("offset", 0, 0, 10_000)?;
    let (how, near) = crate::find::page::api_arrangement(&p)?;
    state.catalog().await?;
    let did_you_mean = state.index().suggest(&q)?;
    let res = state.index().search_arranged(
        &SearchRequest {
            query: q,
            filters,
            limit,
            offset,
            facet_limit: 20,
        },
        &how,
    )?;
    Ok(Json(SearchResponse {
        did_you_mean,
        near,
        total: res.total as u64,
        limit: limit as u64,
        offset: offset as u64,
        hits: res
            .hits
            .into_iter()
            .map(|h| HitDto {
                url: crate::web::trial_href(&h.id),
                id: h.id,
                title: h.title,
                status: h.status,
                partial: h.partial,
                phases: h.phases,
                score: if h.score.is_finite() { h.score } else { 0.0 },
                distance_km: h.distance_km,
                snippet: h.snippet.map(|s| SnippetDto {
                    field: s.field,
                    text: s.text,
                    highlights: s
                        .highlights
                        .iter()
                        .map(|[a, b]| vec![*a as u64, *b as u64])
                        .collect(),
                }),
            })
            .collect(),
        facets: res
            .facets
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    v.into_iter()
                        .map(|f| FacetDto {
                            value: f.value,
                            count: f.count,
                        })
                        .collect(),
                )
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PlainSummary {
    pub text: String,
    /// Flesch-Kincaid grade of `text` (at most 9).
    pub grade: f64,
}

#[derive(Serialize, ToSchema)]
pub struct RelatedDto {
    pub id: String,
    pub title: Option<String>,
    pub status: Option<String>,
    /// `listed` by the record, or `similar`.
    pub source: String,
    pub in_registry: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TrialResponse {
    /// The trial record (eligo's Trial model, see docs/cli.md `show --format
    /// json`) holding only what the source states: the values eligo derived
    /// are in `derived`; `trial.provenance` notes labels eligo inferred.
    #[schema(value_type = Object)]
    pub trial: serde_json::Value,
    /// Values eligo derived from other text of the record (a condition from
    /// the title, dose levels from a description), with how.
    pub derived: Vec<crate::record::DerivedValue>,
    pub plain_summary: PlainSummary,
    /// Patients who applied through eligo.
    pub applications: u64,
    pub related: Vec<RelatedDto>,
    pub url: String,
}

/// One trial as its page shows it.
#[utoipa::path(
    get,
    path = "/api/v1/trials/{id}",
    tag = "registry",
    params(("id" = String, Path, description = "NCT id or eligo local id", max_length = 64)),
    responses(
        (status = 200, description = "The trial", body = TrialResponse),
        (status = 404, description = "No such trial", body = ErrorBody)
    )
)]
pub async fn trial(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Json<TrialResponse>, AppError> {
    Params::none(&uri)?;
    let t = &state.trial_record(&id).await?;
    let s = summary::summarize(t);
    let related = state
        .index()
        .related(t, 8)?
        .into_iter()
        .map(|r| RelatedDto {
            id: r.id,
            title: r.title,
            status: r.status,
            source: match r.source {
                eligo_search::RelatedSource::Listed => "listed".into(),
                eligo_search::RelatedSource::Similar => "similar".into(),
            },
            in_registry: r.in_registry,
        })
        .collect();
    let (trial, derived) = crate::record::split(t).map_err(AppError::internal)?;
    Ok(Json(TrialResponse {
        trial,
        derived,
        plain_summary: PlainSummary {
            text: s.text,
            grade: (s.grade * 10.0).round() / 10.0,
        },
        applications: state.store().application_count(&t.id).await?,
        related,
        url: crate::web::trial_href(&t.id),
    }))
}

/// The trial's eligibility compiled into rules (docs/criteria.md).
#[utoipa::path(
    get,
    path = "/api/v1/trials/{id}/criteria",
    tag = "registry",
    params(("id" = String, Path, description = "NCT id or eligo local id", max_length = 64)),
    responses(
        (status = 200, description = "CompiledCriteria: every criterion with its rules, span, and what is not computable", body = Object),
        (status = 404, description = "No such trial", body = ErrorBody)
    )
)]
pub async fn criteria(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, AppError> {
    Params::none(&uri)?;
    let mut compiled = state.trial(&id).await?.rules.compiled.clone();
    eligo_criteria::annotate(&mut compiled);
    Ok(Json(compiled).into_response())
}

// ---------------------------------------------------------------------------
// Matching

#[derive(Serialize, ToSchema)]
pub struct MatchResponse {
    pub as_of: String,
    /// The place `near` was read as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near: Option<String>,
    pub patient_id: String,
    /// Parts of the record that were read but not used, with reasons.
    #[schema(value_type = Vec<Object>)]
    pub ignored: Vec<serde_json::Value>,
    /// TrialMatch objects, ranked (see docs/cli.md `match --format json`);
    /// serialised as they are, without a `serde_json::Value` in between
    /// (50 matches with their evidence are megabytes).
    #[schema(value_type = Vec<Object>)]
    pub matches: Vec<MatchOut>,
}

/// A match as the API answers it: the `TrialMatch`, and with `near` its
/// nearest site.
#[derive(Serialize)]
pub struct MatchOut {
    #[serde(flatten)]
    pub m: eligo_model::TrialMatch,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest_site: Option<crate::find::sites::Nearest>,
}

/// Match a patient against the registry, as `eligo match` does; by default
/// over the trials about the patient's conditions that accept patients.
#[utoipa::path(
    post,
    path = "/api/v1/match",
    tag = "matching",
    params(
        ("as_of" = Option<String>, Query, description = "Screening date YYYY-MM-DD (default today)", format = Date),
        ("trial" = Option<Vec<String>>, Query, description = "Only these trial ids (repeat)", explode = true),
        ("all" = Option<bool>, Query, description = "Every trial, whatever its status or conditions, and partial records (default: the trials about the patient's conditions that accept patients: recruiting, not yet recruiting, enrolling by invitation, available)"),
        ("limit" = Option<u32>, Query, description = "At most this many matches (default 50)", minimum = 1, maximum = 500),
        ("near" = Option<String>, Query, description = "Where the patient is (town or city in any script, or \"lat,lon\"): each match gains `nearest_site` (the nearest recruiting site by its own status, and the nearest of any status) and matches are ordered eligible first, then by that distance", max_length = 200),
        ("within" = Option<String>, Query, description = "With `near`: only trials with a site this close (200km, 50mi); a trial whose only sites this close are not recruiting is kept and says so", max_length = 40)
    ),
    request_body(content = Object, description = "A FHIR R4 Bundle (or Patient, or eligo's plain patient JSON)", content_type = "application/json"),
    responses(
        (status = 200, description = "Verdicts with reasons, criterion by criterion", body = MatchResponse),
        (status = 400, description = "Malformed parameter or record", body = ErrorBody),
        (status = 413, description = "Body larger than the limit (2 MiB)", body = ErrorBody)
    )
)]
pub async fn match_patient(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<MatchResponse>, AppError> {
    let p = Params::from_uri(&uri)?;
    p.only(&["as_of", "all", "limit", "near", "within"], &["trial"])?;
    let (how, near_label) = crate::find::page::api_arrangement(&p)?;
    let as_of = p.date("as_of")?.unwrap_or_else(matching::today);
    let all = p.bool("all")?;
    let limit = p.usize_in("limit", 50, 1, 500)?;
    let trial_ids: Vec<String> = p
        .all("trial")
        .iter()
        .map(|s| s.trim().to_string())
        .collect();
    if trial_ids.len() > 200 {
        return Err(AppError::field("trial", "at most 200 trial ids"));
    }
    json_content(&headers)?;
    let b = body(b)?;
    let text = std::str::from_utf8(&b).map_err(|_| AppError::field("body", "not UTF-8"))?;
    if text.trim().is_empty() {
        return Err(AppError::field("body", "empty; send a FHIR R4 Bundle"));
    }
    let facts = matching::read_patient(text).map_err(|e| AppError::field("body", e))?;
    let cat = state.catalog().await?;
    let mut ids: Vec<String> = Vec::with_capacity(trial_ids.len());
    for id in &trial_ids {
        match cat.resolve(id) {
            Some(id) => ids.push(id.to_string()),
            None => {
                return Err(AppError::field(
                    "trial",
                    format!("no trial {id:?} in the registry"),
                ));
            }
        }
    }
    let choice = if !ids.is_empty() {
        crate::catalog::Choice::Named(ids)
    } else if all {
        crate::catalog::Choice::All
    } else {
        crate::catalog::Choice::Open
    };
    let matches = state
        .match_patient(
            facts.clone(),
            as_of,
            choice,
            if how.origin().is_some() {
                10_000
            } else {
                limit
            },
        )
        .await?;
    let mut out = Vec::new();
    match how.origin() {
        None => {
            out.extend(matches.into_iter().take(limit).map(|m| MatchOut {
                m,
                nearest_site: None,
            }));
        }
        Some(from) => {
            let mut rows = Vec::new();
            for m in matches {
                let t = state.trial_record(&m.trial_id).await?;
                let n = crate::find::sites::nearest(&t, from);
                if let Some(c) = how.near {
                    let inside = |s: &Option<crate::find::sites::SiteDistance>| {
                        s.as_ref().is_some_and(|s| c.radius.covers_km(s.km))
                    };
                    if !inside(&n.recruiting) && !inside(&n.any) {
                        continue;
                    }
                }
                rows.push((m, n));
            }
            rows.sort_by(|(a, na), (b, nb)| {
                let km = |n: &crate::find::sites::Nearest| {
                    n.recruiting.as_ref().map_or(f64::INFINITY, |s| s.km)
                };
                eligo_matcher::rank_key(a)
                    .0
                    .cmp(&eligo_matcher::rank_key(b).0)
                    .then(km(na).total_cmp(&km(nb)))
            });
            out.extend(rows.into_iter().take(limit).map(|(m, n)| MatchOut {
                m,
                nearest_site: Some(n),
            }));
        }
    }
    Ok(Json(MatchResponse {
        near: near_label,
        as_of: as_of.to_string(),
        patient_id: facts.id.clone(),
        ignored: facts
            .ignored
            .iter()
            .filter_map(|i| serde_json::to_value(i).ok())
            .collect(),
        matches: out,
    }))
}

// ---------------------------------------------------------------------------
// Sessions and applications

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionResponse {
    /// Send as `Authorization: Bearer TOKEN`.
    pub token: String,
    /// For cookie-authenticated writes (`X-CSRF-Token`); not needed with the bearer token.
    pub csrf_token: String,
    /// Unix seconds.
    pub expires_at: i64,
}

pub(crate) fn json_body<T: serde::de::DeserializeOwned>(b: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(b).map_err(|e| {
        let msg = e.to_string();
        // serde names the field in "missing field `x`" / "unknown field `x`".
        let field = msg
            .split('`')
            .nth(1)
            .filter(|_| msg.contains("field"))
            .unwrap_or("body")
            .to_string();
        AppError::field(field, msg)
    })
}

/// Log in: a session token for the API.
#[utoipa::path(
    post,
    path = "/api/v1/sessions",
    tag = "coordinators",
    request_body(content = LoginRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Logged in", body = SessionResponse),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 429, description = "Too many failed logins from this address", body = ErrorBody)
    )
)]
pub async fn create_session(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    uri: Uri,
    b: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    Params::none(&uri)?;
    json_content(&headers)?;
    let b = body(b)?;
    if let Some(wait) = state.login_limiter().limited(ip) {
        return Err(AppError::too_many("failed logins", wait));
    }
    let req: LoginRequest = json_body(&b)?;
    let user = match auth::normalize_email(&req.email) {
        Some(e) => state.store().user_by_email(&e).await?,
        None => None,
    };
    let ok = match &user {
        Some(u) => auth::verify_password(&req.password, &u.password_hash),
        None => {
            auth::verify_dummy(&req.password);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        state.login_limiter().record(ip);
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            "wrong email or password",
        ));
    };
    state.login_limiter().reset(ip);
    let (token, csrf) = auth::open_session(&state, user.id).await?;
    let ttl = i64::try_from(state.settings().session_ttl.as_secs()).unwrap_or(0);
    Ok((
        StatusCode::CREATED,
        Json(SessionResponse {
            token,
            csrf_token: csrf,
            expires_at: jiff::Timestamp::now().as_second() + ttl,
        }),
    )
        .into_response())
}

/// Log out: end the session of the bearer token (or cookie).
#[utoipa::path(
    delete,
    path = "/api/v1/sessions",
    tag = "coordinators",
    security(("bearer" = []), ("session_cookie" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "No valid session", body = ErrorBody)
    )
)]
pub async fn delete_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let c = match require(&state, &headers, true).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(e) = Params::none(&uri) {
        return e.into_response();
    }
    match state.store().delete_session(&c.token_hash).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => AppError::from(e).into_response(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct EventDto {
    pub at: String,
    /// A coordinator's email, or `applicant`.
    pub actor: String,
    /// `submitted` or `status_changed`.
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationDto {
    pub id: i64,
    pub trial_id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub consent: bool,
    /// The pre-screen answers, form field → value.
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    /// The patient facts made of them (eligo's plain patient JSON).
    #[schema(value_type = Object)]
    pub facts: serde_json::Value,
    /// eligible, unknown or ineligible, as shown to the applicant.
    pub verdict: String,
    pub as_of: String,
    /// new, contacted, screening, enrolled or screen_failed.
    pub status: String,
    pub status_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The audit trail, oldest first (only on single-application responses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<EventDto>>,
}

fn dto(a: Application) -> ApplicationDto {
    ApplicationDto {
        answers: serde_json::from_str(&a.answers_json).unwrap_or(serde_json::Value::Null),
        facts: serde_json::from_str(&a.facts_json).unwrap_or(serde_json::Value::Null),
        id: a.id,
        trial_id: a.trial_id,
        name: a.name,
        email: a.email,
        phone: a.phone,
        consent: a.consent,
        verdict: a.verdict,
        as_of: a.as_of,
        status: a.status.code().to_string(),
        status_reason: a.status_reason,
        created_at: a.created_at,
        updated_at: a.updated_at,
        events: None,
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationList {
    pub applications: Vec<ApplicationDto>,
}

/// Applications to the caller's trials, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/applications",
    tag = "coordinators",
    security(("bearer" = []), ("session_cookie" = [])),
    params(
        ("trial" = Option<String>, Query, description = "Only this trial (one of yours)", max_length = 64),
        ("status" = Option<String>, Query, description = "Only this status: new, contacted, screening, enrolled, screen_failed")
    ),
    responses(
        (status = 200, description = "The screening log", body = ApplicationList),
        (status = 400, description = "Malformed parameter", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a coordinator of that trial", body = ErrorBody)
    )
)]
pub async fn list_applications(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let c = match require(&state, &headers, false).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let run = async {
        let p = Params::from_uri(&uri)?;
        p.only(&["trial", "status"], &[])?;
        let trial = p.get("trial").map(str::trim);
        if let Some(t) = trial
            && !c.has_trial(t)
        {
            return Err(AppError::forbidden(
                "you are not a coordinator of that trial",
            ));
        }
        let status = match p.get("status") {
            Some(s) => Some(ApplicationStatus::from_code(s).ok_or_else(|| {
                AppError::field(
                    "status",
                    "one of new, contacted, screening, enrolled, screen_failed",
                )
            })?),
            None => None,
        };
        let apps = state
            .store()
            .applications_for_user(c.user_id, trial, status)
            .await?;
        Ok(Json(ApplicationList {
            applications: apps.into_iter().map(dto).collect(),
        }))
    };
    match run.await {
        Ok(j) => j.into_response(),
        Err(e) => e.into_response(),
    }
}

fn parse_id(s: &str) -> Result<i64, AppError> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::field("id", "expected a positive whole number"))
}

async fn with_events(state: &AppState, a: Application) -> Result<ApplicationDto, AppError> {
    let events = state
        .store()
        .application_events(a.id)
        .await?
        .into_iter()
        .map(|e| EventDto {
            at: e.at,
            actor: e.actor,
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            reason: e.reason,
        })
        .collect();
    let mut d = dto(a);
    d.events = Some(events);
    Ok(d)
}

/// One application with its audit trail.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}",
    tag = "coordinators",
    security(("bearer" = []), ("session_cookie" = [])),
    params(("id" = i64, Path, description = "Application id", minimum = 1)),
    responses(
        (status = 200, description = "The application", body = ApplicationDto),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a coordinator of its trial", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody)
    )
)]
pub async fn get_application(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
) -> Response {
    let c = match require(&state, &headers, false).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let run = async {
        Params::none(&uri)?;
        let id = parse_id(&id)?;
        let a = state
            .store()
            .application(id)
            .await?
            .ok_or_else(|| AppError::not_found("no such application"))?;
        if !c.has_trial(&a.trial_id) {
            return Err(AppError::forbidden(
                "this application belongs to a trial you do not coordinate",
            ));
        }
        Ok(Json(with_events(&state, a).await?))
    };
    match run.await {
        Ok(j) => j.into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusUpdate {
    /// new, contacted, screening, enrolled or screen_failed.
    pub status: String,
    /// Required for screen_failed; at most 500 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Move an application along the screening log (audited).
#[utoipa::path(
    patch,
    path = "/api/v1/applications/{id}",
    tag = "coordinators",
    security(("bearer" = []), ("session_cookie" = [])),
    params(
        ("id" = i64, Path, description = "Application id", minimum = 1),
        ("X-CSRF-Token" = Option<String>, Header, description = "The session's CSRF token; required with cookie authentication")
    ),
    request_body(content = StatusUpdate, content_type = "application/json"),
    responses(
        (status = 200, description = "The updated application with its audit trail", body = ApplicationDto),
        (status = 400, description = "Malformed body (field named)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a coordinator of its trial, or CSRF token missing", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody)
    )
)]
pub async fn update_application(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
    b: Result<Bytes, BytesRejection>,
) -> Response {
    let c = match require(&state, &headers, true).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let run = async {
        Params::none(&uri)?;
        let id = parse_id(&id)?;
        json_content(&headers)?;
        let b = body(b)?;
        let u: StatusUpdate = json_body(&b)?;
        let status = ApplicationStatus::from_code(&u.status).ok_or_else(|| {
            AppError::field(
                "status",
                "one of new, contacted, screening, enrolled, screen_failed",
            )
        })?;
        let reason = u.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > 500) {
            return Err(AppError::field("reason", "longer than 500 characters"));
        }
        if status == ApplicationStatus::ScreenFailed && reason.is_none() {
            return Err(AppError::field("reason", "required for screen_failed"));
        }
        match state
            .store()
            .change_application_status(id, c.user_id, &c.email, status, reason)
            .await?
        {
            StatusChange::Changed(a) => Ok(Json(with_events(&state, *a).await?)),
            StatusChange::NotFound => Err(AppError::not_found("no such application")),
            StatusChange::Forbidden => Err(AppError::forbidden(
                "this application belongs to a trial you do not coordinate",
            )),
        }
    };
    match run.await {
        Ok(j) => j.into_response(),
        Err(e) => e.into_response(),
    }
}
