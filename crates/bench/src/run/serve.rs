//! The server phase: `eligo serve` measured from outside (memory, the
//! first requests, 1,000 matches, all=true, search) and the same searches
//! on SQLite FTS5.

use super::child::Running;
use super::http::{Http, encode};
use super::report::{PatientRow, QueryRow, Report};
use super::{Ctx, Patient, QUERIES, fts, reload, stats};
use crate::generate::Generator;
use anyhow::{Result, bail};
use std::time::{Duration, Instant};

pub(super) fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

pub(super) async fn wait_listening(ctx: &Ctx, srv: &Running, port: u16) -> Result<f64> {
    let until = Instant::now() + Duration::from_secs(ctx.args.start_timeout);
    loop {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(srv.elapsed());
        }
        if let Some(u) = srv.try_wait()? {
            bail!(
                "eligo serve exited with {:?} before listening: {}",
                u.exit_code,
                ctx.log_tail("serve", 3)
            );
        }
        if Instant::now() > until {
            bail!(
                "eligo serve did not listen within {} s",
                ctx.args.start_timeout
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(super) fn json_u64(body: &[u8], key: &str) -> Option<u64> {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()?
        .get(key)?
        .as_u64()
}

pub(super) fn json_len(body: &[u8], key: &str) -> Option<usize> {
    Some(
        serde_json::from_slice::<serde_json::Value>(body)
            .ok()?
            .get(key)?
            .as_array()?
            .len(),
    )
}

pub(super) fn search_path(q: &str, status: Option<&str>) -> String {
    let mut p = format!("/api/v1/search?q={}", encode(q));
    if let Some(s) = status {
        p.push_str(&format!("&status={s}"));
    }
    p
}

pub(super) fn match_path(p: &Patient, all: bool) -> String {
    format!(
        "/api/v1/match?as_of={}{}",
        p.as_of,
        if all { "&all=true" } else { "" }
    )
}

pub(super) async fn serve_phase(
    ctx: &mut Ctx,
    r: &mut Report,
    g: &Generator,
    patients: &[Patient],
    fts: Option<&mut sqlx::SqliteConnection>,
) -> Result<()> {
    let port = free_port()?;
    let addr = format!("127.0.0.1:{port}");
    ctx.say(format!("eligo serve --addr {addr}"));
    let srv = Running::spawn_guarded(
        &mut ctx.eligo(&["serve", "--addr", &addr], "serve")?,
        &ctx.guard(),
    )?;
    let result = serve_measure(ctx, r, g, patients, fts, &srv, port).await;
    let result = match (result, srv.killed_by_guard()) {
        (Err(e), Some(why)) => Err(e.context(format!("eligo serve {why}"))),
        (res, _) => res,
    };
    r.serve.peak_rss_mb_proc = srv.hwm_mb();
    let u = srv.terminate(Duration::from_secs(15))?;
    ctx.say(format!("server stopped: peak RSS {:.0} MB", u.peak_rss_mb));
    r.serve.usage = Some(u);
    result
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn serve_measure(
    ctx: &mut Ctx,
    r: &mut Report,
    g: &Generator,
    patients: &[Patient],
    fts: Option<&mut sqlx::SqliteConnection>,
    srv: &Running,
    port: u16,
) -> Result<()> {
    let a = ctx.args.clone();
    let http = Http::new(port, Duration::from_secs(a.request_timeout));
    let s = &mut r.serve;
    s.listening_s = Some(wait_listening(ctx, srv, port).await?);
    s.rss_at_listen_mb = srv.rss_mb();
    ctx.say(format!(
        "listening after {:.1} s, RSS {:.0} MB",
        s.listening_s.unwrap_or_default(),
        s.rss_at_listen_mb.unwrap_or_default()
    ));
    tokio::time::sleep(Duration::from_secs(3)).await;
    s.rss_idle_mb = srv.rss_mb();

    let first = http.get(&search_path("lupus", None)).await?;
    s.first_search_ms = Some(first.seconds * 1e3);
    if first.status != 200 {
        ctx.note(format!("first search answered {}", first.status));
    }
    let p0 = &patients[0];
    let first = http
        .post_json(&match_path(p0, false), p0.body.clone())
        .await?;
    let s = &mut r.serve;
    s.first_match_ms = Some(first.seconds * 1e3);
    s.rss_after_first_match_mb = srv.rss_mb();
    ctx.say(format!(
        "first match {:.0} ms (status {}), RSS {:.0} MB",
        first.seconds * 1e3,
        first.status,
        r.serve.rss_after_first_match_mb.unwrap_or_default()
    ));
    if first.status != 200 {
        ctx.note(format!(
            "first match answered {}: {}",
            first.status,
            String::from_utf8_lossy(&first.body[..first.body.len().min(300)])
        ));
    }

    // 1,000 matches, round-robin over the patients.
    ctx.say(format!(
        "{} matches over {} patients",
        a.matches,
        patients.len()
    ));
    let mut per: Vec<Vec<f64>> = vec![Vec::new(); patients.len()];
    let mut returned: Vec<Option<usize>> = vec![None; patients.len()];
    let mut errors = 0usize;
    for k in 0..a.matches {
        let i = k % patients.len();
        let p = &patients[i];
        match http.post_json(&match_path(p, false), p.body.clone()).await {
            Ok(ans) if ans.status == 200 => {
                per[i].push(ans.seconds);
                if returned[i].is_none() {
                    returned[i] = json_len(&ans.body, "matches");
                }
            }
            Ok(ans) => {
                errors += 1;
                if errors <= 3 {
                    ctx.note(format!("match {} answered {}", p.file, ans.status));
                }
            }
            Err(e) => {
                errors += 1;
                if errors <= 3 {
                    ctx.note(format!("match {}: {e:#}", p.file));
                }
            }
        }
        if let Some(why) = srv.killed_by_guard() {
            bail!("eligo serve {why} after {k} matches");
        }
        if (k + 1) % 100 == 0 {
            let rss = srv.rss_mb().unwrap_or_default();
            r.serve.rss_series.push((k + 1, rss));
            if (k + 1) % 500 == 0 {
                ctx.say(format!("{} matches, RSS {rss:.0} MB", k + 1));
            }
        }
    }
    r.serve.rss_after_matches_mb = srv.rss_mb();
    let all: Vec<f64> = per.iter().flatten().copied().collect();
    r.matching.default_set = stats::summarize(&all);
    r.matching.errors = errors;

    // The all=true variant.
    let mut per_all: Vec<Vec<f64>> = vec![Vec::new(); patients.len()];
    let mut returned_all: Vec<Option<usize>> = vec![None; patients.len()];
    if a.all_rounds > 0 {
        ctx.say(format!("{} rounds of all=true matches", a.all_rounds));
    }
    for _ in 0..a.all_rounds {
        for (i, p) in patients.iter().enumerate() {
            match http.post_json(&match_path(p, true), p.body.clone()).await {
                Ok(ans) if ans.status == 200 => {
                    per_all[i].push(ans.seconds);
                    returned_all[i] = json_len(&ans.body, "matches");
                }
                Ok(ans) => ctx.note(format!("all=true match {} answered {}", p.file, ans.status)),
                Err(e) => ctx.note(format!("all=true match {}: {e:#}", p.file)),
            }
        }
    }
    let flat: Vec<f64> = per_all.iter().flatten().copied().collect();
    r.matching.all = stats::summarize(&flat);
    r.serve.rss_after_all_mb = srv.rss_mb();
    r.matching.per_patient = patients
        .iter()
        .enumerate()
        .map(|(i, p)| PatientRow {
            file: p.file.clone(),
            as_of: p.as_of.clone(),
            matches_returned: returned[i],
            default_set: stats::summarize(&per[i]),
            all: stats::summarize(&per_all[i]),
            all_matches_returned: returned_all[i],
        })
        .collect();
    ctx.say(format!(
        "match p50 {:.1} ms p95 {:.1} ms p99 {:.1} ms; all=true p50 {:.0} ms p95 {:.0} ms",
        r.matching.default_set.p50_ms,
        r.matching.default_set.p95_ms,
        r.matching.default_set.p99_ms,
        r.matching.all.p50_ms,
        r.matching.all.p95_ms
    ));

    // Search: one warm-up round, then the measured rounds.
    ctx.say(format!(
        "search: {} queries × {} rounds",
        QUERIES.len(),
        a.search_rounds
    ));
    let (rows, latency) = search_queries(&http, a.search_rounds, |m| ctx.note(m)).await?;
    r.search.eligo = latency;
    r.search.queries = rows;
    ctx.say(format!(
        "search p50 {:.2} ms p95 {:.2} ms",
        r.search.eligo.p50_ms, r.search.eligo.p95_ms
    ));
    if let Some(c) = fts {
        fts_queries(ctx, r, c).await?;
    }

    // API v2 pages.
    ctx.say(format!(
        "API v2 pages: {} workloads × {} rounds",
        super::apiv2::WORKLOADS.len(),
        a.search_rounds
    ));
    let pages = super::apiv2::measure(&http, a.search_rounds).await?;
    ctx.say(format!(
        "API v2 page p50 {:.2} ms p95 {:.2} ms",
        pages.all.p50_ms, pages.all.p95_ms
    ));
    r.apiv2 = Some(pages);

    // Reload cycles.
    reload::reloads(ctx, r, g, patients, srv, &http).await?;
    r.serve.rss_after_reloads_mb = srv.rss_mb();
    Ok(())
}

/// The search queries over HTTP: one warm-up round (which gives each
/// query's total), then `rounds` measured ones; the rows and the latency
/// over all of them.
pub async fn search_queries(
    http: &Http,
    rounds: usize,
    mut note: impl FnMut(String),
) -> Result<(Vec<QueryRow>, stats::Latency)> {
    let mut rows: Vec<QueryRow> = Vec::new();
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); QUERIES.len()];
    for round in 0..=rounds {
        for (k, (q, st)) in QUERIES.iter().enumerate() {
            let ans = http.get(&search_path(q, *st)).await?;
            if ans.status != 200 {
                note(format!("search {q:?} answered {}", ans.status));
                continue;
            }
            if round == 0 {
                rows.push(QueryRow {
                    query: q.to_string(),
                    status: st.map(str::to_string),
                    eligo_total: json_u64(&ans.body, "total"),
                    ..QueryRow::default()
                });
            } else {
                samples[k].push(ans.seconds);
            }
        }
    }
    for (row, s) in rows.iter_mut().zip(&samples) {
        row.eligo = stats::summarize(s);
    }
    let flat: Vec<f64> = samples.iter().flatten().copied().collect();
    Ok((rows, stats::summarize(&flat)))
}

pub(super) async fn fts_queries(
    ctx: &mut Ctx,
    r: &mut Report,
    c: &mut sqlx::SqliteConnection,
) -> Result<()> {
    let rounds = ctx.args.search_rounds;
    ctx.say(format!("FTS5: {} queries × {rounds} rounds", QUERIES.len()));
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); QUERIES.len()];
    let mut totals = vec![0u64; QUERIES.len()];
    for round in 0..=rounds {
        for (k, (q, st)) in QUERIES.iter().enumerate() {
            let (total, secs) = fts::search(c, q, *st).await?;
            if round == 0 {
                totals[k] = total;
            } else {
                samples[k].push(secs);
            }
        }
    }
    if r.search.queries.len() != QUERIES.len() {
        r.search.queries = QUERIES
            .iter()
            .map(|(q, st)| QueryRow {
                query: q.to_string(),
                status: st.map(str::to_string),
                ..QueryRow::default()
            })
            .collect();
    }
    for (k, row) in r.search.queries.iter_mut().enumerate() {
        row.fts_total = Some(totals[k]);
        row.fts = Some(stats::summarize(&samples[k]));
    }
    let flat: Vec<f64> = samples.iter().flatten().copied().collect();
    let f = stats::summarize(&flat);
    let e = &r.search.eligo;
    if e.n > 0 {
        r.search.fts_over_eligo_p50 = Some(f.p50_ms / e.p50_ms.max(1e-6));
        r.search.fts_over_eligo_p95 = Some(f.p95_ms / e.p95_ms.max(1e-6));
    }
    ctx.say(format!(
        "FTS5 p50 {:.2} ms p95 {:.2} ms",
        f.p50_ms, f.p95_ms
    ));
    r.search.fts = Some(f);
    Ok(())
}
