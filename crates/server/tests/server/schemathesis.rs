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
    let work = tempfile::tempdir().unwrap();
    let mut cmd = tokio::process::Command::new(&bin);
    cmd.current_dir(work.path())
        .arg("run")
        .arg(format!("{}/api/openapi.json", live.base))
        .args(["--checks", "not_a_server_error"])
        .args(["--max-examples", "25"])
        .args(["--seed", "7"])
        .args(["--workers", "2"])
        .args(["--request-timeout", "10"])
        .args(["--warnings", "off"])
        .env("NO_COLOR", "1")
        .env("SCHEMATHESIS_HOOKS", "")
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(150), cmd.output())
        .await
        .expect("schemathesis ran longer than 150 s")
        .expect("run schemathesis");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "schemathesis found server errors (exit {:?}):\n{stdout}\n{stderr}",
        out.status.code()
    );
}
