//! One test per pattern, with the expectation read off the text itself.

use eligo_criteria::{SegmentKind, compile, segment};
use eligo_model::rule::*;
use eligo_model::{Quantity, Sex};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn one(text: &str) -> Criterion {
    let c = compile("t", text);
    crate::common::check_invariants(text, &c);
    assert_eq!(c.criteria.len(), 1, "{:#?}", c.criteria);
    c.criteria.into_iter().next().unwrap()
}

fn kinds(c: &Criterion) -> Vec<RuleKind> {
    c.rules.iter().map(|r| r.kind.clone()).collect()
}

#[test]
fn headings_bullets_and_numbering_are_segmented() {
    let t = "Key Inclusion Criteria:\n\n1. Age ≥ 18 years\n2) Female\n* Signed consent\n\nExclusion criteria\n- (1) Pregnancy\n  * nested detail\n";
    let s = segment(t);
    let heads: Vec<_> = s
        .iter()
        .filter(|x| x.kind == SegmentKind::Heading)
        .map(|x| x.text.as_str())
        .collect();
    assert_eq!(heads, ["Key Inclusion Criteria:", "Exclusion criteria"]);
    let items: Vec<_> = s.iter().filter(|x| x.kind == SegmentKind::Item).collect();
    assert_eq!(
        items.iter().map(|x| x.text.as_str()).collect::<Vec<_>>(),
        [
            "Age ≥ 18 years",
            "Female",
            "Signed consent",
            "Pregnancy",
            "nested detail"
        ]
    );
    assert_eq!(items[3].section, Some(CriterionKind::Exclusion));
    assert_eq!(items[4].nesting, 1);
    for i in &items {
        assert_eq!(&t[i.span.start..i.span.end], i.text);
    }
    // The nested bullet belongs to its parent criterion.
    let c = compile("t", t);
    assert_eq!(c.criteria.len(), 4);
    assert_eq!(c.criteria[3].text, "Pregnancy\n  * nested detail");
}

#[test]
fn escaped_comparators_and_uln_multiples() {
    let c = one(
        "Inclusion Criteria:\n* ALT \\<= 2.5 x ULN and total bilirubin \\< 1.5 times the upper limit of normal",
    );
    assert_eq!(
        kinds(&c),
        vec![
            RuleKind::Lab {
                analyte: "alt".into(),
                comparator: Comparator::Le,
                threshold: Threshold::UlnMultiple { factor: d("2.5") },
                window: None,
                method: None,
                exceptions: vec![]
            },
            RuleKind::Lab {
                analyte: "total_bilirubin".into(),
                comparator: Comparator::Lt,
                threshold: Threshold::UlnMultiple { factor: d("1.5") },
                window: None,
                method: None,
                exceptions: vec![]
            },
        ]
    );
}

#[test]
fn unicode_units_become_ucum() {
    let c =
        one("Inclusion Criteria:\n* Platelets ≥ 75×10⁹/L; eGFR ≥ 45 mL/min/1.73 m2; Hb ≥ 9 g/dL");
    let units: Vec<String> = c
        .rules
        .iter()
        .filter_map(|r| match &r.kind {
            RuleKind::Lab {
                threshold: Threshold::Quantity { quantity },
                ..
            } => Some(quantity.unit.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(units, ["10*9/L", "mL/min/{1.73_m2}", "g/dL"]);
}

#[test]
fn sledai_2000_is_sledai_2k_and_strict_stays_strict() {
    let c = one("Inclusion Criteria:\n* SLEDAI-2000 score \\>6.");
    assert_eq!(
        kinds(&c),
        vec![RuleKind::Score {
            instrument: Instrument::Sledai2k,
            comparator: Comparator::Gt,
            value: d("6"),
            window: None
        }]
    );
    let c = one("Inclusion Criteria:\n* SELENA-SLEDAI score ≥ 6");
    assert!(matches!(
        c.rules[0].kind,
        RuleKind::Score {
            instrument: Instrument::SelenaSledai,
            comparator: Comparator::Ge,
            ..
        }
    ));
}

#[test]
fn bilag_grade_pattern() {
    let c = one("Inclusion Criteria:\n* BILAG-2004 organ system scores of at least 1 A or 2 B");
    assert_eq!(
        kinds(&c),
        vec![RuleKind::GradePattern {
            instrument: Instrument::Bilag2004,
            min_a: 1,
            min_b: 2,
            window: None
        }]
    );
}

#[test]
fn gilbert_exception_on_bilirubin() {
    let c = one(
        "Inclusion Criteria:\n* Total bilirubin (TBIL) ≤1.5×ULN (except Gilbert's syndrome, TBIL ≤3.0×ULN)",
    );
    let RuleKind::Lab {
        exceptions,
        threshold,
        ..
    } = &c.rules[0].kind
    else {
        panic!("{:?}", c.rules)
    };
    assert_eq!(*threshold, Threshold::UlnMultiple { factor: d("1.5") });
    assert_eq!(
        exceptions,
        &vec![LabException {
            condition: "gilbert_syndrome".into(),
            comparator: Comparator::Le,
            threshold: Threshold::UlnMultiple { factor: d("3.0") }
        }]
    );
}

#[test]
fn history_is_ever_presence_is_active() {
    let c = one("Exclusion Criteria:\n* History of thrombotic thrombocytopenic purpura");
    assert!(
        matches!(&c.rules[0].kind, RuleKind::Diagnosis { concept, presence: Presence::Ever, .. } if concept == "ttp")
    );
    let c = one("Exclusion Criteria:\n* Presence of neuropsychiatric lupus (NPSLE).");
    assert!(
        matches!(&c.rules[0].kind, RuleKind::Diagnosis { concept, presence: Presence::Active, .. } if concept == "npsle")
    );
    let c = one("Exclusion Criteria:\n* Previous or current diagnosis of psoriasis");
    assert!(matches!(
        &c.rules[0].kind,
        RuleKind::Diagnosis {
            presence: Presence::Ever,
            ..
        }
    ));
}

#[test]
fn windows_attach_to_their_event() {
    let c = one(
        "Exclusion Criteria:\n* Received hematopoietic stem cell transplantation within 3 months prior to screening, or ≥Grade 2 GVHD within 2 weeks prior to screening",
    );
    let RuleKind::Any { rules, .. } = &c.rules[0].kind else {
        panic!("{:?}", c.rules)
    };
    assert_eq!(
        rules[0].kind,
        RuleKind::Procedure {
            concept: "hsct".into(),
            window: Some(Period::new(3, TimeUnit::Months))
        }
    );
    assert!(
        matches!(&rules[1].kind, RuleKind::Diagnosis { concept, min_grade: Some(2), window: Some(w), .. } if concept == "gvhd" && *w == Period::new(2, TimeUnit::Weeks))
    );
}

#[test]
fn words_to_confirm_with_their_own_or_are_alternatives() {
    // NCT04207047: being pregnant alone excludes; "nursing, or anticipate"
    // is left to confirm beside it, never ANDed to it.
    let c = one(
        "Exclusion Criteria:\n* Subjects who are pregnant, nursing, or anticipate a pregnancy during the length of the trial.",
    );
    let RuleKind::Any { rules, .. } = &c.rules[0].kind else {
        panic!("{:?}", c.rules)
    };
    assert!(
        rules
            .iter()
            .any(|r| matches!(r.kind, RuleKind::Pregnancy { .. })),
        "{rules:?}"
    );
    assert!(
        rules
            .iter()
            .any(|r| matches!(r.kind, RuleKind::ToConfirm { .. })),
        "{rules:?}"
    );
    // "during the length of the trial" is the trial's own time, not a
    // clause of its own.
    assert!(
        c.not_computable.iter().all(|p| !p.text.contains("length")),
        "{:?}",
        c.not_computable
    );
}

#[test]
fn exclusion_lists_are_alternatives() {
    let c = one(
        "Exclusion Criteria:\n* Have received plasma exchange, hemodialysis, or intravenous immunoglobulin (IVIG) within 14 days prior to screening",
    );
    let two_weeks = Some(Period::new(14, TimeUnit::Days));
    let RuleKind::Any { rules, .. } = &c.rules[0].kind else {
        panic!("{:?}", c.rules)
    };
    let got: Vec<RuleKind> = rules.iter().map(|r| r.kind.clone()).collect();
    assert_eq!(
        got,
        vec![
            RuleKind::Procedure {
                concept: "plasma_exchange".into(),
                window: two_weeks
            },
            RuleKind::Procedure {
                concept: "hemodialysis".into(),
                window: two_weeks
            },
            RuleKind::Medication {
                agent: "ivig".into(),
                window: two_weeks,
                dose: None,
                min_duration: None,
                min_duration_strict: false,
                routes: vec![],
                current: false,
            },
        ]
    );
}

#[test]
fn glucocorticoid_dose_is_prednisone_equivalent_with_duration() {
    let c = one(
        "Exclusion Criteria:\n* Lupus nephritis requiring prednisone ≥ 100 mg/d, or equivalent glucocorticoid therapy for ≥14 days",
    );
    let found = crate::common::all_rules(&eligo_model::rule::CompiledCriteria {
        trial_id: String::new(),
        computable_fraction: 0.0,
        criteria: vec![c],
    })
    .into_iter()
    .find_map(|r| match &r.kind {
        RuleKind::Medication {
            agent,
            dose: Some(dose),
            min_duration,
            ..
        } => Some((agent.clone(), dose.clone(), *min_duration)),
        _ => None,
    })
    .expect("a dosed medication rule");
    assert_eq!(found.0, "glucocorticoid");
    assert_eq!(
        found.1,
        DoseThreshold {
            comparator: Comparator::Ge,
            quantity: Quantity::new(d("100"), "mg/d"),
            prednisone_equivalent: true
        }
    );
    assert_eq!(found.2, Some(Period::new(14, TimeUnit::Days)));
}

#[test]
fn at_least_n_of_a_list() {
    let c = one(
        "Inclusion Criteria:\n* at least 2 DMARDs(include cyclophosphamide, azathioprine, and rituximab)",
    );
    let RuleKind::AtLeast { min, rules } = &c.rules[0].kind else {
        panic!("{:?}", c.rules)
    };
    assert_eq!(*min, 2);
    let agents: Vec<&str> = rules
        .iter()
        .map(|r| match &r.kind {
            RuleKind::Medication { agent, .. } => agent.as_str(),
            _ => "?",
        })
        .collect();
    assert_eq!(agents, ["cyclophosphamide", "azathioprine", "rituximab"]);
}

#[test]
fn routes_are_kept() {
    let c = one(
        "Exclusion Criteria:\n* Have received intra-articular, intramuscular or intravenous glucocorticoids within 4 weeks prior to screening",
    );
    let RuleKind::Medication {
        agent,
        routes,
        window,
        ..
    } = &c.rules[0].kind
    else {
        panic!("{:?}", c.rules)
    };
    assert_eq!(agent, "glucocorticoid");
    assert_eq!(
        routes,
        &vec![
            "intra_articular".to_string(),
            "intramuscular".into(),
            "intravenous".into()
        ]
    );
    assert_eq!(*window, Some(Period::new(4, TimeUnit::Weeks)));
}

#[test]
fn childbearing_conditional_is_explicit_logic() {
    let c = one(
        "Inclusion Criteria:\n* Females of childbearing potential must have a negative serum HCG test within 7 days prior to enrollment and must not be lactating.",
    );
    let RuleKind::Any { rules, .. } = &c.rules[0].kind else {
        panic!("{:?}", c.rules)
    };
    assert_eq!(rules[0].kind, RuleKind::Sex { sex: Sex::Male });
    assert!(
        matches!(&rules[1].kind, RuleKind::Not { rule } if rule.kind == RuleKind::Pregnancy { state: PregnancyState::ChildbearingPotential, window: None })
    );
    let RuleKind::All { rules: req, .. } = &rules[2].kind else {
        panic!("{:?}", rules[2])
    };
    assert_eq!(
        req[0].kind,
        RuleKind::Pregnancy {
            state: PregnancyState::NegativeTest,
            window: Some(Period::new(7, TimeUnit::Days))
        }
    );
    assert!(
        matches!(&req[1].kind, RuleKind::Not { rule } if rule.kind == RuleKind::Pregnancy { state: PregnancyState::Lactating, window: None })
    );
}

#[test]
fn serology_with_viral_load() {
    let c = one(
        "Exclusion Criteria:\n* Hepatitis B surface antigen (HBsAg)-positive or hepatitis B core antibody (HBcAb)-positive with detectable HBV DNA",
    );
    let RuleKind::All { rules, .. } = &c.rules[0].kind else {
        panic!("{:?}", c.rules)
    };
    let RuleKind::Any { rules: either, .. } = &rules[0].kind else {
        panic!()
    };
    assert_eq!(
        either[0].kind,
        RuleKind::LabResult {
            analyte: "hbsag".into(),
            result: Qualitative::Positive,
            window: None
        }
    );
    assert_eq!(
        either[1].kind,
        RuleKind::LabResult {
            analyte: "hbcab".into(),
            result: Qualitative::Positive,
            window: None
        }
    );
    assert_eq!(
        rules[1].kind,
        RuleKind::LabResult {
            analyte: "hbv_dna".into(),
            result: Qualitative::Detectable,
            window: None
        }
    );
}

#[test]
fn malignancy_exceptions() {
    let c = one(
        "Exclusion Criteria:\n* History of malignancy (except non-melanoma skin cancer, in situ cervical/bladder/breast/thyroid carcinoma with disease-free survival \\>5 years).",
    );
    // The exceptions hold only with "disease-free survival > 5 years",
    // which no record codes: they are exceptions to confirm.
    let RuleKind::Diagnosis {
        concept,
        exceptions,
        exceptions_to_confirm,
        ..
    } = &c.rules[0].kind
    else {
        panic!("{:?}", c.rules)
    };
    assert_eq!(concept, "malignancy");
    assert!(exceptions.is_empty(), "{exceptions:?}");
    assert_eq!(
        exceptions_to_confirm,
        &[
            "non_melanoma_skin_cancer",
            "cervical_carcinoma_in_situ",
            "bladder_carcinoma_in_situ",
            "breast_carcinoma_in_situ",
            "thyroid_cancer"
        ]
    );
    assert!(
        c.not_computable
            .iter()
            .any(|p| p.reason == NotComputableReason::NotInRecord
                && p.text.contains("disease-free survival"))
    );
}

#[test]
fn not_computable_reasons() {
    for (text, reason) in [
        (
            "Exclusion Criteria:\n* Other conditions deemed by the investigator to preclude study participation.",
            NotComputableReason::InvestigatorJudgment,
        ),
        (
            "Exclusion Criteria:\n* Severe cardiac diseases.",
            NotComputableReason::VagueSeverity,
        ),
        (
            "Inclusion Criteria:\n* Provide written informed consent.",
            NotComputableReason::ConsentOrCompliance,
        ),
        (
            "Inclusion Criteria:\n* Agree to use effective contraception during the study.",
            NotComputableReason::ContraceptionAgreement,
        ),
        (
            "Exclusion Criteria:\n* Have received therapeutic dose of corticosteroids within 7 days prior to leukapheresis.",
            NotComputableReason::FutureAnchor,
        ),
    ] {
        let c = one(text);
        assert!(!c.computable, "{text}: {:?}", c.rules);
        assert_eq!(c.not_computable[0].reason, reason, "{text}");
    }
    // Future intent is kept as a part, an alternative left to confirm; the
    // history part still compiles.
    let c = one("Exclusion Criteria:\n* Pregnant women or those planning pregnancy.");
    let RuleKind::Any { rules, .. } = &c.rules[0].kind else {
        panic!("{:?}", c.rules)
    };
    assert_eq!(
        rules[0].kind,
        RuleKind::Pregnancy {
            state: PregnancyState::Pregnant,
            window: None
        }
    );
    assert_eq!(
        rules[1].kind,
        RuleKind::ToConfirm {
            reason: NotComputableReason::FutureIntent
        }
    );
    assert_eq!(
        c.not_computable[0].reason,
        NotComputableReason::FutureIntent
    );
}

#[test]
fn failure_to_respond_keeps_its_computable_parts() {
    let c = one(
        "Inclusion Criteria:\n* Failure to respond to conventional therapy. Conventional therapy: Glucocorticoids (≥1 mg/kg/day) combined with cyclophosphamide and ≥1 of the following immunosuppressants for \\>6 months: azathioprine, methotrexate.",
    );
    assert_eq!(c.not_computable[0].reason, NotComputableReason::NotInRecord);
    // "Failure to respond" is left to confirm, joined to the definition of
    // the therapy it names (the criterion is a conjunction of them).
    let all = &c.rules;
    assert_eq!(
        all[0].kind,
        RuleKind::ToConfirm {
            reason: NotComputableReason::NotInRecord
        }
    );
    assert!(
        matches!(&all[1].kind, RuleKind::Medication { agent, dose: Some(DoseThreshold { quantity, prednisone_equivalent: true, .. }), .. } if agent == "glucocorticoid" && quantity.unit == "mg/kg/d")
    );
    assert!(
        matches!(&all[2].kind, RuleKind::Medication { agent, .. } if agent == "cyclophosphamide")
    );
    let RuleKind::AtLeast { min: 1, rules } = &all[3].kind else {
        panic!("{:?}", all[3])
    };
    // "> 6 months": longer than six months, not six months.
    assert!(rules.iter().all(|r| matches!(&r.kind, RuleKind::Medication { min_duration: Some(p), min_duration_strict: true, .. } if *p == Period::new(6, TimeUnit::Months))));
}

#[test]
fn run_together_items_and_age() {
    let c = compile(
        "t",
        "Inclusion Criteria:\n1. Aged 18-65 years; both genders eligible.\n2. SLEDAI-2K ≥ 8; 3. Positive for anti ds DNA antibodies",
    );
    assert_eq!(c.criteria.len(), 3);
    assert_eq!(
        c.criteria[0].rules[0].kind,
        RuleKind::Age {
            min: Some(AgeBound {
                years: 18,
                inclusive: true
            }),
            max: Some(AgeBound {
                years: 65,
                inclusive: true
            })
        }
    );
    assert!(
        c.criteria[0].not_computable.is_empty(),
        "both genders needs no rule and nothing to confirm"
    );
    assert_eq!(c.criteria[2].text, "Positive for anti ds DNA antibodies");
}

#[test]
fn registry_fields_become_marked_criteria_without_double_counting() {
    use eligo_model::trial::{AgeLimit, Eligibility};
    let mut trial = eligo_model::Trial {
        id: "NCTX".into(),
        ..Default::default()
    };
    trial.eligibility = Eligibility {
        criteria: Some("Inclusion Criteria:\n* Aged 18-65 years\n".into()),
        min_age: AgeLimit::parse("18 Years"),
        max_age: AgeLimit::parse("65 Years"),
        sex: Some(Sex::Female),
        ..Default::default()
    };
    let c = eligo_criteria::compile_trial(&trial);
    let fields: Vec<_> = c
        .criteria
        .iter()
        .filter_map(|c| c.field.as_deref())
        .collect();
    assert_eq!(
        fields,
        ["eligibility.sex"],
        "the text states the age, so the age fields add nothing"
    );
    trial.eligibility.criteria = Some("Inclusion Criteria:\n* SLE\n".into());
    let c = eligo_criteria::compile_trial(&trial);
    let fields: Vec<_> = c
        .criteria
        .iter()
        .filter_map(|c| c.field.as_deref())
        .collect();
    assert_eq!(
        fields,
        [
            "eligibility.min_age",
            "eligibility.max_age",
            "eligibility.sex"
        ]
    );
    assert_eq!(
        c.criteria[0].rules[0].kind,
        RuleKind::Age {
            min: Some(AgeBound {
                years: 18,
                inclusive: true
            }),
            max: None
        }
    );
}

#[test]
fn registry_phrasings_of_pregnancy_and_history() {
    // NCT06382129: "serum pregnancy must be negative, and must be non-lactating".
    let c = one(
        "Inclusion Criteria:\n* For premenopausal women with childbearing potential, a pregnancy test must be performed within 7 days before the initiation of treatment, serum pregnancy must be negative, and must be non-lactating",
    );
    let RuleKind::Any { rules, .. } = &c.rules[0].kind else {
        panic!("{:?}", c.rules)
    };
    let RuleKind::All { rules: req, .. } = &rules[2].kind else {
        panic!("{:?}", rules[2])
    };
    assert_eq!(
        req[0].kind,
        RuleKind::Pregnancy {
            state: PregnancyState::NegativeTest,
            window: Some(Period::new(7, TimeUnit::Days))
        }
    );
    assert!(
        matches!(&req[1].kind, RuleKind::Not { rule } if rule.kind == RuleKind::Pregnancy { state: PregnancyState::Lactating, window: None })
    );
    // NCT02552212: "History of or current chronic or recurrent infections"
    // reads as ever; "chronic or recurrent" is left to confirm with it.
    let c = one("Exclusion Criteria:\n* History of or current chronic or recurrent infections");
    let compiled = eligo_model::rule::CompiledCriteria {
        trial_id: String::new(),
        computable_fraction: 1.0,
        criteria: vec![c.clone()],
    };
    let found = crate::common::all_rules(&compiled);
    assert!(
        found.iter().any(|r| matches!(&r.kind, RuleKind::Diagnosis { concept, presence: Presence::Ever, .. } if concept == "active_infection")),
        "{:?}",
        c.rules
    );
    // "Recent" states no window: the live vaccination is read, "recent" left to confirm.
    let c = one("Exclusion Criteria:\n* Recent live vaccination");
    let RuleKind::All { rules, .. } = &c.rules[0].kind else {
        panic!("{:?}", c.rules)
    };
    assert!(matches!(rules[0].kind, RuleKind::ToConfirm { .. }));
    assert_eq!(
        rules[1].kind,
        RuleKind::Vaccination {
            vaccine: VaccineKind::Live,
            window: None
        }
    );
}

/// Issue 17 item 18: a criterion from a registry field points into the
/// field's text and names the field.
#[test]
fn field_criteria_point_into_the_field() {
    let mut t = eligo_model::Trial {
        id: "t".into(),
        conditions: vec!["Atopic Dermatitis".into(), "Rare Disease X".into()],
        ..eligo_model::Trial::default()
    };
    t.eligibility.min_age = eligo_model::trial::AgeLimit::parse("18 Years");
    t.eligibility.sex = Some(eligo_model::Sex::Female);
    let c = eligo_criteria::compile_trial(&t);
    let age = c
        .criteria
        .iter()
        .find(|c| c.field.as_deref() == Some("eligibility.min_age"))
        .unwrap();
    assert_eq!(age.text, "18 Years");
    assert_eq!(age.span, eligo_model::Span::new(0, 8));
    assert_eq!(age.rules[0].span, eligo_model::Span::new(0, 8));
    let sex = c
        .criteria
        .iter()
        .find(|c| c.field.as_deref() == Some("eligibility.sex"))
        .unwrap();
    assert_eq!(sex.span.slice(&sex.text), Some("FEMALE"));
    // The trial's conditions: one rule per condition, each at its words.
    let cond = c
        .criteria
        .iter()
        .find(|c| c.field.as_deref() == Some("conditions"))
        .unwrap();
    assert_eq!(cond.text, "Atopic Dermatitis; Rare Disease X");
    let RuleKind::Any { rules, .. } = &cond.rules[0].kind else {
        panic!("{:?}", cond.rules)
    };
    assert_eq!(rules[0].span.slice(&cond.text), Some("Atopic Dermatitis"));
    assert_eq!(
        rules[0].kind,
        RuleKind::TrialCondition {
            condition: "Atopic Dermatitis".into(),
            concept: Some("atopic_dermatitis".into())
        }
    );
    assert_eq!(rules[1].span.slice(&cond.text), Some("Rare Disease X"));
}
