//! Dose escalation: DLT counts per dose level from the participants and
//! their adverse events, and the next step by two designs, each with the
//! rule and the counts that decided. Both are advice to the investigators.
//!
//! - **3+3** (the classic rule-based design): 0/3 → escalate; 1/3 → expand
//!   to 6; ≤ 1/6 → escalate; ≥ 2 DLTs at a level → that level exceeds the
//!   MTD: the next lower level is the MTD if 6 were treated there with
//!   ≤ 1 DLT, else treat 3 more there; ≥ 2 DLTs at the lowest level → stop.
//!   At the top level (or below a level that exceeded the MTD) 0/3 expands
//!   to 6, and ≤ 1/6 declares that level the MTD.
//! - **BOIN** (Liu & Yuan, JRSS-C 2015): with φ the target DLT rate,
//!   φ1 = 0.6φ, φ2 = 1.4φ, escalate when the observed rate at the current
//!   level is ≤ λe, de-escalate when ≥ λd, else stay, where
//!   λe = ln((1-φ1)/(1-φ)) / ln(φ(1-φ1) / (φ1(1-φ))) and
//!   λd = ln((1-φ)/(1-φ2)) / ln(φ2(1-φ) / (φ(1-φ2))).
//!   A level (and every higher one) is eliminated when at least 3 were
//!   treated and P(rate > φ | data) > 0.95 under a Beta(1, 1) prior; if the
//!   lowest level is eliminated the trial stops.

use crate::Date;
use crate::data::{AdverseEvent, Participant, ParticipantStatus};
use crate::schedule::days_between;
use crate::stats::binom_cdf;
use serde::Serialize;

/// DLT counts at one dose level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoseCount {
    /// 1-based, in the record's order.
    pub level: u32,
    pub label: String,
    /// Participants infused at this level.
    pub treated: u32,
    /// Participants whose DLT window is complete, or who had a DLT.
    pub evaluable: u32,
    pub dlts: u32,
    /// Still inside the DLT window without a DLT.
    pub pending: u32,
    /// Withdrew inside the window without a DLT (to be replaced).
    pub not_evaluable: u32,
}

/// Per-level counts and the current level (that of the latest infusion).
pub fn dose_counts(
    levels: &[String],
    participants: &[(&Participant, &[AdverseEvent])],
    dlt_window_days: u32,
    as_of: Date,
) -> (Vec<DoseCount>, Option<u32>) {
    let mut counts: Vec<DoseCount> = levels
        .iter()
        .enumerate()
        .map(|(i, l)| DoseCount {
            level: i as u32 + 1,
            label: l.clone(),
            treated: 0,
            evaluable: 0,
            dlts: 0,
            pending: 0,
            not_evaluable: 0,
        })
        .collect();
    let mut latest: Option<(Date, u32)> = None;
    for (p, aes) in participants {
        let Some(level) = p.dose_level.filter(|l| (*l as usize) <= levels.len()) else {
            continue;
        };
        if p.infusion_date > as_of {
            continue;
        }
        if latest.is_none_or(|(d, l)| (p.infusion_date, level) > (d, l)) {
            latest = Some((p.infusion_date, level));
        }
        let c = &mut counts[level as usize - 1];
        c.treated += 1;
        let had_dlt = aes.iter().any(|a| {
            let day = days_between(p.infusion_date, a.onset);
            a.dlt && (0..=i64::from(dlt_window_days)).contains(&day) && a.onset <= as_of
        });
        let window_done = days_between(p.infusion_date, as_of) >= i64::from(dlt_window_days);
        let withdrew_early = p.status == ParticipantStatus::Withdrawn
            && p.withdrawn_on.is_some_and(|w| {
                days_between(p.infusion_date, w) < i64::from(dlt_window_days) && w <= as_of
            });
        if had_dlt {
            c.evaluable += 1;
            c.dlts += 1;
        } else if withdrew_early {
            c.not_evaluable += 1;
        } else if window_done {
            c.evaluable += 1;
        } else {
            c.pending += 1;
        }
    }
    (counts, latest.map(|(_, l)| l))
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "action", content = "level", rename_all = "snake_case")]
pub enum Action {
    /// Treat (more) participants at this level.
    Treat(u32),
    /// Wait for open DLT windows at this level.
    Wait(u32),
    Escalate(u32),
    Stay(u32),
    /// Treat 3 more at this level (to 6).
    Expand(u32),
    DeEscalate(u32),
    DeclareMtd(u32),
    /// No tolerated level in the plan.
    Stop,
}

impl Action {
    pub fn words(self, counts: &[DoseCount]) -> String {
        let name = |l: u32| {
            counts
                .get(l as usize - 1)
                .map_or(format!("level {l}"), |c| format!("level {l} ({})", c.label))
        };
        match self {
            Action::Treat(l) => format!("treat at {}", name(l)),
            Action::Wait(l) => format!("wait: DLT windows still open at {}", name(l)),
            Action::Escalate(l) => format!("escalate to {}", name(l)),
            Action::Stay(l) => format!("stay at {}", name(l)),
            Action::Expand(l) => format!("expand {} to 6 participants", name(l)),
            Action::DeEscalate(l) => format!("de-escalate to {}", name(l)),
            Action::DeclareMtd(l) => format!("declare {} the MTD", name(l)),
            Action::Stop => "stop: no tolerated dose level in the plan".into(),
        }
    }
}

/// A design's advice with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub design: &'static str,
    pub action: Action,
    /// The action in words.
    pub advice: String,
    /// The rule that decided, with the counts it read.
    pub rule: String,
    /// Levels eliminated (BOIN).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub eliminated: Vec<u32>,
}

fn decision(design: &'static str, action: Action, rule: String, counts: &[DoseCount]) -> Decision {
    Decision {
        design,
        action,
        advice: action.words(counts),
        rule,
        eliminated: vec![],
    }
}

/// The 3+3 rule at `current` (1-based).
pub fn three_plus_three(counts: &[DoseCount], current: u32) -> Decision {
    let top = counts.len() as u32;
    let Some(c) = counts.get(current.wrapping_sub(1) as usize) else {
        return decision(
            "3+3",
            Action::Treat(1),
            "no participant treated yet: start at the lowest level with 3".into(),
            counts,
        );
    };
    let (n, y) = (c.evaluable, c.dlts);
    let at = format!("{y} DLT(s) in {n} evaluable at level {current}");
    let exceeded = |l: u32| counts.get(l as usize - 1).is_some_and(|c| c.dlts >= 2);
    if y >= 2 {
        if current == 1 {
            return decision(
                "3+3",
                Action::Stop,
                format!("{at}: ≥ 2 DLTs at the lowest level, so no level in the plan is tolerated"),
                counts,
            );
        }
        let lower = &counts[current as usize - 2];
        return if lower.evaluable >= 6 && lower.dlts <= 1 {
            decision(
                "3+3",
                Action::DeclareMtd(current - 1),
                format!(
                    "{at}: ≥ 2 DLTs, so level {current} exceeds the MTD; level {} had {}/{} (≤ 1 of 6), so it is the MTD",
                    current - 1,
                    lower.dlts,
                    lower.evaluable
                ),
                counts,
            )
        } else {
            decision(
                "3+3",
                Action::DeEscalate(current - 1),
                format!(
                    "{at}: ≥ 2 DLTs, so level {current} exceeds the MTD; level {} has {}/{}, fewer than 6 treated: treat 3 more there",
                    current - 1,
                    lower.dlts,
                    lower.evaluable
                ),
                counts,
            )
        };
    }
    if c.pending > 0 {
        return decision(
            "3+3",
            Action::Wait(current),
            format!(
                "{at}, {} still inside the DLT window: decide when their windows close",
                c.pending
            ),
            counts,
        );
    }
    let blocked_above = current == top || exceeded(current + 1);
    let why_blocked = if current == top {
        "the top level".to_string()
    } else {
        format!("level {} exceeded the MTD", current + 1)
    };
    match n {
        0..=2 => decision(
            "3+3",
            Action::Treat(current),
            format!("{at}: complete the cohort of 3"),
            counts,
        ),
        3 if y == 0 && blocked_above => decision(
            "3+3",
            Action::Expand(current),
            format!("{at}: 0/3, and this is {why_blocked}: expand to 6 to confirm the MTD"),
            counts,
        ),
        3 if y == 0 => decision(
            "3+3",
            Action::Escalate(current + 1),
            format!("{at}: 0/3 → escalate"),
            counts,
        ),
        3 => decision(
            "3+3",
            Action::Expand(current),
            format!("{at}: 1/3 → expand to 6"),
            counts,
        ),
        4 | 5 => decision(
            "3+3",
            Action::Expand(current),
            format!("{at}: complete the expansion to 6"),
            counts,
        ),
        _ if blocked_above => decision(
            "3+3",
            Action::DeclareMtd(current),
            format!("{at}: ≤ 1 of 6, and this is {why_blocked}: level {current} is the MTD"),
            counts,
        ),
        _ => decision(
            "3+3",
            Action::Escalate(current + 1),
            format!("{at}: ≤ 1 of 6 → escalate"),
            counts,
        ),
    }
}

/// BOIN's escalation and de-escalation boundaries (λe, λd) for target φ,
/// with φ1 = 0.6φ and φ2 = 1.4φ.
pub fn boin_boundaries(target: f64) -> (f64, f64) {
    let (p, p1, p2) = (target, 0.6 * target, 1.4 * target);
    let le = ((1.0 - p1) / (1.0 - p)).ln() / ((p * (1.0 - p1)) / (p1 * (1.0 - p))).ln();
    let ld = ((1.0 - p) / (1.0 - p2)).ln() / ((p2 * (1.0 - p)) / (p * (1.0 - p2))).ln();
    (le, ld)
}

/// P(rate > φ | y DLTs in n) under a Beta(1, 1) prior: the posterior is
/// Beta(1 + y, 1 + n − y), and its tail equals P(Binomial(n + 1, φ) ≤ y).
pub fn posterior_above(target: f64, n: u32, y: u32) -> f64 {
    binom_cdf(i64::from(y), n + 1, target)
}

/// BOIN eliminates a level when ≥ 3 treated and P(rate > φ) > 0.95.
pub fn boin_eliminates(target: f64, n: u32, y: u32) -> bool {
    n >= 3 && posterior_above(target, n, y) > 0.95
}

/// One row of BOIN's decision table for n evaluable participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BoinRow {
    pub n: u32,
    /// Escalate if DLTs ≤ this (None: never).
    pub escalate_at_most: Option<u32>,
    /// De-escalate if DLTs ≥ this.
    pub deescalate_at_least: Option<u32>,
    /// Eliminate the level if DLTs ≥ this.
    pub eliminate_at_least: Option<u32>,
}

/// The decision table for 1..=max_n participants at a level.
pub fn boin_table(target: f64, max_n: u32) -> Vec<BoinRow> {
    let (le, ld) = boin_boundaries(target);
    (1..=max_n)
        .map(|n| {
            let rate = |y: u32| f64::from(y) / f64::from(n);
            BoinRow {
                n,
                escalate_at_most: (0..=n).filter(|y| rate(*y) <= le).max(),
                deescalate_at_least: (0..=n).find(|y| rate(*y) >= ld),
                eliminate_at_least: (0..=n).find(|y| boin_eliminates(target, n, *y)),
            }
        })
        .collect()
}

/// BOIN's next step at `current` (1-based) for target φ.
pub fn boin(counts: &[DoseCount], current: u32, target: f64) -> Decision {
    let (le, ld) = boin_boundaries(target);
    let top = counts.len() as u32;
    let bounds = format!("φ = {target:.2}: λe = {le:.3}, λd = {ld:.3}");
    // Eliminated: the first level meeting the rule and every level above.
    let first_out = counts
        .iter()
        .find(|c| boin_eliminates(target, c.evaluable, c.dlts))
        .map(|c| c.level);
    let eliminated: Vec<u32> = first_out.map_or(vec![], |f| (f..=top).collect());
    let with = |mut d: Decision| {
        d.eliminated = eliminated.clone();
        d
    };
    let Some(c) = counts.get(current.wrapping_sub(1) as usize) else {
        return with(decision(
            "BOIN",
            Action::Treat(1),
            format!("no participant treated yet: start at level 1 ({bounds})"),
            counts,
        ));
    };
    let (n, y) = (c.evaluable, c.dlts);
    if first_out == Some(1) {
        let c1 = &counts[0];
        return with(decision(
            "BOIN",
            Action::Stop,
            format!(
                "level 1: {}/{} DLTs, P(rate > {target:.2}) = {:.3} > 0.95: the lowest level is eliminated",
                c1.dlts,
                c1.evaluable,
                posterior_above(target, c1.evaluable, c1.dlts)
            ),
            counts,
        ));
    }
    if eliminated.contains(&current) {
        return with(decision(
            "BOIN",
            Action::DeEscalate(current - 1),
            format!(
                "level {current}: {y}/{n} DLTs, P(rate > {target:.2}) = {:.3} > 0.95: eliminate level {current} and above",
                posterior_above(target, n, y)
            ),
            counts,
        ));
    }
    if c.pending > 0 {
        return with(decision(
            "BOIN",
            Action::Wait(current),
            format!(
                "level {current}: {y}/{n} DLTs, {} still inside the DLT window ({bounds})",
                c.pending
            ),
            counts,
        ));
    }
    if n == 0 {
        return with(decision(
            "BOIN",
            Action::Treat(current),
            format!("level {current}: nobody evaluable yet ({bounds})"),
            counts,
        ));
    }
    let rate = f64::from(y) / f64::from(n);
    let obs = format!("level {current}: {y}/{n} = {rate:.3}");
    let action = if rate <= le {
        if current < top && !eliminated.contains(&(current + 1)) {
            (
                Action::Escalate(current + 1),
                format!("{obs} ≤ λe = {le:.3} → escalate ({bounds})"),
            )
        } else {
            (
                Action::Stay(current),
                format!(
                    "{obs} ≤ λe = {le:.3}, but there is no higher level to go to → stay ({bounds})"
                ),
            )
        }
    } else if rate >= ld {
        if current > 1 {
            (
                Action::DeEscalate(current - 1),
                format!("{obs} ≥ λd = {ld:.3} → de-escalate ({bounds})"),
            )
        } else {
            (
                Action::Stay(current),
                format!("{obs} ≥ λd = {ld:.3}, but this is the lowest level → stay ({bounds})"),
            )
        }
    } else {
        (
            Action::Stay(current),
            format!("λe = {le:.3} < {obs} < λd = {ld:.3} → stay ({bounds})"),
        )
    };
    with(decision("BOIN", action.0, action.1, counts))
}
