//! One module per subcommand; each has `Args` (clap) and `run`.

pub mod criteria;
pub mod eval;
pub mod grade;
pub mod import;
pub mod matching;
pub mod related;
pub mod score;
pub mod search;
pub mod serve;
pub mod show;
pub mod stats;
pub mod user;
