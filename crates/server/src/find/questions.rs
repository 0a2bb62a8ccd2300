//! The adaptive questionnaire of `/find`, built on `eligo_questionnaire`:
//! one question bank (the union, by question id, of the questionnaires of
//! the candidate trials), one answers-to-facts path
//! (`eligo_questionnaire::facts` over that bank, "I don't know" as
//! unknown), and the choice of what to ask next.
//!
//! What to ask next: only questions that at least one remaining candidate
//! (a trial the answers so far have not ruled out) needs and that were not
//! asked yet; age, sex and diagnoses first, then the question the most
//! remaining candidates need. A page holds [`PAGE`] questions and at most
//! [`MAX_BEFORE_RESULTS`] are asked before the first results.

use eligo_model::Verdict;
use eligo_questionnaire::{Kind, Question, Questionnaire};
use std::collections::HashMap;

/// Questions on one page.
pub const PAGE: usize = 5;
/// Questions asked at most before the first results are shown.
pub const MAX_BEFORE_RESULTS: usize = 15;

/// The question bank: every candidate's questions, each id once, in the
/// order first met.
pub fn bank<'a>(questionnaires: impl IntoIterator<Item = &'a Questionnaire>) -> Questionnaire {
    let mut questions: Vec<Question> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut for_child = None;
    for q in questionnaires {
        // Asked of a parent only when every candidate takes only children.
        for_child = Some(for_child.unwrap_or(true) && q.for_child);
        for question in &q.questions {
            if !at.contains_key(&question.id) {
                at.insert(question.id.clone(), questions.len());
                questions.push(question.clone());
            }
        }
    }
    Questionnaire {
        trial_id: "find".into(),
        for_child: for_child.unwrap_or(false),
        questions,
    }
}

/// The condition a trial is for, then age, sex and other diagnoses come
/// before the rest.
fn tier(q: &Question) -> u8 {
    if q.own_condition {
        return 0;
    }
    match q.kind {
        Kind::Age => 1,
        Kind::Sex => 2,
        Kind::Condition { .. } => 3,
        _ => 4,
    }
}

/// One candidate as the choice of questions sees it: the ids of its
/// questions and its verdict on the answers so far.
pub struct CandidateState<'a> {
    pub questions: &'a Questionnaire,
    pub verdict: Verdict,
}

/// How many remaining candidates (not ruled out) need each question.
pub fn needs<'a>(cands: &[CandidateState<'a>]) -> HashMap<&'a str, usize> {
    let mut out: HashMap<&'a str, usize> = HashMap::new();
    for c in cands.iter().filter(|c| c.verdict != Verdict::Ineligible) {
        for q in &c.questions.questions {
            *out.entry(q.id.as_str()).or_default() += 1;
        }
    }
    out
}

/// The next page of questions: not asked yet, needed by at least one
/// remaining candidate, age/sex/diagnoses first, then by how many remaining
/// candidates need them; at most `MAX_BEFORE_RESULTS - asked.len()`.
pub fn next_page(
    bank: &Questionnaire,
    cands: &[CandidateState<'_>],
    asked: &[String],
) -> Vec<Question> {
    let room = MAX_BEFORE_RESULTS.saturating_sub(asked.len()).min(PAGE);
    let need = needs(cands);
    let mut open: Vec<(usize, &Question)> = bank
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| !asked.contains(&q.id))
        .filter(|(_, q)| need.get(q.id.as_str()).copied().unwrap_or(0) > 0)
        .collect();
    open.sort_by_key(|(i, q)| {
        (
            tier(q),
            std::cmp::Reverse(need.get(q.id.as_str()).copied().unwrap_or(0)),
            *i,
        )
    });
    open.into_iter()
        .take(room)
        .map(|(_, q)| q.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(id: &str, kind: Kind) -> Question {
        Question {
            id: id.into(),
            text: id.into(),
            hint: None,
            criteria: vec![1],
            topic: eligo_questionnaire::Topic::Other,
            own_condition: false,
            kind,
        }
    }

    fn lab(id: &str) -> Question {
        q(
            id,
            Kind::Lab {
                analyte: id.into(),
                label: id.into(),
                units: vec![],
                ask_uln: false,
                ask_lln: false,
            },
        )
    }

    fn qn(qs: Vec<Question>) -> Questionnaire {
        Questionnaire {
            trial_id: "t".into(),
            for_child: false,
            questions: qs,
        }
    }

    #[test]
    fn asks_what_most_remaining_trials_need_and_nothing_ruled_out_trials_need() {
        let a = qn(vec![lab("lab-alt"), lab("lab-hb"), q("age", Kind::Age)]);
        let b = qn(vec![lab("lab-hb"), lab("lab-plt")]);
        let c = qn(vec![lab("lab-only-c")]);
        let all = bank([&a, &b, &c]);
        assert_eq!(all.questions.len(), 5);
        let cands = [
            CandidateState {
                questions: &a,
                verdict: Verdict::Unknown,
            },
            CandidateState {
                questions: &b,
                verdict: Verdict::Unknown,
            },
            CandidateState {
                questions: &c,
                verdict: Verdict::Ineligible,
            },
        ];
        let ids: Vec<String> = next_page(&all, &cands, &[])
            .into_iter()
            .map(|q| q.id)
            .collect();
        // Age first, then the lab both remaining trials need; never the
        // question only the ruled-out trial needs.
        assert_eq!(ids, ["age", "lab-hb", "lab-alt", "lab-plt"]);
        let asked: Vec<String> = (0..13).map(|i| format!("x{i}")).collect();
        assert_eq!(next_page(&all, &cands, &asked).len(), 2, "15 at most");
    }
}
