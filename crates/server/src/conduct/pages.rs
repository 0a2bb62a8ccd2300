//! The coordinator's conduct pages: a trial's participants and schedule,
//! a participant's timeline, the visit form, the trial summary, dose
//! escalation, settings and export downloads.

use super::forms::{self, LAB_ROWS};
use super::service::{self, Ctx, ServiceError, Subject};
use super::{actor, as_of_param, chart};
use crate::auth::{self, Coordinator};
use crate::params::{Params, encode};
use crate::web::{Nav, PageError, PageResult, form, page, page_with, to_login, who};
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

// ---------------------------------------------------------------------------
// Trial home

pub struct Cell {
    code: String,
    state: String,
    class: &'static str,
    href: String,
}

pub struct PRow {
    href: String,
    study_id: String,
    synthetic: bool,
    day0: String,
    dose: String,
    status: String,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "conduct/trial.html")]
struct TrialTpl {
    nav: Nav,
    id: String,
    title: String,
    as_of: String,
    codes: Vec<String>,
    rows: Vec<PRow>,
    levels: Vec<(u32, String)>,
    multi_dose: bool,
    schedule: String,
    schedule_source: String,
    application: String,
    error: Option<String>,
    exports: Vec<(String, String)>,
}

pub async fn trial_home(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> PageResult {
    let (nav, _c, ctx) = match coordinator_of(&state, &headers, &uri, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let p = Params::from_uri(&uri)?;
    let as_of = as_of_param(&p)?;
    trial_page(
        &state,
        nav,
        &ctx,
        as_of,
        p.get("application").unwrap_or(""),
        None,
    )
    .await
}

async fn trial_page(
    state: &AppState,
    nav: Nav,
    ctx: &Ctx,
    as_of: Date,
    application: &str,
    error: Option<String>,
) -> PageResult {
    let subjects = service::subjects(state.store(), &ctx.trial.id).await?;
    let mut codes = vec![BASELINE.to_string()];
    codes.extend(ctx.plan.visits.iter().map(|v| v.code.clone()));
    let rows = subjects
        .iter()
        .map(|s| {
            let t = s.timeline(ctx, as_of);
            PRow {
                href: format!("/coordinator/participants/{}?as_of={as_of}", s.row.id),
                study_id: s.p.study_id.clone(),
                synthetic: s.p.synthetic,
                day0: s.p.infusion_date.to_string(),
                dose: s
                    .p
                    .dose_level
                    .and_then(|l| ctx.levels.get(l as usize - 1).map(|t| format!("{l}: {t}")))
                    .unwrap_or_else(|| "—".into()),
                status: s.p.status.code().into(),
                cells: t
                    .rows
                    .iter()
                    .filter(|r| r.kind != "unscheduled")
                    .map(|r| Cell {
                        code: r.code.clone(),
                        state: r.state.label().into(),
                        class: state_class(r.state),
                        href: format!("/coordinator/participants/{}/visits/{}", s.row.id, r.code),
                    })
                    .collect(),
            }
        })
        .collect();
    let base = format!("/coordinator/trials/{}/export", encode(&ctx.trial.id));
    let mut exports: Vec<(String, String)> = ["DM", "EX", "VS", "LB", "QS", "AE", "SUPPAE", "CM"]
        .iter()
        .map(|n| (format!("{n}.csv"), format!("{base}/{n}.csv")))
        .collect();
    exports.push(("FHIR R4 Bundle".into(), format!("{base}/fhir.json")));
    exports.push((
        "Endpoints (CSV)".into(),
        format!("{base}/endpoints.csv?as_of={as_of}"),
    ));
    let tpl = TrialTpl {
        nav,
        id: ctx.trial.id.clone(),
        title: crate::views::unescape(&ctx.trial.brief_title),
        as_of: as_of.to_string(),
        codes,
        rows,
        levels: ctx
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| (i as u32 + 1, l.clone()))
            .collect(),
        multi_dose: ctx.levels.len() > 1,
        schedule: ctx
            .plan
            .visits
            .iter()
            .map(|v| format!("{} ±{} d", v.code, v.window_days))
            .collect::<Vec<_>>()
            .join(", "),
        schedule_source: if ctx.settings.visits.is_some() {
            "as set for this trial".into()
        } else if ctx.plan.default_schedule {
            "eligo's default: the record gives no time frames".into()
        } else {
            "from the record's outcome-measure time frames".into()
        },
        application: application.to_string(),
        exports,
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

pub async fn add_participant(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (nav, c, ctx) = match coordinator_of(&state, &headers, &uri, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let p = form(&body)?;
    auth::check_session_csrf(&c, p.get("csrf"))?;
    let application = match p.get("application_id") {
        Some(a) => Some(super::parse_id(a)?),
        None => None,
    };
    let mut j = forms::participant_json(&p);
    if let Value::Object(m) = &mut j {
        m.remove("status");
        m.remove("withdrawn_on");
    }
    match service::add_participant(state.store(), &ctx, &j, application, &actor(&c)).await {
        Ok(pid) => Ok(Redirect::to(&format!("/coordinator/participants/{pid}")).into_response()),
        Err(ServiceError::Store(e)) => Err(AppError::from(e).into()),
        Err(e) => {
            trial_page(
                &state,
                nav,
                &ctx,
                service::today(),
                p.get("application_id").unwrap_or(""),
                Some(e.to_string()),
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------
// Participant timeline

pub struct EndpointCell {
    label: &'static str,
    text: &'static str,
    class: &'static str,
    detail: String,
}

pub struct TRow {
    code: String,
    label: String,
    href: String,
    window: String,
    date: String,
    day: String,
    state: String,
    state_class: &'static str,
    sledai: String,
    selena: String,
    pga: String,
    pred: String,
    endpoints: Vec<EndpointCell>,
    sri_parts: String,
    worst: String,
}

pub struct AeView {
    id: i64,
    term: String,
    onset: String,
    day: i64,
    resolution: String,
    grade: String,
    scale: String,
    explanation: String,
    serious: bool,
    dlt: bool,
    relatedness: String,
    visit: String,
}

pub struct CmView {
    id: i64,
    name: String,
    dose: String,
    frequency: String,
    route: String,
    start: String,
    end: String,
    glucocorticoid: bool,
}

pub struct AuditView {
    at: String,
    actor: String,
    what: String,
    field: String,
    change: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "conduct/participant.html")]
struct ParticipantTpl {
    nav: Nav,
    pid: i64,
    trial_id: String,
    study_id: String,
    synthetic: bool,
    in_error: Option<String>,
    day0: String,
    dose: String,
    status: String,
    withdrawn_on: String,
    as_of: String,
    chart: String,
    rows: Vec<TRow>,
    aes: Vec<AeView>,
    cms: Vec<CmView>,
    errors: Vec<(String, String, String)>,
    audit: Vec<AuditView>,
    next_unscheduled: String,
    relatedness: &'static [&'static str],
    frequencies: Vec<(&'static str, &'static str)>,
    routes: &'static [&'static str],
    hypotension: &'static [&'static str],
    oxygen: &'static [&'static str],
    consciousness: Vec<&'static str>,
    seizure: Vec<&'static str>,
    motor: Vec<&'static str>,
    edema: Vec<&'static str>,
    levels: Vec<(u32, String, bool)>,
    sex: String,
    age: String,
    cohort: String,
    error: Option<String>,
}

fn audit_views(rows: Vec<eligo_store::conduct::AuditRow>) -> Vec<AuditView> {
    rows.into_iter()
        .map(|a| AuditView {
            at: a.at.get(..19).unwrap_or(&a.at).replace('T', " "),
            actor: a.actor,
            what: format!(
                "{} {}{}",
                a.record_kind.replace('_', " "),
                a.action.replace('_', " "),
                a.record_id.map(|i| format!(" #{i}")).unwrap_or_default()
            ),
            field: a.field.unwrap_or_default(),
            change: match (a.old_value, a.new_value) {
                (Some(o), Some(n)) => format!("{o} → {n}"),
                (None, Some(n)) => n,
                (Some(o), None) => format!("{o} → (removed)"),
                (None, None) => String::new(),
            },
            reason: a.reason.unwrap_or_default(),
        })
        .collect()
}

fn timeline_rows(s: &Subject, ctx: &Ctx, as_of: Date) -> Vec<TRow> {
    let t = s.timeline(ctx, as_of);
    t.rows
        .iter()
        .map(|r: &VisitRow| {
            let endpoints = r
                .endpoints
                .as_ref()
                .map(|e| {
                    BINARY_ENDPOINTS
                        .iter()
                        .filter_map(|(k, label)| {
                            let b = e.get(k)?;
                            let (text, class) = yn(b);
                            Some(EndpointCell {
                                label,
                                text,
                                class,
                                detail: b.detail.clone(),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            let sri_parts = r
                .endpoints
                .as_ref()
                .map(|e| {
                    e.sri4
                        .components
                        .iter()
                        .map(|c| {
                            format!(
                                "{} {}",
                                match c.met {
                                    Some(true) => "✓",
                                    Some(false) => "✗",
                                    None => "?",
                                },
                                c.detail
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            let w = r.worst;
            let g = |x: Option<u8>| x.map_or("—".to_string(), |g| g.to_string());
            TRow {
                code: r.code.clone(),
                label: r.label.clone(),
                href: format!("/coordinator/participants/{}/visits/{}", s.row.id, r.code),
                window: r
                    .window
                    .map(|w| format!("{} to {}", w.start, w.end))
                    .unwrap_or_default(),
                date: d(r.date),
                day: r.day.map(|x| x.to_string()).unwrap_or_default(),
                state: match &r.missed_reason {
                    Some(m) => format!("{}: {m}", r.state.label()),
                    None => r.state.label().into(),
                },
                state_class: state_class(r.state),
                sledai: r.values.sledai2k.map(|x| x.to_string()).unwrap_or_default(),
                selena: r
                    .values
                    .selena_sledai
                    .map(|x| x.to_string())
                    .unwrap_or_default(),
                pga: dec(r.values.pga),
                pred: dec(r.values.prednisone_mg_day),
                endpoints,
                sri_parts,
                worst: if r.state.reached() || r.state.is_done() {
                    format!(
                        "CTCAE {} · CRS {} · ICANS {}",
                        g(w.ctcae),
                        g(w.crs),
                        g(w.icans)
                    )
                } else {
                    String::new()
                },
            }
        })
        .collect()
}

async fn participant_page(
    state: &AppState,
    nav: Nav,
    ctx: &Ctx,
    s: &Subject,
    as_of: Date,
    error: Option<String>,
) -> PageResult {
    let t = s.timeline(ctx, as_of);
    let graded: Vec<(eligo_conduct::AdverseEvent, Option<u8>)> = s
        .aes
        .iter()
        .filter(|(_, a)| a.onset <= as_of)
        .map(|(_, a)| (a.clone(), a.graded().ok().map(|g| g.grade)))
        .collect();
    let chart = chart::svg(&t, &graded, s.p.infusion_date, as_of);
    let aes = s
        .aes
        .iter()
        .map(|(row, a)| {
            let g = a.graded();
            AeView {
                id: row.id,
                term: a.term.clone(),
                onset: a.onset.to_string(),
                day: eligo_conduct::schedule::days_between(s.p.infusion_date, a.onset),
                resolution: d(a.resolution),
                grade: g.as_ref().map(|g| g.grade.to_string()).unwrap_or_default(),
                scale: g
                    .as_ref()
                    .map(|g| format!("{}{}", g.scale, if g.computed { " (computed)" } else { "" }))
                    .unwrap_or_default(),
                explanation: g.map(|g| g.explanation).unwrap_or_else(|e| e),
                serious: a.serious,
                dlt: a.dlt,
                relatedness: a.relatedness.replace('_', " "),
                visit: row.visit_code.clone().unwrap_or_default(),
            }
        })
        .collect();
    let cms = s
        .cms
        .iter()
        .map(|(row, c)| CmView {
            id: row.id,
            name: c.name.clone(),
            dose: c
                .dose_mg
                .map(|x| format!("{} mg", x.normalize()))
                .unwrap_or_default(),
            frequency: c.frequency.clone().unwrap_or_default(),
            route: c.route.clone().unwrap_or_default(),
            start: c.start.to_string(),
            end: d(c.end),
            glucocorticoid: c.prednisone_factor().is_some(),
        })
        .collect();
    let audit = audit_views(
        state
            .store()
            .conduct_audit(&ctx.trial.id, Some(s.row.id))
            .await?,
    );
    let tpl = ParticipantTpl {
        nav,
        pid: s.row.id,
        trial_id: ctx.trial.id.clone(),
        study_id: s.p.study_id.clone(),
        synthetic: s.p.synthetic,
        in_error: s.row.error_reason.clone(),
        day0: s.p.infusion_date.to_string(),
        dose: s
            .p
            .dose_level
            .and_then(|l| {
                ctx.levels
                    .get(l as usize - 1)
                    .map(|t| format!("level {l}: {t}"))
            })
            .unwrap_or_else(|| "—".into()),
        status: s.p.status.code().into(),
        withdrawn_on: d(s.p.withdrawn_on),
        as_of: as_of.to_string(),
        chart,
        rows: timeline_rows(s, ctx, as_of),
        aes,
        cms,
        errors: s
            .errors
            .iter()
            .map(|r| {
                (
                    format!(
                        "{} #{}{}",
                        r.kind.replace('_', " "),
                        r.id,
                        r.visit_code
                            .as_ref()
                            .map(|c| format!(" ({c})"))
                            .unwrap_or_default()
                    ),
                    r.error_reason.clone().unwrap_or_default(),
                    r.updated_at.get(..10).unwrap_or("").to_string(),
                )
            })
            .collect(),
        audit,
        next_unscheduled: service::next_unscheduled(s),
        relatedness: RELATEDNESS,
        frequencies: FREQUENCIES.iter().map(|f| (f.0, f.1)).collect(),
        routes: ROUTES,
        hypotension: &astct_crs::HYPOTENSION,
        oxygen: &astct_crs::OXYGEN,
        consciousness: astct_icans::CONSCIOUSNESS.iter().map(|x| x.0).collect(),
        seizure: astct_icans::SEIZURE.iter().map(|x| x.0).collect(),
        motor: astct_icans::MOTOR.iter().map(|x| x.0).collect(),
        edema: astct_icans::CEREBRAL_EDEMA.iter().map(|x| x.0).collect(),
        levels: ctx
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                (
                    i as u32 + 1,
                    l.clone(),
                    s.p.dose_level == Some(i as u32 + 1),
                )
            })
            .collect(),
        sex: s.p.sex.clone().unwrap_or_default(),
        age: s.p.age_years.map(|a| a.to_string()).unwrap_or_default(),
        cohort: s.p.cohort.map(|a| a.to_string()).unwrap_or_default(),
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

pub async fn participant(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> PageResult {
    let (nav, _c, ctx, s) = match participant_of(&state, &headers, &uri, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let p = Params::from_uri(&uri)?;
    participant_page(&state, nav, &ctx, &s, as_of_param(&p)?, None).await
}

/// POST handlers on a participant: what to do with the form.
enum Act {
    AddAe,
    AddCm,
    Change,
    InError,
    RecordInError,
}

async fn participant_post(
    state: AppState,
    headers: HeaderMap,
    uri: Uri,
    id: String,
    body: Bytes,
    act: Act,
) -> PageResult {
    let (nav, c, ctx, s) = match participant_of(&state, &headers, &uri, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let p = form(&body)?;
    auth::check_session_csrf(&c, p.get("csrf"))?;
    let a = actor(&c);
    let store = state.store();
    let result = match act {
        Act::AddAe => {
            service::add_adverse_event(store, &s, &forms::ae_json(&p), p.get("visit"), &a)
                .await
                .map(|_| ())
        }
        Act::AddCm => service::add_medication(store, &s, &forms::cm_json(&p), p.get("visit"), &a)
            .await
            .map(|_| ()),
        Act::Change => {
            let mut j = forms::participant_json(&p);
            if let (Value::Object(m), Value::Object(old)) = (&mut j, s.p.to_json()) {
                for k in ["study_id", "infusion_date", "synthetic"] {
                    if let Some(v) = old.get(k) {
                        m.entry(k).or_insert(v.clone());
                    }
                }
            }
            service::change_participant(store, &ctx, &s, &j, p.get("reason"), &a).await
        }
        Act::InError => service::participant_in_error(store, s.row.id, p.get("reason"), &a).await,
        Act::RecordInError => {
            let rid = super::parse_id(p.get("record").unwrap_or(""))?;
            let owned = s.visits.iter().any(|(r, _)| r.id == rid)
                || s.aes.iter().any(|(r, _)| r.id == rid)
                || s.cms.iter().any(|(r, _)| r.id == rid);
            if !owned {
                return Err(AppError::not_found("no such record of this participant").into());
            }
            service::record_in_error(store, rid, p.get("reason"), &a).await
        }
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/coordinator/participants/{}", s.row.id)).into_response())
        }
        Err(ServiceError::Store(e)) => Err(AppError::from(e).into()),
        Err(e) => {
            participant_page(&state, nav, &ctx, &s, service::today(), Some(e.to_string())).await
        }
    }
}

pub async fn add_ae(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    participant_post(state, headers, uri, id, body, Act::AddAe).await
}

pub async fn add_cm(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    participant_post(state, headers, uri, id, body, Act::AddCm).await
}

pub async fn change_participant(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    participant_post(state, headers, uri, id, body, Act::Change).await
}

pub async fn participant_error(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    participant_post(state, headers, uri, id, body, Act::InError).await
}

pub async fn record_error(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    participant_post(state, headers, uri, id, body, Act::RecordInError).await
}

// ---------------------------------------------------------------------------
// Visit form

pub struct SledaiRow {
    name: &'static str,
    label: String,
    weight: u32,
    k2: bool,
    selena: bool,
}

pub struct SdiRow {
    name: &'static str,
    domain: &'static str,
    count: bool,
    value: String,
    checked: bool,
}

pub struct LabRow {
    key: &'static str,
    label: &'static str,
    value: String,
    unit: String,
    units: Vec<(&'static str, bool)>,
    low: String,
    high: String,
}

#[derive(Template)]
#[template(path = "conduct/visit.html")]
struct VisitTpl {
    nav: Nav,
    pid: i64,
    study_id: String,
    code: String,
    label: String,
    window: String,
    existing: bool,
    missed: Option<String>,
    date: String,
    sledai2k_assessed: bool,
    selena_assessed: bool,
    sledai: Vec<SledaiRow>,
    bilag: Vec<(&'static str, String)>,
    pga: String,
    sdi_assessed: bool,
    sdi: Vec<SdiRow>,
    attest: Vec<(&'static str, &'static str, String)>,
    labs: Vec<LabRow>,
    vitals: Vec<(&'static str, &'static str, &'static str, String)>,
    notes: String,
    error: Option<String>,
}

fn vstr(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

struct VisitView {
    sledai2k_assessed: bool,
    selena_assessed: bool,
    sledai: Vec<SledaiRow>,
    bilag: Vec<(&'static str, String)>,
    sdi_assessed: bool,
    sdi: Vec<SdiRow>,
}

/// The form view of a visit JSON (stored, or as just submitted).
fn visit_view(j: &Value) -> VisitView {
    let k2 = j.get("sledai2k");
    let sel = j.get("selena_sledai");
    let sledai = sledai2k::ITEMS
        .iter()
        .map(|it| SledaiRow {
            name: it.name,
            label: it.name.replace('_', " "),
            weight: it.weight,
            k2: k2.and_then(|x| x[it.name].as_bool()).unwrap_or(false),
            selena: sel.and_then(|x| x[it.name].as_bool()).unwrap_or(false),
        })
        .collect();
    let bilag = bilag2004::DOMAINS
        .iter()
        .map(|dname| (*dname, vstr(&j["bilag"][*dname])))
        .collect();
    let s = j.get("sdi");
    let sdi_rows = sdi::ITEMS
        .iter()
        .map(|it| {
            let v = s.map(|x| &x[it.name]).unwrap_or(&Value::Null);
            SdiRow {
                name: it.name,
                domain: it.domain,
                count: it.kind == sdi::Kind::Count,
                value: match v {
                    Value::Number(n) => n.to_string(),
                    _ => "0".into(),
                },
                checked: v.as_bool().unwrap_or(false),
            }
        })
        .collect();
    VisitView {
        sledai2k_assessed: k2.is_some(),
        selena_assessed: sel.is_some(),
        sledai,
        bilag,
        sdi_assessed: s.is_some(),
        sdi: sdi_rows,
    }
}

async fn visit_page(
    nav: Nav,
    ctx: &Ctx,
    s: &Subject,
    code: &str,
    submitted: Option<&Value>,
    error: Option<String>,
) -> PageResult {
    service::check_code(ctx, code).map_err(AppError::from)?;
    let existing = s.visits.iter().find(|(_, v)| v.code == code);
    let stored: Value = existing
        .map(|(r, _)| serde_json::from_str(&r.data_json).unwrap_or(Value::Null))
        .unwrap_or(Value::Null);
    let j = submitted.unwrap_or(&stored);
    let view = visit_view(j);
    let lab_of = |key: &str| -> Option<&Value> {
        j["labs"]
            .as_array()
            .and_then(|a| a.iter().find(|l| l["analyte"] == key))
    };
    let labs = LAB_ROWS
        .iter()
        .map(|(key, label, units)| {
            let l = lab_of(key);
            let unit = l
                .map(|l| vstr(&l["unit"]))
                .unwrap_or_else(|| units[0].to_string());
            LabRow {
                key,
                label,
                value: l.map(|l| vstr(&l["value"])).unwrap_or_default(),
                units: units.iter().map(|u| (*u, *u == unit)).collect(),
                unit,
                low: l.map(|l| vstr(&l["low"])).unwrap_or_default(),
                high: l.map(|l| vstr(&l["high"])).unwrap_or_default(),
            }
        })
        .collect();
    let (label, window) = match ctx.plan.visit(code) {
        Some(v) => {
            let w = eligo_conduct::schedule::Window::around(
                v.offset.target(s.p.infusion_date),
                v.window_days,
            );
            (
                v.label.clone(),
                format!("target {} (window {} to {})", w.target, w.start, w.end),
            )
        }
        None if code == BASELINE => {
            let w = eligo_conduct::schedule::baseline_window(
                s.p.infusion_date,
                ctx.settings.baseline_window_days,
            );
            (
                "Baseline (screening)".into(),
                format!("window {} to {} (day 0)", w.start, w.end),
            )
        }
        None => (format!("Unscheduled visit {code}"), "unscheduled".into()),
    };
    let tpl = VisitTpl {
        nav,
        pid: s.row.id,
        study_id: s.p.study_id.clone(),
        code: code.to_string(),
        label,
        window,
        existing: existing.is_some_and(|(_, v)| v.date.is_some()),
        missed: existing.and_then(|(_, v)| v.missed.clone()),
        date: vstr(&j["date"]),
        sledai2k_assessed: view.sledai2k_assessed,
        selena_assessed: view.selena_assessed,
        sledai: view.sledai,
        bilag: view.bilag,
        pga: vstr(&j["pga"]),
        sdi_assessed: view.sdi_assessed,
        sdi: view.sdi,
        attest: ATTESTATIONS
            .iter()
            .map(|(k, l)| {
                (
                    *k,
                    *l,
                    match j[*k].as_bool() {
                        Some(true) => "yes".into(),
                        Some(false) => "no".into(),
                        None => String::new(),
                    },
                )
            })
            .collect(),
        labs,
        vitals: VITALS
            .iter()
            .map(|(f, l, u, ..)| (*f, *l, *u, vstr(&j["vitals"][*f])))
            .collect(),
        notes: vstr(&j["notes"]),
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

pub async fn visit_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((id, code)): Path<(String, String)>,
) -> PageResult {
    let (nav, _c, ctx, s) = match participant_of(&state, &headers, &uri, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    visit_page(nav, &ctx, &s, &code, None, None).await
}

pub async fn visit_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((id, code)): Path<(String, String)>,
    body: Bytes,
) -> PageResult {
    let (nav, c, ctx, s) = match participant_of(&state, &headers, &uri, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let p = form(&body)?;
    auth::check_session_csrf(&c, p.get("csrf"))?;
    let a = actor(&c);
    let store = state.store();
    let (result, submitted) = match p.get("action") {
        Some("missed") => (
            service::mark_missed(store, &ctx, &s, &code, p.get("reason"), &a)
                .await
                .map(|_| ()),
            None,
        ),
        Some("fhir") => {
            let bundle: Value = match serde_json::from_str(p.get("bundle").unwrap_or("")) {
                Ok(b) => b,
                Err(e) => {
                    return visit_page(
                        nav,
                        &ctx,
                        &s,
                        &code,
                        None,
                        Some(format!("bundle: not JSON ({e})")),
                    )
                    .await;
                }
            };
            let date = p.get("date").and_then(eligo_conduct::input::parse_date);
            let Some(date) = date else {
                return visit_page(
                    nav,
                    &ctx,
                    &s,
                    &code,
                    None,
                    Some("date: give the visit date of the bundle".into()),
                )
                .await;
            };
            match eligo_conduct::fhir::visit_from_bundle(&bundle, date) {
                Ok(imp) => {
                    let base = s
                        .visits
                        .iter()
                        .find(|(_, v)| v.code == code)
                        .map(|(_, v)| v.data.clone())
                        .unwrap_or_default();
                    let merged = eligo_conduct::fhir::merge(&base, &imp.data);
                    let mut j = merged.to_json();
                    j["date"] = Value::String(date.to_string());
                    let r = service::record_visit(
                        store,
                        &ctx,
                        &s,
                        &code,
                        &j,
                        p.get("reason"),
                        service::today(),
                        &a,
                    )
                    .await
                    .map(|_| ());
                    (r, Some(j))
                }
                Err(e) => (Err(ServiceError::Invalid(e)), None),
            }
        }
        _ => {
            let j = forms::visit_json(&p);
            let r = service::record_visit(
                store,
                &ctx,
                &s,
                &code,
                &j,
                p.get("reason"),
                service::today(),
                &a,
            )
            .await
            .map(|_| ());
            (r, Some(j))
        }
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/coordinator/participants/{}", s.row.id)).into_response())
        }
        Err(ServiceError::Store(e)) => Err(AppError::from(e).into()),
        Err(e) => {
            visit_page(
                nav,
                &ctx,
                &s,
                &code,
                submitted.as_ref(),
                Some(e.to_string()),
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------
// Summary, escalation, settings, export

pub struct SumRow {
    label: &'static str,
    visit: String,
    registered: bool,
    text: String,
    missing: u32,
    not_yet: u32,
}

pub struct SumGroup {
    label: String,
    participants: u32,
    rows: Vec<SumRow>,
    aes: Vec<eligo_conduct::summary::AeRow>,
    crs: String,
    crs_onset: String,
    icans: String,
    icans_onset: String,
}

#[derive(Template)]
#[template(path = "conduct/summary.html")]
struct SummaryTpl {
    nav: Nav,
    id: String,
    title: String,
    as_of: String,
    groups: Vec<SumGroup>,
}

fn onset(i: &eligo_conduct::summary::Incidence) -> String {
    match i.median_onset_day {
        Some(m) => format!(
            "median day {m} (days {})",
            i.onset_days
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => "—".into(),
    }
}

pub async fn summary(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> PageResult {
    let (nav, _c, ctx) = match coordinator_of(&state, &headers, &uri, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let as_of = as_of_param(&Params::from_uri(&uri)?)?;
    let subjects = service::subjects(state.store(), &ctx.trial.id).await?;
    let sum = service::summary(&ctx, &subjects, as_of);
    let groups = sum
        .groups
        .into_iter()
        .map(|g| SumGroup {
            label: g.label,
            participants: g.participants,
            rows: g
                .endpoints
                .iter()
                .map(|r| SumRow {
                    label: r.label,
                    visit: r.visit.clone(),
                    registered: r.registered,
                    text: r.responders.text(),
                    missing: r.responders.missing,
                    not_yet: r.responders.not_yet,
                })
                .collect(),
            crs: g.crs.participants.text(),
            crs_onset: onset(&g.crs),
            icans: g.icans.participants.text(),
            icans_onset: onset(&g.icans),
            aes: g.adverse_events,
        })
        .collect();
    page(&SummaryTpl {
        nav,
        id: ctx.trial.id.clone(),
        title: crate::views::unescape(&ctx.trial.brief_title),
        as_of: as_of.to_string(),
        groups,
    })
}

#[derive(Template)]
#[template(path = "conduct/escalation.html")]
struct EscalationTpl {
    nav: Nav,
    id: String,
    title: String,
    e: service::Escalation,
    advices: Vec<eligo_conduct::escalation::Decision>,
    decisions: Vec<(String, String, String, String, String)>,
    error: Option<String>,
}

async fn escalation_page(
    state: &AppState,
    nav: Nav,
    ctx: &Ctx,
    as_of: Date,
    error: Option<String>,
) -> PageResult {
    let subjects = service::subjects(state.store(), &ctx.trial.id).await?;
    let e = service::escalation(ctx, &subjects, as_of);
    let decisions = state
        .store()
        .decisions(&ctx.trial.id)
        .await?
        .into_iter()
        .map(|d| {
            let advice: Value = serde_json::from_str(&d.advice_json).unwrap_or(Value::Null);
            (
                d.at.get(..16).unwrap_or(&d.at).replace('T', " "),
                d.actor,
                d.design,
                vstr(&advice["advice"]),
                d.note.unwrap_or_default(),
            )
        })
        .collect();
    page_with(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &EscalationTpl {
            nav,
            id: ctx.trial.id.clone(),
            title: crate::views::unescape(&ctx.trial.brief_title),
            advices: vec![e.three_plus_three.clone(), e.boin.clone()],
            e,
            decisions,
            error,
        },
        None,
    )
}

pub async fn escalation(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> PageResult {
    let (nav, _c, ctx) = match coordinator_of(&state, &headers, &uri, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let as_of = as_of_param(&Params::from_uri(&uri)?)?;
    escalation_page(&state, nav, &ctx, as_of, None).await
}

pub async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (nav, c, ctx) = match coordinator_of(&state, &headers, &uri, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let p = form(&body)?;
    auth::check_session_csrf(&c, p.get("csrf"))?;
    match super::accept_advice(&state, &c, &ctx, p.get("design"), p.get("note")).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/coordinator/trials/{}/escalation",
            encode(&ctx.trial.id)
        ))
        .into_response()),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            escalation_page(&state, nav, &ctx, service::today(), Some(e.message)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "conduct/settings.html")]
struct SettingsTpl {
    nav: Nav,
    id: String,
    visits: String,
    baseline_window_days: u32,
    dlt_window_days: u32,
    boin_target: String,
    error: Option<String>,
}

fn settings_page(nav: Nav, ctx: &Ctx, error: Option<String>) -> PageResult {
    page_with(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &SettingsTpl {
            nav,
            id: ctx.trial.id.clone(),
            visits: ctx
                .plan
                .visits
                .iter()
                .map(|v| format!("{}:{}", v.code, v.window_days))
                .collect::<Vec<_>>()
                .join(", "),
            baseline_window_days: ctx.settings.baseline_window_days,
            dlt_window_days: ctx.settings.dlt_window_days,
            boin_target: ctx.settings.boin_target.normalize().to_string(),
            error,
        },
        None,
    )
}

pub async fn settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> PageResult {
    let (nav, _c, ctx) = match coordinator_of(&state, &headers, &uri, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    settings_page(nav, &ctx, None)
}

pub async fn save_settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (nav, c, ctx) = match coordinator_of(&state, &headers, &uri, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let p = form(&body)?;
    auth::check_session_csrf(&c, p.get("csrf"))?;
    match service::save_settings(
        state.store(),
        &ctx,
        &forms::settings_json(&p),
        p.get("reason"),
        &actor(&c),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/coordinator/trials/{}/conduct",
            encode(&ctx.trial.id)
        ))
        .into_response()),
        Err(ServiceError::Store(e)) => Err(AppError::from(e).into()),
        Err(e) => settings_page(nav, &ctx, Some(e.to_string())),
    }
}

pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path((id, file)): Path<(String, String)>,
) -> PageResult {
    let (_nav, _c, ctx) = match coordinator_of(&state, &headers, &uri, &id).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let as_of = as_of_param(&Params::from_uri(&uri)?)?;
    let (body, ct) = super::export_file(&state, &ctx, &file, as_of).await?;
    let mut res = (StatusCode::OK, body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}-{}\"",
        ctx.trial.id.replace(['"', '\\'], ""),
        file.replace(['"', '\\'], "")
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
