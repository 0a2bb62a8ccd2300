//! Coordinator sessions and the applications they work on.

use super::*;

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

pub(crate) fn dto(a: Application) -> ApplicationDto {
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
    run.await.into_response()
}

pub(crate) fn parse_id(s: &str) -> Result<i64, AppError> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::field("id", "expected a positive whole number"))
}

pub(crate) async fn with_events(
    state: &AppState,
    a: Application,
) -> Result<ApplicationDto, AppError> {
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
    run.await.into_response()
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
    run.await.into_response()
}
