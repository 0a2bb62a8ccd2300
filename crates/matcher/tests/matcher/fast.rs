//! The ranking pass ([`eligo_matcher::rank_rules`]) and the condition gate
//! against the full evaluation: for every example patient, the same
//! patients read as questionnaires, and patients generated from pieces of
//! them, every sample trial's rank key must be the one of its full match,
//! the early-stopping pass must call exactly the ineligible trials
//! ineligible, the gate may only ever rule out ineligible trials, and the
//! key floor from the index may never exceed the key.

use super::{as_of, patient, reg};
use eligo_matcher::{
    Ctx, Quick, RuleSet, condition_gate, evaluate_rules, key_floor, rank, rank_key,
    rank_or_ineligible, rank_rules, trial_condition_status,
};
use eligo_model::evidence::{Status, Verdict};
use eligo_model::fact::{Denial, HistoryKind, SourceRef, World};
use eligo_model::{Date, PatientFacts};

fn example_patients() -> Vec<(String, PatientFacts)> {
    let mut files: Vec<String> = std::fs::read_dir(super::examples())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".json") && f != "expected.json")
        .collect();
    files.sort();
    assert!(files.len() >= 20, "example patients: {files:?}");
    files
        .into_iter()
        .map(|f| (f.clone(), patient(&f)))
        .collect()
}

/// The same record read as a questionnaire: with no answers, and with
/// "No" to every condition of the vocabulary it does not hold.
fn as_questionnaires(f: &PatientFacts) -> [PatientFacts; 2] {
    let mut open = f.clone();
    open.world = World::Open;
    let mut denied = open.clone();
    let held = eligo_matcher::PatientConcepts::of(f);
    for c in eligo_vocab::vocabulary().conditions() {
        if !held.0.contains(&c.key) {
            denied.denied.push(Denial {
                kind: HistoryKind::Condition,
                key: c.key.clone(),
                source: SourceRef {
                    resource_type: "QuestionnaireResponse".into(),
                    id: format!("no-{}", c.key),
                },
            });
        }
    }
    [open, denied]
}

/// A small deterministic generator (xorshift) of mixed patients.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<T: Clone>(&mut self, from: &[T]) -> Vec<T> {
        from.iter()
            .filter(|_| self.next().is_multiple_of(2))
            .cloned()
            .collect()
    }
}

/// A patient made of random parts of two example patients.
fn mixed(g: &mut Gen, all: &[(String, PatientFacts)]) -> PatientFacts {
    let a = &all[(g.next() % all.len() as u64) as usize].1;
    let b = &all[(g.next() % all.len() as u64) as usize].1;
    let mut f = a.clone();
    f.id = "generated".into();
    if g.next().is_multiple_of(4) {
        f.gender = b.gender;
    }
    if g.next().is_multiple_of(8) {
        f.birth_date = None;
    }
    f.conditions = [g.pick(&a.conditions), g.pick(&b.conditions)].concat();
    f.observations = [g.pick(&a.observations), g.pick(&b.observations)].concat();
    f.medications = [g.pick(&a.medications), g.pick(&b.medications)].concat();
    f.procedures = [g.pick(&a.procedures), g.pick(&b.procedures)].concat();
    f.immunizations = [g.pick(&a.immunizations), g.pick(&b.immunizations)].concat();
    f.allergies = [g.pick(&a.allergies), g.pick(&b.allergies)].concat();
    f
}

#[derive(Default)]
struct Seen {
    pairs: usize,
    gated: usize,
    by_verdict: [usize; 3],
    several_failed: usize,
    several_missing: usize,
    /// Trials with a floor above eligible, and those whose key is it.
    floored: usize,
    floor_exact: usize,
}

fn check(name: &str, facts: &PatientFacts, day: Date, sets: &[RuleSet], seen: &mut Seen) {
    let ctx = Ctx::new(facts, day);
    let mut full = Vec::new();
    for s in sets {
        // Alternate the passes on one context, as a match does.
        let quick = rank_or_ineligible(&ctx, s);
        let m = evaluate_rules(&ctx, s);
        let key = rank_key(&m);
        let fast = rank_rules(&ctx, s);
        assert_eq!(fast, key, "{name} × {}: rank key {m:#?}", s.id);
        let again = evaluate_rules(&ctx, s);
        assert_eq!(
            serde_json::to_value(&again).unwrap(),
            serde_json::to_value(&m).unwrap(),
            "{name} × {}: the ranking pass changed a later full match",
            s.id
        );
        match m.verdict {
            Verdict::Ineligible => assert_eq!(quick, Quick::Ineligible, "{name} × {}", s.id),
            _ => assert_eq!(quick, Quick::Key(key), "{name} × {}", s.id),
        }
        let gate = condition_gate(&s.compiled);
        let statuses: Vec<Status> = gate
            .iter()
            .map(|(n, k)| trial_condition_status(&ctx, n, k.as_deref()))
            .collect();
        if !gate.is_empty() && statuses.iter().all(|&s| s == Status::NotMet) {
            assert_eq!(m.verdict, Verdict::Ineligible, "{name} × {}: gate", s.id);
            seen.gated += 1;
        }
        // The floor from the index never exceeds the key, and rules out
        // exactly the gated trials.
        match key_floor(&statuses, s.partial) {
            None => assert!(!gate.is_empty() && statuses.iter().all(|&s| s == Status::NotMet)),
            Some(floor) => {
                assert!(floor <= key, "{name} × {}: floor {floor:?} > {key:?}", s.id);
                seen.floored += usize::from(floor > (0, 0));
                seen.floor_exact += usize::from(floor > (0, 0) && floor == key);
            }
        }
        seen.pairs += 1;
        seen.by_verdict[key.0 as usize] += 1;
        seen.several_failed += usize::from(key.0 == 2 && key.1 > 1);
        seen.several_missing += usize::from(key.0 == 1 && key.1 > 1);
        full.push(m);
    }
    // The ranking by fast keys is the ranking of the full matches.
    rank(&mut full);
    let mut by_key: Vec<(&str, (u8, usize))> = sets
        .iter()
        .map(|s| (s.id.as_str(), rank_rules(&ctx, s)))
        .collect();
    by_key.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
    let order: Vec<&str> = full.iter().map(|m| m.trial_id.as_str()).collect();
    let fast: Vec<&str> = by_key.iter().map(|(id, _)| *id).collect();
    assert_eq!(fast, order, "{name}: ranking");
}

#[test]
fn the_ranking_pass_and_the_gate_agree_with_the_full_match() {
    let sets: Vec<RuleSet> = reg()
        .iter()
        .map(|(t, c)| RuleSet::of(t, c.clone()))
        .collect();
    let patients = example_patients();
    let day = as_of();
    let mut seen = Seen::default();
    for (name, f) in &patients {
        check(name, f, day, &sets, &mut seen);
        for (i, q) in as_questionnaires(f).iter().enumerate() {
            check(
                &format!("{name} (questionnaire {i})"),
                q,
                day,
                &sets,
                &mut seen,
            );
        }
    }
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    for i in 0..100 {
        let f = mixed(&mut g, &patients);
        let shift = (g.next() % 1200) as i64 - 600;
        let d = day.checked_add(jiff::Span::new().days(shift)).unwrap();
        check(&format!("generated {i} at {d}"), &f, d, &sets, &mut seen);
    }
    // The comparison covers every kind of outcome, not only the easy ones.
    assert!(seen.pairs > 5_000, "{}", seen.pairs);
    assert!(
        seen.by_verdict.iter().all(|&n| n > 100),
        "{:?}",
        seen.by_verdict
    );
    assert!(seen.several_failed > 100 && seen.several_missing > 100);
    assert!(seen.gated > 100, "the gate decided {} trials", seen.gated);
    assert!(
        seen.floored > 100 && seen.floor_exact > 10,
        "floors above eligible: {}, of which the key: {}",
        seen.floored,
        seen.floor_exact
    );
}
