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

static TERMS_JSON: &str = include_str!("../../data/ctcae_v5_lab_terms.json");
static NOTES_JSON: &str = include_str!("../../data/ctcae_reading_notes.json");

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

mod grade;
mod load;
mod parse;
pub use grade::*;
