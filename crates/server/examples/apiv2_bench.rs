//! API v2 paging and search at registry scale (127.0.0.1 only; not part of
//! the test suite).
//!
//! ```sh
//! cargo run --release -p eligo-server --example apiv2_bench [-- HTTP_SIZE [INDEX_SIZE]]
//! ```
//!
//! 1. End to end over HTTP: a temporary SQLite store and its index filled
//!    with HTTP_SIZE synthetic studies (default 100,000: the search
//!    benchmark's generator, each with a record the size of a real one),
//!    served in-process; pages of 100 through every result of each
//!    workload, one request at a time, checking that each study comes once
//!    and the count is right; p50/p95/p99/max per page.
//! 2. The index alone at INDEX_SIZE studies (default 500,000): the same
//!    workloads through `SearchIndex::page`, which is the part of a page
//!    whose cost grows with the registry (fetching 100 records by key and
//!    writing them out does not).

#[path = "../../search/benches/common/synth.rs"]
mod synth;

use eligo_search::page::{Direction, Near, PageRequest, SortBy, SortKey};
use eligo_search::pieces::{KeyPiece, NumPiece, TextPiece};
use eligo_search::query::Expr;
use eligo_search::{IndexState, SearchIndex};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const PAGE: usize = 100;

/// (label, query string) of the HTTP workloads.
const WORKLOADS: &[(&str, &str)] = &[
    ("every study, default order", ""),
    ("every study, StartDate desc", "sort=StartDate"),
    ("query.cond=lupus", "query.cond=lupus"),
    (
        "query.term=CAR-T refractory",
        "query.term=CAR-T%20refractory",
    ),
    (
        "filter.advanced phase 2, started 2020+",
        "filter.advanced=AREA[Phase]PHASE2%20AND%20AREA[StartDate]RANGE[2020,MAX]",
    ),
    (
        "filter.geo 50mi of Nanjing",
        "filter.geo=distance(32.0617,118.7778,50mi)",
    ),
    (
        "cond=lupus, recruiting, EnrollmentCount",
        "query.cond=lupus&aggFilters=status:rec&sort=EnrollmentCount:desc",
    ),
];

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn report(label: &str, mut lat: Vec<Duration>, studies: usize) {
    lat.sort();
    println!(
        "{label:<42} {:>6} {:>8} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
        lat.len(),
        studies,
        pct(&lat, 0.50),
        pct(&lat, 0.95),
        pct(&lat, 0.99),
        lat.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    );
}

fn header(what: &str) {
    println!("\n{what}");
    println!(
        "{:<42} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "workload (pageSize 100)", "pages", "studies", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
}

/// A record of realistic size for synthetic trial `t`: its template's
/// record as imported, with the trial's id and title.
fn raw_for(templates: &[serde_json::Value], i: u64, t: &eligo_model::Trial) -> serde_json::Value {
    let mut v = templates[(i % templates.len() as u64) as usize].clone();
    if let Some(id) = v.pointer_mut("/protocolSection/identificationModule") {
        id["nctId"] = serde_json::json!(t.id);
        id["briefTitle"] = serde_json::json!(t.brief_title);
    }
    v
}

async fn http_run(size: u64) -> anyhow::Result<()> {
    let sample = eligo_ctgov::sample_registry();
    let synth = synth::Synth::new(sample.iter().map(|r| r.trial.clone()).collect());
    let raws: Vec<serde_json::Value> = sample.iter().map(|r| r.raw.clone()).collect();
    let dir = tempfile::tempdir()?;
    let store = eligo_store::Store::open_sqlite(dir.path().join("eligo.db")).await?;
    let started = Instant::now();
    let mut i = 0u64;
    while i < size {
        let batch: Vec<_> = (i..(i + 2000).min(size))
            .map(|k| {
                let t = synth.trial(k);
                let raw = raw_for(&raws, k, &t);
                (t, raw)
            })
            .collect();
        store.upsert_batch(&batch).await?;
        i += batch.len() as u64;
    }
    println!(
        "store: {size} studies in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let index_dir = dir.path().join("eligo.db-index");
    let index = SearchIndex::open(&index_dir)?;
    let started = Instant::now();
    let r = eligo_search::sync(&index, &store, |_| {}).await?;
    println!(
        "index: {} studies in {:.1} s",
        r.indexed,
        started.elapsed().as_secs_f64()
    );
    let state = eligo_server::AppState::new(
        store,
        index,
        eligo_server::Settings {
            secure_cookies: false,
            ..Default::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = eligo_server::spawn(state, listener);
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    // The time of a page is from the request to its last byte; reading the
    // JSON is the client's work and is not counted.
    let get = |url: String| {
        let client = client.clone();
        async move {
            let t = Instant::now();
            let req = hyper::Request::get(url).body(Full::new(Bytes::new()))?;
            let res = client.request(req).await?;
            let status = res.status();
            let body = res.into_body().collect().await?.to_bytes();
            let took = t.elapsed();
            anyhow::ensure!(
                status.is_success(),
                "{status}: {}",
                String::from_utf8_lossy(&body)
            );
            Ok::<(Duration, serde_json::Value), anyhow::Error>((
                took,
                serde_json::from_slice(&body)?,
            ))
        }
    };
    header(&format!("HTTP, {size} studies in the registry"));
    for (label, query) in WORKLOADS {
        let mut lat = Vec::new();
        let mut seen = HashSet::new();
        let mut url = format!("{base}/api/v2/studies?pageSize={PAGE}&countTotal=true&{query}");
        let mut total = None;
        loop {
            let (took, j) = get(url.clone()).await?;
            lat.push(took);
            if total.is_none() {
                total = j["totalCount"].as_u64();
            }
            for s in j["studies"].as_array().into_iter().flatten() {
                let id = s
                    .pointer("/protocolSection/identificationModule/nctId")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
                anyhow::ensure!(seen.insert(id.clone()), "{label}: {id} came twice");
            }
            match j["nextPageToken"].as_str() {
                Some(tok) => {
                    url = format!("{base}/api/v2/studies?pageSize={PAGE}&{query}&pageToken={tok}")
                }
                None => break,
            }
        }
        anyhow::ensure!(
            total == Some(seen.len() as u64),
            "{label}: totalCount {total:?}, {} studies paged",
            seen.len()
        );
        report(label, lat, seen.len());
    }
    server.abort();
    Ok(())
}

fn index_run(size: u64) -> anyhow::Result<()> {
    let sample = eligo_ctgov::sample_registry();
    let synth = synth::Synth::new(sample.into_iter().map(|r| r.trial).collect());
    // APIV2_BENCH_INDEX=DIR keeps the index in DIR, and reuses one of the
    // same size found there (to compare two builds on one index).
    let tmp = tempfile::tempdir()?;
    let dir = std::env::var_os("APIV2_BENCH_INDEX")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    let idx = SearchIndex::open(&dir)?;
    if idx.num_docs() == size {
        println!("\nindex: {size} studies, reused");
    } else {
        let started = Instant::now();
        let mut up = idx.updater()?;
        up.clear()?;
        for i in 0..size {
            up.upsert(&synth.trial(i))?;
        }
        up.commit(&IndexState {
            schema_version: eligo_search::schema::SCHEMA_VERSION,
            store_id: "bench".into(),
            generation: 1,
        })?;
        println!(
            "\nindex: {size} studies in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let text = |t: &str, pieces: &[(TextPiece, f32)]| Expr::Text {
        pieces: pieces.to_vec(),
        text: t.into(),
        phrase: false,
    };
    let cond = [
        (TextPiece::Condition, 0.95),
        (TextPiece::BriefTitle, 0.6),
        (TextPiece::OfficialTitle, 0.6),
        (TextPiece::Keyword, 0.6),
    ];
    let plain = |query: Expr, filter: Expr, sort: Vec<SortKey>, near: Option<Near>| PageRequest {
        query,
        filter,
        near,
        sort,
        after: None,
        limit: PAGE,
    };
    let workloads: Vec<(&str, PageRequest)> = vec![
        (
            "every study, default order",
            plain(Expr::All, Expr::All, vec![], None),
        ),
        (
            "every study, StartDate desc",
            plain(
                Expr::All,
                Expr::All,
                vec![SortKey {
                    by: SortBy::Piece(NumPiece::StartDate),
                    direction: Direction::Desc,
                }],
                None,
            ),
        ),
        (
            "every study, LastUpdatePostDate desc",
            plain(
                Expr::All,
                Expr::All,
                vec![SortKey {
                    by: SortBy::Piece(NumPiece::LastUpdatePostDate),
                    direction: Direction::Desc,
                }],
                None,
            ),
        ),
        (
            "every study, EnrollmentCount",
            plain(
                Expr::All,
                Expr::All,
                vec![SortKey {
                    by: SortBy::Piece(NumPiece::EnrollmentCount),
                    direction: Direction::Asc,
                }],
                None,
            ),
        ),
        (
            "query.cond=lupus",
            plain(text("lupus", &cond), Expr::All, vec![], None),
        ),
        (
            "query.cond=cancer, StartDate desc",
            plain(
                text("cancer", &cond),
                Expr::All,
                vec![SortKey {
                    by: SortBy::Piece(NumPiece::StartDate),
                    direction: Direction::Desc,
                }],
                None,
            ),
        ),
        (
            "filter.advanced phase 2, started 2020+",
            plain(
                Expr::All,
                Expr::and([
                    Expr::Key {
                        piece: KeyPiece::Phase,
                        value: "PHASE2".into(),
                    },
                    Expr::Range {
                        piece: NumPiece::StartDate,
                        lo: std::ops::Bound::Included(eligo_search::pieces::days_from_civil(
                            2020, 1, 1,
                        )),
                        hi: std::ops::Bound::Unbounded,
                    },
                ]),
                vec![],
                None,
            ),
        ),
        (
            "filter.geo 50mi of Nanjing",
            plain(
                Expr::All,
                Expr::All,
                vec![],
                Some(Near {
                    center: eligo_geo::Point::new(32.0617, 118.7778)?,
                    radius: "50mi".parse()?,
                }),
            ),
        ),
    ];
    header(&format!(
        "SearchIndex::page alone, {size} studies in the index"
    ));
    for (label, mut req) in workloads {
        let mut lat = Vec::new();
        let mut seen = HashSet::new();
        let mut total = 0;
        loop {
            let t = Instant::now();
            let page = idx.page(&req)?;
            lat.push(t.elapsed());
            if req.after.is_none() {
                total = page.total;
            }
            for id in page.ids {
                anyhow::ensure!(seen.insert(id.clone()), "{label}: {id} came twice");
            }
            match page.next {
                Some(c) => req.after = Some(c),
                None => break,
            }
        }
        anyhow::ensure!(
            total == seen.len() as u64,
            "{label}: count {total} vs {}",
            seen.len()
        );
        report(label, lat, seen.len());
    }
    // The search API's queries (`/api/v1/search` less HTTP) on the same
    // index: the frequent words are the slow ones.
    println!("\nSearchIndex::search, {size} studies: query, hits, p50 ms, p95 ms (10 rounds)");
    for q in [
        "lupus",
        "breast cancer",
        "heart failure",
        "cancer",
        "pain",
        "placebo",
        "randomized",
    ] {
        let req = eligo_search::query::SearchRequest::new(q);
        let mut lat = Vec::new();
        let mut hits = 0;
        for round in 0..11 {
            let t = Instant::now();
            let r = idx.search(&req)?;
            if round > 0 {
                lat.push(t.elapsed());
            }
            hits = r.total;
        }
        lat.sort();
        println!(
            "{q:<42} {hits:>8} {:>8.2} {:>8.2}",
            pct(&lat, 0.50),
            pct(&lat, 0.95)
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let http_size: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let index_size: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(500_000);
    if http_size > 0 {
        http_run(http_size).await?;
    }
    if index_size > 0 {
        index_run(index_size)?;
    }
    Ok(())
}
