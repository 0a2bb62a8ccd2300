//! Bad input: an error that says where, or an `ignored` entry that says why.

use super::*;
use eligo_model::fact::ObservationValue;
use serde_json::json;

fn err(v: &Value) -> FhirError {
    match read(v) {
        Ok(f) => panic!("expected an error, read {f:?}"),
        Err(e) => e,
    }
}

fn lab(id: &str, value: Value) -> Value {
    json!({
        "resourceType": "Observation", "id": id, "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "2160-0"}]},
        "subject": {"reference": "Patient/sle-001"},
        "effectiveDateTime": "2026-11-18",
        "valueQuantity": value
    })
}

/// The one ignored entry about `id`, which must not also be a fact.
fn only_reason(f: &PatientFacts, id: &str) -> IgnoredFact {
    assert!(
        f.observations.iter().all(|o| o.source.id != id),
        "{id} must not be a fact"
    );
    let why = ignored_for(f, id);
    assert_eq!(why.len(), 1, "{why:?}");
    why[0].clone()
}

#[test]
fn not_json_says_line_and_column() {
    let text = "{\n  \"resourceType\": \"Bundle\",\n  \"entry\": [\n    {\"resource\": }\n  ]\n}";
    match read_str(text) {
        Err(FhirError::Json {
            line,
            column,
            message,
        }) => {
            assert_eq!((line, column), (4, 18), "{message}");
            assert!(
                !message.contains("at line"),
                "position is not repeated: {message}"
            );
        }
        other => panic!("{other:?}"),
    }
    let e = read_str("").unwrap_err();
    assert!(
        matches!(
            e,
            FhirError::Json {
                line: 1,
                column: 0,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().starts_with("not JSON"), "{e}");
    // Out of f64 range: serde_json refuses it, so it never becomes infinity.
    let e = read_str(r#"{"resourceType": "Patient", "id": "p", "x": 1e400}"#).unwrap_err();
    assert!(matches!(e, FhirError::Json { line: 1, .. }), "{e:?}");
}

#[test]
fn json_that_is_not_a_record() {
    for v in [json!([1, 2]), json!("Bundle"), json!(42), json!(null)] {
        let e = err(&v);
        assert!(matches!(e, FhirError::NotFhir { .. }), "{v}: {e:?}");
    }
    // A FHIR Patient that lost its resourceType is not taken for eligo's plain form.
    let e = err(&json!({"id": "p1", "name": [{"family": "Doe"}], "birthDate": "1970-01-01"}));
    let FhirError::NotFhir { reason } = &e else {
        panic!("{e:?}")
    };
    assert!(
        reason.contains("the keys \"birthDate\", \"name\" are not") && reason.contains("not FHIR"),
        "{reason}"
    );
    let e = err(&json!({"conditions": []}));
    assert!(e.to_string().contains("no \"id\""), "{e}");
    // The plain form, but wrong inside: serde's message, with a position from the text.
    let e = read_str("{\"id\": \"p1\",\n \"gender\": \"f\"}").unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");

    let e = err(&json!({"resourceType": "Observation", "id": "o1"}));
    assert!(
        matches!(&e, FhirError::UnsupportedResource { resource_type } if resource_type == "Observation"),
        "{e:?}"
    );
    let e = err(&json!({"resourceType": 7}));
    assert_eq!(e.path(), Some("resourceType"), "{e:?}");
}

#[test]
fn bundle_without_patient() {
    let mut b = sle_json();
    b["entry"].as_array_mut().unwrap().remove(0);
    assert!(matches!(err(&b), FhirError::NoPatient));
    assert!(matches!(
        err(&json!({"resourceType": "Bundle", "type": "collection"})),
        FhirError::NoPatient
    ));
    // A Patient that lost its resourceType does not count as one.
    let mut b = sle_json();
    b["entry"][0]["resource"]
        .as_object_mut()
        .unwrap()
        .remove("resourceType");
    assert!(matches!(err(&b), FhirError::NoPatient));
}

#[test]
fn two_patients_are_refused() {
    let mut b = sle_json();
    b["entry"]
        .as_array_mut()
        .unwrap()
        .push(json!({"resource": {"resourceType": "Patient", "id": "someone-else"}}));
    let e = err(&b);
    let FhirError::SeveralPatients { ids } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(ids, &["sle-001", "someone-else"]);
}

/// A resource about someone the bundle does not hold (real exports do this)
/// is left out with a note naming it and the reference; the rest is read.
#[test]
fn a_reference_to_another_patient_leaves_out_that_resource_only() {
    let left_out = |f: &PatientFacts, id: &str| {
        assert!(
            f.conditions.iter().all(|c| c.source.id != id)
                && f.observations.iter().all(|o| o.source.id != id)
                && f.immunizations.iter().all(|i| i.source.id != id),
            "{id} must not be a fact"
        );
        let why = ignored_for(f, id);
        assert_eq!(why.len(), 1, "{why:?}");
        why[0].clone()
    };
    let all = read_ok(&sle_json());
    let mut b = sle_json();
    resource_mut(&mut b, "cond-ln")["subject"]["reference"] = json!("Patient/nobody");
    let f = read_ok(&b);
    let why = left_out(&f, "cond-ln");
    assert_eq!(
        why.field.as_deref(),
        Some("entry[2].resource.subject.reference")
    );
    assert!(
        why.reason.contains("Patient/nobody")
            && why.reason.contains("not in the bundle")
            && why.reason.contains("Patient/sle-001"),
        "{}",
        why.reason
    );
    assert_eq!(f.conditions.len(), all.conditions.len() - 1);
    assert_eq!(f.observations.len(), all.observations.len());

    // `patient` (Immunization, AllergyIntolerance), as a urn:uuid.
    let mut b = sle_json();
    resource_mut(&mut b, "imm-mmr")["patient"]["reference"] =
        json!("urn:uuid:00000000-0000-4000-8000-00000000dead");
    left_out(&read_ok(&b), "imm-mmr");

    // A reference that resolves, but not to the patient.
    let mut b = sle_json();
    resource_mut(&mut b, "obs-c3")["subject"]["reference"] = json!("Encounter/enc-2026-11-20");
    let why = left_out(&read_ok(&b), "obs-c3");
    assert!(
        why.reason.contains("Encounter/enc-2026-11-20") && why.reason.contains("someone else"),
        "{}",
        why.reason
    );

    // A subject that is not a Reference at all.
    let mut b = sle_json();
    resource_mut(&mut b, "obs-c3")["subject"] = json!("Patient/sle-001");
    let why = left_out(&read_ok(&b), "obs-c3");
    assert_eq!(why.field.as_deref(), Some("entry[8].resource.subject"));
}

/// What is still refused: a record whose patient is ambiguous, and one in an
/// older FHIR version, with one line that names it.
#[test]
fn no_patient_several_patients_and_older_versions_are_refused() {
    let b = json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Condition", "code": {"text": "SLE"}}}]});
    assert!(matches!(err(&b), FhirError::NoPatient));
    let b = json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "a"}},
        {"resource": {"resourceType": "Patient", "id": "b"}}]});
    assert!(matches!(err(&b), FhirError::SeveralPatients { .. }));
    for (resource, version) in [
        (
            json!({"resourceType": "MedicationOrder", "id": "m"}),
            "DSTU2",
        ),
        (
            json!({"resourceType": "Condition", "id": "c", "patient": {"reference": "Patient/p"}, "code": {"text": "x"}}),
            "DSTU2",
        ),
        (
            json!({"resourceType": "Condition", "id": "c", "assertedDate": "2010-01-01", "code": {"text": "x"}}),
            "STU3",
        ),
        (
            json!({"resourceType": "MedicationStatement", "id": "m", "taken": "n", "medicationCodeableConcept": {"text": "x"}}),
            "STU3",
        ),
        (
            json!({"resourceType": "Procedure", "id": "p", "notDone": true, "code": {"text": "x"}}),
            "STU3",
        ),
    ] {
        let b = json!({"resourceType": "Bundle", "type": "collection", "entry": [
            {"resource": {"resourceType": "Patient", "id": "p"}}, {"resource": resource}]});
        let e = err(&b);
        let msg = e.to_string();
        assert!(
            matches!(&e, FhirError::OlderVersion { version: v, .. } if *v == version)
                && msg.contains(version)
                && msg.contains("eligo reads FHIR R4")
                && !msg.contains('\n'),
            "{msg}"
        );
    }
}

#[test]
fn unparseable_dates() {
    // Observation: the observation is ignored, with the field.
    let mut b = sle_json();
    resource_mut(&mut b, "obs-creat-mass")["effectiveDateTime"] = json!("2026-13-45");
    let f = read_ok(&b);
    let why = only_reason(&f, "obs-creat-mass");
    assert_eq!(
        why.field.as_deref(),
        Some("entry[5].resource.effectiveDateTime")
    );
    assert!(why.reason.contains("2026-13-45"), "{}", why.reason);

    // Condition: kept (history counts by presence) without the date, with a note.
    let mut b = sle_json();
    resource_mut(&mut b, "cond-ln")["onsetDateTime"] = json!("last spring");
    let f = read_ok(&b);
    let ln = f
        .conditions
        .iter()
        .find(|c| c.source.id == "cond-ln")
        .unwrap();
    assert_eq!(ln.onset, None);
    let why = ignored_for(&f, "cond-ln");
    assert_eq!(why.len(), 1);
    assert_eq!(
        why[0].field.as_deref(),
        Some("entry[2].resource.onsetDateTime")
    );
    assert!(
        why[0].reason.contains("kept without it"),
        "{}",
        why[0].reason
    );

    // Medication with a period that ends before it starts.
    let mut b = sle_json();
    resource_mut(&mut b, "ms-prednisone")["effectivePeriod"] =
        json!({"start": "2026-06-01", "end": "2026-01-01"});
    let f = read_ok(&b);
    assert_eq!(f.medications[0].start, None);
    assert_eq!(
        ignored_for(&f, "ms-prednisone")[0].field.as_deref(),
        Some("entry[28].resource.effectivePeriod")
    );

    // birthDate: the read fails.
    for bad in ["17/04/1991", "1991-02-30", "1991-04-17T10:00:00Z"] {
        let mut b = sle_json();
        b["entry"][0]["resource"]["birthDate"] = json!(bad);
        let e = err(&b);
        assert!(
            matches!(&e, FhirError::BirthDate { value, .. } if value == bad),
            "{e:?}"
        );
        assert_eq!(e.path(), Some("entry[0].resource.birthDate"));
        assert_eq!(e.resource(), Some("Patient/sle-001"));
    }
}

#[test]
fn impossible_birth_dates_are_not_used() {
    for (bad, why) in [("1850-01-01", "over 150"), ("2027-01-01", "after today")] {
        let mut b = sle_json();
        b["entry"][0]["resource"]["birthDate"] = json!(bad);
        let f = read_ok(&b);
        assert_eq!(f.birth_date, None);
        let note = &ignored_for(&f, "sle-001")[0];
        assert_eq!(note.field.as_deref(), Some("entry[0].resource.birthDate"));
        assert!(note.reason.contains(why), "{}", note.reason);
    }
}

#[test]
fn impossible_quantities_are_ignored() {
    let b = with_patient(vec![
        lab("neg-creat", json!({"value": -0.4, "unit": "mg/dL"})),
        // No category: a count per volume is still never negative.
        json!({"resourceType": "Observation", "id": "neg-plt", "status": "final",
               "code": {"coding": [{"system": "http://loinc.org", "code": "777-3"}]},
               "valueQuantity": {"value": -150, "system": "http://unitsofmeasure.org", "code": "10*3/uL"}}),
        json!({"resourceType": "Observation", "id": "old", "status": "final",
               "code": {"coding": [{"system": "http://loinc.org", "code": "30525-0", "display": "Age"}]},
               "valueQuantity": {"value": 160, "system": "http://unitsofmeasure.org", "code": "a"}}),
        json!({"resourceType": "Observation", "id": "neg-sledai", "status": "final",
               "code": {"coding": [{"system": "http://eligo.dev/score", "code": "sledai-2k"}]},
               "valueInteger": -2}),
        lab("huge", json!({"value": 1e20, "unit": "mg/dL"})),
        lab("quoted", json!({"value": "1.32", "unit": "mg/dL"})),
        lab(
            "bound",
            json!({"value": 60, "comparator": ">", "unit": "mL/min/{1.73_m2}"}),
        ),
        lab(
            "bad-bound",
            json!({"value": 60, "comparator": "about", "unit": "mL/min/{1.73_m2}"}),
        ),
        // Base excess is signed: kept.
        json!({"resourceType": "Observation", "id": "base-excess", "status": "final",
               "category": [{"coding": [{"code": "laboratory"}]}],
               "code": {"coding": [{"system": "http://loinc.org", "code": "11555-0"}]},
               "valueQuantity": {"value": -3.2, "system": "http://unitsofmeasure.org", "code": "mmol/L"}}),
        // A signed non-lab value (ECG axis): kept.
        json!({"resourceType": "Observation", "id": "axis", "status": "final",
               "code": {"text": "QRS axis"},
               "valueQuantity": {"value": -30, "system": "http://unitsofmeasure.org", "code": "deg"}}),
    ]);
    let f = read_ok(&b);
    let reason = |id: &str| only_reason(&f, id).reason;
    assert!(
        reason("neg-creat").contains("negative value -0.4 mg/dL"),
        "{}",
        reason("neg-creat")
    );
    assert!(
        reason("neg-plt").contains("negative"),
        "{}",
        reason("neg-plt")
    );
    assert!(
        reason("old").contains("over 150 years"),
        "{}",
        reason("old")
    );
    assert!(
        reason("neg-sledai").contains("negative"),
        "{}",
        reason("neg-sledai")
    );
    assert!(
        reason("huge").contains("implausibly large"),
        "{}",
        reason("huge")
    );
    assert!(
        reason("quoted").contains("unquoted"),
        "{}",
        reason("quoted")
    );
    // A bound ("> 60") is kept as one: the matcher decides what it allows.
    assert_eq!(
        obs(&f, "bound").comparator,
        Some(eligo_model::rule::Comparator::Gt)
    );
    assert_eq!(
        only_reason(&f, "bad-bound").field.as_deref(),
        Some("entry[8].resource.valueQuantity.comparator")
    );
    let kept: Vec<&str> = f
        .observations
        .iter()
        .map(|o| o.source.id.as_str())
        .collect();
    assert_eq!(kept, ["bound", "base-excess", "axis"]);
}

#[test]
fn impossible_reference_range_is_dropped_not_the_value() {
    let mut b = sle_json();
    resource_mut(&mut b, "obs-c3")["referenceRange"][0]["low"]["value"] = json!(-90);
    let f = read_ok(&b);
    let c3 = obs(&f, "obs-c3");
    assert_eq!(c3.reference_range, None);
    assert!(c3.value.is_some());
    let why = ignored_for(&f, "obs-c3");
    assert_eq!(
        why[0].field.as_deref(),
        Some("entry[8].resource.referenceRange[0].low")
    );
}

#[test]
fn negative_dose_drops_the_dose_not_the_medication() {
    let mut b = sle_json();
    resource_mut(&mut b, "ms-prednisone")["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] =
        json!(-20);
    let f = read_ok(&b);
    assert_eq!(f.medications[0].source.id, "ms-prednisone");
    assert_eq!(f.medications[0].dose, None);
    assert!(
        ignored_for(&f, "ms-prednisone")[0]
            .reason
            .contains("negative dose")
    );
}

#[test]
fn malformed_units_are_kept_and_reported() {
    let b = with_patient(vec![
        lab("spaced", json!({"value": 1.1, "unit": "mg / dL"})),
        lab("no-unit", json!({"value": 1.1})),
        lab("greek-mu", json!({"value": 97, "unit": "μmol/L"})),
    ]);
    let f = read_ok(&b);
    let unit = |id: &str| match &obs(&f, id).value {
        Some(ObservationValue::Quantity { quantity }) => quantity.unit.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(unit("spaced"), "mg / dL", "kept as given");
    assert_eq!(unit("no-unit"), "");
    assert_eq!(unit("greek-mu"), "umol/L");
    let spaced = &ignored_for(&f, "spaced")[0];
    assert_eq!(
        spaced.field.as_deref(),
        Some("entry[1].resource.valueQuantity.unit")
    );
    assert!(
        spaced.reason.contains("cannot be UCUM"),
        "{}",
        spaced.reason
    );
    assert!(ignored_for(&f, "no-unit")[0].reason.contains("no unit"));
    assert!(ignored_for(&f, "greek-mu").is_empty());
}

#[test]
fn statuses_that_do_not_count() {
    let b = with_patient(vec![
        json!({"resourceType": "Condition", "id": "eie", "verificationStatus": {"coding": [{"code": "entered-in-error"}]},
               "code": {"text": "Hepatitis C"}}),
        json!({"resourceType": "Observation", "id": "cancelled", "status": "cancelled", "code": {"text": "CRP"}}),
        json!({"resourceType": "MedicationStatement", "id": "not-taken", "status": "not-taken",
               "medicationCodeableConcept": {"text": "rituximab"}}),
        json!({"resourceType": "MedicationRequest", "id": "mr-eie", "status": "entered-in-error",
               "medicationCodeableConcept": {"text": "belimumab"}}),
        json!({"resourceType": "MedicationAdministration", "id": "not-given", "status": "not-done",
               "medicationCodeableConcept": {"text": "cyclophosphamide"}}),
        json!({"resourceType": "Procedure", "id": "not-done", "status": "not-done", "code": {"text": "Renal biopsy"}}),
        json!({"resourceType": "Immunization", "id": "imm-not-done", "status": "not-done", "vaccineCode": {"text": "Zoster"}}),
        json!({"resourceType": "AllergyIntolerance", "id": "allergy-refuted",
               "verificationStatus": {"coding": [{"code": "refuted"}]}, "code": {"text": "Sulfonamides"}}),
        json!({"resourceType": "Condition", "id": "no-code", "clinicalStatus": {"coding": [{"code": "active"}]}}),
    ]);
    let f = read_ok(&b);
    assert!(f.conditions.is_empty() && f.observations.is_empty() && f.medications.is_empty());
    assert!(f.procedures.is_empty() && f.immunizations.is_empty() && f.allergies.is_empty());
    for id in [
        "eie",
        "cancelled",
        "not-taken",
        "mr-eie",
        "not-given",
        "not-done",
        "imm-not-done",
        "allergy-refuted",
        "no-code",
    ] {
        assert_eq!(ignored_for(&f, id).len(), 1, "{id}");
    }
    assert!(
        ignored_for(&f, "no-code")[0]
            .reason
            .contains("no code or text")
    );
}

#[test]
fn structural_problems() {
    let mut b = sle_json();
    b["type"] = json!("history");
    assert!(
        matches!(err(&b), FhirError::UnsupportedBundleType { bundle_type, .. } if bundle_type == "history")
    );

    let mut b = sle_json();
    b["entry"] = json!({"resource": {}});
    assert_eq!(err(&b).path(), Some("entry"));

    let mut b = sle_json();
    resource_mut(&mut b, "obs-c3")["id"] = json!("obs-egfr");
    let e = err(&b);
    assert!(e.to_string().contains("ambiguous"), "{e}");
    assert_eq!(e.resource(), Some("Observation/obs-egfr"));

    let mut b = sle_json();
    b["entry"][8]["fullUrl"] = b["entry"][7]["fullUrl"].clone();
    assert!(err(&b).to_string().contains("fullUrl"));

    // Entries that hold nothing readable are listed, not fatal.
    let mut b = sle_json();
    let entries = b["entry"].as_array_mut().unwrap();
    entries.push(json!({"request": {"method": "DELETE", "url": "Observation/old"}}));
    entries.push(json!({"resource": {"id": "typeless"}}));
    entries.push(json!(17));
    let f = read_ok(&b);
    let fields: Vec<&str> = f
        .ignored
        .iter()
        .filter_map(|i| i.field.as_deref())
        .collect();
    assert!(
        fields.contains(&"entry[36]")
            && fields.contains(&"entry[37].resource")
            && fields.contains(&"entry[38]"),
        "{fields:?}"
    );

    // A wrongly typed field ignores its observation, naming the path.
    let mut b = sle_json();
    resource_mut(&mut b, "obs-c3")["code"]["coding"] = json!({"code": "4485-9"});
    let f = read_ok(&b);
    let why = only_reason(&f, "obs-c3");
    assert_eq!(why.field.as_deref(), Some("entry[8].resource.code.coding"));
    assert!(why.reason.contains("expected an array"), "{}", why.reason);

    // Two value[x].
    let mut b = sle_json();
    resource_mut(&mut b, "obs-c3")["valueString"] = json!("low");
    let f = read_ok(&b);
    assert!(only_reason(&f, "obs-c3").reason.contains("one value[x]"));
}

#[test]
fn unresolved_medication_reference() {
    let mut b = sle_json();
    resource_mut(&mut b, "mr-mycophenolate")["medicationReference"]["reference"] =
        json!("Medication/gone");
    let f = read_ok(&b);
    let mmf = f
        .medications
        .iter()
        .find(|m| m.source.id == "mr-mycophenolate")
        .unwrap();
    assert!(mmf.codes.is_empty());
    assert_eq!(
        mmf.text.as_deref(),
        Some("Mycophenolate mofetil"),
        "read by its display"
    );
    assert!(
        ignored_for(&f, "mr-mycophenolate")[0]
            .reason
            .contains("not in the bundle")
    );

    resource_mut(&mut b, "mr-mycophenolate")["medicationReference"] =
        json!({"reference": "Medication/gone"});
    let f = read_ok(&b);
    assert!(
        f.medications
            .iter()
            .all(|m| m.source.id != "mr-mycophenolate")
    );
    assert!(
        ignored_for(&f, "mr-mycophenolate")[0]
            .reason
            .contains("which medication is unknown")
    );
}
