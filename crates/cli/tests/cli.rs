//! CLI integration tests (one test binary; one module per command group).
#[path = "cli/common.rs"]
mod common;
#[path = "cli/concurrent.rs"]
mod concurrent;
#[path = "cli/conduct.rs"]
mod conduct;
#[path = "cli/criteria.rs"]
mod criteria;
#[path = "cli/import_paths.rs"]
mod import_paths;
#[path = "cli/instruments.rs"]
mod instruments;
#[path = "cli/matching.rs"]
mod matching;
#[path = "cli/records.rs"]
mod records;
#[path = "cli/registry.rs"]
mod registry;
#[path = "cli/snapshot.rs"]
mod snapshot;
