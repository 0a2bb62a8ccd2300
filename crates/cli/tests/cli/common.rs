//! What the CLI tests share: a temporary registry to run `eligo` against, and
//! checks on a run that must have succeeded (showing its stderr when not).

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

/// Fail the test, with the run's stderr, unless `eligo` exited 0.
pub fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "eligo exited {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The stdout of a run that must have succeeded, read as JSON.
pub fn json(out: &Output) -> Value {
    ok(out);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The stdout of a run that must have succeeded, as text.
pub fn text(out: &Output) -> String {
    ok(out);
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

/// A registry in a temporary directory; every command runs against it (a
/// SQLite file there, whatever `DATABASE_URL` or `ELIGO_INDEX_DIR` say).
pub struct Reg {
    dir: tempfile::TempDir,
}

impl Reg {
    pub fn new() -> Reg {
        Reg {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_eligo"))
            .args(args)
            .env("ELIGO_DB", self.dir.path().join("eligo.db"))
            .env_remove("DATABASE_URL")
            .env_remove("ELIGO_INDEX_DIR")
            .output()
            .expect("run eligo")
    }

    /// A path in the registry's temporary directory.
    pub fn tmp(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Write `v` as JSON to a file of the temporary directory; its path.
    pub fn file(&self, name: &str, v: &Value) -> String {
        let p = self.tmp(name);
        std::fs::write(&p, serde_json::to_vec(v).expect("JSON")).expect("write");
        p.display().to_string()
    }
}
