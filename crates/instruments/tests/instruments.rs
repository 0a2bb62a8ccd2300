//! eligo-instruments integration tests (one test binary, one module per
//! concern). Expectations come from the worked examples and definitions in
//! INSTRUMENTS.md (cited per test), the CTCAE expected-grade vectors, and
//! properties of the formulas, never from this crate's own output.

#[path = "instruments/common.rs"]
mod common;

#[path = "instruments/worked_examples.rs"]
mod worked_examples;

#[path = "instruments/bad_inputs.rs"]
mod bad_inputs;

#[path = "instruments/units.rs"]
mod units;

#[path = "instruments/ctcae.rs"]
mod ctcae;

#[path = "instruments/ctcae_boundaries.rs"]
mod ctcae_boundaries;

#[path = "instruments/ctcae_metabolism.rs"]
mod ctcae_metabolism;

#[path = "instruments/properties.rs"]
mod properties;
