//! Published ClinicalTrials.gov API v2 clients from PyPI (pytrials,
//! altissimo-clinicaltrials, ctgov), unchanged but for their base URL,
//! against a live eligo: `apiv2_clients.py` next to this file. Needs them
//! installed (`.ci/run` does: `pip install pytrials==1.0.0
//! altissimo-clinicaltrials==2.0.5 ctgov==0.1.1`); fails without them
//! unless `ELIGO_SKIP_PYCLIENTS=1`.

use crate::common::Live;
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_published_clients_work_against_api_v2() {
    if std::env::var("ELIGO_SKIP_PYCLIENTS").is_ok_and(|v| v == "1") {
        println!("skipped: ELIGO_SKIP_PYCLIENTS=1");
        return;
    }
    let found = std::process::Command::new("python3")
        .args(["-c", "import pytrials, clinicaltrials, ctgov"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "the API v2 client test needs python3 with pytrials, altissimo-clinicaltrials and ctgov \
         (pip install pytrials==1.0.0 altissimo-clinicaltrials==2.0.5 ctgov==0.1.1); \
         set ELIGO_SKIP_PYCLIENTS=1 to skip it"
    );
    let live = Live::start().await;
    // What the records themselves say, for the script to check against.
    let records = eligo_ctgov::sample_registry();
    let nct_ids: Vec<&str> = records
        .iter()
        .map(|r| r.trial.id.as_str())
        .filter(|id| id.starts_with("NCT"))
        .collect();
    let phase2: Vec<&str> = records
        .iter()
        .filter(|r| {
            r.raw
                .pointer("/protocolSection/designModule/phases")
                .and_then(Value::as_array)
                .is_some_and(|p| p.iter().any(|x| x == "PHASE2"))
        })
        .map(|r| r.trial.id.as_str())
        .collect();
    assert!(!phase2.is_empty());
    let expected = json!({"nct_ids": nct_ids, "phase2": phase2, "count": records.len()});
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/server/apiv2_clients.py");
    let mut cmd = tokio::process::Command::new("python3");
    cmd.arg(script)
        .arg(&live.base)
        .arg(expected.to_string())
        .env("NO_PROXY", "127.0.0.1")
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(240), cmd.output())
        .await
        .expect("the client script ran longer than 240 s")
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "clients failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
