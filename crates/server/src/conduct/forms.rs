//! HTML forms ↔ the JSON the conduct readers take. A form is turned into
//! exactly the JSON a visit file or API body would hold, so the same strict
//! reader checks it; a form that fails is shown again with what was typed.

use crate::params::Params;
use eligo_conduct::data::{ATTESTATIONS, VITALS};
use eligo_instruments::{bilag2004, sdi, sledai2k};
use serde_json::{Map, Value, json};
use std::str::FromStr;

/// The laboratory tests the visit form offers: vocabulary key, label and
/// the units offered (the first is the default).
pub const LAB_ROWS: &[(&str, &str, &[&str])] = &[
    ("c3", "Complement C3", &["g/L", "mg/dL"]),
    ("c4", "Complement C4", &["g/L", "mg/dL"]),
    ("anti_dsdna", "Anti-dsDNA", &["[IU]/mL"]),
    ("wbc", "Leukocytes", &["10*9/L", "10*3/uL"]),
    ("anc", "Neutrophils", &["10*9/L", "10*3/uL"]),
    ("lymphocytes", "Lymphocytes", &["10*9/L", "10*3/uL"]),
    ("hemoglobin", "Hemoglobin", &["g/L", "g/dL"]),
    ("platelets", "Platelets", &["10*9/L", "10*3/uL"]),
    ("creatinine", "Creatinine", &["umol/L", "mg/dL"]),
    ("alt", "ALT", &["U/L"]),
    ("ast", "AST", &["U/L"]),
    ("total_bilirubin", "Total bilirubin", &["umol/L", "mg/dL"]),
    ("upcr", "Urine protein/creatinine", &["mg/g", "mg/mmol"]),
];

/// A number typed in a form, as a JSON number (its text kept), or the text
/// itself so that the reader names the field that is not a number.
pub fn number(s: &str) -> Value {
    let t = s.trim();
    serde_json::Number::from_str(t)
        .map(Value::Number)
        .unwrap_or_else(|_| Value::String(t.to_string()))
}

fn put_str(m: &mut Map<String, Value>, key: &str, v: Option<&str>) {
    if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
        m.insert(key.into(), Value::String(v.into()));
    }
}

fn put_num(m: &mut Map<String, Value>, key: &str, v: Option<&str>) {
    if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
        m.insert(key.into(), number(v));
    }
}

fn checked(p: &Params, key: &str) -> bool {
    p.get(key).is_some()
}

/// The visit form → a visit file.
pub fn visit_json(p: &Params) -> Value {
    let mut m = Map::new();
    put_str(&mut m, "date", p.get("date"));
    for (section, flag) in [
        ("sledai2k", "sledai2k_assessed"),
        ("selena_sledai", "selena_assessed"),
    ] {
        if checked(p, flag) {
            let items: Map<String, Value> = sledai2k::ITEMS
                .iter()
                .map(|it| {
                    (
                        it.name.to_string(),
                        Value::Bool(checked(p, &format!("{section}.{}", it.name))),
                    )
                })
                .collect();
            m.insert(section.into(), Value::Object(items));
        }
    }
    let grades: Vec<(&str, Option<&str>)> = bilag2004::DOMAINS
        .iter()
        .map(|d| (*d, p.get(&format!("bilag.{d}"))))
        .collect();
    if grades.iter().any(|(_, g)| g.is_some()) {
        // Leave blanks out: the reader then names the domain missing.
        let b: Map<String, Value> = grades
            .into_iter()
            .filter_map(|(d, g)| g.map(|g| (d.to_string(), json!(g))))
            .collect();
        m.insert("bilag".into(), Value::Object(b));
    }
    put_num(&mut m, "pga", p.get("pga"));
    if checked(p, "sdi_assessed") {
        let items: Map<String, Value> = sdi::ITEMS
            .iter()
            .map(|it| {
                let key = format!("sdi.{}", it.name);
                let v = match it.kind {
                    sdi::Kind::Count => p.get(&key).map_or(json!(0), number),
                    _ => Value::Bool(checked(p, &key)),
                };
                (it.name.to_string(), v)
            })
            .collect();
        m.insert("sdi".into(), Value::Object(items));
    }
    for (k, _) in ATTESTATIONS {
        match p.get(k) {
            Some("yes") => {
                m.insert((*k).into(), Value::Bool(true));
            }
            Some("no") => {
                m.insert((*k).into(), Value::Bool(false));
            }
            _ => {}
        }
    }
    let mut labs = Vec::new();
    for (key, _, units) in LAB_ROWS {
        let Some(v) = p.get(&format!("lab.{key}.value")) else {
            continue;
        };
        let mut l = Map::new();
        l.insert("analyte".into(), json!(key));
        l.insert("value".into(), number(v));
        l.insert(
            "unit".into(),
            json!(p.get(&format!("lab.{key}.unit")).unwrap_or(units[0])),
        );
        put_num(&mut l, "low", p.get(&format!("lab.{key}.low")));
        put_num(&mut l, "high", p.get(&format!("lab.{key}.high")));
        labs.push(Value::Object(l));
    }
    if !labs.is_empty() {
        m.insert("labs".into(), Value::Array(labs));
    }
    let mut vit = Map::new();
    for (f, ..) in VITALS {
        put_num(&mut vit, f, p.get(&format!("vital.{f}")));
    }
    if !vit.is_empty() {
        m.insert("vitals".into(), Value::Object(vit));
    }
    put_str(&mut m, "notes", p.get("notes"));
    Value::Object(m)
}

/// The adverse-event form → an adverse-event object.
pub fn ae_json(p: &Params) -> Value {
    let mut m = Map::new();
    put_str(&mut m, "term", p.get("term"));
    put_str(&mut m, "onset", p.get("onset"));
    put_str(&mut m, "resolution", p.get("resolution"));
    m.insert("serious".into(), Value::Bool(checked(p, "serious")));
    m.insert("dlt".into(), Value::Bool(checked(p, "dlt")));
    put_str(&mut m, "relatedness", p.get("relatedness"));
    let scale = p.get("scale").unwrap_or("");
    let mut g = Map::new();
    g.insert("scale".into(), json!(scale));
    match scale {
        "ctcae_lab" => {
            put_num(&mut g, "value", p.get("lab_value"));
            put_str(&mut g, "unit", p.get("lab_unit"));
            put_num(&mut g, "lln", p.get("lab_lln"));
            put_num(&mut g, "uln", p.get("lab_uln"));
            put_num(&mut g, "baseline", p.get("lab_baseline"));
        }
        "astct_crs" => {
            put_num(&mut g, "temperature_c", p.get("crs_temperature"));
            g.insert(
                "antipyretic_or_anticytokine_given".into(),
                Value::Bool(checked(p, "crs_antipyretic")),
            );
            put_str(&mut g, "hypotension", p.get("crs_hypotension"));
            put_str(&mut g, "oxygen", p.get("crs_oxygen"));
            put_num(&mut g, "oxygen_flow_l_min", p.get("crs_flow"));
        }
        "astct_icans" => {
            let mut t = Map::new();
            for (f, k) in [
                ("orientation", "ice_orientation"),
                ("naming", "ice_naming"),
                ("following_commands", "ice_commands"),
                ("writing", "ice_writing"),
                ("attention", "ice_attention"),
            ] {
                put_num(&mut t, f, p.get(k));
            }
            g.insert("ice_tasks".into(), Value::Object(t));
            put_str(&mut g, "consciousness", p.get("icans_consciousness"));
            put_str(&mut g, "seizure", p.get("icans_seizure"));
            put_str(&mut g, "motor", p.get("icans_motor"));
            put_str(&mut g, "cerebral_edema", p.get("icans_edema"));
        }
        "magic_agvhd" => {
            put_num(&mut g, "skin_rash_bsa_percent", p.get("gvhd_bsa"));
            g.insert(
                "skin_bullae_and_desquamation".into(),
                Value::Bool(checked(p, "gvhd_bullae")),
            );
            if let Some(b) = p.get("gvhd_bilirubin") {
                g.insert(
                    "bilirubin".into(),
                    json!({"value": number(b), "unit": p.get("gvhd_bilirubin_unit").unwrap_or("mg/dL")}),
                );
            }
            g.insert(
                "upper_gi_persistent".into(),
                Value::Bool(checked(p, "gvhd_upper_gi")),
            );
            put_num(&mut g, "stool_volume_ml_per_day", p.get("gvhd_stool"));
            g.insert(
                "lower_gi_severe".into(),
                Value::Bool(checked(p, "gvhd_lower_severe")),
            );
        }
        "entered" => {
            put_str(&mut g, "name", p.get("entered_name"));
            put_num(&mut g, "grade", p.get("entered_grade"));
        }
        _ => {}
    }
    m.insert("grading".into(), Value::Object(g));
    Value::Object(m)
}

/// The medication form → a medication object.
pub fn cm_json(p: &Params) -> Value {
    let mut m = Map::new();
    put_str(&mut m, "name", p.get("name"));
    put_num(&mut m, "dose_mg", p.get("dose_mg"));
    put_str(&mut m, "frequency", p.get("frequency"));
    put_str(&mut m, "route", p.get("route"));
    put_str(&mut m, "start", p.get("start"));
    put_str(&mut m, "end", p.get("end"));
    put_str(&mut m, "indication", p.get("indication"));
    Value::Object(m)
}

/// The participant form → a participant object.
pub fn participant_json(p: &Params) -> Value {
    let mut m = Map::new();
    put_str(&mut m, "study_id", p.get("study_id"));
    put_str(&mut m, "infusion_date", p.get("infusion_date"));
    put_num(&mut m, "dose_level", p.get("dose_level"));
    put_num(&mut m, "cohort", p.get("cohort"));
    put_str(&mut m, "sex", p.get("sex"));
    put_num(&mut m, "age_years", p.get("age_years"));
    put_str(&mut m, "status", p.get("status"));
    put_str(&mut m, "withdrawn_on", p.get("withdrawn_on"));
    Value::Object(m)
}

/// The settings form → a settings object (`visits` as "M1:7, M2:7...").
pub fn settings_json(p: &Params) -> Value {
    let mut m = Map::new();
    if let Some(v) = p.get("visits") {
        let visits: Vec<Value> = v
            .split([',', ' ', '\n', '\r'])
            .filter(|x| !x.trim().is_empty())
            .map(|x| match x.split_once(':') {
                Some((c, w)) => json!({"code": c.trim(), "window_days": number(w)}),
                None => json!({"code": x.trim()}),
            })
            .collect();
        m.insert("visits".into(), Value::Array(visits));
    }
    put_num(
        &mut m,
        "baseline_window_days",
        p.get("baseline_window_days"),
    );
    put_num(&mut m, "dlt_window_days", p.get("dlt_window_days"));
    put_num(&mut m, "boin_target", p.get("boin_target"));
    Value::Object(m)
}
