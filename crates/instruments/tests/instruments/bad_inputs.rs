//! INSTRUMENTS.md §0 "Input rules": a missing or unknown field, a wrong JSON
//! type or an out-of-range value is an error naming the field path.

use crate::common::{bilag, error, sledai_items};
use serde_json::json;

fn without(mut v: serde_json::Value, key: &str) -> serde_json::Value {
    v.as_object_mut().unwrap().remove(key);
    v
}

#[test]
fn missing_nested_field_names_its_path() {
    let items = without(sledai_items(&[]), "arthritis");
    let e = error(
        "doris2021",
        json!({"sledai2k_items": items, "pga": 0.2, "prednisone_mg_per_day": 0, "maintenance_therapy_stable": true}),
    );
    assert_eq!(e, "sledai2k_items.arthritis: missing");
}

#[test]
fn missing_top_level_field() {
    let e = error("sledai2k", without(sledai_items(&[]), "fever"));
    assert_eq!(e, "fever: missing");
    let e = error("pga", json!({}));
    assert_eq!(e, "pga: missing");
}

#[test]
fn unknown_field_is_an_error() {
    let mut v = sledai_items(&[]);
    v["arthritiss"] = json!(true);
    let e = error("sledai2k", v);
    assert!(e.starts_with("arthritiss: unknown field"), "{e}");
    let e = error("nyha", json!({"symptoms": "none", "lvef": 50}));
    assert!(e.starts_with("lvef: unknown"), "{e}");
}

#[test]
fn wrong_type_names_field_and_types() {
    let mut v = sledai_items(&[]);
    v["rash"] = json!("yes");
    let e = error("sledai2k", v);
    assert!(e.starts_with("rash: expected"), "{e}");
    assert!(e.contains("string"), "{e}");
    let e = error("pga", json!({"pga": "1.2"}));
    assert!(e.starts_with("pga: expected a number"), "{e}");
    let e = error("sledai2k", json!([1, 2]));
    assert!(e.contains("expected an object"), "{e}");
}

#[test]
fn out_of_range_values() {
    let e = error("pga", json!({"pga": 3.5}));
    assert!(e.starts_with("pga: 3.5 is out of range"), "{e}");
    let e = error("pga", json!({"pga": 1.0, "baseline_pga": -0.1}));
    assert!(e.starts_with("baseline_pga:"), "{e}");
    let e = error(
        "ice",
        json!({"orientation": 5, "naming": 2, "following_commands": 1, "writing": 1, "attention": 0}),
    );
    assert!(e.starts_with("orientation: 5 is out of range"), "{e}");
    let e = error(
        "cockcroft_gault",
        json!({"age_years": 12, "sex": "female", "weight": {"value": 40, "unit": "kg"}, "creatinine": {"value": 0.5, "unit": "mg/dL"}}),
    );
    assert!(e.starts_with("age_years:"), "{e}");
    let e = error(
        "cockcroft_gault",
        json!({"age_years": 40, "sex": "female", "weight": {"value": 60, "unit": "kg"}, "creatinine": {"value": 0, "unit": "mg/dL"}}),
    );
    assert!(e.starts_with("creatinine:"), "{e}");
}

#[test]
fn integers_must_be_integers() {
    let e = error(
        "ice",
        json!({"orientation": 2.5, "naming": 2, "following_commands": 1, "writing": 1, "attention": 0}),
    );
    assert!(e.starts_with("orientation: expected an integer"), "{e}");
}

// §3 edge case: lowercase grades are an error; all nine domains required.
#[test]
fn bilag_lowercase_grade_and_missing_domain() {
    let mut g = bilag(&[]);
    g["renal"] = json!("b");
    let e = error("bilag2004_numeric", json!({"grades": g}));
    assert!(e.starts_with("grades.renal: \"b\" is not one of"), "{e}");
    let g = without(bilag(&[]), "ophthalmic");
    let e = error("bilag2004_numeric", json!({"grades": g}));
    assert_eq!(e, "grades.ophthalmic: missing");
}

#[test]
fn sri4_nested_paths() {
    let e = error(
        "sri4",
        json!({
            "baseline": {"sledai": 10, "pga": 2.0, "bilag": bilag(&[])},
            "followup": {"sledai": 4, "pga": 1.0, "bilag": without(bilag(&[]), "renal")},
        }),
    );
    assert_eq!(e, "followup.bilag.renal: missing");
    let e = error(
        "sri4",
        json!({
            "baseline": {"sledai": 110, "pga": 2.0, "bilag": bilag(&[])},
            "followup": {"sledai": 4, "pga": 1.0, "bilag": bilag(&[])},
        }),
    );
    assert!(e.starts_with("baseline.sledai: 110 is out of range"), "{e}");
}

// §0: an unknown or incompatible unit is an error naming the field.
#[test]
fn units_are_parsed_never_guessed() {
    let e = error(
        "cockcroft_gault",
        json!({"age_years": 40, "sex": "male", "weight": {"value": 80, "unit": "kg"}, "creatinine": {"value": 1.0, "unit": "mg"}}),
    );
    assert!(e.starts_with("creatinine.unit:"), "{e}");
    let e = error(
        "ckd_epi_2021",
        json!({"age_years": 40, "sex": "male", "creatinine": {"value": 1.0, "unit": "furlong"}}),
    );
    assert!(e.starts_with("creatinine.unit:"), "{e}");
    // §17: haemoglobin g/dL -> µmol/L is not valid for the analyte
    let e = error(
        "unit_convert",
        json!({"analyte": "hemoglobin", "value": 12, "from": "g/dL", "to": "umol/L"}),
    );
    assert!(e.starts_with("to:"), "{e}");
    let e = error(
        "unit_convert",
        json!({"analyte": "cell_count", "value": 12, "from": "mg/dL", "to": "/uL"}),
    );
    assert!(e.starts_with("from:"), "{e}");
}

#[test]
fn choice_fields_list_the_allowed_values() {
    let e = error(
        "astct_crs",
        json!({"temperature_c": 38.5, "antipyretic_or_anticytokine_given": false, "hypotension": "mild", "oxygen": "none"}),
    );
    assert!(e.starts_with("hypotension: \"mild\" is not one of"), "{e}");
    assert!(e.contains("one_vasopressor"), "{e}");
    // §12: oxygen_flow_l_min is required with a nasal cannula
    let e = error(
        "astct_crs",
        json!({"temperature_c": 38.5, "antipyretic_or_anticytokine_given": false, "hypotension": "none", "oxygen": "nasal_cannula"}),
    );
    assert_eq!(e, "oxygen_flow_l_min: missing");
}

#[test]
fn unknown_instrument() {
    let e = error("sledai3k", json!({}));
    assert!(e.contains("unknown instrument"), "{e}");
}

#[test]
fn every_instrument_names_a_listed_field_for_empty_input() {
    for info in eligo_instruments::INSTRUMENTS {
        let e = error(info.id, json!({}));
        let path = e.split(':').next().unwrap();
        let top = path.split('.').next().unwrap();
        assert!(
            info.fields.iter().any(|f| f.name == top && f.required),
            "{}: {e}",
            info.id
        );
        assert!(e.ends_with("missing"), "{}: {e}", info.id);
    }
}

/// A key given twice is refused with its path: serde_json alone keeps the
/// last one silently, so `{"weight": 70, "weight": 7}` was scored with 7.
#[test]
fn duplicate_keys_are_refused_with_their_path() {
    use eligo_instruments::input::parse_json;
    let e = parse_json(r#"{"age": 50, "sex": "female", "age": 60}"#).unwrap_err();
    assert!(e.to_string().contains("age: the key is given twice"), "{e}");
    let e = parse_json(r#"{"a": [{"b": 1}, {"b": 2, "c": {"d": 1, "d": 1}}]}"#).unwrap_err();
    assert!(e.to_string().contains("a[1].c.d"), "{e}");
    assert!(e.to_string().contains("line 1"), "{e}");
    assert!(parse_json(r#"{"a": {"x": 1}, "b": {"x": 1}, "c": [1, 1]}"#).is_ok());
    assert!(parse_json("{\"a\": 1} x").is_err(), "trailing text");
    assert_eq!(
        parse_json(r#"{"v": 1.50, "s": "é\u00e9"}"#).unwrap(),
        serde_json::json!({"v": 1.50, "s": "éé"})
    );
}
