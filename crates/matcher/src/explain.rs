//! One trial's reasoning as text a person reads (`eligo match --explain`).
//! It renders the `TrialMatch`; it decides nothing.

use eligo_model::evidence::{Evidence, RuleResult, Status, TrialMatch, Verdict};
use eligo_model::rule::CriterionKind;
use std::fmt::Write;

fn mark(s: Status) -> &'static str {
    match s {
        Status::Met => "met",
        Status::NotMet => "not met",
        Status::Unknown => "unknown",
    }
}

pub fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Eligible => "eligible",
        Verdict::Unknown => "unknown",
        Verdict::Ineligible => "ineligible",
    }
}

/// The verdict as a person should read it: "may be eligible" unless every
/// inclusion criterion was verified on the record.
pub fn verdict_phrase(m: &TrialMatch) -> &'static str {
    match m.verdict {
        Verdict::Eligible if m.inclusions_verified() => "eligible",
        Verdict::Eligible => "may be eligible",
        v => verdict_word(v),
    }
}

/// "3 verified, 2 in part, 1 unknown, 7 to confirm".
pub fn counts_line(m: &TrialMatch) -> String {
    let c = &m.counts;
    format!(
        "{} verified, {} met in part, {} unknown, {} to confirm",
        c.verified, c.in_part, c.unknown, c.to_confirm
    )
}

/// A criterion's status in words, with "in part" where a clause is left to
/// confirm (an exclusion "not met in part" does not exclude).
pub fn status_words(c: &eligo_model::evidence::CriterionResult) -> &'static str {
    if c.to_confirm {
        return "to confirm";
    }
    match (c.status, c.partial) {
        (Status::Met, true) => "met in part",
        (Status::NotMet, true) => "not met in part",
        (s, _) => mark(s),
    }
}

pub fn evidence_line(e: &Evidence) -> String {
    let mut s = e.label.clone();
    if let Some(v) = &e.value {
        let _ = write!(s, " {v}");
    }
    if let Some(t) = &e.text {
        let _ = write!(s, " {t}");
    }
    if let Some(d) = e.date {
        let _ = write!(s, " ({d})");
    }
    if let Some(src) = &e.source {
        let _ = write!(s, " [{}/{}]", src.resource_type, src.id);
    }
    if let Some(c) = &e.computation {
        let _ = write!(s, "; {c}");
    }
    s
}

fn rule_lines(out: &mut String, r: &RuleResult, depth: usize) {
    let pad = "    ".repeat(depth + 1);
    let _ = writeln!(
        out,
        "{pad}- {} [bytes {}-{}]",
        r.explanation, r.rule.span.start, r.rule.span.end
    );
    for e in &r.evidence {
        let _ = writeln!(out, "{pad}    evidence: {}", evidence_line(e));
    }
    for m in &r.missing {
        let _ = writeln!(out, "{pad}    missing: {m}");
    }
    for c in &r.children {
        rule_lines(out, c, depth + 1);
    }
}

/// The whole reasoning for one trial.
pub fn explain(m: &TrialMatch) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}", m.trial_id, m.title);
    let _ = writeln!(out, "verdict: {}", verdict_phrase(m).to_uppercase());
    let _ = writeln!(out, "criteria: {}", counts_line(m));
    match m.verdict {
        Verdict::Ineligible => {
            let _ = writeln!(out, "decided by: {}", deciding(m));
        }
        Verdict::Unknown => {
            let _ = writeln!(out, "undecided because of: {}", deciding(m));
            if !m.missing.is_empty() {
                let _ = writeln!(out, "facts to collect next: {}", m.missing.join("; "));
            }
        }
        Verdict::Eligible if m.inclusions_verified() => {
            let _ = writeln!(out, "every inclusion criterion is verified and met");
        }
        Verdict::Eligible => {
            let _ = writeln!(
                out,
                "every computable criterion is satisfied; clauses left to confirm decide the rest"
            );
        }
    }
    for kind in [CriterionKind::Inclusion, CriterionKind::Exclusion] {
        let _ = writeln!(
            out,
            "\n{}",
            if kind == CriterionKind::Inclusion {
                "Inclusion criteria"
            } else {
                "Exclusion criteria"
            }
        );
        for (i, c) in m
            .criteria
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == kind && c.group.is_none())
        {
            let status = status_words(c).to_string();
            let flag = if m.deciding.contains(&i) {
                " <= decides"
            } else {
                ""
            };
            let text: String = c.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let from = c
                .field
                .as_ref()
                .map(|f| format!(" (registry field {f})"))
                .unwrap_or_default();
            let _ = writeln!(out, "  [{status}]{flag} {text}{from}");
            if c.to_confirm {
                continue;
            }
            for r in &c.results {
                rule_lines(&mut out, r, 0);
            }
        }
    }
    // Groups that are not enrolment criteria (MATCHING.md rule 13).
    let mut heading: Option<&str> = None;
    for c in m.criteria.iter().filter(|c| c.group.is_some()) {
        let g = c.group.as_deref().unwrap_or_default();
        if heading != Some(g) {
            let _ = writeln!(out, "\nNot an enrolment criterion: {g}");
            heading = Some(g);
        }
        let text: String = c.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let _ = writeln!(out, "  [{}] {text}", status_words(c));
    }
    if !m.to_confirm.is_empty() {
        let _ = writeln!(out, "\nTo confirm with a person:");
        for t in &m.to_confirm {
            let t: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(out, "  - {t}");
        }
    }
    out
}

/// The deciding criteria, shortened, for one-line summaries.
pub fn deciding(m: &TrialMatch) -> String {
    m.deciding
        .iter()
        .filter_map(|&i| m.criteria.get(i))
        .map(|c| {
            let t: String = c.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let short: String = t.chars().take(70).collect();
            let k = if c.kind == CriterionKind::Inclusion {
                "inclusion"
            } else {
                "exclusion"
            };
            if short.len() < t.len() {
                format!("{k} \"{short}…\"")
            } else {
                format!("{k} \"{short}\"")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}
