//! The synthetic worked example (six invented participants of NCT06946485,
//! `sample/NCT06946485.synthetic.json`) against results worked by hand.
//!
//! Hand arithmetic (INSTRUMENTS.md weights: arthritis, proteinuria 4; rash,
//! alopecia, mucosal ulcers, pleurisy, low complement, DNA binding 2):
//!
//! | | BL | M1 | M2 | M3 | M6 | M9 | M12 |
//! |---|---|---|---|---|---|---|---|
//! | S01 SELENA | 4+2+4+2+2 = 14 | 2 | 0 | 0 | 2 | 0 | 0 |
//! | S01 PGA / pred | 2.0 | 0.5 / 15 | 0.3 / 5 | 0.2 / 5 | 0.2 / 5 | 0.1 / 5 | 0.1 / 5 |
//! | S02 SELENA | 4+2+2+2+2 = 12 | 6 | 6 | 2 | 2 | 0 | 0 |
//! | S02 PGA / pred | 1.8 | 2.1 / 10 | 1.5 / 10 | 0.8 / 10 | 0.6 / 7.5 | 0.4 / 5 | 0.4 / 5 |
//! | S03 SELENA (2K) | 10 (10) | 2 (8) | 2 (6) | 2 | 0 | missed | 0 |
//! | S03 PGA / pred | 2.2 | 1.2 / 20 | 1.0 / 20 | 0.6 / 10 | 0.4 / 10 | — | 0.2 / 5 |
//! | S04 SELENA | 8 | 6 | 2 | 2 | withdrawn | — | — |
//! | S04 PGA / pred | 1.5 | 1.4 / 7.5 | 1.0 / 7.5 | 1.0 / 7.5 | | | |
//! | S05 SELENA | 2+4+2+2 = 10 | 4 | 2 | 2 | 2 | 0 | 0 |
//! | S05 PGA / pred | 2.0 | 0.4 / 10 | 0.4 / 5 | 0.4 / 5 | none / 5 | 0.3 / 5 | 0.3 / 5 |
//! | S06 SELENA | 4+2+2+2+2+2 = 14 | 10 | 16 | 8 | 4 | 2 | 2 |
//! | S06 PGA / pred | 2.4 | 2.0 / 15 | 2.6 / 15 | 1.8 / 15 | 1.2 / 15 | 0.9 / 15 | 0.9 / 15 |
//!
//! SRI-4 = reduction ≥ 4, no new BILAG A and ≤ 1 new B, PGA rise < 0.3.
//! DORIS = clinical SLEDAI-2K 0, PGA < 0.5, prednisone ≤ 5, stable therapy.
//! LLDAS = SLEDAI-2K ≤ 4 without major organ activity, PGA ≤ 1,
//! prednisone ≤ 7.5, and the attestations (all favourable except S06 M2).

use crate::common::{Person, date, example, trial};
use eligo_conduct::endpoints::{self, Timeline};
use eligo_conduct::schedule::{self, Offset, VisitState};
use eligo_conduct::summary::{self, Subject};
use eligo_conduct::{Settings, plan, timeline};

const VISITS: [&str; 6] = ["M1", "M2", "M3", "M6", "M9", "M12"];

/// R = yes, N = no, - = missing; one letter per visit M1..M12.
const SRI4: [&str; 6] = ["RRRRRR", "NRRRRR", "RRRR-R", "NRR---", "RRR-RR", "RNRRRR"];
const DORIS: [&str; 6] = ["NRRRRR", "NNNNRR", "NNNN-R", "NNN---", "NRR-RR", "NNNNNN"];
const LLDAS: [&str; 6] = ["NRRRRR", "NNNRRR", "NNNN-R", "NRR---", "NRR-RR", "NNNNNN"];

fn letter(v: Option<bool>) -> char {
    match v {
        Some(true) => 'R',
        Some(false) => 'N',
        None => '-',
    }
}

fn timelines() -> (Vec<Person>, Vec<Timeline>, eligo_conduct::Date) {
    let (ex, people) = example();
    let plan = plan(&trial("NCT06946485"));
    let t = people
        .iter()
        .map(|p| {
            timeline(
                &plan,
                &Settings::default(),
                &p.p,
                &p.visits,
                &p.aes,
                &p.cms,
                ex.as_of,
            )
        })
        .collect();
    (people, t, ex.as_of)
}

fn row<'a>(t: &'a Timeline, code: &str) -> &'a endpoints::VisitRow {
    t.rows.iter().find(|r| r.code == code).unwrap()
}

#[test]
fn the_schedule_comes_from_the_records_time_frames() {
    let p = plan(&trial("NCT06946485"));
    let codes: Vec<(&str, u32)> = p
        .visits
        .iter()
        .map(|v| (v.code.as_str(), v.window_days))
        .collect();
    assert_eq!(
        codes,
        [
            ("M1", 7),
            ("M2", 7),
            ("M3", 7),
            ("M6", 14),
            ("M9", 14),
            ("M12", 14)
        ]
    );
    assert!(!p.default_schedule);
    assert_eq!(p.safety_period, Some(Offset::Months(12)));
    // SRI-4 is named at month 1 only, on SELENA-SLEDAI.
    assert_eq!(p.sri4_sledai, "selena_sledai");
    assert!(p.names("sri4", "M1") && !p.names("sri4", "M3"));
    for k in ["doris2021", "sdi", "bilag", "pga"] {
        assert!(VISITS.iter().all(|v| p.names(k, v)), "{k}");
    }
    assert!(!p.names("lldas", "M1"), "the record does not name LLDAS");
}

#[test]
fn sri4_doris_and_lldas_match_the_hand_worked_table() {
    let (people, t, _) = timelines();
    assert_eq!(people.len(), 6);
    for (i, tl) in t.iter().enumerate() {
        for (key, table) in [("sri4", SRI4), ("doris2021", DORIS), ("lldas", LLDAS)] {
            let got: String = VISITS
                .iter()
                .map(|v| {
                    letter(
                        row(tl, v)
                            .endpoints
                            .as_ref()
                            .and_then(|e| e.get(key))
                            .and_then(|b| b.value),
                    )
                })
                .collect();
            assert_eq!(got, table[i], "{} {key}", people[i].p.study_id);
        }
    }
}

#[test]
fn sri4_shows_its_three_components_and_uses_the_records_sledai_version() {
    let (people, t, _) = timelines();
    // S02 M1: SELENA 12 → 6, one new B (haematological E → B), PGA 1.8 → 2.1:
    // a rise of exactly 0.3 fails the PGA component.
    let e = row(&t[1], "M1").endpoints.clone().unwrap();
    let met: Vec<Option<bool>> = e.sri4.components.iter().map(|c| c.met).collect();
    assert_eq!(met, [Some(true), Some(true), Some(false)], "{:?}", e.sri4);
    assert_eq!(e.pga.value, Some(false));
    assert_eq!(e.bilag.value, Some(true), "one new B is allowed");
    // S03 M1: SELENA-SLEDAI 10 → 2 responds; on SLEDAI-2K (persistent
    // proteinuria and rash still count) 10 → 8 would not.
    let s03 = &people[2];
    let bl = &s03.visits.iter().find(|v| v.code == "BL").unwrap().data;
    let m1 = &s03.visits.iter().find(|v| v.code == "M1").unwrap().data;
    assert_eq!(endpoints::sri4(bl, m1, "selena_sledai").value, Some(true));
    assert_eq!(endpoints::sri4(bl, m1, "sledai2k").value, Some(false));
    // S06 M1: SELENA 14 → 10, a reduction of exactly 4, responds.
    assert_eq!(row(&t[5], "M1").values.selena_sledai, Some(10));
    // S06 M2: two new B (cardiorespiratory, renal) fails BILAG; the PGA
    // rise of 0.2 does not fail PGA.
    let e = row(&t[5], "M2").endpoints.clone().unwrap();
    assert_eq!(e.bilag.value, Some(false));
    assert_eq!(e.pga.value, Some(true));
}

#[test]
fn values_sdi_change_and_prednisone_are_as_worked() {
    let (_, t, _) = timelines();
    let s01m1 = &row(&t[0], "M1").values;
    assert_eq!((s01m1.sledai2k, s01m1.clinical_sledai), (Some(2), Some(0)));
    assert_eq!(s01m1.prednisone_mg_day, Some("15".parse().unwrap()));
    assert_eq!(s01m1.c3_g_l, Some("0.78".parse().unwrap()));
    // S02 M6: 7.5 mg/day (the 10 mg course ended on 2026-05-31).
    assert_eq!(
        row(&t[1], "M6").values.prednisone_mg_day,
        Some("7.5".parse().unwrap())
    );
    // S05 M12: osteoporotic fracture added to erosive arthritis: SDI 1 → 2.
    let e = row(&t[4], "M12").endpoints.clone().unwrap();
    assert_eq!(e.sdi_change, Some(1));
    assert_eq!(e.sdi.value, Some(false));
    // S05 M6: PGA not recorded: SRI-4, DORIS, LLDAS and PGA missing, BILAG not.
    let e = row(&t[4], "M6").endpoints.clone().unwrap();
    assert!(
        e.sri4.value.is_none() && e.sri4.detail.contains("PGA"),
        "{:?}",
        e.sri4
    );
    assert!(e.doris2021.value.is_none() && e.pga.value.is_none());
    assert_eq!(e.bilag.value, Some(true));
}

#[test]
fn visit_states_flag_out_of_window_missed_and_withdrawn() {
    let (_, t, _) = timelines();
    // S03: month 3 target 2026-05-20 ± 7, done 2026-06-05.
    assert_eq!(row(&t[2], "M3").state, VisitState::DoneOutOfWindow);
    assert_eq!(row(&t[2], "M9").state, VisitState::Missed);
    assert_eq!(
        row(&t[2], "M9").missed_reason.as_deref(),
        Some("participant travelling abroad")
    );
    // S04 withdrew on 2026-09-01, inside the month-6 window (target
    // 2026-09-10 ± 14): months 6, 9 and 12 are missed.
    for v in ["M6", "M9", "M12"] {
        assert_eq!(row(&t[3], v).state, VisitState::Missed, "{v}");
    }
    assert_eq!(row(&t[3], "M3").state, VisitState::Done);
    assert_eq!(row(&t[0], "BL").state, VisitState::Done);
}

#[test]
fn worst_grades_so_far() {
    let (_, t, _) = timelines();
    // S01 by month 1: CRS grade 1 (38.5 °C alone), neutrophils 0.8 × 10⁹/L
    // with LLN 2.0 is CTCAE grade 3 (< 1.0 - 0.5).
    let w = row(&t[0], "M1").worst;
    assert_eq!((w.ctcae, w.crs, w.icans), (Some(3), Some(1), None));
    // S06 by month 1: neutrophils 0.3 → grade 4 (< 0.5).
    assert_eq!(row(&t[5], "M1").worst.ctcae, Some(4));
    assert_eq!(row(&t[5], "BL").worst.ctcae, None);
    // S04: CRS grade 3 (one vasopressor), ICANS grade 3 (ICE 2, wakes to touch).
    let w = t[3].worst;
    assert_eq!((w.crs, w.icans), (Some(3), Some(3)));
    // S02: ICANS from the ICE tasks 4+3+1+0+1 = 9 → grade 1.
    assert_eq!(t[1].worst.icans, Some(1));
    assert_eq!(t[1].worst.crs, Some(2));
}

#[test]
fn the_trial_summary_counts_missing_as_missing_never_as_response() {
    let (people, t, as_of) = timelines();
    let plan = plan(&trial("NCT06946485"));
    let subjects: Vec<Subject> = people
        .iter()
        .zip(&t)
        .map(|(p, tl)| Subject {
            participant: &p.p,
            timeline: tl,
            aes: &p.aes,
        })
        .collect();
    let s = summary::summarize(&plan, &[], &subjects, as_of);
    assert_eq!(s.groups.len(), 1, "no dose levels in this record");
    let g = &s.groups[0];
    assert_eq!(g.participants, 6);
    let get = |k: &str, v: &str| {
        g.endpoints
            .iter()
            .find(|r| r.endpoint == k && r.visit == v)
            .unwrap()
            .responders
    };
    // (n, N, missing) per visit, counted from the hand table above.
    let expect = [
        (
            "sri4",
            [
                (4, 6, 0),
                (5, 6, 0),
                (6, 6, 0),
                (4, 6, 2),
                (4, 6, 2),
                (5, 6, 1),
            ],
        ),
        (
            "doris2021",
            [
                (0, 6, 0),
                (2, 6, 0),
                (2, 6, 0),
                (1, 6, 2),
                (3, 6, 2),
                (4, 6, 1),
            ],
        ),
        (
            "lldas",
            [
                (0, 6, 0),
                (3, 6, 0),
                (3, 6, 0),
                (2, 6, 2),
                (3, 6, 2),
                (4, 6, 1),
            ],
        ),
    ];
    for (k, row) in expect {
        for (v, (n, total, missing)) in VISITS.iter().zip(row) {
            let p = get(k, v);
            assert_eq!((p.n, p.total, p.missing), (n, total, missing), "{k} {v}");
        }
    }
    // Exact intervals: 0/6 [0, 0.4593], 3/6 [0.1181, 0.8819], 6/6 [0.5407, 1].
    let close = |p: summary::Proportion, lo: f64, hi: f64| {
        let (a, b) = p.ci95.unwrap();
        assert!(
            (a - lo).abs() < 5e-5 && (b - hi).abs() < 5e-5,
            "{p:?} vs {lo} {hi}"
        );
    };
    close(get("doris2021", "M1"), 0.0, 0.4593);
    close(get("lldas", "M2"), 0.1181, 0.8819);
    close(get("sri4", "M3"), 0.5407, 1.0);
    // The record names SRI-4 at month 1 only.
    assert!(
        g.endpoints
            .iter()
            .filter(|r| r.endpoint == "sri4")
            .all(|r| r.registered == (r.visit == "M1"))
    );
}

#[test]
fn the_adverse_event_table_and_crs_icans_incidence() {
    let (people, t, as_of) = timelines();
    let plan = plan(&trial("NCT06946485"));
    let subjects: Vec<Subject> = people
        .iter()
        .zip(&t)
        .map(|(p, tl)| Subject {
            participant: &p.p,
            timeline: tl,
            aes: &p.aes,
        })
        .collect();
    let g = summary::summarize(&plan, &[], &subjects, as_of)
        .groups
        .remove(0);
    let rows: Vec<(&str, u32, u32, [u32; 5], u32)> = g
        .adverse_events
        .iter()
        .map(|r| {
            (
                r.term.as_str(),
                r.any_grade,
                r.grade3_plus,
                r.by_worst_grade,
                r.serious,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            // S01 1, S02 2, S04 3 (serious), S05 1
            ("Cytokine release syndrome", 4, 1, [2, 1, 1, 0, 0], 1),
            // S01 3, S06 4
            ("Neutrophil count decreased", 2, 2, [0, 0, 1, 1, 0], 0),
            // S02 1, S04 3 (serious)
            (
                "Immune effector cell-associated neurotoxicity syndrome",
                2,
                1,
                [1, 0, 1, 0, 0],
                1
            ),
            // S03: grade 3, then grade 1: worst 3, counted once
            ("Platelet count decreased", 1, 1, [0, 0, 1, 0, 0], 0),
            ("Pneumonia", 1, 1, [0, 0, 1, 0, 0], 1),
        ]
    );
    // CRS in 4 of 6, onset on days 1, 2, 2, 2 after infusion.
    assert_eq!((g.crs.participants.n, g.crs.participants.total), (4, 6));
    assert_eq!(g.crs.onset_days, [1, 2, 2, 2]);
    assert_eq!(g.crs.median_onset_day, Some(2.0));
    // ICANS in 2 of 6, on days 5 and 6.
    assert_eq!(
        (g.icans.participants.n, g.icans.onset_days.clone()),
        (2, vec![5, 6])
    );
    assert_eq!(g.icans.median_onset_day, Some(5.5));
}

#[test]
fn before_a_time_point_participants_are_not_yet_due_not_missing() {
    let (people, _, _) = timelines();
    let plan = plan(&trial("NCT06946485"));
    // On 2026-05-01 S06 (infused 2026-04-08) has not reached month 1's
    // window end (2026-05-15); S01 is past month 3 (2026-04-15 ± 7).
    let as_of = date("2026-05-01");
    let t: Vec<Timeline> = people
        .iter()
        .map(|p| {
            timeline(
                &plan,
                &Settings::default(),
                &p.p,
                &p.visits,
                &p.aes,
                &p.cms,
                as_of,
            )
        })
        .collect();
    let s01m3 = row(&t[0], "M3");
    assert_eq!(s01m3.state, VisitState::Done);
    // S06's month 1 (2026-05-08 ± 7) opens on 2026-05-01: due that day.
    let s06m1 = row(&t[5], "M1");
    assert_eq!(s06m1.window.unwrap().start, as_of);
    assert_eq!(s06m1.state, VisitState::Due);
    let subjects: Vec<Subject> = people
        .iter()
        .zip(&t)
        .map(|(p, tl)| Subject {
            participant: &p.p,
            timeline: tl,
            aes: &p.aes,
        })
        .collect();
    let g = summary::summarize(&plan, &[], &subjects, as_of)
        .groups
        .remove(0);
    let m1 = g
        .endpoints
        .iter()
        .find(|r| r.endpoint == "sri4" && r.visit == "M1")
        .unwrap()
        .responders;
    // S01 (02-15), S02 (03-02), S03 (03-20), S04 (04-10) and S05 (04-25)
    // have done month 1; S06's window has just opened. Visits dated after
    // the as-of date do not count.
    assert_eq!((m1.n, m1.total, m1.not_yet), (3, 5, 1));
    assert_eq!(row(&t[0], "M6").state, VisitState::Upcoming);
}

#[test]
fn all_example_participants_are_marked_synthetic() {
    let (ex, people) = example();
    assert_eq!(ex.trial, "NCT06946485");
    assert!(people.iter().all(|p| p.p.synthetic));
    assert!(eligo_conduct::sample::NCT06946485.contains("SYNTHETIC"));
    let _ = schedule::BASELINE;
}
