//! The vocabulary data parses, is consistent, and its codes are well formed
//! (LOINC and SNOMED CT check digits are verified, so a mistyped code fails).

use eligo_model::Coding;
use eligo_model::fact::systems;
use eligo_vocab::{Vocabulary, contains_phrase, vocabulary};
use rust_decimal::Decimal;
use std::collections::HashSet;

fn coding(system: &str, code: &str) -> Coding {
    Coding {
        system: system.into(),
        code: code.into(),
        display: None,
    }
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// LOINC's mod-10 check digit (the Luhn scheme, per the LOINC Users' Guide).
fn loinc_ok(code: &str) -> bool {
    let Some((body, check)) = code.split_once('-') else {
        return false;
    };
    if body.is_empty()
        || body.len() > 7
        || check.len() != 1
        || !body.bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    let mut sum = 0u32;
    for (i, b) in body.bytes().rev().enumerate() {
        let d = u32::from(b - b'0');
        sum += if i % 2 == 0 {
            let x = d * 2;
            x / 10 + x % 10
        } else {
            d
        };
    }
    check.parse::<u32>().ok() == Some((10 - sum % 10) % 10)
}

/// SNOMED CT identifiers end in a Verhoeff check digit; concept ids have partition `00` or `10`.
fn snomed_ok(code: &str) -> bool {
    const D: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    if !(6..=18).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let partition = &code[code.len() - 3..code.len() - 1];
    if partition != "00" && partition != "10" {
        return false;
    }
    let mut c = 0u8;
    for (i, b) in code.bytes().rev().enumerate() {
        c = D[c as usize][P[i % 8][(b - b'0') as usize] as usize];
    }
    c == 0
}

fn icd10_ok(code: &str) -> bool {
    let b = code.as_bytes();
    if b.is_empty() || !b[0].is_ascii_uppercase() {
        return false;
    }
    let rest = &code[1..];
    let (cat, sub) = rest.split_once('.').unwrap_or((rest, ""));
    cat.len() <= 2
        && cat.bytes().all(|c| c.is_ascii_digit())
        && (sub.is_empty() || cat.len() == 2)
        && sub.len() <= 4
        && sub
            .bytes()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

/// ATC: A, A01, A01A, A01AB, A01AB01 (any level, as a prefix).
fn atc_ok(code: &str) -> bool {
    let b = code.as_bytes();
    let shape: &[fn(u8) -> bool] = &[
        |c| c.is_ascii_uppercase(),
        |c| c.is_ascii_digit(),
        |c| c.is_ascii_digit(),
        |c| c.is_ascii_uppercase(),
        |c| c.is_ascii_uppercase(),
        |c| c.is_ascii_digit(),
        |c| c.is_ascii_digit(),
    ];
    [1, 3, 4, 5, 7].contains(&b.len()) && b.iter().zip(shape).all(|(c, f)| f(*c))
}

#[test]
fn data_files_parse_and_are_consistent() {
    let v = Vocabulary::load().expect("vocabulary loads");
    // keys unique within a kind is checked by load(); check across kinds too
    // so that a key names one thing.
    let mut all = HashSet::new();
    for k in v
        .conditions()
        .iter()
        .map(|c| &c.key)
        .chain(v.procedures().iter().map(|c| &c.key))
        .chain(v.analytes().iter().map(|a| &a.key))
        .chain(v.medications().iter().map(|m| &m.key))
    {
        assert!(all.insert(k.clone()), "key {k} used twice");
        assert!(
            k.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "key {k}"
        );
    }
    for c in v.conditions().iter().chain(v.procedures()) {
        for s in &c.snomed {
            assert!(snomed_ok(s), "{}: bad SNOMED CT id {s}", c.key);
        }
        for i in &c.icd10 {
            assert!(icd10_ok(i), "{}: bad ICD-10 code {i}", c.key);
        }
        assert!(!c.synonyms.is_empty(), "{} has no synonyms", c.key);
    }
    for a in v.analytes() {
        for l in &a.loinc {
            assert!(loinc_ok(l), "{}: bad LOINC code {l}", a.key);
        }
        if let Some(r) = &a.default_range {
            assert_eq!(r.unit, a.unit, "{}: default range in another unit", a.key);
            assert!(!r.source.is_empty());
            if let (Some(lo), Some(hi)) = (r.low, r.high) {
                assert!(lo < hi, "{}", a.key);
            }
        }
    }
    for m in v.medications() {
        for c in &m.atc {
            assert!(atc_ok(c), "{}: bad ATC {c}", m.key);
        }
        for r in &m.rxnorm {
            assert!(
                !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()),
                "{}: bad RxNorm {r}",
                m.key
            );
        }
        for c in &m.cvx {
            assert!(
                (1..=3).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()),
                "{}: bad CVX {c}",
                m.key
            );
        }
    }
}

#[test]
fn check_digit_validators_reject_typos() {
    // Independent known-good codes: hemoglobin 718-7, SLE 55464009.
    assert!(loinc_ok("718-7") && !loinc_ok("718-8"));
    assert!(snomed_ok("55464009") && !snomed_ok("55464008"));
}

#[test]
fn every_required_concept_is_present() {
    let v = vocabulary();
    for k in [
        "wbc",
        "anc",
        "lymphocytes",
        "hemoglobin",
        "platelets",
        "alt",
        "ast",
        "total_bilirubin",
        "creatinine",
        "crcl",
        "egfr",
        "inr",
        "pt",
        "aptt",
        "lvef",
        "spo2",
        "hbsag",
        "hbcab",
        "hbv_dna",
        "hcv_ab",
        "hcv_rna",
        "hiv_ab",
        "rpr",
        "tp_ab",
        "c3",
        "c4",
        "anti_dsdna",
        "ana",
        "anti_sm",
        "urine_protein_24h",
        "upcr",
        "hcg",
        "body_weight",
        "body_height",
    ] {
        assert!(v.analyte(k).is_some(), "analyte {k}");
    }
    for k in [
        "sle",
        "lupus_nephritis",
        "npsle",
        "ttp",
        "tma",
        "malignancy",
        "non_melanoma_skin_cancer",
        "basal_cell_skin_cancer",
        "squamous_cell_skin_cancer",
        "cervical_carcinoma_in_situ",
        "bladder_carcinoma_in_situ",
        "breast_carcinoma_in_situ",
        "thyroid_cancer",
        "prostate_cancer",
        "hbv_infection",
        "hcv_infection",
        "hiv_infection",
        "syphilis",
        "tuberculosis",
        "latent_tuberculosis",
        "heart_failure",
        "arrhythmia",
        "ventricular_arrhythmia",
        "atrial_arrhythmia",
        "myocardial_infarction",
        "unstable_angina",
        "congenital_heart_disease",
        "pericardial_effusion",
        "myocarditis",
        "lymphoproliferative_disease",
        "gvhd",
        "cns_disorder",
        "stroke",
        "epilepsy",
        "seizure",
        "encephalitis",
        "dementia",
        "parkinsons_disease",
        "cns_vasculitis",
        "psychiatric_disorder",
        "suicidal_ideation",
        "suicide_attempt",
        "primary_immunodeficiency",
        "congenital_immunoglobulin_deficiency",
        "esrd",
        "gilbert_syndrome",
        "active_infection",
        "inflammatory_arthropathy",
        "other_autoimmune_disease",
        "drug_abuse",
        "bleeding",
        "pregnancy",
        "lactation",
    ] {
        assert!(v.condition(k).is_some(), "condition {k}");
    }
    for k in [
        "hsct",
        "solid_organ_transplant",
        "hemodialysis",
        "renal_replacement_therapy",
        "plasma_exchange",
        "leukapheresis",
        "major_surgery",
        "blood_transfusion",
        "blood_donation",
    ] {
        assert!(v.procedure(k).is_some(), "procedure {k}");
    }
    for k in [
        "glucocorticoid",
        "cyclophosphamide",
        "antimalarial",
        "hydroxychloroquine",
        "mycophenolate",
        "azathioprine",
        "methotrexate",
        "leflunomide",
        "tacrolimus",
        "cyclosporine",
        "sirolimus",
        "rituximab",
        "belimumab",
        "telitacicept",
        "anifrolumab",
        "obinutuzumab",
        "ivig",
        "jak_inhibitor",
        "btk_inhibitor",
        "b_cell_targeted",
        "biologic",
        "immunosuppressant",
        "dmard",
        "t_cell_immunosuppressant",
        "g_csf",
        "anticoagulant",
        "tocilizumab",
        "live_vaccine",
        "car_t",
    ] {
        assert!(v.medication(k).is_some(), "medication {k}");
    }
}

#[test]
fn conditions_match_codes_of_narrower_concepts_and_icd_prefixes() {
    let v = vocabulary();
    // Lupus nephritis coded in ICD-10-CM counts as SLE (narrower), with or without the dot.
    assert!(v.condition_matches("sle", &[coding(systems::ICD10CM, "M32.14")], None));
    assert!(v.condition_matches("sle", &[coding(systems::ICD10CM, "M3214")], None));
    assert!(v.condition_matches(
        "lupus_nephritis",
        &[coding(systems::ICD10CM, "M32.14")],
        None
    ));
    assert!(!v.condition_matches(
        "lupus_nephritis",
        &[coding(systems::ICD10CM, "M32.10")],
        None
    ));
    assert!(v.condition_matches("sle", &[coding(systems::SNOMED, "55464009")], None));
    // Basal cell carcinoma is a malignancy (the exception is the rule's business).
    assert!(v.condition_matches("malignancy", &[coding(systems::SNOMED, "254701007")], None));
    assert!(v.condition_matches(
        "non_melanoma_skin_cancer",
        &[coding(systems::SNOMED, "254701007")],
        None
    ));
    assert!(!v.condition_matches("malignancy", &[coding(systems::ICD10, "D06.9")], None));
    // A code of another system does not match by accident.
    assert!(!v.condition_matches("sle", &[coding(systems::LOINC, "55464009")], None));
    assert!(!v.condition_matches(
        "no_such_key",
        &[coding(systems::SNOMED, "55464009")],
        Some("SLE")
    ));
}

#[test]
fn text_fallback_uses_whole_words() {
    let v = vocabulary();
    assert!(v.condition_matches("gilbert_syndrome", &[], Some("Gilbert's syndrome, known")));
    assert!(v.condition_matches(
        "tuberculosis",
        &[coding(systems::SNOMED, "1")],
        Some("Pulmonary TB")
    ));
    assert!(!v.condition_matches("tuberculosis", &[], Some("TBIL raised")));
    assert!(v.analyte_matches("alt", &[], Some("ALT (SGPT)")));
    assert!(!v.analyte_matches("alt", &[], Some("altered mental state")));
    assert!(contains_phrase("Hb ≥ 60 g/L", "hb"));
    assert!(!contains_phrase("HbA1c", "hb"));
}

#[test]
fn analytes_accept_every_loinc_of_the_analyte() {
    let v = vocabulary();
    for code in ["718-7", "59260-0"] {
        assert!(
            v.analyte_matches("hemoglobin", &[coding(systems::LOINC, code)], None),
            "{code}"
        );
    }
    for code in ["10230-1", "8806-2"] {
        assert!(
            v.analyte_matches("lvef", &[coding(systems::LOINC, code)], None),
            "{code}"
        );
    }
    assert!(v.analyte_matches("crcl", &[coding(systems::LOINC, "35591-7")], None));
    assert!(!v.analyte_matches("crcl", &[coding(systems::LOINC, "2160-0")], None));
}

#[test]
fn medication_classes_match_their_members() {
    let v = vocabulary();
    let pred = coding(systems::ATC, "H02AB07");
    assert!(v.medication_matches("glucocorticoid", std::slice::from_ref(&pred), None));
    assert!(v.medication_matches("prednisone", std::slice::from_ref(&pred), None));
    assert!(!v.medication_matches("dexamethasone", &[pred], None));
    assert!(v.medication_matches("glucocorticoid", &[coding(systems::RXNORM, "6902")], None));
    assert!(v.medication_matches("b_cell_targeted", &[], Some("Rituximab 1 g IV")));
    assert!(v.medication_matches("b_cell_targeted", &[], Some("telitacicept")));
    assert!(!v.medication_matches("b_cell_targeted", &[], Some("tocilizumab")));
    assert!(v.medication_matches(
        "t_cell_immunosuppressant",
        &[coding(systems::ATC, "L04AX01")],
        None
    ));
    // Hydroxychloroquine is an antimalarial, and through that class a DMARD.
    assert!(v.medication_matches("dmard", &[coding(systems::ATC, "P01BA02")], None));
    assert!(v.medication_matches("jak_inhibitor", &[coding(systems::ATC, "L04AA29")], None));
}

#[test]
fn prednisone_equivalents_follow_the_standard_table() {
    // 5 mg prednisone = 5 prednisolone = 4 methylprednisolone = 20 hydrocortisone
    // = 25 cortisone = 0.75 dexamethasone = 0.6 betamethasone.
    let v = vocabulary();
    let f = |t: &str| v.prednisone_factor(&[], Some(t)).unwrap();
    assert_eq!(f("prednisone"), dec("1"));
    assert_eq!(f("Prednisolone 5 mg"), dec("1"));
    assert_eq!(f("methylprednisolone"), dec("1.25"));
    assert_eq!(f("triamcinolone"), dec("1.25"));
    assert_eq!(f("hydrocortisone"), dec("0.25"));
    assert_eq!(f("cortisone"), dec("0.2"));
    assert_eq!((dec("0.75") * f("dexamethasone")).round_dp(6), dec("5"));
    assert_eq!((dec("0.6") * f("betamethasone")).round_dp(6), dec("5"));
    assert_eq!(
        v.prednisone_factor(&[coding(systems::ATC, "H02AB04")], None),
        Some(dec("1.25"))
    );
    assert_eq!(v.prednisone_factor(&[], Some("tacrolimus")), None);
}

#[test]
fn live_vaccines_are_recognised_by_cvx_atc_and_text() {
    let v = vocabulary();
    assert_eq!(
        v.is_live_vaccine(&[coding(systems::CVX, "03")], None),
        Some(true)
    ); // MMR
    assert_eq!(
        v.is_live_vaccine(&[coding(systems::CVX, "3")], None),
        Some(true)
    );
    assert_eq!(
        v.is_live_vaccine(&[coding(systems::CVX, "121")], None),
        Some(true)
    ); // zoster live
    assert_eq!(
        v.is_live_vaccine(&[coding(systems::CVX, "187")], None),
        Some(false)
    ); // Shingrix
    assert_eq!(
        v.is_live_vaccine(&[coding(systems::CVX, "208")], None),
        Some(false)
    ); // COVID mRNA
    assert_eq!(
        v.is_live_vaccine(&[coding(systems::ATC, "J07BL01")], None),
        Some(true)
    ); // yellow fever
    assert_eq!(v.is_live_vaccine(&[], Some("BCG vaccine")), Some(true));
    assert_eq!(v.is_live_vaccine(&[], Some("paracetamol")), None);
    assert!(v.medication_matches("live_vaccine", &[coding(systems::CVX, "19")], None));
}

#[test]
fn no_synonym_names_two_concepts() {
    // The compiler's lexicon and the text fallback both assume a phrase means one thing.
    let v = vocabulary();
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    let all = v
        .conditions()
        .iter()
        .chain(v.procedures())
        .flat_map(|c| c.synonyms.iter().map(move |s| (s, c.key.as_str())))
        .chain(
            v.analytes()
                .iter()
                .flat_map(|a| a.synonyms.iter().map(move |s| (s, a.key.as_str()))),
        )
        .chain(
            v.medications()
                .iter()
                .flat_map(|m| m.synonyms.iter().map(move |s| (s, m.key.as_str()))),
        );
    for (s, k) in all {
        if let Some(prev) = seen.insert(s.to_lowercase(), k) {
            assert_eq!(prev, k, "synonym {s:?} names both {prev} and {k}");
        }
    }
}

proptest::proptest! {
    /// Text fallback never panics on any text, and finds a phrase set off by spaces.
    #[test]
    fn contains_phrase_is_total(pre in "\\PC{0,40}", post in "\\PC{0,40}") {
        let text = format!("{pre} Gilbert's syndrome {post}");
        proptest::prop_assert!(contains_phrase(&text, "gilbert's SYNDROME"));
        let _ = contains_phrase(&pre, &post);
    }
}

#[test]
fn term_cues_parse_and_are_lowercase() {
    let t = eligo_vocab::Terms::load().expect("data/terms.json");
    for class in [&t.condition, &t.drug, &t.procedure, &t.measurement] {
        assert!(!class.heads.is_empty());
        for w in class
            .heads
            .iter()
            .chain(&class.suffixes)
            .chain(&class.suffix_exceptions)
        {
            assert_eq!(w, &w.to_lowercase(), "{w:?} is not lowercase");
            assert_eq!(w.trim(), w);
        }
    }
    assert!(t.condition.is_head("hepatitis") && t.condition.is_head("disease"));
    assert!(!t.condition.is_head("diagnosis"), "an exception");
    assert!(t.drug.is_head("pembrolizumab") && t.drug.is_head("lisinopril"));
    assert!(!t.drug.is_head("mab"), "an ending alone is no word");
    assert!(t.procedure.is_head("appendectomy") && t.measurement.is_head("count"));
    assert!(t.stopwords.contains("of") && t.qualifiers.contains("severe"));
    assert!(t.temporal_words.contains("history"));
    assert!(t.negation_words.iter().any(|w| w == "without"));
}

/// Latent tuberculosis infection (SNOMED 11999007, ICD-10-CM Z22.7, or named
/// so in text) is neither active tuberculosis nor an active infection; an
/// active pulmonary tuberculosis is both.
#[test]
fn latent_tuberculosis_is_not_active() {
    let v = vocabulary();
    let snomed = "http://snomed.info/sct";
    let icd = "http://hl7.org/fhir/sid/icd-10-cm";
    for (codes, text) in [
        (vec![coding(snomed, "11999007")], None),
        (vec![coding(icd, "Z22.7")], None),
        (vec![], Some("Latent tuberculosis infection")),
    ] {
        assert!(v.condition_matches("latent_tuberculosis", &codes, text));
        for key in ["tuberculosis", "active_infection"] {
            assert!(
                !v.condition_matches(key, &codes, text),
                "{key}: {codes:?} {text:?}"
            );
        }
    }
    let tb = [coding(snomed, "154283005")];
    assert!(v.condition_matches("tuberculosis", &tb, None));
    assert!(v.condition_matches("active_infection", &tb, None));
}

/// A trial's condition names a concept as a whole, not by containing it:
/// "Stage IV Lung Cancer AJCC v8" is narrower than lung cancer.
#[test]
fn conditions_are_named_as_a_whole() {
    let v = vocabulary();
    let key = |s: &str| v.condition_named(s).map(|c| c.key.as_str());
    assert_eq!(key("Systemic Lupus Erythematosus"), Some("sle"));
    assert_eq!(key("Atopic Dermatitis"), Some("atopic_dermatitis"));
    assert_eq!(key("Brain Injuries"), Some("brain_injury"));
    assert_eq!(
        key("NSCLC (Advanced Non-small Cell Lung Cancer)"),
        Some("nsclc")
    );
    assert_eq!(key("Non-Small Cell Lung Carcinoma"), Some("nsclc"));
    assert_eq!(key("Stage IV Lung Cancer AJCC v8"), None);
    assert_eq!(key("Healthy"), None);
    assert_eq!(key("Abdominoplasty"), None);
    // A narrower diagnosis satisfies the broader trial condition, not the reverse.
    let ln = [coding("http://snomed.info/sct", "68815009")];
    assert!(v.condition_matches("sle", &ln, None));
    let sle = [coding("http://snomed.info/sct", "55464009")];
    assert!(!v.condition_matches("lupus_nephritis", &sle, None));
    // ICD-10-CM's hierarchy by prefix: M32.14 is M32.
    assert!(v.condition_matches(
        "sle",
        &[coding("http://hl7.org/fhir/sid/icd-10-cm", "M32.14")],
        None
    ));
}
