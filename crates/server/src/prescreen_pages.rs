//! The pre-screen pages: the questionnaire form, the result with the
//! apply form, and the page after applying. Questions and facts come from
//! `eligo-questionnaire`, the verdict from the matcher.

use crate::auth;
use crate::params::Params;
use crate::trial_view::{kind_words, may_apply, status_words};
use crate::views::{self, unescape};
use crate::web::{ClientIp, Nav, PageResult, form, page, page_with, who};
use crate::{AppError, AppState, matching};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use eligo_model::evidence::Verdict;
use eligo_model::{Trial, TrialMatch};
use eligo_questionnaire::{self as prescreen, Answers, Questionnaire};
use eligo_store::server::NewApplication;

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

pub(crate) async fn prescreen_form(
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
