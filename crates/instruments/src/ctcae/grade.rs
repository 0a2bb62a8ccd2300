//! Grading a value (and its reference range) against a term.

use super::load::table;
use super::*;

// ---------------------------------------------------------------------------
// Grading.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    Yes,
    No,
    Unknown,
}

pub(crate) fn and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::No, _) | (_, Tri::No) => Tri::No,
        (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
        _ => Tri::Yes,
    }
}

pub(crate) struct Values {
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
