//! Time windows (screening, "within N weeks") and durations.

use super::*;

// ---------------------------------------------------------------- windows

#[derive(Debug, Clone)]
pub struct Window {
    pub s: usize,
    pub e: usize,
    pub period: Period,
    pub half_lives: bool,
}

re!(
    window_re,
    r"(?i)\b(?:within|in|during)\s+(?:the\s+)?(?:past|previous|last|first|prior|preceding)?\s*(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an)?\s*(hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mo|m|years?|yrs?|y|half[- ]?lives)\b(\s*(?:\(\s*)?(?:prior to|before|after|of|from|preceding)\b)?"
);

/// How far back "during screening" / "at screening" reaches: the screening
/// period before enrolment, taken as the 28 days up to the as-of date (the
/// screening date), as trial protocols commonly set it. A criterion that
/// states its own window uses that instead.
pub const SCREENING_WINDOW: Period = Period {
    amount: 28,
    unit: TimeUnit::Days,
};

re!(
    screening_window_re,
    r"(?i)\b(?:during|at|in)\s+(?:the\s+)?screening(?:\s+(?:period|visit|phase))?\b|\bduring\s+the\s+screening\b"
);

/// "during screening", "at the screening visit": the default screening window.
pub fn screening_windows(cl: &str) -> Vec<Window> {
    screening_window_re()
        .find_iter(cl)
        .map(|m| Window {
            s: m.start(),
            e: m.end(),
            period: SCREENING_WINDOW,
            half_lives: false,
        })
        .collect()
}

/// Look-back windows ("within 3 months prior to screening", "within the past year").
pub fn windows(cl: &str) -> Vec<Window> {
    let mut out = Vec::new();
    for c in window_re().captures_iter(cl) {
        let Some(m) = c.get(0) else { continue };
        let unit = c.get(2).map_or("", |u| u.as_str());
        let tail = c.get(3).map_or("", |x| x.as_str()).to_ascii_lowercase();
        if tail.contains("after") {
            continue;
        }
        if unit.to_ascii_lowercase().starts_with("half") {
            out.push(Window {
                s: m.start(),
                e: m.end(),
                period: Period::new(0, TimeUnit::Days),
                half_lives: true,
            });
            continue;
        }
        let n = match c.get(1) {
            Some(x) => match x.as_str().parse::<u32>() {
                Ok(v) => v,
                Err(_) => match number_word(x.as_str()) {
                    Some(v) => v,
                    None => continue,
                },
            },
            None => 1,
        };
        let Some(u) = time_unit(unit) else { continue };
        // "in 2 weeks" alone is too loose; need within/past/previous or prior to.
        let head = m.as_str().to_ascii_lowercase();
        if !(head.starts_with("within")
            || head.contains("past")
            || head.contains("previous")
            || head.contains("last")
            || tail.contains("prior")
            || tail.contains("before"))
        {
            continue;
        }
        // extend over "prior to screening"
        let rest = &cl[m.end()..];
        let ext = anchor_tail_re().find(rest).map_or(0, |x| x.end());
        out.push(Window {
            s: m.start(),
            e: m.end() + ext,
            period: Period::new(n, u),
            half_lives: false,
        });
    }
    out
}

#[derive(Debug, Clone)]
pub struct Duration {
    pub s: usize,
    pub e: usize,
    pub period: Period,
    /// "> 6 months", "more than 5 years": longer than the period, not as long.
    pub strict: bool,
    /// "≥3M of glucocorticoids": applies to what follows.
    pub applies_forward: bool,
    /// "history of ≥ 6 months", "at least 24 weeks prior to screening".
    pub history: bool,
}

re!(
    duration_re,
    r"(?i)(?:\bfor\s+)?(>=|>|\bat least\b|\bmore than\b|\bover\b|\bminimum of\b)\s*(\d+|one|two|three|four|five|six|twelve)\s*(M|months?|weeks?|wks?|days?|years?)\b(\s+of\b)?(\s+prior to (?:screening|enrol+ment))?"
);

pub fn durations(cl: &str) -> Vec<Duration> {
    let mut out = Vec::new();
    for c in duration_re().captures_iter(cl) {
        let Some(m) = c.get(0) else { continue };
        let before = cl[..m.start()].to_lowercase();
        if before.trim_end().ends_with("stable dose for")
            || before.ends_with("stable dose ")
            || before.trim_end().ends_with("within")
        {
            continue;
        }
        let Some(n) = c.get(2).and_then(|x| number_word(x.as_str())) else {
            continue;
        };
        let unit = c.get(3).map_or("", |x| x.as_str());
        let u = if unit == "M" {
            Some(TimeUnit::Months)
        } else {
            time_unit(unit)
        };
        let Some(u) = u else { continue };
        let history = c.get(5).is_some() || before.trim_end().ends_with("history of");
        let op = c.get(1).map_or("", |x| x.as_str()).to_ascii_lowercase();
        out.push(Duration {
            s: m.start(),
            e: m.end(),
            period: Period::new(n, u),
            strict: matches!(op.as_str(), ">" | "more than" | "over"),
            applies_forward: c.get(4).is_some(),
            history,
        });
    }
    out
}
