//! Segmentation: eligibility text to headings and items (bullets), with
//! byte spans into the original text.
//!
//! Handles the shapes registries and trial pages use: `Inclusion Criteria:`
//! headings and their variants, `*`/`-`/`•` bullets (also stacked, as in
//! "- • 1."), numbering `1.` `(1)` `1)`, indented or restarted numbering for
//! sub-items, and several numbered items run together on one line
//! ("...; 7. Positive for ...; 8. During ...").

use eligo_model::rule::{CriterionKind, Span};
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    /// "Inclusion Criteria:", "Exclusion Criteria", a protocol sub-heading.
    Heading,
    /// One bullet or numbered item.
    Item,
}

/// A heading or an item of eligibility text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub kind: SegmentKind,
    /// The section the segment belongs to (for a heading: the one it opens).
    /// Items before any heading have none (the compiler reads them as inclusion).
    pub section: Option<CriterionKind>,
    /// The item sits under a heading of conditions checked before a future
    /// event (e.g. "Pre-clearing standard": before lymphodepletion).
    pub future_anchor: bool,
    /// Byte span of the item's text (after bullets and numbering) in the original.
    pub span: Span,
    /// The original text under `span`.
    pub text: String,
    /// 0 for a top-level item, 1 for a sub-item (indented, or numbered anew under an item ending in ':').
    pub nesting: u8,
    /// The item's number when it has one.
    pub number: Option<u32>,
}

fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).expect("segment regex"))
}

fn heading_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"(?i)^(?:key\s+|main\s+|general\s+|major\s+|additional\s+|specific\s+)?(inclusion|exclusion|eligibility)(?:\s+and\s+exclusion)?\s*(?:criteria|criterion)?\b[^.;]{0,60}?:?\s*$",
    )
}

fn trailing_heading_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // "Subjects must meet all of the following inclusion criteria:"
    re(
        &R,
        r"(?i)\b(inclusion|exclusion)\s+(?:criteria|criterion)\b[^.;]{0,40}:\s*$",
    )
}

fn letter_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // Sub-item labels: "a.", "b)", "(c)", "ii.", "(iv)".
    re(
        &R,
        r"^(?:\((?:[a-z]|[ivx]{1,4})\)|(?:[a-z]|[ivx]{1,4})[.)])\s+",
    )
}

fn future_heading_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"(?i)^\d+\.\d+\s+\S.*\b(clear\w*|lymphodeplet\w*|pre-?condition\w*|pre-?infusion|before infusion)",
    )
}

fn number_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // "1." not followed by a digit (so "1.5" is a number, not a label), "(1)", "1)".
    re(&R, r"^(?:\((\d{1,2})\)|(\d{1,2})\)|(\d{1,2})\.)\s*")
}

fn runon_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"(?:;\s*|\.\s+)(\d{1,2})\.\s+")
}

const BULLETS: &[char] = &['*', '-', '•', '·', '○', '▪', '◦', '►', '■', '●', '–', '+'];

/// Split eligibility text into headings and items.
pub fn segment(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut section: Option<CriterionKind> = None;
    let mut future = false;
    let mut last_top: Option<u32> = None;
    let mut parent_open = false;
    let mut base_indent: Option<usize> = None;
    // An unmarked line ending in ':' ("For parent participants:"), which
    // becomes a sub-heading if marked items follow it.
    let mut lead: Option<usize> = None;

    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let ls = line_start;
        line_start += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let mut pos = 0;
        let mut indent = 0;
        for c in body.chars() {
            match c {
                ' ' | '\u{a0}' | '\u{3000}' => indent += 1,
                '\t' => indent += 4,
                _ => break,
            }
            pos += c.len_utf8();
        }
        // Stacked bullets ("- • ").
        let bullet_start = pos;
        loop {
            let rest = &body[pos..];
            let Some(c) = rest.chars().next() else { break };
            let after = &rest[c.len_utf8()..];
            if BULLETS.contains(&c) && (after.is_empty() || after.starts_with(char::is_whitespace))
            {
                pos += c.len_utf8();
                pos += after.len() - after.trim_start().len();
            } else {
                break;
            }
        }
        let had_bullet = pos > bullet_start;
        let mut number = None;
        let mut lettered = false;
        if let Some(m) = number_re().captures(&body[pos..]) {
            let end = m.get(0).map_or(0, |g| g.end());
            // "1.5 x ULN" is a number, not a label.
            let decimal = m.get(3).is_some()
                && body[pos + end..].starts_with(|c: char| c.is_ascii_digit())
                && !body[pos..pos + end].ends_with(char::is_whitespace);
            if !decimal {
                number = (1..=3)
                    .find_map(|i| m.get(i))
                    .and_then(|g| g.as_str().parse::<u32>().ok());
                pos += end;
            }
        }
        if number.is_none()
            && let Some(m) = letter_re().find(&body[pos..])
        {
            lettered = true;
            pos += m.end();
        }
        let content = body[pos..].trim_end();
        if content.trim().is_empty() {
            continue;
        }
        let marked = had_bullet || number.is_some() || lettered;
        let cstart = ls + pos + (content.len() - content.trim_start().len());
        let content = content.trim_start();
        let cend = cstart + content.len();

        let heading = if content.len() < 100 && number.is_none() && !lettered {
            heading_re()
                .captures(content)
                .or_else(|| trailing_heading_re().captures(content))
        } else {
            None
        };
        if let Some(c) = heading {
            let word = c.get(1).map_or("", |g| g.as_str()).to_ascii_lowercase();
            section = match word.as_str() {
                "inclusion" => Some(CriterionKind::Inclusion),
                "exclusion" => Some(CriterionKind::Exclusion),
                _ => section,
            };
            future = false;
            last_top = None;
            parent_open = false;
            base_indent = None;
            lead = None;
            out.push(Segment {
                kind: SegmentKind::Heading,
                section,
                future_anchor: false,
                span: Span::new(cstart, cend),
                text: content.to_string(),
                nesting: 0,
                number: None,
            });
            continue;
        }
        if number.is_none() && future_heading_re().is_match(content) {
            // Conditions to meet before a future event read as inclusion criteria.
            future = true;
            section = Some(CriterionKind::Inclusion);
            last_top = None;
            parent_open = false;
            base_indent = None;
            lead = None;
            out.push(Segment {
                kind: SegmentKind::Heading,
                section,
                future_anchor: true,
                span: Span::new(cstart, cend),
                text: content.to_string(),
                nesting: 0,
                number: None,
            });
            continue;
        }

        // Items run together on one line: split at "; N. " when N continues the count.
        let mut pieces: Vec<(usize, usize, Option<u32>)> = Vec::new();
        let mut piece_start = cstart;
        let mut piece_num = number;
        let mut expected = number.or(last_top).map(|n| n + 1);
        for m in runon_re().captures_iter(content) {
            let Some(n) = m.get(1).and_then(|g| g.as_str().parse::<u32>().ok()) else {
                continue;
            };
            let Some(whole) = m.get(0) else { continue };
            if Some(n) != expected {
                continue;
            }
            let semi_end = cstart + whole.start() + 1;
            pieces.push((piece_start, semi_end, piece_num));
            piece_start = cstart + whole.end();
            piece_num = Some(n);
            expected = Some(n + 1);
        }
        pieces.push((piece_start, cend, piece_num));

        let base = *base_indent.get_or_insert(indent);
        for (i, (s, e, num)) in pieces.into_iter().enumerate() {
            let t = text[s..e].trim_end();
            if t.is_empty() {
                continue;
            }
            let e = s + t.len();
            // Marked items under an unmarked lead-in line: the line is a
            // sub-heading ("For parent participants:"), the items criteria.
            if i == 0
                && marked
                && indent <= base
                && let Some(li) = lead.take()
            {
                out[li].kind = SegmentKind::Heading;
                parent_open = false;
                last_top = None;
            }
            let child = if i == 0 && indent > base {
                true
            } else if i == 0 && lettered {
                // "a." under a numbered item (or under a lead-in) is a sub-item.
                parent_open || last_top.is_some()
            } else {
                match num {
                    Some(n) => parent_open && last_top.is_none_or(|l| n != l + 1),
                    None => parent_open,
                }
            };
            if !child {
                parent_open = t.ends_with(':');
                if num.is_some() {
                    last_top = num;
                }
            }
            if i == 0 {
                lead =
                    (!marked && !child && t.ends_with(':') && t.len() < 100).then_some(out.len());
            }
            out.push(Segment {
                kind: SegmentKind::Item,
                section,
                future_anchor: future,
                span: Span::new(s, e),
                text: t.to_string(),
                nesting: u8::from(child),
                number: num,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_items_run_together_are_split() {
        let t = "Inclusion Criteria:\n6. Lead in:\nIf alone, A; 7. Positive for X; 8. Score B\n";
        let s = segment(t);
        let items: Vec<_> = s.iter().filter(|x| x.kind == SegmentKind::Item).collect();
        assert_eq!(items.len(), 4, "{items:#?}");
        assert_eq!(items[1].text, "If alone, A;");
        assert_eq!(items[1].nesting, 1);
        assert_eq!(items[2].text, "Positive for X;");
        assert_eq!((items[2].number, items[2].nesting), (Some(7), 0));
        assert_eq!(items[3].text, "Score B");
        for i in &items {
            assert_eq!(&t[i.span.start..i.span.end], i.text);
        }
    }

    #[test]
    fn decimal_is_not_a_label() {
        let s = segment("Exclusion Criteria\n* 1.5 x ULN\n");
        assert_eq!(s[1].text, "1.5 x ULN");
        assert_eq!(s[1].section, Some(CriterionKind::Exclusion));
    }
}
