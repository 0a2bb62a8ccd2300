//! The pre-screen pages: the questionnaire form (grouped by topic, with
//! progress), the result in plain words with the apply form, and the page
//! after applying. Questions and facts come from `eligo-questionnaire`, the
//! verdict from the matcher; the rule language stays on the coordinator's
//! and the API's side. Answers live in the page (and the browser's own
//! storage for the next trial), never on the server unless the patient
//! applies.

use crate::auth;
use crate::params::Params;
use crate::prescreen_result::{result_page, trial_contacts, verdict_code};
use crate::trial_view::{may_apply, status_words};
use crate::views::unescape;
use crate::web::{ClientIp, Nav, PageResult, form, page, page_with, who};
use crate::{AppError, AppState, matching};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use eligo_model::Trial;
use eligo_questionnaire::{self as prescreen, Answers, Questionnaire};
use eligo_store::server::NewApplication;

pub struct ChoiceView {
    value: String,
    label: String,
    checked: bool,
}

pub struct FieldView {
    /// The control's HTML id, which the error summary links to.
    id: String,
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
    fields: Vec<FieldView>,
}

/// One topic of questions: "Part 2 of 5: About you".
pub struct GroupView {
    n: usize,
    title: &'static str,
    questions: Vec<QuestionView>,
}

/// A line of the error summary, linking to the field.
pub struct ErrorLine {
    href: String,
    text: String,
}

#[derive(Template)]
#[template(path = "prescreen.html")]
struct PrescreenTpl {
    nav: Nav,
    trial_id: String,
    title: String,
    csrf: String,
    errors: Vec<ErrorLine>,
    groups: Vec<GroupView>,
    total: usize,
    for_child: bool,
}

/// The HTML id of a form field.
fn field_id(name: &str) -> String {
    format!(
        "f-{}",
        name.chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            })
            .collect::<String>()
    )
}

fn question_view(
    question: &prescreen::Question,
    answers: &Answers,
    problems: &[prescreen::Problem],
) -> QuestionView {
    QuestionView {
        id: question.id.clone(),
        text: question.text.clone(),
        hint: question.hint.clone(),
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
                    id: field_id(&f.name),
                    error: problems
                        .iter()
                        .find(|p| p.field == f.name)
                        .map(|p| p.message.clone()),
                    blank_option: kind == "select",
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
    }
}

/// The questions by topic, in the questionnaire's order.
fn groups(q: &Questionnaire, answers: &Answers, problems: &[prescreen::Problem]) -> Vec<GroupView> {
    let mut out: Vec<GroupView> = Vec::new();
    let mut last = None;
    for question in &q.questions {
        if last != Some(question.topic) {
            out.push(GroupView {
                n: out.len() + 1,
                title: question.topic.title(q.for_child),
                questions: Vec::new(),
            });
            last = Some(question.topic);
        }
        if let Some(g) = out.last_mut() {
            g.questions.push(question_view(question, answers, problems));
        }
    }
    out
}

/// The error summary: each problem as "question: what to do", linking to
/// the field it is about.
fn problem_lines(q: &Questionnaire, problems: &[prescreen::Problem]) -> Vec<ErrorLine> {
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
            ErrorLine {
                href: format!("#{}", field_id(&p.field)),
                text: format!("{text} — {}", p.message),
            }
        })
        .collect()
}

fn prescreen_tpl(
    nav: Nav,
    t: &Trial,
    q: &Questionnaire,
    csrf: String,
    answers: &Answers,
    problems: &[prescreen::Problem],
) -> PrescreenTpl {
    PrescreenTpl {
        nav,
        trial_id: t.id.clone(),
        title: unescape(&t.brief_title),
        csrf,
        errors: problem_lines(q, problems),
        groups: groups(q, answers, problems),
        total: q.questions.len(),
        for_child: q.for_child,
    }
}

/// A trial a patient cannot be pre-screened for: known in part, or not
/// enrolling (completed, withdrawn, ...).
fn refuse_prescreen(t: &Trial) -> Result<(), AppError> {
    if t.partial {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            "this record is known only in part, so it cannot be pre-screened",
        ));
    }
    if !may_apply(t) {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            format!(
                "this study is not taking part in new people ({}), so there is nothing to pre-screen for",
                status_words(t.status).to_lowercase()
            ),
        ));
    }
    Ok(())
}

pub(crate) async fn prescreen_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let (nav, _) = who(&state, &headers).await?;
    let loaded = state.trial(&id).await?;
    let (t, compiled) = (&loaded.trial, &loaded.rules.compiled);
    refuse_prescreen(t)?;
    let q = prescreen::questionnaire(compiled);
    let (csrf, cookie) = auth::public_csrf(&headers, state.settings().secure_cookies)?;
    let tpl = prescreen_tpl(nav, t, &q, csrf, &Answers::default(), &[]);
    page_with(StatusCode::OK, &tpl, cookie)
}

/// The answers a result page sends back (to apply, or to change them),
/// checked again: never trusted.
fn returned_answers(q: &Questionnaire, p: &Params) -> Result<Answers, AppError> {
    let raw: std::collections::BTreeMap<String, String> =
        serde_json::from_str(p.get("answers").unwrap_or("{}")).map_err(|_| {
            AppError::field(
                "answers",
                "the pre-screen answers are not readable; start the pre-screen again",
            )
        })?;
    Answers::from_pairs(q, raw.iter().map(|(k, v)| (k.as_str(), v.as_str()))).map_err(|_| {
        AppError::field(
            "answers",
            "the pre-screen answers are not valid; start the pre-screen again",
        )
    })
}

pub(crate) async fn prescreen_submit(
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
    refuse_prescreen(t)?;
    let q = prescreen::questionnaire(compiled);
    let csrf = p.get("csrf").unwrap_or("").to_string();
    // "Change my answers": the form again, filled from the result page's
    // answers (which the page holds, not the server).
    if p.get("change") == Some("1") {
        let answers = returned_answers(&q, &p)?;
        let tpl = prescreen_tpl(nav, t, &q, csrf, &answers, &[]);
        return page(&tpl);
    }
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
            let tpl = prescreen_tpl(nav, t, &q, csrf, &kept, &problems);
            return page_with(StatusCode::BAD_REQUEST, &tpl, None);
        }
    };
    let m = matching::evaluate(t, compiled, &outcome.facts, as_of);
    let mut tpl = result_page(t, compiled, &q, &m, &outcome, &answers, as_of);
    tpl.has_coordinator = state.store().trial_has_coordinator(&t.id).await?;
    tpl.nav = nav;
    tpl.csrf = csrf;
    page(&tpl)
}

#[derive(Template)]
#[template(path = "applied.html")]
struct AppliedTpl {
    nav: Nav,
    trial_id: String,
    title: String,
    reference: i64,
    contacts: Vec<String>,
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

pub(crate) async fn apply(
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
    let has_coordinator = state.store().trial_has_coordinator(&t.id).await?;
    if !has_coordinator {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            "nobody at this study receives applications through eligo yet: contact the study team directly (the trial's page lists its contacts)",
        )
        .into());
    }
    // The answers come back from the result page; they are checked and
    // evaluated again here, never trusted.
    let q = prescreen::questionnaire(compiled);
    let answers = returned_answers(&q, &p)?;
    let as_of = matching::today();
    let outcome = prescreen::facts(&q, &answers, as_of).map_err(|_| {
        AppError::field(
            "answers",
            "the pre-screen answers are not valid; start the pre-screen again",
        )
    })?;
    let m = matching::evaluate(t, compiled, &outcome.facts, as_of);
    let refused = |nav: Nav, errors: Vec<String>, status: StatusCode| {
        let mut tpl = result_page(t, compiled, &q, &m, &outcome, &answers, as_of);
        tpl.has_coordinator = has_coordinator;
        tpl.nav = nav;
        tpl.csrf = p.get("csrf").unwrap_or("").to_string();
        tpl.errors = errors;
        tpl.name = p.get("name").unwrap_or("").to_string();
        tpl.email = p.get("email").unwrap_or("").to_string();
        tpl.phone = p.get("phone").unwrap_or("").to_string();
        page_with(status, &tpl, None)
    };
    let contact = match contact_details(&p) {
        Ok(c) => c,
        Err(errors) => return refused(nav, errors, StatusCode::BAD_REQUEST),
    };
    // One application per person per trial (by email address).
    if let Some(earlier) = state
        .store()
        .application_by_email(&t.id, &contact.email)
        .await?
    {
        return refused(
            nav,
            vec![format!(
                "You have already applied to this study with this email address (reference {earlier}). The study team has your answers: you do not need to apply again."
            )],
            StatusCode::CONFLICT,
        );
    }
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
        contacts: trial_contacts(t),
    })
}
