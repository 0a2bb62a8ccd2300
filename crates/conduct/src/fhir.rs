//! FHIR R4 in and out.
//!
//! Out: a `collection` Bundle with the ResearchStudy, per participant a
//! Patient that carries only the study id (no name), a ResearchSubject,
//! Observations (labs with LOINC and UCUM, vital signs, the instrument
//! scores in eligo's score code system) and AdverseEvents (grade and scale
//! in extensions, R4 having no grade element).
//!
//! In: a Bundle for one visit read into visit data: laboratory and
//! vital-sign Observations by LOINC code, PGA and the nine BILAG-2004
//! domain grades in eligo's score codes (docs/patient-input.md). What it
//! cannot place (a SLEDAI total without its items, an unknown code) is
//! listed, never guessed.

use crate::Date;
use crate::data::{AdverseEvent, Lab, VITALS, VisitData};
use crate::export::sdtm::{Study, Subject};
use crate::input::{FieldError, decimal, decimal_json, parse_date};
use eligo_instruments::bilag2004::{self, Grade, Grades};
use eligo_instruments::{sdi, sledai2k};
use rust_decimal::Decimal;
use serde_json::{Value, json};

pub const LOINC: &str = "http://loinc.org";
pub const UCUM: &str = "http://unitsofmeasure.org";
pub const SCORE: &str = "http://eligo.dev/score";
pub const BILAG_GRADE: &str = "http://eligo.dev/score/bilag-grade";
pub const EXT_GRADE: &str = "http://eligo.dev/fhir/StructureDefinition/ae-grade";
pub const EXT_SCALE: &str = "http://eligo.dev/fhir/StructureDefinition/ae-grading-scale";
pub const EXT_DLT: &str = "http://eligo.dev/fhir/StructureDefinition/ae-dlt";

/// LOINC codes of the vital signs, by field.
pub const VITAL_LOINC: &[(&str, &str)] = &[
    ("temperature_c", "8310-5"),
    ("heart_rate", "8867-4"),
    ("systolic_bp", "8480-6"),
    ("diastolic_bp", "8462-4"),
    ("respiratory_rate", "9279-1"),
    ("spo2", "59408-5"),
    ("weight_kg", "29463-7"),
    ("height_cm", "8302-2"),
];

fn id_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect()
}

fn category(code: &str) -> Value {
    json!([{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": code}]}])
}

fn quantity(v: Decimal, unit: &str) -> Value {
    json!({"value": decimal_json(v), "unit": unit, "system": UCUM, "code": unit})
}

/// The export Bundle for the study's participants.
pub fn bundle(study: &Study, subjects: &[Subject]) -> Value {
    let mut entries: Vec<Value> = Vec::new();
    let rs_id = id_part(study.study_id);
    let mut push = |resource: Value| {
        let rt = resource["resourceType"].as_str().unwrap_or("").to_string();
        let id = resource["id"].as_str().unwrap_or("").to_string();
        entries.push(json!({"fullUrl": format!("urn:eligo:{rt}/{id}"), "resource": resource}));
    };
    push(json!({
        "resourceType": "ResearchStudy",
        "id": rs_id,
        "identifier": [{"system": "https://clinicaltrials.gov", "value": study.study_id}],
        "status": "active",
        "arm": study.dose_levels.iter().enumerate().map(|(i, d)| json!({"name": format!("DL{}", i + 1), "description": d.text})).collect::<Vec<_>>()
    }));
    let vocab = eligo_vocab::vocabulary();
    for s in subjects {
        let p = s.participant;
        let pid = format!("{rs_id}-{}", id_part(&p.study_id));
        let patient_ref = format!("Patient/{pid}");
        let mut patient = json!({
            "resourceType": "Patient",
            "id": pid,
            "identifier": [{"system": format!("urn:eligo:study:{}", study.study_id), "value": p.study_id}]
        });
        if let Some(sex) = &p.sex {
            patient["gender"] = json!(if sex == "F" { "female" } else { "male" });
        }
        push(patient);
        let mut subject = json!({
            "resourceType": "ResearchSubject",
            "id": pid,
            "identifier": [{"system": format!("urn:eligo:study:{}", study.study_id), "value": p.study_id}],
            "status": match p.status {
                crate::data::ParticipantStatus::Active => "on-study",
                crate::data::ParticipantStatus::Completed => "off-study",
                crate::data::ParticipantStatus::Withdrawn => "withdrawn",
            },
            "period": {"start": p.infusion_date.to_string()},
            "study": {"reference": format!("ResearchStudy/{rs_id}")},
            "individual": {"reference": patient_ref}
        });
        if let Some(l) = p.dose_level {
            subject["assignedArm"] = json!(format!("DL{l}"));
            subject["actualArm"] = json!(format!("DL{l}"));
        }
        push(subject);
        let mut n = 0;
        let mut obs = |code: Value,
                       cat: &str,
                       date: Date,
                       value: (&str, Value),
                       extra: Option<(&str, Value)>| {
            n += 1;
            let mut o = json!({
                "resourceType": "Observation",
                "id": format!("{pid}-obs-{n}"),
                "status": "final",
                "category": category(cat),
                "code": code,
                "subject": {"reference": patient_ref},
                "effectiveDateTime": date.to_string()
            });
            o[value.0] = value.1;
            if let Some((k, v)) = extra {
                o[k] = v;
            }
            o
        };
        let mut observations = Vec::new();
        for v in s.visits {
            let Some(date) = v.date else { continue };
            for l in &v.data.labs {
                let a = vocab.analyte(&l.analyte);
                let mut coding = vec![];
                if let Some(c) = a.and_then(|a| a.loinc.first()) {
                    coding.push(json!({"system": LOINC, "code": c}));
                }
                let code = json!({"coding": coding, "text": a.map(|a| a.label.clone()).unwrap_or_else(|| l.analyte.clone())});
                let mut range = serde_json::Map::new();
                if let Some(x) = l.low {
                    range.insert("low".into(), quantity(x, &l.unit));
                }
                if let Some(x) = l.high {
                    range.insert("high".into(), quantity(x, &l.unit));
                }
                let extra =
                    (!range.is_empty()).then(|| ("referenceRange", json!([Value::Object(range)])));
                observations.push(obs(
                    code,
                    "laboratory",
                    date,
                    ("valueQuantity", quantity(l.value, &l.unit)),
                    extra,
                ));
            }
            for ((field, label, unit, ..), (_, loinc)) in VITALS.iter().zip(VITAL_LOINC) {
                if let Some(x) = v.data.vitals.get(field) {
                    let code = json!({"coding": [{"system": LOINC, "code": loinc}], "text": label});
                    observations.push(obs(
                        code,
                        "vital-signs",
                        date,
                        ("valueQuantity", quantity(x, unit)),
                        None,
                    ));
                }
            }
            let score = |code: &str, text: &str| json!({"coding": [{"system": SCORE, "code": code}], "text": text});
            if let Some(i) = &v.data.sledai2k {
                let t = sledai2k::score(i).result.total;
                observations.push(obs(
                    score("sledai-2k", "SLEDAI-2K"),
                    "survey",
                    date,
                    ("valueInteger", json!(t)),
                    None,
                ));
            }
            if let Some(i) = &v.data.selena_sledai {
                let t = sledai2k::score(i).result.total;
                observations.push(obs(
                    score("selena-sledai", "SELENA-SLEDAI"),
                    "survey",
                    date,
                    ("valueInteger", json!(t)),
                    None,
                ));
            }
            if let Some(x) = v.data.pga {
                observations.push(obs(
                    score("pga", "Physician Global Assessment"),
                    "survey",
                    date,
                    ("valueQuantity", quantity(x, "{score}")),
                    None,
                ));
            }
            if let Some(g) = &v.data.bilag {
                for (d, grade) in bilag2004::DOMAINS.iter().zip(g.0) {
                    let letter = crate::data::grade_letter(grade);
                    observations.push(obs(
                        score(&format!("bilag-2004-{d}"), &format!("BILAG-2004 {d}")),
                        "survey",
                        date,
                        ("valueCodeableConcept", json!({"coding": [{"system": BILAG_GRADE, "code": letter}], "text": letter})),
                        None,
                    ));
                }
            }
            if let Some(x) = &v.data.sdi {
                let t = sdi::score(x).result.total;
                observations.push(obs(
                    score("sdi", "SLICC/ACR Damage Index"),
                    "survey",
                    date,
                    ("valueInteger", json!(t)),
                    None,
                ));
            }
        }
        for o in observations {
            push(o);
        }
        for (i, a) in s.aes.iter().enumerate() {
            push(adverse_event(
                a,
                &format!("{pid}-ae-{}", i + 1),
                &patient_ref,
                &rs_id,
            ));
        }
    }
    json!({"resourceType": "Bundle", "type": "collection", "entry": entries})
}

fn adverse_event(a: &AdverseEvent, id: &str, patient_ref: &str, rs_id: &str) -> Value {
    let g = a.graded().ok();
    let mut ext = vec![];
    if let Some(g) = &g {
        ext.push(json!({"url": EXT_GRADE, "valueInteger": g.grade}));
        ext.push(json!({"url": EXT_SCALE, "valueString": g.scale}));
    }
    ext.push(json!({"url": EXT_DLT, "valueBoolean": a.dlt}));
    let mut r = json!({
        "resourceType": "AdverseEvent",
        "id": id,
        "extension": ext,
        "actuality": "actual",
        "event": {"text": a.term},
        "subject": {"reference": patient_ref},
        "date": a.onset.to_string(),
        "seriousness": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness",
            "code": if a.serious { "serious" } else { "non-serious" }
        }]},
        "outcome": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/adverse-event-outcome",
            "code": if a.resolution.is_some() { "resolved" } else { "ongoing" }
        }]},
        "study": [{"reference": format!("ResearchStudy/{rs_id}")}]
    });
    if let Some(g) = &g {
        let sev = match g.grade {
            0 | 1 => "mild",
            2 => "moderate",
            _ => "severe",
        };
        r["severity"] = json!({"coding": [{"system": "http://terminology.hl7.org/CodeSystem/adverse-event-severity", "code": sev}]});
    }
    if let Some(d) = a.resolution
        && let Some(e) = r["extension"].as_array_mut()
    {
        e.push(json!({"url": "http://eligo.dev/fhir/StructureDefinition/ae-resolution-date", "valueDate": d.to_string()}));
    }
    r
}

/// A visit's data read from a FHIR R4 Bundle, and what was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub data: VisitData,
    /// Resource (type/id) and why it was not used.
    pub ignored: Vec<String>,
}

fn coding_codes(code: &Value) -> Vec<(String, String)> {
    code["coding"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    (
                        c["system"].as_str().unwrap_or("").to_string(),
                        c["code"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn q_value(v: &Value) -> Option<(Decimal, String)> {
    let n = v["value"].as_number().and_then(decimal)?;
    let unit = v["code"]
        .as_str()
        .or_else(|| v["unit"].as_str())
        .unwrap_or("")
        .to_string();
    Some((n, unit))
}

/// Read one visit from a Bundle: Observations on `date` (or without a
/// date) only.
pub fn visit_from_bundle(bundle: &Value, date: Date) -> Result<Imported, FieldError> {
    if bundle["resourceType"] != "Bundle" {
        return Err(FieldError::new("resourceType", "expected a FHIR R4 Bundle"));
    }
    let entries = bundle["entry"].as_array().cloned().unwrap_or_default();
    let vocab = eligo_vocab::vocabulary();
    let mut data = VisitData::default();
    let mut ignored = Vec::new();
    let mut bilag: Vec<(usize, Grade)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let r = &e["resource"];
        let rt = r["resourceType"].as_str().unwrap_or("");
        let name = format!(
            "{rt}/{}",
            r["id"].as_str().unwrap_or(&format!("entry[{i}]"))
        );
        if rt != "Observation" {
            if rt != "Patient" {
                ignored.push(format!("{name}: only Observations are read into a visit"));
            }
            continue;
        }
        if matches!(r["status"].as_str(), Some("entered-in-error" | "cancelled")) {
            ignored.push(format!("{name}: status {}", r["status"]));
            continue;
        }
        let when = r["effectiveDateTime"]
            .as_str()
            .and_then(|s| parse_date(s.get(..10).unwrap_or(s)));
        if when.is_some_and(|d| d != date) {
            ignored.push(format!(
                "{name}: dated {}, not the visit date {date}",
                when.map(|d| d.to_string()).unwrap_or_default()
            ));
            continue;
        }
        let codes = coding_codes(&r["code"]);
        let loinc: Vec<&str> = codes
            .iter()
            .filter(|(s, _)| s == LOINC)
            .map(|(_, c)| c.as_str())
            .collect();
        let score: Option<&str> = codes
            .iter()
            .find(|(s, _)| s == SCORE)
            .map(|(_, c)| c.as_str());
        if let Some(code) = score {
            if code == "pga" {
                match q_value(&r["valueQuantity"]) {
                    Some((v, _)) if v >= Decimal::ZERO && v <= Decimal::from(3) => {
                        data.pga = Some(v)
                    }
                    _ => ignored.push(format!("{name}: PGA without a value from 0 to 3")),
                }
            } else if let Some(d) = code.strip_prefix("bilag-2004-") {
                let letter = r["valueCodeableConcept"]["coding"][0]["code"]
                    .as_str()
                    .unwrap_or("");
                let g = match letter {
                    "A" => Some(Grade::A),
                    "B" => Some(Grade::B),
                    "C" => Some(Grade::C),
                    "D" => Some(Grade::D),
                    "E" => Some(Grade::E),
                    _ => None,
                };
                match (bilag2004::DOMAINS.iter().position(|x| *x == d), g) {
                    (Some(i), Some(g)) => bilag.push((i, g)),
                    _ => ignored.push(format!("{name}: BILAG-2004 domain or grade not recognised")),
                }
            } else {
                ignored.push(format!(
                    "{name}: {code} is a total without its items; enter the items on the visit form"
                ));
            }
            continue;
        }
        if let Some((field, _)) = VITAL_LOINC.iter().find(|(_, c)| loinc.contains(c)) {
            let spec = VITALS.iter().find(|v| v.0 == *field);
            match (q_value(&r["valueQuantity"]), spec) {
                (Some((v, unit)), Some((_, label, want, ..))) => {
                    let u = eligo_instruments::units::normalize_unit(&unit).unwrap_or(unit.clone());
                    let converted = if u == *want {
                        Some(v)
                    } else {
                        eligo_instruments::units::convert(
                            &eligo_model::Quantity::new(v, u.clone()),
                            want,
                            None,
                        )
                        .ok()
                        .map(|c| c.quantity.value)
                    };
                    match converted {
                        Some(x) => set_vital(&mut data, field, x),
                        None => ignored
                            .push(format!("{name}: {label} in {u}, not convertible to {want}")),
                    }
                }
                _ => ignored.push(format!("{name}: vital sign without a value")),
            }
            continue;
        }
        let analyte = vocab
            .analytes()
            .iter()
            .find(|a| !a.unit.is_empty() && a.loinc.iter().any(|c| loinc.contains(&c.as_str())));
        let Some(a) = analyte else {
            ignored.push(format!(
                "{name}: no laboratory test eligo records has this code"
            ));
            continue;
        };
        let Some((v, unit)) = q_value(&r["valueQuantity"]) else {
            ignored.push(format!("{name}: {} without a numeric value", a.label));
            continue;
        };
        let lab_json = {
            let mut m = serde_json::Map::new();
            m.insert("analyte".into(), json!(a.key));
            m.insert("value".into(), decimal_json(v));
            m.insert("unit".into(), json!(unit));
            let rr = &r["referenceRange"][0];
            if let Some((lo, _)) = q_value(&rr["low"]) {
                m.insert("low".into(), decimal_json(lo));
            }
            if let Some((hi, _)) = q_value(&rr["high"]) {
                m.insert("high".into(), decimal_json(hi));
            }
            Value::Object(m)
        };
        match VisitData::from_json(&json!({"labs": [lab_json]})) {
            Ok(d) => {
                let lab: Lab = d.labs.into_iter().next().expect("one lab read");
                data.labs.retain(|l| l.analyte != lab.analyte);
                data.labs.push(lab);
            }
            Err(e) => ignored.push(format!("{name}: {}", e.message)),
        }
    }
    if !bilag.is_empty() {
        if bilag.len() == 9 && (0..9).all(|i| bilag.iter().any(|(d, _)| *d == i)) {
            let mut g = [Grade::E; 9];
            for (i, x) in bilag {
                g[i] = x;
            }
            data.bilag = Some(Grades(g));
        } else {
            ignored.push(format!(
                "BILAG-2004: {} of the 9 domains; an assessment needs all nine",
                bilag.len()
            ));
        }
    }
    Ok(Imported { data, ignored })
}

fn set_vital(d: &mut VisitData, field: &str, v: Decimal) {
    let mut j = d.vitals.clone();
    match field {
        "temperature_c" => j.temperature_c = Some(v),
        "heart_rate" => j.heart_rate = Some(v),
        "systolic_bp" => j.systolic_bp = Some(v),
        "diastolic_bp" => j.diastolic_bp = Some(v),
        "respiratory_rate" => j.respiratory_rate = Some(v),
        "spo2" => j.spo2 = Some(v),
        "weight_kg" => j.weight_kg = Some(v),
        "height_cm" => j.height_cm = Some(v),
        _ => {}
    }
    d.vitals = j;
}

/// Merge imported data into a visit's data: imported sections replace
/// those present, labs replace the same analyte.
pub fn merge(base: &VisitData, imported: &VisitData) -> VisitData {
    let mut out = base.clone();
    if imported.pga.is_some() {
        out.pga = imported.pga;
    }
    if imported.bilag.is_some() {
        out.bilag = imported.bilag;
    }
    for (f, ..) in VITALS {
        if let Some(v) = imported.vitals.get(f) {
            set_vital(&mut out, f, v);
        }
    }
    for l in &imported.labs {
        out.labs.retain(|x| x.analyte != l.analyte);
        out.labs.push(l.clone());
    }
    out
}
