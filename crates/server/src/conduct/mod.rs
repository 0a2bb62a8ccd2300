//! Trial conduct for coordinators: participants, visits, adverse events,
//! medications, endpoints, the trial summary, dose escalation and export,
//! as pages (`pages`) and JSON API (`api`), over the shared [`service`].
//! The domain logic is eligo-conduct's; storage is the store's. Every
//! route needs a coordinator of the trial (403 without data otherwise),
//! and every write a CSRF token (forms) or header (cookie API calls).

mod chart;
pub mod service;
