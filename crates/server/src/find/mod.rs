//! Finding trials for a person: "near ... within ..." places, the nearest
//! recruiting site of a trial, the facts a result card shows, and the
//! `/find` page (a questionnaire or a health record against every open
//! trial, grouped by what the person may be eligible for).

pub mod card;
pub mod handler;
pub mod near;
pub mod page;
pub mod pool;
pub mod questions;
pub mod sites;
