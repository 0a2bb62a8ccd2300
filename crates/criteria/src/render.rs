//! A readable one-line rendering of a rule ("ALT ≤ 3 × ULN") or of the
//! concepts a part left to confirm names, for tables and pages.

use eligo_model::rule::{Comparator, Mention, Presence, Rule, RuleKind, Threshold, VaccineKind};
use eligo_vocab::vocabulary;

fn analyte_label(k: &str) -> String {
    vocabulary().analyte(k).map_or(k.to_string(), |a| {
        // the short form in parentheses when the label has one: "Alanine aminotransferase (ALT)" -> "ALT"
        match (a.label.rfind('('), a.label.rfind(')')) {
            (Some(s), Some(e)) if e > s + 1 && e - s <= 9 => a.label[s + 1..e].to_string(),
            (Some(s), _) => a.label[..s].trim().to_string(),
            _ => a.label.clone(),
        }
    })
}

fn condition_label(k: &str) -> String {
    let v = vocabulary();
    v.condition(k)
        .or_else(|| v.procedure(k))
        .map_or(k.to_string(), |c| c.label.clone())
}

fn medication_label(k: &str) -> String {
    vocabulary()
        .medication(k)
        .map_or(k.to_string(), |m| m.label.clone())
}

fn threshold(t: &Threshold) -> String {
    match t {
        Threshold::Quantity { quantity } => quantity.to_string(),
        Threshold::UlnMultiple { factor } => format!("{} × ULN", factor.normalize()),
        Threshold::LlnMultiple { factor } => format!("{} × LLN", factor.normalize()),
    }
}

fn within(w: &Option<eligo_model::rule::Period>) -> String {
    w.map_or(String::new(), |p| format!(" within {p}"))
}

/// One line for a rule; composites nest in brackets.
pub fn rule(r: &Rule) -> String {
    kind(&r.kind)
}

pub fn kind(k: &RuleKind) -> String {
    match k {
        RuleKind::All { label, rules } => {
            let inner: Vec<String> = rules.iter().map(rule).collect();
            format!(
                "{}all of [{}]",
                label.as_ref().map_or(String::new(), |l| format!("{l}: ")),
                inner.join("; ")
            )
        }
        RuleKind::Any { label, rules } => {
            let inner: Vec<String> = rules.iter().map(rule).collect();
            format!(
                "{}any of [{}]",
                label.as_ref().map_or(String::new(), |l| format!("{l}: ")),
                inner.join("; ")
            )
        }
        RuleKind::AtLeast { min, rules } => {
            let inner: Vec<String> = rules.iter().map(rule).collect();
            format!("at least {min} of [{}]", inner.join("; "))
        }
        RuleKind::Not { rule: r } => format!("not ({})", rule(r)),
        RuleKind::Age { min, max } => {
            let mut s = String::from("age");
            if let Some(m) = min {
                s.push_str(&format!(
                    " {} {}",
                    if m.inclusive { "≥" } else { ">" },
                    m.years
                ));
            }
            if let Some(m) = max {
                if min.is_some() {
                    s.push_str(" and");
                }
                s.push_str(&format!(
                    " {} {}",
                    if m.inclusive { "≤" } else { "<" },
                    m.years
                ));
            }
            s + " years"
        }
        RuleKind::Sex { sex } => format!("sex {}", sex.label().to_lowercase()),
        RuleKind::Lab {
            analyte,
            comparator,
            threshold: t,
            window,
            method,
            exceptions,
        } => {
            let mut s = format!("{} {} {}", analyte_label(analyte), comparator, threshold(t));
            if let Some(m) = method {
                s.push_str(&format!(" ({})", m.replace('_', " ")));
            }
            s.push_str(&within(window));
            for e in exceptions {
                s.push_str(&format!(
                    " (with {}: {} {})",
                    condition_label(&e.condition),
                    e.comparator,
                    threshold(&e.threshold)
                ));
            }
            s
        }
        RuleKind::LabResult {
            analyte,
            result,
            window,
        } => {
            format!(
                "{} {}{}",
                analyte_label(analyte),
                format!("{result:?}").to_lowercase(),
                within(window)
            )
        }
        RuleKind::Score {
            instrument,
            comparator,
            value,
            window,
        } => {
            format!(
                "{} {} {}{}",
                instrument.label(),
                comparator,
                value.normalize(),
                within(window)
            )
        }
        RuleKind::GradePattern {
            instrument,
            min_a,
            min_b,
            window,
        } => {
            format!(
                "{}: ≥ {min_a} A or ≥ {min_b} B{}",
                instrument.label(),
                within(window)
            )
        }
        RuleKind::Diagnosis {
            concept,
            presence,
            window,
            min_duration,
            classification,
            min_grade,
            exceptions,
            exceptions_to_confirm,
        } => {
            let mut s = match presence {
                Presence::Active => format!("active {}", condition_label(concept)),
                Presence::Ever => format!("history of {}", condition_label(concept)),
            };
            if let Some(g) = min_grade {
                s = format!("{s} grade ≥ {g}");
            }
            if let Some(c) = classification {
                s.push_str(&format!(" ({})", c.replace('_', " ")));
            }
            s.push_str(&within(window));
            if let Some(d) = min_duration {
                s.push_str(&format!(", diagnosed ≥ {d} ago"));
            }
            if !exceptions.is_empty() {
                let ex: Vec<String> = exceptions.iter().map(|e| condition_label(e)).collect();
                s.push_str(&format!(" except {}", ex.join(", ")));
            }
            if !exceptions_to_confirm.is_empty() {
                let ex: Vec<String> = exceptions_to_confirm
                    .iter()
                    .map(|e| condition_label(e))
                    .collect();
                s.push_str(&format!(
                    "{} {} (as the text qualifies them: to confirm)",
                    if exceptions.is_empty() {
                        " except"
                    } else {
                        ";"
                    },
                    ex.join(", ")
                ));
            }
            s
        }
        RuleKind::Medication {
            agent,
            window,
            dose,
            min_duration,
            min_duration_strict,
            routes,
            current,
        } => {
            let mut s = medication_label(agent);
            if !routes.is_empty() {
                s = format!("{} {s}", routes.join("/").replace('_', "-"));
            }
            if let Some(d) = dose {
                s.push_str(&format!(
                    " {} {}{}",
                    d.comparator,
                    d.quantity,
                    if d.prednisone_equivalent {
                        " prednisone-equivalent"
                    } else {
                        ""
                    }
                ));
            }
            if let Some(d) = min_duration {
                s.push_str(&format!(
                    " for {} {d}",
                    if *min_duration_strict { ">" } else { "≥" }
                ));
            }
            if *current {
                s.push_str(" now (ongoing)");
            } else {
                s.push_str(&within(window));
            }
            s
        }
        RuleKind::Procedure { concept, window } => {
            format!("{}{}", condition_label(concept), within(window))
        }
        RuleKind::Vaccination { vaccine, window } => {
            let k = match vaccine {
                VaccineKind::Live => "live vaccine",
                VaccineKind::Inactivated => "inactivated vaccine",
                VaccineKind::Mrna => "mRNA vaccine",
                VaccineKind::Any => "any vaccine",
            };
            format!("{k}{}", within(window))
        }
        RuleKind::Allergy { substance, severe } => {
            let s = substance
                .as_deref()
                .map_or("any substance".to_string(), |s| {
                    if s == "drug" {
                        "drugs".to_string()
                    } else {
                        medication_label(s)
                    }
                });
            format!("{}allergy to {s}", if *severe { "severe " } else { "" })
        }
        RuleKind::TrialParticipation {
            window,
            interventional,
        } => {
            format!(
                "in another {}{}",
                if *interventional {
                    "interventional trial"
                } else {
                    "clinical trial or study"
                },
                within(window)
            )
        }
        RuleKind::Pregnancy { state, window } => format!(
            "{}{}",
            format!("{state:?}")
                .to_lowercase()
                .replace("negativetest", "negative pregnancy test")
                .replace("childbearingpotential", "of childbearing potential"),
            within(window)
        ),
        RuleKind::TrialCondition { condition, concept } => match concept {
            Some(k) => format!(
                "has the trial's condition \u{201c}{condition}\u{201d} ({})",
                condition_label(k)
            ),
            None => format!(
                "has the trial's condition \u{201c}{condition}\u{201d} (not a condition eligo recognises)"
            ),
        },
        RuleKind::ToConfirm { reason } => format!("to confirm ({})", reason.describe()),
    }
}

/// `≥` etc. (re-exported for the CLI's legends).
pub fn comparator(c: Comparator) -> &'static str {
    c.symbol()
}

/// "drug voclosporin, condition lupus nephritis", each text shown through
/// `text` (shortened for a table, unescaped for a page); `None` when there
/// are no mentions.
pub fn mentions(ms: &[Mention], text: impl Fn(&str) -> String) -> Option<String> {
    (!ms.is_empty()).then(|| {
        ms.iter()
            .map(|m| format!("{} {}", m.kind.name(), text(&m.text)))
            .collect::<Vec<_>>()
            .join(", ")
    })
}
