//! `/find` and the search page in a real browser (headless Chromium over
//! WebDriver, as `browser.rs`): three example patients answer the
//! questionnaire by clicking and typing, and the groups are checked against
//! matching on the same facts; an uploaded FHIR R4 Bundle; the questionnaire
//! again with JavaScript disabled; the search page on a 390 px phone shows
//! a result on its first screen. With `ELIGO_SCREENSHOTS=DIR` the pages are
//! saved there as PNGs (`docs/img` holds the current ones).

use crate::browser::{chromium_session, find, start_driver, tool};
use crate::common::Live;
use crate::find::{PATIENTS, Patient, group, verdicts};
use eligo_model::Verdict;
use fantoccini::{Client, Locator};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn save(name: &str, png: &[u8]) {
    if let Some(dir) = std::env::var_os("ELIGO_SCREENSHOTS") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        std::fs::write(dir.join(name), png).expect("write screenshot");
    }
}

async fn session(port: u16, javascript: bool, profile: &std::path::Path) -> Client {
    let extra: &[&str] = if javascript {
        &[]
    } else {
        &["--blink-settings=scriptEnabled=false"]
    };
    chromium_session(port, profile, "1200,1000", extra).await
}

type R<T> = Result<T, fantoccini::error::CmdError>;

/// Click the button `css` that submits a form, and wait until the page it
/// was on is gone: the next page holds the same ids, so reading it before
/// would read the old page (or an element that goes stale under the read).
async fn submit(c: &Client, css: &str) -> R<()> {
    let old = find(c, "html").await;
    find(c, css).await.click().await?;
    for _ in 0..200 {
        match old.tag_name().await {
            Err(fantoccini::error::CmdError::Standard(e))
                if e.error == fantoccini::error::ErrorStatus::StaleElementReference =>
            {
                return Ok(());
            }
            _ => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    }
    panic!("{css}: the page did not change within 10 s");
}

/// Answers `/find` as `p` would, page by page, by clicking and typing.
/// Returns the answers given and the number of questions asked.
async fn answer(
    c: &Client,
    base: &str,
    p: &Patient,
    shots: Option<&str>,
) -> R<(BTreeMap<String, String>, usize)> {
    c.goto(&format!("{base}/find")).await?;
    find(c, "#condition")
        .await
        .send_keys("systemic lupus erythematosus")
        .await?;
    find(c, "#near").await.send_keys("Nanjing").await?;
    submit(c, "#find-begin").await?;
    let mut typed: BTreeMap<String, String> =
        [("dx-sle.answer".to_string(), "current".to_string())].into();
    let mut asked = 0;
    let mut page = 0;
    loop {
        find(c, "#find-progress, #find-summary").await;
        if c.find(Locator::Css("#group-eligible")).await.is_ok() {
            break;
        }
        let sets = c.find_all(Locator::Css("fieldset.question")).await?;
        assert!(!sets.is_empty(), "{}: a page without questions", p.name);
        if page == 0
            && let Some(prefix) = shots
        {
            save(&format!("{prefix}-questions.png"), &c.screenshot().await?);
        }
        for set in sets {
            let id = set.attr("id").await?.unwrap_or_default();
            let id = id.trim_start_matches("q-").to_string();
            let text = set.find(Locator::Css("legend")).await?.text().await?;
            asked += 1;
            for (name, value) in p.fill(&id, &text) {
                let choice = format!("input[name='{name}'][value='{value}']");
                if let Ok(e) = set.find(Locator::Css(&choice)).await {
                    e.click().await?;
                } else if let Ok(e) = set
                    .find(Locator::Css(&format!("input[name='{name}']")))
                    .await
                {
                    e.send_keys(&value).await?;
                } else {
                    continue;
                }
                typed.insert(name, value);
            }
        }
        page += 1;
        submit(c, "#find-next").await?;
    }
    Ok((typed, asked))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patients_find_trials_in_a_browser_with_and_without_javascript() {
    if std::env::var("ELIGO_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        println!("skipped: ELIGO_SKIP_BROWSER=1");
        return;
    }
    let driver_bin = tool("CHROMEDRIVER", "/usr/bin/chromedriver");
    assert!(
        driver_bin.exists(),
        "needs chromedriver (Debian chromium-driver); ELIGO_SKIP_BROWSER=1 skips"
    );
    let live = Live::start().await;
    let (_driver, port) = start_driver(&driver_bin).await;
    let profile = tempfile::tempdir().unwrap();
    let c = session(port, true, profile.path()).await;
    let base = live.base.clone();
    let state = live.state.clone();
    let result = async {
        for (i, p) in PATIENTS.iter().enumerate() {
            let shots = (i == 0).then_some("find");
            let (typed, asked) = answer(&c, &base, p, shots).await?;
            assert!(asked <= 15, "{}: {asked} questions before results", p.name);
            let html = c.source().await?;
            let ids: Vec<String> = ["group-eligible", "group-needs", "group-not"]
                .iter()
                .flat_map(|g| group(&html, g))
                .collect();
            let v = verdicts(&state, &ids, &typed).await;
            for (gid, want) in [
                ("group-eligible", Verdict::Eligible),
                ("group-needs", Verdict::Unknown),
                ("group-not", Verdict::Ineligible),
            ] {
                for id in group(&html, gid) {
                    assert_eq!(v[&id].0, want, "{}: {id} in {gid}", p.name);
                }
            }
            if i == 0 {
                // The first group on the screen, nearest recruiting site
                // and a way to apply with the answers.
                let first = find(
                    &c,
                    "#group-needs li.find-result, #group-eligible li.find-result",
                )
                .await;
                assert!(first.text().await?.contains("km"));
                save("find-results.png", &c.screenshot().await?);
            }
        }
        // An uploaded record.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("my-record.json");
        std::fs::write(
            &file,
            include_str!("../../../../examples/patients/01-base.json"),
        )
        .unwrap();
        c.goto(&format!("{base}/find")).await?;
        find(&c, "#record")
            .await
            .send_keys(&file.display().to_string())
            .await?;
        find(&c, "#near2").await.send_keys("南京").await?;
        find(&c, "#find-upload-submit").await.click().await?;
        find(&c, "#group-eligible").await;
        let html = c.source().await?;
        assert!(
            !group(&html, "group-eligible").is_empty(),
            "the example patient may join a trial"
        );
        save("find-record.png", &c.screenshot().await?);

        // The search page on a phone: a result on the first screen.
        c.set_window_size(390, 844).await?;
        c.goto(&format!("{base}/search?q=lupus")).await?;
        find(&c, ".hit").await;
        let visible = c
            .execute(
                "const h = document.querySelector('.hit'); \
                 return h.getBoundingClientRect().top < window.innerHeight;",
                vec![],
            )
            .await?;
        assert_eq!(
            visible,
            serde_json::json!(true),
            "no result on the first phone screen"
        );
        save("search-phone.png", &c.screenshot().await?);
        c.goto(&format!(
            "{base}/find?condition=systemic+lupus+erythematosus&near=Nanjing&results=1"
        ))
        .await?;
        find(&c, "#group-eligible").await;
        save("find-phone.png", &c.screenshot().await?);
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    result.expect("browser flow");

    // Without JavaScript: plain forms all the way.
    let profile = tempfile::tempdir().unwrap();
    let c = session(port, false, profile.path()).await;
    let result = async {
        let p = &PATIENTS[2];
        let (typed, asked) = answer(&c, &base, p, None).await?;
        assert!(asked <= 15);
        let html = c.source().await?;
        let ids: Vec<String> = ["group-eligible", "group-needs", "group-not"]
            .iter()
            .flat_map(|g| group(&html, g))
            .collect();
        assert!(!ids.is_empty());
        let v = verdicts(&state, &ids, &typed).await;
        for id in group(&html, "group-not") {
            assert_eq!(v[&id].0, Verdict::Ineligible);
        }
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    result.expect("browser flow without JavaScript");
}
