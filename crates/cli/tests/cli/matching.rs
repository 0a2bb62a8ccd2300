//! `eligo match` end to end on the example patients (`examples/patients/`,
//! verdicts worked out by hand in `expected.json`) and on bad input.

use crate::common::{Reg, json, text};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn patients() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/patients")
}

fn base() -> Value {
    serde_json::from_slice(&std::fs::read(patients().join("01-base.json")).unwrap()).unwrap()
}

fn entry_mut<'a>(b: &'a mut Value, id: &str) -> &'a mut Value {
    b["entry"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["resource"]["id"] == id)
        .map(|e| &mut e["resource"])
        .unwrap()
}

fn matches(reg: &Reg, patient: &str, extra: &[&str]) -> (Vec<Value>, String) {
    let mut args = vec![
        "match",
        "--patient",
        patient,
        "--as-of",
        "2026-11-25",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = reg.run(&args);
    let v = json(&out);
    (
        v.as_array().unwrap().clone(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn example_patients_get_their_expected_verdicts_from_the_cli() {
    let reg = Reg::new();
    let exp: Value =
        serde_json::from_slice(&std::fs::read(patients().join("expected.json")).unwrap()).unwrap();
    // A few patients through the whole CLI (the matcher's own tests check all).
    for file in [
        "01-base.json",
        "07-crcl-55-umol.json",
        "13-pregnant.json",
        "18-no-lvef.json",
    ] {
        let p = exp["patients"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["file"] == file)
            .unwrap();
        let (list, _) = matches(&reg, &patients().join(file).display().to_string(), &[]);
        for (trial, want) in p["expected"].as_object().unwrap() {
            let m = list
                .iter()
                .find(|m| m["trial_id"] == trial.as_str())
                .unwrap_or_else(|| panic!("{file}: {trial} not listed"));
            assert_eq!(&m["verdict"], want, "{file} × {trial}");
        }
    }
}

#[test]
fn json_carries_criteria_evidence_and_what_to_confirm() {
    let reg = Reg::new();
    let (list, _) = matches(
        &reg,
        &patients().join("18-no-lvef.json").display().to_string(),
        &[],
    );
    // Ranked: eligible before unknown.
    let verdicts: Vec<&str> = list
        .iter()
        .map(|m| m["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["eligible", "eligible", "unknown", "unknown"]);
    let m = list
        .iter()
        .find(|m| m["trial_id"] == "NCT06946485")
        .unwrap();
    assert!(m["title"].as_str().unwrap().contains("CHT101"));
    assert!(m["to_confirm"].as_array().unwrap().len() >= 3);
    assert!(
        m["missing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.as_str().unwrap().contains("LVEF"))
    );
    for c in m["criteria"].as_array().unwrap() {
        for k in ["kind", "text", "span", "status", "evidence", "missing"] {
            assert!(c.get(k).is_some(), "{k} in {c}");
        }
        assert!(c["span"].as_array().unwrap().len() == 2);
    }
    let sledai = m["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["text"].as_str().unwrap().contains("SLEDAI"))
        .unwrap();
    assert_eq!(sledai["status"], "met");
    let ev = &sledai["evidence"][0];
    assert_eq!(ev["source"]["resource_type"], "Observation");
    assert_eq!(ev["source"]["id"], "sledai");
    assert_eq!(ev["date"], "2026-11-20");
}

#[test]
fn explain_reads_as_reasoning() {
    let reg = Reg::new();
    let p = patients()
        .join("07-crcl-55-umol.json")
        .display()
        .to_string();
    let out = reg.run(&[
        "match",
        "--patient",
        &p,
        "--as-of",
        "2026-11-25",
        "--explain",
        "NCT06946485",
    ]);
    let text = text(&out);
    assert!(text.contains("verdict: INELIGIBLE"), "{text}");
    assert!(text.contains("<= decides"), "{text}");
    assert!(text.contains("Cockcroft-Gault"), "{text}");
    assert!(text.contains("To confirm"), "{text}");
}

#[test]
fn unrelated_trials_only_with_all() {
    let reg = Reg::new();
    let p = patients().join("01-base.json").display().to_string();
    let (related, _) = matches(&reg, &p, &[]);
    let (all, _) = matches(&reg, &p, &["--all"]);
    assert_eq!(related.len(), 4);
    assert!(all.len() > related.len());
    let (one, _) = matches(&reg, &p, &["--trial", "NCT02552212"]);
    assert_eq!(one.len(), 1, "a named trial is evaluated even if unrelated");
}

#[test]
fn bad_patient_input_is_refused_or_flagged() {
    let reg = Reg::new();
    let run = |path: &str| reg.run(&["match", "--patient", path, "--as-of", "2026-11-25"]);

    let not_json = reg.tmp("x.json");
    std::fs::write(&not_json, "{ \"resourceType\": \"Bundle\", ").unwrap();
    let out = run(&not_json.display().to_string());
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("x.json") && err.contains("line"), "{err}");
    assert_eq!(
        err.matches("x.json").count(),
        1,
        "the file named once: {err}"
    );

    let not_fhir = reg.file("nf.json", &serde_json::json!({"hello": "world"}));
    assert_eq!(run(&not_fhir).status.code(), Some(3));

    let mut no_patient = base();
    no_patient["entry"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["resource"]["resourceType"] != "Patient");
    let out = run(&reg.file("np.json", &no_patient));
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Patient"));

    // A resource about a patient the bundle does not hold is left out, with a
    // note; the rest of the record is read (the missing ANC leaves the
    // trial undecided).
    let mut dangling = base();
    entry_mut(&mut dangling, "anc")["subject"]["reference"] = "urn:uuid:nobody".into();
    let (list, stderr) = matches(
        &reg,
        &reg.file("dg.json", &dangling),
        &["--trial", "NCT06946485"],
    );
    assert_eq!(list[0]["verdict"], "unknown");
    assert!(
        stderr.contains("note: not used: Observation/anc") && stderr.contains("urn:uuid:nobody"),
        "{stderr}"
    );
    // The error names the file once.
    let out = run(&not_json.display().to_string());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("x.json").count(), 1, "{err}");

    assert_eq!(
        reg.run(&["match", "--patient", &not_fhir, "--as-of", "25/11/2026"])
            .status
            .code(),
        Some(2)
    );
    let ok = patients().join("01-base.json").display().to_string();
    assert_eq!(
        reg.run(&["match", "--patient", &ok, "--trial", "NCT99999999"])
            .status
            .code(),
        Some(4)
    );

    // An unknown unit or an impossible value: the lab is not used, the trial stays
    // undecided (never eligible on a value eligo could not read), and stderr says why.
    for (name, field, value) in [
        ("unit.json", "unit", serde_json::json!("furlongs")),
        ("neg.json", "value", serde_json::json!(-1.0)),
    ] {
        let mut b = base();
        let q = &mut entry_mut(&mut b, "anc")["valueQuantity"];
        q[field] = value.clone();
        if field == "unit" {
            q["code"] = value;
        }
        let path = reg.file(name, &b);
        let (list, stderr) = matches(&reg, &path, &["--trial", "NCT06946485"]);
        assert_eq!(list[0]["verdict"], "unknown", "{name}");
        assert!(stderr.contains("anc"), "{name}: {stderr}");
    }
}
