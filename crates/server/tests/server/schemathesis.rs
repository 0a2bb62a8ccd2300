//! Fuzz the API against its own OpenAPI document with schemathesis: no
//! generated request may get a 5xx. Needs `schemathesis` on PATH
//! (`pip install schemathesis`); fails without it unless
//! `ELIGO_SKIP_SCHEMATHESIS=1`. Bounded: a few dozen examples per
//! operation, killed after 150 s.

use crate::common::Live;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_never_answers_5xx_to_schemathesis() {
    if std::env::var("ELIGO_SKIP_SCHEMATHESIS").is_ok_and(|v| v == "1") {
        println!("skipped: ELIGO_SKIP_SCHEMATHESIS=1");
        return;
    }
    let bin = std::env::var("SCHEMATHESIS").unwrap_or_else(|_| "schemathesis".into());
    let found = std::process::Command::new(&bin)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "the API fuzz test needs schemathesis on PATH (pip install schemathesis); \
         set ELIGO_SKIP_SCHEMATHESIS=1 to skip it"
    );
    let live = Live::start().await;
    // Schemathesis itself sometimes stops with an internal Python error
    // (seen: "SystemError: AST constructor recursion depth mismatch" while
    // hypothesis describes a filter in the coverage phase) after every
    // request it sent passed; that run says nothing about the API. It is run
    // once more, and if the coverage phase fails so again, once without that
    // phase (the examples, fuzzing and stateful phases must then pass). A
    // failed request never is retried.
    let all: &[&str] = &[];
    let no_coverage: &[&str] = &["--phases", "examples,fuzzing,stateful"];
    for (attempt, extra) in [all, all, no_coverage].into_iter().enumerate() {
        let (ok, stdout, stderr, code) = run(&bin, &live.base, extra).await;
        println!("{stdout}");
        if ok {
            return;
        }
        let request_failed = stdout.contains("Server error")
            || stdout
                .lines()
                .any(|l| l.contains(" generated,") && l.contains("failed"));
        if attempt < 2 && !request_failed && stdout.contains("Runtime Error") {
            println!("schemathesis stopped on an internal error; running it again");
            continue;
        }
        panic!("schemathesis found server errors (exit {code:?}):\n{stdout}\n{stderr}");
    }
}

/// One bounded schemathesis run: (success, stdout, stderr, exit code).
async fn run(bin: &str, base: &str, extra: &[&str]) -> (bool, String, String, Option<i32>) {
    let work = tempfile::tempdir().unwrap();
    let mut cmd = tokio::process::Command::new(bin);
    cmd.current_dir(work.path())
        .arg("run")
        .arg(format!("{base}/api/openapi.json"))
        .args(["--checks", "not_a_server_error"])
        .args(["--max-examples", "25"])
        .args(["--seed", "7"])
        .args(["--workers", "2"])
        .args(["--request-timeout", "10"])
        .args(["--warnings", "off"])
        .args(extra)
        .env("NO_COLOR", "1")
        .env("SCHEMATHESIS_HOOKS", "")
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(150), cmd.output())
        .await
        .expect("schemathesis ran longer than 150 s")
        .expect("run schemathesis");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}
