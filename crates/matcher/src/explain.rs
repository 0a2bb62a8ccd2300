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
    let _ = writeln!(out, "verdict: {}", verdict_word(m.verdict).to_uppercase());
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
        Verdict::Eligible => {
            let _ = writeln!(out, "every computable criterion is satisfied");
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
            .filter(|(_, c)| c.kind == kind)
        {
            let status = if c.to_confirm {
                "to confirm".to_string()
            } else {
                mark(c.status).to_string()
            };
            let flag = if m.deciding.contains(&i) {
                " <= decides"
            } else {
                ""
            };
            let text: String = c.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(out, "  [{status}]{flag} {text}");
            if c.to_confirm {
                continue;
            }
            for r in &c.results {
                rule_lines(&mut out, r, 0);
            }
        }
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
