//! The hand-written SLE record (`tests/data/sle-bundle.json`), read fact by fact.

use super::*;
use eligo_model::Quantity;
use eligo_model::fact::{
    ClinicalStatus, Coding, Gender, ObservationValue, VerificationStatus, systems,
};
use rust_decimal::Decimal;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn q(v: &str, unit: &str) -> Quantity {
    Quantity::new(dec(v), unit)
}

fn facts() -> PatientFacts {
    read_ok(&sle_json())
}

fn quantity(o: &ObservationFact) -> &Quantity {
    match &o.value {
        Some(ObservationValue::Quantity { quantity }) => quantity,
        other => panic!("{}: expected a quantity, found {other:?}", o.source.id),
    }
}

fn coded(o: &ObservationFact) -> (&[Coding], Option<&str>) {
    match &o.value {
        Some(ObservationValue::Code { coding, text }) => (coding, text.as_deref()),
        other => panic!("{}: expected a code, found {other:?}", o.source.id),
    }
}

#[test]
fn patient() {
    let f = facts();
    assert_eq!(f.id, "sle-001");
    assert_eq!(f.birth_date, Some(date("1991-04-17")));
    assert_eq!(f.gender, Some(Gender::Female));
}

#[test]
fn the_text_and_the_value_read_the_same() {
    assert_eq!(read_str(&sle_text()).unwrap(), facts());
}

#[test]
fn conditions() {
    let f = facts();
    let ids: Vec<&str> = f.conditions.iter().map(|c| c.source.id.as_str()).collect();
    assert_eq!(
        ids,
        ["cond-sle", "cond-ln", "cond-pleurisy"],
        "the refuted condition is not a fact"
    );

    let sle = &f.conditions[0];
    assert_eq!(sle.source.resource_type, "Condition");
    assert_eq!(
        sle.codes,
        [
            Coding {
                system: systems::SNOMED.into(),
                code: "55464009".into(),
                display: Some("Systemic lupus erythematosus".into())
            },
            Coding {
                system: systems::ICD10.into(),
                code: "M32.14".into(),
                display: Some("Glomerular disease in systemic lupus erythematosus".into())
            },
        ]
    );
    assert_eq!(sle.text.as_deref(), Some("Systemic lupus erythematosus"));
    assert_eq!(sle.clinical_status, Some(ClinicalStatus::Active));
    assert_eq!(sle.verification_status, Some(VerificationStatus::Confirmed));
    assert_eq!(
        sle.onset,
        Some(date("2019-03-01")),
        "onset 2019-03 is taken as its first day"
    );
    assert_eq!(sle.recorded, Some(date("2019-04-02")));
    assert_eq!(sle.abatement, None);
    assert_eq!(sle.grade, None);

    let ln = &f.conditions[1];
    assert_eq!(ln.codes[0].code, "68815009");
    assert_eq!(ln.codes[1].system, systems::ICD10CM);
    assert_eq!(ln.onset, Some(date("2024-09-15")));
    assert_eq!(ln.grade, Some(4), "stage summary 'Class IV'");

    let pleurisy = &f.conditions[2];
    assert_eq!(
        pleurisy.clinical_status,
        Some(ClinicalStatus::Resolved),
        "resolved conditions are kept"
    );
    assert_eq!(pleurisy.onset, Some(date("2020-02-10")));
    assert_eq!(pleurisy.abatement, Some(date("2020-03-20")));
    assert_eq!(pleurisy.text, None);
}

#[test]
fn labs_keep_value_unit_range_and_date() {
    let f = facts();
    let creat = obs(&f, "obs-creat-mass");
    assert_eq!(creat.codes[0].code, "2160-0");
    assert_eq!(creat.codes[0].system, systems::LOINC);
    assert_eq!(
        *quantity(creat),
        q("1.32", "mg/dL"),
        "the UCUM code wins over the unit text 'mg/dl'"
    );
    let range = creat.reference_range.as_ref().unwrap();
    assert_eq!(range.low, Some(q("0.57", "mg/dL")));
    assert_eq!(range.high, Some(q("1.11", "mg/dL")));
    assert_eq!(
        creat.effective,
        Some(date("2026-11-18")),
        "the local date of 08:30+01:00"
    );
    assert_eq!(creat.interpretation, ["H"]);
    assert_eq!(creat.category, ["laboratory"]);

    let molar = obs(&f, "obs-creat-molar");
    assert_eq!(*quantity(molar), q("117", "umol/L"), "µ is written u");
    let range = molar.reference_range.as_ref().unwrap();
    assert_eq!(
        (range.low.clone(), range.high.clone()),
        (Some(q("50", "umol/L")), Some(q("98", "umol/L")))
    );

    let egfr = obs(&f, "obs-egfr");
    assert_eq!(*quantity(egfr), q("55", "mL/min/{1.73_m2}"));
    assert_eq!(egfr.text.as_deref(), Some("eGFR (CKD-EPI 2021)"));
    let range = egfr.reference_range.as_ref().unwrap();
    assert_eq!(
        (range.low.clone(), range.high.clone()),
        (Some(q("60", "mL/min/{1.73_m2}")), None)
    );

    let c3 = obs(&f, "obs-c3");
    assert_eq!(*quantity(c3), q("62", "mg/dL"));
    assert_eq!(c3.interpretation, ["L"]);
    assert_eq!(*quantity(obs(&f, "obs-upcr")), q("1.8", "mg/mg"));
    assert_eq!(obs(&f, "obs-upcr").reference_range, None);
}

#[test]
fn cardiac_and_vital_signs() {
    let f = facts();
    let lvef = obs(&f, "obs-lvef");
    assert_eq!(lvef.codes[0].code, "10230-1");
    assert_eq!(*quantity(lvef), q("58", "%"));
    assert_eq!(lvef.effective, Some(date("2026-10-02")));
    assert_eq!(lvef.category, ["imaging"]);

    let spo2 = obs(&f, "obs-spo2");
    let codes: Vec<&str> = spo2.codes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["59408-5", "2708-6"], "every coding is kept");
    assert_eq!(*quantity(spo2), q("97", "%"));
    assert_eq!(spo2.category, ["vital-signs"]);

    let bp = obs(&f, "obs-bp");
    assert_eq!(bp.value, None);
    assert_eq!(bp.components.len(), 2);
    assert_eq!(bp.components[0].codes[0].code, "8480-6");
    assert_eq!(
        bp.components[0].value,
        Some(ObservationValue::Quantity {
            quantity: q("128", "mm[Hg]")
        })
    );
    assert_eq!(bp.components[1].codes[0].code, "8462-4");
    assert_eq!(
        bp.components[1].value,
        Some(ObservationValue::Quantity {
            quantity: q("82", "mm[Hg]")
        })
    );
}

#[test]
fn coded_results() {
    let f = facts();
    let hbsag = obs(&f, "obs-hbsag");
    assert_eq!(hbsag.codes[0].code, "5196-1");
    let (coding, text) = coded(hbsag);
    assert_eq!(coding[0].system, systems::SNOMED);
    assert_eq!(coding[0].code, "260385009");
    assert_eq!(coding[0].display.as_deref(), Some("Negative"));
    assert_eq!(text, Some("Negative"));
    assert_eq!(hbsag.interpretation, ["NEG"]);
    assert_eq!(hbsag.effective, Some(date("2026-10-15")));

    let hcg = obs(&f, "obs-hcg");
    assert_eq!(hcg.codes[0].code, "2106-3");
    let (coding, text) = coded(hcg);
    assert_eq!(coding[0].code, "260385009");
    assert_eq!(text, None);
}

#[test]
fn scores() {
    let f = facts();
    let sledai = obs(&f, "obs-sledai");
    assert_eq!(sledai.codes[0].system, systems::ELIGO_SCORE);
    assert_eq!(sledai.codes[0].code, "sledai-2k");
    assert_eq!(
        *quantity(sledai),
        q("10", "{score}"),
        "valueInteger of an eligo score"
    );
    assert_eq!(sledai.category, ["survey"]);
    assert_eq!(sledai.effective, Some(date("2026-11-20")));

    assert_eq!(*quantity(obs(&f, "obs-pga")), q("1.5", "{score}"));

    let expected = [
        ("constitutional", "C"),
        ("mucocutaneous", "B"),
        ("neuropsychiatric", "E"),
        ("musculoskeletal", "C"),
        ("cardiorespiratory", "D"),
        ("gastrointestinal", "E"),
        ("ophthalmic", "E"),
        ("renal", "A"),
        ("haematological", "C"),
    ];
    for (domain, grade) in expected {
        let o = obs(&f, &format!("obs-bilag-{domain}"));
        assert_eq!(o.codes[0].system, systems::ELIGO_SCORE);
        assert_eq!(o.codes[0].code, format!("bilag-2004-{domain}"));
        let (coding, text) = coded(o);
        assert_eq!(coding[0].system, systems::ELIGO_BILAG_GRADE, "{domain}");
        assert_eq!(coding[0].code, grade, "{domain}");
        assert_eq!(text, Some(grade));
        assert_eq!(o.effective, Some(date("2026-11-20")));
    }
}

#[test]
fn entered_in_error_observation_is_ignored() {
    let f = facts();
    assert!(
        f.observations
            .iter()
            .all(|o| o.source.id != "obs-plt-error")
    );
    let why = ignored_for(&f, "obs-plt-error");
    assert_eq!(why.len(), 1);
    assert_eq!(why[0].field.as_deref(), Some("entry[26].resource.status"));
    assert!(
        why[0].reason.contains("entered-in-error"),
        "{}",
        why[0].reason
    );
    // 13 observations + 9 BILAG domains, less the one in error.
    assert_eq!(f.observations.len(), 21);
}

#[test]
fn refuted_condition_is_ignored_with_its_reason() {
    let f = facts();
    let why = ignored_for(&f, "cond-aps");
    assert_eq!(why.len(), 1);
    assert_eq!(
        why[0].field.as_deref(),
        Some("entry[4].resource.verificationStatus")
    );
    assert!(why[0].reason.contains("refuted"), "{}", why[0].reason);
    assert_eq!(why[0].source.as_ref().unwrap().resource_type, "Condition");
}

#[test]
fn medications() {
    let f = facts();
    let ids: Vec<&str> = f.medications.iter().map(|m| m.source.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "ms-prednisone",
            "mr-mycophenolate",
            "ma-methylprednisolone",
            "ms-hydroxychloroquine"
        ]
    );

    let pred = &f.medications[0];
    assert_eq!(pred.source.resource_type, "MedicationStatement");
    assert_eq!(pred.codes[0].system, systems::RXNORM);
    assert_eq!(pred.codes[0].code, "8640");
    assert_eq!(pred.codes[1].system, systems::ATC);
    assert_eq!(pred.codes[1].code, "H02AB07");
    assert_eq!(pred.text.as_deref(), Some("Prednisone 20 mg daily"));
    assert_eq!(pred.status.as_deref(), Some("active"));
    assert_eq!(pred.dose, Some(q("20", "mg")));
    assert_eq!(pred.per_day, Some(dec("1")));
    assert_eq!(pred.route.as_deref(), Some("oral"));
    assert_eq!(pred.start, Some(date("2026-06-01")));
    assert_eq!(pred.end, None, "ongoing");

    let mmf = &f.medications[1];
    assert_eq!(mmf.source.resource_type, "MedicationRequest");
    let codes: Vec<&str> = mmf.codes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(
        codes,
        ["68149", "L04AA06"],
        "codes come from the referenced Medication"
    );
    assert_eq!(
        mmf.text.as_deref(),
        Some("Mycophenolate mofetil 500 mg tablet")
    );
    assert_eq!(mmf.dose, Some(q("1000", "mg")));
    assert_eq!(mmf.per_day, Some(dec("2")));
    assert_eq!(
        mmf.route.as_deref(),
        Some("Oral route"),
        "no text: the display"
    );
    assert_eq!(mmf.start, Some(date("2026-05-10")));
    assert_eq!(mmf.end, Some(date("2027-05-10")));

    let mp = &f.medications[2];
    assert_eq!(mp.source.resource_type, "MedicationAdministration");
    assert_eq!(
        mp.codes[0].code, "6902",
        "from the contained Medication #mp"
    );
    assert_eq!(mp.status.as_deref(), Some("completed"));
    assert_eq!(mp.dose, Some(q("500", "mg")));
    assert_eq!(mp.per_day, None);
    assert_eq!(mp.route.as_deref(), Some("intravenous"));
    assert_eq!(
        (mp.start, mp.end),
        (Some(date("2024-09-20")), Some(date("2024-09-20")))
    );

    let hcq = &f.medications[3];
    assert_eq!(hcq.codes[0].code, "5521");
    assert_eq!(hcq.dose, Some(q("200", "mg")));
    assert_eq!(hcq.per_day, Some(dec("2")), "timing code BID");
}

#[test]
fn procedure_immunization_allergy() {
    let f = facts();
    assert_eq!(f.procedures.len(), 1);
    let biopsy = &f.procedures[0];
    assert_eq!(biopsy.source.id, "proc-kidney-biopsy");
    assert_eq!(biopsy.codes[0].code, "118616009");
    assert_eq!(biopsy.text.as_deref(), Some("Percutaneous renal biopsy"));
    assert_eq!(biopsy.status.as_deref(), Some("completed"));
    assert_eq!(
        (biopsy.start, biopsy.end),
        (Some(date("2024-09-12")), Some(date("2024-09-12")))
    );

    assert_eq!(f.immunizations.len(), 1);
    let mmr = &f.immunizations[0];
    assert_eq!(mmr.source.id, "imm-mmr");
    assert_eq!(mmr.codes[0].system, systems::CVX);
    assert_eq!(mmr.codes[0].code, "03");
    assert_eq!(mmr.codes[0].display.as_deref(), Some("MMR"));
    assert_eq!(mmr.status.as_deref(), Some("completed"));
    assert_eq!(mmr.date, Some(date("1992-05-20")));

    assert_eq!(f.allergies.len(), 1);
    let pcn = &f.allergies[0];
    assert_eq!(pcn.source.id, "allergy-penicillin");
    assert_eq!(pcn.codes[0].code, "70618");
    assert_eq!(pcn.text.as_deref(), Some("Penicillin"));
    assert_eq!(pcn.category, ["medication"]);
    assert_eq!(pcn.criticality.as_deref(), Some("high"));
    assert_eq!(pcn.clinical_status, Some(ClinicalStatus::Active));
    assert_eq!(pcn.verification_status, Some(VerificationStatus::Confirmed));
    assert_eq!(pcn.reaction_severity, ["moderate"]);
    assert_eq!(pcn.onset, Some(date("2008-01-01")));
}

#[test]
fn everything_not_used_is_listed() {
    let f = facts();
    let mut lines: Vec<String> = f
        .ignored
        .iter()
        .map(|i| {
            let who = i.source.as_ref().map(|s| s.id.as_str()).unwrap_or("-");
            format!("{who} {}", i.field.as_deref().unwrap_or("-"))
        })
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "allergy-penicillin entry[34].resource.onsetDateTime",
            "cond-aps entry[4].resource.verificationStatus",
            "cond-sle entry[1].resource.onsetDateTime",
            "obs-plt-error entry[26].resource.status",
        ]
    );
    // The bundle's one Encounter is read (for diagnoses no Condition holds):
    // no type is left unread.
    assert!(
        f.ignored.iter().all(|i| i.source.is_some()),
        "{:?}",
        f.ignored
    );
    let partial = &ignored_for(&f, "cond-sle")[0];
    assert!(
        partial.reason.contains("precise only to the month"),
        "{}",
        partial.reason
    );
}
