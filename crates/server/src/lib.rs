//! eligo's web app and HTTP API (`eligo serve`).
//!
//! Server-rendered HTML pages (askama templates in `templates/`, a few lines
//! of plain JavaScript, no build step) and a JSON API under `/api/v1` with its
//! OpenAPI document at `/api/openapi.json` and Swagger UI at `/api/docs`.
//!
//! The server is wiring: the registry comes from the store and the search
//! index, eligibility from the criteria compiler, verdicts from the matcher
//! (behind [`matching`]), patients from the FHIR reader, pre-screen
//! questions and their facts from `eligo-questionnaire`. What is its own:
//! the pages around them, the plain-language summary ([`summary`]), accounts, sessions, CSRF and rate limits ([`auth`],
//! [`ratelimit`]). See `docs/server.md`.

pub mod api;
pub mod apiv2;
pub mod auth;
pub mod background;
pub mod catalog;
pub mod conduct;
mod error;
pub mod find;
mod limits;
pub mod listen;
pub mod matching;
pub mod memory;
mod params;
mod prescreen_pages;
mod prescreen_result;
pub mod ratelimit;
pub mod record;
pub mod registry;
pub mod serving;
mod status_check;
pub mod summary;
mod trial_view;
mod views;
mod web;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::{HeaderValue, Request, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use eligo_search::SearchIndex;
use eligo_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

pub use catalog::Catalog;
pub use error::AppError;

/// Largest request body accepted (larger ones get 413).
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// How the server behaves; [`Settings::default`] is what `eligo serve` uses.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark cookies `Secure` (only sent over HTTPS). Turn off only for
    /// plain-HTTP use on 127.0.0.1 (tests, local trials).
    pub secure_cookies: bool,
    /// Request body limit in bytes.
    pub body_limit: usize,
    /// Failed logins allowed per client IP per minute before 429.
    pub login_failures_per_minute: u32,
    /// Applications accepted per client IP per minute before 429.
    pub applies_per_minute: u32,
    /// Session lifetime.
    pub session_ttl: Duration,
    /// Connections served at once; at the cap, new clients wait in the
    /// kernel's backlog ([`listen`]).
    pub max_connections: usize,
    /// Time a client has to send a request's headers, and the longest a
    /// kept-alive connection may stay idle.
    pub header_timeout: Duration,
    /// Longest pause while a request body is being received.
    pub body_timeout: Duration,
    /// Longest a response write may make no progress (a client that
    /// stopped reading).
    pub write_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            secure_cookies: true,
            body_limit: DEFAULT_BODY_LIMIT,
            login_failures_per_minute: 5,
            applies_per_minute: 10,
            session_ttl: Duration::from_secs(8 * 3600),
            max_connections: 512,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
        }
    }
}

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    store: Store,
    index: SearchIndex,
    catalog: catalog::CatalogCache,
    /// What `/find` keeps of the registry between requests.
    find: find::pool::PoolCache,
    settings: Settings,
    login_limiter: ratelimit::RateLimiter,
    apply_limiter: ratelimit::RateLimiter,
}

impl AppState {
    pub fn new(store: Store, index: SearchIndex, settings: Settings) -> AppState {
        let minute = Duration::from_secs(60);
        AppState(Arc::new(Inner {
            login_limiter: ratelimit::RateLimiter::new(settings.login_failures_per_minute, minute),
            apply_limiter: ratelimit::RateLimiter::new(settings.applies_per_minute, minute),
            store,
            index,
            catalog: catalog::CatalogCache::default(),
            find: find::pool::PoolCache::default(),
            settings,
        }))
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    pub fn index(&self) -> &SearchIndex {
        &self.0.index
    }

    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    pub(crate) fn login_limiter(&self) -> &ratelimit::RateLimiter {
        &self.0.login_limiter
    }

    pub(crate) fn apply_limiter(&self) -> &ratelimit::RateLimiter {
        &self.0.apply_limiter
    }

    /// The registry's match index ([`catalog`]); when the store has changed
    /// since it was built, the next one (and the search index) is brought
    /// up in the background while this one answers.
    pub async fn catalog(&self) -> Result<Arc<Catalog>, AppError> {
        self.0.catalog.get(self).await
    }

    /// What `/find` keeps of the registry between requests.
    pub fn find_pools(&self) -> &find::pool::PoolCache {
        &self.0.find
    }
}

/// The whole application: pages, API, docs, static files, with body limit
/// and timeout, security headers and request tracing (method, route and
/// status only: never query strings, bodies or personal data).
pub fn app(state: AppState) -> Router {
    let limit = state.settings().body_limit;
    let body_timeout = state.settings().body_timeout;
    Router::new()
        .merge(conduct::routes())
        .merge(web::routes())
        .merge(find::handler::routes())
        .merge(api::routes())
        .merge(apiv2::routes())
        .with_state(state)
        .merge(api::docs())
        .layer(middleware::from_fn(security_headers))
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(RequestBodyTimeoutLayer::new(body_timeout))
        // Outside the limit layer, whose own answer to a declared length
        // over the limit is plain text: ours is the documented error.
        .layer(middleware::from_fn_with_state(
            limit,
            limits::declared_length,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let route = req
                        .extensions()
                        .get::<MatchedPath>()
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_else(|| "(unmatched)".to_owned());
                    tracing::info_span!("request", method = %req.method(), route)
                })
                .on_request(())
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO),
                ),
        )
}

async fn security_headers(req: Request<axum::body::Body>, next: Next) -> Response {
    let docs = req.uri().path().starts_with("/api/docs");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !docs {
        // Swagger UI brings its own inline styles; every other page is ours.
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
            ),
        );
    }
    res
}

/// Where and how `eligo serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    /// SQLite file (`--db`/`ELIGO_DB`); `DATABASE_URL` wins, as in the CLI.
    pub db: Option<std::path::PathBuf>,
    pub settings: Settings,
}

/// Open the registry (filling an empty one with the sample) and serve until
/// Ctrl-C.
pub async fn serve(opts: ServeOptions) -> anyhow::Result<()> {
    init_tracing();
    let reg = registry::open(opts.db.as_deref()).await?;
    // For the server's lifetime: an import beside it yields the CPU.
    let _serving = serving::mark(&reg.index_dir)
        .map_err(|e| tracing::warn!("the registry is not marked as served: {e}"))
        .ok();
    let listener = tokio::net::TcpListener::bind(opts.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", opts.addr))?;
    let local = listener.local_addr()?;
    let scheme = if opts.settings.secure_cookies {
        "https (behind a TLS proxy)"
    } else {
        "http"
    };
    eprintln!(
        "eligo: serving the registry {} on http://{local} ({scheme} cookies)",
        reg.store.location()
    );
    let settings = opts.settings.clone();
    memory::tune();
    tokio::spawn(memory::trim_periodically());
    let state = AppState::new(reg.store, reg.index, opts.settings);
    // Build the catalog (compiling what the store has no rules for) before
    // the first request; then follow the store, so that imports by other
    // processes reach the index and the search index within seconds.
    state.catalog().await?;
    let follower = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            let _ = follower.catalog().await;
        }
    });
    listen::run(listener, app(state), &settings, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// Serve `state` on an already bound listener in the background (tests,
/// the load example). The task ends when the runtime does.
pub fn spawn(
    state: AppState,
    listener: tokio::net::TcpListener,
) -> tokio::task::JoinHandle<std::io::Result<()>> {
    tokio::spawn(async move {
        let settings = state.settings().clone();
        listen::run(listener, app(state), &settings, std::future::pending()).await
    })
}

/// Log to stderr at `RUST_LOG` (default `info` for eligo, `warn` otherwise).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("warn,eligo_server=info,tower_http=info")
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
