//! The compiler never panics and keeps its span invariants on any input.

use crate::common::{check_invariants, data};
use eligo_criteria::compile;
use proptest::prelude::*;

const SEEDS: &[&str] = &[
    "seed_NCT06946485.txt",
    "seed_union_cd19_bcma.txt",
    "seed_NCT07331467.txt",
    "seed_NCT07031713.txt",
];

fn seed_texts() -> Vec<String> {
    SEEDS.iter().map(|s| data(s)).collect()
}

#[test]
fn truncation_at_every_char_boundary() {
    let text = data("seed_NCT06946485.txt");
    for (i, _) in text.char_indices().step_by(7) {
        let t = &text[..i];
        check_invariants(t, &compile("t", t));
    }
}

#[test]
fn a_100_kb_text_compiles() {
    let mut big = String::new();
    let seeds = seed_texts();
    while big.len() < 100_000 {
        for s in &seeds {
            big.push_str(s);
        }
    }
    let c = compile("big", &big);
    check_invariants(&big, &c);
    assert!(c.criteria.len() > 300);
}

#[test]
fn a_100_kb_single_criterion_compiles() {
    // One bullet with no line break at all: every clause-level pass sees it whole.
    let seeds = seed_texts();
    let flat: String = seeds.concat().replace('\n', " ");
    let mut big = String::from("Exclusion Criteria:\n* ");
    while big.len() < 100_000 {
        big.push_str(&flat);
    }
    let c = compile("big", &big);
    check_invariants(&big, &c);
    assert_eq!(c.criteria.len(), 1);
    assert!(!c.criteria[0].rules.is_empty());
    // Entity extraction reads it too.
    let found = eligo_criteria::entities::find(&big);
    assert!(found.len() > 1_000);
}

#[test]
fn real_registry_texts_keep_invariants() {
    let dir = format!("{}/tests/data", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            let t = std::fs::read_to_string(&p).unwrap();
            let c = compile("t", &t);
            check_invariants(&t, &c);
            assert!(!c.criteria.is_empty(), "{}", p.display());
            n += 1;
        }
    }
    assert!(n >= 14);
}

fn mutated() -> impl Strategy<Value = String> {
    let seeds = seed_texts();
    (
        0..seeds.len(),
        any::<usize>(),
        any::<usize>(),
        prop::sample::select(vec![
            "≥", "≤", "×", "⁹", "µ", "⁻", "\\", "(", ")", ";", "1.", "•", "\n  * ", "é", "😀", "",
        ]),
        0usize..3,
    )
        .prop_map(move |(k, a, b, ins, op)| {
            let t = &seeds[k];
            let len = t.len();
            let fix = |i: usize| {
                (0..=i.min(len))
                    .rev()
                    .find(|&j| t.is_char_boundary(j))
                    .unwrap_or(0)
            };
            let (x, y) = (fix(a % (len + 1)), fix(b % (len + 1)));
            let (x, y) = (x.min(y), x.max(y));
            match op {
                0 => format!("{}{}", &t[..x], &t[y..]),        // deletion
                1 => format!("{}{}{}", &t[..x], ins, &t[x..]), // insertion
                _ => t[..y].to_string(),                       // truncation
            }
        })
}

proptest! {
    // 96 cases by default; PROPTEST_CASES raises it for a longer search.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(96)
    ))]

    #[test]
    fn never_panics_on_random_text(s in "\\PC{0,400}") {
        let c = compile("t", &s);
        check_invariants(&s, &c);
    }

    #[test]
    fn never_panics_on_criteria_like_text(s in "((Inclusion|Exclusion) Criteria:\n)?([*•-] |[0-9]{1,2}\\. |\\([0-9]\\))?(ALT|SLEDAI-2K|HBsAg|prednisone|within|≥|\\\\>|[0-9.]{1,4}|×ULN|mg/kg/d|10⁹/L|or|and|;|,|\\(|\\)| |\n){0,40}") {
        let c = compile("t", &s);
        check_invariants(&s, &c);
    }

    #[test]
    fn never_panics_on_mutated_seeds(s in mutated()) {
        let c = compile("t", &s);
        check_invariants(&s, &c);
    }

    #[test]
    fn entity_extraction_never_panics(s in prop_oneof![
        "\\PC{0,300}".boxed(),
        mutated().boxed(),
    ]) {
        for f in eligo_criteria::entities::find(&s) {
            prop_assert!(f.start < f.end && f.end <= s.len());
            prop_assert!(s.is_char_boundary(f.start) && s.is_char_boundary(f.end));
        }
    }

    /// A damaged model file is an error, never a panic.
    #[test]
    fn tagger_model_reader_never_panics(
        cut in 0usize..1_000_000,
        flips in proptest::collection::vec((0usize..16_384, any::<u8>()), 0..8),
        junk in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let model = include_bytes!("../../data/chia_tagger.bin");
        let mut b = model[..cut.min(model.len())].to_vec();
        for (i, x) in flips {
            if let Some(v) = b.get_mut(i) {
                *v ^= x;
            }
        }
        let _ = eligo_criteria::tagger::Tagger::from_bytes(&b);
        let _ = eligo_criteria::tagger::Tagger::from_bytes(&junk);
    }
}
