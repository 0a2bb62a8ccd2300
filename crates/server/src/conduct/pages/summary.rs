//! The trial summary, dose escalation, the trial's settings and export downloads.

use super::*;

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
pub(crate) struct SummaryTpl {
    nav: Nav,
    id: String,
    title: String,
    as_of: String,
    groups: Vec<SumGroup>,
}

pub(crate) fn onset(i: &eligo_conduct::summary::Incidence) -> String {
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
pub(crate) struct EscalationTpl {
    nav: Nav,
    id: String,
    title: String,
    e: service::Escalation,
    advices: Vec<eligo_conduct::escalation::Decision>,
    decisions: Vec<(String, String, String, String, String)>,
    error: Option<String>,
}

pub(crate) async fn escalation_page(
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
    form_page(
        error.is_some(),
        &EscalationTpl {
            nav,
            id: ctx.trial.id.clone(),
            title: crate::views::unescape(&ctx.trial.brief_title),
            advices: vec![e.three_plus_three.clone(), e.boin.clone()],
            e,
            decisions,
            error,
        },
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
    match super::super::accept_advice(&state, &c, &ctx, p.get("design"), p.get("note")).await {
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
pub(crate) struct SettingsTpl {
    nav: Nav,
    id: String,
    visits: String,
    baseline_window_days: u32,
    dlt_window_days: u32,
    boin_target: String,
    error: Option<String>,
}

pub(crate) fn settings_page(nav: Nav, ctx: &Ctx, error: Option<String>) -> PageResult {
    form_page(
        error.is_some(),
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
    let (body, ct) = super::super::export_file(&state, &ctx, &file, as_of).await?;
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
