//! API v2 pages (issue 18): the pages a client of `/api/v2/studies` makes,
//! 100 studies each, following `nextPageToken` from the first page: the
//! default order deep into the registry, the sorts people ask for, text
//! queries and a status filter, a field selection and CSV. Each page is
//! timed from the request to its last byte; each workload checks that no
//! study comes twice.

use super::http::{Http, encode};
use super::stats::{Latency, summarize};
use anyhow::Result;
use serde::Serialize;
use std::collections::HashSet;
use std::fmt::Write;

/// Studies per page, as in the issue's target.
pub const PAGE_SIZE: usize = 100;

/// (label, query string, pages at most per round).
pub const WORKLOADS: &[(&str, &str, usize)] = &[
    ("default order, deep paging", "", 40),
    (
        "sort=LastUpdatePostDate:desc",
        "sort=LastUpdatePostDate:desc",
        10,
    ),
    ("sort=EnrollmentCount", "sort=EnrollmentCount", 10),
    ("sort=StartDate", "sort=StartDate", 10),
    ("query.term=lupus", "query.term=lupus", 10),
    ("query.term=randomized", "query.term=randomized", 5),
    ("query.cond=breast cancer", "query.cond=breast%20cancer", 10),
    (
        "filter.overallStatus=RECRUITING",
        "filter.overallStatus=RECRUITING",
        10,
    ),
    ("fields=NCTId|BriefTitle", "fields=NCTId%7CBriefTitle", 20),
    ("format=csv", "format=csv", 10),
];

#[derive(Debug, Default, Serialize)]
pub struct Apiv2Report {
    pub page_size: usize,
    pub rounds: usize,
    /// Every page of every workload.
    pub all: Latency,
    pub workloads: Vec<Apiv2Row>,
}

#[derive(Debug, Default, Serialize)]
pub struct Apiv2Row {
    pub label: String,
    /// `totalCount` of the first page.
    pub total: Option<u64>,
    pub pages: usize,
    pub latency: Latency,
    /// A study came twice, or a page failed.
    pub problem: Option<String>,
}

/// The id of each study of a page, and the next page's token.
fn read_page(body: &[u8], csv: bool, token_header: Option<&str>) -> (Vec<String>, Option<String>) {
    if csv {
        let text = String::from_utf8_lossy(body);
        let ids = text
            .lines()
            .filter_map(|l| l.split(',').next())
            .filter(|c| {
                c.strip_prefix("NCT")
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
                    || c.starts_with("ELIGO-")
            })
            .map(str::to_string)
            .collect();
        return (ids, token_header.map(str::to_string));
    }
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let ids = v["studies"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    s.pointer("/protocolSection/identificationModule/nctId")
                        .or_else(|| s.pointer("/eligo/id"))
                        .and_then(|x| x.as_str())
                        .unwrap_or_default()
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default();
    let next = v["nextPageToken"].as_str().map(str::to_string);
    (ids, next)
}

/// Page through every workload `rounds` times (after a warm-up round).
pub async fn measure(http: &Http, rounds: usize) -> Result<Apiv2Report> {
    let mut out = Apiv2Report {
        page_size: PAGE_SIZE,
        rounds,
        ..Apiv2Report::default()
    };
    let mut every = Vec::new();
    for (label, query, max_pages) in WORKLOADS {
        let csv = query.contains("format=csv");
        let mut row = Apiv2Row {
            label: label.to_string(),
            ..Apiv2Row::default()
        };
        let mut samples = Vec::new();
        for round in 0..=rounds {
            let mut seen = HashSet::new();
            let mut token: Option<String> = None;
            for page in 0..*max_pages {
                let mut path = format!("/api/v2/studies?pageSize={PAGE_SIZE}");
                if !query.is_empty() {
                    path.push('&');
                    path.push_str(query);
                }
                match &token {
                    Some(t) => path.push_str(&format!("&pageToken={}", encode(t))),
                    None => path.push_str("&countTotal=true"),
                }
                let ans = http.get(&path).await?;
                if ans.status != 200 {
                    row.problem = Some(format!("page {page} answered {}", ans.status));
                    break;
                }
                if round > 0 {
                    samples.push(ans.seconds);
                }
                if page == 0 {
                    row.total = if csv {
                        ans.headers
                            .get("x-total-count")
                            .and_then(|v| v.to_str().ok()?.parse().ok())
                    } else {
                        serde_json::from_slice::<serde_json::Value>(&ans.body)
                            .ok()
                            .and_then(|v| v["totalCount"].as_u64())
                    };
                }
                let header = ans
                    .headers
                    .get("x-next-page-token")
                    .and_then(|v| v.to_str().ok());
                let (ids, next) = read_page(&ans.body, csv, header);
                for id in ids {
                    if !seen.insert(id.clone()) {
                        row.problem = Some(format!("{id} came twice"));
                    }
                }
                match next {
                    Some(t) => token = Some(t),
                    None => break,
                }
            }
        }
        row.pages = samples.len();
        row.latency = summarize(&samples);
        every.extend(samples);
        out.workloads.push(row);
    }
    out.all = summarize(&every);
    Ok(out)
}

/// `eligo-bench pages`: the search queries and these pages against a
/// server that already runs on `port` (nothing is written to it), as
/// Markdown: to compare two builds on one registry in the same conditions.
pub fn against(port: u16, rounds: usize) -> Result<String> {
    against_with(port, rounds, true)
}

/// `eligo-bench search`: the search queries alone against a running
/// server, as Markdown.
pub fn search_against(port: u16, rounds: usize) -> Result<String> {
    against_with(port, rounds, false)
}

fn against_with(port: u16, rounds: usize, pages: bool) -> Result<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let http = Http::new(port, std::time::Duration::from_secs(600));
        let load_start = super::machine::load_avg();
        let (rows, search) =
            super::serve::search_queries(&http, rounds, |m| eprintln!("NOTE: {m}")).await?;
        let pages = if pages {
            Some(measure(&http, rounds).await?)
        } else {
            None
        };
        let load_end = super::machine::load_avg();
        let mut o = format!(
            "load average {load_start:?} at start, {load_end:?} at end\n\n`GET /api/v1/search` ({} queries × {rounds} rounds): p50 / p95 / p99 {:.2} / {:.2} / {:.2} ms\n\n| query | filter | hits | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|\n",
            rows.len(),
            search.p50_ms,
            search.p95_ms,
            search.p99_ms
        );
        for q in &rows {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {:.2} | {:.2} | {:.2} |",
                q.query,
                q.status.as_deref().unwrap_or(""),
                q.eligo_total.map_or("–".into(), |n| n.to_string()),
                q.eligo.p50_ms,
                q.eligo.p95_ms,
                q.eligo.p99_ms
            );
        }
        if let Some(pages) = &pages {
            markdown(&mut o, pages);
        }
        Ok(o)
    })
}

/// The Markdown lines of the report: one summary row for the main table,
/// then a table by workload.
pub fn markdown(o: &mut String, a: &Apiv2Report) {
    let _ = writeln!(
        o,
        "\nAPI v2 pages (`GET /api/v2/studies`, pageSize {}, following nextPageToken; {} rounds after a warm-up): p50 / p95 / p99 {:.2} / {:.2} / {:.2} ms over {} pages\n",
        a.page_size, a.rounds, a.all.p50_ms, a.all.p95_ms, a.all.p99_ms, a.all.n
    );
    let _ = writeln!(
        o,
        "| workload | totalCount | pages | p50 ms | p95 ms | max ms | problem |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|---|---|");
    for w in &a.workloads {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {:.2} | {:.2} | {:.2} | {} |",
            w.label,
            w.total.map_or("–".to_string(), |t| t.to_string()),
            w.pages,
            w.latency.p50_ms,
            w.latency.p95_ms,
            w.latency.max_ms,
            w.problem.as_deref().unwrap_or("")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ids_and_tokens_of_json_and_csv_pages() {
        let json = br#"{"totalCount":3,"studies":[{"protocolSection":{"identificationModule":{"nctId":"NCT00000001"}}},{"eligo":{"id":"ELIGO-0A1B2C3D4E5F"}}],"nextPageToken":"abc"}"#;
        assert_eq!(
            read_page(json, false, None),
            (
                vec!["NCT00000001".to_string(), "ELIGO-0A1B2C3D4E5F".to_string()],
                Some("abc".to_string())
            )
        );
        let csv = b"NCT Number,Study Title\nNCT00000002,\"A, b\"\n";
        assert_eq!(
            read_page(csv, true, Some("t")),
            (vec!["NCT00000002".to_string()], Some("t".to_string()))
        );
    }
}
