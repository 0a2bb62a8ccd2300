//! One reader per FHIR resource type, each producing one fact.
//!
//! Two kinds of fact are treated differently when a field cannot be read,
//! following MATCHING.md's closed/open world:
//!
//! * History facts (conditions, medications, procedures, immunizations,
//!   allergies) count by being present, so dropping one would make "no history
//!   of X" wrongly true. A bad date, dose or timing is dropped from the fact
//!   (which stays), with a note in `ignored`.
//! * Observations count by their value and date. A missing observation is
//!   already "unknown", so one with a bad date or an impossible value is
//!   ignored whole, with the reason.
//!
//! Either way a resource that must not count (refuted, entered-in-error,
//! not done, not taken) is ignored whole, with the reason. A reader's error is
//! the [`Problem`] that sends its resource to `ignored`.

use crate::bundle::{Entry, Index};
use crate::coding::{Concept, code_list, concept, concept_at};
use crate::date::{self, Precision};
use crate::json::{Node, Problem, kind};
use crate::quantity::{Plausibility, SIGNED_LOINC, decimal, quantity};
use crate::{Date, FhirError};
use eligo_model::Quantity;
use eligo_model::fact::{
    AllergyFact, ClinicalStatus, Coding, ConditionFact, IgnoredFact, ImmunizationFact,
    MedicationFact, ObservationComponent, ObservationFact, ObservationValue, ProcedureFact,
    ReferenceRange, VerificationStatus, systems,
};
use eligo_model::rule::Comparator;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// What one read needs to know beyond the resource itself.
pub(crate) struct Ctx<'a> {
    pub index: &'a Index<'a>,
    /// Entry index of the record's one Patient.
    pub patient: usize,
    /// For `onsetAge`: the patient's usable birth date.
    pub birth_date: Option<Date>,
}

/// The resource being read, and the notes it has earned so far.
pub(crate) struct Res<'a> {
    pub entry: &'a Entry<'a>,
    pub node: Node<'a>,
    pub notes: Vec<IgnoredFact>,
}

impl<'a> Res<'a> {
    pub fn new(entry: &'a Entry<'a>) -> Self {
        Res {
            entry,
            node: entry.node(),
            notes: Vec::new(),
        }
    }
}

impl Res<'_> {
    fn note(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.notes.push(IgnoredFact {
            source: Some(self.entry.source()),
            field: Some(field.into()),
            reason: reason.into(),
        });
    }

    /// For history facts: a field that cannot be read is dropped, with a note.
    fn soft<T>(&mut self, r: Result<Option<T>, Problem>) -> Option<T> {
        match r {
            Ok(v) => v,
            Err(p) => {
                self.note(
                    p.field,
                    format!("{}; the fact is kept without it", p.reason),
                );
                None
            }
        }
    }

    /// A date string node; partial dates are noted.
    fn date_of(&mut self, n: &Node) -> Result<Date, Problem> {
        let s = n.as_str()?.trim();
        let (d, precision) = date::parse_date_time(s)
            .map_err(|reason| Problem::new(n.path.clone(), format!("{s:?} {reason}")))?;
        if precision != Precision::Day {
            self.note(
                n.path.clone(),
                format!("{s:?} is precise only to the {precision}; taken as {d}"),
            );
        }
        Ok(d)
    }

    fn date(&mut self, n: &Node, key: &str) -> Result<Option<Date>, Problem> {
        n.field(key).map(|d| self.date_of(&d)).transpose()
    }

    fn period(&mut self, n: &Node) -> Result<(Option<Date>, Option<Date>), Problem> {
        n.expect_object()?;
        let start = self.date(n, "start")?;
        let end = self.date(n, "end")?;
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            return Err(Problem::new(
                n.path.clone(),
                format!("the period ends ({e}) before it starts ({s})"),
            ));
        }
        Ok((start, end))
    }
}

type Reader<T> = fn(&Ctx, &mut Res) -> Result<T, Problem>;

/// A start and an end.
type Dates = (Option<Date>, Option<Date>);

impl Ctx<'_> {
    /// Reads entry `i` with `read`, sending the fact to `out` or the resource
    /// to `ignored`.
    pub fn run<T>(
        &self,
        i: usize,
        read: Reader<T>,
        out: &mut Vec<T>,
        ignored: &mut Vec<IgnoredFact>,
    ) -> Result<(), FhirError> {
        let entry = &self.index.entries[i];
        if let Some(why) = self.check_subject(entry) {
            ignored.push(why);
            return Ok(());
        }
        let mut res = Res {
            entry,
            node: entry.node(),
            notes: Vec::new(),
        };
        match read(self, &mut res) {
            Ok(fact) => {
                out.push(fact);
                ignored.append(&mut res.notes);
            }
            Err(p) => ignored.push(IgnoredFact {
                source: Some(entry.source()),
                field: Some(p.field),
                reason: p.reason,
            }),
        }
        Ok(())
    }

    /// A fact about someone else must not be read as the patient's: the
    /// `subject`/`patient` reference, when given, must resolve to the record's
    /// Patient. A resource that refers elsewhere, or to a patient the bundle
    /// does not hold (real exports do this), is left out with the reason and
    /// the rest of the record is read. A resource without a reference is
    /// taken to be about the patient, the only one a record may hold.
    pub fn check_subject(&self, e: &Entry) -> Option<IgnoredFact> {
        let node = e.node();
        for key in ["subject", "patient"] {
            let Some(subject) = node.field(key) else {
                continue;
            };
            let left_out = |field: String, reason: String| IgnoredFact {
                source: Some(e.source()),
                field: Some(field),
                reason,
            };
            if let Err(p) = subject.expect_object() {
                return Some(left_out(
                    p.field,
                    format!("{key}: {}; the resource is left out", p.reason),
                ));
            }
            let reference = match subject.str("reference") {
                Ok(Some(r)) => r,
                Ok(None) => continue,
                Err(p) => {
                    return Some(left_out(
                        p.field,
                        format!("{key}: {}; the resource is left out", p.reason),
                    ));
                }
            };
            let path = subject.at("reference");
            match self.index.resolve(reference) {
                Some(j) if j == self.patient => {}
                Some(j) => {
                    return Some(left_out(
                        path,
                        format!(
                            "refers to {reference:?}, which is {}, not the patient {}: it may be about someone else, so it is left out",
                            self.index.entries[j].label(),
                            self.index.entries[self.patient].label()
                        ),
                    ));
                }
                None => {
                    return Some(left_out(
                        path,
                        format!(
                            "refers to {reference:?}, which is not in the bundle (the patient is {}): it may be about someone else, so it is left out",
                            self.index.entries[self.patient].label()
                        ),
                    ));
                }
            }
        }
        None
    }
}

/// A code the fact can be matched on; without one the resource says nothing.
fn required_code(n: &Node, key: &str) -> Result<Concept, Problem> {
    let c = concept_at(n, key)?.unwrap_or_default();
    if c.is_empty() {
        return Err(Problem::new(
            n.at(key),
            "no code or text: nothing to match the resource on",
        ));
    }
    Ok(c)
}

/// `status`, ignoring the resource when it is one of `not_counted` (status, why).
fn status<'a>(n: &Node<'a>, not_counted: &[(&str, &str)]) -> Result<Option<&'a str>, Problem> {
    let s = n.str("status")?;
    if let Some(s) = s
        && let Some((_, why)) = not_counted.iter().find(|(code, _)| *code == s)
    {
        return Err(Problem::new(n.at("status"), format!("status {s}: {why}")));
    }
    Ok(s)
}

const ENTERED_IN_ERROR: (&str, &str) = (
    "entered-in-error",
    "recorded in error, so it does not count",
);

/// A status CodeableConcept's code; STU3 wrote it as a plain string.
fn status_code(n: &Node, key: &str) -> Result<Option<(String, String)>, Problem> {
    let Some(f) = n.field(key) else {
        return Ok(None);
    };
    let code = if f.v.is_string() {
        Some(f.as_str()?.trim().to_owned())
    } else {
        concept(&f)?.first_code_or_text().map(str::to_owned)
    };
    Ok(code.map(|c| (c.to_ascii_lowercase(), f.path)))
}

fn clinical_status(r: &mut Res, n: &Node) -> Result<Option<ClinicalStatus>, Problem> {
    let Some((code, path)) = status_code(n, "clinicalStatus")? else {
        return Ok(None);
    };
    Ok(match code.as_str() {
        "active" => Some(ClinicalStatus::Active),
        "recurrence" => Some(ClinicalStatus::Recurrence),
        "relapse" => Some(ClinicalStatus::Relapse),
        "inactive" => Some(ClinicalStatus::Inactive),
        "remission" => Some(ClinicalStatus::Remission),
        "resolved" => Some(ClinicalStatus::Resolved),
        other => {
            r.note(
                path,
                format!(
                    "clinicalStatus {other:?} is not a FHIR R4 clinical status; read as not given"
                ),
            );
            None
        }
    })
}

/// Refuted and entered-in-error resources do not count at all (MATCHING.md 6).
fn verification_status(
    r: &mut Res,
    n: &Node,
    what: &str,
) -> Result<Option<VerificationStatus>, Problem> {
    let Some((code, path)) = status_code(n, "verificationStatus")? else {
        return Ok(None);
    };
    let v = match code.as_str() {
        "unconfirmed" => VerificationStatus::Unconfirmed,
        "provisional" => VerificationStatus::Provisional,
        "differential" => VerificationStatus::Differential,
        "confirmed" => VerificationStatus::Confirmed,
        "refuted" => VerificationStatus::Refuted,
        "entered-in-error" => VerificationStatus::EnteredInError,
        other => {
            r.note(path, format!("verificationStatus {other:?} is not a FHIR R4 verification status; read as not given"));
            return Ok(None);
        }
    };
    if !v.counts() {
        return Err(Problem::new(
            path,
            format!("verificationStatus {code}: a {code} {what} does not count"),
        ));
    }
    Ok(Some(v))
}

/// Which end of a Period stands for the moment.
#[derive(Clone, Copy)]
enum End {
    Start,
    End,
}

/// A date from a `prefix[x]` choice: DateTime, Period, Age (from the birth
/// date) or, unusable, String and Range (noted).
fn moment(
    ctx: &Ctx,
    r: &mut Res,
    n: &Node,
    prefix: &str,
    end: End,
) -> Result<Option<Date>, Problem> {
    let Some((ty, v)) = n.choice(prefix)? else {
        return Ok(None);
    };
    match ty {
        "DateTime" | "Instant" => r.date_of(&v).map(Some),
        "Period" => {
            let (s, e) = r.period(&v)?;
            Ok(match end {
                End::Start => s.or(e),
                End::End => e.or(s),
            })
        }
        "Age" => date_from_age(ctx, r, &v),
        "String" | "Range" | "Boolean" | "Timing" => {
            r.note(
                v.path.clone(),
                format!("{prefix}{ty} is not a date; read as no {prefix} date"),
            );
            Ok(None)
        }
        other => Err(Problem::new(
            v.path.clone(),
            format!("{prefix}{other} is not a FHIR {prefix}[x] type"),
        )),
    }
}

/// `onsetAge`: the birth date plus the age, the earliest date the age allows.
fn date_from_age(ctx: &Ctx, r: &mut Res, n: &Node) -> Result<Option<Date>, Problem> {
    let q = quantity(n, None)?.quantity;
    if q.value.is_sign_negative() {
        return Err(Problem::new(
            n.path.clone(),
            format!("a negative age ({q}) is impossible"),
        ));
    }
    let too_old = || {
        Problem::new(
            n.path.clone(),
            format!("an age of {q} (over 150 years) is impossible"),
        )
    };
    let (months, days) = match q.unit.as_str() {
        "a" | "yr" | "y" | "year" | "years" => {
            ((q.value * Decimal::from(12)).round(), Decimal::ZERO)
        }
        "mo" | "month" | "months" => (q.value.round(), Decimal::ZERO),
        "wk" | "week" | "weeks" => (Decimal::ZERO, (q.value * Decimal::from(7)).round()),
        "d" | "day" | "days" => (Decimal::ZERO, q.value.round()),
        other => {
            return Err(Problem::new(
                n.path.clone(),
                format!("age unit {other:?} is not a, mo, wk or d"),
            ));
        }
    };
    let (Some(months), Some(days)) = (months.to_i64(), days.to_i64()) else {
        return Err(too_old());
    };
    if months > 150 * 12 || days > 150 * 366 {
        return Err(too_old());
    }
    let Some(birth) = ctx.birth_date else {
        r.note(
            n.path.clone(),
            format!(
                "an age ({q}) needs the patient's birthDate, which is not usable; read as no date"
            ),
        );
        return Ok(None);
    };
    let span = jiff::Span::new()
        .try_months(months)
        .and_then(|s| s.try_days(days))
        .map_err(|_| too_old())?;
    let d = birth.checked_add(span).map_err(|_| too_old())?;
    r.note(
        n.path.clone(),
        format!(
            "age {q}: taken as birthDate {birth} + {q} = {d}, the earliest date that age allows"
        ),
    );
    Ok(Some(d))
}

/// A severity or stage grade written as a number (`2`, `Grade 2`, `Class IV`).
fn grade(c: &Concept) -> Option<u8> {
    c.codes
        .iter()
        .find_map(|c| parse_grade(&c.code))
        .or_else(|| c.text.as_deref().and_then(parse_grade))
}

fn parse_grade(s: &str) -> Option<u8> {
    let s = s.trim().to_ascii_lowercase();
    let s = ["grade", "stage", "class"]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(&s)
        .trim_start_matches([' ', '-', '_']);
    let n = match s {
        "i" => 1,
        "ii" => 2,
        "iii" => 3,
        "iv" => 4,
        "v" => 5,
        _ if !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()?
        }
        _ => return None,
    };
    // SNOMED severity codes are long numbers; a grade is small.
    (n <= 10).then_some(n)
}

pub(crate) fn condition(ctx: &Ctx, r: &mut Res) -> Result<ConditionFact, Problem> {
    let n = r.node.clone();
    let verification_status = verification_status(r, &n, "condition")?;
    let code = required_code(&n, "code")?;
    let clinical_status = clinical_status(r, &n)?;
    let onset = moment(ctx, r, &n, "onset", End::Start);
    let onset = r.soft(onset);
    let abatement = moment(ctx, r, &n, "abatement", End::End);
    let abatement = r.soft(abatement);
    let recorded = r.date(&n, "recordedDate");
    let recorded = r.soft(recorded);
    let graded = (|| -> Result<Option<u8>, Problem> {
        for stage in n.objects("stage")? {
            if let Some(g) = concept_at(&stage, "summary")?.as_ref().and_then(grade) {
                return Ok(Some(g));
            }
        }
        Ok(concept_at(&n, "severity")?.as_ref().and_then(grade))
    })();
    let grade = r.soft(graded);
    Ok(ConditionFact {
        source: r.entry.source(),
        codes: code.codes,
        text: code.text,
        clinical_status,
        verification_status,
        onset,
        abatement,
        recorded,
        grade,
    })
}

/// What the quantities of this observation may be.
fn plausibility(codes: &[Coding], category: &[String]) -> Plausibility {
    Plausibility {
        non_negative: is_score(codes)
            || category
                .iter()
                .any(|c| c == "laboratory" || c == "vital-signs"),
        signed: codes
            .iter()
            .any(|c| c.system == systems::LOINC && SIGNED_LOINC.contains(&c.code.as_str())),
    }
}

fn is_score(codes: &[Coding]) -> bool {
    codes.iter().any(|c| c.system == systems::ELIGO_SCORE)
}

pub(crate) fn observation(_ctx: &Ctx, r: &mut Res) -> Result<ObservationFact, Problem> {
    let n = r.node.clone();
    status(
        &n,
        &[
            ENTERED_IN_ERROR,
            ("cancelled", "the observation was not made"),
        ],
    )?;
    let code = required_code(&n, "code")?;
    let category = code_list(&n, "category")?;
    let rules = plausibility(&code.codes, &category);
    let score = is_score(&code.codes);
    let effective = match n.choice("effective")? {
        Some(("DateTime" | "Instant", v)) => Some(r.date_of(&v)?),
        Some(("Period", v)) => {
            let (s, e) = r.period(&v)?;
            s.or(e)
        }
        Some((other, v)) => {
            r.note(
                v.path.clone(),
                format!("effective{other} is not read as a date"),
            );
            None
        }
        None => None,
    };
    let effective = match effective {
        Some(d) => Some(d),
        None => r.date(&n, "issued")?,
    };
    let value = observation_value(r, &n, rules, score)?;
    // A bound ("< 20 IU/mL": below the assay's limit) is kept as one.
    let bound = match n.choice("value")? {
        Some(("Quantity", v)) => v.str("comparator")?.and_then(comparator),
        _ => None,
    };
    let unit = match &value {
        Some(ObservationValue::Quantity { quantity }) => Some(quantity.unit.clone()),
        _ => None,
    };
    let range = reference_range(r, &n, rules, unit.as_deref());
    let reference_range = r.soft(range);
    let interpretation = code_list(&n, "interpretation").map(Some);
    let interpretation = r.soft(interpretation).unwrap_or_default();
    let mut components = Vec::new();
    for c in n.objects("component")? {
        let code = required_code(&c, "code")?;
        let rules = plausibility(&code.codes, &category);
        let value = observation_value(r, &c, rules, is_score(&code.codes))?;
        components.push(ObservationComponent {
            codes: code.codes,
            value,
        });
    }
    Ok(ObservationFact {
        source: r.entry.source(),
        codes: code.codes,
        text: code.text,
        value,
        reference_range,
        effective,
        comparator: bound,
        interpretation,
        category,
        components,
    })
}

/// A FHIR Quantity comparator.
fn comparator(c: &str) -> Option<Comparator> {
    Some(match c.trim() {
        "<" => Comparator::Lt,
        "<=" => Comparator::Le,
        ">" => Comparator::Gt,
        ">=" => Comparator::Ge,
        _ => return None,
    })
}

/// `value[x]` of an observation or component. Impossible values and bounds
/// (`>60`) are errors: the observation then is ignored whole.
fn observation_value(
    r: &mut Res,
    n: &Node,
    rules: Plausibility,
    score: bool,
) -> Result<Option<ObservationValue>, Problem> {
    let Some((ty, v)) = n.choice("value")? else {
        return Ok(None);
    };
    let number = |q: Quantity, path: &str| -> Result<ObservationValue, Problem> {
        match rules.check(&q) {
            Some(reason) => Err(Problem::new(path, reason)),
            None => Ok(ObservationValue::Quantity { quantity: q }),
        }
    };
    Ok(Some(match ty {
        "Quantity" => {
            let q = quantity(&v, score.then_some("{score}"))?;
            if let Some(c) = &q.comparator
                && comparator(c).is_none()
            {
                return Err(Problem::new(
                    v.at("comparator"),
                    format!("comparator {c:?} is not <, <=, >= or >"),
                ));
            }
            if let Some(p) = q.unit_problem {
                r.note(v.at("unit"), p);
            }
            number(q.quantity, &v.path)?
        }
        "Integer" => {
            if !(v.v.is_i64() || v.v.is_u64()) {
                return Err(Problem::new(
                    v.path.clone(),
                    format!("expected an integer, found {}", kind(v.v)),
                ));
            }
            let unit = if score { "{score}" } else { "1" };
            let d = decimal(&v)?;
            number(Quantity::new(d, unit), &v.path)?
        }
        "CodeableConcept" => {
            let c = concept(&v)?;
            ObservationValue::Code {
                coding: c.codes,
                text: c.text,
            }
        }
        "Boolean" => ObservationValue::Boolean {
            value: v.v.as_bool().ok_or_else(|| {
                Problem::new(
                    v.path.clone(),
                    format!("expected a boolean, found {}", kind(v.v)),
                )
            })?,
        },
        "String" => ObservationValue::Text {
            value: v.as_str()?.to_owned(),
        },
        other => {
            r.note(
                v.path.clone(),
                format!("value{other} is not read; the observation is kept without a value"),
            );
            return Ok(None);
        }
    }))
}

/// The first normal range that has a low or a high (MATCHING.md 5: limits of
/// normal come from the record). Bounds without a unit take the value's.
fn reference_range(
    r: &mut Res,
    n: &Node,
    rules: Plausibility,
    unit: Option<&str>,
) -> Result<Option<ReferenceRange>, Problem> {
    let ranges = n.objects("referenceRange")?;
    let mut candidates = Vec::new();
    for rr in &ranges {
        if let Some(t) = concept_at(rr, "type")?
            && !t.codes.is_empty()
            && !t.codes.iter().any(|c| c.code == "normal")
        {
            continue;
        }
        if rr.field("low").is_some() || rr.field("high").is_some() {
            candidates.push(rr);
        }
    }
    let Some(rr) = candidates.first() else {
        return Ok(None);
    };
    if candidates.len() > 1 {
        r.note(
            n.at("referenceRange"),
            format!(
                "{} normal ranges given; the first ({}) is used",
                candidates.len(),
                rr.path
            ),
        );
    }
    let mut bound = |key: &str| -> Result<Option<Quantity>, Problem> {
        let Some(b) = rr.object(key)? else {
            return Ok(None);
        };
        let mut q = quantity(&b, None)?;
        if q.quantity.unit.is_empty()
            && let Some(u) = unit
        {
            r.note(
                b.path.clone(),
                format!("the bound has no unit; taken in the value's unit {u:?}"),
            );
            q.quantity.unit = u.to_owned();
            q.unit_problem = None;
        }
        if let Some(p) = q.unit_problem {
            r.note(b.at("unit"), p);
        }
        if let Some(reason) = rules.check(&q.quantity) {
            return Err(Problem::new(
                b.path.clone(),
                format!("{reason}; the reference range is not used"),
            ));
        }
        Ok(Some(q.quantity))
    };
    let low = bound("low")?;
    let high = bound("high")?;
    if let (Some(l), Some(h)) = (&low, &high)
        && l.unit == h.unit
        && l.value > h.value
    {
        return Err(Problem::new(
            rr.path.clone(),
            format!("low {l} is above high {h}; the reference range is not used"),
        ));
    }
    Ok(Some(ReferenceRange { low, high }))
}

pub(crate) fn procedure(_ctx: &Ctx, r: &mut Res) -> Result<ProcedureFact, Problem> {
    let n = r.node.clone();
    let status = status(
        &n,
        &[ENTERED_IN_ERROR, ("not-done", "the procedure was not done")],
    )?;
    let code = required_code(&n, "code")?;
    let when = (|| -> Result<Option<Dates>, Problem> {
        // R4 `performed[x]`, R5 `occurrence[x]`.
        let choice = match n.choice("performed")? {
            Some(c) => Some(c),
            None => n.choice("occurrence")?,
        };
        Ok(match choice {
            Some(("DateTime", v)) => {
                let d = r.date_of(&v)?;
                Some((Some(d), Some(d)))
            }
            Some(("Period", v)) => Some(r.period(&v)?),
            Some((ty, v)) => {
                r.note(v.path.clone(), format!("{ty} is not read as a date"));
                None
            }
            None => None,
        })
    })();
    let (start, end) = r.soft(when).unwrap_or_default();
    Ok(ProcedureFact {
        source: r.entry.source(),
        codes: code.codes,
        text: code.text,
        status: status.map(str::to_owned),
        start,
        end,
    })
}

pub(crate) fn immunization(ctx: &Ctx, r: &mut Res) -> Result<ImmunizationFact, Problem> {
    let n = r.node.clone();
    let status = status(
        &n,
        &[ENTERED_IN_ERROR, ("not-done", "the vaccine was not given")],
    )?;
    let code = required_code(&n, "vaccineCode")?;
    let date = moment(ctx, r, &n, "occurrence", End::Start);
    let date = r.soft(date);
    Ok(ImmunizationFact {
        source: r.entry.source(),
        codes: code.codes,
        text: code.text,
        status: status.map(str::to_owned),
        date,
    })
}

pub(crate) fn allergy(ctx: &Ctx, r: &mut Res) -> Result<AllergyFact, Problem> {
    let n = r.node.clone();
    let verification_status = verification_status(r, &n, "allergy")?;
    let code = required_code(&n, "code")?;
    let clinical_status = clinical_status(r, &n)?;
    let strings = |key: &str| -> Result<Vec<String>, Problem> {
        n.array(key)?
            .iter()
            .map(|c| c.as_str().map(str::to_owned))
            .collect()
    };
    let category = strings("category");
    let category = r.soft(category.map(Some)).unwrap_or_default();
    let criticality = n.str("criticality").map(|c| c.map(str::to_owned));
    let criticality = r.soft(criticality);
    let severities = (|| -> Result<Vec<String>, Problem> {
        let mut out = Vec::new();
        for reaction in n.objects("reaction")? {
            out.extend(reaction.str("severity")?.map(str::to_owned));
        }
        Ok(out)
    })();
    let reaction_severity = r.soft(severities.map(Some)).unwrap_or_default();
    let onset = moment(ctx, r, &n, "onset", End::Start);
    let onset = r.soft(onset);
    Ok(AllergyFact {
        source: r.entry.source(),
        codes: code.codes,
        text: code.text,
        category,
        criticality,
        clinical_status,
        verification_status,
        reaction_severity,
        onset,
    })
}

mod medication;
pub(crate) use medication::*;
