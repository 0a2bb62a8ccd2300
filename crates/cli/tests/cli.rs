//! CLI integration tests (one test binary; one module per command group).
#[path = "cli/criteria.rs"]
mod criteria;
#[path = "cli/registry.rs"]
mod registry;
