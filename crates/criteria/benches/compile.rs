//! Criteria compiled per second:
//! - `sample_registry`: every trial of the embedded sample registry
//!   (`eligo_ctgov::sample_registry()`: the seed trials and the real
//!   ClinicalTrials.gov records), compiled as `eligo criteria` does
//!   (`compile_trial`, with the registry's age and sex fields);
//! - `synthetic_100k_sample_1000_trials`: a synthetic registry of 100,000
//!   trials made by varying the real texts (sample registry and
//!   `tests/data`: item order, dropped items, digits), generated
//!   deterministically; criterion measures every 100th trial (1,000 trials).
//!
//! With `ELIGO_BENCH_FULL=1` the whole 100,000-trial registry is also
//! compiled once and the throughput printed.
//!
//! `cargo bench -p eligo-criteria --bench compile -- --warm-up-time 1 --measurement-time 5`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Instant;

const SYNTHETIC_TRIALS: u64 = 100_000;

fn data_texts() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/data")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    names
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn sample_trials() -> Vec<eligo_model::Trial> {
    eligo_ctgov::sample_registry()
        .into_iter()
        .map(|r| r.trial)
        .collect()
}

/// A small deterministic generator (xorshift), so runs compare.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Trial `i` of the synthetic registry: a real text with two lines swapped,
/// one in three with a line dropped, and a quarter of its digits varied.
fn synthetic(base: &[String], i: u64) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let text = &base[(rng.next() % base.len() as u64) as usize];
    let mut lines: Vec<&str> = text.lines().collect();
    if lines.len() > 4 {
        let a = (rng.next() % lines.len() as u64) as usize;
        let b = (rng.next() % lines.len() as u64) as usize;
        lines.swap(a, b);
        if rng.next().is_multiple_of(3) {
            lines.remove((rng.next() % lines.len() as u64) as usize);
        }
    }
    let mut out = String::with_capacity(text.len());
    for l in lines {
        for ch in l.chars() {
            if ch.is_ascii_digit() && rng.next().is_multiple_of(4) {
                out.push(char::from(b'0' + (rng.next() % 10) as u8));
            } else {
                out.push(ch);
            }
        }
        out.push('\n');
    }
    out
}

fn count_criteria(texts: &[String]) -> u64 {
    texts
        .iter()
        .map(|t| eligo_criteria::compile("x", t).criteria.len() as u64)
        .sum()
}

fn bench(c: &mut Criterion) {
    let trials = sample_trials();
    let n: u64 = trials
        .iter()
        .map(|t| eligo_criteria::compile_trial(t).criteria.len() as u64)
        .sum();
    println!("sample registry: {} trials, {n} criteria", trials.len());
    let mut g = c.benchmark_group("compile");
    g.throughput(Throughput::Elements(n));
    g.bench_function("sample_registry", |b| {
        b.iter(|| {
            for t in &trials {
                black_box(eligo_criteria::compile_trial(black_box(t)));
            }
        })
    });

    let mut base: Vec<String> = trials
        .iter()
        .filter_map(|t| t.eligibility.criteria.clone())
        .filter(|t| !t.trim().is_empty())
        .collect();
    base.extend(data_texts());
    let step = SYNTHETIC_TRIALS / 1_000;
    let sample: Vec<String> = (0..1_000u64).map(|k| synthetic(&base, k * step)).collect();
    let n = count_criteria(&sample);
    println!("synthetic sample: 1000 of {SYNTHETIC_TRIALS} trials, {n} criteria");
    g.throughput(Throughput::Elements(n));
    g.sample_size(10);
    g.bench_function("synthetic_100k_sample_1000_trials", |b| {
        b.iter(|| {
            for t in &sample {
                black_box(eligo_criteria::compile("x", black_box(t)));
            }
        })
    });
    g.finish();

    // Entity extraction (rules and the embedded tagger) over the same texts,
    // per criterion line.
    let lines: u64 = base
        .iter()
        .map(|t| t.lines().filter(|l| !l.trim().is_empty()).count() as u64)
        .sum();
    let mut g = c.benchmark_group("entities");
    g.throughput(Throughput::Elements(lines));
    let _ = eligo_criteria::tagger::Tagger::embedded();
    for (name, tagger) in [
        ("rules", None),
        (
            "rules_and_tagger",
            Some(eligo_criteria::tagger::Tagger::embedded()),
        ),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                for t in &base {
                    black_box(eligo_criteria::entities::find_with(black_box(t), tagger));
                }
            })
        });
    }
    g.finish();

    // Naming the concepts of the parts left to confirm, per text compiled
    // (what a trial page or `eligo criteria` adds to the compile).
    let compiled: Vec<_> = base
        .iter()
        .map(|t| eligo_criteria::compile("x", t))
        .collect();
    let mut g = c.benchmark_group("annotate");
    g.throughput(Throughput::Elements(compiled.len() as u64));
    g.bench_function("texts", |b| {
        b.iter(|| {
            for c in &compiled {
                let mut c = c.clone();
                eligo_criteria::annotate(black_box(&mut c));
                black_box(c);
            }
        })
    });
    g.finish();

    if std::env::var_os("ELIGO_BENCH_FULL").is_some() {
        let start = Instant::now();
        let mut criteria = 0u64;
        for i in 0..SYNTHETIC_TRIALS {
            let t = synthetic(&base, i);
            criteria += black_box(eligo_criteria::compile("x", &t)).criteria.len() as u64;
        }
        let s = start.elapsed().as_secs_f64();
        println!(
            "full synthetic registry: {SYNTHETIC_TRIALS} trials, {criteria} criteria in {s:.1} s: {:.0} criteria/s, {:.0} trials/s",
            criteria as f64 / s,
            SYNTHETIC_TRIALS as f64 / s
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
