//! Issue 17 item 17: a time window binds to what it qualifies. Every
//! windowed criterion of the four seed trials, read from its text as
//! written, on both sides of its window: the fact on the first day of the
//! window, then the day before it. The base patient is the one every seed
//! trial accepts; each case adds (or moves) one fact.

use crate::*;
use eligo_model::fact::systems::{ATC, ICD10CM, SNOMED};

/// A fact dated `on`, added to (or moved in) the base record.
#[derive(Clone, Copy)]
enum Fact {
    /// Active condition (SNOMED or ICD-10-CM code), onset `on`.
    Cond(&'static str, &'static str),
    /// Condition with a grade.
    Graded(&'static str, &'static str, u8),
    /// Medication (ATC), one day's course starting `on`.
    Med(&'static str),
    /// Medication (ATC) given intravenously on `on`.
    MedIv(&'static str),
    /// Procedure (SNOMED, or text when the code is empty).
    Proc(&'static str, &'static str),
    /// Vaccination (CVX).
    Vacc(&'static str),
    /// Clinical trial participation (SNOMED 428024001) on `on`.
    Study,
    /// The base record's observation `id` moved to `on`.
    Move(&'static str),
    /// The base record's SLE diagnosed on `on`.
    SleOnset,
    /// Two facts on the same day.
    Two(&'static Fact, &'static Fact),
}

fn with(fact: Fact, on: Date) -> PatientFacts {
    let mut f = base();
    add(&mut f, fact, on);
    f
}

/// An episode that began and ended on `on`, so that only the window decides.
fn episode(mut c: ConditionFact, on: Date) -> ConditionFact {
    c.clinical_status = Some(ClinicalStatus::Resolved);
    c.abatement = Some(on);
    c
}

fn add(f: &mut PatientFacts, fact: Fact, on: Date) {
    let coding = |c: &str| {
        if c.chars().next().is_some_and(|x| x.is_ascii_uppercase()) {
            code(ICD10CM, c)
        } else {
            code(SNOMED, c)
        }
    };
    match fact {
        Fact::Cond(c, text) => f
            .conditions
            .push(episode(condition("x", vec![coding(c)], text, on), on)),
        Fact::Graded(c, text, g) => {
            let mut x = episode(condition("x", vec![coding(c)], text, on), on);
            x.grade = Some(g);
            f.conditions.push(x);
        }
        Fact::Med(atc) | Fact::MedIv(atc) => {
            let mut m = medication("x", vec![code(ATC, atc)], atc, on, Some(on));
            if matches!(fact, Fact::MedIv(_)) {
                m.route = Some("intravenous".into());
            }
            f.medications.push(m);
        }
        Fact::Proc(c, text) => {
            let codes = if c.is_empty() {
                vec![]
            } else {
                vec![code(SNOMED, c)]
            };
            f.procedures.push(procedure("x", codes, text, on));
        }
        Fact::Vacc(cvx) => f.immunizations.push(vaccination("x", cvx, on)),
        Fact::Study => f.procedures.push(procedure(
            "x",
            vec![code(SNOMED, "428024001")],
            "Clinical trial participant",
            on,
        )),
        Fact::Move(id) => {
            for o in f.observations.iter_mut().filter(|o| o.source.id == id) {
                o.effective = Some(on);
            }
        }
        Fact::SleOnset => {
            for c in f.conditions.iter_mut().filter(|c| c.source.id == "sle") {
                c.onset = Some(on);
            }
        }
        Fact::Two(a, b) => {
            add(f, *a, on);
            add(f, *b, on);
        }
    }
}

fn next_day(x: Date) -> Date {
    x.checked_add(jiff::Span::new().days(1)).unwrap()
}

use Fact::*;
use Status::{Met, NotMet, Unknown};

/// (trial, criterion text start, fact, first day of the window, status
/// then, status the day before). Windows count back from the as-of date
/// 2026-11-25: weeks are 7 days, months calendar months.
fn cases() -> Vec<(&'static str, &'static str, Fact, Date, Status, Status)> {
    vec![
        // NCT06946485 -----------------------------------------------------
        // "ANC ≥1×10⁹/L (without colony-stimulating factor therapy within 2
        // weeks prior to testing)": G-CSF on day 14 fails the criterion.
        (
            T000,
            "Adequate organ function",
            Med("L03AA02"),
            days_ago(14),
            NotMet,
            Met,
        ),
        // "negative serum HCG test within 7 days prior to enrollment".
        (
            T000,
            "Agrees to use double barrier",
            Move("hcg"),
            days_ago(7),
            Met,
            Unknown,
        ),
        // "Participation in other clinical trials within 3 months".
        (
            T000,
            "Participation in other clinical trials",
            Study,
            months_ago(3),
            Met,
            NotMet,
        ),
        // ELIGO-7DC38438B394 ---------------------------------------------
        // "diagnosed with SLE ... at least 24 weeks prior to screening": a
        // minimum duration, so the earlier date meets it.
        (
            T002,
            "Participants diagnosed with SLE",
            SleOnset,
            next_day(days_ago(24 * 7)),
            NotMet,
            Met,
        ),
        // "... the following criteria at screening: SELENA-SLEDAI score > 6":
        // the screening window, 28 days.
        (
            T002,
            "Refractory/moderate-to-severe SLE",
            Move("selena"),
            days_ago(28),
            Met,
            Unknown,
        ),
        // "... lupus nephritis within 8 weeks prior to screening, requiring ...
        // hemodialysis ...".
        (
            T002,
            "Diagnosis of active severe lupus nephritis",
            Two(
                &Cond("68815009", "Lupus nephritis"),
                &Proc("302497006", "Hemodialysis"),
            ),
            days_ago(56),
            Met,
            NotMet,
        ),
        (
            T002,
            "Any attempted suicide or suicidal ideation",
            Cond("6471006", "Suicidal ideation"),
            months_ago(12),
            Met,
            NotMet,
        ),
        (
            T002,
            "Presence of SLE or non-SLE related central nervous system",
            Cond("230690007", "Stroke"),
            days_ago(56),
            Met,
            NotMet,
        ),
        (
            T002,
            "Subjects with malignancy within 5 years",
            Cond("C50.9", "Breast cancer"),
            months_ago(60),
            Met,
            NotMet,
        ),
        (
            T002,
            "Have received plasma exchange",
            Proc("127788007", "Plasma exchange"),
            days_ago(14),
            Met,
            NotMet,
        ),
        (
            T002,
            "Have received plasma exchange",
            Med("J06BA02"),
            days_ago(14),
            Met,
            NotMet,
        ),
        (
            T002,
            "Have received live/attenuated vaccination",
            Vacc("03"),
            days_ago(28),
            Met,
            NotMet,
        ),
        (
            T002,
            "Have received intra-articular, intramuscular or intravenous glucocorticoids",
            MedIv("H02AB04"),
            days_ago(28),
            Met,
            NotMet,
        ),
        (
            T002,
            "Have received any commercially available Janus kinase",
            Med("L04AF01"),
            days_ago(84),
            Met,
            NotMet,
        ),
        (
            T002,
            "Subjects that have donated blood",
            Proc("116859006", "Blood transfusion"),
            days_ago(56),
            Met,
            NotMet,
        ),
        (
            T002,
            "History of ≥grade 2 bleeding",
            Graded("131148009", "Bleeding", 2),
            days_ago(28),
            Met,
            NotMet,
        ),
        (
            T002,
            "Subjects that have undergone any major surgeries",
            Proc("", "Major surgery"),
            days_ago(84),
            Met,
            NotMet,
        ),
        (
            T002,
            "History of drug abuse within 12 weeks",
            Cond("66214007", "Drug abuse"),
            days_ago(84),
            Met,
            NotMet,
        ),
        (
            T002,
            "Subjects that have participated in other clinical trials",
            Study,
            months_ago(3),
            Met,
            NotMet,
        ),
        // NCT07331467 -----------------------------------------------------
        (
            T003,
            "Have a history of congenital heart disease or acute myocardial infarction",
            Cond("22298006", "Myocardial infarction"),
            months_ago(6),
            Met,
            NotMet,
        ),
        (
            T003,
            "Received hematopoietic stem cell transplantation",
            Proc("234336002", "HSCT"),
            months_ago(3),
            Met,
            NotMet,
        ),
        (
            T003,
            "Received hematopoietic stem cell transplantation",
            Graded("234646005", "GVHD", 2),
            days_ago(14),
            Met,
            NotMet,
        ),
        (
            T003,
            "Received live vaccine",
            Vacc("03"),
            days_ago(28),
            Met,
            NotMet,
        ),
        (
            T003,
            "Patients who participated in other clinical study",
            Study,
            months_ago(3),
            Met,
            NotMet,
        ),
        // NCT07031713 -----------------------------------------------------
        // "with a medical history of ≥ 6 months": a minimum duration.
        (
            T004,
            "Meet the EULAR/ACR 2019",
            SleOnset,
            next_day(months_ago(6)),
            NotMet,
            Met,
        ),
        // "No systemic active infections ... within the first 2 weeks of
        // screening" (inclusion): an infection on day 14 fails it.
        (
            T004,
            "No systemic active infections (such as",
            Cond("233604007", "Pneumonia"),
            days_ago(14),
            NotMet,
            Met,
        ),
        // "negative serum β-hCG test result within 48 hours".
        (
            T004,
            "Women with fertility must have a negative",
            Move("hcg"),
            days_ago(2),
            Met,
            Unknown,
        ),
        // "Positive for anti nuclear antibodies ... during screening": an ANA
        // from before the screening window does not count.
        (
            T004,
            "Positive for anti nuclear antibodies",
            Two(&Move("ana"), &Move("dsdna")),
            days_ago(28),
            Met,
            Unknown,
        ),
        (
            T004,
            "During the screening period, if the SLEDAI-2K score",
            Move("sledai"),
            days_ago(28),
            Met,
            Unknown,
        ),
        // "LVEF ≥ 50% ... within the first 8 weeks of screening".
        (
            T004,
            "Adequate organ function",
            Move("lvef"),
            days_ago(56),
            Met,
            Unknown,
        ),
        // "Blood transfusions and growth factors must not be used ... within
        // 7 days prior to eligibility screening".
        (
            T004,
            "Adequate organ function",
            Proc("116859006", "Blood transfusion"),
            days_ago(7),
            NotMet,
            Met,
        ),
        (
            T004,
            "Have undergone plasma exchange",
            Proc("127788007", "Plasma exchange"),
            days_ago(30),
            Met,
            NotMet,
        ),
        (
            T004,
            "Individuals with a history of ≥ grade 2 bleeding",
            Graded("131148009", "Bleeding", 2),
            days_ago(30),
            Met,
            NotMet,
        ),
        (
            T004,
            "Screening for a history of any of the following cardiovascular",
            Cond("22298006", "Myocardial infarction"),
            days_ago(30),
            Met,
            NotMet,
        ),
        (
            T004,
            "No systemic active infections, including",
            Cond("233604007", "Pneumonia"),
            days_ago(14),
            Met,
            NotMet,
        ),
        (
            T004,
            "Screening for drugs targeting B cells",
            Med("L01FA01"),
            months_ago(6),
            Met,
            NotMet,
        ),
        (
            T004,
            "Within the 12 weeks prior to screening, other biologics",
            Med("L04AA26"),
            days_ago(84),
            Met,
            NotMet,
        ),
        (
            T004,
            "Have received attenuated live vaccine",
            Vacc("03"),
            months_ago(1),
            Met,
            NotMet,
        ),
        (
            T004,
            "Have received attenuated live vaccine",
            Vacc("141"),
            months_ago(1),
            Met,
            NotMet,
        ),
        (
            T004,
            "Suffering from malignant tumors within 2 years",
            Cond("C50.9", "Breast cancer"),
            months_ago(24),
            Met,
            NotMet,
        ),
        (
            T004,
            "If a major surgery has been performed within 4 weeks",
            Proc("", "Major surgery"),
            days_ago(28),
            Met,
            NotMet,
        ),
        (
            T004,
            "Participate in other clinical studies within the first 3 months",
            Study,
            months_ago(3),
            Met,
            NotMet,
        ),
        (
            T004,
            "If there is a history or evidence of suicidal thoughts",
            Cond("6471006", "Suicidal ideation"),
            months_ago(6),
            Met,
            NotMet,
        ),
        (
            T004,
            "If there is a history or evidence of suicidal thoughts",
            Cond("82313006", "Suicide attempt"),
            months_ago(12),
            Met,
            NotMet,
        ),
    ]
}

#[test]
fn every_windowed_seed_criterion_on_both_sides_of_its_window() {
    let mut wrong = Vec::new();
    for (id, prefix, fact, first, inside, outside) in cases() {
        for (on, want) in [(first, inside), (yesterday_of(first), outside)] {
            let m = eval(id, &with(fact, on));
            let c = crit(&m, prefix);
            // A partial status is the status of what was verified.
            if c.status != want {
                wrong.push(format!(
                    "{id} {prefix:?} with {} on {on}: {:?}, expected {want:?}\n  {}",
                    match fact {
                        Cond(c, _) | Graded(c, _, _) | Med(c) | MedIv(c) | Vacc(c) => c,
                        Proc(c, t) =>
                            if c.is_empty() {
                                t
                            } else {
                                c
                            },
                        Study => "a study",
                        Move(id) => id,
                        SleOnset => "SLE onset",
                        Two(..) => "two facts",
                    },
                    c.status,
                    c.results
                        .iter()
                        .map(|r| r.explanation.clone())
                        .collect::<Vec<_>>()
                        .join(" | ")
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// "Screening for drugs targeting B cells, such as rituximab, that have been
/// used within the previous 6 months": a dose two years ago, or a drug of
/// the list last given before the window, does not count.
#[test]
fn a_b_cell_drug_two_years_ago_is_outside_six_months() {
    const CRIT: &str = "Screening for drugs targeting B cells";
    for (start, end) in [
        (d("2024-11-01"), Some(d("2024-11-15"))),
        (d("2024-01-01"), Some(yesterday_of(months_ago(6)))),
    ] {
        let mut f = base();
        f.medications.push(medication(
            "rtx",
            vec![code(ATC, "L01FA01")],
            "rituximab",
            start,
            end,
        ));
        assert_eq!(
            crit(&eval(T004, &f), CRIT).status,
            Status::NotMet,
            "{start}"
        );
    }
}
