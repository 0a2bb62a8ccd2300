//! 3+3 over every cohort outcome at the bottom, middle and top level, and
//! BOIN against the published boundaries and decision table (Liu & Yuan,
//! JRSS-C 2015; Yuan et al., Clin Cancer Res 2016, Tables 1 and 2).

use crate::common::{date, trial};
use eligo_conduct::data::{AdverseEvent, Grading, Participant, ParticipantStatus};
use eligo_conduct::escalation::{
    Action, DoseCount, boin, boin_boundaries, boin_table, dose_counts, three_plus_three,
};

/// Three levels; `c` gives (evaluable, DLTs) per level.
fn counts(c: [(u32, u32); 3]) -> Vec<DoseCount> {
    c.iter()
        .enumerate()
        .map(|(i, (n, y))| DoseCount {
            level: i as u32 + 1,
            label: format!("L{}", i + 1),
            treated: *n,
            evaluable: *n,
            dlts: *y,
            pending: 0,
            not_evaluable: 0,
        })
        .collect()
}

fn tpt(c: [(u32, u32); 3], at: u32) -> Action {
    three_plus_three(&counts(c), at).action
}

#[test]
fn three_plus_three_at_a_middle_level() {
    let below_3 = (3, 0);
    let below_6 = (6, 1);
    assert_eq!(
        tpt([below_3, (3, 0), (0, 0)], 2),
        Action::Escalate(3),
        "0/3"
    );
    assert_eq!(tpt([below_3, (3, 1), (0, 0)], 2), Action::Expand(2), "1/3");
    assert_eq!(
        tpt([below_3, (3, 2), (0, 0)], 2),
        Action::DeEscalate(1),
        "2/3, 3 below"
    );
    assert_eq!(
        tpt([below_3, (3, 3), (0, 0)], 2),
        Action::DeEscalate(1),
        "3/3, 3 below"
    );
    assert_eq!(
        tpt([below_6, (3, 2), (0, 0)], 2),
        Action::DeclareMtd(1),
        "2/3, ≤1/6 below"
    );
    assert_eq!(
        tpt([below_3, (6, 1), (0, 0)], 2),
        Action::Escalate(3),
        "1/6"
    );
    assert_eq!(
        tpt([below_3, (6, 0), (0, 0)], 2),
        Action::Escalate(3),
        "0/6"
    );
    assert_eq!(
        tpt([below_3, (6, 2), (0, 0)], 2),
        Action::DeEscalate(1),
        "2/6, 3 below"
    );
    assert_eq!(
        tpt([below_6, (6, 2), (0, 0)], 2),
        Action::DeclareMtd(1),
        "2/6, ≤1/6 below"
    );
    assert_eq!(
        tpt([below_3, (4, 1), (0, 0)], 2),
        Action::Expand(2),
        "expansion under way"
    );
    assert_eq!(
        tpt([below_3, (2, 0), (0, 0)], 2),
        Action::Treat(2),
        "cohort incomplete"
    );
    assert_eq!(
        tpt([below_3, (2, 2), (0, 0)], 2),
        Action::DeEscalate(1),
        "2 DLTs in 2"
    );
}

#[test]
fn three_plus_three_at_the_top_level() {
    let two = (3, 0);
    assert_eq!(
        tpt([(3, 0), two, (3, 0)], 3),
        Action::Expand(3),
        "0/3 at the top confirms with 6"
    );
    assert_eq!(tpt([(3, 0), two, (3, 1)], 3), Action::Expand(3), "1/3");
    assert_eq!(tpt([(3, 0), two, (3, 2)], 3), Action::DeEscalate(2), "≥2/3");
    assert_eq!(
        tpt([(3, 0), (6, 1), (3, 2)], 3),
        Action::DeclareMtd(2),
        "≥2/3, ≤1/6 below"
    );
    assert_eq!(tpt([(3, 0), two, (6, 1)], 3), Action::DeclareMtd(3), "1/6");
    assert_eq!(tpt([(3, 0), two, (6, 0)], 3), Action::DeclareMtd(3), "0/6");
    assert_eq!(tpt([(3, 0), two, (6, 2)], 3), Action::DeEscalate(2), "≥2/6");
}

#[test]
fn three_plus_three_at_the_bottom_level() {
    let none = (0, 0);
    assert_eq!(tpt([(3, 0), none, none], 1), Action::Escalate(2), "0/3");
    assert_eq!(tpt([(3, 1), none, none], 1), Action::Expand(1), "1/3");
    assert_eq!(tpt([(3, 2), none, none], 1), Action::Stop, "≥2/3");
    assert_eq!(tpt([(6, 1), none, none], 1), Action::Escalate(2), "1/6");
    assert_eq!(tpt([(6, 2), none, none], 1), Action::Stop, "≥2/6");
    // Back at level 1 after level 2 exceeded the MTD.
    assert_eq!(
        tpt([(3, 0), (3, 2), none], 1),
        Action::Expand(1),
        "0/3 below an exceeded level"
    );
    assert_eq!(
        tpt([(6, 1), (3, 2), none], 1),
        Action::DeclareMtd(1),
        "1/6 below an exceeded level"
    );
    let d = three_plus_three(&counts([(3, 2), none, none]), 1);
    assert!(d.rule.contains("2 DLT(s) in 3"), "{}", d.rule);
}

#[test]
fn three_plus_three_waits_for_open_dlt_windows() {
    let mut c = counts([(2, 0), (0, 0), (0, 0)]);
    c[0].pending = 1;
    c[0].treated = 3;
    assert_eq!(three_plus_three(&c, 1).action, Action::Wait(1));
    // Two DLTs decide even with a window still open.
    c[0].dlts = 2;
    assert_eq!(three_plus_three(&c, 1).action, Action::Stop);
}

#[test]
fn boin_boundaries_match_the_published_values() {
    // Liu & Yuan 2015 / Yuan et al. 2016, Table 1 (φ1 = 0.6φ, φ2 = 1.4φ),
    // printed to three decimals (0.3585 is printed 0.358).
    for (target, le, ld) in [
        (0.30, 0.236, 0.358),
        (0.25, 0.197, 0.298),
        (0.20, 0.157, 0.238),
        (0.35, 0.276, 0.419),
    ] {
        let (a, b) = boin_boundaries(target);
        assert!((a - le).abs() < 1e-3 && a > le - 1e-3, "{target}: λe {a}");
        assert!((b - ld).abs() < 1e-3, "{target}: λd {b}");
    }
}

#[test]
fn boin_decision_table_for_target_0_30() {
    // Yuan et al. 2016, Table 2 (target 0.30, n = 1..12).
    let esc = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
    let de = [1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5];
    let elim: [Option<u32>; 12] = [
        None,
        None,
        Some(3),
        Some(3),
        Some(4),
        Some(4),
        Some(5),
        Some(5),
        Some(5),
        Some(6),
        Some(6),
        Some(7),
    ];
    for (i, r) in boin_table(0.30, 12).iter().enumerate() {
        assert_eq!(r.escalate_at_most, Some(esc[i]), "n = {}", r.n);
        assert_eq!(r.deescalate_at_least, Some(de[i]), "n = {}", r.n);
        assert_eq!(r.eliminate_at_least, elim[i], "n = {}", r.n);
    }
}

#[test]
fn boin_decisions() {
    let b = |c: [(u32, u32); 3], at: u32| boin(&counts(c), at, 0.30).action;
    assert_eq!(
        b([(3, 0), (3, 0), (0, 0)], 2),
        Action::Escalate(3),
        "0/3 ≤ λe"
    );
    assert_eq!(
        b([(3, 0), (3, 1), (0, 0)], 2),
        Action::Stay(2),
        "1/3 between"
    );
    assert_eq!(
        b([(3, 0), (3, 2), (0, 0)], 2),
        Action::DeEscalate(1),
        "2/3 ≥ λd"
    );
    assert_eq!(
        b([(3, 0), (6, 1), (0, 0)], 2),
        Action::Escalate(3),
        "1/6 = 0.167"
    );
    assert_eq!(b([(3, 0), (3, 0), (3, 0)], 3), Action::Stay(3), "top level");
    assert_eq!(
        b([(3, 2), (0, 0), (0, 0)], 1),
        Action::Stay(1),
        "lowest level, 2/3"
    );
    assert_eq!(
        b([(3, 3), (0, 0), (0, 0)], 1),
        Action::Stop,
        "lowest level eliminated"
    );
    let d = boin(&counts([(3, 0), (3, 3), (0, 0)]), 2, 0.30);
    assert_eq!(d.action, Action::DeEscalate(1));
    assert_eq!(d.eliminated, [2, 3]);
    // Level 3 eliminated: level 2 at 0/3 may not escalate into it.
    assert_eq!(b([(3, 0), (3, 0), (3, 3)], 2), Action::Stay(2));
    assert!(
        boin(&counts([(3, 0), (3, 1), (0, 0)]), 2, 0.30)
            .rule
            .contains("λe = 0.236")
    );
}

fn person(id: &str, day0: &str, level: u32) -> Participant {
    Participant {
        study_id: id.into(),
        infusion_date: date(day0),
        dose_level: Some(level),
        cohort: None,
        sex: None,
        age_years: None,
        status: ParticipantStatus::Active,
        withdrawn_on: None,
        synthetic: true,
    }
}

fn dlt(onset: &str) -> AdverseEvent {
    AdverseEvent {
        term: "Febrile neutropenia".into(),
        onset: date(onset),
        resolution: None,
        serious: true,
        relatedness: "probable".into(),
        dlt: true,
        grading: Grading::Entered {
            scale: "CTCAE v5.0".into(),
            grade: 3,
        },
    }
}

#[test]
fn dlt_counts_use_the_window_and_the_records_dose_levels() {
    let levels = eligo_conduct::dose_levels(&trial("NCT07331467"));
    assert_eq!(levels, ["1.5×10^5/kg", "5×10^5/kg", "10×10^5/kg"]);
    let a = person("A", "2026-01-01", 1);
    let b = person("B", "2026-01-05", 1);
    let c = person("C", "2026-01-20", 1);
    let mut d = person("D", "2026-02-20", 2);
    d.status = ParticipantStatus::Withdrawn;
    d.withdrawn_on = Some(date("2026-03-01"));
    let late = [dlt("2026-02-10")]; // day 36: outside a 28-day window
    let inside = [dlt("2026-02-17")]; // day 28: inside (inclusive)
    let none: [AdverseEvent; 0] = [];
    let ps: Vec<(&Participant, &[AdverseEvent])> =
        vec![(&a, &late), (&b, &none), (&c, &inside), (&d, &none)];
    let (c1, current) = dose_counts(&levels, &ps, 28, date("2026-02-20"));
    assert_eq!(current, Some(2));
    assert_eq!(
        (c1[0].treated, c1[0].evaluable, c1[0].dlts, c1[0].pending),
        (3, 3, 1, 0),
        "A, B complete without a DLT in the window; C's DLT on day 28 counts"
    );
    assert_eq!((c1[1].treated, c1[1].pending), (1, 1));
    let (c2, _) = dose_counts(&levels, &ps, 28, date("2026-03-02"));
    assert_eq!(
        (c2[1].evaluable, c2[1].not_evaluable),
        (0, 1),
        "withdrew inside the window"
    );
    assert_eq!(three_plus_three(&c1, 1).action, Action::Expand(1));
}
