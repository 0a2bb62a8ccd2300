//! The public `units` API (INSTRUMENTS.md §17 and the seed trials' units).

use eligo_instruments::units::{self, UnitError, convert, normalize_unit, parse_unit};
use eligo_model::Quantity;
use rust_decimal::Decimal;
use std::str::FromStr;

fn q(v: &str, unit: &str) -> Quantity {
    Quantity::new(Decimal::from_str(v).unwrap(), unit)
}

fn approx(d: Decimal, expected: &str) {
    let e = Decimal::from_str(expected).unwrap();
    let tol = (e.abs() * Decimal::new(5, 3)).max(Decimal::new(51, 3));
    assert!((d - e).abs() <= tol, "{d} is not ~{e}");
}

// §17 "UCUM strings eligo must parse" plus the seed trials' units.
#[test]
fn parses_every_listed_unit() {
    for u in [
        "mg/dL",
        "mg/L",
        "g/dL",
        "g/L",
        "umol/L",
        "mmol/L",
        "10*9/L",
        "10*3/uL",
        "10*6/uL",
        "/uL",
        "/mm3",
        "U/L",
        "%",
        "mL/min",
        "mL/min/{1.73_m2}",
        "mg/(24.h)",
        "g/(24.h)",
        "mg/mg",
        "g/g",
        "mg/g",
        "mg/mmol",
        "[IU]/mL",
        "m[IU]/mL",
        "{titer}",
        "{INR}",
        "{score}",
        "s",
        "kg",
        "g",
        "[lb_av]",
        "cm",
        "Cel",
        "[degF]",
        "g/d",
        "mm[Hg]",
        "1",
    ] {
        parse_unit(u).unwrap_or_else(|e| panic!("{u}: {e}"));
    }
}

#[test]
fn same_unit_whatever_the_spelling() {
    let same = |a: &str, b: &str| parse_unit(a).unwrap().same_as(&parse_unit(b).unwrap());
    // 10^9 per L = 10^6 per mL = 10^3 per µL (§17 cell counts); /uL = /mm3
    assert!(same("10*9/L", "10*3/uL"));
    assert!(same("/uL", "/mm3"));
    assert!(same("mg/(24.h)", "mg/d"));
    assert!(same("m[IU]/mL", "[IU]/L"));
    assert!(!same("mg/dL", "mg/L"));
    assert!(!same("mL/min", "mL/min/{1.73_m2}"));
    assert!(!same("{INR}", "1"));
}

#[test]
fn rejects_what_is_not_ucum() {
    for bad in [
        "furlong",
        "mg//dL",
        "mg/",
        "(mg",
        "mg dL",
        "µmol/L",
        "10*999/L",
        "{unclosed",
        "kCel",
        "Cel2",
        "Cel/s",
    ] {
        assert!(parse_unit(bad).is_err(), "{bad} parsed");
    }
    let e = parse_unit("furlong").unwrap_err().to_string();
    assert!(e.contains("furlong"), "{e}");
}

// The brief's normalisation examples.
#[test]
fn normalizes_record_spellings() {
    for (record, ucum) in [
        ("mg/dl", "mg/dL"),
        ("MG/DL", "mg/dL"),
        ("µmol/L", "umol/L"),
        ("μmol/L", "umol/L"),
        ("x10^9/L", "10*9/L"),
        ("10^9/L", "10*9/L"),
        ("×10⁹/L", "10*9/L"),
        ("10E9/L", "10*9/L"),
        ("x10^3/µL", "10*3/uL"),
        ("/mm³", "/mm3"),
        ("mmHg", "mm[Hg]"),
        ("cells/uL", "/uL"),
        ("cells/mm3", "/mm3"),
        ("Mmol/L", "mmol/L"),
        ("IU/mL", "[IU]/mL"),
        ("mIU/mL", "m[IU]/mL"),
        ("mL/min/1.73m²", "mL/min/{1.73_m2}"),
        ("mL/min/1.73 m2", "mL/min/{1.73_m2}"),
        ("mg/24h", "mg/(24.h)"),
        ("°C", "Cel"),
        ("°F", "[degF]"),
        ("lbs", "[lb_av]"),
        ("mg/g", "mg/g"),
        ("g/(24.h)", "g/(24.h)"),
    ] {
        assert_eq!(normalize_unit(record).unwrap(), ucum, "{record}");
    }
    assert!(normalize_unit("bananas per fortnight").is_err());
    let n = units::normalize("µmol/L").unwrap();
    assert!(n.notes.iter().any(|x| x.contains('µ')), "{:?}", n.notes);
}

// §17 worked examples through the public convert().
#[test]
fn converts_the_worked_examples() {
    let c = convert(&q("80", "umol/L"), "mg/dL", Some("creatinine")).unwrap();
    approx(c.quantity.value, "0.905");
    assert_eq!(c.quantity.unit, "mg/dL");
    assert!(c.explanation.contains("88.4"), "{}", c.explanation);
    assert!(c.explanation.contains("0.905"), "{}", c.explanation);
    let c = convert(&q("1.5", "mg/dL"), "umol/L", Some("total_bilirubin")).unwrap();
    approx(c.quantity.value, "25.65");
    let c = convert(&q("1.5", "mg/dL"), "umol/L", Some("bilirubin")).unwrap();
    approx(c.quantity.value, "25.65");
    let c = convert(&q("12.0", "g/dL"), "mmol/L", Some("hemoglobin")).unwrap();
    approx(c.quantity.value, "7.45");
    let c = convert(&q("12.0", "g/dL"), "g/L", None).unwrap();
    assert_eq!(c.quantity.value, Decimal::from(120));
    let c = convert(&q("150", "10*9/L"), "/uL", None).unwrap();
    assert_eq!(c.quantity.value, Decimal::from(150_000));
    let c = convert(&q("5.5", "mmol/L"), "mg/dL", Some("glucose")).unwrap();
    approx(c.quantity.value, "99.1");
    let c = convert(&q("1500", "mg/g"), "mg/mmol", Some("creatinine")).unwrap();
    approx(c.quantity.value, "169.7");
    let c = convert(&q("38.3", "Cel"), "[degF]", None).unwrap();
    approx(c.quantity.value, "100.9");
    let c = convert(&q("0.62", "g/(24.h)"), "mg/(24.h)", None).unwrap();
    assert_eq!(c.quantity.value.normalize(), Decimal::from(620));
}

#[test]
fn no_conversion_needed_gives_an_empty_explanation() {
    let c = convert(&q("1.2", "mg/dL"), "mg/dL", Some("creatinine")).unwrap();
    assert_eq!(c.quantity.value, Decimal::from_str("1.2").unwrap());
    assert!(c.explanation.is_empty());
    let c = convert(&q("4", "10*3/uL"), "10*9/L", None).unwrap();
    assert_eq!(c.quantity.value, Decimal::from(4));
    assert!(c.explanation.is_empty());
}

#[test]
fn incompatible_units_are_errors() {
    assert!(matches!(
        convert(&q("1", "mg/dL"), "s", None),
        Err(UnitError::Incompatible { .. })
    ));
    // eGFR is not a CrCl
    assert!(convert(&q("60", "mL/min/{1.73_m2}"), "mL/min", None).is_err());
    // a molar conversion needs the analyte, and one eligo knows
    assert!(matches!(
        convert(&q("80", "umol/L"), "mg/dL", None),
        Err(UnitError::NeedsAnalyte { .. })
    ));
    assert!(matches!(
        convert(&q("80", "umol/L"), "mg/dL", Some("unobtainium")),
        Err(UnitError::UnknownAnalyte { .. })
    ));
    // cells are not moles
    assert!(convert(&q("4", "10*9/L"), "mmol/L", Some("creatinine")).is_err());
    assert!(convert(&q("4", "[IU]/mL"), "mg/dL", Some("creatinine")).is_err());
    let e = convert(&q("1", "mg/dL"), "s", None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("mg/dL") && e.contains('s'), "{e}");
}

#[test]
fn converts_record_spellings_too() {
    let c = convert(&q("80", "µmol/L"), "mg/dl", Some("creatinine")).unwrap();
    approx(c.quantity.value, "0.905");
    assert_eq!(c.quantity.unit, "mg/dL");
}

/// Units as real FHIR records write them (Synthea exports, US Core and IPS
/// examples): each is valid UCUM and must be read.
#[test]
fn reads_the_units_of_real_records() {
    for u in [
        "[pH]",
        "mm[Hg]",
        "/min",
        "{breaths}/min",
        "{beats}/min",
        "kg/m2",
        "10*3/uL",
        "10*6/uL",
        "fL",
        "pg",
        "g/dL",
        "mmol/L",
        "mL/min/{1.73_m2}",
        "[lb_av]",
        "[in_i]",
        "Cel",
        "[degF]",
        "{score}",
        "{#}",
        "/[HPF]",
        "{nominal}",
        "ug/dL",
        "mg/dL",
        "U/L",
        "%",
        "cm",
        "kg",
        "1",
        "[IU]/L",
        "ng/mL",
        "mEq/L",
        "[ppth]",
        "%{HemoglobinA1C}",
        "{ratio}",
        "mg/(24.h)",
        "g/L",
        "10*9/L",
    ] {
        assert!(normalize_unit(u).is_ok(), "{u}: {:?}", normalize_unit(u));
    }
    // Synthea writes pH's unit as "pH" (UCUM's is "[pH]").
    assert_eq!(normalize_unit("pH").unwrap(), "[pH]");
}
