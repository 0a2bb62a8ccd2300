//! CTCAE v5.0 laboratory grading, driven by the threshold table in
//! `data/ctcae_v5_lab_terms.json` (from admiral, see `data/README.md`).
//!
//! The criterion texts ("<LLN - 1.5 x 10e9 /L", ">3.0 - 5.0 x ULN if baseline
//! was normal; ...") are parsed into threshold rules once, at first use.
//! Grading then checks the grades from the most severe down: the first grade
//! with a rule the value meets is the grade; a rule that needs an LLN or ULN
//! that is missing makes the answer unknown (None) unless a more severe grade
//! already matched. Reading conventions, all in the module's parser:
//!
//! - only the bound nearest normal matters ("<1.5 - 1.0": the value is below
//!   1.5); the other bound belongs to the next grade;
//! - a bare bound ("150 - 300 mg/dL", "125-129 mmol/L") is inclusive, except
//!   the grade 1 bound that borders normal, which is exclusive like ">ULN";
//! - clinical qualifiers ("symptomatic", "with signs or symptoms",
//!   "hospitalization indicated") are ignored and the worst case is taken:
//!   when a value meets the laboratory part of two grades, the higher wins;
//! - baseline-relative rules apply only when a baseline is given; a baseline
//!   is abnormal when it is beyond the ULN (LLN for a low term);
//! - a value needs a unit when the term declares one, and that unit must be
//!   one the criterion uses (any spelling of it, `10^9/L` = `10*3/uL`);
//!   thresholds in other commensurable units are converted, and between mass
//!   and molar units through the analyte's molar mass.
//!
//! `data/ctcae_reading_notes.json` says which part of a shared text a term
//! uses (corrected vs ionized calcium) and replaces four texts, each with
//! its reason.

use crate::units::{self, Unit};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

static TERMS_JSON: &str = include_str!("../data/ctcae_v5_lab_terms.json");
static NOTES_JSON: &str = include_str!("../data/ctcae_reading_notes.json");

/// Why a value could not be graded at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    #[error("unknown CTCAE term {term:?} (see `eligo grade --list`)")]
    UnknownTerm { term: String },
    #[error("{term:?} grades {expected} values, but the line says direction {given:?}")]
    Direction {
        term: String,
        expected: &'static str,
        given: String,
    },
    /// A value no laboratory reports (a negative count, an upper limit of
    /// normal at or below zero): refused rather than graded.
    #[error("{field}: {value} is impossible: {why}")]
    Impossible {
        field: &'static str,
        value: String,
        why: &'static str,
    },
    #[error("CTCAE table: {0}")]
    Data(String),
}

/// Whether a term grades low values (decreased, hypo-) or high ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Low,
    High,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Low => "low",
            Direction::High => "high",
        }
    }
}

/// What a bound is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reference {
    Lln,
    Uln,
    Baseline,
    /// "above ULN or above baseline if baseline is above ULN".
    UlnOrHigherBaseline,
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Reference::Lln => "LLN",
            Reference::Uln => "ULN",
            Reference::Baseline => "baseline",
            Reference::UlnOrHigherBaseline => "max(ULN, baseline)",
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Bound {
    /// An absolute value, in `unit` when the text gives one.
    Abs { value: Decimal, unit: Option<Unit> },
    /// `mult` × reference.
    Ref { mult: Decimal, of: Reference },
    /// reference + `delta` (in `unit`).
    Offset {
        of: Reference,
        delta: Decimal,
        unit: Unit,
    },
    /// A decrease from baseline of at least `pct` percent.
    Decrease { pct: Decimal },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Condition {
    BaselineNormal,
    BaselineAbnormal,
    /// "if on anticoagulation": taken as met when a baseline is given (the
    /// worst case).
    OnAnticoagulation,
    /// "if abnormal": the value is beyond the LLN/ULN.
    ValueAbnormal,
}

/// One threshold rule parsed from a criterion segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The criterion segment it was read from.
    pub text: String,
    bound: Bound,
    strict: bool,
    conditions: Vec<Condition>,
}

impl Rule {
    fn unit(&self) -> Option<&Unit> {
        match &self.bound {
            Bound::Abs { unit, .. } => unit.as_ref(),
            Bound::Offset { unit, .. } => Some(unit),
            _ => None,
        }
    }

    /// The rule in eligo's words, e.g. `> 3 x ULN if baseline normal`.
    pub fn describe(&self, dir: Direction) -> String {
        let cmp = match (dir, self.strict) {
            (Direction::High, true) => ">",
            (Direction::High, false) => ">=",
            (Direction::Low, true) => "<",
            (Direction::Low, false) => "<=",
        };
        let mut s = match &self.bound {
            Bound::Abs { value, unit } => format!(
                "{cmp} {}{}",
                value.normalize(),
                unit.as_ref().map(|u| format!(" {u}")).unwrap_or_default()
            ),
            Bound::Ref { mult, of } if *mult == Decimal::ONE => format!("{cmp} {of}"),
            Bound::Ref { mult, of } => format!("{cmp} {} x {of}", mult.normalize()),
            Bound::Offset { of, delta, unit } => {
                format!("{cmp} {of} + {} {unit}", delta.normalize())
            }
            Bound::Decrease { pct } => format!(
                "decrease from baseline {} {}%",
                if self.strict { ">" } else { ">=" },
                pct.normalize()
            ),
        };
        for c in &self.conditions {
            s.push_str(match c {
                Condition::BaselineNormal => " if baseline normal",
                Condition::BaselineAbnormal => " if baseline abnormal",
                Condition::OnAnticoagulation => " if on anticoagulation (baseline given)",
                Condition::ValueAbnormal => " while beyond the normal limit",
            });
        }
        s
    }
}

/// One grade of a term.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeRules {
    pub grade: u8,
    /// The criterion text (after eligo's replacements).
    pub text: String,
    pub rules: Vec<Rule>,
}

/// A CTCAE laboratory term with its parsed rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub name: String,
    pub soc: String,
    pub direction: Direction,
    /// The unit the thresholds assume (`UNIT_CHECK`), when the term has one.
    pub unit: Option<String>,
    unit_check: Option<Unit>,
    /// Units the criterion texts name (and the declared unit).
    allowed: Vec<Unit>,
    analyte: Option<String>,
    /// Grades 4 down to 1, those with laboratory rules.
    pub grades: Vec<GradeRules>,
    /// eligo's reading notes for this term.
    pub notes: Vec<String>,
}

/// The outcome of grading one value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Graded {
    pub term: String,
    pub grade: Option<u8>,
    /// Which rule decided, or why the value could not be graded.
    pub reason: String,
}

/// Summary of a term for `eligo grade --list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermInfo {
    pub term: String,
    pub soc: String,
    pub direction: Direction,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Inputs the rules use besides the value: `lln`, `uln`, `baseline`.
    pub uses: Vec<&'static str>,
    /// Grade ("1".."4") → the rules read from its criterion.
    pub grades: BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

// ---------------------------------------------------------------------------
// Loading.

#[derive(Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct RawTerm {
    #[serde(rename = "SOC")]
    soc: String,
    term: String,
    grade_1: String,
    grade_2: String,
    grade_3: String,
    grade_4: String,
    unit_check: Option<String>,
    direction: String,
}

#[derive(Deserialize)]
struct Notes {
    terms: Vec<NoteTerm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteTerm {
    term: String,
    #[serde(default)]
    parts: Vec<String>,
    part: Option<String>,
    analyte: Option<String>,
    #[serde(default)]
    grade_text: BTreeMap<String, String>,
    why: String,
}

fn table() -> Result<&'static [Term], GradeError> {
    static TABLE: OnceLock<Result<Vec<Term>, String>> = OnceLock::new();
    TABLE
        .get_or_init(load)
        .as_deref()
        .map_err(|e| GradeError::Data(e.clone()))
}

fn load() -> Result<Vec<Term>, String> {
    let raw: Vec<RawTerm> =
        serde_json::from_str(TERMS_JSON).map_err(|e| format!("ctcae_v5_lab_terms.json: {e}"))?;
    let notes: Notes =
        serde_json::from_str(NOTES_JSON).map_err(|e| format!("ctcae_reading_notes.json: {e}"))?;
    for n in &notes.terms {
        if !raw.iter().any(|r| r.term == n.term) {
            return Err(format!("reading notes name unknown term {:?}", n.term));
        }
    }
    raw.iter()
        .map(|r| build(r, notes.terms.iter().find(|n| n.term == r.term)))
        .collect()
}

fn build(r: &RawTerm, note: Option<&NoteTerm>) -> Result<Term, String> {
    let direction = match r.direction.as_str() {
        "L" => Direction::Low,
        "H" => Direction::High,
        d => return Err(format!("{}: direction {d:?}", r.term)),
    };
    let unit_check = match &r.unit_check {
        Some(u) => Some(units::parse_lenient(u).map_err(|e| format!("{}: {e}", r.term))?),
        None => None,
    };
    let mut allowed: Vec<Unit> = unit_check.iter().cloned().collect();
    let texts = [&r.grade_1, &r.grade_2, &r.grade_3, &r.grade_4];
    let mut grades = Vec::new();
    for g in (1..=4u8).rev() {
        let original = texts[usize::from(g - 1)];
        let text = note
            .and_then(|n| n.grade_text.get(&g.to_string()))
            .unwrap_or(original);
        let ctx = Ctx {
            term: &r.term,
            grade: g,
            direction,
            parts: note.map_or(&[][..], |n| &n.parts),
            part: note.and_then(|n| n.part.as_deref()),
        };
        let (rules, seen_units) = parse_grade(text, &ctx)?;
        for u in seen_units {
            if !allowed.iter().any(|a| a.same_as(&u)) {
                allowed.push(u);
            }
        }
        if !rules.is_empty() {
            grades.push(GradeRules {
                grade: g,
                text: text.clone(),
                rules,
            });
        }
    }
    let mut notes = Vec::new();
    if let Some(n) = note {
        notes.push(n.why.clone());
    }
    Ok(Term {
        name: r.term.clone(),
        soc: r.soc.clone(),
        direction,
        unit: unit_check.as_ref().map(|u| u.to_string()),
        unit_check,
        allowed,
        analyte: note.and_then(|n| n.analyte.clone()),
        grades,
        notes,
    })
}

// ---------------------------------------------------------------------------
// Criterion text parser.

struct Ctx<'a> {
    term: &'a str,
    grade: u8,
    direction: Direction,
    parts: &'a [String],
    part: Option<&'a str>,
}

impl Ctx<'_> {
    fn err(&self, seg: &str, why: &str) -> String {
        format!("{} grade {}: {why} in {seg:?}", self.term, self.grade)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Cmp(Cmp),
    Num(Decimal),
    Percent,
    Times,
    Ref(&'static str),
    Unit(Unit),
    Word(String),
}

/// Phrases that qualify a segment, removed before tokenising.
const PHRASES: &[(&str, Phrase)] = &[
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
enum Phrase {
    Cond(Condition),
    Above(Reference),
    Decrease,
    Rewrite(&'static str),
}

/// Parse one grade's text into rules; also returns every unit it names.
fn parse_grade(text: &str, ctx: &Ctx) -> Result<(Vec<Rule>, Vec<Unit>), String> {
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

fn parse_segment(original: &str, lower: &str, ctx: &Ctx) -> Result<Option<Rule>, String> {
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
struct RawBound {
    cmp: Option<Cmp>,
    num: Option<Decimal>,
    percent: bool,
    unit: Option<Unit>,
    reference: Option<&'static str>,
}

/// Collect the threshold expressions of a segment:
/// `[cmp] (number [%] [unit] [x|times] [ULN|LLN|baseline] [unit] | reference)`.
fn bounds(toks: &[Tok]) -> Result<Vec<RawBound>, String> {
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

fn tokenize(s: &str) -> Vec<Tok> {
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
fn power_of_ten_unit(s: &str) -> Option<usize> {
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

// ---------------------------------------------------------------------------
// Grading.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    Yes,
    No,
    Unknown,
}

fn and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::No, _) | (_, Tri::No) => Tri::No,
        (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
        _ => Tri::Yes,
    }
}

struct Values {
    value: Decimal,
    lln: Option<Decimal>,
    uln: Option<Decimal>,
    baseline: Option<Decimal>,
}

impl Values {
    /// Refuse what no laboratory reports. Every CTCAE laboratory value
    /// (counts, concentrations, activities, times, INR, pH) is at least
    /// zero, and so is a lower limit of normal; an upper limit of normal is
    /// above zero. (An LLN above the ULN is left alone: the expected-grade
    /// vectors hold such rows, and each term reads only one of the two.)
    fn check(&self) -> Result<(), GradeError> {
        let bad = |field, v: Decimal, why| GradeError::Impossible {
            field,
            value: v.normalize().to_string(),
            why,
        };
        if self.value < Decimal::ZERO {
            return Err(bad(
                "value",
                self.value,
                "a laboratory value cannot be negative",
            ));
        }
        if let Some(l) = self.lln.filter(|l| *l < Decimal::ZERO) {
            return Err(bad("lln", l, "a lower limit of normal cannot be negative"));
        }
        if let Some(u) = self.uln.filter(|u| *u <= Decimal::ZERO) {
            return Err(bad("uln", u, "an upper limit of normal must be above 0"));
        }
        if let Some(b) = self.baseline.filter(|b| *b < Decimal::ZERO) {
            return Err(bad("baseline", b, "a baseline value cannot be negative"));
        }
        Ok(())
    }
}

impl Term {
    fn reference(&self, r: Reference, v: &Values) -> Result<Decimal, Tri> {
        match r {
            Reference::Lln => v.lln.ok_or(Tri::Unknown),
            Reference::Uln => v.uln.ok_or(Tri::Unknown),
            Reference::Baseline => v.baseline.ok_or(Tri::No),
            Reference::UlnOrHigherBaseline => {
                let uln = v.uln.ok_or(Tri::Unknown)?;
                Ok(v.baseline.filter(|b| *b > uln).unwrap_or(uln))
            }
        }
    }

    fn beyond(&self, x: Decimal, bound: Decimal, strict: bool) -> bool {
        match (self.direction, strict) {
            (Direction::High, true) => x > bound,
            (Direction::High, false) => x >= bound,
            (Direction::Low, true) => x < bound,
            (Direction::Low, false) => x <= bound,
        }
    }

    fn normal_limit(&self, v: &Values) -> Option<Decimal> {
        match self.direction {
            Direction::Low => v.lln,
            Direction::High => v.uln,
        }
    }

    fn condition(&self, c: Condition, v: &Values) -> Tri {
        let tri = |b: bool| if b { Tri::Yes } else { Tri::No };
        match c {
            Condition::OnAnticoagulation => tri(v.baseline.is_some()),
            Condition::ValueAbnormal => match self.normal_limit(v) {
                Some(limit) => tri(self.beyond(v.value, limit, true)),
                None => Tri::Unknown,
            },
            Condition::BaselineNormal | Condition::BaselineAbnormal => {
                let abnormal = match v.baseline {
                    None => Tri::No,
                    Some(b) => match self.normal_limit(v) {
                        Some(limit) => tri(self.beyond(b, limit, true)),
                        None => Tri::Unknown,
                    },
                };
                match (c, abnormal) {
                    (Condition::BaselineAbnormal, a) => a,
                    (_, Tri::Yes) => Tri::No,
                    (_, Tri::No) => Tri::Yes,
                    (_, Tri::Unknown) => Tri::Unknown,
                }
            }
        }
    }

    /// Evaluate a rule; `threshold` is the rule's amount already in the
    /// value's unit (for absolute and offset bounds).
    fn eval(&self, rule: &Rule, threshold: Option<Decimal>, v: &Values) -> Tri {
        let mut t = Tri::Yes;
        for c in &rule.conditions {
            t = and(t, self.condition(*c, v));
        }
        if t == Tri::No {
            return t;
        }
        let met = match &rule.bound {
            Bound::Abs { value, .. } => {
                let b = threshold.unwrap_or(*value);
                if self.beyond(v.value, b, rule.strict) {
                    Tri::Yes
                } else {
                    Tri::No
                }
            }
            Bound::Ref { mult, of } => match self.reference(*of, v) {
                Ok(r) => match mult.checked_mul(r) {
                    Some(b) if self.beyond(v.value, b, rule.strict) => Tri::Yes,
                    _ => Tri::No,
                },
                Err(t) => t,
            },
            Bound::Offset { of, delta, .. } => match self.reference(*of, v) {
                Ok(r) => {
                    let d = threshold.unwrap_or(*delta);
                    match r.checked_add(d) {
                        Some(b) if self.beyond(v.value, b, rule.strict) => Tri::Yes,
                        _ => Tri::No,
                    }
                }
                Err(t) => t,
            },
            Bound::Decrease { pct } => match v.baseline {
                Some(b) if b > Decimal::ZERO => {
                    let dec = b
                        .checked_sub(v.value)
                        .and_then(|x| x.checked_div(b))
                        .and_then(|x| x.checked_mul(Decimal::ONE_HUNDRED));
                    match dec {
                        Some(d) if (rule.strict && d > *pct) || (!rule.strict && d >= *pct) => {
                            Tri::Yes
                        }
                        _ => Tri::No,
                    }
                }
                _ => Tri::No,
            },
        };
        and(t, met)
    }

    /// Rules of one grade that apply to a value in `unit`, each with its
    /// amount converted into that unit. Where the text gives thresholds in
    /// the value's own unit, only those are used (CTCAE's paired values,
    /// 300 mg/dL and 7.75 mmol/L, are not exact conversions of each other).
    fn applicable<'a>(
        &self,
        g: &'a GradeRules,
        unit: Option<&Unit>,
    ) -> Vec<(&'a Rule, Option<Decimal>)> {
        let mut out = Vec::new();
        let mut unit_rules = Vec::new();
        for r in &g.rules {
            match r.unit() {
                None => out.push((r, None)),
                Some(u) => unit_rules.push((r, u)),
            }
        }
        let Some(target) = unit else {
            return out;
        };
        let amount = |r: &Rule| match &r.bound {
            Bound::Abs { value, .. } => *value,
            Bound::Offset { delta, .. } => *delta,
            _ => Decimal::ZERO,
        };
        let same: Vec<_> = unit_rules
            .iter()
            .filter(|(_, u)| u.same_as(target))
            .collect();
        if !same.is_empty() {
            out.extend(same.iter().map(|(r, _)| (*r, Some(amount(r)))));
            return out;
        }
        let mut converted: Vec<_> = unit_rules
            .iter()
            .filter(|(_, u)| u.commensurable(target))
            .filter_map(|(r, u)| {
                units::convert_value(amount(r), u, target, None)
                    .ok()
                    .map(|a| (*r, Some(a)))
            })
            .collect();
        if converted.is_empty() {
            converted = unit_rules
                .iter()
                .filter_map(|(r, u)| {
                    units::convert_value(amount(r), u, target, self.analyte.as_deref())
                        .ok()
                        .map(|a| (*r, Some(a)))
                })
                .collect();
        }
        out.extend(converted);
        out
    }

    fn grade(&self, v: &Values, unit: Option<&str>) -> Graded {
        let graded = |grade: Option<u8>, reason: String| Graded {
            term: self.name.clone(),
            grade,
            reason,
        };
        let parsed = unit.map(units::parse_lenient);
        let matched = match &parsed {
            Some(Ok(u)) => self.allowed.iter().find(|a| a.same_as(u)),
            _ => None,
        };
        if self.unit_check.is_some() && matched.is_none() {
            let why = match (unit, &parsed) {
                (None, _) => "no unit: the thresholds need one".to_string(),
                (Some(s), Some(Err(e))) => format!("unit {s:?} unreadable: {e}"),
                (Some(s), _) => format!(
                    "unit {s:?} is not one the criterion uses ({})",
                    self.allowed
                        .iter()
                        .map(|u| u.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            return graded(None, why);
        }
        // Only a more severe grade that cannot be ruled out makes the
        // answer unknown: within one grade, any rule met decides it (the
        // absolute "< 50 mg/dL" of fibrinogen grade 4 needs no LLN).
        let mut unknown: Option<String> = None;
        for g in &self.grades {
            let mut unknown_here = None;
            for (rule, threshold) in self.applicable(g, matched) {
                match self.eval(rule, threshold, v) {
                    Tri::Yes => {
                        if let Some(u) = unknown {
                            return graded(None, u);
                        }
                        return graded(
                            Some(g.grade),
                            format!(
                                "grade {}: {} ({:?})",
                                g.grade,
                                rule.describe(self.direction),
                                rule.text
                            ),
                        );
                    }
                    Tri::Unknown if unknown_here.is_none() => {
                        unknown_here = Some(format!(
                            "grade {} cannot be ruled out: {} needs a missing LLN/ULN",
                            g.grade,
                            rule.describe(self.direction)
                        ));
                    }
                    _ => {}
                }
            }
            if unknown.is_none() {
                unknown = unknown_here;
            }
        }
        match unknown {
            Some(u) => graded(None, u),
            None => graded(Some(0), "no grade's criterion is met".into()),
        }
    }

    fn info(&self) -> TermInfo {
        let mut uses = Vec::new();
        let mut grades = BTreeMap::new();
        for g in &self.grades {
            for r in &g.rules {
                let refs: &[&'static str] = match &r.bound {
                    Bound::Ref {
                        of: Reference::Lln, ..
                    } => &["lln"],
                    Bound::Ref {
                        of: Reference::Uln, ..
                    }
                    | Bound::Offset {
                        of: Reference::Uln, ..
                    } => &["uln"],
                    Bound::Ref {
                        of: Reference::Baseline,
                        ..
                    }
                    | Bound::Decrease { .. } => &["baseline"],
                    Bound::Offset {
                        of: Reference::UlnOrHigherBaseline,
                        ..
                    } => &["uln", "baseline"],
                    _ => &[],
                };
                let cond: &[&'static str] = if r.conditions.is_empty() {
                    &[]
                } else if r.conditions.contains(&Condition::ValueAbnormal) {
                    match self.direction {
                        Direction::Low => &["lln"],
                        Direction::High => &["uln"],
                    }
                } else {
                    &["baseline"]
                };
                for u in refs.iter().chain(cond) {
                    if !uses.contains(u) {
                        uses.push(*u);
                    }
                }
            }
            let mut described: Vec<String> = Vec::new();
            for r in &g.rules {
                let d = r.describe(self.direction);
                if !described.contains(&d) {
                    described.push(d);
                }
            }
            grades.insert(g.grade.to_string(), described);
        }
        uses.sort_by_key(|u| ["lln", "uln", "baseline"].iter().position(|x| x == u));
        TermInfo {
            term: self.name.clone(),
            soc: self.soc.clone(),
            direction: self.direction,
            unit: self.unit.clone(),
            uses,
            grades,
            notes: self.notes.clone(),
        }
    }
}

/// The term with this name (case-insensitive).
pub fn term(name: &str) -> Result<&'static Term, GradeError> {
    let name = name.trim();
    table()?
        .iter()
        .find(|t| t.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| GradeError::UnknownTerm {
            term: name.to_string(),
        })
}

/// Every term in the table, in table order.
pub fn terms() -> Result<Vec<TermInfo>, GradeError> {
    Ok(table()?.iter().map(Term::info).collect())
}

/// The CTCAE v5.0 grade (0-4) of a laboratory value; None where the value
/// cannot be graded (a needed LLN/ULN missing, a missing or foreign unit);
/// [`GradeError::Impossible`] for a negative value, LLN or baseline or an
/// ULN at or below zero.
pub fn grade(
    term: &str,
    value: Decimal,
    unit: Option<&str>,
    lln: Option<Decimal>,
    uln: Option<Decimal>,
    baseline: Option<Decimal>,
) -> Result<Option<u8>, GradeError> {
    grade_detail(term, value, unit, lln, uln, baseline).map(|g| g.grade)
}

/// [`grade`] with the rule that decided, or why there is no grade.
pub fn grade_detail(
    term_name: &str,
    value: Decimal,
    unit: Option<&str>,
    lln: Option<Decimal>,
    uln: Option<Decimal>,
    baseline: Option<Decimal>,
) -> Result<Graded, GradeError> {
    let t = term(term_name)?;
    let v = Values {
        value,
        lln,
        uln,
        baseline,
    };
    v.check()?;
    Ok(t.grade(&v, unit))
}

/// One value to grade, in the line format of `grade_vectors.jsonl`: `term`,
/// `value`, `unit`, `lln`, `uln`, `baseline` (numbers or null), and an
/// optional `direction` (`low` / `high`) that must match the term's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeRequest {
    pub term: String,
    pub direction: Option<String>,
    /// None (JSON null) cannot be graded.
    pub value: Option<Decimal>,
    pub unit: Option<String>,
    pub lln: Option<Decimal>,
    pub uln: Option<Decimal>,
    pub baseline: Option<Decimal>,
}

impl GradeRequest {
    /// Read the grading fields of a JSON object; other fields (such as
    /// `expected_grade`) are left alone.
    pub fn from_json(v: &serde_json::Value) -> Result<GradeRequest, crate::InputError> {
        use crate::input::Problem;
        use serde_json::Value;
        let err = |path: &str, problem: Problem| crate::InputError {
            path: path.to_string(),
            problem,
        };
        let Value::Object(m) = v else {
            return Err(err(
                "(line)",
                Problem::WrongType {
                    expected: "an object",
                    found: crate::input::kind(v),
                },
            ));
        };
        let string = |k: &str, required: bool| -> Result<Option<String>, crate::InputError> {
            match m.get(k) {
                None if required => Err(err(k, Problem::Missing)),
                None => Ok(None),
                Some(Value::Null) if !required => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(err(
                    k,
                    Problem::WrongType {
                        expected: if required {
                            "a string"
                        } else {
                            "a string or null"
                        },
                        found: crate::input::kind(other),
                    },
                )),
            }
        };
        let number = |k: &str, required: bool| -> Result<Option<Decimal>, crate::InputError> {
            match m.get(k) {
                None if required => Err(err(k, Problem::Missing)),
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => crate::input::number(n).map(Some).ok_or_else(|| {
                    err(
                        k,
                        Problem::OutOfRange {
                            value: n.to_string(),
                            range: "not representable".into(),
                        },
                    )
                }),
                Some(other) => Err(err(
                    k,
                    Problem::WrongType {
                        expected: "a number or null",
                        found: crate::input::kind(other),
                    },
                )),
            }
        };
        let direction = string("direction", false)?;
        if let Some(d) = &direction
            && d != "low"
            && d != "high"
        {
            return Err(err(
                "direction",
                Problem::NotOneOf {
                    value: d.clone(),
                    allowed: vec!["low".into(), "high".into()],
                },
            ));
        }
        Ok(GradeRequest {
            term: string("term", true)?.unwrap_or_default(),
            direction,
            value: number("value", true)?,
            unit: string("unit", false)?,
            lln: number("lln", false)?,
            uln: number("uln", false)?,
            baseline: number("baseline", false)?,
        })
    }

    /// Grade the request: None for a null value.
    pub fn grade(&self) -> Result<Graded, GradeError> {
        let t = term(&self.term)?;
        if let Some(d) = &self.direction
            && d != t.direction.as_str()
        {
            return Err(GradeError::Direction {
                term: t.name.clone(),
                expected: t.direction.as_str(),
                given: d.clone(),
            });
        }
        match self.value {
            None => Ok(Graded {
                term: t.name.clone(),
                grade: None,
                reason: "no value".into(),
            }),
            Some(value) => {
                let v = Values {
                    value,
                    lln: self.lln,
                    uln: self.uln,
                    baseline: self.baseline,
                };
                v.check()?;
                Ok(t.grade(&v, self.unit.as_deref()))
            }
        }
    }
}
