//! A participant's timeline: visits, endpoints, adverse events, concomitant
//! medications and the audit trail, and the changes made from it.

use super::*;

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
pub(crate) struct ParticipantTpl {
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

pub(crate) fn audit_views(rows: Vec<eligo_store::conduct::AuditRow>) -> Vec<AuditView> {
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

pub(crate) fn timeline_rows(s: &Subject, ctx: &Ctx, as_of: Date) -> Vec<TRow> {
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

pub(crate) async fn participant_page(
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
    form_page(error.is_some(), &tpl)
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
pub(crate) enum Act {
    AddAe,
    AddCm,
    Change,
    InError,
    RecordInError,
}

pub(crate) async fn participant_post(
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
            let rid = super::super::parse_id(p.get("record").unwrap_or(""))?;
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
