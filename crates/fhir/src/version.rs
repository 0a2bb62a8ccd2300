//! Which FHIR version a record is written in. eligo reads R4 (and the R4B
//! and R5 shapes its reader knows); an older record read as R4 would lose
//! facts silently (an STU3 `MedicationStatement.taken: "n"` is a drug *not*
//! taken; a DSTU2 `AllergyIntolerance.substance` is where R4 has `code`),
//! so STU3 and DSTU2 records are refused, naming the version and what gave
//! it away.
//!
//! Only markers that R4 cannot hold count: resource types that R4 dropped
//! or renamed, elements that R4 removed, and server base URLs that say the
//! version. Lenient shapes R4 records are seen with (a status written as a
//! plain code) are not markers.

use serde_json::Value;

/// An older FHIR version and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Older {
    pub version: &'static str,
    pub evidence: String,
}

/// Resource types that exist only before R4, with the version that had them last.
const TYPES: &[(&str, &str)] = &[
    ("MedicationOrder", "DSTU2"),
    ("DiagnosticOrder", "DSTU2"),
    ("Order", "DSTU2"),
    ("OrderResponse", "DSTU2"),
    ("DeviceUseRequest", "DSTU2"),
    ("Conformance", "DSTU2"),
    ("ProcedureRequest", "STU3"),
    ("ReferralRequest", "STU3"),
    ("ProcessRequest", "STU3"),
    ("ProcessResponse", "STU3"),
    ("EligibilityRequest", "STU3"),
    ("EligibilityResponse", "STU3"),
    ("BodySite", "STU3"),
    ("DataElement", "STU3"),
    ("ServiceDefinition", "STU3"),
];

/// Elements that exist only before R4: (resource type, element, version).
const ELEMENTS: &[(&str, &str, &str)] = &[
    ("Condition", "dateRecorded", "DSTU2"),
    ("Condition", "patient", "DSTU2"),
    ("AllergyIntolerance", "substance", "DSTU2"),
    ("Immunization", "wasNotGiven", "DSTU2"),
    ("MedicationStatement", "wasNotTaken", "DSTU2"),
    ("Procedure", "notPerformed", "DSTU2"),
    ("Observation", "comments", "DSTU2"),
    ("Encounter", "patient", "DSTU2"),
    ("Condition", "assertedDate", "STU3"),
    ("Condition", "context", "STU3"),
    ("Observation", "context", "STU3"),
    ("MedicationStatement", "taken", "STU3"),
    ("MedicationStatement", "context", "STU3"),
    ("MedicationRequest", "context", "STU3"),
    ("Procedure", "notDone", "STU3"),
    ("Procedure", "context", "STU3"),
    ("Immunization", "notGiven", "STU3"),
    ("AllergyIntolerance", "assertedDate", "STU3"),
    ("DiagnosticReport", "context", "STU3"),
];

fn older_of(resource: &Value) -> Option<Older> {
    let t = resource.get("resourceType")?.as_str()?;
    if let Some((_, v)) = TYPES.iter().find(|(x, _)| *x == t) {
        return Some(Older {
            version: v,
            evidence: format!("it holds {t} resources, a {v} type"),
        });
    }
    let obj = resource.as_object()?;
    ELEMENTS
        .iter()
        .find(|(rt, el, _)| *rt == t && obj.contains_key(*el))
        .map(|(rt, el, v)| Older {
            version: v,
            evidence: format!("{rt}.{el} is a {v} element"),
        })
}

fn older_of_url(url: &str) -> Option<Older> {
    let l = url.to_ascii_lowercase();
    let v = if l.contains("/basedstu2/") || l.contains("/dstu2/") {
        "DSTU2"
    } else if l.contains("/basedstu3/") || l.contains("/stu3/") {
        "STU3"
    } else {
        return None;
    };
    Some(Older {
        version: v,
        evidence: format!("its URL {url:?} names {v}"),
    })
}

/// The older version a record is written in, if it is one. DSTU2 markers
/// win over STU3 ones (DSTU2 had some STU3 elements too).
pub(crate) fn detect(v: &Value) -> Option<Older> {
    let mut found: Vec<Older> = Vec::new();
    let mut look = |r: &Value, url: Option<&str>| {
        found.extend(older_of(r));
        found.extend(url.and_then(older_of_url));
        if let Some(profiles) = r.pointer("/meta/profile").and_then(Value::as_array) {
            found.extend(
                profiles
                    .iter()
                    .filter_map(Value::as_str)
                    .filter_map(older_of_url),
            );
        }
    };
    look(v, None);
    if let Some(entries) = v.get("entry").and_then(Value::as_array) {
        for e in entries {
            if let Some(r) = e.get("resource") {
                look(r, e.get("fullUrl").and_then(Value::as_str));
            }
        }
    }
    found
        .iter()
        .find(|o| o.version == "DSTU2")
        .or(found.first())
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn markers_name_the_version() {
        let dstu2 = json!({"resourceType": "Bundle", "entry": [
            {"resource": {"resourceType": "Condition", "assertedDate": "2010-01-01"}},
            {"resource": {"resourceType": "MedicationOrder"}}]});
        assert_eq!(detect(&dstu2).unwrap().version, "DSTU2");
        let stu3 = json!({"resourceType": "Bundle", "entry": [
            {"resource": {"resourceType": "MedicationStatement", "taken": "n"}}]});
        assert_eq!(detect(&stu3).unwrap().version, "STU3");
        let r4 = json!({"resourceType": "Bundle", "entry": [
            {"resource": {"resourceType": "Condition", "clinicalStatus": "active", "recordedDate": "2010"}}]});
        assert_eq!(detect(&r4), None);
    }
}
