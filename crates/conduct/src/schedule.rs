//! The visit schedule: read from the record's outcome-measure time frames
//! ("At 1 month, 2 month, 3 month, 6 month, 9 month, 12month after CHT101
//! infusion" → M1, M2, M3, M6, M9, M12 after day 0), with visit windows,
//! a baseline (screening) visit before day 0, and unscheduled visits; and
//! the state of each visit of a participant on a date (upcoming, due,
//! overdue, missed, done, done out of window).
//!
//! A month is a calendar month after the infusion date (2026-01-15 + 1
//! month = 2026-02-15; the 31st of a short month clamps to its last day),
//! a week 7 days, a year 12 months. Windows are inclusive at both edges.

use crate::Date;
use eligo_model::Trial;
use serde::Serialize;
use std::fmt;

/// When a visit falls, counted from day 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "unit", content = "n", rename_all = "snake_case")]
pub enum Offset {
    Days(u32),
    Weeks(u32),
    Months(u32),
}

impl Offset {
    /// The visit code: M3, W4, D28.
    pub fn code(self) -> String {
        match self {
            Offset::Days(n) => format!("D{n}"),
            Offset::Weeks(n) => format!("W{n}"),
            Offset::Months(n) => format!("M{n}"),
        }
    }

    pub fn label(self) -> String {
        match self {
            Offset::Days(n) => format!("Day {n}"),
            Offset::Weeks(n) => format!("Week {n}"),
            Offset::Months(n) => format!("Month {n}"),
        }
    }

    /// `M3` → Months(3); also `W4`, `D28`, `Y1` (= M12).
    pub fn parse_code(s: &str) -> Option<Offset> {
        let s = s.trim();
        let (u, n) = s.split_at(s.char_indices().nth(1)?.0);
        let n: u32 = n.parse().ok().filter(|n| (1..=3650).contains(n))?;
        match u.to_ascii_uppercase().as_str() {
            "D" => Some(Offset::Days(n)),
            "W" => Some(Offset::Weeks(n)),
            "M" if n <= 120 => Some(Offset::Months(n)),
            "Y" if n <= 10 => Some(Offset::Months(n * 12)),
            _ => None,
        }
    }

    /// The target date after `day0`.
    pub fn target(self, day0: Date) -> Date {
        let span = match self {
            Offset::Days(n) => jiff::Span::new().days(i64::from(n)),
            Offset::Weeks(n) => jiff::Span::new().days(7 * i64::from(n)),
            Offset::Months(n) => jiff::Span::new().months(i64::from(n)),
        };
        day0.checked_add(span).unwrap_or(day0)
    }

    /// Approximate days, for ordering and default windows.
    pub fn approx_days(self) -> u32 {
        match self {
            Offset::Days(n) => n,
            Offset::Weeks(n) => 7 * n,
            Offset::Months(n) => n * 30 + n / 2,
        }
    }
}

/// What a time frame says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TimeFrame {
    /// Assessed at these time points after day 0.
    At(Vec<Offset>),
    /// Collected continuously over a period ("within 12 months").
    Within(Offset),
    /// Nothing eligo can place.
    Unknown,
}

fn unit_of(word: &str) -> Option<fn(u32) -> Offset> {
    let w = word.trim_end_matches('s');
    match w {
        "day" | "d" => Some(Offset::Days),
        "week" | "wk" | "w" => Some(Offset::Weeks),
        "month" | "mo" | "m" => Some(Offset::Months),
        "year" | "yr" | "y" => Some(|n| Offset::Months(n * 12)),
        _ => None,
    }
}

/// Read a time frame: numbers with units in either order ("6 months",
/// "Month 6", "12month"), lists sharing one unit ("1, 2, 3, 6, 9 and 12
/// months"), and periods ("within 12 months", "up to 1 year").
pub fn parse_time_frame(text: &str) -> TimeFrame {
    // Tokens: numbers and words, splitting "12month" into "12" "month".
    let lower = text.to_lowercase();
    let mut tokens: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cur_digit = false;
    for c in lower.chars() {
        let is_digit = c.is_ascii_digit();
        if c.is_alphanumeric() {
            if !cur.is_empty() && is_digit != cur_digit {
                tokens.push(std::mem::take(&mut cur));
            }
            cur_digit = is_digit;
            cur.push(c);
        } else if !cur.is_empty() {
            tokens.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    let num = |t: &str| t.parse::<u32>().ok().filter(|n| *n > 0 && *n <= 3650);
    let mut points: Vec<Offset> = Vec::new();
    let mut pending: Vec<u32> = Vec::new();
    let mut period = false;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].as_str();
        if matches!(t, "within" | "through" | "throughout" | "during" | "until")
            || (t == "up" && tokens.get(i + 1).is_some_and(|n| n == "to"))
        {
            period = true;
        }
        if let Some(n) = num(t) {
            pending.push(n);
        } else if let Some(unit) = unit_of(t) {
            if !pending.is_empty() {
                points.extend(pending.drain(..).map(unit));
            } else if let Some(n) = tokens.get(i + 1).and_then(|x| num(x)) {
                // "Month 3", "Day 28", "weeks 4, 8 and 12".
                points.push(unit(n));
                i += 1;
                loop {
                    let skip =
                        usize::from(tokens.get(i + 1).is_some_and(|t| t == "and" || t == "or"));
                    match tokens.get(i + 1 + skip).and_then(|x| num(x)) {
                        Some(n) => {
                            points.push(unit(n));
                            i += 1 + skip;
                        }
                        None => break,
                    }
                }
            }
        } else if !matches!(t, "and" | "or" | "at" | "to") {
            pending.clear();
        }
        i += 1;
    }
    points.sort();
    points.dedup();
    match (period, points.as_slice()) {
        (_, []) => TimeFrame::Unknown,
        (true, [p]) => TimeFrame::Within(*p),
        _ => TimeFrame::At(points),
    }
}

/// An endpoint the record names, with where eligo found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedEndpoint {
    /// eligo's key: `sri4`, `doris2021`, `lldas`, `sdi`, `bilag`, `pga`,
    /// `safety`.
    pub key: &'static str,
    /// The outcome measure's title in the record.
    pub measure: String,
    /// Visit codes of its time points (empty for a period).
    pub visits: Vec<String>,
    pub time_frame: String,
}

/// Instruments and endpoints an outcome measure names, by the words of its
/// title and description.
pub fn endpoints_named(measure: &str, description: &str) -> Vec<&'static str> {
    let t = format!("{measure} {description}").to_lowercase();
    let has = |w: &str| t.contains(w);
    let mut out = Vec::new();
    if has("sri-4") || has("sri 4") || has("sle responder index") {
        out.push("sri4");
    }
    if has("doris") || has("remission") {
        out.push("doris2021");
    }
    if has("lldas") || has("low disease activity") {
        out.push("lldas");
    }
    if has("sdi") || has("damage") || has("injury index") {
        out.push("sdi");
    }
    if has("bilag") {
        out.push("bilag");
    }
    if has("physician") && (has("assessment") || has("global")) || has("pga") {
        out.push("pga");
    }
    if has("ctcae") || has("adverse event") || has("safety") {
        out.push("safety");
    }
    out
}

/// One planned visit of the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedVisit {
    pub code: String,
    pub label: String,
    pub offset: Offset,
    /// ± days around the target date.
    pub window_days: u32,
}

/// The default window: ± 7 days before month 6, ± 14 from month 6 on.
pub fn default_window(o: Offset) -> u32 {
    if o.approx_days() >= 180 { 14 } else { 7 }
}

pub const BASELINE: &str = "BL";

/// The schedule of a trial and the endpoints its record names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub visits: Vec<PlannedVisit>,
    pub endpoints: Vec<NamedEndpoint>,
    /// The safety period ("within 12 months").
    pub safety_period: Option<Offset>,
    /// True when the record gave no time points and eligo proposed its
    /// default (months 1, 2, 3, 6, 9 and 12).
    pub default_schedule: bool,
    /// The SLEDAI version SRI-4 is scored on: `selena_sledai` (the original
    /// SRI, and the default) unless the record's SRI-4 names SLEDAI-2K.
    pub sri4_sledai: String,
}

pub const DEFAULT_MONTHS: [u32; 6] = [1, 2, 3, 6, 9, 12];

/// Derive the schedule from the record's outcome measures.
pub fn plan(trial: &Trial) -> Plan {
    let mut points: Vec<Offset> = Vec::new();
    let mut endpoints = Vec::new();
    let mut safety_period = None;
    let mut sri4_sledai = "selena_sledai".to_string();
    for o in trial
        .primary_outcomes
        .iter()
        .chain(&trial.secondary_outcomes)
        .chain(&trial.other_outcomes)
        // Measures the source states without classing them (seed 001).
        .chain(&trial.outcomes)
    {
        let tf = o.time_frame.as_deref().unwrap_or("");
        let parsed = parse_time_frame(tf);
        let visits = match &parsed {
            TimeFrame::At(p) => {
                points.extend(p.iter().copied());
                p.iter().map(|x| x.code()).collect()
            }
            TimeFrame::Within(p) => {
                safety_period = Some(safety_period.map_or(*p, |s: Offset| s.max(*p)));
                vec![]
            }
            TimeFrame::Unknown => vec![],
        };
        let desc = o.description.as_deref().unwrap_or("");
        let named = endpoints_named(&o.measure, desc);
        if named.contains(&"sri4") {
            let t = format!("{} {desc}", o.measure).to_lowercase();
            if !t.contains("selena") && (t.contains("sledai-2k") || t.contains("sledai 2k")) {
                sri4_sledai = "sledai2k".into();
            }
        }
        for key in named {
            endpoints.push(NamedEndpoint {
                key,
                measure: o.measure.clone(),
                visits: visits.clone(),
                time_frame: tf.to_string(),
            });
        }
    }
    points.sort();
    points.dedup();
    let default_schedule = points.is_empty();
    if default_schedule {
        points = DEFAULT_MONTHS.iter().map(|m| Offset::Months(*m)).collect();
    }
    Plan {
        visits: points
            .into_iter()
            .map(|o| PlannedVisit {
                code: o.code(),
                label: o.label(),
                offset: o,
                window_days: default_window(o),
            })
            .collect(),
        endpoints,
        safety_period,
        default_schedule,
        sri4_sledai,
    }
}

impl Plan {
    /// Apply the trial's settings: the visit list and windows there win.
    pub fn with_settings(mut self, s: &crate::settings::Settings) -> Plan {
        if let Some(v) = &s.visits {
            self.visits = v.clone();
            self.default_schedule = false;
        }
        self
    }

    pub fn visit(&self, code: &str) -> Option<&PlannedVisit> {
        self.visits.iter().find(|v| v.code == code)
    }

    /// Is the endpoint named at this visit? (Endpoints named without time
    /// points count at every visit.)
    pub fn names(&self, key: &str, code: &str) -> bool {
        self.endpoints
            .iter()
            .any(|e| e.key == key && (e.visits.is_empty() || e.visits.iter().any(|v| v == code)))
    }
}

// ---------------------------------------------------------------------------
// Visit states

/// Where a visit stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    /// The window has not opened.
    Upcoming,
    /// The window is open and nothing is recorded yet.
    Due,
    /// The window has closed with nothing recorded; it can still be done
    /// (out of window) until the next visit's window opens.
    Overdue,
    /// Not done: marked missed, the participant withdrew before its window
    /// closed, a later visit was done, or the next visit's window opened.
    Missed,
    /// Done within its window.
    Done,
    /// Done outside its window (flagged).
    DoneOutOfWindow,
}

impl VisitState {
    pub fn label(self) -> &'static str {
        match self {
            VisitState::Upcoming => "upcoming",
            VisitState::Due => "due",
            VisitState::Overdue => "overdue",
            VisitState::Missed => "missed",
            VisitState::Done => "done",
            VisitState::DoneOutOfWindow => "done, out of window",
        }
    }
    pub fn is_done(self) -> bool {
        matches!(self, VisitState::Done | VisitState::DoneOutOfWindow)
    }
    /// Has the time point been reached (so a participant without data there
    /// counts as missing)?
    pub fn reached(self) -> bool {
        !matches!(self, VisitState::Upcoming | VisitState::Due)
    }
}

impl fmt::Display for VisitState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A visit's window: target and inclusive edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub target: Date,
    pub start: Date,
    pub end: Date,
}

impl Window {
    pub fn around(target: Date, days: u32) -> Window {
        let w = jiff::Span::new().days(i64::from(days));
        Window {
            target,
            start: target.checked_sub(w).unwrap_or(target),
            end: target.checked_add(w).unwrap_or(target),
        }
    }
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
}

/// The baseline window: from `days` before day 0 to day 0.
pub fn baseline_window(day0: Date, days: u32) -> Window {
    Window {
        target: day0,
        start: day0
            .checked_sub(jiff::Span::new().days(i64::from(days)))
            .unwrap_or(day0),
        end: day0,
    }
}

/// What is known of one visit of a participant, for its state.
#[derive(Debug, Clone, Copy)]
pub struct VisitFacts {
    /// The date it was done, when data are recorded.
    pub done_on: Option<Date>,
    /// Marked missed (not done) by the coordinator.
    pub marked_missed: bool,
}

/// The state of a visit with window `w` on `as_of`.
/// `next_start`: the next scheduled visit's window start;
/// `later_done`: a later scheduled visit has data;
/// `withdrawn_on`: the participant's withdrawal date.
pub fn visit_state(
    w: &Window,
    facts: VisitFacts,
    as_of: Date,
    next_start: Option<Date>,
    later_done: bool,
    withdrawn_on: Option<Date>,
) -> VisitState {
    if let Some(d) = facts.done_on {
        return if w.contains(d) {
            VisitState::Done
        } else {
            VisitState::DoneOutOfWindow
        };
    }
    if facts.marked_missed || later_done {
        return VisitState::Missed;
    }
    if withdrawn_on.is_some_and(|wd| wd <= w.end) {
        return VisitState::Missed;
    }
    if as_of < w.start {
        VisitState::Upcoming
    } else if as_of <= w.end {
        VisitState::Due
    } else if next_start.is_some_and(|n| as_of >= n) {
        VisitState::Missed
    } else {
        VisitState::Overdue
    }
}

/// Days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}
