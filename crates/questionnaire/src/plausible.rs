//! Plausible values: a lab value that no living person has in the unit
//! chosen is questioned, with the plausible range and the unit it likely
//! was in (13 "g/L" haemoglobin is 13 g/dL; 6000 "×10⁹/L" white cells is
//! 6000 cells/µL).

use crate::choices::{unit_choices, unit_label};
use crate::vocab;
use eligo_model::Quantity;
use rust_decimal::Decimal;

/// Ranges beyond which a value is not a living person's, in the analyte's
/// canonical unit (wide on purpose: they catch unit slips, not disease).
fn range(analyte: &str) -> Option<(Decimal, Decimal)> {
    let (lo, hi): (&str, &str) = match analyte {
        "hemoglobin" => ("30", "250"),
        "wbc" => ("0.05", "500"),
        "anc" => ("0", "200"),
        "lymphocytes" => ("0", "400"),
        "platelets" => ("1", "3000"),
        "creatinine" => ("5", "3000"),
        "total_bilirubin" => ("1", "1000"),
        "c3" | "c4" => ("0.01", "5"),
        "body_weight" => ("0.3", "400"),
        "body_height" => ("20", "260"),
        "lvef" | "spo2" => ("1", "100"),
        "inr" => ("0.5", "20"),
        "systolic_bp" => ("40", "300"),
        "diastolic_bp" => ("20", "200"),
        _ => return None,
    };
    Some((lo.parse().ok()?, hi.parse().ok()?))
}

fn canonical(analyte: &str, q: &Quantity) -> Option<Decimal> {
    let a = vocab().analyte(analyte)?;
    eligo_instruments::units::convert(q, &a.unit, a.conversion_analyte.as_deref())
        .ok()
        .map(|c| c.quantity.value)
}

/// Why `value unit` is not plausible for the analyte, in plain words, or
/// `None` when it is (or eligo has no range for it).
pub fn implausible(analyte: &str, value: Decimal, unit: &str) -> Option<String> {
    let (lo, hi) = range(analyte)?;
    let a = vocab().analyte(analyte)?;
    let v = canonical(analyte, &Quantity::new(value, unit))?;
    if v >= lo && v <= hi {
        return None;
    }
    let shown = |x: Decimal| x.normalize().to_string();
    let mut msg = format!(
        "{} {} is not a plausible {}: it is usually between {} and {} {}",
        shown(value),
        unit_label(unit),
        lower(&a.label),
        shown(lo),
        shown(hi),
        unit_label(&a.unit)
    );
    let likely = unit_choices(analyte).into_iter().find(|u| {
        u != unit
            && canonical(analyte, &Quantity::new(value, u.as_str()))
                .is_some_and(|x| x >= lo && x <= hi)
    });
    match likely {
        Some(u) => msg.push_str(&format!(
            ". Was it {} {}? Choose the unit on your lab report",
            shown(value),
            unit_label(&u)
        )),
        None => msg.push_str(". Check the value and its unit on your lab report"),
    }
    Some(msg)
}

fn lower(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if c.clone().next().is_some_and(char::is_lowercase) => {
            f.to_lowercase().collect::<String>() + c.as_str()
        }
        Some(f) => f.to_string() + c.as_str(),
        None => String::new(),
    }
}

/// The offered units in which `value` is plausible for the analyte (all of
/// them when eligo has no range for it).
pub(crate) fn plausible_units(analyte: &str, value: Decimal, units: &[String]) -> Vec<String> {
    let Some((lo, hi)) = range(analyte) else {
        return units.to_vec();
    };
    units
        .iter()
        .filter(|u| {
            canonical(analyte, &Quantity::new(value, u.as_str()))
                .is_some_and(|x| x >= lo && x <= hi)
        })
        .cloned()
        .collect()
}
