//! eligo-conduct's tests: the synthetic worked example of NCT06946485
//! checked against results worked by hand from the instrument definitions,
//! 3+3 and BOIN against their published rules and tables, Clopper-Pearson
//! against known intervals, visit windows at their edges, the readers'
//! errors (property-tested) and the export shapes.

#[path = "conduct/common.rs"]
mod common;

#[path = "conduct/escalation.rs"]
mod escalation;
#[path = "conduct/export.rs"]
mod export;
#[path = "conduct/inputs.rs"]
mod inputs;
#[path = "conduct/schedule.rs"]
mod schedule;
#[path = "conduct/stats.rs"]
mod stats;
#[path = "conduct/worked_example.rs"]
mod worked_example;
