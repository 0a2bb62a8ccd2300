//! The embedded sample registry: a fresh install works with no download.
//!
//! `sample/seeds/` holds the four seed trials of eligo, written as
//! ClinicalTrials.gov v2-shaped JSON from the seed pages and holding only
//! what those pages state (see `sample/README.md`), and the five trials that
//! seed 003 lists as related, as partial records (id and title only).
//! `sample/ctgov/` holds real API v2 records (single studies and search
//! pages). They are read with the same code path as any import.

use crate::{Origin, Record, read::Reader};
use std::collections::HashSet;

/// (file name, contents), seeds first: on a repeated id the first wins.
const FILES: &[(&str, &str)] = &[
    (
        "sample/seeds/NCT06946485.json",
        include_str!("../sample/seeds/NCT06946485.json"),
    ),
    (
        "sample/seeds/union-cd19-bcma.json",
        include_str!("../sample/seeds/union-cd19-bcma.json"),
    ),
    (
        "sample/seeds/NCT07331467.json",
        include_str!("../sample/seeds/NCT07331467.json"),
    ),
    (
        "sample/seeds/NCT07031713.json",
        include_str!("../sample/seeds/NCT07031713.json"),
    ),
    (
        "sample/seeds/NCT06056921.json",
        include_str!("../sample/seeds/NCT06056921.json"),
    ),
    (
        "sample/seeds/NCT06222853.json",
        include_str!("../sample/seeds/NCT06222853.json"),
    ),
    (
        "sample/seeds/NCT06892145.json",
        include_str!("../sample/seeds/NCT06892145.json"),
    ),
    (
        "sample/seeds/NCT07233642.json",
        include_str!("../sample/seeds/NCT07233642.json"),
    ),
    (
        "sample/seeds/NCT07318259.json",
        include_str!("../sample/seeds/NCT07318259.json"),
    ),
    (
        "sample/ctgov/NCT00465816.json",
        include_str!("../sample/ctgov/NCT00465816.json"),
    ),
    (
        "sample/ctgov/NCT00763412.json",
        include_str!("../sample/ctgov/NCT00763412.json"),
    ),
    (
        "sample/ctgov/NCT00973089.json",
        include_str!("../sample/ctgov/NCT00973089.json"),
    ),
    (
        "sample/ctgov/NCT02210780.json",
        include_str!("../sample/ctgov/NCT02210780.json"),
    ),
    (
        "sample/ctgov/NCT02552212.json",
        include_str!("../sample/ctgov/NCT02552212.json"),
    ),
    (
        "sample/ctgov/NCT03418623.json",
        include_str!("../sample/ctgov/NCT03418623.json"),
    ),
    (
        "sample/ctgov/NCT03453554.json",
        include_str!("../sample/ctgov/NCT03453554.json"),
    ),
    (
        "sample/ctgov/NCT03475563.json",
        include_str!("../sample/ctgov/NCT03475563.json"),
    ),
    (
        "sample/ctgov/NCT03630471.json",
        include_str!("../sample/ctgov/NCT03630471.json"),
    ),
    (
        "sample/ctgov/NCT04207047.json",
        include_str!("../sample/ctgov/NCT04207047.json"),
    ),
    (
        "sample/ctgov/NCT05594173.json",
        include_str!("../sample/ctgov/NCT05594173.json"),
    ),
    (
        "sample/ctgov/NCT06171568.json",
        include_str!("../sample/ctgov/NCT06171568.json"),
    ),
    (
        "sample/ctgov/NCT06382129.json",
        include_str!("../sample/ctgov/NCT06382129.json"),
    ),
    (
        "sample/ctgov/NCT06604689.json",
        include_str!("../sample/ctgov/NCT06604689.json"),
    ),
    (
        "sample/ctgov/search_keytruda_limit3_20260811.json",
        include_str!("../sample/ctgov/search_keytruda_limit3_20260811.json"),
    ),
    (
        "sample/ctgov/search_melanoma_recruiting_limit3_20260811.json",
        include_str!("../sample/ctgov/search_melanoma_recruiting_limit3_20260811.json"),
    ),
    (
        "sample/ctgov/search_phelan_limit50_20260811.json",
        include_str!("../sample/ctgov/search_phelan_limit50_20260811.json"),
    ),
    (
        "sample/ctgov/search_phelan_limit5_20260811.json",
        include_str!("../sample/ctgov/search_phelan_limit5_20260811.json"),
    ),
    (
        "sample/ctgov/search_phelan_next_20260811.json",
        include_str!("../sample/ctgov/search_phelan_next_20260811.json"),
    ),
];

/// Every record of the sample registry, each id once, in file order.
pub fn sample_registry() -> Vec<Record> {
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    for (name, text) in FILES {
        let mut reader = Reader::from_memory();
        for item in reader.documents(name, text.as_bytes()) {
            // The files are fixed at build time and checked by the tests;
            // a bad one would be a bug in eligo, so it is skipped, not fatal.
            let Ok(rec) = item else { continue };
            if ids.insert(rec.trial.id.clone()) {
                out.push(Record {
                    origin: Origin {
                        file: format!("(embedded) {}", rec.origin.file),
                        location: rec.origin.location,
                    },
                    ..rec
                });
            }
        }
    }
    out
}

/// The sample files themselves, for tests and for `eligo` to describe.
pub fn sample_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().copied()
}
