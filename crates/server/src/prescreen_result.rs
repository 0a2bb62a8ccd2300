//! The pre-screen result page: the verdict in a patient's words, each
//! criterion with the answers that bear on it, what to ask a doctor, what
//! the study team checks, and whom to contact. The rule language stays on
//! the coordinator's and the API's side.

use crate::trial_view::{contact, may_apply, status_words};
use crate::views::unescape;
use crate::web::Nav;
use askama::Template;
use eligo_model::evidence::{CriterionResult, Status, Verdict};
use eligo_model::rule::CriterionKind;
use eligo_model::{Trial, TrialMatch};
use eligo_questionnaire::{self as prescreen, Answers, Questionnaire};

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
pub(crate) struct ResultTpl {
    pub(crate) nav: Nav,
    pub(crate) trial_id: String,
    pub(crate) title: String,
    pub(crate) verdict: &'static str,
    pub(crate) verdict_class: &'static str,
    pub(crate) verdict_title: &'static str,
    pub(crate) verdict_text: String,
    pub(crate) as_of: String,
    pub(crate) criteria: Vec<ResultCriterion>,
    pub(crate) dont_know: Vec<String>,
    pub(crate) ask_doctor: Vec<String>,
    pub(crate) to_confirm: Vec<String>,
    pub(crate) can_apply: bool,
    /// Someone at the study receives applications made through eligo.
    pub(crate) has_coordinator: bool,
    pub(crate) contacts: Vec<String>,
    pub(crate) registry_link: Option<String>,
    pub(crate) status_label: String,
    pub(crate) csrf: String,
    pub(crate) answers_json: String,
    pub(crate) errors: Vec<String>,
    pub(crate) name: String,
    pub(crate) email: String,
    pub(crate) phone: String,
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
pub(crate) fn trial_contacts(t: &Trial) -> Vec<String> {
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

pub(crate) fn result_page(
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
