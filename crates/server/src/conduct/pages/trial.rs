//! A trial's home page: its participants and schedule, and adding a participant.

use super::*;

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
pub(crate) struct TrialTpl {
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

pub(crate) async fn trial_page(
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
    form_page(error.is_some(), &tpl)
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
        Some(a) => Some(super::super::parse_id(a)?),
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
