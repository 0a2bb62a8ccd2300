//! Exit codes (documented in the README) and error reporting.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | failure of eligo or its environment (I/O, database) |
//! | 2 | usage error (bad arguments; printed by clap) |
//! | 3 | invalid input data (a malformed record, file or field) |
//! | 4 | not found (no trial with that id) |

use std::fmt;
use std::process::ExitCode;

pub const FAILURE: u8 = 1;
pub const USAGE: u8 = 2;
pub const INVALID_INPUT: u8 = 3;
pub const NOT_FOUND: u8 = 4;

/// An error that carries its exit code. Wrap with `anyhow::Error::new`.
#[derive(Debug)]
pub struct Coded {
    pub code: u8,
    pub message: String,
}

impl Coded {
    pub fn invalid_input(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Coded {
            code: INVALID_INPUT,
            message: message.into(),
        })
    }
    pub fn not_found(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Coded {
            code: NOT_FOUND,
            message: message.into(),
        })
    }
    pub fn usage(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Coded {
            code: USAGE,
            message: message.into(),
        })
    }
}

impl fmt::Display for Coded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Coded {}

/// Print the error chain on stderr and pick the exit code.
pub fn report(err: &anyhow::Error) -> ExitCode {
    eprintln!("error: {err:#}");
    let code = err
        .chain()
        .find_map(|e| e.downcast_ref::<Coded>().map(|c| c.code))
        .unwrap_or(FAILURE);
    ExitCode::from(code)
}
