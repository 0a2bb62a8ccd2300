//! Disease-activity scores and grade patterns, read as SCORE_CODES.md says
//! they arrive: Observations coded in `http://eligo.dev/score` (or LOINC
//! where a code exists). SLEDAI-2K and SELENA-SLEDAI are different
//! instruments: a criterion naming one is never met by the other.

use crate::ctx::{Ctx, obs_evidence, window_words};
use crate::outcome::{result, status_word, unknown};
use eligo_model::evidence::{RuleResult, Status};
use eligo_model::fact::systems::{ELIGO_BILAG_GRADE, ELIGO_SCORE, LOINC};
use eligo_model::fact::{ObservationFact, ObservationValue};
use eligo_model::rule::{Instrument, Rule, RuleKind};
use rust_decimal::Decimal;

/// (eligo score codes, LOINC codes) an instrument's total arrives under.
fn codes(i: Instrument) -> (&'static [&'static str], &'static [&'static str]) {
    match i {
        Instrument::Sledai2k => (&["sledai-2k", "sledai2k"], &[]),
        Instrument::SelenaSledai => (&["selena-sledai"], &[]),
        Instrument::Pga => (&["pga"], &[]),
        Instrument::Bilag2004 => (&["bilag-2004"], &[]),
        Instrument::Sdi => (&["sdi", "slicc-acr-sdi"], &[]),
        Instrument::Nyha => (&["nyha"], &["88020-3"]),
        Instrument::Ecog => (&["ecog"], &["89247-1"]),
        Instrument::Karnofsky => (&["karnofsky"], &["89243-0"]),
        Instrument::Crs => (&["astct-crs"], &[]),
        Instrument::Icans => (&["astct-icans"], &[]),
        Instrument::Agvhd => (&["magic-agvhd"], &[]),
    }
}

/// A score's numeric value: a number, or a class such as NYHA "III".
fn numeric(o: &ObservationFact) -> Option<Decimal> {
    match &o.value {
        Some(ObservationValue::Quantity { quantity }) => Some(quantity.value),
        Some(ObservationValue::Code { coding, text }) => coding
            .iter()
            .flat_map(|c| [Some(c.code.as_str()), c.display.as_deref()])
            .flatten()
            .chain(text.as_deref())
            .find_map(roman_or_number),
        Some(ObservationValue::Text { value }) => roman_or_number(value),
        _ => None,
    }
}

fn roman_or_number(s: &str) -> Option<Decimal> {
    let t = s
        .trim()
        .trim_start_matches(|c: char| c.is_alphabetic() && c != 'I' && c != 'V')
        .trim()
        .to_ascii_uppercase();
    let t = t
        .strip_prefix("CLASS")
        .or_else(|| t.strip_prefix("GRADE"))
        .unwrap_or(&t)
        .trim();
    match t {
        "I" => Some(Decimal::ONE),
        "II" => Some(Decimal::from(2)),
        "III" => Some(Decimal::from(3)),
        "IV" => Some(Decimal::from(4)),
        _ => t.parse().ok(),
    }
}

pub fn score(ctx: &Ctx<'_>, r: &Rule) -> RuleResult {
    let RuleKind::Score {
        instrument,
        comparator,
        value,
        window,
    } = &r.kind
    else {
        unreachable!("score() is called for score rules")
    };
    let (eligo_codes, loinc) = codes(*instrument);
    let mut obs = ctx.coded_observations(ELIGO_SCORE, eligo_codes, *window);
    obs.extend(ctx.coded_observations(LOINC, loinc, *window));
    obs.sort_by_key(|o| std::cmp::Reverse(o.effective));
    let name = instrument.label();
    for o in obs {
        if let Some(v) = numeric(o) {
            let s = if comparator.holds(v, *value) {
                Status::Met
            } else {
                Status::NotMet
            };
            let mut res = result(
                r,
                s,
                format!(
                    "{name} {} {} {} ({})",
                    v.normalize(),
                    comparator.symbol(),
                    value.normalize(),
                    status_word(s)
                ),
            );
            res.evidence.push(obs_evidence(o, name));
            return res;
        }
    }
    // A NYHA class above I presupposes heart failure, which is history
    // (closed world): with none recorded, no such class.
    if *instrument == Instrument::Nyha
        && matches!(
            comparator,
            eligo_model::rule::Comparator::Ge | eligo_model::rule::Comparator::Gt
        )
        && *value > Decimal::ONE
        && (ctx.facts.world.is_closed()
            || crate::open_world::denial(
                ctx,
                eligo_model::fact::HistoryKind::Condition,
                "heart_failure",
            )
            .is_some())
        && !ctx
            .conditions_of("heart_failure")
            .iter()
            .any(|c| c.verification_status.is_none_or(|v| v.counts()))
    {
        let mut res = result(
            r,
            Status::NotMet,
            format!(
                "{name} {} {}: no heart failure in the record, so no such class (not met)",
                comparator.symbol(),
                value.normalize()
            ),
        );
        res.evidence.push(crate::ctx::note_evidence(
            "Heart failure",
            "not in the record (closed world for history)",
        ));
        return res;
    }
    let other = match instrument {
        Instrument::Sledai2k => ctx
            .coded_observations(ELIGO_SCORE, &["selena-sledai"], *window)
            .first()
            .map(|_| " (a SELENA-SLEDAI score is recorded, but it is a different instrument)"),
        Instrument::SelenaSledai => ctx
            .coded_observations(ELIGO_SCORE, &["sledai-2k"], *window)
            .first()
            .map(|_| " (a SLEDAI-2K score is recorded, but it is a different instrument)"),
        _ => None,
    };
    unknown(
        r,
        format!(
            "{name}: not recorded {}{}",
            window_words(*window),
            other.unwrap_or("")
        ),
        format!("{name} score {}", window_words(*window)),
    )
}

/// BILAG-2004 domains in BILAG's spelling (the instruments crate's list).
pub const BILAG_DOMAINS: [&str; 9] = eligo_instruments::bilag2004::DOMAINS;

fn bilag_grade(o: &ObservationFact) -> Option<char> {
    let Some(ObservationValue::Code { coding, text }) = &o.value else {
        return None;
    };
    coding
        .iter()
        .filter(|c| c.system == ELIGO_BILAG_GRADE || c.system.is_empty())
        .map(|c| c.code.as_str())
        .chain(text.as_deref())
        .filter_map(|s| {
            let s = s.trim().to_ascii_uppercase();
            (s.len() == 1).then(|| s.chars().next()).flatten()
        })
        .find(|c| ('A'..='E').contains(c))
}

pub fn grade_pattern(ctx: &Ctx<'_>, r: &Rule) -> RuleResult {
    let RuleKind::GradePattern {
        instrument,
        min_a,
        min_b,
        window,
    } = &r.kind
    else {
        unreachable!("grade_pattern() is called for grade-pattern rules")
    };
    let want = format!("at least {min_a} A or {min_b} B");
    if *instrument != Instrument::Bilag2004 {
        return unknown(
            r,
            format!("{}: grade pattern not readable", instrument.label()),
            instrument.label(),
        );
    }
    // Domain observations in the window; the latest assessment date decides.
    let codes: Vec<String> = BILAG_DOMAINS
        .iter()
        .map(|d| format!("bilag-2004-{d}"))
        .collect();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let obs = ctx.coded_observations(ELIGO_SCORE, &refs, *window);
    let Some(latest) = obs.first().map(|o| o.effective) else {
        return unknown(
            r,
            format!(
                "BILAG-2004 ({want}): no domain grades {}",
                window_words(*window)
            ),
            format!("BILAG-2004 domain grades {}", window_words(*window)),
        );
    };
    let mut graded: Vec<(&str, char, &ObservationFact)> = Vec::new();
    for d in BILAG_DOMAINS {
        let code = format!("bilag-2004-{d}");
        if let Some(o) = obs.iter().find(|o| {
            o.effective == latest
                && o.codes
                    .iter()
                    .any(|c| c.system == ELIGO_SCORE && c.code.eq_ignore_ascii_case(&code))
        }) && let Some(g) = bilag_grade(o)
        {
            graded.push((d, g, o));
        }
    }
    let a = graded.iter().filter(|(_, g, _)| *g == 'A').count() as u32;
    let b = graded.iter().filter(|(_, g, _)| *g == 'B').count() as u32;
    let met = a >= *min_a || b >= *min_b;
    let summary: Vec<String> = graded.iter().map(|(d, g, _)| format!("{d} {g}")).collect();
    let s = if met {
        Status::Met
    } else if graded.len() < BILAG_DOMAINS.len() {
        Status::Unknown
    } else {
        Status::NotMet
    };
    let mut res = result(
        r,
        s,
        format!(
            "BILAG-2004 {} A, {} B ({}), required {want} ({})",
            a,
            b,
            summary.join(", "),
            status_word(s)
        ),
    );
    for (d, _, o) in &graded {
        let mut e = obs_evidence(o, &format!("BILAG-2004 {d}"));
        e.computation = Some(format!("A = {a}, B = {b} at this assessment"));
        res.evidence.push(e);
    }
    if s == Status::Unknown {
        for d in BILAG_DOMAINS {
            if !graded.iter().any(|(g, _, _)| *g == d) {
                res.missing.push(format!("BILAG-2004 {d} grade"));
            }
        }
    }
    res
}
