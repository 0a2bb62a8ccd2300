//! The pre-screen journeys of issue 21 in a real browser (headless Chromium
//! over WebDriver), at desktop width and at a phone's 390 px: the lupus
//! patient who knows only her age, sex and diagnosis is not rejected;
//! "I don't know" everywhere never says "probably do not qualify"; an
//! implausible haemoglobin is questioned, with the error summary focused
//! and the field marked invalid; a second application is refused and its
//! error takes focus. With `ELIGO_SCREENSHOTS=DIR` the pre-screen and
//! result pages are saved there (`scripts/screenshots` puts them in docs/).
//!
//! Needs chromium and chromedriver like the other browser tests
//! (`ELIGO_SKIP_BROWSER=1` skips it).

use crate::browser::{chromium_session, find, start_driver, tool};
use crate::common::Live;
use fantoccini::Client;

const TRIAL: &str = "NCT06946485";

async fn shot(c: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("ELIGO_SCREENSHOTS") {
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(std::path::Path::new(&dir).join(name), png).expect("write screenshot");
    }
}

/// The id of the element that has the focus.
async fn focused(c: &Client) -> String {
    c.execute(
        "return document.activeElement ? document.activeElement.id : '';",
        vec![],
    )
    .await
    .expect("active element")
    .as_str()
    .unwrap_or("")
    .to_string()
}

/// The focused element's id once the page has settled (up to 3 s: the
/// page focuses its error again after load).
async fn settled_focus(c: &Client, want: &str) -> String {
    let mut got = String::new();
    for _ in 0..30 {
        got = focused(c).await;
        if got == want {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    got
}

/// A fresh pre-screen: no answers kept from an earlier journey.
async fn open_prescreen(c: &Client, base: &str) {
    c.goto(&format!("{base}/trials/{TRIAL}/prescreen"))
        .await
        .expect("pre-screen page");
    find(c, "#prescreen-form").await;
    c.execute("window.localStorage.clear();", vec![])
        .await
        .unwrap();
    c.goto(&format!("{base}/trials/{TRIAL}/prescreen"))
        .await
        .expect("pre-screen page");
    find(c, "#prescreen-form").await;
}

async fn click(c: &Client, css: &str) {
    let el = find(c, css).await;
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&el).unwrap()],
    )
    .await
    .unwrap();
    el.click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn verdict(c: &Client) -> (String, String) {
    let v = find(c, "#verdict").await;
    (
        v.attr("data-verdict").await.unwrap().unwrap_or_default(),
        v.text().await.unwrap(),
    )
}

/// One pass of the journeys at one width; `tag` names the screenshots.
async fn journeys(c: &Client, base: &str, tag: &str, email: &str) {
    // 1. The lupus patient: age, sex, lupus, and "I don't know" to the rest.
    open_prescreen(c, base).await;
    let first = find(c, "fieldset.question legend")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        first.contains("Systemic Lupus Erythematosus"),
        "condition first: {first}"
    );
    let progress = find(c, "#progress").await.text().await.unwrap();
    assert!(progress.starts_with("0 of "), "{progress}");
    shot(c, &format!("prescreen-{tag}.png")).await;
    click(c, r#"input[name="dx-sle.answer"][value="current"]"#).await;
    find(c, "#f-age-age").await.send_keys("30").await.unwrap();
    click(c, r#"input[name="sex.answer"][value="female"]"#).await;
    c.execute(
        "document.querySelectorAll('input[value=dont_know]').forEach(function (i) { \
           if (!document.querySelector('input[type=radio][name=\"' + i.name + '\"]:checked') || i.type === 'radio') { \
             var other = document.querySelector('input[type=radio][name=\"' + i.name + '\"]:checked'); \
             if (!other) i.checked = true; } });",
        vec![],
    )
    .await
    .unwrap();
    click(c, "#prescreen-submit").await;
    let (v, text) = verdict(c).await;
    assert_eq!(v, "unknown", "{text}");
    assert!(text.contains("Not decided yet"), "{text}");
    assert!(text.contains("ask your doctor about"), "{text}");
    assert!(!text.contains("probably do not qualify"), "{text}");
    shot(c, &format!("result-{tag}.png")).await;

    // 2. "I don't know" to everything.
    open_prescreen(c, base).await;
    c.execute(
        "document.querySelectorAll('input[value=dont_know]').forEach(function (i) { i.checked = true; });",
        vec![],
    )
    .await
    .unwrap();
    click(c, "#prescreen-submit").await;
    let (v, text) = verdict(c).await;
    assert_eq!(v, "unknown", "{text}");
    let page = find(c, "main").await.text().await.unwrap();
    assert!(!page.contains("probably do not qualify"), "{page}");

    // 3. Haemoglobin 13 in g/L: questioned, with the likely unit.
    open_prescreen(c, base).await;
    click(c, r#"input[name="dx-sle.answer"][value="current"]"#).await;
    find(c, "#f-lab-hemoglobin-value")
        .await
        .send_keys("13")
        .await
        .unwrap();
    c.execute(
        "var s = document.getElementById('f-lab-hemoglobin-unit'); s.value = 'g/L';",
        vec![],
    )
    .await
    .unwrap();
    click(c, "#prescreen-submit").await;
    let summary = find(c, "#form-errors").await;
    let said = summary.text().await.unwrap();
    assert!(said.contains("13 g/L") && said.contains("g/dL"), "{said}");
    assert_eq!(
        settled_focus(c, "form-errors").await,
        "form-errors",
        "the error summary takes focus"
    );
    let field = find(c, "#f-lab-hemoglobin-value").await;
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(
        field.prop("value").await.unwrap().as_deref(),
        Some("13"),
        "kept"
    );
    shot(c, &format!("prescreen-error-{tag}.png")).await;
    // The summary's link goes to the field.
    click(c, r##"#form-errors a[href="#f-lab-hemoglobin-value"]"##).await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("#f-lab-hemoglobin-value")
    );

    // 4. Apply, then apply again: refused, and the error takes focus.
    for attempt in 0..2 {
        open_prescreen(c, base).await;
        click(c, r#"input[name="dx-sle.answer"][value="current"]"#).await;
        click(c, "#prescreen-submit").await;
        find(c, "#apply-what-happens").await;
        find(c, r#"#apply-form input[name="name"]"#)
            .await
            .send_keys("Browser Patient")
            .await
            .unwrap();
        find(c, r#"#apply-form input[name="email"]"#)
            .await
            .send_keys(email)
            .await
            .unwrap();
        click(c, r#"#apply-form input[name="consent"]"#).await;
        click(c, "#apply-submit").await;
        if attempt == 0 {
            let next = find(c, "#applied-next").await.text().await.unwrap();
            assert!(next.contains("contact you"), "{next}");
        } else {
            let err = find(c, "#apply-errors").await.text().await.unwrap();
            assert!(err.contains("already applied"), "{err}");
            assert_eq!(
                settled_focus(c, "apply-errors").await,
                "apply-errors",
                "the apply error takes focus"
            );
            let top: f64 = c
                .execute(
                    "return document.getElementById('apply-errors').getBoundingClientRect().top;",
                    vec![],
                )
                .await
                .unwrap()
                .as_f64()
                .unwrap();
            let height: f64 = c
                .execute("return window.innerHeight;", vec![])
                .await
                .unwrap()
                .as_f64()
                .unwrap();
            assert!(
                (0.0..height).contains(&top),
                "the error is on screen ({top} of {height})"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prescreen_journeys_on_desktop_and_phone() {
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
    let hash = eligo_server::auth::hash_password("coordinator password").unwrap();
    live.state
        .store()
        .create_user("coord@example.org", &hash, &[TRIAL.to_string()])
        .await
        .unwrap();
    let (_driver, port) = start_driver(&driver_bin).await;
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_session(port, profile.path(), "1280,1000", &["--hide-scrollbars"]).await;
    let result = tokio::spawn({
        let c = c.clone();
        let base = live.base.clone();
        async move {
            c.set_window_size(1280, 1000).await.unwrap();
            journeys(&c, &base, "desktop", "desk@example.org").await;
            c.set_window_size(390, 844).await.unwrap();
            let width: f64 = c
                .execute("return window.innerWidth;", vec![])
                .await
                .unwrap()
                .as_f64()
                .unwrap();
            assert!(width <= 400.0, "phone width: {width}");
            journeys(&c, &base, "phone", "phone@example.org").await;
            // Nothing is wider than the phone's screen.
            let scroll: f64 = c
                .execute("return document.documentElement.scrollWidth;", vec![])
                .await
                .unwrap()
                .as_f64()
                .unwrap();
            assert!(
                scroll <= width + 1.0,
                "page {scroll} px wide on a {width} px phone"
            );
        }
    })
    .await;
    let _ = c.close().await;
    result.expect("browser journeys");
}
