//! The scale benchmark of eligo (issue 16): [`gen`] makes ClinicalTrials.gov
//! API v2 studies from the real records of the embedded sample, at any size
//! and deterministically; [`run`] measures the release `eligo` binary on
//! such a corpus through its CLI and HTTP API only, next to SQLite FTS5 on
//! the same studies. See docs/benchmarks.md.

pub mod generate;
pub mod rng;
pub mod run;
