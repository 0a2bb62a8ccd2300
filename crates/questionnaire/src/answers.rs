//! Reading the answers: what was submitted, checked field by field.

use crate::question::Question;
use crate::question::Questionnaire;
use crate::{DONT_KNOW, MAX_VALUE, PatientFacts};
use eligo_model::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;

/// A question's main answer, in three states. In a questionnaire only an
/// explicit "No" says something is absent (MATCHING.md rule 10): "I don't
/// know", and a question left blank, leave it unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    DontKnow,
}

/// The answers as submitted: form name → value, only names the
/// questionnaire has, non-empty values, trimmed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, String>);

impl Answers {
    /// Keep the pairs that belong to `q`'s fields; reject over-long values.
    pub fn from_pairs<'a>(
        q: &Questionnaire,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Answers, Vec<Problem>> {
        let names: Vec<String> = q
            .questions
            .iter()
            .flat_map(|x| x.fields())
            .map(|f| f.name)
            .collect();
        let mut out = BTreeMap::new();
        let mut problems = Vec::new();
        for (k, v) in pairs {
            if !names.iter().any(|n| n == k) {
                continue;
            }
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            if v.chars().count() > MAX_VALUE {
                problems.push(Problem::new(k, "answer is too long"));
                continue;
            }
            // A "don't know" checkbox and a radio share the name: the radio's
            // real answer wins over the checkbox.
            if v == DONT_KNOW && out.contains_key(k) {
                continue;
            }
            out.insert(k.to_string(), v.to_string());
        }
        if problems.is_empty() {
            Ok(Answers(out))
        } else {
            Err(problems)
        }
    }

    pub fn get(&self, question: &str, field: &str) -> Option<&str> {
        self.0
            .get(&format!("{question}.{field}"))
            .map(String::as_str)
    }

    /// The question's main answer in three states. "No" is only what the
    /// patient said no to: for a history item "No", for childbearing
    /// potential one of the reasons it is not possible, for a test its
    /// negative result. A value given (a date of birth, a lab value, a
    /// grade) is "Yes"; nothing given, or "I don't know", is `DontKnow`.
    pub fn answer(&self, q: &Question) -> Answer {
        let main = self.get(&q.id, "answer");
        match main {
            Some(DONT_KNOW) => return Answer::DontKnow,
            Some("no" | "menopause" | "surgery" | "negative") => return Answer::No,
            Some(_) => return Answer::Yes,
            None => {}
        }
        let prefix = format!("{}.", q.id);
        let any = self
            .0
            .iter()
            .any(|(k, v)| k.starts_with(&prefix) && v != DONT_KNOW && !k.ends_with(".unit"));
        if any { Answer::Yes } else { Answer::DontKnow }
    }
}

/// A field whose answer cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl Problem {
    pub(crate) fn new(field: &str, message: impl Into<String>) -> Self {
        Problem {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// What a pre-screen made of the answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub facts: PatientFacts,
    /// Questions answered "I don't know" (or left empty).
    pub dont_know: Vec<String>,
}

pub(crate) struct Reader<'a> {
    pub(crate) answers: &'a Answers,
    pub(crate) as_of: Date,
    pub(crate) problems: Vec<Problem>,
}

impl Reader<'_> {
    pub(crate) fn raw(&self, q: &Question, field: &str) -> Option<String> {
        self.answers.get(&q.id, field).map(str::to_string)
    }

    /// A choice answer; values outside `allowed` are a problem.
    pub(crate) fn pick(&mut self, q: &Question, field: &str, allowed: &[&str]) -> Option<String> {
        let v = self.raw(q, field)?;
        if v == DONT_KNOW {
            return None;
        }
        if allowed.contains(&v.as_str()) {
            Some(v)
        } else {
            self.problems.push(Problem::new(
                &format!("{}.{field}", q.id),
                "choose one of the answers offered",
            ));
            None
        }
    }

    pub(crate) fn date(&mut self, q: &Question, field: &str) -> Option<Date> {
        let v = self.raw(q, field)?;
        let name = format!("{}.{field}", q.id);
        match parse_date(&v) {
            Some(d) if d > self.as_of => {
                self.problems.push(Problem::new(
                    &name,
                    "this date is in the future: give a date up to today",
                ));
                None
            }
            Some(d) if d.year() <= 1900 => {
                self.problems.push(Problem::new(
                    &name,
                    "the year looks wrong: give the date the form asks for",
                ));
                None
            }
            Some(d) => Some(d),
            None => {
                self.problems.push(Problem::new(
                    &name,
                    "this is not a date: use the date picker, or write it as 2024-05-31",
                ));
                None
            }
        }
    }

    pub(crate) fn number(
        &mut self,
        q: &Question,
        field: &str,
        min: Decimal,
        max: Decimal,
    ) -> Option<Decimal> {
        let v = self.raw(q, field)?;
        let name = format!("{}.{field}", q.id);
        let t = if v.contains(',') && !v.contains('.') {
            v.replace(',', ".")
        } else {
            v.clone()
        };
        match Decimal::from_str(t.trim()) {
            Ok(d) if d >= min && d <= max => Some(d.normalize()),
            Ok(_) => {
                self.problems.push(Problem::new(
                    &name,
                    format!("give a number from {min} to {max}"),
                ));
                None
            }
            Err(_) => {
                self.problems.push(Problem::new(
                    &name,
                    "this is not a number: write digits only, for example 12.5",
                ));
                None
            }
        }
    }
}

/// A date as a form sends it (`YYYY-MM-DD`), from 1900 to 2200.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    let d: Date = s.parse().ok()?;
    (1900..=2200).contains(&d.year()).then_some(d)
}
