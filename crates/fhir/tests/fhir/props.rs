//! The reader never panics, and whatever it reads survives eligo's plain form.

use super::*;
use proptest::prelude::*;
use serde_json::json;

/// Every path (object keys and array indexes) in a JSON value.
fn paths(v: &Value, here: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                here.push(PathStep::Key(k.clone()));
                out.push(here.clone());
                paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                here.push(PathStep::Index(i));
                out.push(here.clone());
                paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete,
    Replace(Value),
}

/// Values a careless or hostile writer might put anywhere. Numbers stay
/// "clinical" (a few decimals) so that the plain-form round trip is exact.
fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-1_000_000i64..1_000_000, 0u32..4).prop_map(|(n, scale)| {
            let text = rust_decimal::Decimal::new(n, scale).to_string();
            serde_json::from_str(&text).unwrap()
        }),
        any::<i64>().prop_map(Value::from),
        Just(json!(1e300)),
        Just(json!(-0.0)),
        "[ -~µ]{0,12}".prop_map(Value::from),
        prop_oneof![
            Just("2026-02-30"),
            Just("2026"),
            Just("1850-01-01"),
            Just("Patient/nobody"),
            Just("#missing"),
            Just("urn:uuid:6f1c2a9e-0b7d-4a55-9c3e-1d2f3a4b5c60"),
            Just("entered-in-error"),
            Just("refuted"),
            Just("Bundle"),
            Just("Patient"),
            Just("{score}"),
            Just("mo"),
        ]
        .prop_map(Value::from),
        Just(json!([])),
        Just(json!({})),
        Just(json!([{"code": "x"}])),
        Just(json!({"coding": [{"system": "http://loinc.org", "code": "2160-0"}]})),
        Just(json!({"value": -1, "unit": "mg/dL"})),
        Just(json!({"reference": "Patient/sle-001"})),
    ]
}

fn apply(v: &mut Value, path: &[PathStep], m: &Mutation) {
    let (last, parent_path) = path.split_last().unwrap();
    let mut parent = v;
    for step in parent_path {
        parent = match step {
            PathStep::Key(k) => &mut parent[k.as_str()],
            PathStep::Index(i) => &mut parent[*i],
        };
    }
    match (last, m, parent) {
        (PathStep::Key(k), Mutation::Delete, Value::Object(o)) => {
            o.remove(k);
        }
        (PathStep::Index(i), Mutation::Delete, Value::Array(a)) => {
            a.remove(*i);
        }
        (PathStep::Key(k), Mutation::Replace(r), Value::Object(o)) => {
            o.insert(k.clone(), r.clone());
        }
        (PathStep::Index(i), Mutation::Replace(r), Value::Array(a)) => a[*i] = r.clone(),
        _ => unreachable!("paths are taken from the value itself"),
    }
}

fn mutation() -> impl Strategy<Value = (prop::sample::Index, Mutation)> {
    let m = prop_oneof![
        Just(Mutation::Delete),
        replacement().prop_map(Mutation::Replace)
    ];
    (any::<prop::sample::Index>(), m)
}

/// Whatever is read must come back unchanged through eligo's plain JSON.
fn round_trips(f: &PatientFacts) -> Result<(), TestCaseError> {
    let text = serde_json::to_string(f).unwrap();
    let back = read_str(&text)
        .map_err(|e| TestCaseError::fail(format!("plain form not read back: {e}\n{text}")))?;
    prop_assert_eq!(&back, f);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        let _ = read_str(&s);
    }

    #[test]
    fn json_looking_text_never_panics(s in "[\\[\\]{}\":,0-9a-zA-Z \\-.eE]{0,80}") {
        let _ = read_str(&s);
        let _ = read_str(&format!("{{\"resourceType\": \"Bundle\", \"entry\": [{s}]}}"));
    }

    #[test]
    fn mutated_bundle_never_panics(mutations in prop::collection::vec(mutation(), 1..6)) {
        let mut v = sle_json();
        for (at, m) in &mutations {
            let mut all = Vec::new();
            paths(&v, &mut Vec::new(), &mut all);
            if all.is_empty() {
                break;
            }
            let path = &all[at.index(all.len())];
            apply(&mut v, path, m);
        }
        let by_value = read(&v);
        let by_text = read_str(&serde_json::to_string(&v).unwrap());
        match (&by_value, &by_text) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(a, b);
                round_trips(a)?;
            }
            (Err(_), Err(_)) => {}
            _ => prop_assert!(false, "value and text disagree: {:?} vs {:?}", by_value, by_text),
        }
    }

    /// Mutating only one resource never makes the read fail unless the
    /// mutation touched a reference, id, or the resource's type.
    #[test]
    fn mutated_resource_is_ignored_not_fatal(entry in 1usize..35, (at, m) in mutation()) {
        let mut v = sle_json();
        let mut all = Vec::new();
        paths(&v["entry"][entry]["resource"], &mut Vec::new(), &mut all);
        let path = all[at.index(all.len())].clone();
        let touches_identity = matches!(&path[0], PathStep::Key(k) if ["id", "resourceType", "subject", "patient"].contains(&k.as_str()));
        apply(&mut v["entry"][entry]["resource"], &path, &m);
        let read = read(&v);
        if !touches_identity {
            prop_assert!(read.is_ok(), "{:?} at {:?}: {:?}", m, path, read);
        }
    }
}
