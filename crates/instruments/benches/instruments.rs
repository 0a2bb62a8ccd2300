//! SLEDAI-2K scores per second (typed input, and the JSON path `eligo
//! score` takes) and CTCAE grades per second over the 409 expected-grade
//! vectors.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eligo_instruments::{ctcae, sledai2k};
use rust_decimal::Decimal;
use serde_json::Value;
use std::hint::black_box;
use std::str::FromStr;

/// 1,024 item maps from a small deterministic generator (xorshift).
fn item_maps() -> Vec<sledai2k::Items> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut items = sledai2k::Items::none();
            for (i, present) in items.0.iter_mut().enumerate() {
                *present = (x >> i) & 3 == 0;
            }
            items
        })
        .collect()
}

fn sledai(c: &mut Criterion) {
    let maps = item_maps();
    let json: Vec<Value> = maps
        .iter()
        .map(|m| {
            Value::Object(
                sledai2k::ITEMS
                    .iter()
                    .zip(m.0)
                    .map(|(it, p)| (it.name.to_string(), Value::Bool(p)))
                    .collect(),
            )
        })
        .collect();
    let mut g = c.benchmark_group("sledai2k");
    g.throughput(Throughput::Elements(maps.len() as u64));
    g.bench_function("score", |b| {
        b.iter(|| {
            for m in &maps {
                black_box(sledai2k::score(black_box(m)));
            }
        })
    });
    g.bench_function("score_json", |b| {
        b.iter(|| {
            for v in &json {
                black_box(eligo_instruments::score("sledai2k", black_box(v)).ok());
            }
        })
    });
    g.finish();
}

fn num(v: &Value) -> Option<Decimal> {
    v.as_f64()
        .and_then(|_| Decimal::from_str(&v.to_string()).ok())
}

fn ctcae_grades(c: &mut Criterion) {
    let text = include_str!("../tests/data/grade_vectors.jsonl");
    let rows: Vec<_> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| {
            Some((
                v["term"].as_str()?.to_string(),
                num(&v["value"])?,
                v["unit"].as_str().map(str::to_string),
                num(&v["lln"]),
                num(&v["uln"]),
                num(&v["baseline"]),
            ))
        })
        .collect();
    // load and parse the table outside the measurement
    let _ = ctcae::terms();
    let mut g = c.benchmark_group("ctcae");
    g.throughput(Throughput::Elements(rows.len() as u64));
    g.bench_function("grade", |b| {
        b.iter(|| {
            for (term, value, unit, lln, uln, base) in &rows {
                black_box(ctcae::grade(term, *value, unit.as_deref(), *lln, *uln, *base).ok());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, sledai, ctcae_grades);
criterion_main!(benches);
