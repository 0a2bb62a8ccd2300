//! Search latency over synthetic registries of 10k and 100k trials made from
//! the embedded sample (see common/synth.rs). Prints p50/p95 over a fixed
//! query set run many times, then lets criterion time a few queries.
//!
//! `ELIGO_BENCH_SIZES=10000,100000` (default) picks the registry sizes.

#[path = "common/synth.rs"]
mod synth;

use criterion::Criterion;
use eligo_search::{IndexState, SearchIndex};
use std::hint::black_box;
use std::time::{Duration, Instant};

pub fn sizes() -> Vec<u64> {
    std::env::var("ELIGO_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<u64>| !v.is_empty())
        .unwrap_or_else(|| vec![10_000, 100_000])
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn build(dir: &std::path::Path, synth: &synth::Synth, n: u64) -> SearchIndex {
    let idx = SearchIndex::open(dir).expect("open index");
    let started = Instant::now();
    let mut up = idx.updater().expect("updater");
    for i in 0..n {
        up.upsert(&synth.trial(i)).expect("index trial");
    }
    up.commit(&IndexState {
        schema_version: eligo_search::schema::SCHEMA_VERSION,
        store_id: "bench".into(),
        generation: 1,
    })
    .expect("commit");
    let secs = started.elapsed().as_secs_f64();
    println!(
        "index build: {n} trials in {secs:.1} s ({:.0} trials/s)",
        n as f64 / secs
    );
    idx
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let templates: Vec<_> = eligo_ctgov::sample_registry()
        .into_iter()
        .map(|r| r.trial)
        .collect();
    let synth = synth::Synth::new(templates);
    let queries = synth::query_set();
    for n in sizes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let idx = build(dir.path(), &synth, n);

        // Fixed query set, many rounds: latency percentiles.
        for q in &queries {
            black_box(idx.search(q).expect("search"));
        }
        let rounds = 30;
        let mut all = Vec::new();
        for q in &queries {
            let mut times = Vec::with_capacity(rounds);
            let mut total = 0;
            for _ in 0..rounds {
                let t = Instant::now();
                total = black_box(idx.search(q).expect("search")).total;
                times.push(t.elapsed());
            }
            times.sort();
            println!(
                "  {n:>6} trials  p50 {:>8.2?}  p95 {:>8.2?}  {total:>6} hits  {:?}{}",
                percentile(&times, 0.5),
                percentile(&times, 0.95),
                q.query,
                if q.filters == Default::default() {
                    ""
                } else {
                    " +filters"
                }
            );
            all.extend(times);
        }
        all.sort();
        println!(
            "search latency over {} trials ({} runs of {} queries): p50 {:.2?}, p95 {:.2?}",
            n,
            all.len(),
            queries.len(),
            percentile(&all, 0.5),
            percentile(&all, 0.95)
        );

        let mut rel = Vec::new();
        for i in 0..50 {
            let t = synth.trial(i * 7);
            let s = Instant::now();
            black_box(idx.related(&t, 10).expect("related"));
            rel.push(s.elapsed());
        }
        rel.sort();
        println!(
            "related (10) over {n} trials: p50 {:.2?}, p95 {:.2?}",
            percentile(&rel, 0.5),
            percentile(&rel, 0.95)
        );

        let mut g = c.benchmark_group(format!("search_{n}"));
        g.sample_size(20);
        for (name, q) in [
            ("lupus", &queries[0]),
            ("car_t_lupus_phrase", &queries[2]),
            ("filters_only", &queries[5]),
        ] {
            g.bench_function(name, |b| {
                b.iter(|| black_box(idx.search(q).expect("search")))
            });
        }
        g.finish();
    }
    c.final_summary();
}
