//! Import throughput into SQLite through the store (batches of 500 per
//! transaction, as `eligo import` does), then indexing by `sync`, for
//! synthetic registries of 10k and 100k trials (see common/synth.rs); and
//! a re-import of unchanged data (hash comparison only).
//!
//! `ELIGO_BENCH_SIZES=10000,100000` (default) picks the registry sizes.

#[path = "common/synth.rs"]
mod synth;

use criterion::Criterion;
use eligo_search::SearchIndex;
use eligo_store::Store;
use std::time::Instant;

fn sizes() -> Vec<u64> {
    std::env::var("ELIGO_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<u64>| !v.is_empty())
        .unwrap_or_else(|| vec![10_000, 100_000])
}

async fn store_all(store: &Store, synth: &synth::Synth, n: u64) -> eligo_store::UpsertCounts {
    let mut counts = eligo_store::UpsertCounts::default();
    let mut i = 0;
    while i < n {
        let mut w = store.begin().await.expect("begin");
        for k in i..(i + 500).min(n) {
            let t = synth.trial(k);
            let raw = synth.raw(&t);
            w.upsert(&t, &raw).await.expect("upsert");
        }
        counts.merge(w.commit().await.expect("commit"));
        i += 500;
    }
    counts
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let templates: Vec<_> = eligo_ctgov::sample_registry()
        .into_iter()
        .map(|r| r.trial)
        .collect();
    let synth = synth::Synth::new(templates);

    for n in sizes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("bench.db");
        let store = rt.block_on(Store::open_sqlite(&db)).expect("open store");
        let t0 = Instant::now();
        let counts = rt.block_on(store_all(&store, &synth, n));
        let stored = t0.elapsed().as_secs_f64();
        assert_eq!(counts.inserted, n);
        let idx = SearchIndex::open(&dir.path().join("bench.db-index")).expect("index");
        let t1 = Instant::now();
        let report = rt
            .block_on(eligo_search::sync(&idx, &store, |_| {}))
            .expect("sync");
        let indexed = t1.elapsed().as_secs_f64();
        assert_eq!(report.indexed, n);
        let total = stored + indexed;
        println!(
            "import {n} trials into SQLite: store {stored:.1} s ({:.0} trials/s), index {indexed:.1} s ({:.0} trials/s), \
             total {:.0} trials/s",
            n as f64 / stored,
            n as f64 / indexed,
            n as f64 / total
        );
        let t2 = Instant::now();
        let again = rt.block_on(store_all(&store, &synth, n));
        let re = t2.elapsed().as_secs_f64();
        assert_eq!(again.unchanged, n);
        println!(
            "re-import {n} unchanged trials: {re:.1} s ({:.0} trials/s)",
            n as f64 / re
        );
        let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
        println!("  database file {:.1} MB", size as f64 / 1e6);
    }

    // Criterion: 1000 trials into a fresh store, with indexing.
    let mut g = c.benchmark_group("import");
    g.sample_size(10);
    g.throughput(criterion::Throughput::Elements(1000));
    g.bench_function("sqlite_and_index_1k", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let store = rt
                .block_on(Store::open_sqlite(dir.path().join("b.db")))
                .expect("store");
            rt.block_on(store_all(&store, &synth, 1000));
            let idx = SearchIndex::open(&dir.path().join("b.db-index")).expect("index");
            rt.block_on(eligo_search::sync(&idx, &store, |_| {}))
                .expect("sync");
        })
    });
    g.finish();
    c.final_summary();
}
