//! The typed rule language that eligibility text compiles into.
//!
//! A [`Criterion`] is one bullet of a trial's eligibility text. Its `rules`
//! say, in computable form, what the bullet *states*; whether a patient must
//! satisfy it (inclusion) or must not (exclusion) is the criterion's `kind`.
//! Several rules in one criterion are a conjunction; a bullet that lists
//! alternatives ("any of the following") compiles to one [`RuleKind::Any`].
//!
//! Every rule carries the byte [`Span`] of the eligibility text it came from,
//! so that a verdict can always point at the words that caused it. What the
//! compiler cannot turn into a rule is kept as a [`NotComputablePart`] with a
//! reason, never dropped.
//!
//! Concepts (diagnoses, analytes, medications, procedures) are named by keys
//! of eligo's vocabulary files (e.g. `sle`, `alt`, `glucocorticoid`); the
//! vocabulary maps each key to its code sets (SNOMED CT, ICD-10, LOINC, ATC,
//! RxNorm), so rules stay readable and codes stay data.

use crate::Quantity;
use crate::trial::Sex;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Byte offsets `[start, end)` into the trial's eligibility text.
/// Serialised as a two-element array `[start, end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
    /// The text under the span, if it lies on character boundaries of `text`.
    pub fn slice(self, text: &str) -> Option<&str> {
        text.get(self.start..self.end)
    }
}

impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        [self.start, self.end].serialize(s)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let [start, end] = <[usize; 2]>::deserialize(d)?;
        if end < start {
            return Err(serde::de::Error::custom("span end before start"));
        }
        Ok(Span { start, end })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKind {
    Inclusion,
    Exclusion,
}

/// One criterion (bullet) of a trial, compiled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub kind: CriterionKind,
    /// The criterion's text exactly as it stands at `span` in the source.
    pub text: String,
    pub span: Span,
    /// True when `rules` is non-empty: at least part of the criterion can be
    /// decided from a patient record.
    pub computable: bool,
    /// What the criterion states, as rules (a conjunction).
    pub rules: Vec<Rule>,
    /// Why the criterion is not computable (set when `computable` is false),
    /// in words a coordinator can read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Parts of the text left for a person to confirm (the whole criterion
    /// when it is not computable; a clause such as "and agrees to
    /// contraception" when the rest is).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_computable: Vec<NotComputablePart>,
    /// Set when the criterion comes from a structured registry field rather
    /// than the eligibility text (`eligibility.min_age`, `eligibility.max_age`,
    /// `eligibility.sex`, `conditions`): `text` is then the field's value and
    /// the spans point into it (`[0, 8]` for "18 Years").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Set for criteria under a heading of their own that are not enrolment
    /// criteria (assessments before lymphodepletion or infusion, criteria for
    /// re-treatment): the heading's text. Such criteria are shown under it and
    /// never enter the enrolment verdict (MATCHING.md rule 13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// How much of a criterion's text its rules compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// Every clause is in a rule.
    Full,
    /// Some clauses are in rules, the rest is left to confirm.
    Partial,
    /// No clause is computable: the whole criterion is left to confirm.
    None,
}

impl Criterion {
    /// Fully, partly or not computable: partly when a computable criterion
    /// keeps a remainder to confirm (MATCHING.md rule 11).
    pub fn coverage(&self) -> Coverage {
        if !self.computable || self.rules.is_empty() {
            Coverage::None
        } else if self.not_computable.is_empty() {
            Coverage::Full
        } else {
            Coverage::Partial
        }
    }
}

/// The compiled eligibility of one trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompiledCriteria {
    pub trial_id: String,
    /// Computable criteria / all criteria (0 when there are none).
    pub computable_fraction: f64,
    pub criteria: Vec<Criterion>,
}

/// A piece of criterion text that no rule captures, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotComputablePart {
    pub span: Span,
    pub text: String,
    pub reason: NotComputableReason,
    /// The concepts the part names (conditions, drugs, procedures,
    /// measurements), so a coordinator sees what is left to confirm at a
    /// glance. Filled by `eligo_criteria::annotate` where people read the
    /// criteria (the CLI, the trial page, the API); the matcher never uses it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<Mention>,
}

/// A concept named in criterion text: its class, where it stands and what
/// it says, with the vocabulary key when eligo knows the concept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub kind: MentionKind,
    pub span: Span,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concept: Option<String>,
}

/// The classes of [`Mention`] (Chia's concept classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionKind {
    Condition,
    Drug,
    Procedure,
    Measurement,
}

impl MentionKind {
    pub fn name(self) -> &'static str {
        match self {
            MentionKind::Condition => "condition",
            MentionKind::Drug => "drug",
            MentionKind::Procedure => "procedure",
            MentionKind::Measurement => "measurement",
        }
    }
}

/// Why text cannot be decided from a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotComputableReason {
    /// "deemed by the investigator", "in the opinion of the researchers".
    InvestigatorJudgment,
    /// "severe cardiac disease", "clinically significant": no threshold given.
    VagueSeverity,
    /// Informed consent, willingness, compliance, ability to follow the protocol.
    ConsentOrCompliance,
    /// Agreement to contraception, not donating sperm or eggs.
    ContraceptionAgreement,
    /// Plans and intentions ("planning pregnancy", "scheduled surgery").
    FutureIntent,
    /// A window counted from an event that has not happened yet
    /// (leukapheresis, infusion, lymphodepletion).
    FutureAnchor,
    /// Requires information a record does not hold in coded form
    /// (e.g. "failure to respond to conventional therapy").
    NotInRecord,
    /// Not an eligibility statement (a heading, a note, a definition).
    NotACriterion,
    /// The compiler recognised no computable pattern.
    Unrecognized,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl NotComputableReason {
    pub fn describe(self) -> &'static str {
        match self {
            Self::InvestigatorJudgment => "investigator judgment",
            Self::VagueSeverity => "vague severity with no threshold",
            Self::ConsentOrCompliance => "consent, willingness or compliance",
            Self::ContraceptionAgreement => "agreement to contraception or donation limits",
            Self::FutureIntent => "future plan or intent",
            Self::FutureAnchor => "time window counted from a future event",
            Self::NotInRecord => "needs information a record does not code",
            Self::NotACriterion => "not an eligibility statement",
            Self::Unrecognized => "no computable pattern recognised",
        }
    }
}

/// A rule with the span of the text it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// The words that name what the rule is about ("ALT", "live/attenuated
    /// vaccination"); a composite's span covers its children.
    pub span: Span,
    #[serde(flatten)]
    pub kind: RuleKind,
    /// Other words of the criterion the rule reads: its window ("within 4
    /// weeks prior to screening"), duration, threshold, dose, route, result
    /// or presence. With `span`, they account for the text the rule stands
    /// for, so that nothing of a clause is silently dropped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Span>,
}

impl Rule {
    pub fn new(span: Span, kind: RuleKind) -> Self {
        Rule {
            span,
            kind,
            words: Vec::new(),
        }
    }

    /// The rule and all its descendants, depth first.
    pub fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Rule)) {
        f(self);
        match &self.kind {
            RuleKind::All { rules, .. }
            | RuleKind::Any { rules, .. }
            | RuleKind::AtLeast { rules, .. } => {
                for r in rules {
                    r.visit(f);
                }
            }
            RuleKind::Not { rule } => rule.visit(f),
            _ => {}
        }
    }
}

/// `<`, `≤`, `>`, `≥`, `=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Comparator {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "=")]
    Eq,
}

impl Comparator {
    /// Does `value <op> threshold` hold?
    pub fn holds(self, value: Decimal, threshold: Decimal) -> bool {
        match self {
            Comparator::Lt => value < threshold,
            Comparator::Le => value <= threshold,
            Comparator::Gt => value > threshold,
            Comparator::Ge => value >= threshold,
            Comparator::Eq => value == threshold,
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Lt => "<",
            Comparator::Le => "≤",
            Comparator::Gt => ">",
            Comparator::Ge => "≥",
            Comparator::Eq => "=",
        }
    }
}

impl fmt::Display for Comparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

/// A length of time. Weeks are 7 days; months and years are calendar spans
/// (MATCHING.md rule 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub amount: u32,
    pub unit: TimeUnit,
}

impl Period {
    pub fn new(amount: u32, unit: TimeUnit) -> Self {
        Period { amount, unit }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let u = match self.unit {
            TimeUnit::Hours => "hour",
            TimeUnit::Days => "day",
            TimeUnit::Weeks => "week",
            TimeUnit::Months => "month",
            TimeUnit::Years => "year",
        };
        write!(
            f,
            "{} {u}{}",
            self.amount,
            if self.amount == 1 { "" } else { "s" }
        )
    }
}

/// A lab threshold: an absolute quantity or a multiple of the limits of normal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Threshold {
    Quantity {
        quantity: Quantity,
    },
    /// `factor × ULN` (upper limit of normal).
    UlnMultiple {
        factor: Decimal,
    },
    /// `factor × LLN` (lower limit of normal).
    LlnMultiple {
        factor: Decimal,
    },
}

/// A qualitative lab result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualitative {
    Positive,
    Negative,
    /// Above the laboratory's detection or reference limit (viral loads).
    Detectable,
    Undetectable,
}

/// A different threshold that applies when the patient has a condition,
/// e.g. "TBIL ≤ 1.5 × ULN (Gilbert's syndrome: ≤ 3.0 × ULN)".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabException {
    /// Vocabulary key of the condition, e.g. `gilbert_syndrome`.
    pub condition: String,
    pub comparator: Comparator,
    pub threshold: Threshold,
}

/// Disease-activity and other scored instruments a criterion can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    Sledai2k,
    SelenaSledai,
    Pga,
    Bilag2004,
    Sdi,
    Nyha,
    Ecog,
    Karnofsky,
    /// ASTCT CRS grade.
    Crs,
    /// ASTCT ICANS grade.
    Icans,
    /// MAGIC acute GVHD overall grade.
    Agvhd,
}

impl Instrument {
    pub fn label(self) -> &'static str {
        match self {
            Instrument::Sledai2k => "SLEDAI-2K",
            Instrument::SelenaSledai => "SELENA-SLEDAI",
            Instrument::Pga => "PGA",
            Instrument::Bilag2004 => "BILAG-2004",
            Instrument::Sdi => "SLICC/ACR SDI",
            Instrument::Nyha => "NYHA class",
            Instrument::Ecog => "ECOG performance status",
            Instrument::Karnofsky => "Karnofsky performance status",
            Instrument::Crs => "ASTCT CRS grade",
            Instrument::Icans => "ASTCT ICANS grade",
            Instrument::Agvhd => "MAGIC acute GVHD grade",
        }
    }
}

/// How a diagnosis must stand in the record (MATCHING.md rule 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// "presence of", "active", "current", "at screening": clinically active
    /// at the as-of date.
    Active,
    /// "history of", "prior", "previous or current": ever recorded (resolved
    /// conditions count).
    Ever,
}

/// A medication dose threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoseThreshold {
    pub comparator: Comparator,
    /// Daily dose, e.g. `1 mg/kg/d` or `100 mg/d`.
    pub quantity: Quantity,
    /// Compare as prednisone-equivalent glucocorticoid dose.
    #[serde(default)]
    pub prednisone_equivalent: bool,
}

/// What kind of vaccine a criterion names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VaccineKind {
    /// Live or live-attenuated vaccines.
    Live,
    Inactivated,
    Mrna,
    Any,
}

/// Pregnancy-related states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PregnancyState {
    Pregnant,
    Lactating,
    /// Able to become pregnant (female, not post-menopausal or sterilised).
    ChildbearingPotential,
    /// A negative pregnancy test (serum or urine hCG) in the rule's window.
    NegativeTest,
}

/// What a rule states. Tagged by `type` in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RuleKind {
    /// All of the rules hold. `label` names a composite ("adequate organ function").
    All {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        rules: Vec<Rule>,
    },
    /// At least one of the rules holds.
    Any {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        rules: Vec<Rule>,
    },
    /// At least `min` of the rules hold ("at least 2 DMARDs").
    AtLeast {
        min: u32,
        rules: Vec<Rule>,
    },
    Not {
        rule: Box<Rule>,
    },

    /// Age in completed years at the as-of date, bounds inclusive unless said.
    Age {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<AgeBound>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<AgeBound>,
    },
    /// The patient's sex is `sex` (never `ALL`: that needs no rule).
    Sex {
        sex: Sex,
    },
    /// A numeric lab or vital-sign value against a threshold.
    Lab {
        /// Vocabulary key, e.g. `alt`, `anc`, `crcl`, `lvef`.
        analyte: String,
        comparator: Comparator,
        threshold: Threshold,
        /// Look-back window from the as-of date, when the criterion states one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Period>,
        /// How the value must be obtained, when the criterion says
        /// (`cockcroft_gault`, `echocardiography`, `room_air`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        method: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        exceptions: Vec<LabException>,
    },
    /// A qualitative result: serology, viral load detectability.
    LabResult {
        analyte: String,
        result: Qualitative,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Period>,
    },
    /// An instrument total or class against a threshold.
    Score {
        instrument: Instrument,
        comparator: Comparator,
        value: Decimal,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Period>,
    },
    /// BILAG-2004 style grade pattern: at least `min_a` domains graded A,
    /// or at least `min_b` graded B ("at least 1 A or 2 B").
    GradePattern {
        instrument: Instrument,
        min_a: u32,
        min_b: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Period>,
    },
    /// A condition in the record.
    Diagnosis {
        /// Vocabulary key of the concept set, e.g. `sle`, `malignancy`.
        concept: String,
        presence: Presence,
        /// Onset (or activity) within this look-back window.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Period>,
        /// Diagnosed at least this long before the as-of date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_duration: Option<Period>,
        /// Classification criteria the diagnosis must meet (`eular_acr_2019`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        classification: Option<String>,
        /// Minimum severity grade ("≥ grade 2 bleeding").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_grade: Option<u8>,
        /// Concept keys that do not count ("except non-melanoma skin cancer").
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        exceptions: Vec<String>,
        /// Exceptions that hold only under a qualification a record does not
        /// code ("local prostate cancer", "... with disease-free survival > 5
        /// years"): a condition in one of these is left to confirm.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        exceptions_to_confirm: Vec<String>,
    },
    /// A medication or medication class taken.
    Medication {
        /// Vocabulary key of an agent or class, e.g. `cyclophosphamide`,
        /// `glucocorticoid`, `b_cell_targeted`.
        agent: String,
        /// Taken within this look-back window (None: ever).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Period>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dose: Option<DoseThreshold>,
        /// Taken for at least this long.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_duration: Option<Period>,
        /// The duration must be longer than `min_duration` ("for > 6 months"),
        /// not merely as long.
        #[serde(default, skip_serializing_if = "is_false")]
        min_duration_strict: bool,
        /// Route restriction (`intravenous`, `intramuscular`, `intra_articular`, `oral`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        routes: Vec<String>,
        /// Taken now, at the as-of date ("need for continuous anticoagulant
        /// therapy"), rather than at any time in the window.
        #[serde(default, skip_serializing_if = "is_false")]
        current: bool,
    },
    /// A procedure (transplant, dialysis, plasma exchange, surgery, transfusion).
    Procedure {
        concept: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Period>,
    },
    Vaccination {
        vaccine: VaccineKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Period>,
    },
    /// Allergy or intolerance recorded; `severe` asks for high criticality or
    /// a severe/anaphylactic reaction.
    Allergy {
        /// Vocabulary key of the substance or class (`drug`, `tocilizumab`); None: any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        substance: Option<String>,
        #[serde(default)]
        severe: bool,
    },
    /// Took part in another clinical trial or study within the window (an
    /// interventional one only when `interventional`).
    TrialParticipation {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Period>,
        #[serde(default, skip_serializing_if = "is_false")]
        interventional: bool,
    },
    Pregnancy {
        state: PregnancyState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Period>,
    },
    /// Has one of the conditions the trial is for (MATCHING.md rule 12): the
    /// implicit inclusion criterion of a trial that does not accept healthy
    /// volunteers. `condition` is the registry's text; `concept` the
    /// vocabulary key it names, when eligo recognises it.
    TrialCondition {
        condition: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        concept: Option<String>,
    },
    /// A clause no rule computes, at its place in the criterion's logic
    /// ("... or disease relapse after remission"). The same clause is listed
    /// in the criterion's `not_computable`; it is left to a person
    /// (MATCHING.md rule 11).
    ToConfirm {
        reason: NotComputableReason,
    },
}

/// One end of an age range, in completed years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AgeBound {
    pub years: u32,
    pub inclusive: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn rules_serialise_with_type_tag_and_span() {
        let r = Rule::new(
            Span::new(10, 30),
            RuleKind::Lab {
                analyte: "alt".into(),
                comparator: Comparator::Le,
                threshold: Threshold::UlnMultiple {
                    factor: Decimal::new(3, 0),
                },
                window: None,
                method: None,
                exceptions: vec![],
            },
        );
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["type"], "lab");
        assert_eq!(j["span"], serde_json::json!([10, 30]));
        assert_eq!(j["comparator"], "<=");
        assert_eq!(j["threshold"]["type"], "uln_multiple");
        let back: Rule = serde_json::from_value(j).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn comparators_are_exact_on_decimals() {
        let a: Decimal = "0.7".parse().unwrap();
        let b: Decimal = "0.4".parse().unwrap();
        assert!(Comparator::Ge.holds(a - b, "0.3".parse().unwrap()));
    }
}
