//! Trial conduct in a real browser (headless Chromium over WebDriver): a
//! coordinator adds a participant, enters the baseline visit on the form,
//! then reads a participant's timeline and the trial summary of the
//! synthetic example. With `ELIGO_SCREENSHOTS=DIR` the pages are saved as
//! PNG there (docs/screenshots holds the ones the docs show).
//!
//! Needs chromium and chromedriver like the other browser test
//! (`ELIGO_SKIP_BROWSER=1` skips it).

use crate::browser::{chromium_session, find, start_driver, tool};
use crate::common::Live;
use eligo_server::conduct::service;
use eligo_store::conduct::Actor;
use fantoccini::{Client, Locator};

async fn shot(c: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("ELIGO_SCREENSHOTS") {
        let png = c.screenshot().await.expect("screenshot");
        let path = std::path::Path::new(&dir).join(name);
        std::fs::write(&path, png).expect("write screenshot");
    }
}

async fn set(c: &Client, css: &str, value: &str) {
    c.execute(
        "document.querySelector(arguments[0]).value = arguments[1];",
        vec![serde_json::json!(css), serde_json::json!(value)],
    )
    .await
    .expect("set a field");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_enters_a_visit_and_reads_the_timeline_and_summary() {
    if std::env::var("ELIGO_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        println!("skipped: ELIGO_SKIP_BROWSER=1");
        return;
    }
    let driver_bin = tool("CHROMEDRIVER", "/usr/bin/chromedriver");
    let chromium = tool("CHROMIUM", "/usr/bin/chromium");
    assert!(
        driver_bin.exists() && chromium.exists(),
        "the browser test needs chromium and chromium-driver; set ELIGO_SKIP_BROWSER=1 to skip it"
    );
    let live = Live::start().await;
    service::load_example(
        live.state.store(),
        &Actor {
            user_id: None,
            name: "browser test".into(),
        },
    )
    .await
    .unwrap();
    let hash = eligo_server::auth::hash_password("coordinator password").unwrap();
    live.state
        .store()
        .create_user("coord@example.org", &hash, &["NCT06946485".to_string()])
        .await
        .unwrap();
    let s01 = live
        .state
        .store()
        .participants("NCT06946485")
        .await
        .unwrap()[0]
        .id;

    let (_driver, port) = start_driver(&driver_bin).await;
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(port, profile.path(), "1280,1600", &["--hide-scrollbars"]).await;

    let result = async {
        let base = &live.base;
        c.goto(&format!("{base}/login")).await?;
        find(&c, r#"#login-form input[name="email"]"#)
            .await
            .send_keys("coord@example.org")
            .await?;
        find(&c, r#"#login-form input[name="password"]"#)
            .await
            .send_keys("coordinator password")
            .await?;
        find(&c, "#login-submit").await.click().await?;
        find(&c, "#applications").await;
        // The trial's participants on the date the example is read.
        c.goto(&format!(
            "{base}/coordinator/trials/NCT06946485/conduct?as_of=2027-05-01"
        ))
        .await?;
        let table = find(&c, "#participants").await.text().await?;
        assert!(
            table.contains("CHT-S01") && table.contains("synthetic"),
            "{table}"
        );
        // Add a participant and enter the baseline visit.
        find(&c, r#"#participant-form input[name="study_id"]"#)
            .await
            .send_keys("CHT-201")
            .await?;
        set(
            &c,
            r#"#participant-form input[name="infusion_date"]"#,
            "2026-11-20",
        )
        .await;
        find(&c, "#add-participant").await.click().await?;
        let title = find(&c, "#participant-title").await.text().await?;
        assert_eq!(title, "CHT-201");
        find(&c, "#visit-BL a.visit-link").await.click().await?;
        find(&c, "#visit-form").await;
        set(&c, "#visit-date", "2026-11-15").await;
        find(&c, "#sledai2k-assessed").await.click().await?;
        find(&c, "#selena-assessed").await.click().await?;
        for item in ["arthritis", "rash", "low_complement"] {
            for section in ["sledai2k", "selena_sledai"] {
                find(&c, &format!(r#"input[name="{section}.{item}"]"#))
                    .await
                    .click()
                    .await?;
            }
        }
        for (d, g) in [
            ("constitutional", "E"),
            ("mucocutaneous", "B"),
            ("neuropsychiatric", "E"),
            ("musculoskeletal", "B"),
            ("cardiorespiratory", "E"),
            ("gastrointestinal", "E"),
            ("ophthalmic", "E"),
            ("renal", "E"),
            ("haematological", "E"),
        ] {
            find(&c, &format!(r#"select[name="bilag.{d}"]"#))
                .await
                .select_by_value(g)
                .await?;
        }
        find(&c, "#pga").await.send_keys("1.6").await?;
        find(&c, r#"input[name="lab.c3.value"]"#)
            .await
            .send_keys("0.62")
            .await?;
        find(&c, r#"input[name="lab.c3.low"]"#)
            .await
            .send_keys("0.9")
            .await?;
        shot(&c, "conduct-visit.png").await;
        find(&c, "#visit-submit").await.click().await?;
        let row = find(&c, "#visit-BL").await.text().await?;
        // Arthritis 4 + rash 2 + low complement 2 = 8 on both versions.
        assert!(
            row.contains("2026-11-15") && row.contains(" 8 8 1.6"),
            "{row}"
        );
        let audit = find(&c, "#audit").await.text().await?;
        assert!(
            audit.contains("visit created") && audit.contains("coord@example.org"),
            "{audit}"
        );
        // A participant of the example: timeline chart and endpoints.
        c.goto(&format!(
            "{base}/coordinator/participants/{s01}?as_of=2027-05-01"
        ))
        .await?;
        find(&c, "#timeline-chart").await;
        let visits = find(&c, "#visits").await.text().await?;
        assert!(
            visits.contains("SRI-4 response: yes") && visits.contains("DORIS 2021 remission: no"),
            "{visits}"
        );
        assert!(
            !c.find_all(Locator::Css("#timeline-chart .ae-bar"))
                .await?
                .is_empty()
        );
        shot(&c, "conduct-participant.png").await;
        // The trial summary.
        find(&c, "a[href^='/coordinator/trials/NCT06946485/conduct']")
            .await
            .click()
            .await?;
        find(&c, "#summary-link").await.click().await?;
        let title = find(&c, "#summary-title").await.text().await?;
        assert!(title.contains("trial summary"));
        let body = find(&c, "main").await.text().await?;
        // SRI-4 at month 1: the example's 4 responders of 6, and CHT-201,
        // past month 1 without a visit, in N as missing: 4/7.
        assert!(body.contains("4/7 (57%; 95% CI 18.4–90.1%)"), "{body}");
        assert!(body.contains("Cytokine release syndrome"));
        shot(&c, "conduct-summary.png").await;
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    result.expect("browser flow");
}
