//! FHIR `date`, `dateTime` and `instant` strings to calendar dates.
//!
//! eligo counts windows in days, so a date-time keeps only its date, as
//! written (the local date where it was recorded; the offset is checked but
//! not applied: shifting 23:30-05:00 to the next UTC day would move a fact
//! across a window boundary the record did not cross). A partial date (`2012`,
//! `2012-03`) is taken as its first day and the caller records that.

use crate::Date;
use std::fmt;

/// How much of a date the record gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Precision {
    Year,
    Month,
    Day,
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Precision::Year => "year",
            Precision::Month => "month",
            Precision::Day => "day",
        })
    }
}

const FORMS: &str =
    "is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone)";

/// Parses a FHIR `dateTime` (or `date`, or `instant`).
pub(crate) fn parse_date_time(s: &str) -> Result<(Date, Precision), String> {
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let (d, p) = parse_date(date)?;
    if let Some(t) = time {
        if p != Precision::Day {
            return Err(FORMS.to_owned());
        }
        parse_time(t).map_err(|()| FORMS.to_owned())?;
    }
    Ok((d, p))
}

/// Parses a FHIR `date` (no time part), as `Patient.birthDate` is.
pub(crate) fn parse_date(s: &str) -> Result<(Date, Precision), String> {
    let b = s.as_bytes();
    let bad = || FORMS.to_owned();
    let year = digits(b, 0, 4).ok_or_else(bad)?;
    if year == 0 {
        return Err("has year 0000, which FHIR does not allow".to_owned());
    }
    let (month, day, precision) = match b.len() {
        4 => (1, 1, Precision::Year),
        7 if b[4] == b'-' => (digits(b, 5, 2).ok_or_else(bad)?, 1, Precision::Month),
        10 if b[4] == b'-' && b[7] == b'-' => (
            digits(b, 5, 2).ok_or_else(bad)?,
            digits(b, 8, 2).ok_or_else(bad)?,
            Precision::Day,
        ),
        _ => return Err(bad()),
    };
    // All three fit their types: year < 10000, month and day < 100.
    let date = Date::new(year as i16, month as i8, day as i8)
        .map_err(|_| format!("is not a calendar date (month {month:02}, day {day:02})"))?;
    Ok((date, precision))
}

/// `hh:mm(:ss(.fff)?)?` then `Z`, `+hh:mm`, `-hh:mm` or nothing.
fn parse_time(t: &str) -> Result<(), ()> {
    let b = t.as_bytes();
    let two = |at: usize, max: u32| digits(b, at, 2).filter(|&n| n <= max).ok_or(());
    two(0, 23)?;
    if b.get(2) != Some(&b':') {
        return Err(());
    }
    two(3, 59)?;
    let mut i = 5;
    if b.get(i) == Some(&b':') {
        two(i + 1, 60)?;
        i += 3;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return Err(());
            }
        }
    }
    match &b[i..] {
        [] | [b'Z'] => Ok(()),
        [b'+' | b'-', rest @ ..] if rest.len() == 5 && rest[2] == b':' => {
            two(i + 1, 14)?;
            two(i + 4, 59)?;
            Ok(())
        }
        _ => Err(()),
    }
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let s = b.get(at..at + n)?;
    s.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// Completed years from `birth` to `day`.
pub(crate) fn age_on(birth: Date, day: Date) -> i32 {
    let mut years = i32::from(day.year()) - i32::from(birth.year());
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, dd: i8) -> Date {
        Date::new(y, m, dd).unwrap()
    }

    #[test]
    fn forms() {
        assert_eq!(
            parse_date_time("2026"),
            Ok((d(2026, 1, 1), Precision::Year))
        );
        assert_eq!(
            parse_date_time("2026-02"),
            Ok((d(2026, 2, 1), Precision::Month))
        );
        assert_eq!(
            parse_date_time("2026-02-28"),
            Ok((d(2026, 2, 28), Precision::Day))
        );
        assert_eq!(
            parse_date_time("2026-02-28T23:30:00-05:00"),
            Ok((d(2026, 2, 28), Precision::Day))
        );
        assert_eq!(
            parse_date_time("2026-02-28T08:15:00.123Z"),
            Ok((d(2026, 2, 28), Precision::Day))
        );
        for bad in [
            "",
            "26",
            "2026-2",
            "2026-02-30",
            "2026-13-01",
            "0000",
            "2026/02/01",
            "2026-02-01T",
            "2026-02-01T25:00:00Z",
            "2026-02T10:00:00Z",
            "2026-02-01T10:00:00+5",
            "yesterday",
            "2026-02-01 10:00",
            "２０２６",
        ] {
            assert!(parse_date_time(bad).is_err(), "{bad:?}");
        }
        assert!(parse_date("2026-02-01T10:00:00Z").is_err());
    }

    #[test]
    fn completed_years() {
        assert_eq!(age_on(d(1990, 6, 15), d(2026, 6, 14)), 35);
        assert_eq!(age_on(d(1990, 6, 15), d(2026, 6, 15)), 36);
    }
}
