//! SDTM-shaped datasets and the FHIR Bundle of the worked example.

use crate::common::{example, trial};
use eligo_conduct::export::sdtm::{self, Study, Subject};
use eligo_conduct::{fhir, plan};

fn export() -> (Vec<sdtm::Dataset>, serde_json::Value) {
    let (_, people) = example();
    let t = trial("NCT06946485");
    let plan = plan(&t);
    let study = Study {
        study_id: "NCT06946485",
        treatment: "CHT101",
        dose_levels: &[],
        plan: &plan,
    };
    let subjects: Vec<Subject> = people
        .iter()
        .map(|p| Subject {
            participant: &p.p,
            visits: &p.visits,
            aes: &p.aes,
            cms: &p.cms,
        })
        .collect();
    (
        sdtm::datasets(&study, &subjects),
        fhir::bundle(&study, &subjects),
    )
}

#[test]
fn sdtm_datasets_carry_the_example() {
    let (ds, _) = export();
    let names: Vec<&str> = ds.iter().map(|d| d.name).collect();
    assert_eq!(names, ["DM", "EX", "VS", "LB", "QS", "AE", "SUPPAE", "CM"]);
    let get = |n: &str| ds.iter().find(|d| d.name == n).unwrap();
    let dm = get("DM");
    assert_eq!(dm.rows.len(), 6);
    assert_eq!(dm.get(0, "USUBJID"), Some("NCT06946485-CHT-S01"));
    assert_eq!(dm.get(0, "RFSTDTC"), Some("2026-01-15"));
    assert_eq!(dm.get(0, "SEX"), Some("F"));
    // No names anywhere: SUBJID is the study id.
    assert_eq!(dm.get(2, "SUBJID"), Some("CHT-S03"));
    let lb = get("LB");
    // S01 baseline C3 0.52 g/L below 0.9: LOW; day -5 (no day 0 in SDTM).
    assert_eq!(lb.get(0, "LBTESTCD"), Some("C3"));
    assert_eq!(lb.get(0, "LBNRIND"), Some("LOW"));
    assert_eq!(lb.get(0, "LBDY"), Some("-5"));
    assert_eq!(lb.get(0, "VISIT"), Some("BASELINE"));
    let dsdna = lb.rows.iter().position(|r| r[4] == "DSDNAAB").unwrap();
    assert_eq!(lb.get(dsdna, "LBORRESU"), Some("IU/mL"));
    let ae = get("AE");
    assert_eq!(ae.rows.len(), 11);
    let crs = ae
        .rows
        .iter()
        .position(|r| r[4] == "Cytokine release syndrome")
        .unwrap();
    assert_eq!(ae.get(crs, "AETOXGR"), Some("1"));
    assert_eq!(ae.get(crs, "AESTDY"), Some("2"), "2026-01-16 is day 2");
    assert_eq!(ae.get(crs, "AEOUT"), Some("RECOVERED/RESOLVED"));
    let supp = get("SUPPAE");
    assert!(
        supp.rows
            .iter()
            .any(|r| r[5] == "AEGRSCL" && r[7] == "ASTCT CRS")
    );
    let qs = get("QS");
    // S01 baseline SELENA-SLEDAI total 14.
    assert!(qs.rows.iter().any(|r| r[2] == "NCT06946485-CHT-S01"
        && r[4] == "SELSLTOT"
        && r[7] == "14"
        && r[11] == "BASELINE"));
    let vs = get("VS");
    assert_eq!(vs.get(0, "VSTESTCD"), Some("TEMP"));
    assert_eq!(vs.get(0, "VSSTRESU"), Some("C"));
    let cm = get("CM");
    assert!(
        cm.rows
            .iter()
            .any(|r| r[4] == "Prednisone" && r[5] == "GLUCOCORTICOID" && r[8] == "QD")
    );
    let csv = dm.to_csv();
    assert!(csv.starts_with("STUDYID,DOMAIN,USUBJID,SUBJID,"));
    assert!(csv.contains("\"Dose") || !csv.contains('"'));
}

#[test]
fn csv_quotes_what_needs_quoting() {
    let d = sdtm::Dataset {
        name: "X",
        columns: vec!["A", "B"],
        rows: vec![vec!["a,b".into(), "say \"hi\"".into()]],
    };
    assert_eq!(d.to_csv(), "A,B\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n");
}

#[test]
fn the_fhir_bundle_reads_back_as_visits() {
    let (_, bundle) = export();
    let entries = bundle["entry"].as_array().unwrap();
    let count = |rt: &str| {
        entries
            .iter()
            .filter(|e| e["resource"]["resourceType"] == rt)
            .count()
    };
    assert_eq!(count("ResearchStudy"), 1);
    assert_eq!(count("ResearchSubject"), 6);
    assert_eq!(count("Patient"), 6);
    assert_eq!(count("AdverseEvent"), 11);
    assert!(
        entries.iter().all(|e| e["resource"]["name"].is_null()),
        "no names"
    );
    // The Observations of S01's baseline read back into the same values.
    let (_, people) = example();
    let bl = &people[0].visits[0];
    let got = fhir::visit_from_bundle(
        &serde_json::json!({"resourceType": "Bundle", "entry": entries.iter()
            .filter(|e| e["resource"]["subject"]["reference"] == "Patient/NCT06946485-CHT-S01")
            .cloned().collect::<Vec<_>>()}),
        bl.date.unwrap(),
    )
    .unwrap();
    assert_eq!(got.data.pga, bl.data.pga);
    assert_eq!(got.data.bilag, bl.data.bilag);
    assert_eq!(got.data.labs, bl.data.labs);
    assert_eq!(got.data.vitals, bl.data.vitals);
    assert!(
        got.ignored
            .iter()
            .any(|i| i.contains("selena-sledai is a total without its items")),
        "{:?}",
        got.ignored
    );
    // Later visits' observations are left out as another date.
    assert!(got.ignored.iter().any(|i| i.contains("not the visit date")));
}
