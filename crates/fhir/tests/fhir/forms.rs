//! The accepted forms: bundle types, a bare Patient, eligo's plain JSON,
//! files, reference spellings and the less common FHIR shapes.

use super::*;
use eligo_fhir::read_patient_file;
use eligo_model::fact::{ClinicalStatus, VerificationStatus, systems};
use rust_decimal::Decimal;
use serde_json::json;
use std::io::Write;

#[test]
fn bare_patient() {
    let text = std::fs::read_to_string(data("patient-only.json")).unwrap();
    let f = read_str(&text).unwrap();
    assert_eq!(f.id, "sle-002");
    assert_eq!(
        f.birth_date,
        Some(date("1988-07-01")),
        "YYYY-MM is taken as its first day"
    );
    assert_eq!(f.ignored.len(), 1);
    assert_eq!(f.ignored[0].field.as_deref(), Some("birthDate"));
    assert!(
        f.ignored[0].reason.contains("precise only to the month"),
        "{}",
        f.ignored[0].reason
    );
    assert!(f.conditions.is_empty() && f.observations.is_empty());

    let f = read(&json!({"resourceType": "Patient", "birthDate": "1970"})).unwrap();
    assert_eq!(f.id, "patient", "no id: a stable placeholder");
    assert_eq!(f.birth_date, Some(date("1970-01-01")));
}

#[test]
fn bundle_types() {
    for t in [
        "collection",
        "transaction",
        "searchset",
        "batch",
        "document",
    ] {
        let mut b = sle_json();
        b["type"] = json!(t);
        assert_eq!(read_ok(&b).conditions.len(), 3, "{t}");
    }
    let mut b = sle_json();
    b.as_object_mut().unwrap().remove("type");
    assert_eq!(read_ok(&b).conditions.len(), 3, "no type");
    for t in [
        "history",
        "message",
        "transaction-response",
        "batch-response",
    ] {
        let mut b = sle_json();
        b["type"] = json!(t);
        assert!(
            matches!(read(&b), Err(FhirError::UnsupportedBundleType { .. })),
            "{t}"
        );
    }
}

#[test]
fn plain_form_round_trips() {
    let facts = read_ok(&sle_json());
    let text = serde_json::to_string_pretty(&facts).unwrap();
    assert_eq!(read_str(&text).unwrap(), facts);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(read(&v).unwrap(), facts);
    // The smallest plain record.
    let f = read_str(r#"{"id": "p-min"}"#).unwrap();
    assert_eq!(
        f,
        PatientFacts {
            id: "p-min".into(),
            ..PatientFacts::default()
        }
    );
}

#[test]
fn files() {
    let f = read_patient_file(&data("sle-bundle.json")).unwrap();
    assert_eq!(
        f,
        read_ok(&sle_json()),
        "file and value agree (today only matters for birth dates)"
    );

    let dir = tempfile::tempdir().unwrap();
    let bom = dir.path().join("bom.json");
    let mut file = std::fs::File::create(&bom).unwrap();
    file.write_all("\u{feff}".as_bytes()).unwrap();
    file.write_all(std::fs::read(data("patient-only.json")).unwrap().as_slice())
        .unwrap();
    drop(file);
    assert_eq!(
        read_patient_file(&bom).unwrap().id,
        "sle-002",
        "a UTF-8 byte-order mark is skipped"
    );

    let missing = dir.path().join("missing.json");
    let e = read_patient_file(&missing).unwrap_err();
    assert!(matches!(e, FhirError::Io { .. }));
    assert!(e.to_string().contains("missing.json"), "{e}");

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"resourceType\": \"Bundle\",").unwrap();
    let e = read_patient_file(&broken).unwrap_err();
    assert!(
        e.to_string().starts_with(&broken.display().to_string()),
        "{e}"
    );
    assert!(
        matches!(e, FhirError::InFile { source, .. } if matches!(*source, FhirError::Json { .. }))
    );
}

#[test]
fn reference_spellings() {
    let patient_url = "https://ehr.example.org/fhir/Patient/p9";
    let b = json!({"resourceType": "Bundle", "type": "searchset", "entry": [
        {"fullUrl": patient_url, "resource": {"resourceType": "Patient", "id": "p9"}, "search": {"mode": "match"}},
        {"resource": {"resourceType": "Condition", "id": "c-abs", "code": {"text": "SLE"}, "subject": {"reference": patient_url}}},
        {"resource": {"resourceType": "Condition", "id": "c-rel", "code": {"text": "SLE"}, "subject": {"reference": "Patient/p9"}}},
        {"resource": {"resourceType": "Condition", "id": "c-hist", "code": {"text": "SLE"}, "subject": {"reference": "Patient/p9/_history/3"}}},
        {"resource": {"resourceType": "Condition", "id": "c-none", "code": {"text": "SLE"}}},
        {"resource": {"resourceType": "Condition", "id": "c-display", "code": {"text": "SLE"}, "subject": {"display": "Jane"}}},
        {"resource": {"resourceType": "OperationOutcome", "issue": []}, "search": {"mode": "outcome"}}
    ]});
    let f = read_ok(&b);
    assert_eq!(f.id, "p9");
    assert_eq!(f.conditions.len(), 5);
    assert!(
        f.ignored
            .iter()
            .any(|i| i.reason.contains("1 OperationOutcome")),
        "{:?}",
        f.ignored
    );

    // Relative reference to a Patient known only by an absolute fullUrl.
    let b = json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": patient_url, "resource": {"resourceType": "Patient"}},
        {"resource": {"resourceType": "Condition", "code": {"text": "SLE"}, "subject": {"reference": "Patient/p9"}}}
    ]});
    let f = read_ok(&b);
    assert_eq!(f.id, patient_url, "no id: the fullUrl");
    assert_eq!(
        f.conditions[0].source.id, "entry[1]",
        "no id, no fullUrl: where it is"
    );
}

#[test]
fn older_and_newer_shapes() {
    let b = with_patient(vec![
        // STU3 wrote statuses as plain codes.
        json!({"resourceType": "Condition", "id": "stu3", "clinicalStatus": "remission", "verificationStatus": "provisional",
               "code": {"coding": [{"system": "urn:oid:2.16.840.1.113883.6.96", "code": "55464009"}]},
               "onsetAge": {"value": 30, "system": "http://unitsofmeasure.org", "code": "a"},
               "abatementPeriod": {"start": "2023-01-10", "end": "2023-02-01"},
               "severity": {"coding": [{"system": "http://snomed.info/sct", "code": "24484000", "display": "Severe"}]}}),
        json!({"resourceType": "Condition", "id": "gvhd", "code": {"text": "Acute GVHD"},
               "severity": {"coding": [{"system": "http://eligo.dev/gvhd-grade", "code": "2"}]},
               "clinicalStatus": {"coding": [{"code": "unknown"}]}}),
        // R5's CodeableReference.
        json!({"resourceType": "MedicationStatement", "id": "r5", "status": "recorded",
        "medication": {"concept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "6851"}], "text": "methotrexate"}},
        "dosage": [
            {"timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "wk"}},
             "doseAndRate": [{"doseQuantity": {"value": 15, "unit": "mg"}}]},
            {"text": "then 20 mg weekly"}
        ]}),
        json!({"resourceType": "MedicationRequest", "id": "monthly", "status": "active",
               "medicationCodeableConcept": {"text": "belimumab"},
               "dosageInstruction": [{"timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "mo"}}}]}),
        json!({"resourceType": "Procedure", "id": "r5-proc", "status": "completed", "code": {"text": "Plasmapheresis"},
               "occurrencePeriod": {"start": "2025-01-02", "end": "2025-01-09"}}),
        json!({"resourceType": "Immunization", "id": "imm-string", "status": "completed",
               "vaccineCode": {"coding": [{"system": "urn:oid:2.16.840.1.113883.12.292", "code": "21"}]},
               "occurrenceString": "childhood"}),
        json!({"resourceType": "Observation", "id": "ranged", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
        "valueQuantity": {"value": 11.2, "unit": "g/dL"}, "issued": "2026-11-18T10:00:00.000Z",
        "referenceRange": [
            {"type": {"coding": [{"code": "treatment"}]}, "low": {"value": 10}},
            {"text": "see lab"},
            {"low": {"value": 12}, "high": {"value": 15.5}}
        ]}),
    ]);
    let f = read_ok(&b);
    let stu3 = &f.conditions[0];
    assert_eq!(stu3.clinical_status, Some(ClinicalStatus::Remission));
    assert_eq!(
        stu3.verification_status,
        Some(VerificationStatus::Provisional)
    );
    assert_eq!(
        stu3.codes[0].system,
        systems::SNOMED,
        "the SNOMED OID is SNOMED"
    );
    assert_eq!(
        stu3.onset,
        Some(date("2021-04-17")),
        "birthDate 1991-04-17 + 30 a"
    );
    assert_eq!(
        stu3.abatement,
        Some(date("2023-02-01")),
        "abatementPeriod.end"
    );
    assert_eq!(stu3.grade, None, "a SNOMED severity code is not a grade");
    assert!(ignored_for(&f, "stu3")[0].reason.contains("earliest date"));

    let gvhd = &f.conditions[1];
    assert_eq!(gvhd.grade, Some(2));
    assert_eq!(gvhd.clinical_status, None);
    assert!(ignored_for(&f, "gvhd")[0].reason.contains("\"unknown\""));

    let mtx = &f.medications[0];
    assert_eq!(mtx.codes[0].code, "6851");
    assert_eq!(
        mtx.per_day,
        Some("0.142857".parse::<Decimal>().unwrap()),
        "weekly, to six places"
    );
    assert!(ignored_for(&f, "r5")[0].reason.contains("only the first"));

    let monthly = &f.medications[1];
    assert_eq!(monthly.per_day, None);
    assert!(
        ignored_for(&f, "monthly")[0]
            .reason
            .contains("no fixed length")
    );

    assert_eq!(
        (f.procedures[0].start, f.procedures[0].end),
        (Some(date("2025-01-02")), Some(date("2025-01-09")))
    );

    let imm = &f.immunizations[0];
    assert_eq!(
        (imm.codes[0].system.as_str(), imm.date),
        (systems::CVX, None)
    );
    assert!(
        ignored_for(&f, "imm-string")[0]
            .reason
            .contains("not a date")
    );

    let hb = obs(&f, "ranged");
    assert_eq!(
        hb.effective,
        Some(date("2026-11-18")),
        "issued when there is no effective[x]"
    );
    let range = hb.reference_range.as_ref().unwrap();
    assert_eq!(
        range.low.as_ref().unwrap().to_string(),
        "12 g/dL",
        "the normal range; the bound takes the value's unit"
    );
    assert_eq!(range.high.as_ref().unwrap().to_string(), "15.5 g/dL");
}

#[test]
fn onset_age_needs_a_birth_date() {
    let mut b = with_patient(vec![
        json!({"resourceType": "Condition", "id": "c", "code": {"text": "SLE"},
        "onsetAge": {"value": 30, "unit": "years"}}),
    ]);
    b["entry"][0]["resource"]
        .as_object_mut()
        .unwrap()
        .remove("birthDate");
    let f = read_ok(&b);
    assert_eq!(f.conditions[0].onset, None);
    assert!(ignored_for(&f, "c")[0].reason.contains("birthDate"));
}

/// Diagnoses and procedures that only a bill or a visit carries (payer
/// exports), each cited as its source; not when a Condition or Procedure of
/// the record already has the code. Results contained in a report are read;
/// types eligo does not read are counted in one note with a place.
#[test]
fn claims_encounters_and_reports_are_read_where_nothing_else_holds_them() {
    let icd = "http://hl7.org/fhir/sid/icd-10-cm";
    let b = with_patient(vec![
        json!({"resourceType": "Condition", "id": "dm", "code": {"coding": [{"system": icd, "code": "E11.9"}]}}),
        json!({"resourceType": "ExplanationOfBenefit", "id": "eob-1", "patient": {"reference": "Patient/sle-001"},
               "billablePeriod": {"start": "2024-03-01"},
               "diagnosis": [
                   {"sequence": 1, "diagnosisCodeableConcept": {"coding": [{"system": icd, "code": "M32.14", "display": "Glomerular disease in SLE"}]}},
                   {"sequence": 2, "diagnosisCodeableConcept": {"coding": [{"system": icd, "code": "E11.9"}]}}],
               "procedure": [{"sequence": 1, "date": "2024-03-02",
                   "procedureCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "302497006", "display": "Hemodialysis"}]}}]}),
        json!({"resourceType": "Claim", "id": "claim-2", "patient": {"reference": "Patient/sle-001"},
               "created": "2025-05-01",
               "diagnosis": [{"sequence": 1, "diagnosisCodeableConcept": {"coding": [{"system": icd, "code": "M32.14"}]}}]}),
        json!({"resourceType": "Encounter", "id": "enc", "subject": {"reference": "Patient/sle-001"},
               "period": {"start": "2026-01-05"},
               "reasonCode": [{"coding": [{"system": "http://snomed.info/sct", "code": "233604007", "display": "Pneumonia"}]}]}),
        json!({"resourceType": "DiagnosticReport", "id": "rep", "subject": {"reference": "Patient/sle-001"},
               "code": {"text": "Panel"},
               "contained": [{"resourceType": "Observation", "id": "k", "status": "final",
                              "code": {"coding": [{"system": "http://loinc.org", "code": "2823-3"}]},
                              "valueQuantity": {"value": 4.1, "system": "http://unitsofmeasure.org", "code": "mmol/L"}}],
               "result": [{"reference": "#k"}, {"reference": "Observation/elsewhere"}]}),
        json!({"resourceType": "Practitioner", "id": "dr"}),
        json!({"resourceType": "CarePlan", "id": "cp"}),
        json!({"resourceType": "CarePlan", "id": "cp2"}),
    ]);
    let f = read_ok(&b);
    let ln: Vec<_> = f
        .conditions
        .iter()
        .filter(|c| c.codes.iter().any(|k| k.code == "M32.14"))
        .collect();
    assert_eq!(ln.len(), 1, "one fact however many bills: {ln:?}");
    assert_eq!(ln[0].source.resource_type, "ExplanationOfBenefit");
    assert_eq!(ln[0].onset, Some(date("2024-03-01")), "first billed");
    assert_eq!(ln[0].recorded, Some(date("2025-05-01")), "last billed");
    assert_eq!(ln[0].clinical_status, None, "a bill does not say it lasts");
    // The diabetes the record holds as a Condition is not counted twice.
    assert_eq!(
        f.conditions
            .iter()
            .filter(|c| c.codes.iter().any(|k| k.code == "E11.9"))
            .count(),
        1
    );
    let pneumonia = f.conditions.iter().find(|c| c.source.id == "enc").unwrap();
    assert_eq!(pneumonia.onset, Some(date("2026-01-05")));
    let hd = f
        .procedures
        .iter()
        .find(|p| p.source.id == "eob-1")
        .unwrap();
    assert_eq!(hd.start, Some(date("2024-03-02")));
    assert_eq!(obs(&f, "k").codes[0].code, "2823-3");
    assert!(
        ignored_for(&f, "rep")
            .iter()
            .any(|i| i.reason.contains("Observation/elsewhere")),
        "{:?}",
        f.ignored
    );
    let unread: Vec<_> = f.ignored.iter().filter(|i| i.source.is_none()).collect();
    assert_eq!(unread.len(), 1, "{unread:?}");
    assert_eq!(unread[0].field.as_deref(), Some("entry"));
    assert!(
        unread[0].reason.contains("2 CarePlan, 1 Practitioner"),
        "{}",
        unread[0].reason
    );
}
