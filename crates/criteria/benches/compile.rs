//! Criteria compiled per second: over the seed trials' texts, and over a
//! synthetic registry of 100,000 trials made by varying real texts (numbers,
//! windows, item order, dropped items). The synthetic set is generated
//! deterministically on the fly; the benchmark measures a 1,000-trial sample
//! of it and the throughput extrapolates to the whole set.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn texts() -> Vec<String> {
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

fn seeds() -> Vec<String> {
    [
        "seed_NCT06946485.txt",
        "seed_union_cd19_bcma.txt",
        "seed_NCT07331467.txt",
        "seed_NCT07031713.txt",
    ]
    .iter()
    .map(|n| {
        std::fs::read_to_string(format!("{}/tests/data/{n}", env!("CARGO_MANIFEST_DIR")))
            .expect("seed text")
    })
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

/// Trial `i` of the synthetic registry: a real text with its lines reordered
/// and thinned and its digits varied.
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
    let seeds = seeds();
    let n = count_criteria(&seeds);
    let mut g = c.benchmark_group("compile");
    g.throughput(Throughput::Elements(n));
    g.bench_function("seed_trials", |b| {
        b.iter(|| {
            for t in &seeds {
                black_box(eligo_criteria::compile("x", black_box(t)));
            }
        })
    });
    let base = texts();
    // A 1,000-trial sample of the 100,000-trial synthetic registry (every 100th trial).
    let sample: Vec<String> = (0..1_000u64).map(|k| synthetic(&base, k * 100)).collect();
    let n = count_criteria(&sample);
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
