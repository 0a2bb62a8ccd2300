//! The visit form: scores, labs and assessments of one visit, shown and saved.

use super::*;

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
pub(crate) struct VisitTpl {
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

pub(crate) fn vstr(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) struct VisitView {
    sledai2k_assessed: bool,
    selena_assessed: bool,
    sledai: Vec<SledaiRow>,
    bilag: Vec<(&'static str, String)>,
    sdi_assessed: bool,
    sdi: Vec<SdiRow>,
}

/// The form view of a visit JSON (stored, or as just submitted).
pub(crate) fn visit_view(j: &Value) -> VisitView {
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

pub(crate) async fn visit_page(
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
    form_page(error.is_some(), &tpl)
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
