//! The pre-screen pages: the questionnaire form (grouped by topic, with
//! progress), the result in plain words with the apply form, and the page
//! after applying. Questions and facts come from `eligo-questionnaire`, the
//! verdict from the matcher; the rule language stays on the coordinator's
//! and the API's side. Answers live in the page (and the browser's own
//! storage for the next trial), never on the server unless the patient
//! applies.

use crate::auth;
use crate::params::Params;
use crate::trial_view::{contact, may_apply, status_words};
use crate::views::unescape;
use crate::web::{ClientIp, Nav, PageResult, form, page, page_with, who};
use crate::{AppError, AppState, matching};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use eligo_model::evidence::{CriterionResult, Status, Verdict};
use eligo_model::rule::CriterionKind;
use eligo_model::{Trial, TrialMatch};
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

pub struct ResultCriterion {
    n: usize,
    kind: &'static str,
    text: String,
    status: &'static str,
    status_class: &'static str,
    /// The patient's answers that bear on it, in words.
    answers: Vec<String>,
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
    ask_doctor: Vec<String>,
    to_confirm: Vec<String>,
    can_apply: bool,
    /// Someone at the study receives applications made through eligo.
    has_coordinator: bool,
    contacts: Vec<String>,
    registry_link: Option<String>,
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

/// A criterion's outcome in a patient's words.
fn patient_status(c: &CriterionResult) -> (&'static str, &'static str) {
    if c.group.is_some() {
        return ("not about joining", "unknown-status");
    }
    let exclusion = c.kind == CriterionKind::Exclusion;
    match (c.status, c.partial, c.to_confirm) {
        (_, _, true) => ("for the study team to check", "unknown-status"),
        (Status::Met, true, _) if exclusion => (
            "may rule you out: the study team checks the rest",
            "unknown-status",
        ),
        (Status::Met, true, _) => (
            "fits as far as checked: the study team checks the rest",
            "unknown-status",
        ),
        (Status::Met, false, _) if exclusion => ("rules you out", "not-met"),
        (Status::Met, false, _) => ("fits your answers", "met"),
        (Status::NotMet, true, _) if exclusion => (
            "does not rule you out as far as checked: the study team checks the rest",
            "unknown-status",
        ),
        (Status::NotMet, true, _) => (
            "does not fit as far as checked: the study team checks the rest",
            "unknown-status",
        ),
        (Status::NotMet, false, _) if exclusion => ("does not rule you out", "met"),
        (Status::NotMet, false, _) => ("does not fit your answers", "not-met"),
        (Status::Unknown, _, _) => ("not decided yet", "unknown-status"),
    }
}

/// What would decide, in a patient's words: the matcher's "missing"
/// phrases with the patient as "you" and units as people write them.
pub fn plain(s: &str) -> String {
    let mut out = s
        .replace("whether the patient has ", "")
        .replace("the patient's ", "your ")
        .replace("the patient ", "you ")
        .replace("patient's ", "your ");
    for (code, shown) in [
        ("10*9/L", "×10⁹/L"),
        ("10*12/L", "×10¹²/L"),
        ("10*3/uL", "×10³/µL"),
        ("mL/min/{1.73_m2}", "mL/min/1.73 m²"),
        ("{INR}", ""),
        ("[IU]", "IU"),
        ("mm[Hg]", "mmHg"),
        ("umol/L", "µmol/L"),
        ("{score}", ""),
    ] {
        out = out.replace(code, shown);
    }
    out.trim().to_string()
}

/// Who can be asked about the trial: the record's central contacts, then
/// its sites' contacts with the site's name.
fn trial_contacts(t: &Trial) -> Vec<String> {
    let mut out: Vec<String> = t.central_contacts.iter().map(contact).collect();
    for l in &t.locations {
        let place: Vec<&str> = [
            l.facility.as_deref(),
            l.city.as_deref(),
            l.country.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        for c in &l.contacts {
            out.push(format!("{} ({})", contact(c), place.join(", ")));
        }
    }
    out.dedup();
    out
}

/// The trial's page on ClinicalTrials.gov, for an NCT number.
pub(crate) fn registry_link(id: &str) -> Option<String> {
    let nct =
        id.len() == 11 && id.starts_with("NCT") && id[3..].chars().all(|c| c.is_ascii_digit());
    nct.then(|| format!("https://clinicaltrials.gov/study/{id}"))
}

fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What the study team checks: the criteria, or parts of them, that no
/// question can decide, in the trial's own words (the reasons why are the
/// coordinator's business).
fn for_the_team(compiled: &eligo_model::rule::CompiledCriteria) -> Vec<String> {
    let mut out = Vec::new();
    for c in compiled.criteria.iter().filter(|c| c.group.is_none()) {
        if !c.computable {
            out.push(unescape(c.text.trim()));
        } else {
            out.extend(c.not_computable.iter().map(|p| unescape(p.text.trim())));
        }
    }
    out.dedup();
    out
}

fn result_page(
    t: &Trial,
    compiled: &eligo_model::rule::CompiledCriteria,
    q: &Questionnaire,
    m: &TrialMatch,
    outcome: &prescreen::Outcome,
    answers: &Answers,
    as_of: eligo_model::Date,
) -> ResultTpl {
    let mut ask: Vec<String> = m.missing.iter().map(|s| plain(s)).collect();
    ask.dedup();
    let (title, class, text) = match m.verdict {
        Verdict::Eligible if m.inclusions_verified() => (
            "You appear to qualify",
            "eligible",
            "Your answers fit every criterion that can be checked here. The study team still has to confirm the rest.".to_string(),
        ),
        Verdict::Eligible => (
            "You may qualify",
            "eligible",
            "Your answers fit what can be checked here, but not everything can be. The study team has to confirm the rest.".to_string(),
        ),
        Verdict::Unknown => (
            "Not decided yet",
            "unknown",
            if ask.is_empty() {
                "Not decided yet: nothing you said rules you out. Ask your doctor or the study team about the criteria marked \"not decided yet\".".to_string()
            } else {
                let shown: Vec<String> = ask.iter().take(4).cloned().collect();
                format!(
                    "Not decided yet: ask your doctor about {}{}. Nothing you said rules you out.",
                    join_words(&shown),
                    if ask.len() > 4 { " (and more below)" } else { "" }
                )
            },
        ),
        Verdict::Ineligible => {
            let which: Vec<String> = m
                .criteria
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.group.is_none()
                        && !c.partial
                        && !c.to_confirm
                        && match c.kind {
                            CriterionKind::Exclusion => c.status == Status::Met,
                            _ => c.status == Status::NotMet,
                        }
                })
                .map(|(i, _)| (i + 1).to_string())
                .collect();
            (
                "You probably do not qualify",
                "ineligible",
                format!(
                    "Your answers do not fit criterion {} below. If an answer was wrong, change it; you can also ask the study team.",
                    join_words(&which)
                ),
            )
        }
    };
    // Each criterion with the answers that bear on it.
    let described = prescreen::describe(q, answers);
    let criteria = m
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (status, status_class) = patient_status(c);
            let kind = match c.kind {
                CriterionKind::Inclusion => "To take part",
                CriterionKind::Exclusion => "Rules people out",
            };
            let answers = q
                .questions
                .iter()
                .zip(&described)
                .filter(|(x, _)| x.criteria.contains(&(i + 1)))
                .map(|(_, (question, answer))| format!("{question} {answer}"))
                .collect();
            ResultCriterion {
                n: i + 1,
                kind,
                text: unescape(&c.text),
                status,
                status_class,
                answers,
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
        ask_doctor: ask,
        to_confirm: for_the_team(compiled),
        can_apply: may_apply(t),
        has_coordinator: false,
        contacts: trial_contacts(t),
        registry_link: registry_link(&t.id),
        status_label: status_words(t.status),
        csrf: String::new(),
        answers_json: serde_json::to_string(answers).unwrap_or_else(|_| "{}".into()),
        errors: vec![],
        name: String::new(),
        email: String::new(),
        phone: String::new(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// MATCHING.md rule 11: a criterion met in part is never shown as met;
    /// rule 13: a group outside enrolment is not about joining.
    #[test]
    fn a_criterion_met_in_part_is_never_shown_as_fitting() {
        let c = |kind, status, partial| CriterionResult {
            kind,
            text: String::new(),
            span: eligo_model::Span::default(),
            status,
            partial,
            to_confirm: false,
            evidence: vec![],
            missing: vec![],
            results: vec![],
            field: None,
            group: None,
        };
        use CriterionKind::{Exclusion, Inclusion};
        assert_eq!(
            patient_status(&c(Inclusion, Status::Met, false)).0,
            "fits your answers"
        );
        let (words, class) = patient_status(&c(Inclusion, Status::Met, true));
        assert!(
            words.contains("as far as checked") && class != "met",
            "{words}"
        );
        let (words, class) = patient_status(&c(Exclusion, Status::NotMet, true));
        assert!(
            words.contains("as far as checked") && class != "met",
            "{words}"
        );
        assert_eq!(
            patient_status(&c(Exclusion, Status::NotMet, false)).0,
            "does not rule you out"
        );
        assert_eq!(
            patient_status(&c(Exclusion, Status::Met, false)).0,
            "rules you out"
        );
        let mut g = c(Inclusion, Status::Unknown, false);
        g.group = Some("5.5 Pre cleaning standard".into());
        assert_eq!(patient_status(&g).0, "not about joining");
    }

    #[test]
    fn units_and_the_patient_read_as_people_write_them() {
        assert_eq!(
            plain("platelet count in 10*9/L"),
            "platelet count in ×10⁹/L"
        );
        assert_eq!(
            plain("whether the patient has lupus nephritis"),
            "lupus nephritis"
        );
        assert_eq!(plain("the patient's body weight"), "your body weight");
        assert_eq!(
            registry_link("NCT06946485").as_deref(),
            Some("https://clinicaltrials.gov/study/NCT06946485")
        );
        assert_eq!(registry_link("ELIGO-7DC38438B394"), None);
    }
}
