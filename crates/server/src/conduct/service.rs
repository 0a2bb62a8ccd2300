//! Trial conduct over the store: the one place that reads input into
//! eligo-conduct's types, writes records with their audit rows, and loads
//! a trial's participants for endpoints, summaries, escalation and export.
//! The pages, the JSON API and the CLI all go through here.
//!
//! Authorization is the caller's: the server checks that the coordinator
//! works on the trial before calling; the CLI is the operator's tool.

use eligo_conduct::audit;
use eligo_conduct::data::{AdverseEvent, ConMed, Participant, VisitData, VisitInput};
use eligo_conduct::endpoints::{Timeline, VisitRecord};
use eligo_conduct::escalation::{self, BoinRow, Decision, DoseCount};
use eligo_conduct::export::sdtm;
use eligo_conduct::schedule::BASELINE;
use eligo_conduct::summary::{self, Summary};
use eligo_conduct::{Date, FieldError, Plan, Settings};
use eligo_model::Trial;
use eligo_store::Store;
use eligo_store::conduct::{Actor, Changed, Created, FieldChange, ParticipantRow, RecordRow};
use serde::Serialize;
use serde_json::{Value, json};

/// Why a conduct operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Invalid(FieldError),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] eligo_store::StoreError),
}

impl From<FieldError> for ServiceError {
    fn from(e: FieldError) -> Self {
        ServiceError::Invalid(e)
    }
}

impl From<ServiceError> for crate::AppError {
    fn from(e: ServiceError) -> Self {
        use axum::http::StatusCode;
        match e {
            ServiceError::Invalid(f) => crate::AppError::field(f.path, f.message),
            ServiceError::NotFound(m) => crate::AppError::not_found(m),
            ServiceError::Conflict(m) => crate::AppError::new(StatusCode::CONFLICT, m),
            ServiceError::Store(s) => crate::AppError::internal(s),
        }
    }
}

type Result<T, E = ServiceError> = std::result::Result<T, E>;

fn invalid(path: &str, msg: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(FieldError::new(path, msg))
}

/// A trial with what conduct needs of it.
pub struct Ctx {
    pub trial: Trial,
    pub plan: Plan,
    pub settings: Settings,
    /// The record's dose levels, as written.
    pub levels: Vec<String>,
}

/// The trial's conduct context, None when it is not in the registry.
pub async fn ctx(store: &Store, trial_id: &str) -> Result<Option<Ctx>> {
    let Some(trial) = store.get_trial(trial_id).await? else {
        return Ok(None);
    };
    let settings = match store.conduct_settings(&trial.id).await? {
        Some(s) => serde_json::from_str::<Value>(&s)
            .ok()
            .and_then(|v| Settings::from_json(&v).ok())
            .unwrap_or_default(),
        None => Settings::default(),
    };
    let plan = eligo_conduct::plan(&trial).with_settings(&settings);
    let levels = eligo_conduct::dose_levels(&trial);
    Ok(Some(Ctx {
        trial,
        plan,
        settings,
        levels,
    }))
}

/// A participant with their live records.
pub struct Subject {
    pub row: ParticipantRow,
    pub p: Participant,
    pub visits: Vec<(RecordRow, VisitRecord)>,
    pub aes: Vec<(RecordRow, AdverseEvent)>,
    pub cms: Vec<(RecordRow, ConMed)>,
    /// Records entered in error (shown, never used).
    pub errors: Vec<RecordRow>,
}

impl Subject {
    pub fn visit_records(&self) -> Vec<VisitRecord> {
        self.visits.iter().map(|(_, v)| v.clone()).collect()
    }
    pub fn ae_list(&self) -> Vec<AdverseEvent> {
        self.aes.iter().map(|(_, a)| a.clone()).collect()
    }
    pub fn cm_list(&self) -> Vec<ConMed> {
        self.cms.iter().map(|(_, c)| c.clone()).collect()
    }
    pub fn timeline(&self, ctx: &Ctx, as_of: Date) -> Timeline {
        eligo_conduct::timeline(
            &ctx.plan,
            &ctx.settings,
            &self.p,
            &self.visit_records(),
            &self.ae_list(),
            &self.cm_list(),
            as_of,
        )
    }
}

fn parse_json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or(Value::Null)
}

/// A stored visit: `{"date", ...data}` or `{"missed": reason}`.
fn visit_from_row(r: &RecordRow) -> Option<VisitRecord> {
    let mut v = parse_json(&r.data_json);
    let m = v.as_object_mut()?;
    let missed = m
        .remove("missed")
        .and_then(|x| x.as_str().map(str::to_string));
    let date = m
        .remove("date")
        .and_then(|x| x.as_str().and_then(eligo_conduct::input::parse_date));
    let data = VisitData::from_json(&v).ok()?;
    Some(VisitRecord {
        code: r.visit_code.clone().unwrap_or_default(),
        date,
        missed,
        data,
    })
}

fn subject_from(row: ParticipantRow, records: Vec<RecordRow>) -> Option<Subject> {
    let p = Participant::from_json(&parse_json(&row.data_json)).ok()?;
    let mut s = Subject {
        row,
        p,
        visits: vec![],
        aes: vec![],
        cms: vec![],
        errors: vec![],
    };
    for r in records {
        if r.error_reason.is_some() {
            s.errors.push(r);
            continue;
        }
        let j = parse_json(&r.data_json);
        match r.kind.as_str() {
            "visit" => {
                if let Some(v) = visit_from_row(&r) {
                    s.visits.push((r, v));
                }
            }
            "adverse_event" => {
                if let Ok(a) = AdverseEvent::from_json(&j) {
                    s.aes.push((r, a));
                }
            }
            "medication" => {
                if let Ok(c) = ConMed::from_json(&j) {
                    s.cms.push((r, c));
                }
            }
            _ => {}
        }
    }
    Some(s)
}

/// The trial's participants (not entered in error) with their records.
pub async fn subjects(store: &Store, trial_id: &str) -> Result<Vec<Subject>> {
    let rows = store.participants(trial_id).await?;
    let mut records = store.trial_records(trial_id).await?;
    let mut out = Vec::new();
    for row in rows.into_iter().filter(|r| r.error_reason.is_none()) {
        let mine: Vec<RecordRow> = records
            .iter()
            .filter(|r| r.participant_id == row.id)
            .cloned()
            .collect();
        records.retain(|r| r.participant_id != row.id);
        if let Some(s) = subject_from(row, mine) {
            out.push(s);
        }
    }
    Ok(out)
}

/// One participant (entered in error or not) with their records.
pub async fn subject(store: &Store, id: i64) -> Result<Option<Subject>> {
    let Some(row) = store.participant(id).await? else {
        return Ok(None);
    };
    let records = store.records(id).await?;
    Ok(subject_from(row, records))
}

fn changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    audit::diff(old, new)
        .into_iter()
        .map(|c| FieldChange {
            field: c.path,
            old: c.old,
            new: c.new,
        })
        .collect()
}

fn need_reason(reason: Option<&str>) -> Result<&str> {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if r.chars().count() <= 500 => Ok(r),
        Some(_) => Err(invalid("reason", "longer than 500 characters")),
        None => Err(invalid(
            "reason",
            "required: say why the entered data are changed",
        )),
    }
}

/// Check a participant against the trial: dose level within the record's.
fn check_participant(ctx: &Ctx, p: &Participant) -> Result<()> {
    match p.dose_level {
        Some(l) if ctx.levels.is_empty() => Err(invalid(
            "dose_level",
            format!(
                "the record of {} lists no dose levels (got {l})",
                ctx.trial.id
            ),
        )),
        Some(l) if l as usize > ctx.levels.len() => Err(invalid(
            "dose_level",
            format!(
                "the record lists {} dose levels (got {l})",
                ctx.levels.len()
            ),
        )),
        _ => Ok(()),
    }
}

/// Add a participant; `application_id` links the application they came from.
pub async fn add_participant(
    store: &Store,
    ctx: &Ctx,
    input: &Value,
    application_id: Option<i64>,
    actor: &Actor,
) -> Result<i64> {
    let p = Participant::from_json(input)?;
    check_participant(ctx, &p)?;
    if let Some(a) = application_id {
        let app = store
            .application(a)
            .await?
            .ok_or_else(|| invalid("application_id", "no such application"))?;
        if app.trial_id != ctx.trial.id {
            return Err(invalid(
                "application_id",
                "the application is to another trial",
            ));
        }
        if store.participant_of_application(a).await?.is_some() {
            return Err(ServiceError::Conflict(format!(
                "application {a} is already a participant"
            )));
        }
    }
    let j = p.to_json();
    let fields = changes(&json!({}), &j);
    match store
        .create_participant(
            &ctx.trial.id,
            &p.study_id,
            application_id,
            &j.to_string(),
            &fields,
            actor,
        )
        .await?
    {
        Created::Created(id) => Ok(id),
        _ => Err(ServiceError::Conflict(format!(
            "{} already has a participant {}",
            ctx.trial.id, p.study_id
        ))),
    }
}

/// Change a participant (status, withdrawal, dose level...), with a reason.
pub async fn change_participant(
    store: &Store,
    ctx: &Ctx,
    s: &Subject,
    input: &Value,
    reason: Option<&str>,
    actor: &Actor,
) -> Result<()> {
    let reason = need_reason(reason)?;
    let p = Participant::from_json(input)?;
    check_participant(ctx, &p)?;
    if p.study_id != s.p.study_id {
        return Err(invalid("study_id", "a study id cannot be changed"));
    }
    let old = s.p.to_json();
    let new = p.to_json();
    let ch = changes(&old, &new);
    if ch.is_empty() {
        return Ok(());
    }
    match store
        .update_participant(
            s.row.id,
            &new.to_string(),
            &ch,
            reason,
            &s.row.updated_at,
            actor,
        )
        .await?
    {
        Changed::Changed => Ok(()),
        Changed::NotFound => Err(ServiceError::NotFound("no such participant".into())),
        Changed::Conflict => Err(ServiceError::Conflict(
            "the participant changed since it was read (or is entered in error): reload".into(),
        )),
    }
}

/// Is `code` a visit of this trial: BL, a planned visit, or U1, U2...?
pub fn check_code(ctx: &Ctx, code: &str) -> Result<()> {
    let unscheduled = code
        .strip_prefix('U')
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| (1..=999).contains(&n));
    if code == BASELINE || ctx.plan.visit(code).is_some() || unscheduled {
        Ok(())
    } else {
        let planned: Vec<&str> = ctx.plan.visits.iter().map(|v| v.code.as_str()).collect();
        Err(invalid(
            "visit",
            format!(
                "{code:?} is not a visit of {}: BL, {}, or U1, U2... for unscheduled visits",
                ctx.trial.id,
                planned.join(", ")
            ),
        ))
    }
}

/// The next free unscheduled code (U1, U2...).
pub fn next_unscheduled(s: &Subject) -> String {
    let used: Vec<u32> = s
        .visits
        .iter()
        .filter_map(|(_, v)| v.code.strip_prefix('U').and_then(|n| n.parse().ok()))
        .collect();
    format!("U{}", (1..).find(|n| !used.contains(n)).unwrap_or(1))
}

fn visit_json(date: Date, data: &VisitData) -> Value {
    let mut j = data.to_json();
    if let Value::Object(m) = &mut j {
        m.insert("date".into(), json!(date.to_string()));
    }
    j
}

/// What recording a visit did.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    pub visit_id: i64,
    /// `created` or `changed` (or `unchanged`).
    pub action: &'static str,
    pub adverse_events: Vec<i64>,
    pub medications: Vec<i64>,
}

/// Record a visit from its JSON (the `eligo visit record` file): the first
/// entry needs no reason, a change does. AEs and medications in it are
/// added as new records reported at this visit. `today` bounds the visit
/// date (the example loads with its own date).
#[allow(clippy::too_many_arguments)] // each is a separate fact of the write
pub async fn record_visit(
    store: &Store,
    ctx: &Ctx,
    s: &Subject,
    code: &str,
    input: &Value,
    reason: Option<&str>,
    today: Date,
    actor: &Actor,
) -> Result<Recorded> {
    check_code(ctx, code)?;
    if s.row.error_reason.is_some() {
        return Err(ServiceError::Conflict(
            "this participant is entered in error".into(),
        ));
    }
    let v = VisitInput::from_json(input)?;
    if v.date > today {
        return Err(invalid(
            "date",
            format!("{} is after today ({today})", v.date),
        ));
    }
    if code == BASELINE && v.date > s.p.infusion_date {
        return Err(invalid(
            "date",
            format!(
                "the baseline visit must be on or before the infusion ({})",
                s.p.infusion_date
            ),
        ));
    }
    let new = visit_json(v.date, &v.data);
    let existing = s.visits.iter().find(|(_, r)| r.code == code);
    let (visit_id, action) = match existing {
        Some((row, rec)) => {
            let old = match rec.date {
                Some(d) => visit_json(d, &rec.data),
                None => json!({"missed": rec.missed}),
            };
            let ch = changes(&old, &new);
            if ch.is_empty() {
                (row.id, "unchanged")
            } else {
                let reason = need_reason(reason)?;
                match store
                    .update_record(
                        row.id,
                        &new.to_string(),
                        &ch,
                        reason,
                        &row.updated_at,
                        actor,
                    )
                    .await?
                {
                    Changed::Changed => (row.id, "changed"),
                    Changed::NotFound => {
                        return Err(ServiceError::NotFound("no such visit".into()));
                    }
                    Changed::Conflict => {
                        return Err(ServiceError::Conflict(
                            "the visit changed since it was read: reload".into(),
                        ));
                    }
                }
            }
        }
        None => {
            let ch = changes(&json!({}), &new);
            match store
                .add_record(s.row.id, "visit", Some(code), &new.to_string(), &ch, actor)
                .await?
            {
                Created::Created(id) => (id, "created"),
                Created::Duplicate => {
                    return Err(ServiceError::Conflict(format!(
                        "visit {code} was recorded meanwhile: reload"
                    )));
                }
                Created::NotFound => {
                    return Err(ServiceError::NotFound("no such participant".into()));
                }
            }
        }
    };
    let mut out = Recorded {
        visit_id,
        action,
        adverse_events: vec![],
        medications: vec![],
    };
    for a in &v.adverse_events {
        out.adverse_events
            .push(add_record(store, s, "adverse_event", code, &a.to_json(), actor).await?);
    }
    for c in &v.concomitant_medications {
        out.medications
            .push(add_record(store, s, "medication", code, &c.to_json(), actor).await?);
    }
    Ok(out)
}

/// Mark a visit missed (not done), with the reason.
pub async fn mark_missed(
    store: &Store,
    ctx: &Ctx,
    s: &Subject,
    code: &str,
    reason: Option<&str>,
    actor: &Actor,
) -> Result<i64> {
    check_code(ctx, code)?;
    let reason = need_reason(reason)?;
    if s.visits.iter().any(|(_, v)| v.code == code) {
        return Err(ServiceError::Conflict(format!(
            "visit {code} already has a record: mark that record entered in error first"
        )));
    }
    let j = json!({"missed": reason});
    let ch = changes(&json!({}), &j);
    match store
        .add_record(s.row.id, "visit", Some(code), &j.to_string(), &ch, actor)
        .await?
    {
        Created::Created(id) => Ok(id),
        _ => Err(ServiceError::Conflict(format!(
            "visit {code} was recorded meanwhile"
        ))),
    }
}

async fn add_record(
    store: &Store,
    s: &Subject,
    kind: &str,
    code: &str,
    j: &Value,
    actor: &Actor,
) -> Result<i64> {
    let ch = changes(&json!({}), j);
    let code = Some(code).filter(|c| !c.is_empty());
    match store
        .add_record(s.row.id, kind, code, &j.to_string(), &ch, actor)
        .await?
    {
        Created::Created(id) => Ok(id),
        _ => Err(ServiceError::NotFound("no such participant".into())),
    }
}

/// Add an adverse event (JSON as in a visit file's `adverse_events`).
pub async fn add_adverse_event(
    store: &Store,
    s: &Subject,
    input: &Value,
    visit: Option<&str>,
    actor: &Actor,
) -> Result<i64> {
    let a = AdverseEvent::from_json(input)?;
    if a.onset < s.p.infusion_date {
        // Before day 0 is medical history, not an adverse event of the product.
        return Err(invalid(
            "onset",
            format!("before the infusion ({})", s.p.infusion_date),
        ));
    }
    add_record(
        store,
        s,
        "adverse_event",
        visit.unwrap_or(""),
        &a.to_json(),
        actor,
    )
    .await
}

/// Add a concomitant medication.
pub async fn add_medication(
    store: &Store,
    s: &Subject,
    input: &Value,
    visit: Option<&str>,
    actor: &Actor,
) -> Result<i64> {
    let c = ConMed::from_json(input)?;
    add_record(
        store,
        s,
        "medication",
        visit.unwrap_or(""),
        &c.to_json(),
        actor,
    )
    .await
}

/// Change an adverse event or medication, with a reason.
pub async fn change_record(
    store: &Store,
    row: &RecordRow,
    input: &Value,
    reason: Option<&str>,
    actor: &Actor,
) -> Result<()> {
    let reason = need_reason(reason)?;
    let new = match row.kind.as_str() {
        "adverse_event" => AdverseEvent::from_json(input)?.to_json(),
        "medication" => ConMed::from_json(input)?.to_json(),
        _ => {
            return Err(invalid(
                "kind",
                "visits are changed by recording the visit again",
            ));
        }
    };
    let ch = changes(&parse_json(&row.data_json), &new);
    if ch.is_empty() {
        return Ok(());
    }
    match store
        .update_record(
            row.id,
            &new.to_string(),
            &ch,
            reason,
            &row.updated_at,
            actor,
        )
        .await?
    {
        Changed::Changed => Ok(()),
        Changed::NotFound => Err(ServiceError::NotFound("no such record".into())),
        Changed::Conflict => Err(ServiceError::Conflict(
            "the record changed since it was read (or is entered in error): reload".into(),
        )),
    }
}

/// Mark a record entered in error.
pub async fn record_in_error(
    store: &Store,
    id: i64,
    reason: Option<&str>,
    actor: &Actor,
) -> Result<()> {
    let reason = need_reason(reason)?;
    match store.record_entered_in_error(id, reason, actor).await? {
        Changed::Changed => Ok(()),
        Changed::NotFound => Err(ServiceError::NotFound("no such record".into())),
        Changed::Conflict => Err(ServiceError::Conflict("already entered in error".into())),
    }
}

/// Mark a participant entered in error.
pub async fn participant_in_error(
    store: &Store,
    id: i64,
    reason: Option<&str>,
    actor: &Actor,
) -> Result<()> {
    let reason = need_reason(reason)?;
    match store
        .participant_entered_in_error(id, reason, actor)
        .await?
    {
        Changed::Changed => Ok(()),
        Changed::NotFound => Err(ServiceError::NotFound("no such participant".into())),
        Changed::Conflict => Err(ServiceError::Conflict("already entered in error".into())),
    }
}

/// Save the trial's settings (audited; a reason is required).
pub async fn save_settings(
    store: &Store,
    ctx: &Ctx,
    input: &Value,
    reason: Option<&str>,
    actor: &Actor,
) -> Result<Settings> {
    let reason = need_reason(reason)?;
    let s = Settings::from_json(input)?;
    let ch = changes(&ctx.settings.to_json(), &s.to_json());
    store
        .put_conduct_settings(
            &ctx.trial.id,
            &s.to_json().to_string(),
            &ch,
            Some(reason),
            actor,
        )
        .await?;
    Ok(s)
}

// ---------------------------------------------------------------------------
// Reading

/// The trial summary on `as_of`.
pub fn summary(ctx: &Ctx, subjects: &[Subject], as_of: Date) -> Summary {
    let timelines: Vec<Timeline> = subjects.iter().map(|s| s.timeline(ctx, as_of)).collect();
    let aes: Vec<Vec<AdverseEvent>> = subjects.iter().map(Subject::ae_list).collect();
    let subj: Vec<summary::Subject> = subjects
        .iter()
        .zip(&timelines)
        .zip(&aes)
        .map(|((s, t), a)| summary::Subject {
            participant: &s.p,
            timeline: t,
            aes: a,
        })
        .collect();
    summary::summarize(&ctx.plan, &ctx.levels, &subj, as_of)
}

/// Dose-escalation state and advice.
#[derive(Debug, Clone, Serialize)]
pub struct Escalation {
    pub as_of: Date,
    pub dlt_window_days: u32,
    pub target: f64,
    pub levels: Vec<DoseCount>,
    pub current_level: Option<u32>,
    pub three_plus_three: Decision,
    pub boin: Decision,
    /// BOIN's boundaries and decision table.
    pub lambda_e: f64,
    pub lambda_d: f64,
    pub boin_table: Vec<BoinRow>,
}

pub fn escalation(ctx: &Ctx, subjects: &[Subject], as_of: Date) -> Escalation {
    let aes: Vec<Vec<AdverseEvent>> = subjects.iter().map(Subject::ae_list).collect();
    let ps: Vec<(&Participant, &[AdverseEvent])> = subjects
        .iter()
        .zip(&aes)
        .map(|(s, a)| (&s.p, a.as_slice()))
        .collect();
    let (counts, current) =
        escalation::dose_counts(&ctx.levels, &ps, ctx.settings.dlt_window_days, as_of);
    let target: f64 = ctx.settings.boin_target.to_string().parse().unwrap_or(0.3);
    let at = current.unwrap_or(0);
    let (le, ld) = escalation::boin_boundaries(target);
    Escalation {
        as_of,
        dlt_window_days: ctx.settings.dlt_window_days,
        target,
        three_plus_three: escalation::three_plus_three(&counts, at),
        boin: escalation::boin(&counts, at, target),
        levels: counts,
        current_level: current,
        lambda_e: le,
        lambda_d: ld,
        boin_table: escalation::boin_table(target, 12),
    }
}

/// The SDTM datasets and the FHIR Bundle of the trial's participants.
pub fn export(ctx: &Ctx, subjects: &[Subject]) -> (Vec<sdtm::Dataset>, Value) {
    let visits: Vec<Vec<VisitRecord>> = subjects.iter().map(Subject::visit_records).collect();
    let aes: Vec<Vec<AdverseEvent>> = subjects.iter().map(Subject::ae_list).collect();
    let cms: Vec<Vec<ConMed>> = subjects.iter().map(Subject::cm_list).collect();
    let subj: Vec<sdtm::Subject> = subjects
        .iter()
        .enumerate()
        .map(|(i, s)| sdtm::Subject {
            participant: &s.p,
            visits: &visits[i],
            aes: &aes[i],
            cms: &cms[i],
        })
        .collect();
    let levels: Vec<eligo_model::trial::DoseLevel> = ctx
        .trial
        .interventions
        .iter()
        .flat_map(|i| i.dose_levels.clone())
        .collect();
    let treatment = ctx
        .trial
        .interventions
        .first()
        .map_or(ctx.trial.brief_title.as_str(), |i| i.name.as_str());
    let study = sdtm::Study {
        study_id: &ctx.trial.id,
        treatment,
        dose_levels: &levels,
        plan: &ctx.plan,
    };
    (
        sdtm::datasets(&study, &subj),
        eligo_conduct::fhir::bundle(&study, &subj),
    )
}

/// One row per participant and follow-up visit: the `eligo endpoints`
/// table (JSON rows, or CSV with these columns).
pub const ENDPOINT_COLUMNS: &[&str] = &[
    "study_id",
    "dose_level",
    "visit",
    "state",
    "date",
    "day",
    "sledai2k",
    "selena_sledai",
    "pga",
    "prednisone_mg_day",
    "sri4",
    "doris2021",
    "lldas",
    "bilag",
    "pga_no_worsening",
    "sdi_no_new_damage",
    "sdi_change",
    "worst_ctcae",
    "worst_crs",
    "worst_icans",
];

pub fn endpoint_rows(ctx: &Ctx, subjects: &[Subject], as_of: Date) -> Vec<Vec<Value>> {
    let yn = |b: Option<bool>| match b {
        Some(true) => json!("yes"),
        Some(false) => json!("no"),
        None => Value::Null,
    };
    let opt = |v: Option<String>| v.map_or(Value::Null, Value::String);
    let mut out = Vec::new();
    for s in subjects {
        let t = s.timeline(ctx, as_of);
        for r in t.rows.iter().filter(|r| r.kind == "scheduled") {
            let e = r.endpoints.as_ref();
            let get = |k: &str| e.and_then(|e| e.get(k)).and_then(|b| b.value);
            out.push(vec![
                json!(s.p.study_id),
                s.p.dose_level.map_or(Value::Null, |l| json!(l)),
                json!(r.code),
                json!(r.state.label()),
                opt(r.date.map(|d| d.to_string())),
                r.day.map_or(Value::Null, |d| json!(d)),
                r.values.sledai2k.map_or(Value::Null, |x| json!(x)),
                r.values.selena_sledai.map_or(Value::Null, |x| json!(x)),
                opt(r.values.pga.map(|x| x.normalize().to_string())),
                opt(r
                    .values
                    .prednisone_mg_day
                    .map(|x| x.normalize().to_string())),
                yn(get("sri4")),
                yn(get("doris2021")),
                yn(get("lldas")),
                yn(get("bilag")),
                yn(get("pga")),
                yn(get("sdi")),
                e.and_then(|e| e.sdi_change)
                    .map_or(Value::Null, |x| json!(x)),
                r.worst.ctcae.map_or(Value::Null, |x| json!(x)),
                r.worst.crs.map_or(Value::Null, |x| json!(x)),
                r.worst.icans.map_or(Value::Null, |x| json!(x)),
            ]);
        }
    }
    out
}

/// The endpoint rows as CSV.
pub fn endpoints_csv(rows: &[Vec<Value>]) -> String {
    let d = sdtm::Dataset {
        name: "ENDPOINTS",
        columns: ENDPOINT_COLUMNS.to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| match v {
                        Value::Null => String::new(),
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect(),
    };
    d.to_csv()
}

/// Load the synthetic worked example into NCT06946485 (skipped when its
/// participants are there already); returns how many were added.
pub async fn load_example(store: &Store, actor: &Actor) -> Result<usize> {
    let ex = eligo_conduct::sample::parse(eligo_conduct::sample::NCT06946485)?;
    let ctx = ctx(store, &ex.trial)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("{} is not in the registry", ex.trial)))?;
    let existing = store.participants(&ex.trial).await?;
    let mut added = 0;
    for e in &ex.participants {
        if existing
            .iter()
            .any(|r| r.study_id == e.participant.study_id && r.error_reason.is_none())
        {
            continue;
        }
        let id = add_participant(store, &ctx, &e.participant.to_json(), None, actor).await?;
        for (code, v) in &e.visits {
            let s = subject(store, id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("participant vanished".into()))?;
            let mut j = visit_json(v.date, &v.data);
            if let Value::Object(m) = &mut j {
                m.insert(
                    "adverse_events".into(),
                    Value::Array(v.adverse_events.iter().map(AdverseEvent::to_json).collect()),
                );
                m.insert(
                    "concomitant_medications".into(),
                    Value::Array(
                        v.concomitant_medications
                            .iter()
                            .map(ConMed::to_json)
                            .collect(),
                    ),
                );
            }
            record_visit(store, &ctx, &s, code, &j, None, ex.as_of, actor).await?;
        }
        for (code, why) in &e.missed {
            let s = subject(store, id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("participant vanished".into()))?;
            mark_missed(store, &ctx, &s, code, Some(why), actor).await?;
        }
        added += 1;
    }
    Ok(added)
}

/// Today's date (UTC).
pub fn today() -> Date {
    let now = jiff::Timestamp::now().to_string();
    now.get(..10)
        .and_then(eligo_conduct::input::parse_date)
        .unwrap_or_default()
}
