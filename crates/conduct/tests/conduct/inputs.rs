//! The readers: errors name the field; nothing panics on any input.

use eligo_conduct::data::{AdverseEvent, ConMed, Participant, VisitInput, prednisone_mg_per_day};
use eligo_conduct::{Settings, audit};
use proptest::prelude::*;
use serde_json::{Value, json};

fn err(v: Value) -> String {
    VisitInput::from_json(&v).unwrap_err().to_string()
}

#[test]
fn visit_errors_name_the_field() {
    assert_eq!(err(json!({})), "date: missing");
    assert!(err(json!({"date": "2026-02-30"})).starts_with("date: \"2026-02-30\" is not a date"));
    assert!(err(json!({"date": "2026-02-15", "bogus": 1})).starts_with("bogus: unknown field"));
    assert_eq!(
        err(json!({"date": "2026-02-15", "sledai2k": {"arthritis": true}})),
        "sledai2k.seizure: missing"
    );
    assert!(err(json!({"date": "2026-02-15", "pga": 3.5})).starts_with("pga: 3.5 is out of range"));
    assert!(
        err(
            json!({"date": "2026-02-15", "labs": [{"analyte": "c3", "value": 0.8, "unit": "mg/dL"},
                                                  {"analyte": "c3", "value": 1, "unit": "kg"}]})
        )
        .starts_with("labs[1].unit: kg is not a unit of")
    );
    assert!(
        err(json!({"date": "2026-02-15", "labs": [{"analyte": "unobtainium", "value": 1, "unit": "g/L"}]}))
            .starts_with("labs[0].analyte: unknown analyte")
    );
    assert!(
        err(json!({"date": "2026-02-15", "bilag": {"renal": "a"}}))
            .starts_with("bilag.constitutional: missing")
    );
    assert_eq!(
        err(
            json!({"date": "2026-02-15", "adverse_events": [{"term": "Rash", "onset": "2026-02-01",
            "relatedness": "possible", "grading": {"scale": "entered", "name": "CTCAE v5.0", "grade": 7}}]})
        ),
        "adverse_events[0].grading.grade: expected a whole number from 1 to 5, got 7"
    );
    assert!(
        err(json!({"date": "2026-02-15", "concomitant_medications": [{"name": "Prednisone", "start": "2026-01-01"}]}))
            .starts_with("concomitant_medications[0].dose_mg: a glucocorticoid needs")
    );
}

#[test]
fn a_lab_value_ctcae_cannot_grade_must_be_entered_with_its_scale() {
    // Platelets graded against an LLN: without the LLN grade 1 is unknown.
    let e = AdverseEvent::from_json(&json!({"term": "Platelet count decreased", "onset": "2026-02-01",
        "relatedness": "possible", "grading": {"scale": "ctcae_lab", "value": 120, "unit": "10*9/L"}}))
    .unwrap_err();
    assert!(
        e.to_string().contains("enter the grade with its scale"),
        "{e}"
    );
    let ok = AdverseEvent::from_json(&json!({"term": "Platelet count decreased", "onset": "2026-02-01",
        "relatedness": "possible", "grading": {"scale": "ctcae_lab", "value": 20, "unit": "10*9/L"}}))
    .unwrap();
    assert_eq!(ok.graded().unwrap().grade, 4, "< 25 × 10⁹/L needs no LLN");
}

#[test]
fn records_round_trip_through_their_json() {
    let (ex, _) = crate::common::example();
    for p in &ex.participants {
        assert_eq!(
            Participant::from_json(&p.participant.to_json()).unwrap(),
            p.participant
        );
        for (_, v) in &p.visits {
            let back = eligo_conduct::VisitData::from_json(&v.data.to_json()).unwrap();
            assert_eq!(back, v.data);
            for a in &v.adverse_events {
                assert_eq!(&AdverseEvent::from_json(&a.to_json()).unwrap(), a);
            }
            for c in &v.concomitant_medications {
                assert_eq!(&ConMed::from_json(&c.to_json()).unwrap(), c);
            }
        }
    }
    let s = Settings::from_json(
        &json!({"visits": [{"code": "M6"}, {"code": "W2", "window_days": 3}],
        "dlt_window_days": 21, "boin_target": 0.25}),
    )
    .unwrap();
    assert_eq!(Settings::from_json(&s.to_json()).unwrap(), s);
    assert_eq!(s.visits.as_ref().unwrap()[0].code, "W2", "sorted by time");
    assert_eq!(
        s.visits.as_ref().unwrap()[1].window_days,
        14,
        "default from month 6"
    );
    assert!(Settings::from_json(&json!({"boin_target": 0.9})).is_err());
}

#[test]
fn prednisone_equivalents_use_the_vocabulary() {
    let cms = vec![
        ConMed::from_json(&json!({"name": "Methylprednisolone", "dose_mg": 4, "frequency": "BID", "start": "2026-01-01"})).unwrap(),
        ConMed::from_json(&json!({"name": "Hydroxychloroquine", "dose_mg": 200, "frequency": "BID", "start": "2026-01-01"})).unwrap(),
    ];
    // Methylprednisolone 4 mg = prednisone 5 mg: 4 × 2 × 1.25 = 10.
    let (mg, text) = prednisone_mg_per_day(&cms, "2026-02-01".parse().unwrap()).unwrap();
    assert_eq!(mg, "10".parse().unwrap(), "{text}");
    let prn = vec![
        ConMed::from_json(
            &json!({"name": "Prednisone", "dose_mg": 5, "frequency": "PRN", "start": "2026-01-01"}),
        )
        .unwrap(),
    ];
    assert!(prednisone_mg_per_day(&prn, "2026-02-01".parse().unwrap()).is_err());
}

#[test]
fn audit_diff_lists_changed_leaves() {
    let a = json!({"pga": 1.0, "labs": [{"analyte": "c3", "value": 0.8}], "notes": "x"});
    let b = json!({"pga": 1.2, "labs": [{"analyte": "c3", "value": 0.8}, {"analyte": "c4", "value": 0.1}]});
    let d = audit::diff(&a, &b);
    let paths: Vec<(&str, Option<&str>, Option<&str>)> = d
        .iter()
        .map(|c| (c.path.as_str(), c.old.as_deref(), c.new.as_deref()))
        .collect();
    assert_eq!(
        paths,
        [
            ("labs[1].analyte", None, Some("c4")),
            ("labs[1].value", None, Some("0.1")),
            ("notes", Some("x"), None),
            ("pga", Some("1.0"), Some("1.2")),
        ]
    );
    assert!(audit::diff(&a, &a).is_empty());
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        "[a-z0-9_ .-]{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "2026-02-15",
            "2026-13-01",
            "date",
            "c3",
            "g/L",
            "M1",
            "ctcae_lab",
            "entered",
            "astct_crs"
        ])
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        let keys = prop::sample::select(vec![
            "date",
            "sledai2k",
            "pga",
            "labs",
            "analyte",
            "value",
            "unit",
            "adverse_events",
            "grading",
            "scale",
            "term",
            "onset",
            "relatedness",
            "grade",
            "name",
            "vitals",
            "concomitant_medications",
            "start",
            "study_id",
            "infusion_date",
            "visits",
            "code",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #[test]
    fn readers_never_panic(v in arb_json()) {
        let _ = VisitInput::from_json(&v);
        let _ = Participant::from_json(&v);
        let _ = AdverseEvent::from_json(&v);
        let _ = ConMed::from_json(&v);
        let _ = Settings::from_json(&v);
        if let Err(e) = VisitInput::from_json(&v) {
            prop_assert!(!e.path.is_empty());
        }
    }

    #[test]
    fn time_frames_never_panic(s in ".{0,80}") {
        let _ = eligo_conduct::schedule::parse_time_frame(&s);
        let _ = eligo_conduct::schedule::Offset::parse_code(&s);
    }
}
