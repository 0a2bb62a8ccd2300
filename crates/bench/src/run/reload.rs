//! Reload cycles: `eligo import` of a changed batch while the server
//! answers a steady stream of requests; when the server and its search
//! show the change, the worst request meanwhile, memory after.

use super::child::{self, Running};
use super::http::Http;
use super::report::{ReloadCycle, Report};
use super::serve::{json_u64, match_path, search_path};
use super::{Ctx, Patient, stats};
use crate::generate::{Generator, json::Json};
use crate::rng::Rng;
use anyhow::Result;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A reload batch: nine in ten existing studies in a new revision, one in
/// ten new studies (indexes after the corpus). Returns the first new id.
pub(super) fn write_batch(ctx: &Ctx, g: &Generator, cycle: usize, path: &Path) -> Result<String> {
    let a = &ctx.args;
    let n_new = (a.reload_batch / 10).max(1);
    let n_changed = a.reload_batch.saturating_sub(n_new);
    let mut rng = Rng::for_item(a.seed ^ 0xbeef, cycle as u64, 0);
    let mut out = Vec::new();
    let mut j = Json::with_capacity(32 * 1024);
    for _ in 0..n_changed.min(a.size) {
        j.clear();
        g.write(rng.below(a.size.max(1)), cycle as u32 + 1, &mut j);
        out.extend_from_slice(&j.buf);
        out.push(b'\n');
    }
    let first_new = a.size + cycle as u64 * n_new;
    for i in first_new..first_new + n_new {
        j.clear();
        g.write(i, 0, &mut j);
        out.extend_from_slice(&j.buf);
        out.push(b'\n');
    }
    std::fs::write(path, out)?;
    Ok(Generator::id(first_new))
}

pub(super) async fn reloads(
    ctx: &mut Ctx,
    r: &mut Report,
    g: &Generator,
    patients: &[Patient],
    srv: &Running,
    http: &Http,
) -> Result<()> {
    let a = ctx.args.clone();
    if a.reloads == 0 {
        return Ok(());
    }
    r.reloads.batch = a.reload_batch;
    // Does searching by id find a study? (How the index is checked.)
    let probe = http.get(&search_path(&Generator::id(0), None)).await?;
    let search_by_id = probe.status == 200 && json_u64(&probe.body, "total").unwrap_or(0) >= 1;
    if !search_by_id {
        ctx.note(
            "searching by NCT id finds nothing: the index catch-up after reloads is not checked",
        );
    }
    for cycle in a.reload_from..a.reload_from + a.reloads {
        let batch = ctx.work.join(format!("reload-{cycle}.ndjson"));
        let new_id = write_batch(ctx, g, cycle, &batch)?;
        // A steady stream of requests while the import runs and after.
        let stop = Arc::new(AtomicBool::new(false));
        let lat: Arc<Mutex<Vec<Request>>> = Arc::default();
        let t0 = Instant::now();
        let load = {
            let (stop, lat, http) = (stop.clone(), lat.clone(), http.clone());
            let p = (match_path(&patients[0], false), patients[0].body.clone());
            tokio::spawn(async move {
                let mut k = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let at_s = t0.elapsed().as_secs_f64();
                    let kind = if k.is_multiple_of(2) {
                        "match"
                    } else {
                        "search"
                    };
                    let ans = if kind == "match" {
                        http.post_json(&p.0, p.1.clone()).await
                    } else {
                        http.get(&search_path("lupus", None)).await
                    };
                    let (seconds, status) = match ans {
                        Ok(x) => (x.seconds, x.status),
                        Err(_) => (f64::NAN, 0),
                    };
                    let rec = Request {
                        at_s,
                        seconds,
                        status,
                        kind,
                    };
                    if let Ok(mut v) = lat.lock() {
                        v.push(rec);
                    }
                    k += 1;
                }
            })
        };
        // The same stream with nothing else of ours running first: the
        // latency each kind of request has without an import beside it.
        tokio::time::sleep(Duration::from_secs_f64(a.reload_idle_s)).await;
        let batch_arg = batch.to_string_lossy().to_string();
        let cmd = ctx.eligo(
            &["import", &batch_arg, "--format", "json"],
            &format!("reload-{cycle}"),
        )?;
        let import_start = t0.elapsed().as_secs_f64();
        let usage = tokio::task::spawn_blocking(move || {
            let mut cmd = cmd;
            child::run(&mut cmd)
        })
        .await??;
        let import_done = Instant::now();
        let import_end = t0.elapsed().as_secs_f64();
        // When does the server show the new study?
        let mut catalog = None;
        while import_done.elapsed() < Duration::from_secs(120) {
            if let Ok(ans) = http.get(&format!("/api/v1/trials/{new_id}")).await
                && ans.status == 200
            {
                catalog = Some(import_done.elapsed().as_secs_f64());
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut index = None;
        if search_by_id {
            let since = Instant::now();
            while since.elapsed() < Duration::from_secs(a.index_timeout) {
                if let Ok(ans) = http.get(&search_path(&new_id, None)).await
                    && json_u64(&ans.body, "total").unwrap_or(0) >= 1
                {
                    index = Some(import_done.elapsed().as_secs_f64());
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        // A little more steady traffic after catching up, then stop.
        tokio::time::sleep(Duration::from_millis(500)).await;
        stop.store(true, Ordering::Relaxed);
        let _ = load.await;
        let v = lat.lock().map(|v| v.clone()).unwrap_or_default();
        let slowest = write_requests(ctx, cycle, &v, import_start, import_end)?;
        let (idle, v): (Vec<Request>, Vec<Request>) =
            v.into_iter().partition(|r| r.at_s < import_start);
        let ok: Vec<f64> = v
            .iter()
            .filter(|r| r.answered())
            .map(|r| r.seconds)
            .collect();
        let idle_p50 = |kind: &str| {
            let s: Vec<f64> = idle
                .iter()
                .filter(|r| r.answered())
                .filter(|r| r.kind == kind)
                .map(|r| r.seconds)
                .collect();
            (!s.is_empty()).then(|| stats::summarize(&s).p50_ms)
        };
        let (idle_match, idle_search) = (idle_p50("match"), idle_p50("search"));
        let idle_all: Vec<f64> = idle
            .iter()
            .filter(|r| r.answered())
            .map(|r| r.seconds)
            .collect();
        let worst_stall_ms = v
            .iter()
            .filter(|r| r.answered())
            .filter_map(|r| {
                let base = if r.kind == "match" {
                    idle_match
                } else {
                    idle_search
                };
                Some(r.seconds * 1e3 - base?)
            })
            .reduce(f64::max);
        let errors = v.len() - ok.len();
        let c = ReloadCycle {
            import: usage.clone(),
            import_note: (!usage.ok()).then(|| ctx.log_tail(&format!("reload-{cycle}"), 2)),
            catalog_caught_up_s: catalog,
            index_caught_up_s: index,
            requests: v.len(),
            errors,
            latency: stats::summarize(&ok),
            idle_latency: stats::summarize(&idle_all),
            idle_match_p50_ms: idle_match,
            idle_search_p50_ms: idle_search,
            worst_stall_ms,
            rss_after_mb: srv.rss_mb(),
        };
        ctx.say(format!(
            "reload {}: import {:.1} s (exit {:?}), catalog {}, index {}, worst request {:.0} ms, RSS {:.0} MB",
            cycle + 1,
            usage.wall_s,
            usage.exit_code,
            catalog.map_or("not caught up".into(), |s| format!("after {s:.1} s")),
            index.map_or("not caught up".into(), |s| format!("after {s:.1} s")),
            c.latency.max_ms,
            c.rss_after_mb.unwrap_or_default()
        ));
        ctx.say(format!(
            "reload {}: worst stall {} ms (latency minus the idle p50 of its kind: match {} ms, search {} ms; idle max {:.1} ms); slowest requests {slowest}",
            cycle + 1,
            c.worst_stall_ms.map_or("–".into(), |x| format!("{x:.1}")),
            c.idle_match_p50_ms.map_or("–".into(), |x| format!("{x:.1}")),
            c.idle_search_p50_ms.map_or("–".into(), |x| format!("{x:.1}")),
            c.idle_latency.max_ms,
        ));
        r.reloads.cycles.push(c);
    }
    let cy = &r.reloads.cycles;
    r.reloads.worst_request_ms = cy.iter().map(|c| c.latency.max_ms).fold(0.0, f64::max);
    r.reloads.imports_failed = cy.iter().filter(|c| !c.import.ok()).count();
    r.reloads.catalog_not_caught_up = cy
        .iter()
        .filter(|c| c.catalog_caught_up_s.is_none())
        .count();
    r.reloads.index_not_caught_up = cy.iter().filter(|c| c.index_caught_up_s.is_none()).count();
    Ok(())
}

/// One request of the steady stream beside a reload.
#[derive(Clone)]
struct Request {
    /// When it was sent, seconds from the cycle's start.
    at_s: f64,
    seconds: f64,
    status: u16,
    kind: &'static str,
}

impl Request {
    fn answered(&self) -> bool {
        !self.seconds.is_nan() && self.status == 200
    }
}

/// Every request of a cycle as `reload-N-requests.tsv` in the work
/// directory (sent at, seconds from the import's start; latency; status;
/// kind), for lining them up with the server's and the importer's logs.
/// Returns the five slowest, said briefly.
fn write_requests(
    ctx: &Ctx,
    cycle: usize,
    v: &[Request],
    import_start: f64,
    import_end: f64,
) -> Result<String> {
    let mut out = format!(
        "# import from 0 to {:.3} s\nsent_s\tms\tstatus\tkind\n",
        import_end - import_start
    );
    for r in v {
        out += &format!(
            "{:.3}\t{:.2}\t{}\t{}\n",
            r.at_s - import_start,
            r.seconds * 1e3,
            r.status,
            r.kind
        );
    }
    std::fs::write(ctx.work.join(format!("reload-{cycle}-requests.tsv")), out)?;
    let mut by_latency: Vec<&Request> = v.iter().filter(|r| !r.seconds.is_nan()).collect();
    by_latency.sort_by(|a, b| b.seconds.total_cmp(&a.seconds));
    Ok(by_latency
        .iter()
        .take(5)
        .map(|r| {
            format!(
                "{} {:.0} ms sent at {:+.2} s of the import ({:.1} s)",
                r.kind,
                r.seconds * 1e3,
                r.at_s - import_start,
                import_end - import_start
            )
        })
        .collect::<Vec<_>>()
        .join("; "))
}
