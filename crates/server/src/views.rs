//! Small helpers shared by the pages: escaping, registry wording, badges.

use eligo_model::rule::{Coverage, Criterion};
use eligo_model::trial::{Actuality, Milestone, OverallStatus, PartialDate};
use eligo_search::Snippet;

/// HTML-escape text for attribute or element content.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A search snippet as HTML: the text escaped, each highlight in `<mark>`.
/// Highlights that are out of range, overlapping or not on character
/// boundaries are dropped, never trusted.
pub fn snippet_html(s: &Snippet) -> String {
    let mut out = String::new();
    let mut at = 0;
    for &[a, b] in &s.highlights {
        if a < at
            || b <= a
            || b > s.text.len()
            || !s.text.is_char_boundary(a)
            || !s.text.is_char_boundary(b)
        {
            continue;
        }
        out.push_str(&escape(&unescape(&s.text[at..a])));
        out.push_str("<mark>");
        out.push_str(&escape(&unescape(&s.text[a..b])));
        out.push_str("</mark>");
        at = b;
    }
    out.push_str(&escape(&unescape(&s.text[at..])));
    out
}

/// Registry markdown escapes (`\>`, `\<`, `\^`, ...) read as the characters.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&n) = chars.peek()
            && n.is_ascii_punctuation()
        {
            out.push(n);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

/// A criterion's coverage on the trial page: fully computable, partly (a
/// clause left to confirm), or to confirm; and its badge class.
pub fn coverage_badge(c: &Criterion) -> (&'static str, &'static str) {
    match c.coverage() {
        Coverage::Full => ("computable", "computable"),
        Coverage::Partial => ("partly computable", "partly"),
        Coverage::None => ("to confirm", "confirm"),
    }
}

/// `SINGLE_GROUP` → `Single group`.
pub use eligo_model::trial::code_label;

/// CSS class of a status badge.
pub fn status_class(code: &str) -> &'static str {
    match OverallStatus::from_code(code) {
        Some(OverallStatus::Recruiting | OverallStatus::Available) => "badge open",
        Some(OverallStatus::NotYetRecruiting | OverallStatus::EnrollingByInvitation) => {
            "badge soon"
        }
        Some(
            OverallStatus::ActiveNotRecruiting
            | OverallStatus::Suspended
            | OverallStatus::TemporarilyNotAvailable,
        ) => "badge paused",
        Some(OverallStatus::Completed | OverallStatus::ApprovedForMarketing) => "badge done",
        Some(
            OverallStatus::Terminated
            | OverallStatus::Withdrawn
            | OverallStatus::NoLongerAvailable
            | OverallStatus::Withheld,
        ) => "badge stopped",
        _ => "badge unknown",
    }
}

pub fn status_label(code: &str) -> String {
    OverallStatus::from_code(code)
        .map(|s| s.label().to_string())
        .unwrap_or_else(|| code_label(code))
}

pub fn phase_label(code: &str) -> String {
    eligo_model::trial::Phase::from_code(code)
        .map(|p| p.label().to_string())
        .unwrap_or_else(|| code_label(code))
}

pub fn milestone(m: &Option<Milestone>) -> Option<String> {
    m.as_ref().map(|m| {
        let k = match m.kind {
            Some(Actuality::Actual) => " (actual)",
            Some(Actuality::Estimated) => " (estimated)",
            None => "",
        };
        format!("{}{k}", m.date)
    })
}

pub fn partial(d: &Option<PartialDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_escape_text_and_mark_highlights() {
        let s = Snippet {
            field: "summary".into(),
            text: "CAR-T <b>for</b> lupus & more".into(),
            highlights: vec![[0, 5], [17, 22], [3, 4], [27, 99]],
        };
        assert_eq!(
            snippet_html(&s),
            "<mark>CAR-T</mark> &lt;b&gt;for&lt;/b&gt; <mark>lupus</mark> &amp; more"
        );
    }

    #[test]
    fn registry_escapes_are_read() {
        assert_eq!(
            unescape(r"SLEDAI-2K \>6, 10×10\^5/kg, a\b"),
            r"SLEDAI-2K >6, 10×10^5/kg, a\b"
        );
        assert_eq!(code_label("SINGLE_GROUP"), "Single group");
    }
}
