//! The HTML pages: home, search, trial, pre-screen and apply, coordinator
//! login, screening log and application view.

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
        include_str!("../static/style.css"),
        "text/css; charset=utf-8",
    )
}

async fn js() -> Response {
    static_file(
        include_str!("../static/app.js"),
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

// ---------------------------------------------------------------------------
// Home and search

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTpl {
    nav: Nav,
    total: usize,
    open: usize,
    examples: Vec<(String, String)>,
}

async fn home(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let (nav, _) = who(&state, &headers).await?;
    let cat = state.catalog().await?;
    let open = cat.open_count();
    let examples = ["CAR-T lupus", "CD19", "lupus nephritis", "melanoma"]
        .iter()
        .map(|e| (e.to_string(), format!("/search?q={}", encode(e))))
        .collect();
    page(&HomeTpl {
        nav,
        total: cat.len(),
        open,
        examples,
    })
}

struct HitView {
    href: String,
    id: String,
    title: String,
    status_label: String,
    status_class: &'static str,
    phases: String,
    snippet: String,
    /// Where the sites are, the ages taken, the nearest recruiting site.
    place: String,
    ages: String,
    distance: String,
}

struct FacetLink {
    label: String,
    count: u64,
    href: String,
    selected: bool,
}

struct FacetGroup {
    key: &'static str,
    title: &'static str,
    values: Vec<FacetLink>,
}

struct PageLink {
    label: String,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTpl {
    nav: Nav,
    q: String,
    hidden: Vec<(String, String)>,
    hidden_no_age: Vec<(String, String)>,
    error: Option<String>,
    active: Vec<(String, String)>,
    facets: Vec<FacetGroup>,
    showing: String,
    first: usize,
    hits: Vec<HitView>,
    pages: Vec<PageLink>,
    age: String,
    /// Said beside the age field (the other filters still apply).
    age_error: Option<String>,
    near: String,
    within: String,
    /// Said beside the place field: why it could not be used.
    near_error: Option<String>,
    /// "Which one?": links to search near each candidate place.
    near_choices: Vec<(String, String)>,
    near_label: String,
    sorts: Vec<(&'static str, &'static str, bool)>,
    hidden_refine: Vec<(String, String)>,
    /// A close spelling of the query's words and its link.
    did_you_mean: Option<(String, String)>,
    /// The query's own words found nothing; these are the results for
    /// the close spelling instead.
    showing_for: Option<String>,
}

pub const PAGE_SIZE: usize = 10;
/// Filter parameters a search page carries from link to link.
const FILTER_KEYS: &[&str] = &[
    "status",
    "phase",
    "type",
    "condition",
    "antigen",
    "age",
    "sex",
    "country",
    "near",
    "within",
    "sort",
];

/// The search URL for `pairs` (empty values dropped).
fn search_href(pairs: &[(String, String)]) -> String {
    let qs: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    if qs.is_empty() {
        "/search".into()
    } else {
        format!("/search?{}", qs.join("&"))
    }
}

/// The current query and filters, without page and without `drop`.
fn carried(p: &Params, drop: Option<(&str, Option<&str>)>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(q) = p.get("q") {
        out.push(("q".to_string(), q.to_string()));
    }
    for k in FILTER_KEYS {
        for v in p.all(k) {
            let dropped = match drop {
                Some((dk, None)) => dk == *k,
                Some((dk, Some(dv))) => dk == *k && dv.eq_ignore_ascii_case(v),
                None => false,
            };
            if !dropped {
                out.push((k.to_string(), v.to_string()));
            }
        }
    }
    out
}

fn toggle(p: &Params, key: &str, value: &str, multi: bool) -> (String, bool) {
    let selected = p.all(key).iter().any(|v| v.eq_ignore_ascii_case(value));
    let mut pairs = if selected || !multi {
        carried(p, Some((key, if multi { Some(value) } else { None })))
    } else {
        carried(p, None)
    };
    if !selected {
        pairs.push((key.to_string(), value.to_string()));
    }
    (search_href(&pairs), selected)
}

fn facet_label(dim: &str, value: &str) -> String {
    match dim {
        "status" => status_label(value),
        "phase" => phase_label(value),
        "study_type" => code_label(value),
        _ => value.to_string(),
    }
}

fn facet_groups(p: &Params, res: &SearchResults, age_counts: &[(u32, u64)]) -> Vec<FacetGroup> {
    let mut out = Vec::new();
    for (dim, key, title, multi) in [
        ("status", "status", "Status", true),
        ("phase", "phase", "Phase", true),
        ("condition", "condition", "Condition", false),
        ("antigen", "antigen", "Target antigen", false),
        ("country", "country", "Country", false),
        ("study_type", "type", "Study type", false),
    ] {
        let values: Vec<FacetLink> = res
            .facets
            .get(dim)
            .map(|vs| {
                vs.iter()
                    .map(|v| {
                        let (href, selected) = toggle(p, key, &v.value, multi);
                        FacetLink {
                            label: facet_label(dim, &v.value),
                            count: v.count,
                            href,
                            selected,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !values.is_empty() {
            out.push(FacetGroup { key, title, values });
        }
    }
    // Sex: a trial for all is open to both.
    let n = |v: &str| {
        res.facets
            .get("sex")
            .and_then(|vs| vs.iter().find(|x| x.value == v))
            .map_or(0, |x| x.count)
    };
    let sexes: Vec<FacetLink> = [("FEMALE", "Open to women"), ("MALE", "Open to men")]
        .iter()
        .map(|(code, label)| {
            let (href, selected) = toggle(p, "sex", code, false);
            FacetLink {
                label: label.to_string(),
                count: n(code) + n("ALL"),
                href,
                selected,
            }
        })
        .collect();
    out.insert(
        2.min(out.len()),
        FacetGroup {
            key: "sex",
            title: "Sex",
            values: sexes,
        },
    );
    let ages: Vec<FacetLink> = age_counts
        .iter()
        .map(|(age, count)| {
            let (href, selected) = toggle(p, "age", &age.to_string(), false);
            FacetLink {
                label: format!("Open to age {age}"),
                count: *count,
                href,
                selected,
            }
        })
        .collect();
    out.insert(
        3.min(out.len()),
        FacetGroup {
            key: "age",
            title: "Age",
            values: ages,
        },
    );
    out
}

/// Representative ages for the age facet: a child, an adult, an older adult.
const AGE_BUCKETS: [u32; 3] = [12, 40, 70];

async fn search(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> PageResult {
    let (mut nav, _) = who(&state, &headers).await?;
    let mut p = Params::from_uri(&uri)?;
    let q = p.get("q").unwrap_or("").trim().to_string();
    nav.q = q.clone();
    // An age that cannot be a person's is said beside its field; the rest
    // of the search goes on without it.
    let age_raw = p.get("age").unwrap_or("").to_string();
    let age_error = (!age_raw.trim().is_empty())
        .then(|| crate::find::page::age_problem(&age_raw))
        .flatten();
    if age_error.is_some() {
        p.0.retain(|(k, _)| k != "age");
    }
    let hidden: Vec<(String, String)> = carried(&p, None)
        .into_iter()
        .filter(|(k, _)| k != "q")
        .collect();
    let hidden_no_age: Vec<(String, String)> = carried(&p, Some(("age", None)));
    let hidden_refine: Vec<(String, String)> = carried(&p, None)
        .into_iter()
        .filter(|(k, _)| !matches!(k.as_str(), "near" | "within" | "sort"))
        .collect();
    let mut tpl = SearchTpl {
        nav,
        q: q.clone(),
        hidden,
        hidden_no_age,
        error: None,
        active: vec![],
        facets: vec![],
        showing: String::new(),
        first: 1,
        hits: vec![],
        pages: vec![],
        age: age_raw,
        age_error,
        near: p.get("near").unwrap_or("").to_string(),
        within: p.get("within").unwrap_or("").to_string(),
        near_error: None,
        near_choices: vec![],
        near_label: String::new(),
        sorts: vec![],
        hidden_refine,
        did_you_mean: None,
        showing_for: None,
    };
    let filters = match p.filters() {
        Ok(f) => f,
        Err(e) => {
            tpl.error = Some(e.message);
            return page_with(StatusCode::BAD_REQUEST, &tpl, None);
        }
    };
    let page_no = match p.usize_in("page", 1, 1, 1000) {
        Ok(n) => n,
        Err(e) => {
            tpl.error = Some(e.message);
            return page_with(StatusCode::BAD_REQUEST, &tpl, None);
        }
    };
    let arranged = crate::find::page::arrangement(&p);
    let how = arranged.how;
    tpl.near_error = arranged.near_error;
    tpl.near_choices = arranged
        .near_choices
        .iter()
        .map(|c| {
            let mut pairs = carried(&p, Some(("near", None)));
            pairs.push(("near".into(), c.clone()));
            (c.clone(), search_href(&pairs))
        })
        .collect();
    tpl.near_label = arranged.near_label;
    tpl.sorts = eligo_search::arrange::Sort::ALL
        .iter()
        .map(|s| (s.code(), s.label(), *s == how.sort))
        .collect();
    // Search reads the catalog's index; make sure it is current.
    state.catalog().await?;
    let mut req = SearchRequest {
        query: q.clone(),
        filters: filters.clone(),
        limit: PAGE_SIZE,
        offset: (page_no - 1) * PAGE_SIZE,
        facet_limit: 12,
    };
    let mut res = state.index().search_arranged(&req, &how)?;
    if let Some(better) = state.index().suggest(&q)? {
        let mut pairs = carried(&p, Some(("q", None)));
        pairs.retain(|(k, _)| k != "q");
        pairs.insert(0, ("q".into(), better.clone()));
        if res.total == 0 {
            let alt = SearchRequest {
                query: better.clone(),
                ..req.clone()
            };
            let r = state.index().search_arranged(&alt, &how)?;
            if r.total > 0 {
                res = r;
                req = alt;
                tpl.showing_for = Some(better.clone());
            }
        }
        tpl.did_you_mean = Some((better, search_href(&pairs)));
    }
    let mut age_counts = Vec::new();
    for age in AGE_BUCKETS {
        let mut f = filters.clone();
        f.age_years = Some(f64::from(age));
        let r = state.index().search_arranged(
            &SearchRequest {
                query: req.query.clone(),
                filters: f,
                limit: 1,
                offset: 0,
                facet_limit: 1,
            },
            &how,
        )?;
        age_counts.push((age, r.total as u64));
    }
    tpl.facets = facet_groups(&p, &res, &age_counts);
    for k in FILTER_KEYS.iter().filter(|k| **k != "sort") {
        for v in p.all(k) {
            let label = match *k {
                "near" => format!("Near {v}"),
                "within" => format!("Within {v}"),
                "status" => format!("Status: {}", status_label(v)),
                "phase" => format!("Phase: {}", phase_label(v)),
                "age" => format!("Open to age {v}"),
                "sex" => format!(
                    "Open to {}",
                    if v.eq_ignore_ascii_case("female") {
                        "women"
                    } else {
                        "men"
                    }
                ),
                "type" => format!("Type: {}", code_label(v)),
                other => format!("{}: {v}", code_label(other)),
            };
            tpl.active
                .push((label, search_href(&carried(&p, Some((k, Some(v)))))));
        }
    }
    tpl.first = req.offset + 1;
    tpl.showing = match res.total {
        0 => "No trials match.".to_string(),
        1 => "1 trial matches.".to_string(),
        n => format!(
            "{n} trials match; showing {} to {}.",
            req.offset + 1,
            (req.offset + res.hits.len()).max(req.offset + 1)
        ),
    };
    let mut cards = Vec::with_capacity(res.hits.len());
    for h in &res.hits {
        cards.push(match state.store().get_trial(&h.id).await? {
            Some(t) => crate::find::card::card(&t, how.origin(), how.near.map(|n| n.radius)),
            None => Default::default(),
        });
    }
    tpl.hits = res
        .hits
        .iter()
        .zip(cards)
        .map(|(h, c)| HitView {
            href: format!("/trials/{}", encode(&h.id)),
            id: h.id.clone(),
            title: unescape(&h.title),
            status_label: match (&h.status, h.partial) {
                (Some(st), _) => status_label(st),
                (None, true) => KNOWN_BY_ID_AND_TITLE.to_string(),
                (None, false) => "Status not stated".to_string(),
            },
            status_class: h.status.as_deref().map_or("badge unknown", status_class),
            phases: h
                .phases
                .iter()
                .map(|p| phase_label(p))
                .collect::<Vec<_>>()
                .join(", "),
            snippet: h.snippet.as_ref().map(snippet_html).unwrap_or_default(),
            place: c.place,
            ages: c.ages,
            distance: c.distance,
        })
        .collect();
    let pages = res.total.div_ceil(PAGE_SIZE).min(1000);
    let base = carried(&p, None);
    let link = |n: usize| {
        let mut pairs = base.clone();
        if n > 1 {
            pairs.push(("page".into(), n.to_string()));
        }
        search_href(&pairs)
    };
    if page_no > 1 {
        tpl.pages.push(PageLink {
            label: "← Previous".into(),
            href: link(page_no - 1),
            current: false,
        });
    }
    for n in 1..=pages {
        if pages > 12 && n != 1 && n != pages && n.abs_diff(page_no) > 3 {
            continue;
        }
        tpl.pages.push(PageLink {
            label: n.to_string(),
            href: link(n),
            current: n == page_no,
        });
    }
    if page_no < pages {
        tpl.pages.push(PageLink {
            label: "Next →".into(),
            href: link(page_no + 1),
            current: false,
        });
    }
    page(&tpl)
}

// ---------------------------------------------------------------------------
// Trial page

pub struct RelatedView {
    id: String,
    title: String,
    href: Option<String>,
    status_label: Option<String>,
    status_class: &'static str,
    why: &'static str,
}

#[derive(Template)]
#[template(path = "trial.html")]
struct TrialTpl {
    nav: Nav,
    t: TrialView,
    summary: String,
    grade: String,
    criteria: Vec<CriterionView>,
    trailing_headings: Vec<String>,
    computable: usize,
    /// Criteria of enrolment (those outside any group).
    enrolment: usize,
    related: Vec<RelatedView>,
    applied: u64,
    /// Whether the trial can enrol: the pre-screen is offered only then.
    can_prescreen: bool,
    status: crate::status_check::StatusCheck,
    registry_link: Option<String>,
}

async fn trial(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let (nav, _) = who(&state, &headers).await?;
    let loaded = state.trial(&id).await?;
    let t = &loaded.trial;
    let s = summary::summarize(t);
    let mut compiled = loaded.rules.compiled.clone();
    eligo_criteria::annotate(&mut compiled);
    let (criteria, trailing_headings) = criteria_view(t, &compiled);
    let computable = criteria
        .iter()
        .filter(|c| c.coverage.0 == "computable" && c.group.is_none())
        .count();
    let enrolment = criteria.iter().filter(|c| c.group.is_none()).count();
    let related = state
        .index()
        .related(t, 8)?
        .into_iter()
        .map(|r| {
            let title = r.title.clone().unwrap_or_else(|| r.id.clone());
            RelatedView {
                href: r.in_registry.then(|| format!("/trials/{}", encode(&r.id))),
                title: unescape(&title),
                status_label: r.status.as_deref().map(status_label),
                status_class: r.status.as_deref().map_or("badge unknown", status_class),
                why: match r.source {
                    RelatedSource::Listed => "listed by the record",
                    RelatedSource::Similar => "similar",
                },
                id: r.id,
            }
        })
        .collect();
    let applied = state.store().application_count(&t.id).await?;
    // A status the record's own dates contradict is not told as current.
    let status = crate::status_check::check(t, crate::matching::today());
    let mut summary_text = s.text;
    if let Some(st) = t.status
        && !status.warnings.is_empty()
    {
        summary_text = summary_text.replace(
            summary::status_sentence(st),
            &format!(
                "Its record says: \u{201c}{}\u{201d}, but that may be out of date (see the warning above).",
                st.label()
            ),
        );
    }
    page(&TrialTpl {
        nav,
        t: trial_view(t),
        summary: summary_text,
        grade: format!("{:.1}", s.grade),
        criteria,
        trailing_headings,
        computable,
        enrolment,
        related,
        applied,
        can_prescreen: !t.partial && crate::trial_view::may_apply(t),
        status,
        registry_link: crate::prescreen_result::registry_link(&t.id),
    })
}

// ---------------------------------------------------------------------------
// Login and coordinator pages

#[derive(Template)]
#[template(path = "login.html")]
struct LoginTpl {
    nav: Nav,
    csrf: String,
    email: String,
    next: String,
    error: Option<String>,
}

/// Only local paths are followed after login.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && n.len() < 300 =>
        {
            n.to_string()
        }
        _ => "/coordinator".to_string(),
    }
}

async fn login_form(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> PageResult {
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

async fn login(
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

async fn logout(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> PageResult {
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

fn app_row(a: &Application) -> AppRow {
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
struct CoordinatorTpl {
    nav: Nav,
    trials_text: String,
    trials: Vec<(String, bool)>,
    statuses: Vec<(&'static str, &'static str, bool)>,
    rows: Vec<AppRow>,
}

async fn coordinator(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> PageResult {
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
struct ApplicationTpl {
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

fn parse_id(s: &str) -> Result<i64, AppError> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| AppError::field("id", "expected a positive whole number"))
}

async fn application_page(
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
    page_with(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &tpl,
        None,
    )
}

async fn application(
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

async fn change_status(
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

/// Used by the API: a trial's page URL.
pub fn trial_href(id: &str) -> String {
    format!("/trials/{}", encode(id))
}
