//! Parsing the grade criteria text of the table into thresholds.

use super::*;

// ---------------------------------------------------------------------------
// Criterion text parser.

pub(crate) struct Ctx<'a> {
    pub(crate) term: &'a str,
    pub(crate) grade: u8,
    pub(crate) direction: Direction,
    pub(crate) parts: &'a [String],
    pub(crate) part: Option<&'a str>,
}

impl Ctx<'_> {
    fn err(&self, seg: &str, why: &str) -> String {
        format!("{} grade {}: {why} in {seg:?}", self.term, self.grade)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Cmp(Cmp),
    Num(Decimal),
    Percent,
    Times,
    Ref(&'static str),
    Unit(Unit),
    Word(String),
}

/// Phrases that qualify a segment, removed before tokenising.
pub(crate) const PHRASES: &[(&str, Phrase)] = &[
    (
        "if baseline was normal",
        Phrase::Cond(Condition::BaselineNormal),
    ),
    (
        "if baseline was abnormal",
        Phrase::Cond(Condition::BaselineAbnormal),
    ),
    (
        "if on anticoagulation",
        Phrase::Cond(Condition::OnAnticoagulation),
    ),
    ("if abnormal", Phrase::Cond(Condition::ValueAbnormal)),
    (
        "above uln or above baseline if baseline is above uln",
        Phrase::Above(Reference::UlnOrHigherBaseline),
    ),
    ("above uln", Phrase::Above(Reference::Uln)),
    ("decrease from baseline", Phrase::Decrease),
    ("times above baseline", Phrase::Rewrite("x baseline")),
];

#[derive(Debug, Clone, Copy)]
pub(crate) enum Phrase {
    Cond(Condition),
    Above(Reference),
    Decrease,
    Rewrite(&'static str),
}

/// Parse one grade's text into rules; also returns every unit it names.
pub(crate) fn parse_grade(text: &str, ctx: &Ctx) -> Result<(Vec<Rule>, Vec<Unit>), String> {
    let mut rules = Vec::new();
    let mut seen = Vec::new();
    let mut current_part: Option<&str> = None;
    for seg in text.split(';') {
        let mut lower = seg.trim().to_lowercase();
        if lower.is_empty() || lower == "-" {
            continue;
        }
        for p in ctx.parts {
            let pl = p.to_lowercase();
            if let Some(i) = lower.find(&pl) {
                current_part = Some(p.as_str());
                lower.replace_range(i..i + pl.len(), " ");
            }
        }
        let toks = tokenize(&lower);
        for t in &toks {
            if let Tok::Unit(u) = t {
                seen.push(u.clone());
            }
        }
        if ctx.part.is_some() && current_part != ctx.part {
            continue;
        }
        if let Some(rule) = parse_segment(seg.trim(), &lower, ctx)? {
            rules.push(rule);
        }
    }
    Ok((rules, seen))
}

pub(crate) fn parse_segment(
    original: &str,
    lower: &str,
    ctx: &Ctx,
) -> Result<Option<Rule>, String> {
    let mut text = lower.to_string();
    let mut conditions = Vec::new();
    let mut above = None;
    let mut decrease = false;
    for (phrase, what) in PHRASES {
        if let Some(i) = text.find(phrase) {
            let replacement = match what {
                Phrase::Cond(c) => {
                    conditions.push(*c);
                    " "
                }
                Phrase::Above(r) => {
                    above = Some(*r);
                    " "
                }
                Phrase::Decrease => {
                    decrease = true;
                    " "
                }
                Phrase::Rewrite(to) => to,
            };
            text.replace_range(i..i + phrase.len(), replacement);
        }
    }
    let toks = tokenize(&text);
    let is_lab = toks
        .iter()
        .any(|t| matches!(t, Tok::Num(_) | Tok::Ref(_) | Tok::Percent));
    if !is_lab {
        // a clinical criterion ("transfusion indicated", "Death")
        return Ok(None);
    }
    let bounds = bounds(&toks).map_err(|why| ctx.err(original, &why))?;
    let (first, second) = match bounds.as_slice() {
        [a] => (a.clone(), None),
        [a, b] => (a.clone(), Some(b.clone())),
        [] => return Err(ctx.err(original, "no threshold")),
        _ => return Err(ctx.err(original, "more than two thresholds")),
    };
    let mut first = first;
    if let Some(s) = &second {
        if first.unit.is_none() && first.reference.is_none() && s.unit.is_some() {
            first.unit.clone_from(&s.unit);
        }
        if first.reference.is_none() && s.reference.is_some() && first.num.is_some() {
            first.reference = s.reference;
        }
        if s.percent {
            first.percent = true;
        }
    }
    // The bound nearest normal: the first unless it is a bare number and the
    // second is nearer (an ascending "125-129" range of a low term).
    let mut near = first.clone();
    if let Some(s) = &second
        && first.cmp.is_none()
        && first.reference.is_none()
        && s.reference.is_none()
        && let (Some(a), Some(b)) = (first.num, s.num)
    {
        let nearer = match ctx.direction {
            Direction::Low => b > a,
            Direction::High => b < a,
        };
        if nearer && !decrease {
            near = s.clone();
        }
    }
    let direction_cmp = |c: Cmp| match (ctx.direction, decrease) {
        (_, true) | (Direction::High, false) => matches!(c, Cmp::Gt | Cmp::Ge),
        (Direction::Low, false) => matches!(c, Cmp::Lt | Cmp::Le),
    };
    let strict = match near.cmp {
        Some(Cmp::Gt | Cmp::Lt) => true,
        Some(Cmp::Ge | Cmp::Le) => false,
        None => ctx.grade == 1,
    };
    if let Some(c) = near.cmp
        && !direction_cmp(c)
    {
        // "<25% decrease from baseline": an upper limit on the decrease; the
        // grade starts at any decrease.
        if decrease && near.percent {
            return Ok(Some(Rule {
                text: original.to_string(),
                bound: Bound::Decrease { pct: Decimal::ZERO },
                strict: true,
                conditions,
            }));
        }
        return Err(ctx.err(original, "comparison against the term's direction"));
    }
    let bound = if decrease {
        let Some(pct) = near.num.filter(|_| near.percent) else {
            return Err(ctx.err(original, "a decrease without a percentage"));
        };
        Bound::Decrease { pct }
    } else if near.percent {
        return Err(ctx.err(original, "a percentage without a reference"));
    } else if let Some(of) = above {
        let (Some(delta), Some(unit)) = (near.num, near.unit.clone()) else {
            return Err(ctx.err(original, "an increase without an amount and unit"));
        };
        Bound::Offset { of, delta, unit }
    } else if let Some(r) = near.reference {
        let of = match r {
            "uln" => Reference::Uln,
            "lln" => Reference::Lln,
            "baseline" => Reference::Baseline,
            _ => match ctx.direction {
                Direction::Low => Reference::Lln,
                Direction::High => Reference::Uln,
            },
        };
        Bound::Ref {
            mult: near.num.unwrap_or(Decimal::ONE),
            of,
        }
    } else if let Some(value) = near.num {
        Bound::Abs {
            value,
            unit: near.unit.clone(),
        }
    } else {
        return Err(ctx.err(original, "no threshold"));
    };
    Ok(Some(Rule {
        text: original.to_string(),
        bound,
        strict,
        conditions,
    }))
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RawBound {
    cmp: Option<Cmp>,
    num: Option<Decimal>,
    percent: bool,
    unit: Option<Unit>,
    reference: Option<&'static str>,
}

/// Collect the threshold expressions of a segment:
/// `[cmp] (number [%] [unit] [x|times] [ULN|LLN|baseline] [unit] | reference)`.
pub(crate) fn bounds(toks: &[Tok]) -> Result<Vec<RawBound>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let mut b = RawBound::default();
        let start = i;
        if let Tok::Cmp(c) = toks[i] {
            b.cmp = Some(c);
            i += 1;
        }
        match toks.get(i) {
            Some(Tok::Num(n)) => {
                b.num = Some(*n);
                i += 1;
                if toks.get(i) == Some(&Tok::Percent) {
                    b.percent = true;
                    i += 1;
                }
                loop {
                    match (toks.get(i), toks.get(i + 1)) {
                        (Some(Tok::Unit(u)), _) if b.unit.is_none() => {
                            b.unit = Some(u.clone());
                            i += 1;
                        }
                        (Some(Tok::Times), Some(Tok::Ref(r))) if b.reference.is_none() => {
                            b.reference = Some(r);
                            i += 2;
                        }
                        (Some(Tok::Times), Some(Tok::Unit(u))) if b.unit.is_none() => {
                            b.unit = Some(u.clone());
                            i += 2;
                        }
                        (Some(Tok::Ref(r)), _) if b.reference.is_none() => {
                            b.reference = Some(r);
                            i += 1;
                        }
                        (Some(Tok::Times), Some(Tok::Num(_))) => {
                            return Err("a number after 'x' that is not a reference".into());
                        }
                        _ => break,
                    }
                }
                out.push(b);
            }
            Some(Tok::Ref(r)) => {
                b.reference = Some(r);
                i += 1;
                out.push(b);
            }
            _ => {
                if b.cmp.is_some() {
                    return Err("a comparison with no threshold".into());
                }
                i = start + 1;
            }
        }
    }
    Ok(out)
}

pub(crate) fn tokenize(s: &str) -> Vec<Tok> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let word_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '/' | '^' | '*' | 'µ' | '_');
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || matches!(c, '(' | ')' | ',' | ':' | '.') {
            i += 1;
            continue;
        }
        if matches!(c, '<' | '>' | '≤' | '≥') {
            let eq = chars.get(i + 1) == Some(&'=');
            out.push(Tok::Cmp(match (c, eq) {
                ('<', false) => Cmp::Lt,
                ('<', true) | ('≤', _) => Cmp::Le,
                ('>', false) => Cmp::Gt,
                _ => Cmp::Ge,
            }));
            i += if eq { 2 } else { 1 };
            continue;
        }
        if matches!(c, '-' | '–') {
            i += 1;
            continue;
        }
        if c == '%' {
            out.push(Tok::Percent);
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            // "10e9 /L", "10^9/L": a unit, not a number
            let rest: String = chars[i..].iter().collect();
            if let Some(len) = power_of_ten_unit(&rest) {
                let spelled: String = rest
                    .chars()
                    .take(len)
                    .filter(|c| !c.is_whitespace())
                    .collect();
                if let Ok(u) = units::parse_lenient(&spelled) {
                    out.push(Tok::Unit(u));
                    i += len;
                    continue;
                }
            }
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || (chars[i] == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
                    || (chars[i] == ','
                        && chars.len() >= i + 4
                        && chars[i + 1..i + 4].iter().all(char::is_ascii_digit)
                        && !chars.get(i + 4).is_some_and(char::is_ascii_digit)))
            {
                i += 1;
            }
            let n: String = chars[start..i].iter().filter(|c| **c != ',').collect();
            match Decimal::from_str(&n) {
                Ok(d) => out.push(Tok::Num(d)),
                Err(_) => out.push(Tok::Word(n)),
            }
            continue;
        }
        if word_char(c) {
            let start = i;
            while i < chars.len() && word_char(chars[i]) {
                i += 1;
            }
            let w: String = chars[start..i].iter().collect();
            out.push(match w.as_str() {
                "uln" => Tok::Ref("uln"),
                "lln" => Tok::Ref("lln"),
                "baseline" => Tok::Ref("baseline"),
                "normal" => Tok::Ref("normal"),
                "x" | "times" => Tok::Times,
                _ if w.contains('/') => match units::parse_lenient(&w) {
                    Ok(u) => Tok::Unit(u),
                    Err(_) => Tok::Word(w),
                },
                _ => Tok::Word(w),
            });
            continue;
        }
        i += 1;
    }
    out
}

/// Length of a "10e9 /L"-style unit at the start of `s`, if there is one.
pub(crate) fn power_of_ten_unit(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if !s.starts_with("10") {
        return None;
    }
    let mut i = 2;
    match b.get(i) {
        Some(b'e' | b'^' | b'*') => i += 1,
        _ => return None,
    }
    let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    i += digits;
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    if b.get(i) != Some(&b'/') {
        return None;
    }
    i += 1;
    let tail = b[i..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    (tail > 0).then_some(i + tail)
}
