//! Fields drawn on their own: ages, dates that agree with the status,
//! site statuses, contacts.

use super::{dates, tables, weighted};
use crate::rng::Rng;
use tables::Family;

/// (min, max) ages as the registry writes them ("18 Years", "6 Months").
pub(super) fn ages(r: &mut Rng, fam: Family) -> (Option<&'static str>, Option<&'static str>) {
    let band = if fam == Family::Healthy {
        0
    } else {
        weighted(
            r,
            &[(0, 620), (1, 120), (2, 60), (3, 100), (4, 50), (5, 50)],
        )
    };
    match band {
        0 => (
            Some("18 Years"),
            weighted(
                r,
                &[
                    (None, 450),
                    (Some("65 Years"), 150),
                    (Some("75 Years"), 120),
                    (Some("80 Years"), 100),
                    (Some("70 Years"), 80),
                    (Some("60 Years"), 50),
                    (Some("85 Years"), 30),
                    (Some("99 Years"), 20),
                ],
            ),
        ),
        1 => {
            let (min, max) = weighted(
                r,
                &[
                    (("16 Years", None), 3),
                    (("20 Years", Some("80 Years")), 2),
                    (("21 Years", None), 2),
                    (("30 Years", Some("70 Years")), 1),
                    (("40 Years", None), 2),
                    (("45 Years", Some("75 Years")), 1),
                    (("50 Years", None), 2),
                    (("55 Years", Some("85 Years")), 1),
                ],
            );
            (Some(min), max)
        }
        2 => (None, None),
        3 => weighted(
            r,
            &[
                ((None, Some("17 Years")), 3),
                ((Some("28 Days"), Some("17 Years")), 1),
                ((Some("1 Month"), Some("12 Years")), 1),
                ((Some("6 Months"), Some("18 Years")), 1),
                ((Some("1 Year"), Some("5 Years")), 1),
                ((Some("2 Years"), Some("17 Years")), 2),
                ((Some("6 Years"), Some("17 Years")), 1),
                ((Some("12 Years"), Some("21 Years")), 1),
            ],
        ),
        4 => (
            Some(if r.chance(0.5) {
                "60 Years"
            } else {
                "65 Years"
            }),
            None,
        ),
        _ => (None, Some(*r.pick(&["65 Years", "75 Years", "80 Years"]))),
    }
}

pub(super) fn years(age: &str) -> f64 {
    let mut it = age.split(' ');
    let n: f64 = it.next().and_then(|n| n.parse().ok()).unwrap_or(0.0);
    match it.next() {
        Some(u) if u.starts_with("Month") => n / 12.0,
        Some(u) if u.starts_with("Week") => n / 52.0,
        Some(u) if u.starts_with("Day") => n / 365.0,
        _ => n,
    }
}

pub(super) fn std_ages(min: Option<&str>, max: Option<&str>) -> Vec<&'static str> {
    let lo = min.map_or(0.0, years);
    let hi = max.map_or(200.0, years);
    let mut v = Vec::new();
    if lo < 18.0 {
        v.push("CHILD");
    }
    if lo <= 64.0 && hi >= 18.0 {
        v.push("ADULT");
    }
    if hi >= 65.0 {
        v.push("OLDER_ADULT");
    }
    v
}

pub(super) fn population(min: Option<&str>, max: Option<&str>, sex: &str) -> String {
    let hi = max.map_or(200.0, years);
    let lo = min.map_or(0.0, years);
    match (sex, hi < 18.0 || (hi <= 21.0 && lo < 12.0), lo >= 60.0) {
        (_, true, _) => "children".into(),
        ("FEMALE", _, _) => "women".into(),
        ("MALE", _, _) => "men".into(),
        (_, _, true) => "older adults".into(),
        _ => "adults".into(),
    }
}

pub(super) fn site_status(r: &mut Rng, overall: &str) -> Option<&'static str> {
    Some(match overall {
        "RECRUITING" => weighted(
            r,
            &[
                ("RECRUITING", 75),
                ("NOT_YET_RECRUITING", 12),
                ("ACTIVE_NOT_RECRUITING", 5),
                ("COMPLETED", 3),
                ("WITHDRAWN", 5),
            ],
        ),
        "NOT_YET_RECRUITING" => "NOT_YET_RECRUITING",
        "ENROLLING_BY_INVITATION" => {
            weighted(r, &[("ENROLLING_BY_INVITATION", 80), ("RECRUITING", 20)])
        }
        "ACTIVE_NOT_RECRUITING" => weighted(r, &[("ACTIVE_NOT_RECRUITING", 90), ("COMPLETED", 10)]),
        "SUSPENDED" => "SUSPENDED",
        "AVAILABLE" => "AVAILABLE",
        _ => return None,
    })
}

/// The dates of a study, as the registry writes them.
pub(super) struct Dates {
    pub verified: String,
    pub first_submit: String,
    pub first_post: String,
    pub start: Option<(String, &'static str)>,
    pub primary_completion: Option<(String, &'static str)>,
    pub completion: Option<(String, &'static str)>,
    pub last_update: String,
    pub last_known: Option<&'static str>,
    pub why_stopped: Option<&'static str>,
}

impl Dates {
    pub fn draw(r: &mut Rng, status: &str, s: i64) -> Dates {
        const Y: i64 = 365;
        // Recent years hold more studies: skew the distance back.
        let back = |r: &mut Rng, max_years: f64| (r.unit().powf(1.6) * max_years * Y as f64) as i64;
        let (start, end, start_kind, end_kind) = match status {
            "COMPLETED" | "TERMINATED" => {
                let end = s - 30 - back(r, 24.0);
                let dur = r.range(90, 6 * Y);
                (end - dur, end, "ACTUAL", "ACTUAL")
            }
            "UNKNOWN" => {
                let end = s - 2 * Y - back(r, 16.0);
                (end - r.range(180, 5 * Y), end, "ACTUAL", "ESTIMATED")
            }
            "WITHDRAWN" => {
                let st = s - 30 - back(r, 15.0);
                (st, st + r.range(180, 4 * Y), "ESTIMATED", "ESTIMATED")
            }
            "NOT_YET_RECRUITING" => {
                let st = s + r.range(7, 400);
                (st, st + r.range(365, 5 * Y), "ESTIMATED", "ESTIMATED")
            }
            "ACTIVE_NOT_RECRUITING" => {
                let st = s - r.range(Y, 8 * Y);
                (st, s + r.range(30, 5 * Y), "ACTUAL", "ESTIMATED")
            }
            "AVAILABLE"
            | "NO_LONGER_AVAILABLE"
            | "APPROVED_FOR_MARKETING"
            | "TEMPORARILY_NOT_AVAILABLE" => {
                let st = s - back(r, 15.0);
                (st, st, "", "")
            }
            // RECRUITING, ENROLLING_BY_INVITATION, SUSPENDED
            _ => {
                let st = s - r.range(7, 5 * Y);
                (st, s + r.range(60, 6 * Y), "ACTUAL", "ESTIMATED")
            }
        };
        let first_submit = if r.chance(0.3) {
            (start + r.range(0, 300)).min(s - 1)
        } else {
            start - r.range(0, 120)
        }
        .min(s - 1);
        let closed = matches!(status, "COMPLETED" | "TERMINATED" | "WITHDRAWN" | "UNKNOWN");
        let last_update = if closed {
            (end + r.range(0, 700)).min(s - 1)
        } else {
            s - r.range(1, 200)
        }
        .max(first_submit);
        let last_update = if status == "UNKNOWN" {
            last_update.min(s - 2 * Y)
        } else {
            last_update
        }
        .max(first_submit);
        let fmt = |r: &mut Rng, z: i64| {
            if r.chance(0.7) {
                dates::ymd(z)
            } else {
                dates::ym(z)
            }
        };
        let has_dates = !start_kind.is_empty();
        Dates {
            verified: dates::ym(last_update),
            first_submit: dates::ymd(first_submit),
            first_post: dates::ymd(first_submit + r.range(1, 30)),
            start: has_dates.then(|| (fmt(r, start), start_kind)),
            primary_completion: has_dates.then(|| {
                let z = end - r.range(0, 180);
                (fmt(r, z), end_kind)
            }),
            completion: has_dates.then(|| (fmt(r, end), end_kind)),
            last_update: dates::ymd(last_update),
            last_known: (status == "UNKNOWN").then(|| {
                *r.pick(&[
                    "RECRUITING",
                    "ACTIVE_NOT_RECRUITING",
                    "NOT_YET_RECRUITING",
                    "ENROLLING_BY_INVITATION",
                ])
            }),
            why_stopped: matches!(status, "TERMINATED" | "WITHDRAWN" | "SUSPENDED")
                .then(|| *r.pick(tables::WHY_STOPPED)),
        }
    }
}

pub(super) struct Contact {
    pub name: String,
    pub role: &'static str,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Contact {
    pub fn draw(r: &mut Rng, role: &'static str) -> Contact {
        let (f, l) = (*r.pick(tables::FIRST_NAMES), *r.pick(tables::LAST_NAMES));
        let with = role == "CONTACT";
        Contact {
            name: format!("{f} {l}"),
            role,
            phone: with.then(|| format!("{:03}-555-{:04}", r.range(200, 989), r.range(0, 9999))),
            email: with.then(|| format!("{}.{}@example.org", f.to_lowercase(), l.to_lowercase())),
        }
    }
}
