//! Every worked example of INSTRUMENTS.md, section by section.

use crate::common::{bilag, close, result, sledai_items};
use serde_json::json;

// §1 SLEDAI-2K, worked examples 1-3.
#[test]
fn sledai2k_example_1_headache_myositis_hematuria_alopecia_dna_fever() {
    let r = result(
        "sledai2k",
        sledai_items(&[
            "lupus_headache",
            "myositis",
            "hematuria",
            "alopecia",
            "increased_dna_binding",
            "fever",
        ]),
    );
    assert_eq!(r, json!({"total": 21, "clinical_total": 19}));
}

#[test]
fn sledai2k_example_2_ulcers_complement_platelets() {
    let r = result(
        "sledai2k",
        sledai_items(&["mucosal_ulcers", "low_complement", "thrombocytopenia"]),
    );
    assert_eq!(r["total"], 5);
    assert_eq!(r["clinical_total"], 3);
}

#[test]
fn sledai2k_example_3_organic_brain_syndrome_pericarditis() {
    let r = result(
        "sledai2k",
        sledai_items(&["organic_brain_syndrome", "pericarditis"]),
    );
    assert_eq!(r["total"], 10);
    assert_eq!(r["clinical_total"], 10);
}

// §1 edge cases: all false is 0; maximum 105 / clinical 101.
#[test]
fn sledai2k_all_false_is_zero_and_all_true_is_105() {
    let r = result("sledai2k", sledai_items(&[]));
    assert_eq!(r, json!({"total": 0, "clinical_total": 0}));
    let r = result("sledai2k", sledai_items(&crate::common::SLEDAI_FIELDS));
    assert_eq!(r, json!({"total": 105, "clinical_total": 101}));
}

#[test]
fn sledai2k_breakdown_lists_counted_items_with_weights() {
    let out = crate::common::score("sledai2k", sledai_items(&["cva", "rash"]));
    let counted = out["breakdown"]["counted"].as_array().unwrap();
    let pairs: Vec<(String, u64)> = counted
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["weight"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(pairs, vec![("cva".into(), 8), ("rash".into(), 2)]);
}

// §2 SELENA-SLEDAI, worked examples 1-2.
#[test]
fn selena_sledai_examples() {
    let r = result(
        "selena_sledai",
        sledai_items(&["cranial_nerve_disorder", "arthritis", "rash"]),
    );
    assert_eq!(r, json!({"total": 14, "clinical_total": 14}));
    let r = result(
        "selena-sledai",
        sledai_items(&[
            "proteinuria",
            "pyuria",
            "low_complement",
            "increased_dna_binding",
        ]),
    );
    assert_eq!(r, json!({"total": 12, "clinical_total": 8}));
}

// §3 BILAG-2004, worked examples 1-3.
#[test]
fn bilag_example_1_one_a_suffices() {
    let r = result(
        "bilag2004_numeric",
        json!({"grades": {"mucocutaneous": "A", "renal": "B", "constitutional": "C", "neuropsychiatric": "E", "musculoskeletal": "E", "cardiorespiratory": "E", "gastrointestinal": "E", "ophthalmic": "E", "haematological": "E"}}),
    );
    assert_eq!(r["numeric_total"], 21);
    assert_eq!(r["count_a"], 1);
    assert_eq!(r["count_b"], 1);
    assert_eq!(r["meets_1a_or_2b"], true);
    assert!(r.get("new_a").is_none() && r.get("new_b").is_none());
}

#[test]
fn bilag_example_2_one_b_does_not_meet() {
    let r = result(
        "bilag2004_numeric",
        json!({"grades": bilag(&[("musculoskeletal", "B"), ("haematological", "C"), ("cardiorespiratory", "C")])}),
    );
    assert_eq!(r["numeric_total"], 10);
    assert_eq!(r["meets_1a_or_2b"], false);
}

#[test]
fn bilag_example_3_new_a_and_new_b() {
    let r = result(
        "bilag2004_numeric",
        json!({
            "baseline_grades": bilag(&[("mucocutaneous", "B"), ("musculoskeletal", "D"), ("renal", "C")]),
            "grades": bilag(&[("mucocutaneous", "A"), ("musculoskeletal", "B"), ("renal", "B")]),
        }),
    );
    assert_eq!(r["numeric_total"], 28);
    assert_eq!(r["new_a"], 1);
    assert_eq!(r["new_b"], 2);
    assert_eq!(r["meets_1a_or_2b"], true);
}

// §3 edge cases: A → B is not a new B, B → B is not new.
#[test]
fn bilag_a_to_b_and_b_to_b_are_not_new() {
    let r = result(
        "bilag2004_numeric",
        json!({
            "baseline_grades": bilag(&[("renal", "A"), ("mucocutaneous", "B")]),
            "grades": bilag(&[("renal", "B"), ("mucocutaneous", "B")]),
        }),
    );
    assert_eq!(r["new_a"], 0);
    assert_eq!(r["new_b"], 0);
}

// §4 PGA worked examples.
#[test]
fn pga_examples() {
    assert_eq!(result("pga", json!({"pga": 2.1})), json!({"pga": 2.1}));
    let r = result("pga", json!({"pga": 1.6, "baseline_pga": 1.2}));
    close(&r["change"], 0.4);
    assert_eq!(r["worsened"], true);
    let r = result("pga", json!({"pga": 1.1, "baseline_pga": 0.9}));
    close(&r["change"], 0.2);
    assert_eq!(r["worsened"], false);
}

// §0 decimal arithmetic: 0.7 - 0.4 is a 0.3 worsening.
#[test]
fn pga_rise_of_exactly_0_3_is_worsening() {
    let r = result("pga", json!({"pga": 0.7, "baseline_pga": 0.4}));
    assert_eq!(r["worsened"], true);
}

// §5 SRI-4 worked examples 1-3.
#[test]
fn sri4_example_1_responder() {
    let r = result(
        "sri4",
        json!({
            "baseline": {"sledai": 10, "pga": 2.0, "bilag": bilag(&[("renal", "A"), ("mucocutaneous", "B")])},
            "followup": {"sledai": 4, "pga": 1.0, "bilag": bilag(&[("renal", "C"), ("mucocutaneous", "C")])},
        }),
    );
    assert_eq!(r["responder"], true);
    assert_eq!(r["sledai_reduction"], 6);
    assert_eq!(r["new_a"], 0);
    assert_eq!(r["new_b"], 0);
    close(&r["pga_change"], -1.0);
    assert_eq!(r["pga_worsened"], false);
}

#[test]
fn sri4_example_2_pga_worsened() {
    let r = result(
        "sri4",
        json!({
            "baseline": {"sledai": 6, "pga": 1.1, "bilag": bilag(&[("musculoskeletal", "B")])},
            "followup": {"sledai": 2, "pga": 1.5, "bilag": bilag(&[("musculoskeletal", "C")])},
        }),
    );
    assert_eq!(r["sledai_reduction"], 4);
    assert_eq!(r["pga_worsened"], true);
    assert_eq!(r["responder"], false);
}

#[test]
fn sri4_example_3_two_new_b() {
    let r = result(
        "sri4",
        json!({
            "baseline": {"sledai": 12, "pga": 1.5, "bilag": bilag(&[("renal", "B")])},
            "followup": {"sledai": 8, "pga": 1.0, "bilag": bilag(&[("renal", "B"), ("haematological", "B"), ("mucocutaneous", "B")])},
        }),
    );
    assert_eq!(r["sledai_reduction"], 4);
    assert_eq!(r["new_b"], 2);
    assert_eq!(r["responder"], false);
}

// §5 edge case: a PGA rise of exactly 0.3 fails.
#[test]
fn sri4_pga_rise_of_exactly_0_3_fails() {
    let r = result(
        "sri4",
        json!({
            "baseline": {"sledai": 10, "pga": 1.2, "bilag": bilag(&[])},
            "followup": {"sledai": 2, "pga": 1.5, "bilag": bilag(&[])},
        }),
    );
    assert_eq!(r["pga_worsened"], true);
    assert_eq!(r["responder"], false);
}

// §6 DORIS worked examples 1-3 and edge cases.
fn doris(items: &[&str], pga: f64, pred: f64) -> serde_json::Value {
    result(
        "doris2021",
        json!({"sledai2k_items": sledai_items(items), "pga": pga, "prednisone_mg_per_day": pred, "maintenance_therapy_stable": true}),
    )
}

#[test]
fn doris_examples() {
    let r = doris(&["increased_dna_binding"], 0.4, 2.5);
    assert_eq!(r, json!({"remission": true, "clinical_sledai": 0}));
    let r = doris(&["arthritis"], 0.1, 0.0);
    assert_eq!(r, json!({"remission": false, "clinical_sledai": 4}));
    let r = doris(&[], 0.45, 5.5);
    assert_eq!(r["remission"], false);
}

#[test]
fn doris_edges_pga_0_5_fails_prednisone_5_passes() {
    assert_eq!(doris(&[], 0.5, 0.0)["remission"], false);
    assert_eq!(doris(&[], 0.0, 5.0)["remission"], true);
    assert_eq!(doris(&[], 0.0, 7.5)["remission"], false);
}

// §7 LLDAS worked examples 1-3.
fn lldas(items: &[&str], pga: f64, pred: f64) -> serde_json::Value {
    result(
        "lldas",
        json!({
            "sledai2k_items": sledai_items(items),
            "hemolytic_anemia": false,
            "gastrointestinal_activity": false,
            "new_activity_since_last_assessment": false,
            "pga": pga,
            "prednisone_mg_per_day": pred,
            "maintenance_therapy_standard_and_tolerated": true,
        }),
    )
}

#[test]
fn lldas_examples() {
    let r = lldas(&["rash", "mucosal_ulcers"], 0.9, 5.0);
    assert_eq!(r["sledai2k"], 4);
    assert_eq!(r["lldas"], true);
    let r = lldas(&["pleurisy"], 0.5, 5.0);
    assert_eq!(r["sledai2k"], 2);
    assert_eq!(r["major_organ_activity"], true);
    assert_eq!(r["lldas"], false);
    let r = lldas(&["arthritis", "leukopenia"], 0.5, 5.0);
    assert_eq!(r["sledai2k"], 5);
    assert_eq!(r["lldas"], false);
}

// §8 SDI worked examples 1-2 (unlisted booleans false, counts 0).
const SDI_COUNTS: [&str; 6] = [
    "cerebrovascular_accident",
    "myocardial_infarction",
    "significant_tissue_loss",
    "gi_infarction_or_resection",
    "avascular_necrosis",
    "malignancy",
];
const SDI_BOOLEANS: [&str; 35] = [
    "cataract",
    "retinal_change_or_optic_atrophy",
    "cognitive_impairment_or_major_psychosis",
    "seizures_requiring_therapy_6_months",
    "cranial_or_peripheral_neuropathy",
    "transverse_myelitis",
    "gfr_below_50_percent",
    "proteinuria_ge_3_5_g_24h",
    "end_stage_renal_disease",
    "pulmonary_hypertension",
    "pulmonary_fibrosis",
    "shrinking_lung",
    "pleural_fibrosis",
    "pulmonary_infarction_or_resection",
    "angina_or_coronary_bypass",
    "cardiomyopathy",
    "valvular_disease",
    "pericarditis_6_months_or_pericardiectomy",
    "claudication_6_months",
    "minor_tissue_loss",
    "venous_thrombosis_with_swelling_ulceration_or_stasis",
    "mesenteric_insufficiency",
    "chronic_peritonitis",
    "stricture_or_upper_gi_surgery",
    "pancreatic_insufficiency",
    "muscle_atrophy_or_weakness",
    "deforming_or_erosive_arthritis",
    "osteoporosis_with_fracture_or_vertebral_collapse",
    "osteomyelitis",
    "ruptured_tendons",
    "scarring_chronic_alopecia",
    "extensive_scarring_or_panniculum",
    "skin_ulceration_6_months",
    "premature_gonadal_failure",
    "diabetes",
];

pub fn sdi_input(booleans: &[&str], counts: &[(&str, u64)]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for b in SDI_BOOLEANS {
        m.insert(b.into(), json!(booleans.contains(&b)));
    }
    for c in SDI_COUNTS {
        let n = counts.iter().find(|(k, _)| *k == c).map_or(0, |(_, n)| *n);
        m.insert(c.into(), json!(n));
    }
    for b in booleans {
        assert!(SDI_BOOLEANS.contains(b), "test typo: {b}");
    }
    serde_json::Value::Object(m)
}

#[test]
fn sdi_example_1() {
    let r = result(
        "sdi",
        sdi_input(
            &[
                "retinal_change_or_optic_atrophy",
                "seizures_requiring_therapy_6_months",
                "deforming_or_erosive_arthritis",
                "premature_gonadal_failure",
            ],
            &[("myocardial_infarction", 1)],
        ),
    );
    assert_eq!(r["total"], 5);
    assert_eq!(r["domains"]["ocular"], 1);
    assert_eq!(r["domains"]["neuropsychiatric"], 1);
    assert_eq!(r["domains"]["cardiovascular"], 1);
    assert_eq!(r["domains"]["musculoskeletal"], 1);
    assert_eq!(r["domains"]["premature_gonadal_failure"], 1);
}

#[test]
fn sdi_example_2_esrd_replaces_renal_items_and_counts_cap_at_2() {
    let r = result(
        "sdi",
        sdi_input(
            &["end_stage_renal_disease", "proteinuria_ge_3_5_g_24h"],
            &[("avascular_necrosis", 3), ("malignancy", 1)],
        ),
    );
    assert_eq!(r["domains"]["renal"], 3);
    assert_eq!(r["domains"]["musculoskeletal"], 2);
    assert_eq!(r["domains"]["malignancy"], 1);
    assert_eq!(r["total"], 6);
}

// §8: maximum 47 with the published domain maxima.
#[test]
fn sdi_maximum_is_47() {
    let counts: Vec<(&str, u64)> = SDI_COUNTS.iter().map(|c| (*c, 5)).collect();
    let r = result("sdi", sdi_input(&SDI_BOOLEANS, &counts));
    assert_eq!(r["total"], 47);
    let maxima = [
        ("ocular", 2),
        ("neuropsychiatric", 6),
        ("renal", 3),
        ("pulmonary", 5),
        ("cardiovascular", 6),
        ("peripheral_vascular", 5),
        ("gastrointestinal", 6),
        ("musculoskeletal", 7),
        ("skin", 3),
        ("premature_gonadal_failure", 1),
        ("diabetes", 1),
        ("malignancy", 2),
    ];
    for (d, m) in maxima {
        assert_eq!(r["domains"][d], m, "{d}");
    }
}

// §9 EULAR/ACR 2019 worked examples 1-3.
pub const EULAR_BOOLEANS: [&str; 21] = [
    "fever",
    "leukopenia",
    "thrombocytopenia",
    "autoimmune_hemolysis",
    "delirium",
    "psychosis",
    "seizure",
    "non_scarring_alopecia",
    "oral_ulcers",
    "subacute_cutaneous_or_discoid_lupus",
    "acute_cutaneous_lupus",
    "pleural_or_pericardial_effusion",
    "acute_pericarditis",
    "joint_involvement",
    "proteinuria",
    "renal_biopsy_class_ii_or_v",
    "renal_biopsy_class_iii_or_iv",
    "antiphospholipid_antibodies",
    "low_c3",
    "low_c4",
    "anti_dsdna_or_anti_smith",
];

pub fn eular_input(titer: u64, present: &[&str]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("ana_titer".into(), json!(titer));
    for b in EULAR_BOOLEANS {
        m.insert(b.into(), json!(present.contains(&b)));
    }
    for p in present {
        assert!(EULAR_BOOLEANS.contains(p), "test typo: {p}");
    }
    serde_json::Value::Object(m)
}

#[test]
fn eular_example_1_classified() {
    let r = result(
        "eular_acr_2019",
        eular_input(
            320,
            &[
                "fever",
                "thrombocytopenia",
                "leukopenia",
                "joint_involvement",
                "anti_dsdna_or_anti_smith",
            ],
        ),
    );
    assert_eq!(r["total"], 18);
    assert_eq!(r["domains"]["hematologic"], 4);
    assert_eq!(r["entry_criterion_met"], true);
    assert_eq!(r["has_clinical_criterion"], true);
    assert_eq!(r["classified"], true);
}

#[test]
fn eular_example_2_not_classified() {
    let r = result(
        "eular_acr_2019",
        eular_input(160, &["oral_ulcers", "non_scarring_alopecia", "low_c3"]),
    );
    assert_eq!(r["domains"]["mucocutaneous"], 2);
    assert_eq!(r["domains"]["complement"], 3);
    assert_eq!(r["total"], 5);
    assert_eq!(r["classified"], false);
}

#[test]
fn eular_example_3_no_entry_criterion() {
    let r = result(
        "eular_acr_2019",
        eular_input(
            0,
            &[
                "seizure",
                "acute_cutaneous_lupus",
                "anti_dsdna_or_anti_smith",
            ],
        ),
    );
    assert_eq!(r["total"], 17);
    assert_eq!(r["entry_criterion_met"], false);
    assert_eq!(r["classified"], false);
}

// §9 edge cases: 1:80 meets entry, total exactly 10 classifies, immunology
// alone never classifies, both C3 and C4 low scores 4.
#[test]
fn eular_edges() {
    let r = result(
        "eular_acr_2019",
        eular_input(80, &["renal_biopsy_class_iii_or_iv"]),
    );
    assert_eq!(r["entry_criterion_met"], true);
    assert_eq!(r["total"], 10);
    assert_eq!(r["classified"], true);
    let r = result(
        "eular_acr_2019",
        eular_input(
            640,
            &[
                "antiphospholipid_antibodies",
                "low_c3",
                "low_c4",
                "anti_dsdna_or_anti_smith",
            ],
        ),
    );
    assert_eq!(r["domains"]["complement"], 4);
    assert_eq!(r["total"], 12);
    assert_eq!(r["has_clinical_criterion"], false);
    assert_eq!(r["classified"], false);
}

// §10 Cockcroft-Gault worked examples 1-3.
#[test]
fn cockcroft_gault_examples() {
    let r = result(
        "cockcroft_gault",
        json!({"age_years": 45, "sex": "female", "weight": {"value": 65, "unit": "kg"}, "creatinine": {"value": 0.8, "unit": "mg/dL"}}),
    );
    close(&r["crcl_ml_min"], 91.12);
    close(&r["creatinine_mg_dl"], 0.8);
    let r = result(
        "cockcroft_gault",
        json!({"age_years": 55, "sex": "male", "weight": {"value": 90, "unit": "kg"}, "creatinine": {"value": 130, "unit": "umol/L"}}),
    );
    close(&r["creatinine_mg_dl"], 1.4706);
    close(&r["crcl_ml_min"], 72.25);
    let r = result(
        "cockcroft_gault",
        json!({"age_years": 68, "sex": "male", "weight": {"value": 150, "unit": "[lb_av]"}, "creatinine": {"value": 1.0, "unit": "mg/dL"}}),
    );
    close(&r["crcl_ml_min"], 68.04);
}

// §11 CKD-EPI 2021 worked examples 1-3.
#[test]
fn ckd_epi_2021_examples() {
    let r = result(
        "ckd_epi_2021",
        json!({"age_years": 30, "sex": "female", "creatinine": {"value": 0.5, "unit": "mg/dL"}}),
    );
    close(&r["egfr"], 129.32);
    let r = result(
        "ckd_epi_2021",
        json!({"age_years": 60, "sex": "male", "creatinine": {"value": 1.3, "unit": "mg/dL"}}),
    );
    close(&r["egfr"], 62.89);
    let r = result(
        "ckd-epi-2021",
        json!({"age_years": 55, "sex": "female", "creatinine": {"value": 88, "unit": "umol/L"}}),
    );
    close(&r["creatinine_mg_dl"], 0.99548);
    close(&r["egfr"], 66.90);
}

// §12 ASTCT CRS worked examples 1-4, the fever-waived convention and death.
fn crs(v: serde_json::Value) -> serde_json::Value {
    result("astct_crs", v)
}

#[test]
fn crs_examples() {
    let r = crs(
        json!({"temperature_c": 38.3, "antipyretic_or_anticytokine_given": false, "hypotension": "none", "oxygen": "nasal_cannula", "oxygen_flow_l_min": 3}),
    );
    assert_eq!(r["grade"], 2);
    assert_eq!(r["fever"], true);
    assert_eq!(r["hypoxia_grade"], 2);
    let r = crs(
        json!({"temperature_c": 39.8, "antipyretic_or_anticytokine_given": false, "hypotension": "one_vasopressor", "oxygen": "non_rebreather"}),
    );
    assert_eq!(r["grade"], 3);
    assert_eq!(r["hypotension_grade"], 3);
    assert_eq!(r["hypoxia_grade"], 3);
    let r = crs(
        json!({"temperature_c": 37.0, "antipyretic_or_anticytokine_given": true, "hypotension": "no_vasopressor", "oxygen": "none"}),
    );
    assert_eq!(r["grade"], 2);
    assert_eq!(r["fever"], false);
    let r = crs(
        json!({"temperature_c": 38.4, "antipyretic_or_anticytokine_given": false, "hypotension": "none", "oxygen": "mechanical_ventilation"}),
    );
    assert_eq!(r["grade"], 4);
}

#[test]
fn crs_conventions() {
    // no fever, nothing given: not CRS
    let r = crs(
        json!({"temperature_c": 37.2, "antipyretic_or_anticytokine_given": false, "hypotension": "one_vasopressor", "oxygen": "none"}),
    );
    assert_eq!(r["grade"], 0);
    // fever masked, no hypotension or hypoxia: 0 (Open question 6)
    let r = crs(
        json!({"temperature_c": 37.0, "antipyretic_or_anticytokine_given": true, "hypotension": "none", "oxygen": "none"}),
    );
    assert_eq!(r["grade"], 0);
    // nasal cannula above 6 L/min is high flow
    let r = crs(
        json!({"temperature_c": 38.0, "antipyretic_or_anticytokine_given": false, "hypotension": "none", "oxygen": "nasal_cannula", "oxygen_flow_l_min": 8}),
    );
    assert_eq!(r["grade"], 3);
    let r = crs(
        json!({"temperature_c": 39.0, "antipyretic_or_anticytokine_given": false, "hypotension": "none", "oxygen": "none", "died_of_crs": true}),
    );
    assert_eq!(r["grade"], 5);
}

// §13 ICE worked examples.
#[test]
fn ice_examples() {
    let r = result(
        "ice",
        json!({"orientation": 3, "naming": 2, "following_commands": 1, "writing": 1, "attention": 0}),
    );
    assert_eq!(r["ice"], 7);
    let r = result(
        "ice",
        json!({"orientation": 4, "naming": 3, "following_commands": 1, "writing": 0, "attention": 1}),
    );
    assert_eq!(r["ice"], 9);
}

// §14 ASTCT ICANS worked examples.
fn icans(ice: u64, consciousness: &str, seizure: &str) -> serde_json::Value {
    result(
        "astct_icans",
        json!({"ice": ice, "consciousness": consciousness, "seizure": seizure, "motor": "none", "cerebral_edema": "none"}),
    )
}

#[test]
fn icans_examples() {
    assert_eq!(icans(6, "alert", "none")["grade"], 2);
    assert_eq!(icans(8, "alert", "prolonged_or_repetitive")["grade"], 4);
    let r = icans(2, "awakens_to_tactile", "none");
    assert_eq!(r["grade"], 3);
    assert_eq!(r["domain_grades"]["ice"], 3);
    assert_eq!(r["domain_grades"]["consciousness"], 3);
    // ICE 0 awake is grade 3; ICE 0 because unarousable is grade 4
    assert_eq!(icans(0, "alert", "none")["grade"], 3);
    assert_eq!(icans(0, "unarousable", "none")["grade"], 4);
    assert_eq!(icans(10, "alert", "none")["grade"], 0);
}

// §15 MAGIC worked examples 1-3 and the "(rash 45 % alone)" note.
fn magic(bsa: f64, bili: f64, stool: f64) -> serde_json::Value {
    result(
        "magic_agvhd",
        json!({"skin_rash_bsa_percent": bsa, "skin_bullae_and_desquamation": false, "bilirubin": {"value": bili, "unit": "mg/dL"}, "upper_gi_persistent": false, "stool_volume_ml_per_day": stool, "lower_gi_severe": false}),
    )
}

#[test]
fn magic_examples() {
    let r = magic(15.0, 1.2, 600.0);
    assert_eq!(r["stages"]["skin"], 1);
    assert_eq!(r["stages"]["lower_gi"], 1);
    assert_eq!(r["grade"], 2);
    let r = magic(40.0, 4.0, 0.0);
    assert_eq!(r["stages"]["skin"], 2);
    assert_eq!(r["stages"]["liver"], 2);
    assert_eq!(r["grade"], 3);
    let r = magic(0.0, 18.0, 0.0);
    assert_eq!(r["stages"]["liver"], 4);
    assert_eq!(r["grade"], 4);
    assert_eq!(magic(45.0, 0.5, 0.0)["grade"], 1);
}

// §15: the grade is not the maximum stage.
#[test]
fn magic_skin_3_alone_is_grade_2_lower_gi_2_alone_is_grade_3() {
    assert_eq!(magic(60.0, 0.5, 0.0)["grade"], 2);
    assert_eq!(magic(0.0, 0.5, 1200.0)["grade"], 3);
}

#[test]
fn magic_bilirubin_in_umol_per_l_is_divided_by_17_1() {
    // 68.4 umol/L / 17.1 = 4.0 mg/dL: liver stage 2
    let r = result(
        "magic_agvhd",
        json!({"skin_rash_bsa_percent": 0, "skin_bullae_and_desquamation": false, "bilirubin": {"value": 68.4, "unit": "umol/L"}, "upper_gi_persistent": false, "stool_volume_ml_per_day": 0, "lower_gi_severe": false}),
    );
    assert_eq!(r["stages"]["liver"], 2);
}

// §16 NYHA worked examples.
#[test]
fn nyha_examples() {
    let r = result("nyha", json!({"symptoms": "ordinary_activity"}));
    assert_eq!(r["class"], "II");
    assert_eq!(r["class_number"], 2);
    assert!(r.get("lvef_category").is_none());
    let r = result("nyha", json!({"symptoms": "none", "lvef_percent": 58}));
    assert_eq!(r["class"], "I");
    assert_eq!(r["lvef_category"], "preserved");
    let r = result("nyha", json!({"symptoms": "at_rest", "lvef_percent": 40}));
    assert_eq!(r["class"], "IV");
    assert_eq!(r["lvef_category"], "reduced");
    let r = result("nyha", json!({"symptoms": "none", "lvef_percent": 45}));
    assert_eq!(r["lvef_category"], "mildly_reduced");
}

// §17 unit_convert worked examples.
fn conv(analyte: &str, value: f64, from: &str, to: &str) -> serde_json::Value {
    let r = result(
        "unit_convert",
        json!({"analyte": analyte, "value": value, "from": from, "to": to}),
    );
    assert_eq!(r["unit"], to);
    r["value"].clone()
}

#[test]
fn unit_convert_examples() {
    close(&conv("creatinine", 80.0, "umol/L", "mg/dL"), 0.905);
    close(&conv("bilirubin", 1.5, "mg/dL", "umol/L"), 25.66);
    close(&conv("hemoglobin", 12.0, "g/dL", "g/L"), 120.0);
    close(&conv("hemoglobin", 12.0, "g/dL", "mmol/L"), 7.45);
    close(&conv("cell_count", 150.0, "10*9/L", "/uL"), 150_000.0);
    close(&conv("upcr", 1500.0, "mg/g", "mg/mmol"), 169.7);
    close(&conv("glucose", 5.5, "mmol/L", "mg/dL"), 99.1);
    close(&conv("albumin", 35.0, "g/L", "g/dL"), 3.5);
    close(&conv("temperature", 38.3, "Cel", "[degF]"), 100.9);
    close(
        &conv("urine_protein_24h", 0.62, "g/(24.h)", "mg/(24.h)"),
        620.0,
    );
}

// §17 factor table rows without a worked example.
#[test]
fn unit_convert_factor_table() {
    close(&conv("creatinine", 1.0, "mmol/L", "umol/L"), 1000.0);
    close(&conv("cell_count", 4.5, "10*9/L", "10*3/uL"), 4.5);
    close(&conv("cell_count", 4.5, "10*3/uL", "/mm3"), 4500.0);
    close(&conv("upcr", 1.0, "mg/mg", "mg/g"), 1000.0);
    close(&conv("upcr", 100.0, "mg/mmol", "mg/g"), 884.0);
    close(&conv("upcr", 1.0, "mg/mg", "mg/mmol"), 113.12);
    close(&conv("weight", 150.0, "[lb_av]", "kg"), 68.039);
    close(&conv("temperature", 100.9, "[degF]", "Cel"), 38.28);
    close(&conv("creatinine", 1.0, "mg/dL", "umol/L"), 88.4);
}
