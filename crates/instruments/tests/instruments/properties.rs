//! Property tests of the formulas (INSTRUMENTS.md definitions).

use crate::common::{SLEDAI_FIELDS, SLEDAI_WEIGHTS, result, sledai_items};
use eligo_instruments::{ctcae, renal, units};
use eligo_model::Quantity;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

fn dec(x: f64) -> Decimal {
    Decimal::from_f64_retain(x).unwrap().round_dp(3)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    // §1: total = sum of the weights of the items set; clinical leaves out
    // low_complement and increased_dna_binding.
    #[test]
    fn sledai2k_total_is_the_sum_of_item_weights(mask in proptest::collection::vec(any::<bool>(), 24)) {
        let present: Vec<&str> = SLEDAI_FIELDS.iter().zip(&mask).filter(|(_, m)| **m).map(|(f, _)| *f).collect();
        let expected: u64 = SLEDAI_WEIGHTS.iter().zip(&mask).filter(|(_, m)| **m).map(|(w, _)| *w).sum();
        let serology: u64 = [19usize, 20].iter().filter(|i| mask[**i]).map(|_| 2).sum();
        let r = result("sledai2k", sledai_items(&present));
        prop_assert_eq!(r["total"].as_u64().unwrap(), expected);
        prop_assert_eq!(r["clinical_total"].as_u64().unwrap(), expected - serology);
    }

    // §10: CrCl rises with weight, falls with age and with creatinine.
    #[test]
    fn cockcroft_gault_is_monotonic(
        age in 18u32..120, dage in 1u32..20,
        w in 30.0f64..200.0, dw in 0.5f64..50.0,
        scr in 0.2f64..10.0, dscr in 0.01f64..3.0,
        female in any::<bool>(),
    ) {
        let (w, w2, scr, scr2) = (dec(w), dec(w + dw), dec(scr), dec(scr + dscr));
        let base = renal::cockcroft_gault(age, w, scr, female).0;
        prop_assert!(renal::cockcroft_gault(age, w2, scr, female).0 > base);
        prop_assert!(renal::cockcroft_gault(age, w, scr2, female).0 < base);
        let older = (age + dage).min(139);
        if older > age {
            prop_assert!(renal::cockcroft_gault(older, w, scr, female).0 < base);
        }
        // female = male × 0.85
        let m = renal::cockcroft_gault(age, w, scr, false).0;
        let f = renal::cockcroft_gault(age, w, scr, true).0;
        prop_assert_eq!(f, m * Decimal::new(85, 2));
    }

    // §11: continuous at Scr = kappa (0.7 female, 0.9 male), where both
    // power terms are 1.
    #[test]
    fn ckd_epi_2021_is_continuous_at_kappa(age in 18u32..120, female in any::<bool>()) {
        let kappa = if female { Decimal::new(7, 1) } else { Decimal::new(9, 1) };
        let eps = Decimal::new(1, 6);
        let at = renal::ckd_epi_2021(age, kappa, female).0;
        let below = renal::ckd_epi_2021(age, kappa - eps, female).0;
        let above = renal::ckd_epi_2021(age, kappa + eps, female).0;
        prop_assert!((at - below).abs() < Decimal::new(1, 2), "{below} {at}");
        prop_assert!((at - above).abs() < Decimal::new(1, 2), "{at} {above}");
        // and at kappa equals 142 × 0.9938^age (× 1.012)
        let expected = 142.0 * 0.9938f64.powi(age as i32) * if female { 1.012 } else { 1.0 };
        let at_f: f64 = at.try_into().unwrap();
        prop_assert!((at_f - expected).abs() < 1e-3);
    }

    // §11: eGFR falls as creatinine rises.
    #[test]
    fn ckd_epi_2021_falls_with_creatinine(age in 18u32..120, scr in 0.2f64..10.0, d in 0.01f64..2.0, female in any::<bool>()) {
        let a = renal::ckd_epi_2021(age, dec(scr), female).0;
        let b = renal::ckd_epi_2021(age, dec(scr + d), female).0;
        prop_assert!(b < a);
    }

    // §12: with fever, the grade is the worst of fever (1), hypotension and
    // hypoxia, from the tables of §12.
    #[test]
    fn crs_grade_is_the_worst_parameter(
        hypo in 0usize..4, oxy in 0usize..10, flow in 0u32..15, temp in 380u32..420,
    ) {
        let hypotension = ["none", "no_vasopressor", "one_vasopressor", "multiple_vasopressors"];
        let hypotension_grade = [0u64, 2, 3, 4];
        let oxygen = ["none", "nasal_cannula", "blow_by", "high_flow_nasal_cannula", "facemask", "non_rebreather", "venturi", "cpap", "bipap", "mechanical_ventilation"];
        let hypoxia_grade = match oxygen[oxy] {
            "none" => 0u64,
            "nasal_cannula" => if flow > 6 { 3 } else { 2 },
            "blow_by" => 2,
            "cpap" | "bipap" | "mechanical_ventilation" => 4,
            _ => 3,
        };
        let r = result("astct_crs", json!({
            "temperature_c": f64::from(temp) / 10.0,
            "antipyretic_or_anticytokine_given": false,
            "hypotension": hypotension[hypo],
            "oxygen": oxygen[oxy],
            "oxygen_flow_l_min": flow,
        }));
        let worst = 1u64.max(hypotension_grade[hypo]).max(hypoxia_grade);
        prop_assert_eq!(r["grade"].as_u64().unwrap(), worst);
        prop_assert_eq!(r["hypotension_grade"].as_u64().unwrap(), hypotension_grade[hypo]);
        prop_assert_eq!(r["hypoxia_grade"].as_u64().unwrap(), hypoxia_grade);
    }

    // §9: only the highest weight of each domain counts.
    #[test]
    fn eular_acr_counts_only_the_highest_weight_per_domain(mask in proptest::collection::vec(any::<bool>(), 21)) {
        // (field, domain, weight) from the §9 table; complement handled below
        let table: [(&str, &str, u64); 19] = [
            ("fever", "constitutional", 2),
            ("leukopenia", "hematologic", 3),
            ("thrombocytopenia", "hematologic", 4),
            ("autoimmune_hemolysis", "hematologic", 4),
            ("delirium", "neuropsychiatric", 2),
            ("psychosis", "neuropsychiatric", 3),
            ("seizure", "neuropsychiatric", 5),
            ("non_scarring_alopecia", "mucocutaneous", 2),
            ("oral_ulcers", "mucocutaneous", 2),
            ("subacute_cutaneous_or_discoid_lupus", "mucocutaneous", 4),
            ("acute_cutaneous_lupus", "mucocutaneous", 6),
            ("pleural_or_pericardial_effusion", "serosal", 5),
            ("acute_pericarditis", "serosal", 6),
            ("joint_involvement", "musculoskeletal", 6),
            ("proteinuria", "renal", 4),
            ("renal_biopsy_class_ii_or_v", "renal", 8),
            ("renal_biopsy_class_iii_or_iv", "renal", 10),
            ("antiphospholipid_antibodies", "antiphospholipid", 2),
            ("anti_dsdna_or_anti_smith", "sle_specific_antibodies", 6),
        ];
        let names = crate::worked_examples::EULAR_BOOLEANS;
        let present: Vec<&str> = names.iter().zip(&mask).filter(|(_, m)| **m).map(|(n, _)| *n).collect();
        let mut domains = std::collections::BTreeMap::new();
        for (f, dmn, w) in table {
            if present.contains(&f) {
                let e = domains.entry(dmn).or_insert(0u64);
                *e = (*e).max(w);
            }
        }
        let (c3, c4) = (present.contains(&"low_c3"), present.contains(&"low_c4"));
        let complement = if c3 && c4 { 4 } else if c3 || c4 { 3 } else { 0 };
        let expected: u64 = domains.values().sum::<u64>() + complement;
        let r = result("eular_acr_2019", crate::worked_examples::eular_input(160, &present));
        prop_assert_eq!(r["total"].as_u64().unwrap(), expected);
        let clinical = domains.keys().any(|d| !matches!(*d, "antiphospholipid" | "sle_specific_antibodies"));
        prop_assert_eq!(r["has_clinical_criterion"].as_bool().unwrap(), clinical);
        prop_assert_eq!(r["classified"].as_bool().unwrap(), clinical && expected >= 10);
    }

    // The unit parser, the normaliser and convert never panic.
    #[test]
    fn unit_parser_never_panics(s in "\\PC{0,24}") {
        let _ = units::parse_unit(&s);
        let _ = units::normalize_unit(&s);
        let _ = units::convert(&Quantity::new(Decimal::ONE, s.clone()), "mg/dL", Some("creatinine"));
        let _ = units::convert(&Quantity::new(Decimal::MAX, "mg/dL"), &s, Some("glucose"));
    }

    #[test]
    fn unit_parser_never_panics_on_unit_like_strings(s in "[-+0-9a-zA-Z/.(){}\\[\\]*^%_']{0,20}") {
        let _ = units::parse_unit(&s);
        let _ = units::normalize_unit(&s);
        let _ = units::convert(&Quantity::new(Decimal::new(123, 1), s.clone()), "10*9/L", None);
    }

    // CTCAE: grading never panics, and for a low term a lower value never
    // grades lower.
    #[test]
    fn ctcae_low_terms_are_monotonic(a in 0u32..3000, b in 0u32..3000, lln in 1u32..3000) {
        let (lo, hi) = (a.min(b), a.max(b));
        let g = |v: u32| ctcae::grade("Platelet count decreased", Decimal::from(v) / Decimal::TEN, Some("10*9/L"), Some(Decimal::from(lln) / Decimal::TEN), None, None).unwrap();
        prop_assert!(g(lo) >= g(hi));
    }

    #[test]
    fn ctcae_grading_never_panics(v in any::<i64>(), scale in 0u32..10, unit in "\\PC{0,8}", term in 0usize..40) {
        let terms = ctcae::terms().unwrap();
        let t = &terms[term];
        let value = Decimal::new(v, scale);
        let _ = ctcae::grade(&t.term, value, Some(&unit), Some(value), Some(Decimal::MAX), Some(Decimal::MIN));
        let _ = ctcae::grade(&t.term, value, t.unit.as_deref(), Some(Decimal::ONE), Some(Decimal::TEN), Some(value));
    }
}
