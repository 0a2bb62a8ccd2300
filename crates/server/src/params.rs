//! Query-string and form parameters, read by hand so that every error
//! names its field (serde's urlencoded errors do not).

use crate::AppError;
use axum::http::Uri;
use eligo_model::Date;
use eligo_model::trial::{OverallStatus, Phase, Sex, StudyType};
use eligo_search::query::Filters;

/// Decoded `key=value` pairs, in order.
#[derive(Debug, Clone, Default)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn from_uri(uri: &Uri) -> Result<Params, AppError> {
        Self::parse(uri.query().unwrap_or(""))
    }

    pub fn parse(s: &str) -> Result<Params, AppError> {
        let mut out = Vec::new();
        for part in s.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let k = decode(k).ok_or_else(|| {
                AppError::bad_request("malformed percent-encoding in a parameter name")
            })?;
            let v = decode(v)
                .ok_or_else(|| AppError::field(k.clone(), "malformed percent-encoding"))?;
            out.push((k, v));
        }
        Ok(Params(out))
    }

    /// The last non-empty value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Every non-empty value of `key`, in order.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Refuse keys outside `single` and `repeatable`, and a `single` key
    /// given twice (which would otherwise be silently last-wins). API only:
    /// pages ignore strays.
    pub fn only(&self, single: &[&str], repeatable: &[&str]) -> Result<(), AppError> {
        for (i, (k, _)) in self.0.iter().enumerate() {
            if repeatable.contains(&k.as_str()) {
                continue;
            }
            if !single.contains(&k.as_str()) {
                let known: Vec<&str> = single.iter().chain(repeatable).copied().collect();
                return Err(AppError::field(
                    k.clone(),
                    if known.is_empty() {
                        "unknown parameter; this operation takes no query parameters".to_string()
                    } else {
                        format!("unknown parameter; expected one of {}", known.join(", "))
                    },
                ));
            }
            if self.0[..i].iter().any(|(earlier, _)| earlier == k) {
                return Err(AppError::field(
                    k.clone(),
                    "given more than once; this parameter takes one value",
                ));
            }
        }
        Ok(())
    }

    /// Refuse any query parameter (operations that take none).
    pub fn none(uri: &Uri) -> Result<(), AppError> {
        Self::from_uri(uri)?.only(&[], &[])
    }

    pub fn usize_in(
        &self,
        key: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, AppError> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(AppError::field(
                    key,
                    format!("expected a whole number from {min} to {max}, got {v:?}"),
                )),
            },
        }
    }

    pub fn date(&self, key: &str) -> Result<Option<Date>, AppError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => match parse_date(v) {
                Some(d) => Ok(Some(d)),
                // A real date, but not one eligo screens at.
                None if v.trim().len() == 10 && v.trim().parse::<Date>().is_ok() => {
                    Err(AppError::field(
                        key,
                        format!(
                            "{} is out of range: eligo screens at dates from 1900-01-01 to 2200-12-31",
                            v.trim()
                        ),
                    ))
                }
                None => Err(AppError::field(
                    key,
                    format!("expected a date YYYY-MM-DD, got {v:?}"),
                )),
            },
        }
    }

    pub fn bool(&self, key: &str) -> Result<bool, AppError> {
        match self.get(key).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(false),
            Some(v) if matches!(v.as_str(), "true" | "1" | "yes" | "on") => Ok(true),
            Some(v) if matches!(v.as_str(), "false" | "0" | "no" | "off") => Ok(false),
            Some(v) => Err(AppError::field(
                key,
                format!("expected true or false, got {v:?}"),
            )),
        }
    }

    /// The search filters (`status`, `phase`, `type`, `condition`, `antigen`,
    /// `age`, `sex`, `country`).
    pub fn filters(&self) -> Result<Filters, AppError> {
        let mut f = Filters::default();
        for v in self.all("status") {
            let s = OverallStatus::from_code(v).ok_or_else(|| {
                AppError::field(
                    "status",
                    format!(
                        "unknown status {v:?}; one of {}",
                        codes(OverallStatus::ALL, OverallStatus::code)
                    ),
                )
            })?;
            if !f.statuses.contains(&s) {
                f.statuses.push(s);
            }
        }
        for v in self.all("phase") {
            let p = parse_phase(v).ok_or_else(|| {
                AppError::field(
                    "phase",
                    format!(
                        "unknown phase {v:?}; one of {}",
                        codes(Phase::ALL, Phase::code)
                    ),
                )
            })?;
            if !f.phases.contains(&p) {
                f.phases.push(p);
            }
        }
        if let Some(v) = self.get("type") {
            f.study_type = Some(StudyType::from_code(v).ok_or_else(|| {
                AppError::field(
                    "type",
                    format!(
                        "unknown study type {v:?}; one of {}",
                        codes(StudyType::ALL, StudyType::code)
                    ),
                )
            })?);
        }
        f.condition = self.text("condition")?;
        f.antigen = self.text("antigen")?;
        f.country = self.text("country")?;
        if let Some(v) = self.get("age") {
            match v.trim().parse::<f64>() {
                Ok(a) if a.is_finite() && (0.0..=150.0).contains(&a) => f.age_years = Some(a),
                _ => {
                    return Err(AppError::field(
                        "age",
                        format!("expected years from 0 to 150, got {v:?}"),
                    ));
                }
            }
        }
        if let Some(v) = self.get("sex") {
            f.sex = Some(match Sex::from_code(v) {
                Some(Sex::All) | None => {
                    return Err(AppError::field(
                        "sex",
                        format!("expected female or male, got {v:?}"),
                    ));
                }
                Some(s) => s,
            });
        }
        Ok(f)
    }

    /// A free-text value, at most 200 characters.
    pub fn text(&self, key: &str) -> Result<Option<String>, AppError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if v.chars().count() > 200 => {
                Err(AppError::field(key, "longer than 200 characters"))
            }
            Some(v) => Ok(Some(v.trim().to_string())),
        }
    }
}

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> String {
    all.iter().map(|v| code(*v)).collect::<Vec<_>>().join(", ")
}

/// `PHASE1`, `phase1`, `1`, `PHASE_1`, `NA`, `EARLY_PHASE1`.
pub fn parse_phase(s: &str) -> Option<Phase> {
    let t = s.trim().to_ascii_uppercase().replace("PHASE_", "PHASE");
    let code = if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        format!("PHASE{t}")
    } else {
        t
    };
    Phase::from_code(&code)
}

/// `YYYY-MM-DD`, a real calendar date between years 1900 and 2200.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    let d: Date = s.parse().ok()?;
    (1900..=2200).contains(&d.year()).then_some(d)
}

/// Percent-decoding with `+` as space; None for bad escapes or non-UTF-8.
pub fn decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let h = b.get(i + 1..i + 3)?;
                let h = std::str::from_utf8(h).ok()?;
                out.push(u8::from_str_radix(h, 16).ok()?);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// `path` with `pairs` as its query string (pairs with empty values dropped).
pub fn href(path: &str, pairs: &[(String, String)]) -> String {
    let qs: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    if qs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", qs.join("&"))
    }
}

/// Percent-encoding for a query value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_names_the_bad_field() {
        let p = Params::parse("q=CAR-T+lupus&status=RECRUITING&status=not_yet_recruiting&age=30")
            .unwrap();
        assert_eq!(p.get("q"), Some("CAR-T lupus"));
        let f = p.filters().unwrap();
        assert_eq!(f.statuses.len(), 2);
        assert_eq!(f.age_years, Some(30.0));
        let e = Params::parse("age=old").unwrap().filters().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("age"));
        let e = Params::parse("limit=0")
            .unwrap()
            .usize_in("limit", 20, 1, 100)
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("limit"));
        assert!(Params::parse("q=%ZZ").is_err());
        assert!(Params::parse("q=%FF").is_err(), "not UTF-8");
        assert_eq!(decode(&encode("a b&c=d/é")).as_deref(), Some("a b&c=d/é"));
        let p = Params::parse("q=a&status=X&status=Y&q=b").unwrap();
        assert!(
            p.only(&["q"], &["status"])
                .is_err_and(|e| e.field.as_deref() == Some("q"))
        );
        assert!(p.only(&[], &["q", "status"]).is_ok());
        let e = p.only(&["q"], &[]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("status"));
        assert_eq!(parse_phase("2"), Some(Phase::Phase2));
        assert_eq!(parse_date("2026-02-30"), None);
        let e = Params::parse("as_of=9999-12-31")
            .unwrap()
            .date("as_of")
            .unwrap_err();
        assert!(e.message.contains("out of range"), "{e}");
        let e = Params::parse("as_of=2026-02-30")
            .unwrap()
            .date("as_of")
            .unwrap_err();
        assert!(e.message.contains("expected a date"), "{e}");
        assert!(parse_date("2026-02-28").is_some());
    }
}
