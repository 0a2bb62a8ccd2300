//! A real browser: headless Chromium driven over WebDriver (chromedriver on
//! a free loopback port) searches, opens a seed trial, fills the
//! pre-screen, applies, then logs in as the trial's coordinator and finds
//! the application; then it looks at the seed trial pages as a reader does
//! (what eligo derived is marked where it shows; a trial known by id and
//! title says so). With `ELIGO_SCREENSHOTS=DIR` it saves those pages' PNGs
//! there (`docs/img` holds the current ones).
//!
//! Needs Debian's `chromium` and `chromium-driver` (/usr/bin/chromium,
//! /usr/bin/chromedriver; `CHROMIUM` and `CHROMEDRIVER` override). Without
//! them the test fails, unless `ELIGO_SKIP_BROWSER=1`.

use crate::common::{Live, free_port};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Driver(pub Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn tool(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default))
}

pub async fn wait_for_port(port: u16) {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not listen on 127.0.0.1:{port} within 10 s");
}

/// chromedriver on a free port (killed on drop), once it listens.
pub async fn start_driver(driver_bin: &std::path::Path) -> (Driver, u16) {
    let port = free_port();
    let driver = Driver(
        Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    wait_for_port(port).await;
    (driver, port)
}

/// A headless Chromium session through the chromedriver on `port`, with its
/// own `profile`, a window of `size` ("1280,1000") and `extra` switches.
pub async fn chromium_session(
    port: u16,
    profile: &std::path::Path,
    size: &str,
    extra: &[&str],
) -> Client {
    let chromium = tool("CHROMIUM", "/usr/bin/chromium");
    let mut args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--no-first-run".into(),
        "--disable-quic".into(),
        format!("--window-size={size}"),
        format!("--user-data-dir={}", profile.display()),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"binary": chromium.display().to_string(), "args": args}),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("WebDriver session")
}

pub async fn find(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element {css}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_applies_and_the_coordinator_finds_the_application() {
    if std::env::var("ELIGO_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        println!("skipped: ELIGO_SKIP_BROWSER=1");
        return;
    }
    let driver_bin = tool("CHROMEDRIVER", "/usr/bin/chromedriver");
    let chromium = tool("CHROMIUM", "/usr/bin/chromium");
    assert!(
        driver_bin.exists() && chromium.exists(),
        "the browser test needs {} and {} (Debian packages chromium and chromium-driver: \
         apt-get install chromium chromium-driver); set ELIGO_SKIP_BROWSER=1 to skip it",
        driver_bin.display(),
        chromium.display()
    );

    let live = Live::start().await;
    let hash = eligo_server::auth::hash_password("coordinator password").unwrap();
    live.state
        .store()
        .create_user("coord@example.org", &hash, &["NCT06946485".to_string()])
        .await
        .unwrap();

    let (_driver, port) = start_driver(&driver_bin).await;
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(port, profile.path(), "1200,1000", &[]).await;

    let result = async {
        let base = &live.base;
        // Search from the home page.
        c.goto(&format!("{base}/")).await?;
        find(&c, "#q").await.send_keys("CAR-T lupus").await?;
        find(&c, "#search-button").await.click().await?;
        find(&c, "#total").await;
        assert!(c.current_url().await?.as_str().contains("/search?q=CAR-T"));
        // Open the CHT101 seed trial.
        find(&c, r#"a.trial-link[href="/trials/NCT06946485"]"#)
            .await
            .click()
            .await?;
        let title = find(&c, "#trial-title").await.text().await?;
        assert!(title.contains("CHT101"), "{title}");
        let applied = find(&c, "#applied").await.text().await?;
        assert!(applied.starts_with("0 patients"), "{applied}");
        // Pre-screen.
        find(&c, "#prescreen-link").await.click().await?;
        find(&c, "#prescreen-form").await;
        find(&c, r#"input[name="age.age"]"#)
            .await
            .send_keys("35")
            .await?;
        find(&c, r#"input[name="sex.answer"][value="female"]"#)
            .await
            .click()
            .await?;
        find(&c, r#"input[name="dx-sle.answer"][value="current"]"#)
            .await
            .click()
            .await?;
        find(&c, r#"input[name="score-sledai-2k.value"]"#)
            .await
            .send_keys("10")
            .await?;
        find(&c, r#"input[name="dx-npsle.answer"][value="no"]"#)
            .await
            .click()
            .await?;
        find(&c, r#"input[name="trial.answer"][value="dont_know"]"#)
            .await
            .click()
            .await?;
        find(&c, "#prescreen-submit").await.click().await?;
        let verdict = find(&c, "#verdict").await;
        let v = verdict.attr("data-verdict").await?.unwrap_or_default();
        assert!(
            ["eligible", "unknown", "ineligible"].contains(&v.as_str()),
            "{v}"
        );
        // Apply.
        find(&c, r#"#apply-form input[name="name"]"#)
            .await
            .send_keys("Browser Patient")
            .await?;
        find(&c, r#"#apply-form input[name="email"]"#)
            .await
            .send_keys("browser.patient@example.org")
            .await?;
        find(&c, r#"#apply-form input[name="consent"]"#)
            .await
            .click()
            .await?;
        find(&c, "#apply-submit").await.click().await?;
        let done = find(&c, "#applied-message").await.text().await?;
        assert!(done.contains("was sent"), "{done}");
        c.goto(&format!("{base}/trials/NCT06946485")).await?;
        let applied = find(&c, "#applied").await.text().await?;
        assert!(applied.starts_with("1 patient has applied"), "{applied}");
        // The coordinator logs in and finds it.
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
        let table = find(&c, "#applications").await.text().await?;
        assert!(table.contains("Browser Patient"), "{table}");
        find(&c, "a.application-link").await.click().await?;
        let name = find(&c, "#applicant-name").await.text().await?;
        assert_eq!(name, "Browser Patient");
        find(&c, "#logout").await.click().await?;
        find(&c, "#q").await;
        seed_pages_show_what_eligo_read(&c, base).await?;
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    result.expect("browser flow");
}

/// Save a PNG when `ELIGO_SCREENSHOTS` names a directory.
fn save(name: &str, png: &[u8]) {
    if let Some(dir) = std::env::var_os("ELIGO_SCREENSHOTS") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        std::fs::write(dir.join(name), png).expect("write screenshot");
    }
}

/// The seed pages in the browser: the marks of eligo's readings, the page's
/// own words and labels, the criteria heading, and a stub, all displayed.
async fn seed_pages_show_what_eligo_read(
    c: &Client,
    base: &str,
) -> Result<(), fantoccini::error::CmdError> {
    c.set_window_size(1200, 1500).await?;
    c.goto(&format!("{base}/trials/NCT06946485")).await?;
    let dates = find(c, ".pagedate").await.text().await?;
    assert!(dates.ends_with("· Apr 20, 2025"), "{dates}");
    let summary = find(c, "#page-summary").await;
    assert!(summary.is_displayed().await?);
    assert!(summary.text().await?.starts_with("ClinConnect Summary"));
    let derived = find(c, "#summary .derived").await;
    assert!(derived.is_displayed().await?);
    save("trial-NCT06946485.png", &c.screenshot().await?);

    c.goto(&format!("{base}/trials/NCT07331467")).await?;
    let arms = find(c, "#arms").await;
    let text = arms.text().await?;
    assert!(text.contains("1.5×10^5/kg (150000 /kg)"), "{text}");
    assert!(!text.contains("{cells}"), "{text}");
    save("trial-NCT07331467-arms.png", &arms.screenshot().await?);
    let timeline = find(c, "#timeline").await;
    assert!(timeline.text().await?.contains("label inferred by eligo"));
    save(
        "trial-NCT07331467-timeline.png",
        &timeline.screenshot().await?,
    );

    c.goto(&format!("{base}/trials/NCT07031713")).await?;
    let heading = c
        .find(Locator::XPath(
            "//li[@class='criteria-heading']/h3[starts-with(., '5.5 Pre cleaning standard')]",
        ))
        .await?;
    assert!(heading.is_displayed().await?);
    c.execute(
        "arguments[0].scrollIntoView({block: 'start'})",
        vec![serde_json::to_value(&heading)?],
    )
    .await?;
    save("trial-NCT07031713-criteria.png", &c.screenshot().await?);

    c.goto(&format!("{base}/trials/NCT07233642")).await?;
    let status = find(c, "#status").await.text().await?;
    assert_eq!(status, "Known here by id and title only");
    assert!(find(c, "#known-by-id").await.is_displayed().await?);
    save("trial-NCT07233642.png", &c.screenshot().await?);
    Ok(())
}
