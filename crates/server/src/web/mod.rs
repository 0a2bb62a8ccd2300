//! The HTML pages' routes and plumbing (errors, headers, the menu, forms);
//! the pages themselves are in files by family: `search` (home and search),
//! `trial`, `coordinator` (login, screening log, application view); the
//! pre-screen and apply pages are in `crate::prescreen_pages`, /find in
//! `crate::find`.

mod coordinator;
mod search;
mod trial;

pub(crate) use coordinator::*;
pub(crate) use search::*;
pub(crate) use trial::*;

use crate::auth::{self, Coordinator};
use crate::params::{Params, encode};
use crate::trial_view::{
    CriterionView, KNOWN_BY_ID_AND_TITLE, TrialView, criteria_view, trial_view,
};
use crate::views::{code_label, phase_label, snippet_html, status_class, status_label, unescape};
use crate::{AppError, AppState, prescreen_pages, summary};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use eligo_search::query::SearchRequest;
use eligo_search::{RelatedSource, SearchResults};
use eligo_store::server::{Application, ApplicationStatus, StatusChange};
use std::net::{IpAddr, SocketAddr};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/search", get(search))
        .route("/trials/{id}", get(trial))
        .route(
            "/trials/{id}/prescreen",
            get(prescreen_pages::prescreen_form).post(prescreen_pages::prescreen_submit),
        )
        .route("/trials/{id}/apply", post(prescreen_pages::apply))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/coordinator", get(coordinator))
        .route("/coordinator/applications/{id}", get(application))
        .route("/coordinator/applications/{id}/status", post(change_status))
        .route("/static/style.css", get(css))
        .route("/static/app.js", get(js))
        .fallback(not_found)
}

// ---------------------------------------------------------------------------
// Plumbing

/// An error rendered as a page.
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTpl {
    nav: Nav,
    status: u16,
    title: String,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        let title = match e.status {
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::UNAUTHORIZED => "Please log in",
            StatusCode::TOO_MANY_REQUESTS => "Too many requests",
            StatusCode::PAYLOAD_TOO_LARGE => "Too large",
            s if s.is_client_error() => "That did not work",
            _ => "Something went wrong",
        };
        let page = ErrorTpl {
            nav: Nav::default(),
            status: e.status.as_u16(),
            title: title.to_string(),
            message: e.message.clone(),
        };
        let mut res = match page.render() {
            Ok(html) => (e.status, html_headers(), html).into_response(),
            Err(_) => (e.status, e.message.clone()).into_response(),
        };
        if let Some((k, v)) = e.retry_after_header() {
            res.headers_mut().insert(k, v);
        }
        res
    }
}

pub(crate) type PageResult = Result<Response, PageError>;

fn html_headers() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

pub(crate) fn page(t: &impl Template) -> PageResult {
    page_with(StatusCode::OK, t, None)
}

/// A form's page: 400 when it shows why the form was refused, else 200.
pub(crate) fn form_page(refused: bool, t: &impl Template) -> PageResult {
    let status = if refused {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page_with(status, t, None)
}

pub(crate) fn page_with(
    status: StatusCode,
    t: &impl Template,
    cookie: Option<HeaderValue>,
) -> PageResult {
    let html = t.render().map_err(AppError::from)?;
    let mut res = (status, html_headers(), html).into_response();
    if let Some(c) = cookie {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}

/// The client IP as the socket saw it.
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(auth::client_ip(
            parts.extensions.get::<ConnectInfo<SocketAddr>>(),
        )))
    }
}

/// What the header shows: the search box and who is logged in.
#[derive(Default)]
pub struct Nav {
    pub user: Option<String>,
    pub csrf: String,
    pub q: String,
}

pub(crate) async fn who(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(Nav, Option<Coordinator>), AppError> {
    let c = auth::coordinator(state, headers).await?;
    let nav = Nav {
        user: c.as_ref().map(|c| c.email.clone()),
        csrf: c.as_ref().map(|c| c.csrf_token.clone()).unwrap_or_default(),
        q: String::new(),
    };
    Ok((nav, c))
}

pub(crate) fn form(body: &Bytes) -> Result<Params, AppError> {
    let s =
        std::str::from_utf8(body).map_err(|_| AppError::bad_request("the form is not UTF-8"))?;
    Params::parse(s)
}

async fn not_found(uri: Uri) -> Response {
    let e = AppError::not_found(format!("no page at {}", uri.path()));
    if uri.path().starts_with("/api/") {
        e.into_response()
    } else {
        PageError(e).into_response()
    }
}

async fn css() -> Response {
    static_file(
        include_str!("../../static/style.css"),
        "text/css; charset=utf-8",
    )
}

async fn js() -> Response {
    static_file(
        include_str!("../../static/app.js"),
        "text/javascript; charset=utf-8",
    )
}

fn static_file(body: &'static str, ct: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(ct)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

/// Used by the API: a trial's page URL.
pub fn trial_href(id: &str) -> String {
    format!("/trials/{}", encode(id))
}
