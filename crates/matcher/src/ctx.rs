//! What every rule evaluation needs: the facts, the as-of date, the
//! vocabulary, and small shared helpers (windows, age, latest values).

use eligo_model::evidence::Evidence;
use eligo_model::fact::{ConditionFact, MedicationFact, ProcedureFact};
use eligo_model::fact::{Gender, ObservationComponent, ObservationFact, ObservationValue};
use eligo_model::rule::{Period, TimeUnit};
use eligo_model::{Date, PatientFacts, Quantity};
use eligo_vocab::Vocabulary;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Which list of facts a cached concept match is over.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum List {
    Conditions,
    Medications,
    Procedures,
    Observations,
}

type MatchCache = HashMap<(List, String), Rc<[usize]>>;

/// The evaluation context of one patient at one as-of date.
pub struct Ctx<'a> {
    pub facts: &'a PatientFacts,
    pub as_of: Date,
    pub vocab: &'static Vocabulary,
    /// Things a person should confirm that came up while evaluating
    /// (e.g. a classification taken from a coded diagnosis).
    notes: RefCell<Vec<String>>,
    /// (list, vocabulary key) → indexes of the facts that belong to the key.
    /// Vocabulary matching is the costly part of evaluation and the same
    /// keys recur across trials, so one context serves many trials.
    matches: RefCell<MatchCache>,
}

impl<'a> Ctx<'a> {
    pub fn new(facts: &'a PatientFacts, as_of: Date) -> Self {
        Ctx {
            facts,
            as_of,
            vocab: eligo_vocab::vocabulary(),
            notes: RefCell::new(Vec::new()),
            matches: RefCell::new(HashMap::new()),
        }
    }

    pub fn note(&self, s: String) {
        let mut n = self.notes.borrow_mut();
        if !n.contains(&s) {
            n.push(s);
        }
    }

    pub fn take_notes(&self) -> Vec<String> {
        std::mem::take(&mut *self.notes.borrow_mut())
    }

    fn indexes(&self, list: List, key: &str) -> Rc<[usize]> {
        if let Some(v) = self.matches.borrow().get(&(list, key.to_string())) {
            return v.clone();
        }
        let v = self.vocab;
        let f = self.facts;
        let idx: Vec<usize> = match list {
            List::Conditions => (0..f.conditions.len())
                .filter(|&i| {
                    v.condition_matches(
                        key,
                        &f.conditions[i].codes,
                        f.conditions[i].text.as_deref(),
                    )
                })
                .collect(),
            List::Medications => (0..f.medications.len())
                .filter(|&i| {
                    v.medication_matches(
                        key,
                        &f.medications[i].codes,
                        f.medications[i].text.as_deref(),
                    )
                })
                .collect(),
            List::Procedures => (0..f.procedures.len())
                .filter(|&i| {
                    v.procedure_matches(
                        key,
                        &f.procedures[i].codes,
                        f.procedures[i].text.as_deref(),
                    )
                })
                .collect(),
            List::Observations => (0..f.observations.len())
                .filter(|&i| {
                    v.analyte_matches(
                        key,
                        &f.observations[i].codes,
                        f.observations[i].text.as_deref(),
                    )
                })
                .collect(),
        };
        let rc: Rc<[usize]> = idx.into();
        self.matches
            .borrow_mut()
            .insert((list, key.to_string()), rc.clone());
        rc
    }

    /// Conditions that belong to a vocabulary concept (or a narrower one).
    pub fn conditions_of(&self, key: &str) -> Vec<&'a ConditionFact> {
        self.indexes(List::Conditions, key)
            .iter()
            .map(|&i| &self.facts.conditions[i])
            .collect()
    }

    /// Is this condition (one of `facts.conditions`) in the concept?
    pub fn condition_is(&self, key: &str, c: &ConditionFact) -> bool {
        self.indexes(List::Conditions, key)
            .iter()
            .any(|&i| std::ptr::eq(&self.facts.conditions[i], c))
    }

    pub fn medications_of(&self, key: &str) -> Vec<&'a MedicationFact> {
        self.indexes(List::Medications, key)
            .iter()
            .map(|&i| &self.facts.medications[i])
            .collect()
    }

    pub fn procedures_of(&self, key: &str) -> Vec<&'a ProcedureFact> {
        self.indexes(List::Procedures, key)
            .iter()
            .map(|&i| &self.facts.procedures[i])
            .collect()
    }

    /// The first day of a look-back window ending at the as-of date.
    /// Weeks are 7 days, months and years calendar spans, hours rounded up
    /// to whole days (MATCHING.md rule 2).
    pub fn window_start(&self, p: Period) -> Date {
        self.as_of.checked_sub(period_span(p)).unwrap_or(Date::MIN)
    }

    /// Is `d` inside the window (or, with no window, on or before as-of)?
    pub fn in_window(&self, d: Date, window: Option<Period>) -> bool {
        d <= self.as_of && window.is_none_or(|w| d >= self.window_start(w))
    }

    /// Age in completed years at the as-of date.
    pub fn age(&self) -> Option<u32> {
        let b = self.facts.birth_date?;
        let a = self.as_of;
        let mut years = i32::from(a.year()) - i32::from(b.year());
        if (a.month(), a.day()) < (b.month(), b.day()) {
            years -= 1;
        }
        u32::try_from(years).ok()
    }

    pub fn female(&self) -> Option<bool> {
        match self.facts.gender? {
            Gender::Female => Some(true),
            Gender::Male => Some(false),
            _ => None,
        }
    }

    /// Observations of an analyte (vocabulary key) dated inside the window,
    /// newest first. Undated ones are kept only when no window applies;
    /// impossible values ([`implausible`]) never.
    pub fn observations(&self, analyte: &str, window: Option<Period>) -> Vec<&'a ObservationFact> {
        let mut v: Vec<&ObservationFact> = self
            .indexes(List::Observations, analyte)
            .iter()
            .map(|&i| &self.facts.observations[i])
            .filter(|o| match o.effective {
                Some(d) => self.in_window(d, window),
                None => window.is_none(),
            })
            .filter(|o| quantity(o).is_none_or(|q| implausible(analyte, q).is_none()))
            .collect();
        v.sort_by_key(|o| std::cmp::Reverse(o.effective));
        v
    }

    /// Components of multi-part observations (the systolic pressure of a
    /// blood pressure panel) that are of an analyte, dated inside the
    /// window (their observation's date), newest first.
    pub fn components(
        &self,
        analyte: &str,
        window: Option<Period>,
    ) -> Vec<(&'a ObservationFact, &'a ObservationComponent)> {
        let mut v: Vec<(&ObservationFact, &ObservationComponent)> = self
            .facts
            .observations
            .iter()
            .filter(|o| match o.effective {
                Some(d) => self.in_window(d, window),
                None => window.is_none(),
            })
            .flat_map(|o| o.components.iter().map(move |c| (o, c)))
            .filter(|(_, c)| self.vocab.analyte_matches(analyte, &c.codes, None))
            .collect();
        v.sort_by_key(|(o, _)| std::cmp::Reverse(o.effective));
        v
    }

    /// Observations coded with a code of `system`, newest first, in the window.
    pub fn coded_observations(
        &self,
        system: &str,
        codes: &[&str],
        window: Option<Period>,
    ) -> Vec<&'a ObservationFact> {
        let mut v: Vec<&ObservationFact> = self
            .facts
            .observations
            .iter()
            .filter(|o| {
                o.codes.iter().any(|c| {
                    c.system == system && codes.iter().any(|k| c.code.eq_ignore_ascii_case(k))
                })
            })
            .filter(|o| match o.effective {
                Some(d) => self.in_window(d, window),
                None => window.is_none(),
            })
            .collect();
        v.sort_by_key(|o| std::cmp::Reverse(o.effective));
        v
    }

    /// The latest body weight, in kg, with its evidence.
    pub fn weight_kg(&self) -> Option<(rust_decimal::Decimal, Evidence)> {
        for o in self.observations("body_weight", None) {
            if let Some(q) = quantity(o)
                && o.comparator.is_none()
                && let Ok(c) = eligo_instruments::units::convert(q, "kg", None)
                && c.quantity.value > rust_decimal::Decimal::ZERO
            {
                let mut e = obs_evidence(o, "Body weight");
                if !c.explanation.is_empty() {
                    e.computation = Some(c.explanation.clone());
                }
                return Some((c.quantity.value, e));
            }
        }
        None
    }
}

/// Analytes that are never zero or negative in a living patient: a record
/// that says so holds a typo, and the value is not used (the CLI notes it).
pub const POSITIVE_ANALYTES: &[&str] = &[
    "body_weight",
    "body_height",
    "creatinine",
    "hemoglobin",
    "lvef",
    "spo2",
    "inr",
    "pt",
    "aptt",
    "crcl",
    "egfr",
];

/// Why a value of `analyte` cannot be a real measurement, if it cannot.
pub fn implausible(analyte: &str, q: &Quantity) -> Option<String> {
    (POSITIVE_ANALYTES.contains(&analyte) && q.value <= rust_decimal::Decimal::ZERO)
        .then(|| format!("{q} is impossible for a living patient"))
}

/// The numeric value of an observation, if it has one.
pub fn quantity(o: &ObservationFact) -> Option<&Quantity> {
    match &o.value {
        Some(ObservationValue::Quantity { quantity }) => Some(quantity),
        _ => None,
    }
}

/// A period as a calendar span: weeks are 7 days, months and years calendar
/// spans, hours rounded up to whole days (MATCHING.md rule 2).
pub fn period_span(p: Period) -> jiff::Span {
    let n = i64::from(p.amount);
    match p.unit {
        TimeUnit::Hours => jiff::Span::new().days((n + 23) / 24),
        TimeUnit::Days => jiff::Span::new().days(n),
        TimeUnit::Weeks => jiff::Span::new().days(n * 7),
        TimeUnit::Months => jiff::Span::new().months(n),
        TimeUnit::Years => jiff::Span::new().years(n),
    }
}

/// Evidence citing an observation as recorded.
pub fn obs_evidence(o: &ObservationFact, label: &str) -> Evidence {
    let (value, text) = match &o.value {
        Some(ObservationValue::Quantity { quantity }) => (Some(quantity.clone()), None),
        Some(ObservationValue::Code { coding, text }) => (
            None,
            text.clone().or_else(|| {
                coding
                    .first()
                    .map(|c| c.display.clone().unwrap_or_else(|| c.code.clone()))
            }),
        ),
        Some(ObservationValue::Boolean { value }) => (None, Some(value.to_string())),
        Some(ObservationValue::Text { value }) => (None, Some(value.clone())),
        None => (None, None),
    };
    Evidence {
        source: Some(o.source.clone()),
        label: label.to_string(),
        value,
        text,
        date: o.effective,
        computation: None,
    }
}

/// Evidence for a derived or absent fact, with no resource.
pub fn note_evidence(label: &str, text: impl Into<String>) -> Evidence {
    Evidence {
        source: None,
        label: label.to_string(),
        value: None,
        text: Some(text.into()),
        date: None,
        computation: None,
    }
}

/// "3 months" / "no window" for explanations.
pub fn window_words(w: Option<Period>) -> String {
    match w {
        Some(p) => format!("within {p}"),
        None => "at any time".into(),
    }
}
