//! `GET/POST /find`: a person names a condition (and a place), answers an
//! adaptive questionnaire a page at a time, or uploads their own health
//! record (FHIR R4 Bundle), and sees every open trial for that condition
//! grouped by what they may be eligible for, nearest recruiting site first
//! within each group.
//!
//! Stateless: the answers travel in the form (hidden fields), nothing is
//! stored; a pre-screen or an application on a trial's own pages is the
//! only thing that keeps anything. Plain HTML forms: works without
//! JavaScript.

use super::card::CardFacts;
use super::page::{Arrangement, arrangement};
use super::pool::{Pool, PoolKey};
use super::questions::{CandidateState, MAX_BEFORE_RESULTS, next_page};
use crate::catalog::Choice;
use crate::params::{Params, encode, href};
use crate::views::{status_class, status_label, unescape};
use crate::web::{Nav, PageResult, page_with, who};
use crate::{AppError, AppState, auth, matching};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use eligo_matcher::PatientConcepts;
use eligo_model::{Date, PatientFacts, TrialMatch, Verdict};
use eligo_questionnaire::{Answers, Input, Kind, Question, Questionnaire};
use std::collections::HashMap;
use std::sync::Arc;

/// Largest health record accepted (bytes).
pub const MAX_RECORD: usize = 2 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/find", get(find_get).post(find_post))
        .route("/find/record", post(find_record))
}

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
    value: String,
    checked: bool,
    min: String,
    max: String,
    step: String,
}

pub struct QuestionView {
    id: String,
    text: String,
    hint: Option<String>,
    fields: Vec<FieldView>,
}

pub struct ResultView {
    id: String,
    title: String,
    href: String,
    status_label: String,
    status_class: &'static str,
    place: String,
    ages: String,
    distance: String,
    contact: String,
    /// Missing facts (may be eligible, but...) or deciding criteria (not
    /// eligible), in words.
    reasons: Vec<String>,
    reasons_title: &'static str,
    /// Pre-screen on the trial's own page with these answers filled in.
    apply: String,
    apply_fields: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "find.html")]
struct FindTpl {
    nav: Nav,
    condition: String,
    near: String,
    within: String,
    error: Option<String>,
    condition_error: Option<String>,
    arr_near_error: Option<String>,
    near_choices: Vec<(String, String)>,
    near_label: String,
    /// Question page.
    questions: Vec<QuestionView>,
    problems: Vec<String>,
    hidden: Vec<(String, String)>,
    asked: usize,
    max_asked: usize,
    candidates: usize,
    remaining: usize,
    /// Results.
    results: bool,
    from_record: bool,
    eligible: Vec<ResultView>,
    needs: Vec<ResultView>,
    not_eligible: Vec<ResultView>,
    csrf: String,
    more_questions: bool,
    max_record_mib: usize,
    attribution: &'static str,
}

impl FindTpl {
    fn new(nav: Nav) -> FindTpl {
        FindTpl {
            nav,
            condition: String::new(),
            near: String::new(),
            within: String::new(),
            error: None,
            condition_error: None,
            arr_near_error: None,
            near_choices: vec![],
            near_label: String::new(),
            questions: vec![],
            problems: vec![],
            hidden: vec![],
            asked: 0,
            max_asked: MAX_BEFORE_RESULTS,
            candidates: 0,
            remaining: 0,
            results: false,
            from_record: false,
            eligible: vec![],
            needs: vec![],
            not_eligible: vec![],
            csrf: String::new(),
            more_questions: false,
            max_record_mib: MAX_RECORD / (1024 * 1024),
            attribution: eligo_geo::ATTRIBUTION,
        }
    }

    fn place(&mut self, p: &Params, arr: &Arrangement) {
        self.near = p.get("near").unwrap_or("").to_string();
        self.within = p.get("within").unwrap_or("").to_string();
        self.arr_near_error = arr.near_error.clone();
        self.near_label = arr.near_label.clone();
        self.near_choices = arr
            .near_choices
            .iter()
            .map(|c| {
                let mut pairs = vec![("condition".to_string(), self.condition.clone())];
                pairs.push(("near".into(), c.clone()));
                if !self.within.is_empty() {
                    pairs.push(("within".into(), self.within.clone()));
                }
                (c.clone(), href("/find", &pairs))
            })
            .collect();
    }
}

/// Reasons listed per trial; the rest are counted.
const MAX_REASONS: usize = 6;

/// A missing fact in the person's words: "whether the patient has X" is
/// asked of "you".
fn plain_missing(s: &str) -> String {
    s.replace("whether the patient has ", "whether you have (or had) ")
        .replace("the patient", "you")
        .replace(" at any time", " (at any time)")
}

/// At most `max` characters of `s` on one line, cut at a word.
fn clip(s: &str, max: usize) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(h, _)| h)
        .to_string();
    format!("{cut}…")
}

/// The vocabulary conditions a person's words name: a name the vocabulary
/// knows ("SLE", "lupus nephritis"), else every condition whose label or
/// synonyms contain all the words ("lupus"), less those narrower than
/// another found.
pub fn named_concepts(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let lower = text.to_lowercase();
    for t in [text, lower.as_str()] {
        eligo_vocab::each_named_condition(t, |k| {
            if !out.iter().any(|x| x == k) {
                out.push(k.to_string());
            }
            false
        });
    }
    if !out.is_empty() {
        return out;
    }
    let words: Vec<&str> = lower.split_whitespace().collect();
    if words.is_empty() {
        return out;
    }
    let v = eligo_vocab::vocabulary();
    let has_all = |name: &str| {
        let n = name.to_lowercase();
        let ws: Vec<&str> = n.split(|c: char| !c.is_alphanumeric()).collect();
        words.iter().all(|w| ws.contains(w))
    };
    let found: Vec<&eligo_vocab::Concept> = v
        .conditions()
        .iter()
        .filter(|c| has_all(&c.label) || c.synonyms.iter().any(|s| has_all(s)))
        .collect();
    for c in &found {
        let narrower = found.iter().any(|o| o.narrower.contains(&c.key));
        if !narrower {
            out.push(c.key.clone());
        }
    }
    out
}

/// The question a condition is asked by, as the questionnaire builder
/// names it.
fn condition_question(concept: &str) -> Question {
    let label = eligo_vocab::vocabulary()
        .condition(concept)
        .map(|c| c.label.clone())
        .unwrap_or_else(|| concept.to_string());
    Question {
        id: format!("dx-{concept}"),
        text: label.clone(),
        hint: None,
        criteria: vec![],
        topic: eligo_questionnaire::Topic::Condition,
        own_condition: true,
        kind: Kind::Condition {
            concept: concept.to_string(),
            label,
            ask_grade: false,
        },
    }
}

/// The open trials about the conditions in `facts` (the registry's
/// match index, as `eligo match` chooses them), with their questionnaires
/// and cards: kept between requests ([`super::pool`]).
pub async fn candidates(
    state: &AppState,
    key: PoolKey,
    facts: &PatientFacts,
    as_of: Date,
) -> Result<Arc<Pool>, AppError> {
    state.find_pools().pool(state, key, facts, as_of).await
}

/// Every candidate matched on `facts`, the same way `eligo match` does.
pub async fn match_all(
    state: &AppState,
    pool: &Pool,
    facts: PatientFacts,
    as_of: Date,
) -> Result<Vec<TrialMatch>, AppError> {
    if pool.cands.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<String> = pool.cands.iter().map(|c| c.id.clone()).collect();
    let n = ids.len();
    state
        .match_patient(facts, as_of, Choice::Named(ids), n)
        .await
}

fn field_views(q: &Question, answers: &Answers) -> Vec<FieldView> {
    q.fields()
        .into_iter()
        .map(|f| {
            let value = answers.0.get(&f.name).cloned().unwrap_or_default();
            FieldView {
                kind: f.input.type_name(),
                choices: f
                    .input
                    .choices()
                    .iter()
                    .map(|c| ChoiceView {
                        checked: value == c.value,
                        value: c.value.clone(),
                        label: c.label.clone(),
                    })
                    .collect(),
                checked: matches!(f.input, Input::DontKnow)
                    && value == eligo_questionnaire::DONT_KNOW,
                min: f.input.min().to_string(),
                max: f.input.max().to_string(),
                step: f.input.step().to_string(),
                name: f.name,
                label: f.label,
                value,
            }
        })
        .collect()
}

/// Group, order (eligible first, then by distance to the nearest
/// recruiting site) and describe the matches.
fn results(
    tpl: &mut FindTpl,
    pool: &Pool,
    matches: &[TrialMatch],
    arr: &Arrangement,
    answers: &Answers,
) {
    let mut rows: Vec<(u8, f64, String, bool, ResultView)> = Vec::new();
    for m in matches {
        let Some(c) = pool.get(&m.trial_id) else {
            continue;
        };
        let within = arr.how.near.map(|n| n.radius);
        let facts: CardFacts = c.card.card(arr.how.origin(), within);
        let nearby = super::card::has_site_within(&facts.nearest, within);
        let group = match m.verdict {
            Verdict::Eligible => 0,
            Verdict::Unknown => 1,
            Verdict::Ineligible => 2,
        };
        let deciding: Vec<String> = m
            .deciding
            .iter()
            .filter_map(|&i| m.criteria.get(i))
            .map(|c| clip(&c.text, 220))
            .collect();
        let mut reasons = match m.verdict {
            Verdict::Eligible => vec![],
            Verdict::Unknown if !m.missing.is_empty() => {
                m.missing.iter().map(|x| plain_missing(x)).collect()
            }
            _ => deciding,
        };
        if reasons.len() > MAX_REASONS {
            let more = reasons.len() - MAX_REASONS;
            reasons.truncate(MAX_REASONS);
            reasons.push(format!("and {more} more (see the trial page)"));
        }
        let site = facts.nearest.recruiting.as_ref();
        let contact = site
            .and_then(|s| s.contact.clone())
            .or_else(|| c.central_contact.clone())
            .unwrap_or_default();
        let km = site.map_or(f64::INFINITY, |s| s.km);
        // The trial's own questions, answered as on this page.
        let own: Vec<(String, String)> = answers
            .0
            .iter()
            .filter(|(k, _)| {
                let qid = k.split('.').next().unwrap_or("");
                c.questions.questions.iter().any(|q| q.id == qid)
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        rows.push((
            group,
            km,
            c.id.clone(),
            nearby,
            ResultView {
                href: format!("/trials/{}", encode(&c.id)),
                apply: format!("/trials/{}/prescreen", encode(&c.id)),
                id: c.id.clone(),
                title: unescape(&c.title),
                status_label: c.status.map(|s| status_label(s.code())).unwrap_or_default(),
                status_class: c.status.map_or("badge unknown", |s| status_class(s.code())),
                place: facts.place.clone(),
                ages: facts.ages.clone(),
                distance: facts.distance.clone(),
                contact,
                reasons_title: match m.verdict {
                    Verdict::Ineligible => "Not eligible, because:",
                    _ => "The team needs:",
                },
                reasons,
                apply_fields: own,
            },
        ));
    }
    rows.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    // With a radius, trials with no site inside it are left out; one
    // whose only sites inside are not recruiting shows, saying so.
    for (g, _, _, nearby, v) in rows {
        if !nearby {
            continue;
        }
        match g {
            0 => tpl.eligible.push(v),
            1 => tpl.needs.push(v),
            _ => tpl.not_eligible.push(v),
        }
    }
    tpl.results = true;
}

async fn find_get(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> PageResult {
    let p = Params::from_uri(&uri)?;
    find(state, headers, p).await
}

async fn find_post(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> PageResult {
    let p = crate::web::form(&body)?;
    find(state, headers, p).await
}

async fn find(state: AppState, headers: HeaderMap, p: Params) -> PageResult {
    let (nav, _) = who(&state, &headers).await?;
    let mut tpl = FindTpl::new(nav);
    let as_of = matching::today();
    tpl.condition = p.get("condition").unwrap_or("").trim().to_string();
    let arr = arrangement(&p);
    tpl.place(&p, &arr);
    if tpl.condition.is_empty() {
        return page_with(StatusCode::OK, &tpl, None);
    }
    let mut concepts = named_concepts(&tpl.condition);
    if concepts.is_empty()
        && let Some(better) = state.index().suggest(&tpl.condition)?
    {
        concepts = named_concepts(&better);
        if !concepts.is_empty() {
            tpl.error = Some(format!(
                "Showing trials for “{better}” (the closest condition name to “{}”).",
                tpl.condition
            ));
            tpl.condition = better;
        }
    }
    if concepts.is_empty() {
        tpl.condition_error = Some(
            "eligo does not know that condition by this name. Try another name for it, for example \"lupus\" or \"multiple myeloma\"."
                .into(),
        );
        return page_with(StatusCode::OK, &tpl, None);
    }
    // The condition named, as the questionnaire would record "Yes, I have
    // it now": chooses the candidate trials like a record's diagnosis.
    let named = Questionnaire {
        trial_id: "find".into(),
        for_child: false,
        questions: concepts.iter().map(|c| condition_question(c)).collect(),
    };
    let seeds: Vec<(String, String)> = concepts
        .iter()
        .map(|c| (format!("dx-{c}.answer"), "current".to_string()))
        .collect();
    let seed = Answers::from_pairs(&named, seeds.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .unwrap_or_default();
    // One condition named: the person has it. Several ("lupus": systemic
    // or cutaneous?): asked among the first questions.
    let prefilled: Vec<String> = if concepts.len() == 1 {
        concepts.clone()
    } else {
        vec![]
    };
    let mut pairs: Vec<(String, String)> = seeds
        .into_iter()
        .filter(|(k, _)| prefilled.iter().any(|c| k == &format!("dx-{c}.answer")))
        .collect();
    let seed_facts = eligo_questionnaire::facts(&named, &seed, as_of)
        .map(|o| o.facts)
        .unwrap_or_default();
    let pool = candidates(&state, PoolKey::Named(concepts.clone()), &seed_facts, as_of).await?;
    tpl.candidates = pool.cands.len();
    let all = &pool.bank;
    // The answers so far: the named condition, then what the form carries.
    for (k, v) in &p.0 {
        if k.contains('.') && !v.trim().is_empty() {
            pairs.retain(|(pk, _)| pk != k);
            pairs.push((k.clone(), v.clone()));
        }
    }
    let mut asked: Vec<String> = p
        .get("asked")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    for c in &prefilled {
        let id = format!("dx-{c}");
        if !asked.contains(&id) && all.questions.iter().any(|q| q.id == id) {
            asked.insert(0, id);
        }
    }
    let answers =
        match Answers::from_pairs(all, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
            Ok(a) => a,
            Err(problems) => {
                tpl.problems = problems.iter().map(|p| p.message.clone()).collect();
                Answers::default()
            }
        };
    let outcome = match eligo_questionnaire::facts(all, &answers, as_of) {
        Ok(o) => Some(o),
        Err(problems) => {
            tpl.problems.extend(
                problems
                    .iter()
                    .map(|p| format!("{}: {}", p.field, p.message)),
            );
            None
        }
    };
    let facts = outcome.map(|o| o.facts).unwrap_or(seed_facts);
    let matches = match_all(&state, &pool, facts, as_of).await?;
    let verdicts: HashMap<&str, Verdict> = matches
        .iter()
        .map(|m| (m.trial_id.as_str(), m.verdict))
        .collect();
    let states: Vec<CandidateState> = pool
        .cands
        .iter()
        .map(|c| CandidateState {
            questions: &c.questions,
            verdict: verdicts
                .get(c.id.as_str())
                .copied()
                .unwrap_or(Verdict::Unknown),
        })
        .collect();
    tpl.remaining = states
        .iter()
        .filter(|s| s.verdict != Verdict::Ineligible)
        .count();
    // What is asked on this page is counted whatever the answer; a
    // question whose answer had a problem is asked again.
    let shown: Vec<String> = p
        .get("shown")
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if tpl.problems.is_empty() {
        for s in shown {
            if !asked.contains(&s) {
                asked.push(s);
            }
        }
    }
    let next = if tpl.problems.is_empty() {
        next_page(all, &states, &asked)
    } else {
        all.questions
            .iter()
            .filter(|q| p.get("shown").unwrap_or("").split(',').any(|s| s == q.id))
            .cloned()
            .collect()
    };
    tpl.asked = asked
        .iter()
        .filter(|a| !prefilled.iter().any(|c| **a == format!("dx-{c}")))
        .count();
    tpl.hidden = vec![
        ("condition".into(), tpl.condition.clone()),
        ("near".into(), tpl.near.clone()),
        ("within".into(), tpl.within.clone()),
        ("asked".into(), asked.join(",")),
        (
            "shown".into(),
            next.iter()
                .map(|q| q.id.as_str())
                .collect::<Vec<_>>()
                .join(","),
        ),
    ];
    let shown_now: Vec<&str> = next.iter().map(|q| q.id.as_str()).collect();
    for (k, v) in &answers.0 {
        let qid = k.split('.').next().unwrap_or("");
        if !shown_now.contains(&qid) && !prefilled.iter().any(|c| qid == format!("dx-{c}")) {
            tpl.hidden.push((k.clone(), v.clone()));
        }
    }
    let wants_results = p.get("results").is_some();
    if wants_results || next.is_empty() {
        tpl.more_questions = !next.is_empty();
        let (csrf, cookie) = auth::public_csrf(&headers, state.settings().secure_cookies)?;
        tpl.csrf = csrf;
        results(&mut tpl, &pool, &matches, &arr, &answers);
        return page_with(StatusCode::OK, &tpl, cookie);
    }
    tpl.questions = next
        .iter()
        .map(|q| QuestionView {
            id: q.id.clone(),
            text: q.text.clone(),
            hint: q.hint.clone(),
            fields: field_views(q, &answers),
        })
        .collect();
    page_with(StatusCode::OK, &tpl, None)
}

/// The upload: a FHIR R4 Bundle as a file (multipart form), read,
/// matched, shown, never stored.
async fn find_record(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut form: Multipart,
) -> PageResult {
    let (nav, _) = who(&state, &headers).await?;
    let mut tpl = FindTpl::new(nav);
    tpl.from_record = true;
    let mut record: Option<Vec<u8>> = None;
    let mut pairs: Vec<(String, String)> = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                tpl.error = Some(format!("The upload could not be read: {e}"));
                return page_with(StatusCode::BAD_REQUEST, &tpl, None);
            }
        };
        let name = field.name().unwrap_or("").to_string();
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => {
                tpl.error = Some(format!("The upload could not be read: {e}"));
                return page_with(StatusCode::BAD_REQUEST, &tpl, None);
            }
        };
        if name == "record" {
            record = Some(bytes.to_vec());
        } else if matches!(name.as_str(), "near" | "within") {
            pairs.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    let p = Params(pairs);
    let arr = arrangement(&p);
    tpl.place(&p, &arr);
    let problem = |tpl: &mut FindTpl, m: String| {
        tpl.error = Some(m);
    };
    let Some(bytes) = record.filter(|b| !b.is_empty()) else {
        problem(&mut tpl, "Choose a file to upload: your health record as a FHIR R4 Bundle (a .json file from your patient portal).".into());
        return page_with(StatusCode::BAD_REQUEST, &tpl, None);
    };
    if bytes.len() > MAX_RECORD {
        problem(
            &mut tpl,
            format!(
                "The file is {} bytes; records up to {} MiB are accepted.",
                bytes.len(),
                MAX_RECORD / (1024 * 1024)
            ),
        );
        return page_with(StatusCode::PAYLOAD_TOO_LARGE, &tpl, None);
    }
    let Ok(text) = std::str::from_utf8(&bytes) else {
        problem(
            &mut tpl,
            "The file is not a text (JSON) file: export your record as a FHIR R4 Bundle in JSON."
                .into(),
        );
        return page_with(StatusCode::BAD_REQUEST, &tpl, None);
    };
    let facts = match matching::read_patient(text) {
        Ok(f) => f,
        Err(e) => {
            problem(&mut tpl, format!("The record could not be read: {e}"));
            return page_with(StatusCode::BAD_REQUEST, &tpl, None);
        }
    };
    let as_of = matching::today();
    let key = PoolKey::Related(PatientConcepts::of(&facts).0.into_iter().collect());
    let pool = candidates(&state, key, &facts, as_of).await?;
    tpl.candidates = pool.cands.len();
    let matches = match_all(&state, &pool, facts, as_of).await?;
    results(&mut tpl, &pool, &matches, &arr, &Answers::default());
    page_with(StatusCode::OK, &tpl, None)
}
