//! How far a trial's status can be trusted today: the date the sponsor last
//! verified it, a warning when that is over a year ago or when the record's
//! own dates contradict it (an open trial that should have ended), and the
//! sites whose status differs from the trial's. Pure: the caller gives the
//! date.

use crate::summary::when;
use eligo_model::trial::{OverallStatus, PartialDate};
use eligo_model::{Date, Trial};

/// What the trial page and the pre-screen say about the status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatusCheck {
    /// "Status last verified by the sponsor in March 2025."
    pub verified: Option<String>,
    /// Reasons the status may be out of date, in plain words.
    pub warnings: Vec<String>,
    /// Site statuses that differ from the trial's: "2 sites: Recruiting".
    pub sites: Vec<String>,
}

/// The last day a partial date can mean (the end of its month or year).
fn last_day(d: PartialDate) -> Option<Date> {
    let first = d.first_day();
    match (d.month, d.day) {
        (_, Some(_)) => Some(first),
        (Some(_), None) => first.last_of_month().into(),
        (None, None) => Date::new(d.year, 12, 31).ok(),
    }
}

fn code_words(code: &str) -> String {
    OverallStatus::from_code(code)
        .map(|s| s.label().to_string())
        .unwrap_or_else(|| eligo_model::trial::code_label(code))
}

pub fn check(t: &Trial, today: Date) -> StatusCheck {
    let mut out = StatusCheck::default();
    let Some(status) = t.status else {
        return out;
    };
    let label = status.label();
    if let Some(v) = t.dates.status_verified {
        out.verified = Some(format!("Status last verified in {}.", when(v)));
        let stale = last_day(v)
            .and_then(|d| d.checked_add(jiff::Span::new().years(1)).ok())
            .is_some_and(|d| d < today);
        if stale {
            out.warnings.push(format!(
                "The status \u{201c}{label}\u{201d} was last verified in {}, more than a year ago: it may have changed. Ask the study team.",
                when(v)
            ));
        }
    }
    if status.is_open() {
        let end = t
            .dates
            .completion
            .or(t.dates.primary_completion)
            .map(|m| m.date);
        if let Some(e) = end
            && last_day(e).is_some_and(|d| d < today)
        {
            out.warnings.push(format!(
                "The record says the study should have ended in {}, yet its status is still \u{201c}{label}\u{201d}: the record may be out of date. Ask the study team whether it still takes people.",
                when(e)
            ));
        }
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    for l in &t.locations {
        let Some(s) = l.status.as_deref() else {
            continue;
        };
        if OverallStatus::from_code(s) == Some(status) {
            continue;
        }
        match counts.iter_mut().find(|(c, _)| c == s) {
            Some((_, n)) => *n += 1,
            None => counts.push((s.to_string(), 1)),
        }
    }
    for (code, n) in counts {
        out.sites.push(format!(
            "{n} {}: {}",
            if n == 1 { "site" } else { "sites" },
            code_words(&code)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use eligo_model::trial::{Location, Milestone};

    fn trial(status: OverallStatus) -> Trial {
        Trial {
            id: "NCT00000001".into(),
            status: Some(status),
            ..Trial::default()
        }
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_status_verified_over_a_year_ago_is_flagged() {
        let mut t = trial(OverallStatus::Recruiting);
        t.dates.status_verified = PartialDate::parse("2025-10");
        // October 2025 counts until its last day: a year later is 2026-10-31.
        assert!(check(&t, d("2026-10-31")).warnings.is_empty());
        let c = check(&t, d("2026-12-07"));
        assert_eq!(
            c.verified.as_deref(),
            Some("Status last verified in October 2025.")
        );
        assert!(c.warnings[0].contains("more than a year ago"), "{c:?}");
    }

    #[test]
    fn an_open_trial_past_its_end_is_flagged_and_a_closed_one_is_not() {
        let mut t = trial(OverallStatus::Recruiting);
        t.dates.completion = Some(Milestone {
            date: PartialDate::parse("2025-10").unwrap(),
            kind: None,
        });
        let c = check(&t, d("2026-12-07"));
        assert!(
            c.warnings.iter().any(|w| w.contains("October 2025")),
            "{c:?}"
        );
        t.status = Some(OverallStatus::Completed);
        assert!(check(&t, d("2026-12-07")).warnings.is_empty());
    }

    #[test]
    fn sites_whose_status_differs_are_named() {
        let mut t = trial(OverallStatus::NotYetRecruiting);
        for s in ["RECRUITING", "RECRUITING", "NOT_YET_RECRUITING"] {
            t.locations.push(Location {
                status: Some(s.into()),
                ..Location::default()
            });
        }
        assert_eq!(
            check(&t, d("2026-01-01")).sites,
            vec!["2 sites: Recruiting"]
        );
    }
}
