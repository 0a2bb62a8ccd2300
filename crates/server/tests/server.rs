//! eligo-server's integration tests: every route over HTTP (the router
//! driven with `tower::ServiceExt::oneshot` on a temporary SQLite store
//! filled with the sample registry), authorization, CSRF, rate limits,
//! body limits, slow clients on real sockets, the summary's reading grade, a real browser (headless
//! Chromium through WebDriver) and an OpenAPI fuzz run (schemathesis).

#[path = "server/common.rs"]
mod common;

#[path = "server/api.rs"]
mod api;
#[path = "server/apiv2.rs"]
mod apiv2;
#[path = "server/apiv2_clients.rs"]
mod apiv2_clients;
#[path = "server/auth.rs"]
mod auth;
#[path = "server/browser.rs"]
mod browser;
#[path = "server/browser_conduct.rs"]
mod browser_conduct;
#[path = "server/browser_find.rs"]
mod browser_find;
#[path = "server/browser_prescreen.rs"]
mod browser_prescreen;
#[path = "server/catalog.rs"]
mod catalog;
#[path = "server/conduct.rs"]
mod conduct;
#[path = "server/conn.rs"]
mod conn;
#[path = "server/find.rs"]
mod find;
#[path = "server/pages.rs"]
mod pages;
#[path = "server/prescreen.rs"]
mod prescreen;
#[path = "server/prescreen_words.rs"]
mod prescreen_words;
#[path = "server/schemathesis.rs"]
mod schemathesis;
#[path = "server/seeds.rs"]
mod seeds;
#[path = "server/summary.rs"]
mod summary;
