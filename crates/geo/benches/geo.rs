//! The gazetteer's first use (decompress, read and index the table) and
//! its lookups: what a search with "near Nanjing" and placing every site
//! of a registry without `geoPoint`s cost.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eligo_geo::{Circle, Gazetteer, Point, distance_km};
use std::hint::black_box;

fn first_use(c: &mut Criterion) {
    let mut group = c.benchmark_group("gazetteer");
    group.sample_size(10);
    group.bench_function("decompress", |b| b.iter(eligo_geo::bench::decompress));
    let text = eligo_geo::bench::text();
    group.bench_function("read_and_index", |b| {
        b.iter(|| eligo_geo::bench::build(black_box(text)))
    });
    group.finish();
}

fn lookups(c: &mut Criterion) {
    let g = Gazetteer::get();
    let mut group = c.benchmark_group("resolve");
    for query in [
        "Nanjing",
        "南京",
        "Springfield",
        "Paris, Texas",
        "Xyzzyville",
        "32.06,118.78",
    ] {
        group.bench_function(query, |b| b.iter(|| g.resolve(black_box(query))));
    }
    group.finish();

    // The registry sites of tests/data (ClinicalTrials.gov's city, state,
    // country), placed one after another.
    let sites: Vec<(String, Option<String>, String)> =
        include_str!("../tests/data/ctgov_sites.tsv")
            .lines()
            .skip(1)
            .map(|line| {
                let c: Vec<&str> = line.split('\t').collect();
                (
                    c[1].to_string(),
                    (!c[2].is_empty()).then(|| c[2].to_string()),
                    c[3].to_string(),
                )
            })
            .collect();
    let mut group = c.benchmark_group("place");
    group.throughput(Throughput::Elements(sites.len() as u64));
    group.bench_function("ctgov_sites", |b| {
        b.iter(|| {
            sites
                .iter()
                .filter(|(city, state, country)| {
                    g.place(city, state.as_deref(), Some(country)).is_some()
                })
                .count()
        })
    });
    group.finish();

    // filter.geo over many sites: one distance each.
    let points: Vec<Point> = (0..100_000)
        .map(|i| Point::new((i % 180) as f64 - 89.5, (i % 360) as f64 - 179.5).unwrap())
        .collect();
    let near: Circle = "distance(32.0569,118.7794,50mi)".parse().unwrap();
    let mut group = c.benchmark_group("distance");
    group.throughput(Throughput::Elements(points.len() as u64));
    group.bench_function("haversine_100k", |b| {
        b.iter(|| {
            points
                .iter()
                .map(|&p| distance_km(near.center, p))
                .sum::<f64>()
        })
    });
    group.finish();
}

criterion_group!(benches, first_use, lookups);
criterion_main!(benches);
