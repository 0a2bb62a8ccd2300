//! The word patterns the compiler reads: cues for what is not computable,
//! comparators, units, windows, durations, presence, connectors. Each is a
//! small pure function over (normalised) text; regexes are compiled once.

use crate::lexicon::{self, Mention, Target};
use eligo_model::Quantity;
use eligo_model::rule::{
    AgeBound, Comparator, DoseThreshold, NotComputableReason, Period, Presence, Qualitative,
    Threshold, TimeUnit,
};
use regex::Regex;
use rust_decimal::Decimal;
use std::sync::OnceLock;

/// Connectors between atoms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// ", or": loosest.
    Or2,
    And,
    /// "or", "and/or", "/": tightest.
    Or,
    /// A bare comma: takes the list's explicit connector.
    List,
}

mod coverage;
mod cues;
mod mentions;
mod statements;
mod structure;
mod values;
mod windows;
pub(crate) use coverage::*;
pub(crate) use cues::*;
pub(crate) use mentions::*;
pub(crate) use statements::*;
pub(crate) use structure::*;
pub(crate) use values::*;
pub(crate) use windows::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_normalise_to_ucum() {
        assert_eq!(unit_at("x109/L").map(|u| u.0), Some("10*9/L".into()));
        assert_eq!(unit_at(" x 10^9/L").map(|u| u.0), Some("10*9/L".into()));
        assert_eq!(
            unit_at("mL/min/1.73m2").map(|u| u.0),
            Some("mL/min/{1.73_m2}".into())
        );
        assert_eq!(unit_at(" mg/kg/day").map(|u| u.0), Some("mg/kg/d".into()));
        assert_eq!(unit_at(" mg/day").map(|u| u.0), Some("mg/d".into()));
        assert_eq!(unit_at("mg/d;").map(|u| u.0), Some("mg/d".into()));
    }

    #[test]
    fn thresholds_read_uln_multiples() {
        let (c, t) = threshold(" <=3xupper limit of normal (ULN)").unwrap();
        assert_eq!(c, Comparator::Le);
        assert_eq!(
            t,
            Threshold::UlnMultiple {
                factor: Decimal::new(3, 0)
            }
        );
        let (c, t) = threshold(">3.0 ULN").unwrap();
        assert_eq!(c, Comparator::Gt);
        assert_eq!(
            t,
            Threshold::UlnMultiple {
                factor: "3.0".parse().unwrap()
            }
        );
    }

    #[test]
    fn windows_read_words_and_numbers() {
        let w = windows("within the past year prior to screening");
        assert_eq!(w[0].period, Period::new(1, TimeUnit::Years));
        let w = windows("within one month before screening");
        assert_eq!(w[0].period, Period::new(1, TimeUnit::Months));
        assert!(windows("within 2 years after the cell infusion").is_empty());
    }
}

#[cfg(test)]
mod clause_tests {
    use super::*;

    #[test]
    fn sentences_split() {
        let t = "with a stable dose for at least 2 weeks and the disease still active. During screening, oral steroids";
        let c = clauses(t, &[]);
        assert_eq!(c.len(), 2, "{c:?}");
    }
}
