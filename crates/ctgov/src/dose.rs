//! Cell-therapy dose levels written in intervention descriptions.
//!
//! CAR-T records state doses as `1.5×10^5/kg`, `5 x 10^6 CAR-T cells/kg`,
//! `1×10⁸ cells` (the registry escapes `^` as `\^`). A dose-escalation trial
//! lists several; each becomes a [`DoseLevel`] whose quantity is in UCUM,
//! in the unit the text writes: `/kg` for `1.5×10^5/kg`, `{cells}/kg` only
//! where it says "cells/kg" (UCUM ignores the annotation, so the two
//! compare equal), `{cells}` for a flat dose; the original text is kept for
//! display.

use eligo_model::Quantity;
use eligo_model::trial::DoseLevel;
use regex::Regex;
use rust_decimal::Decimal;
use std::sync::LazyLock;

static DOSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        (?P<m>\d+(?:\.\d+)?) \s* [×xX*] \s* 10 \s* (?: \\?\^ \s* (?P<e>\d{1,2}) | (?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}) )
        \s* (?P<what>(?:[A-Za-z+\-]+\s+){0,2}?cells?)? \s*
        (?P<perkg>/\s*kg)?",
    )
    .expect("dose pattern")
});

fn superscript(s: &str) -> Option<u32> {
    let mut n = 0u32;
    for c in s.chars() {
        let d = "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().position(|x| x == c)? as u32;
        n = n * 10 + d;
    }
    Some(n)
}

/// Every dose level named in `text`, in order, deduplicated.
pub fn dose_levels(text: &str) -> Vec<DoseLevel> {
    let mut out: Vec<DoseLevel> = Vec::new();
    for c in DOSE.captures_iter(text) {
        let Ok(mantissa) = c["m"].parse::<Decimal>() else {
            continue;
        };
        let exp = match (c.name("e"), c.name("sup")) {
            (Some(e), _) => e.as_str().parse::<u32>().ok(),
            (_, Some(s)) => superscript(s.as_str()),
            _ => None,
        };
        let Some(exp) = exp.filter(|e| *e <= 15) else {
            continue;
        };
        let per_kg = c.name("perkg").is_some();
        // A bare "10^5" with neither cells nor /kg is not a dose (it may be a count).
        if !per_kg && c.name("what").is_none() {
            continue;
        }
        let Some(value) = Decimal::from(10u64.pow(exp)).checked_mul(mantissa) else {
            continue;
        };
        let unit = match (per_kg, c.name("what").is_some()) {
            (true, false) => "/kg",
            (true, true) => "{cells}/kg",
            (false, _) => "{cells}",
        };
        let level = DoseLevel {
            text: c[0].trim().replace("\\^", "^"),
            dose: Quantity::new(value.normalize(), unit),
        };
        if !out.iter().any(|d| d.dose == level.dose) {
            out.push(level);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_003_three_dose_levels() {
        // Seed 003: "Three dose groups (1.5×10\^5/kg, 5×10\^5/kg, 10×10\^5/kg)".
        let d =
            dose_levels("Three dose groups (1.5×10\\^5/kg, 5×10\\^5/kg, 10×10\\^5/kg) were set up");
        let values: Vec<String> = d.iter().map(|l| l.dose.to_string()).collect();
        assert_eq!(
            values,
            ["150000 /kg", "500000 /kg", "1000000 /kg"],
            "the unit as the seed writes it"
        );
        assert_eq!(d[0].text, "1.5×10^5/kg");
    }

    #[test]
    fn other_spellings() {
        let d = dose_levels("a single infusion of 2 x 10^6 CAR-T cells/kg; or 1×10⁸ cells flat");
        let values: Vec<String> = d.iter().map(|l| l.dose.to_string()).collect();
        assert_eq!(values, ["2000000 {cells}/kg", "100000000 {cells}"]);
        assert!(dose_levels("enrolment of 3x10^2 patients").is_empty());
    }
}
