//! Segmentation: every shape of eligibility text seen in the seeds and the
//! real registry records (headings, bullets, numbering, sub-items, run-together
//! items, sub-headings, joins, escapes, unicode). Spans always slice the
//! original text.

use crate::common::{check_invariants, data};
use eligo_criteria::{SegmentKind, compile, render, segment};
use eligo_model::rule::{CriterionKind, RuleKind};

fn items(t: &str) -> Vec<(String, Option<CriterionKind>, u8)> {
    let s = segment(t);
    for x in &s {
        assert_eq!(&t[x.span.start..x.span.end], x.text, "span slices the text");
    }
    s.into_iter()
        .filter(|x| x.kind == SegmentKind::Item)
        .map(|x| (x.text, x.section, x.nesting))
        .collect()
}

fn headings(t: &str) -> Vec<String> {
    segment(t)
        .into_iter()
        .filter(|x| x.kind == SegmentKind::Heading)
        .map(|x| x.text)
        .collect()
}

fn rendered(t: &str) -> Vec<Vec<String>> {
    let c = compile("t", t);
    check_invariants(t, &c);
    c.criteria
        .iter()
        .map(|cr| cr.rules.iter().map(render::rule).collect())
        .collect()
}

#[test]
fn heading_variants() {
    use CriterionKind::*;
    for (t, want) in [
        ("Inclusion Criteria:\n* A\n", Inclusion),
        ("INCLUSION CRITERIA\n* A\n", Inclusion),
        ("Key exclusion criteria\n* A\n", Exclusion),
        (
            "Exclusion Criteria (any of the following):\n* A\n",
            Exclusion,
        ),
        ("  • Exclusion Criteria:\n  • 1. A\n", Exclusion),
        ("- Exclusion Criteria:\n- • 1. A\n", Exclusion),
        (
            "Patients must meet all of the following inclusion criteria:\n1. A\n",
            Inclusion,
        ),
        (
            "Subjects meeting any of the following exclusion criteria will not be enrolled:\n1. A\n",
            Exclusion,
        ),
    ] {
        let it = items(t);
        assert_eq!(it.len(), 1, "{t:?}: {it:?}");
        assert_eq!(it[0].0, "A", "{t:?}");
        assert_eq!(it[0].1, Some(want), "{t:?}");
        assert_eq!(headings(t).len(), 1, "{t:?}");
    }
    // Text before any heading has no section; the compiler reads it as inclusion.
    let c = compile("t", "Age 18 years or older\n");
    assert_eq!(c.criteria[0].kind, CriterionKind::Inclusion);
}

#[test]
fn bullets_numbering_and_nesting() {
    let t = "Inclusion Criteria:\n* star\n- dash\n• dot\n- • 4. stacked\n(5) paren\n6) half paren\n7. Lab values:\n  * nested one\n  * nested two\n8. ALT ≤ 1.5 × ULN\n";
    let it = items(t);
    let texts: Vec<&str> = it.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        texts,
        [
            "star",
            "dash",
            "dot",
            "stacked",
            "paren",
            "half paren",
            "Lab values:",
            "nested one",
            "nested two",
            "ALT ≤ 1.5 × ULN"
        ]
    );
    let nesting: Vec<u8> = it.iter().map(|x| x.2).collect();
    assert_eq!(nesting, [0, 0, 0, 0, 0, 0, 0, 1, 1, 0]);
    // Sub-items join their parent criterion.
    let c = compile("t", t);
    check_invariants(t, &c);
    assert_eq!(c.criteria.len(), 8);
    assert_eq!(
        c.criteria[6].text,
        "Lab values:\n  * nested one\n  * nested two"
    );
    // "1.5" opening an item is a number, not a label.
    assert_eq!(items("Exclusion Criteria\n* 1.5 x ULN\n")[0].0, "1.5 x ULN");
}

#[test]
fn numbering_restarted_under_an_item_ending_in_a_colon() {
    // Seed 004: "10. Adequate organ function:" then "1. Renal function ..." "2. ...".
    let t = data("seed_NCT07031713.txt");
    let c = compile("NCT07031713", &t);
    check_invariants(&t, &c);
    let organ = c
        .criteria
        .iter()
        .find(|cr| cr.text.starts_with("Adequate organ function:"))
        .unwrap();
    assert!(organ.text.contains("1. Renal function") && organ.text.contains("6. Cardiac function"));
    assert!(
        !c.criteria
            .iter()
            .any(|cr| cr.text.starts_with("Renal function")),
        "sub-items are not criteria of their own"
    );
}

#[test]
fn numbered_items_run_together_in_one_bullet() {
    // Seed 004 line 8: "...hormones; 7. Positive for ...; 8. During the screening period ...; 9. ...; 10. Adequate organ function:"
    let t = data("seed_NCT07031713.txt");
    let c = compile("NCT07031713", &t);
    for start in [
        "Positive for anti nuclear antibodies",
        "During the screening period, if the SLEDAI-2K score",
        "Active organ involvement during screening",
        "Adequate organ function:",
        // exclusion line 33: "19. ...; 20. ...; 21. ...; 22. ..."
        "Participate in other clinical studies",
        "Merge major chronic diseases",
        "If there is a history or evidence of suicidal thoughts",
        "Pregnant or lactating women",
    ] {
        let cr = c
            .criteria
            .iter()
            .find(|cr| cr.text.starts_with(start))
            .unwrap_or_else(|| panic!("no criterion starts with {start:?}"));
        assert_eq!(&t[cr.span.start..cr.span.end], cr.text);
        assert!(
            !cr.text.contains("; 8.") && !cr.text.contains("; 21."),
            "{:?}",
            cr.text
        );
    }
    // Sentence-separated run-ons continue the count too; a number that does not is text.
    let it = items(
        "Inclusion Criteria:\n1. Age 18 years or older. 2. ECOG 0-1\n3. Weight 40 kg. 5. not a label\n",
    );
    let texts: Vec<&str> = it.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Age 18 years or older.",
            "ECOG 0-1",
            "Weight 40 kg. 5. not a label"
        ]
    );
}

#[test]
fn unmarked_lead_in_lines_are_sub_headings() {
    // ctgov NCT03630471: "For adolescent participants:" then "* ..." bullets.
    let t = data("ctgov_NCT03630471.txt");
    let it = items(&t);
    assert!(
        it.iter().all(|x| x.2 == 0),
        "bullets under a sub-heading are criteria"
    );
    let h = headings(&t);
    assert_eq!(
        h,
        [
            "Eligibility criteria:",
            "For adolescent participants:",
            "For parent participants:",
            "Exclusion criteria:",
            "For adolescent participants:",
            "For parent participants:"
        ]
    );
    let c = compile("NCT03630471", &t);
    check_invariants(&t, &c);
    // 6 + 3 inclusion bullets, 6 + 2 exclusion bullets.
    assert_eq!(c.criteria.len(), 17);
    assert_eq!(
        c.criteria
            .iter()
            .filter(|cr| cr.kind == CriterionKind::Exclusion)
            .count(),
        8
    );
    // A marked item ending in ':' keeps its sub-items (seed 004's organ function).
    let it = items("Inclusion Criteria:\n* Adequate labs:\n  * ANC ≥ 1.5\n");
    assert_eq!(it.iter().map(|x| x.2).collect::<Vec<_>>(), [0, 1]);
}

#[test]
fn lettered_sub_items() {
    let t = "Exclusion Criteria:\n1. Any of the following within 6 months:\na. myocardial infarction\nb) unstable angina\n(c) stroke\n2. Pregnancy\n";
    let it = items(t);
    assert_eq!(
        it.iter().map(|x| (x.0.as_str(), x.2)).collect::<Vec<_>>(),
        [
            ("Any of the following within 6 months:", 0),
            ("myocardial infarction", 1),
            ("unstable angina", 1),
            ("stroke", 1),
            ("Pregnancy", 0)
        ]
    );
    let c = compile("t", t);
    check_invariants(t, &c);
    assert_eq!(c.criteria.len(), 2);
}

#[test]
fn crlf_tabs_and_blank_lines() {
    let t = "Inclusion Criteria:\r\n\r\n\t* Age 18-65 years\r\n\t* ALT ≤ 3 × ULN\r\n\r\nExclusion Criteria:\r\n\t* Pregnancy\r\n";
    let it = items(t);
    assert_eq!(
        it.iter().map(|x| (x.0.as_str(), x.1)).collect::<Vec<_>>(),
        [
            ("Age 18-65 years", Some(CriterionKind::Inclusion)),
            ("ALT ≤ 3 × ULN", Some(CriterionKind::Inclusion)),
            ("Pregnancy", Some(CriterionKind::Exclusion))
        ]
    );
    assert_eq!(
        rendered(t),
        [
            vec!["age ≥ 18 and ≤ 65 years".to_string()],
            vec!["ALT ≤ 3 × ULN".to_string()],
            vec!["pregnant".to_string()]
        ]
    );
}

#[test]
fn semicolon_and_or_joins() {
    // Exclusion clauses joined by ';' are alternatives; "or" binds tightest.
    let r = rendered("Exclusion Criteria:\n* History of stroke; HBsAg or HBcAb positive\n");
    assert_eq!(
        r,
        [vec![
            "any of [history of Stroke / cerebrovascular accident; HBsAg positive; HBcAb positive]"
                .to_string()
        ]]
    );
    // Inclusion clauses joined by ';' are a conjunction.
    let r = rendered("Inclusion Criteria:\n* ALT ≤ 3 × ULN; AST ≤ 3 × ULN\n");
    assert_eq!(
        r,
        [vec![
            "ALT ≤ 3 × ULN".to_string(),
            "AST ≤ 3 × ULN".to_string()
        ]]
    );
}

#[test]
fn one_of_the_following_lists() {
    let t = "Inclusion Criteria:\n* Meets one of the following: eGFR < 30 mL/min/1.73m2; requires renal replacement therapy\n";
    let c = compile("t", t);
    check_invariants(t, &c);
    assert_eq!(c.criteria.len(), 1);
    assert!(
        matches!(&c.criteria[0].rules[..], [r] if matches!(&r.kind, RuleKind::Any { rules, .. } if rules.len() == 2)),
        "{:#?}",
        c.criteria[0].rules
    );
}

#[test]
fn escapes_and_unicode() {
    let t = "Inclusion Criteria:\n* Platelets \\>100×10⁹/L\n* Creatinine ≤ 120 µmol/L\n* eGFR \\< 30 mL/min/1.73 m²\n* SLEDAI-2K ≥ 8\n";
    assert_eq!(
        rendered(t),
        [
            vec!["Platelet count > 100 10*9/L".to_string()],
            vec!["Serum creatinine ≤ 120 umol/L".to_string()],
            vec!["eGFR < 30 mL/min/{1.73_m2}".to_string()],
            vec!["SLEDAI-2K ≥ 8".to_string()],
        ]
    );
    // The criterion text keeps the escapes and symbols exactly.
    let c = compile("t", t);
    assert_eq!(c.criteria[0].text, "Platelets \\>100×10⁹/L");
}
