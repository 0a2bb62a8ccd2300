//! Matching one patient: against the sample registry (precompiled), and
//! against a synthetic 100,000-trial registry end to end (prefilter on
//! titles/conditions, compile the related trials, evaluate, rank), with
//! p50/p95 over repeated runs. The synthetic registry is the search
//! benchmarks' generator (real and seed trials with varied words, ids,
//! ages and sites), so about one trial in eight is an SLE trial.
//!
//! The same runs for the largest real third-party record of
//! `examples/records/` (a Synthea export of 419 resources), and for it
//! `--all`: every trial evaluated, criteria precompiled (as `eligo match
//! --all` does once the store's cache holds them).
//!
//! `cargo bench -p eligo-matcher` (set ELIGO_BENCH_TRIALS to change 100000).

#[path = "../../search/benches/common/synth.rs"]
mod synth;

use criterion::Criterion;
use eligo_matcher::{MatchOptions, evaluate, match_trials, prefilter};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn read(path: &str) -> eligo_model::PatientFacts {
    eligo_fhir::read_bundle(&std::fs::read_to_string(path).expect("patient record"))
        .expect("bundle")
}

fn patient() -> eligo_model::PatientFacts {
    read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/patients/01-base.json"
    ))
}

/// The largest record of the real-record corpus.
const LARGEST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/records/synthea-smart/Dirk_Kuhlman_1e503533-b8c2-42cb-a6d5-bbd7d70d07ad.json"
);

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let as_of: eligo_model::Date = "2026-11-25".parse().unwrap();
    let facts = patient();
    let sample: Vec<_> = eligo_ctgov::sample_registry()
        .into_iter()
        .map(|r| {
            let cc = eligo_criteria::compile_trial(&r.trial);
            (r.trial, cc)
        })
        .collect();
    c.bench_function(
        "evaluate one patient × sample registry (precompiled)",
        |b| {
            b.iter(|| {
                for (t, cc) in &sample {
                    black_box(evaluate(t, cc, &facts, as_of));
                }
            })
        },
    );

    let n: u64 = std::env::var("ELIGO_BENCH_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let synth = synth::Synth::new(sample.iter().map(|(t, _)| t.clone()).collect());
    let started = Instant::now();
    let trials: Vec<_> = (0..n).map(|i| synth.trial(i)).collect();
    println!(
        "generated {n} synthetic trials in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    c.bench_function(&format!("prefilter {n} trials"), |b| {
        b.iter(|| black_box(prefilter(&trials, &facts)))
    });

    for (who, facts) in [
        ("the example patient", patient()),
        ("the largest real record", read(LARGEST)),
    ] {
        end_to_end(who, &facts, &trials, as_of, n);
    }
    // `--all` for the largest record: every trial, criteria precompiled.
    let facts = read(LARGEST);
    let t0 = Instant::now();
    let all: Vec<_> =
        eligo_matcher::parallel_map(&trials, |t| (t.clone(), eligo_criteria::compile_trial(t)));
    println!(
        "compiled {} synthetic trials in {:.1} s",
        all.len(),
        t0.elapsed().as_secs_f64()
    );
    let opts = MatchOptions {
        as_of,
        all: true,
        trial_ids: vec![],
    };
    let mut times = Vec::new();
    let mut counts = [0usize; 3];
    for _ in 0..5 {
        let t0 = Instant::now();
        let m = match_trials(&all, &facts, &opts);
        times.push(t0.elapsed());
        counts = [0; 3];
        for x in &m {
            counts[x.verdict as usize] += 1;
        }
        black_box(m);
    }
    times.sort();
    println!(
        "match the largest real record × {n} trials --all, criteria precompiled: \
         {} eligible, {} unknown, {} ineligible; p50 {:.0} ms, p95 {:.0} ms over {} runs",
        counts[0],
        counts[1],
        counts[2],
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        times.len()
    );
    c.final_summary();
}

/// End to end, as `eligo match` does it: prefilter, compile, evaluate, rank;
/// then with the related trials' criteria precompiled.
fn end_to_end(
    who: &str,
    facts: &eligo_model::PatientFacts,
    trials: &[eligo_model::Trial],
    as_of: eligo_model::Date,
    n: u64,
) {
    let opts = MatchOptions {
        as_of,
        all: false,
        trial_ids: vec![],
    };
    let mut times = Vec::new();
    let mut kept = 0;
    let mut results = 0;
    for _ in 0..10 {
        let t0 = Instant::now();
        let keep = prefilter(trials, facts);
        let related = eligo_matcher::parallel_map(&keep, |&i| {
            (trials[i].clone(), eligo_criteria::compile_trial(&trials[i]))
        });
        let m = match_trials(&related, facts, &opts);
        times.push(t0.elapsed());
        kept = keep.len();
        results = m.len();
        black_box(m);
    }
    times.sort();
    println!(
        "match {who} × {n} trials end to end: {kept} kept by the prefilter, {results} ranked; \
         p50 {:.0} ms, p95 {:.0} ms over {} runs",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        times.len()
    );
    // With compiled criteria cached (as `eligo match` keeps them in the
    // store): prefilter and evaluate only.
    let keep = prefilter(trials, facts);
    let precompiled = eligo_matcher::parallel_map(&keep, |&i| {
        (trials[i].clone(), eligo_criteria::compile_trial(&trials[i]))
    });
    let mut times = Vec::new();
    for _ in 0..10 {
        let t0 = Instant::now();
        let keep = prefilter(trials, facts);
        let m = match_trials(&precompiled, facts, &opts);
        times.push(t0.elapsed());
        black_box((keep, m));
    }
    times.sort();
    println!(
        "match {who} × {n} trials, criteria precompiled: p50 {:.0} ms, p95 {:.0} ms over {} runs",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        times.len()
    );
}
