//! The HTML pages: home, search, trial, pre-screen and apply, coordinator
//! login, screening log and application view.

use crate::auth::{self, Coordinator};
use crate::params::{Params, encode};
use eligo_questionnaire::{self as prescreen, Answers, Questionnaire};
use crate::trial_view::{
    CriterionView, KNOWN_BY_ID_AND_TITLE, TrialView, criteria_view, kind_words, may_apply,
    status_words, trial_view,
};
use crate::views::{
    self, code_label, phase_label, snippet_html, status_class, status_label, unescape,
};
use crate::{AppError, AppState, matching, summary};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use eligo_model::evidence::Verdict;
use eligo_model::{Trial, TrialMatch};
use eligo_search::query::SearchRequest;
use eligo_search::{RelatedSource, SearchResults};
use eligo_store::server::{Application, ApplicationStatus, NewApplication, StatusChange};
use std::net::{IpAddr, SocketAddr};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/search", get(search))
        .route("/trials/{id}", get(trial))
        .route(
            "/trials/{id}/prescreen",
            get(prescreen_form).post(prescreen_submit),
        )
        .route("/trials/{id}/apply", post(apply))
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
    let p = Params::from_uri(&uri)?;
    let q = p.get("q").unwrap_or("").trim().to_string();
    nav.q = q.clone();
    let hidden: Vec<(String, String)> = carried(&p, None)
        .into_iter()
        .filter(|(k, _)| k != "q")
        .collect();
    let hidden_no_age: Vec<(String, String)> = carried(&p, Some(("age", None)));
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
        age: p.get("age").unwrap_or("").to_string(),
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
    // Search reads the catalog's index; make sure it is current.
    state.catalog().await?;
    let req = SearchRequest {
        query: q.clone(),
        filters: filters.clone(),
        limit: PAGE_SIZE,
        offset: (page_no - 1) * PAGE_SIZE,
        facet_limit: 12,
    };
    let res = state.index().search(&req)?;
    let mut age_counts = Vec::new();
    for age in AGE_BUCKETS {
        let mut f = filters.clone();
        f.age_years = Some(f64::from(age));
        let r = state.index().search(&SearchRequest {
            query: q.clone(),
            filters: f,
            limit: 1,
            offset: 0,
            facet_limit: 1,
        })?;
        age_counts.push((age, r.total as u64));
    }
    tpl.facets = facet_groups(&p, &res, &age_counts);
    for k in FILTER_KEYS {
        for v in p.all(k) {
            let label = match *k {
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
    tpl.hits = res
        .hits
        .iter()
        .map(|h| HitView {
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
    page(&TrialTpl {
        nav,
        t: trial_view(t),
        summary: s.text,
        grade: format!("{:.1}", s.grade),
        criteria,
        trailing_headings,
        computable,
        enrolment,
        related,
        applied,
    })
}

// ---------------------------------------------------------------------------
// Pre-screen and apply

pub struct ChoiceView {
    value: String,
    label: String,
    checked: bool,
}

pub struct FieldView {
    name: String,
    label: String,
    kind: &'static str,
    choices: Vec<ChoiceView>,
    blank_option: bool,
    value: String,
    checked: bool,
    min: String,
    max: String,
    step: String,
    when_name: String,
    when_values: String,
    error: Option<String>,
}

pub struct QuestionView {
    id: String,
    text: String,
    hint: Option<String>,
    criteria: String,
    fields: Vec<FieldView>,
}

#[derive(Template)]
#[template(path = "prescreen.html")]
struct PrescreenTpl {
    nav: Nav,
    trial_id: String,
    title: String,
    csrf: String,
    errors: Vec<String>,
    questions: Vec<QuestionView>,
}

fn question_views(
    q: &Questionnaire,
    answers: &Answers,
    problems: &[prescreen::Problem],
) -> Vec<QuestionView> {
    q.questions
        .iter()
        .map(|question| QuestionView {
            id: question.id.clone(),
            text: question.text.clone(),
            hint: question.hint.clone(),
            criteria: question
                .criteria
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            fields: question
                .fields()
                .into_iter()
                .map(|f| {
                    let current = answers.0.get(&f.name).cloned().unwrap_or_default();
                    let kind = f.input.type_name();
                    let choices = f
                        .input
                        .choices()
                        .iter()
                        .map(|c| ChoiceView {
                            checked: c.value == current,
                            value: c.value.clone(),
                            label: c.label.clone(),
                        })
                        .collect();
                    FieldView {
                        error: problems
                            .iter()
                            .find(|p| p.field == f.name)
                            .map(|p| p.message.clone()),
                        blank_option: kind == "select" && !f.name.ends_with(".unit"),
                        checked: kind == "dont_know" && current == prescreen::DONT_KNOW,
                        value: if kind == "date" || kind == "number" {
                            current.clone()
                        } else {
                            String::new()
                        },
                        min: f.input.min().to_string(),
                        max: f.input.max().to_string(),
                        step: f.input.step().to_string(),
                        when_name: f
                            .show_when
                            .as_ref()
                            .map(|w| w.0.clone())
                            .unwrap_or_default(),
                        when_values: f
                            .show_when
                            .as_ref()
                            .map(|w| w.1.join(","))
                            .unwrap_or_default(),
                        name: f.name,
                        label: f.label,
                        kind,
                        choices,
                    }
                })
                .collect(),
        })
        .collect()
}

fn problem_lines(q: &Questionnaire, problems: &[prescreen::Problem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| {
            let question = p.field.split('.').next().unwrap_or("");
            let text = q
                .questions
                .iter()
                .find(|x| x.id == question)
                .map(|x| x.text.clone())
                .unwrap_or_else(|| p.field.clone());
            format!("{text} — {}", p.message)
        })
        .collect()
}

async fn prescreen_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let (nav, _) = who(&state, &headers).await?;
    let loaded = state.trial(&id).await?;
    let (t, compiled) = (&loaded.trial, &loaded.rules.compiled);
    if t.partial {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            "this record is known only in part, so it cannot be pre-screened",
        )
        .into());
    }
    let q = prescreen::questionnaire(compiled);
    let (csrf, cookie) = auth::public_csrf(&headers, state.settings().secure_cookies)?;
    let tpl = PrescreenTpl {
        nav,
        trial_id: t.id.clone(),
        title: unescape(&t.brief_title),
        csrf,
        errors: vec![],
        questions: question_views(&q, &Answers::default(), &[]),
    };
    page_with(StatusCode::OK, &tpl, cookie)
}

pub struct ResultCriterion {
    n: usize,
    kind: &'static str,
    text: String,
    status: &'static str,
    status_class: &'static str,
    reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "result.html")]
struct ResultTpl {
    nav: Nav,
    trial_id: String,
    title: String,
    verdict: &'static str,
    verdict_class: &'static str,
    verdict_title: &'static str,
    verdict_text: String,
    as_of: String,
    criteria: Vec<ResultCriterion>,
    dont_know: Vec<String>,
    missing: Vec<String>,
    to_confirm: Vec<String>,
    can_apply: bool,
    status_label: String,
    csrf: String,
    answers_json: String,
    errors: Vec<String>,
    name: String,
    email: String,
    phone: String,
}

pub fn verdict_code(v: Verdict) -> &'static str {
    match v {
        Verdict::Eligible => "eligible",
        Verdict::Unknown => "unknown",
        Verdict::Ineligible => "ineligible",
    }
}

fn result_page(
    t: &Trial,
    m: &TrialMatch,
    outcome: &prescreen::Outcome,
    answers: &Answers,
    as_of: eligo_model::Date,
) -> ResultTpl {
    let (title, class, text) = match m.verdict {
        Verdict::Eligible if m.inclusions_verified() => (
            "You appear to qualify",
            "eligible",
            "Every criterion that can be checked is met by your answers. The study team still has to confirm the rest.".to_string(),
        ),
        Verdict::Eligible => (
            "You may qualify",
            "eligible",
            format!(
                "What can be checked is met by your answers, but not all of it could be: {}. The study team has to confirm the rest.",
                eligo_matcher::explain::counts_line(m)
            ),
        ),
        Verdict::Unknown => (
            "Not decided yet",
            "unknown",
            "Nothing you said rules you out, but some answers are missing. The study team can help fill them in.".to_string(),
        ),
        Verdict::Ineligible => (
            "You probably do not qualify",
            "ineligible",
            "At least one criterion is not met by your answers. You can still apply if you think an answer was wrong.".to_string(),
        ),
    };
    let criteria = m
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (kind, _) = kind_words(c.kind);
            let (status, status_class) = views::result_status(c);
            ResultCriterion {
                n: i + 1,
                kind,
                text: unescape(&c.text),
                status,
                status_class,
                reasons: c.results.iter().map(|r| r.explanation.clone()).collect(),
            }
        })
        .collect();
    ResultTpl {
        nav: Nav::default(),
        trial_id: t.id.clone(),
        title: unescape(&t.brief_title),
        verdict: verdict_code(m.verdict),
        verdict_class: class,
        verdict_title: title,
        verdict_text: text,
        as_of: as_of.to_string(),
        criteria,
        dont_know: outcome.dont_know.clone(),
        missing: m.missing.clone(),
        to_confirm: m.to_confirm.iter().map(|s| unescape(s)).collect(),
        can_apply: may_apply(t),
        status_label: status_words(t.status),
        csrf: String::new(),
        answers_json: serde_json::to_string(answers).unwrap_or_else(|_| "{}".into()),
        errors: vec![],
        name: String::new(),
        email: String::new(),
        phone: String::new(),
    }
}

async fn prescreen_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let p = form(&body)?;
    auth::check_public_csrf(&headers, p.get("csrf"))?;
    let (nav, _) = who(&state, &headers).await?;
    let loaded = state.trial(&id).await?;
    let (t, compiled) = (&loaded.trial, &loaded.rules.compiled);
    if t.partial {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            "this record is known only in part, so it cannot be pre-screened",
        )
        .into());
    }
    let q = prescreen::questionnaire(compiled);
    let as_of = matching::today();
    let pairs = p.0.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let answers = Answers::from_pairs(&q, pairs);
    let result = answers
        .clone()
        .and_then(|a| prescreen::facts(&q, &a, as_of).map(|o| (a, o)));
    let (answers, outcome) = match result {
        Ok(x) => x,
        Err(problems) => {
            let kept = answers.unwrap_or_default();
            let csrf = p.get("csrf").unwrap_or("").to_string();
            let tpl = PrescreenTpl {
                nav,
                trial_id: t.id.clone(),
                title: unescape(&t.brief_title),
                csrf,
                errors: problem_lines(&q, &problems),
                questions: question_views(&q, &kept, &problems),
            };
            return page_with(StatusCode::BAD_REQUEST, &tpl, None);
        }
    };
    let m = matching::evaluate(t, compiled, &outcome.facts, as_of);
    let mut tpl = result_page(t, &m, &outcome, &answers, as_of);
    tpl.nav = nav;
    tpl.csrf = p.get("csrf").unwrap_or("").to_string();
    page(&tpl)
}

#[derive(Template)]
#[template(path = "applied.html")]
struct AppliedTpl {
    nav: Nav,
    trial_id: String,
    title: String,
    reference: i64,
}

/// Contact details as given, checked.
struct Contact {
    name: String,
    email: String,
    phone: Option<String>,
}

fn contact_details(p: &Params) -> Result<Contact, Vec<String>> {
    let mut errors = Vec::new();
    let name = p.get("name").unwrap_or("").trim().to_string();
    if name.is_empty() {
        errors.push("Your name is missing.".to_string());
    } else if name.chars().count() > 200 || name.chars().any(char::is_control) {
        errors.push("Your name is too long or has odd characters.".to_string());
    }
    let email = match p.get("email").and_then(auth::normalize_email) {
        Some(e) => e,
        None => {
            errors.push("The email address does not look right.".to_string());
            String::new()
        }
    };
    let phone = p
        .get("phone")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(ph) = &phone
        && (ph.len() > 40
            || !ph
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')' | '.')))
    {
        errors.push("The phone number may have digits, spaces, +, -, ( and ) only.".to_string());
    }
    if !matches!(p.get("consent"), Some("yes" | "on" | "true")) {
        errors.push(
            "Please tick the box to agree that your details are shared with the study team."
                .to_string(),
        );
    }
    if errors.is_empty() {
        Ok(Contact { name, email, phone })
    } else {
        Err(errors)
    }
}

async fn apply(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let p = form(&body)?;
    auth::check_public_csrf(&headers, p.get("csrf"))?;
    // Only applications that are stored count against the limit: a form
    // sent back for a typo (400) or refused (403, 409) costs nothing.
    if let Some(wait) = state.apply_limiter().limited(ip) {
        return Err(AppError::too_many("applications", wait).into());
    }
    let (nav, _) = who(&state, &headers).await?;
    let loaded = state.trial(&id).await?;
    let (t, compiled) = (&loaded.trial, &loaded.rules.compiled);
    if t.partial || !may_apply(t) {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            format!(
                "this trial is not taking applications ({})",
                status_words(t.status)
            ),
        )
        .into());
    }
    // The answers come back from the result page; they are checked and
    // evaluated again here, never trusted.
    let q = prescreen::questionnaire(compiled);
    let raw: std::collections::BTreeMap<String, String> =
        serde_json::from_str(p.get("answers").unwrap_or("{}")).map_err(|_| {
            AppError::field(
                "answers",
                "the pre-screen answers are not readable; start the pre-screen again",
            )
        })?;
    let answers = Answers::from_pairs(&q, raw.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|_| {
            AppError::field(
                "answers",
                "the pre-screen answers are not valid; start the pre-screen again",
            )
        })?;
    let as_of = matching::today();
    let outcome = prescreen::facts(&q, &answers, as_of).map_err(|_| {
        AppError::field(
            "answers",
            "the pre-screen answers are not valid; start the pre-screen again",
        )
    })?;
    let m = matching::evaluate(t, compiled, &outcome.facts, as_of);
    let contact = match contact_details(&p) {
        Ok(c) => c,
        Err(errors) => {
            let mut tpl = result_page(t, &m, &outcome, &answers, as_of);
            tpl.nav = nav;
            tpl.csrf = p.get("csrf").unwrap_or("").to_string();
            tpl.errors = errors;
            tpl.name = p.get("name").unwrap_or("").to_string();
            tpl.email = p.get("email").unwrap_or("").to_string();
            tpl.phone = p.get("phone").unwrap_or("").to_string();
            return page_with(StatusCode::BAD_REQUEST, &tpl, None);
        }
    };
    let answers_json = serde_json::to_string(&answers).map_err(AppError::internal)?;
    let facts_json = serde_json::to_string(&outcome.facts).map_err(AppError::internal)?;
    let as_of_s = as_of.to_string();
    if let Err(wait) = state.apply_limiter().hit(ip) {
        return Err(AppError::too_many("applications", wait).into());
    }
    let reference = state
        .store()
        .submit_application(&NewApplication {
            trial_id: &t.id,
            name: &contact.name,
            email: &contact.email,
            phone: contact.phone.as_deref(),
            consent: true,
            answers_json: &answers_json,
            facts_json: &facts_json,
            verdict: verdict_code(m.verdict),
            as_of: &as_of_s,
        })
        .await?;
    tracing::info!(trial = %t.id, application = reference, "application stored");
    page(&AppliedTpl {
        nav,
        trial_id: t.id.clone(),
        title: unescape(&t.brief_title),
        reference,
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
            let q = prescreen::questionnaire(compiled);
            let answers: Answers = serde_json::from_str(&a.answers_json).unwrap_or_default();
            (unescape(&t.brief_title), prescreen::describe(&q, &answers))
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
