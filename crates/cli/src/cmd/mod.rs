//! One module per subcommand; each has `Args` (clap) and `run`.

mod conduct;
pub mod criteria;
pub mod endpoints;
pub mod escalation;
pub mod eval;
pub mod export;
pub mod grade;
pub mod import;
pub mod matching;
pub mod participant;
pub mod related;
pub mod score;
pub mod search;
pub mod serve;
pub mod show;
pub mod stats;
pub mod user;
pub mod visit;
