//! eligo-geo integration tests (one test binary, one module per concern).
//! Expectations come from outside the crate: published worked examples and
//! analytic distances on the sphere, the definition of the international
//! mile, ClinicalTrials.gov's own `geoPoint`s for real sites
//! (tests/data/ctgov_sites.tsv), and places whose state and country are
//! common knowledge.

#[path = "geo/distance.rs"]
mod distance;

#[path = "geo/filter.rs"]
mod filter;

#[path = "geo/resolve.rs"]
mod resolve;

#[path = "geo/registry_sites.rs"]
mod registry_sites;

#[path = "geo/properties.rs"]
mod properties;
