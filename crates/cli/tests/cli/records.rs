//! `eligo match --all` on real third-party records (`examples/records/`,
//! listed with their provenance in `records.json`): every R4 record is read
//! and matched against the whole sample registry, every older one refused
//! with a one-line error naming its version, and none panics.
//!
//! And, checked on the records themselves rather than through the matcher:
//! no trial that does not accept healthy volunteers is called eligible for
//! a record that holds none of the trial's conditions.

use crate::common::{Reg, json};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn load(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
        .unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// Codes that name each condition of the sample registry's trials, from
/// SNOMED CT and ICD-10-CM (not from eligo's vocabulary), for the check
/// below. A condition absent here is recognised by its name only.
fn codes_of(condition: &str) -> &'static [&'static str] {
    match condition.to_lowercase().as_str() {
        "systemic lupus erythematosus" => &["55464009", "M32"],
        "coronary artery disease" => &["53741008", "I25"],
        "atopic dermatitis" => &["24079001", "L20"],
        "brain injuries" => &["S06"],
        "alcohol use disorder" => &["7200002", "F10.2", "F10.1"],
        "non-small cell lung cancer" => &["254637007"],
        "epilepsy" => &["84757009", "G40"],
        _ => &[],
    }
}

/// Does the raw record hold a Condition, or a diagnosis on a claim or an
/// encounter, that names `condition` (by a code above, code prefix
/// included, or by its name in a display or text)?
fn holds(record: &Value, condition: &str) -> bool {
    let name = condition.to_lowercase();
    let codes = codes_of(condition);
    let names = |c: &Value| {
        let mut out: Vec<(String, String)> = Vec::new();
        if let Some(t) = c["text"].as_str() {
            out.push((String::new(), t.to_lowercase()));
        }
        for k in c["coding"].as_array().into_iter().flatten() {
            out.push((
                k["code"].as_str().unwrap_or("").replace('.', ""),
                k["display"].as_str().unwrap_or("").to_lowercase(),
            ));
        }
        out
    };
    let named = |c: &Value| {
        names(c).into_iter().any(|(code, text)| {
            text.contains(&name)
                || codes
                    .iter()
                    .any(|p| !code.is_empty() && code.starts_with(&p.replace('.', "")))
        })
    };
    let entries: Vec<&Value> = match record["resourceType"].as_str() {
        Some("Bundle") => record["entry"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| &e["resource"])
            .collect(),
        _ => vec![record],
    };
    entries.iter().any(|r| match r["resourceType"].as_str() {
        Some("Condition") => {
            named(&r["code"])
                && !matches!(
                    r["verificationStatus"]["coding"][0]["code"].as_str(),
                    Some("refuted" | "entered-in-error")
                )
        }
        Some("Claim" | "ExplanationOfBenefit") => r["diagnosis"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|d| named(&d["diagnosisCodeableConcept"])),
        Some("Encounter") => r["reasonCode"].as_array().into_iter().flatten().any(named),
        _ => false,
    })
}

/// The registry's trials by id: (conditions, healthy volunteers accepted).
fn trials(reg: &Reg) -> HashMap<String, (Vec<String>, Option<bool>)> {
    let list = json(&reg.run(&["search", "--limit", "1000", "--format", "json"]));
    let mut out = HashMap::new();
    for h in list["hits"].as_array().unwrap() {
        let id = h["id"].as_str().unwrap();
        let t = json(&reg.run(&["show", id, "--format", "json"]));
        let conditions = t["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect();
        out.insert(
            id.to_string(),
            (conditions, t["eligibility"]["healthy_volunteers"].as_bool()),
        );
    }
    out
}

/// Every eligible verdict for a trial that does not accept healthy
/// volunteers must be for a record that holds one of its conditions.
fn check_own_condition(
    file: &str,
    record: &Value,
    matches: &[Value],
    trials: &HashMap<String, (Vec<String>, Option<bool>)>,
) -> usize {
    let mut checked = 0;
    for m in matches.iter().filter(|m| m["verdict"] == "eligible") {
        let id = m["trial_id"].as_str().unwrap();
        let (conditions, healthy) = &trials[id];
        if *healthy == Some(true) {
            continue;
        }
        checked += 1;
        assert!(
            conditions.iter().any(|c| holds(record, c)),
            "{file}: eligible for {id}, which does not accept healthy volunteers, \
             but the record holds none of its conditions {conditions:?}"
        );
    }
    checked
}

fn matches_all(reg: &Reg, file: &Path) -> std::process::Output {
    reg.run(&[
        "match",
        "--patient",
        file.to_str().unwrap(),
        "--all",
        "--as-of",
        "2026-12-01",
        "--format",
        "json",
    ])
}

#[test]
fn real_records_are_read_or_refused_and_never_eligible_for_a_condition_they_lack() {
    let reg = Reg::new();
    let trials = trials(&reg);
    assert!(trials.len() >= 39, "{} trials", trials.len());
    let manifest = load(&root().join("records/records.json"));
    let records = manifest["records"].as_array().unwrap();
    let (mut read, mut refused) = (0, 0);
    let mut sources = std::collections::BTreeSet::new();
    for r in records {
        let file = r["file"].as_str().unwrap();
        let path = root().join("records").join(file);
        let out = matches_all(&reg, &path);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{file}: {stderr}");
        match r["expect"].as_str().unwrap() {
            "read" => {
                let v = json(&out);
                let list = v.as_array().unwrap_or_else(|| panic!("{file}: not a list"));
                assert_eq!(list.len(), trials.len(), "{file}: one result per trial");
                check_own_condition(file, &load(&path), list, &trials);
                if r["fhir_version"] == "R4" {
                    read += 1;
                    sources.insert(r["source"].as_str().unwrap().split('@').next().unwrap());
                }
            }
            "refused" => {
                assert_eq!(out.status.code(), Some(3), "{file}: {stderr}");
                let lines: Vec<&str> = stderr.lines().filter(|l| !l.starts_with("note:")).collect();
                assert_eq!(lines.len(), 1, "{file}: one line: {stderr}");
                let version = r["fhir_version"].as_str().unwrap();
                assert!(
                    lines[0].starts_with("error:") && lines[0].contains(version),
                    "{file}: {}",
                    lines[0]
                );
                assert!(
                    out.stdout.is_empty(),
                    "{file}: no verdicts for a refused record"
                );
                refused += 1;
            }
            other => panic!("{file}: expect {other:?}"),
        }
    }
    assert!(read >= 20, "{read} R4 records read");
    assert!(refused >= 4, "{refused} older records refused");
    // Synthea (SMART), Synthea and converters (Nimbus), HL7 IPS, HL7 US Core.
    assert!(sources.len() >= 4, "{sources:?}");
}

/// The same independent check on the example patients (SLE patients, so
/// the seed trials' eligible verdicts are checked against their records).
#[test]
fn example_patients_are_eligible_only_for_trials_of_conditions_they_hold() {
    let reg = Reg::new();
    let trials = trials(&reg);
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("patients")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".json") || name == "expected.json" {
            continue;
        }
        let v = json(&matches_all(&reg, &path));
        checked += check_own_condition(&name, &load(&path), v.as_array().unwrap(), &trials);
    }
    assert!(checked >= 20, "{checked} eligible verdicts checked");
}
