//! A bounded load test against 127.0.0.1 only: the trial page, search and
//! the match API at 50 concurrent connections; reports p50/p95/p99 latency
//! and errors per endpoint.
//!
//! ```sh
//! cargo run --release -p eligo-server --example load [-- REQUESTS [SECONDS]]
//! ```
//!
//! It starts its own server on a temporary registry (the embedded sample)
//! and stops after REQUESTS requests (default 6000) or SECONDS seconds
//! (default 60), whichever comes first. Not part of the test suite.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const CONCURRENCY: usize = 50;

const BUNDLE: &str = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
  {"fullUrl": "urn:uuid:p1", "resource": {"resourceType": "Patient", "id": "p1", "birthDate": "1990-06-15", "gender": "female"}},
  {"resource": {"resourceType": "Condition", "id": "c1",
    "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "55464009"}]},
    "subject": {"reference": "urn:uuid:p1"}, "onsetDateTime": "2018-03-01"}},
  {"resource": {"resourceType": "Observation", "id": "o1", "status": "final",
    "code": {"coding": [{"system": "http://eligo.dev/score", "code": "sledai-2k"}]},
    "subject": {"reference": "urn:uuid:p1"}, "effectiveDateTime": "2026-02-20", "valueInteger": 9}}]}"#;

#[derive(Clone, Copy)]
enum Kind {
    Trial,
    Search,
    Match,
}

const KINDS: [(Kind, &str); 3] = [
    (Kind::Trial, "GET /trials/{id}"),
    (Kind::Search, "GET /search?q=..."),
    (Kind::Match, "POST /api/v1/match"),
];

const TRIALS: [&str; 4] = [
    "NCT06946485",
    "NCT07331467",
    "NCT07031713",
    "ELIGO-7DC38438B394",
];
const QUERIES: [&str; 4] = ["CAR-T+lupus", "CD19", "lupus+nephritis", "melanoma"];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let total: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(6000);
    let seconds: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(60);

    let dir = tempfile::tempdir()?;
    let db = dir.path().join("eligo.db");
    let reg = eligo_server::registry::open_at(
        &eligo_store::Location::Sqlite(db),
        &dir.path().join("eligo.db-index"),
    )
    .await?;
    let state = eligo_server::AppState::new(
        reg.store,
        reg.index,
        eligo_server::Settings {
            secure_cookies: false,
            ..Default::default()
        },
    );
    state.catalog().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = eligo_server::spawn(state, listener);
    let base = format!("http://{addr}");
    println!(
        "eligo load test: {total} requests at most, {seconds} s at most, {CONCURRENCY} connections, against {base}"
    );

    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(CONCURRENCY)
        .build(http);
    let next = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let client = client.clone();
        let next = next.clone();
        let base = base.clone();
        workers.push(tokio::spawn(async move {
            let mut samples: Vec<(usize, Duration, bool)> = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total || Instant::now() >= deadline {
                    break;
                }
                let k = i % KINDS.len();
                let req = match KINDS[k].0 {
                    Kind::Trial => {
                        hyper::Request::get(format!("{base}/trials/{}", TRIALS[i % TRIALS.len()]))
                            .body(Full::new(Bytes::new()))
                    }
                    Kind::Search => hyper::Request::get(format!(
                        "{base}/search?q={}",
                        QUERIES[i % QUERIES.len()]
                    ))
                    .body(Full::new(Bytes::new())),
                    Kind::Match => {
                        hyper::Request::post(format!("{base}/api/v1/match?as_of=2026-03-01"))
                            .header("content-type", "application/json")
                            .body(Full::new(Bytes::from_static(BUNDLE.as_bytes())))
                    }
                };
                let Ok(req) = req else {
                    samples.push((k, Duration::ZERO, false));
                    continue;
                };
                let t = Instant::now();
                let ok = match tokio::time::timeout(Duration::from_secs(30), client.request(req))
                    .await
                {
                    Ok(Ok(res)) => {
                        let status = res.status();
                        let body = res.into_body().collect().await;
                        status.is_success() && body.is_ok()
                    }
                    _ => false,
                };
                samples.push((k, t.elapsed(), ok));
            }
            samples
        }));
    }
    let mut all: Vec<(usize, Duration, bool)> = Vec::new();
    for w in workers {
        all.extend(w.await?);
    }
    let wall = started.elapsed();
    server.abort();

    println!(
        "{} requests in {:.1} s ({:.0} req/s)",
        all.len(),
        wall.as_secs_f64(),
        all.len() as f64 / wall.as_secs_f64()
    );
    println!(
        "{:<22} {:>7} {:>7} {:>9} {:>9} {:>9} {:>9}",
        "endpoint", "count", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    for (k, (_, label)) in KINDS.iter().enumerate() {
        let mut lat: Vec<Duration> = all.iter().filter(|s| s.0 == k).map(|s| s.1).collect();
        let errors = all.iter().filter(|s| s.0 == k && !s.2).count();
        lat.sort();
        let pct = |p: f64| -> f64 {
            if lat.is_empty() {
                return 0.0;
            }
            let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1;
            lat[i].as_secs_f64() * 1000.0
        };
        println!(
            "{label:<22} {:>7} {errors:>7} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            lat.len(),
            pct(0.50),
            pct(0.95),
            pct(0.99),
            lat.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        );
    }
    let errors = all.iter().filter(|s| !s.2).count();
    println!("errors: {errors}");
    Ok(())
}
