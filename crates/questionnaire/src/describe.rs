//! The answers in words, for the study team.

use crate::DONT_KNOW;
use crate::answers::Answers;
use crate::choices::unit_label;
use crate::question::Questionnaire;

pub fn describe(q: &Questionnaire, answers: &Answers) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for question in &q.questions {
        let mut parts = Vec::new();
        for field in question.fields() {
            let Some(v) = answers.0.get(&field.name) else {
                continue;
            };
            let shown = field
                .input
                .choices()
                .iter()
                .find(|c| &c.value == v)
                .map(|c| c.label.clone())
                .unwrap_or_else(|| {
                    if v == DONT_KNOW {
                        "I don't know".into()
                    } else {
                        v.clone()
                    }
                });
            let shown = if field.name.ends_with(".unit") {
                unit_label(v)
            } else {
                shown
            };
            if field.name.ends_with(".answer") {
                parts.push(shown);
            } else {
                parts.push(format!("{}: {shown}", field.label));
            }
        }
        let text = if parts.is_empty() {
            "(no answer)".to_string()
        } else {
            parts.join("; ")
        };
        out.push((question.text.clone(), text));
    }
    out
}
