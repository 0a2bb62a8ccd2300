//! Integration tests of the criteria compiler (one test binary; one module per area).

#[path = "criteria/chia.rs"]
mod chia;
#[path = "criteria/common.rs"]
mod common;
#[path = "criteria/coverage.rs"]
mod coverage;
#[path = "criteria/patterns.rs"]
mod patterns;
#[path = "criteria/robustness.rs"]
mod robustness;
#[path = "criteria/seeds.rs"]
mod seeds;
#[path = "criteria/segment.rs"]
mod segment;
