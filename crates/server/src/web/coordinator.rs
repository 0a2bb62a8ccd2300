//! Login, logout and the coordinator's pages: the screening log and one
//! application with its status changes.

use super::*;

// ---------------------------------------------------------------------------
// Login and coordinator pages

#[derive(Template)]
#[template(path = "login.html")]
pub(crate) struct LoginTpl {
    nav: Nav,
    csrf: String,
    email: String,
    next: String,
    error: Option<String>,
}

/// Only local paths are followed after login.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && n.len() < 300 =>
        {
            n.to_string()
        }
        _ => "/coordinator".to_string(),
    }
}

pub(crate) async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> PageResult {
    let (nav, c) = who(&state, &headers).await?;
    let p = Params::from_uri(&uri).unwrap_or_default();
    if c.is_some() {
        return Ok(Redirect::to(&safe_next(p.get("next"))).into_response());
    }
    let (csrf, cookie) = auth::public_csrf(&headers, state.settings().secure_cookies)?;
    let tpl = LoginTpl {
        nav,
        csrf,
        email: String::new(),
        next: safe_next(p.get("next")),
        error: None,
    };
    page_with(StatusCode::OK, &tpl, cookie)
}

pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    body: Bytes,
) -> PageResult {
    let p = form(&body)?;
    auth::check_public_csrf(&headers, p.get("csrf"))?;
    if let Some(wait) = state.login_limiter().limited(ip) {
        return Err(AppError::too_many("failed logins", wait).into());
    }
    let email = p.get("email").unwrap_or("").trim().to_string();
    let password = p.get("password").unwrap_or("");
    let user = match auth::normalize_email(&email) {
        Some(e) => state.store().user_by_email(&e).await?,
        None => None,
    };
    let ok = match &user {
        Some(u) => auth::verify_password(password, &u.password_hash),
        None => {
            auth::verify_dummy(password);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        state.login_limiter().record(ip);
        let tpl = LoginTpl {
            nav: Nav::default(),
            csrf: p.get("csrf").unwrap_or("").to_string(),
            email,
            next: safe_next(p.get("next")),
            error: Some("Wrong email or password.".into()),
        };
        return page_with(StatusCode::UNAUTHORIZED, &tpl, None);
    };
    state.login_limiter().reset(ip);
    let (token, _) = auth::open_session(&state, user.id).await?;
    let secure = state.settings().secure_cookies;
    let max_age = state.settings().session_ttl.as_secs();
    let mut res = Redirect::to(&safe_next(p.get("next"))).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(auth::SESSION_COOKIE, &token, max_age, secure),
    );
    Ok(res)
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let p = form(&body)?;
    let Some(c) = auth::coordinator(&state, &headers).await? else {
        return Ok(Redirect::to("/").into_response());
    };
    auth::check_session_csrf(&c, p.get("csrf"))?;
    state.store().delete_session(&c.token_hash).await?;
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        auth::clear_cookie(auth::SESSION_COOKIE, state.settings().secure_cookies),
    );
    Ok(res)
}

pub(crate) fn to_login(uri: &Uri) -> Response {
    let next = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/coordinator");
    Redirect::to(&format!("/login?next={}", encode(next))).into_response()
}

pub struct AppRow {
    id: i64,
    href: String,
    created: String,
    trial_id: String,
    name: String,
    email: String,
    verdict: String,
    status: String,
}

pub(crate) fn app_row(a: &Application) -> AppRow {
    AppRow {
        id: a.id,
        href: format!("/coordinator/applications/{}", a.id),
        created: a
            .created_at
            .get(..16)
            .unwrap_or(&a.created_at)
            .replace('T', " "),
        trial_id: a.trial_id.clone(),
        name: a.name.clone(),
        email: a.email.clone(),
        verdict: a.verdict.clone(),
        status: a.status.label().to_string(),
    }
}

#[derive(Template)]
#[template(path = "coordinator.html")]
pub(crate) struct CoordinatorTpl {
    nav: Nav,
    trials_text: String,
    trials: Vec<(String, bool)>,
    statuses: Vec<(&'static str, &'static str, bool)>,
    rows: Vec<AppRow>,
}

pub(crate) async fn coordinator(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> PageResult {
    let (nav, c) = who(&state, &headers).await?;
    let Some(c) = c else {
        return Ok(to_login(&uri));
    };
    let p = Params::from_uri(&uri)?;
    let trial = p.get("trial").map(str::trim);
    if let Some(t) = trial
        && !c.has_trial(t)
    {
        return Err(AppError::forbidden("you are not a coordinator of that trial").into());
    }
    let status = match p.get("status") {
        Some(s) => Some(
            ApplicationStatus::from_code(s)
                .ok_or_else(|| AppError::field("status", "unknown status"))?,
        ),
        None => None,
    };
    let apps = state
        .store()
        .applications_for_user(c.user_id, trial, status)
        .await?;
    page(&CoordinatorTpl {
        nav,
        trials_text: if c.trials.is_empty() {
            "none yet".into()
        } else {
            c.trials.join(", ")
        },
        trials: c
            .trials
            .iter()
            .map(|t| (t.clone(), Some(t.as_str()) == trial))
            .collect(),
        statuses: ApplicationStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label(), Some(*s) == status))
            .collect(),
        rows: apps.iter().map(app_row).collect(),
    })
}

#[derive(Template)]
#[template(path = "application.html")]
pub(crate) struct ApplicationTpl {
    nav: Nav,
    a: AppRow,
    trial_title: String,
    phone: String,
    consent: &'static str,
    as_of: String,
    reason: Option<String>,
    statuses: Vec<(&'static str, &'static str, bool)>,
    answers: Vec<(String, String)>,
    events: Vec<(String, String, String)>,
    error: Option<String>,
}

pub(crate) fn parse_id(s: &str) -> Result<i64, AppError> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::field("id", "expected a positive whole number"))
}

pub(crate) async fn application_page(
    state: &AppState,
    nav: Nav,
    c: &Coordinator,
    id: i64,
    error: Option<String>,
) -> PageResult {
    let Some(a) = state.store().application(id).await? else {
        return Err(AppError::not_found("no such application").into());
    };
    if !c.has_trial(&a.trial_id) {
        return Err(AppError::forbidden(
            "this application belongs to a trial you do not coordinate",
        )
        .into());
    }
    let (trial_title, answers) = match state.trial(&a.trial_id).await.ok() {
        Some(loaded) => {
            let (t, compiled) = (&loaded.trial, &loaded.rules.compiled);
            let q = eligo_questionnaire::questionnaire(compiled);
            let answers: eligo_questionnaire::Answers =
                serde_json::from_str(&a.answers_json).unwrap_or_default();
            (
                unescape(&t.brief_title),
                eligo_questionnaire::describe(&q, &answers),
            )
        }
        None => (String::new(), vec![]),
    };
    let events = state
        .store()
        .application_events(id)
        .await?
        .into_iter()
        .map(|e| {
            let what = match e.action.as_str() {
                "submitted" => "Application submitted".to_string(),
                _ => {
                    let from = e
                        .from_status
                        .as_deref()
                        .and_then(ApplicationStatus::from_code)
                        .map_or("?", |s| s.label());
                    let to = e
                        .to_status
                        .as_deref()
                        .and_then(ApplicationStatus::from_code)
                        .map_or("?", |s| s.label());
                    match &e.reason {
                        Some(r) => format!("Status {from} → {to}: {r}"),
                        None => format!("Status {from} → {to}"),
                    }
                }
            };
            (
                e.at.get(..19).unwrap_or(&e.at).replace('T', " "),
                e.actor,
                what,
            )
        })
        .collect();
    let tpl = ApplicationTpl {
        nav,
        trial_title,
        phone: a.phone.clone().unwrap_or_else(|| "not given".into()),
        consent: if a.consent { "given" } else { "not given" },
        as_of: a.as_of.clone(),
        reason: a.status_reason.clone(),
        statuses: ApplicationStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label(), *s == a.status))
            .collect(),
        answers,
        events,
        a: app_row(&a),
        error: error.clone(),
    };
    form_page(error.is_some(), &tpl)
}

pub(crate) async fn application(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> PageResult {
    let (nav, c) = who(&state, &headers).await?;
    let Some(c) = c else {
        return Ok(to_login(&uri));
    };
    let id = parse_id(&id)?;
    application_page(&state, nav, &c, id, None).await
}

pub(crate) async fn change_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (nav, c) = who(&state, &headers).await?;
    let Some(c) = c else {
        return Ok(to_login(&uri));
    };
    let p = form(&body)?;
    auth::check_session_csrf(&c, p.get("csrf"))?;
    let id = parse_id(&id)?;
    let status = match p.get("status").and_then(ApplicationStatus::from_code) {
        Some(s) => s,
        None => {
            return application_page(&state, nav, &c, id, Some("Choose a status.".into())).await;
        }
    };
    let reason = p.get("reason").map(str::trim).filter(|r| !r.is_empty());
    if let Some(r) = reason
        && r.chars().count() > 500
    {
        return application_page(
            &state,
            nav,
            &c,
            id,
            Some("The reason is longer than 500 characters.".into()),
        )
        .await;
    }
    if status == ApplicationStatus::ScreenFailed && reason.is_none() {
        return application_page(
            &state,
            nav,
            &c,
            id,
            Some("Give a reason for a screen failure.".into()),
        )
        .await;
    }
    match state
        .store()
        .change_application_status(id, c.user_id, &c.email, status, reason)
        .await?
    {
        StatusChange::Changed(_) => {
            Ok(Redirect::to(&format!("/coordinator/applications/{id}")).into_response())
        }
        StatusChange::NotFound => Err(AppError::not_found("no such application").into()),
        StatusChange::Forbidden => Err(AppError::forbidden(
            "this application belongs to a trial you do not coordinate",
        )
        .into()),
    }
}
