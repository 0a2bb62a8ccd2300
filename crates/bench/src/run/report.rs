//! What a run measured, as JSON (the structs) and as Markdown for
//! docs/benchmarks.md and the lead's notes.

use super::child::Usage;
use super::fts::Build;
use super::stats::Latency;
use crate::generate::output::Format;
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub when: String,
    pub size: u64,
    pub format: Option<Format>,
    pub backend: String,
    pub machine: Machine,
    pub corpus: CorpusReport,
    pub import: Option<ImportReport>,
    pub sizes_after_import: Sizes,
    pub serve: ServeReport,
    pub matching: MatchReport,
    pub search: SearchReport,
    /// `/api/v2/studies` pages (none when the run stopped before them).
    pub apiv2: Option<super::apiv2::Apiv2Report>,
    pub reloads: ReloadReport,
    pub find: super::find::FindReport,
    pub cli_match: Vec<Usage>,
    pub sizes_at_end: Sizes,
    pub total_s: f64,
    /// Failures and oddities met on the way (exit codes, timeouts).
    pub notes: Vec<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct Machine {
    pub cores: usize,
    pub mem_total_gb: f64,
    /// Load averages (1, 5, 15 min): the machine is shared.
    pub load_start: [f64; 3],
    pub load_end: [f64; 3],
    pub eligo: String,
    pub commit: String,
}

#[derive(Debug, Default, Serialize)]
pub struct CorpusReport {
    pub reused: bool,
    pub stats: serde_json::Value,
}

#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    pub usage: Usage,
    pub studies_per_s: f64,
    /// Load average when the import started.
    pub load: [f64; 3],
    /// eligo's own summary (`--format json`), errors counted.
    pub summary: Option<serde_json::Value>,
}

#[derive(Debug, Default, Serialize)]
pub struct Sizes {
    pub database_mb: f64,
    pub wal_mb: f64,
    pub shm_mb: f64,
    pub index_mb: f64,
    pub other_mb: f64,
    pub total_mb: f64,
    pub database_mb_error: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct ServeReport {
    pub listening_s: Option<f64>,
    pub rss_at_listen_mb: Option<f64>,
    /// Three seconds after it listens, before any request.
    pub rss_idle_mb: Option<f64>,
    pub first_search_ms: Option<f64>,
    pub first_match_ms: Option<f64>,
    pub rss_after_first_match_mb: Option<f64>,
    /// (matches done, RSS MB) every 100 matches.
    pub rss_series: Vec<(usize, f64)>,
    pub rss_after_matches_mb: Option<f64>,
    pub rss_after_all_mb: Option<f64>,
    pub rss_after_reloads_mb: Option<f64>,
    /// VmHWM just before the server was stopped.
    pub peak_rss_mb_proc: Option<f64>,
    pub usage: Option<Usage>,
}

#[derive(Debug, Default, Serialize)]
pub struct MatchReport {
    pub default_set: Latency,
    pub all: Latency,
    pub errors: usize,
    pub per_patient: Vec<PatientRow>,
}

#[derive(Debug, Default, Serialize)]
pub struct PatientRow {
    pub file: String,
    pub as_of: String,
    pub matches_returned: Option<usize>,
    pub default_set: Latency,
    pub all: Latency,
    pub all_matches_returned: Option<usize>,
}

#[derive(Debug, Default, Serialize)]
pub struct SearchReport {
    pub eligo: Latency,
    pub fts: Option<Latency>,
    pub fts_over_eligo_p50: Option<f64>,
    pub fts_over_eligo_p95: Option<f64>,
    pub fts_build: Option<Build>,
    pub queries: Vec<QueryRow>,
}

#[derive(Debug, Default, Serialize)]
pub struct QueryRow {
    pub query: String,
    pub status: Option<String>,
    pub eligo_total: Option<u64>,
    pub eligo: Latency,
    pub fts_total: Option<u64>,
    pub fts: Option<Latency>,
}

#[derive(Debug, Default, Serialize)]
pub struct ReloadReport {
    /// Studies per batch.
    pub batch: u64,
    pub cycles: Vec<ReloadCycle>,
    pub worst_request_ms: f64,
    pub imports_failed: usize,
    pub catalog_not_caught_up: usize,
    pub index_not_caught_up: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct ReloadCycle {
    pub import: Usage,
    pub import_note: Option<String>,
    /// Seconds from the import's end until the server serves the new study.
    pub catalog_caught_up_s: Option<f64>,
    /// Seconds from the import's end until search finds the new study
    /// (None: not within the wait after the server showed it).
    pub index_caught_up_s: Option<f64>,
    /// The steady requests (match and search alternately) sent from the
    /// import's start on.
    pub requests: usize,
    pub errors: usize,
    pub latency: Latency,
    /// The same stream in the seconds before the import.
    pub idle_latency: Latency,
    pub idle_match_p50_ms: Option<f64>,
    pub idle_search_p50_ms: Option<f64>,
    /// The most a request sent from the import's start on took beyond the
    /// idle p50 of its kind.
    pub worst_stall_ms: Option<f64>,
    pub rss_after_mb: Option<f64>,
}

fn mb(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{v:.0} MB"))
}

fn ms(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn lat(l: &Latency) -> String {
    if l.n == 0 {
        return "–".into();
    }
    format!("{} / {} / {} ms", ms(l.p50_ms), ms(l.p95_ms), ms(l.p99_ms))
}

fn load(l: &[f64; 3]) -> String {
    format!("{:.2} {:.2} {:.2}", l[0], l[1], l[2])
}

/// FTS5 time ÷ eligo time, said the way round a reader wants.
fn relative(fts_over_eligo: Option<f64>) -> String {
    match fts_over_eligo {
        Some(r) if r >= 1.0 => format!("{r:.1}× faster"),
        Some(r) if r > 0.0 => format!("{:.1}× slower", 1.0 / r),
        _ => "–".into(),
    }
}

fn median_usage(v: &[Usage]) -> Option<&Usage> {
    let mut s: Vec<&Usage> = v.iter().collect();
    s.sort_by(|a, b| a.wall_s.total_cmp(&b.wall_s));
    s.get(s.len() / 2).copied()
}

impl Report {
    pub fn markdown(&self) -> String {
        let mut o = String::new();
        let m = &self.machine;
        let st = &self.corpus.stats;
        let _ = writeln!(
            o,
            "### {} studies, {} ({})\n",
            self.size,
            self.backend,
            self.format.map_or("", |f| match f {
                Format::Zip => "bulk-export zip",
                Format::Ndjson => "NDJSON",
                Format::Dir => "directory",
            })
        );
        let _ = writeln!(
            o,
            "{} · eligo {} at {} · {} cores, {:.0} GB · load average {} at start, {} at end · run took {:.0} s\n",
            self.when,
            m.eligo.trim_start_matches("eligo "),
            m.commit,
            m.cores,
            m.mem_total_gb,
            load(&m.load_start),
            load(&m.load_end),
            self.total_s
        );
        if st.is_object() {
            let n = st["studies"].as_f64().unwrap_or(1.0).max(1.0);
            let _ = writeln!(
                o,
                "Corpus: {} studies, {:.0} MB of JSON ({:.1} kB each), {:.0} MB as {}; lupus {:.2}% (SLE {:.2}%), {} distinct conditions, {:.1}% with results, {:.1} sites per study{}.\n",
                st["studies"],
                st["json_bytes"].as_f64().unwrap_or(0.0) / 1e6,
                st["json_bytes"].as_f64().unwrap_or(0.0) / n / 1e3,
                st["file_bytes"].as_f64().unwrap_or(0.0) / 1e6,
                self.format.map_or("file", |f| match f {
                    Format::Zip => "zip",
                    Format::Ndjson => "NDJSON",
                    Format::Dir => "files",
                }),
                100.0 * st["lupus"].as_f64().unwrap_or(0.0) / n,
                100.0 * st["sle"].as_f64().unwrap_or(0.0) / n,
                st["distinct_conditions"],
                100.0 * st["with_results"].as_f64().unwrap_or(0.0) / n,
                st["sites"].as_f64().unwrap_or(0.0) / n,
                if self.corpus.reused {
                    " (cached corpus)".to_string()
                } else {
                    format!(
                        ", generated in {:.1} s",
                        st["seconds"].as_f64().unwrap_or(0.0)
                    )
                }
            );
        }
        o += "| what | figure |\n|---|---|\n";
        if let Some(i) = &self.import {
            let u = &i.usage;
            let _ = writeln!(
                o,
                "| import | {:.1} s ({:.0} studies/s), peak RSS {:.0} MB{}, CPU {:.0} s user + {:.0} s sys, exit {}{} |",
                u.wall_s,
                i.studies_per_s,
                u.peak_rss_mb,
                u.peak_split(),
                u.user_s,
                u.sys_s,
                u.exit_code.map_or("–".into(), |c| c.to_string()),
                i.summary
                    .as_ref()
                    .map(|s| format!(
                        " (read {}, inserted {}, failed {})",
                        s["read"], s["inserted"], s["failed"]
                    ))
                    .unwrap_or_default()
            );
        }
        let z = &self.sizes_after_import;
        let _ = writeln!(
            o,
            "| on disk after import: database / WAL / index | {:.0} MB / {:.0} MB / {:.0} MB (total {:.0} MB) |",
            z.database_mb, z.wal_mb, z.index_mb, z.total_mb
        );
        let z = &self.sizes_at_end;
        let _ = writeln!(
            o,
            "| on disk at the end | {:.0} MB / {:.0} MB / {:.0} MB (total {:.0} MB) |",
            z.database_mb, z.wal_mb, z.index_mb, z.total_mb
        );
        let s = &self.serve;
        let _ = writeln!(
            o,
            "| `serve`: listening after | {} |",
            s.listening_s.map_or("–".into(), |x| format!("{x:.1} s"))
        );
        let _ = writeln!(
            o,
            "| `serve` RSS: at listen / idle / after first match / after {} matches / after all=true / after {} reloads / peak | {} / {} / {} / {} / {} / {} / {} |",
            self.matching.default_set.n + self.matching.errors,
            self.reloads.cycles.len(),
            mb(s.rss_at_listen_mb),
            mb(s.rss_idle_mb),
            mb(s.rss_after_first_match_mb),
            mb(s.rss_after_matches_mb),
            mb(s.rss_after_all_mb),
            mb(s.rss_after_reloads_mb),
            mb(s.usage
                .as_ref()
                .map(|u| u.peak_rss_mb)
                .or(s.peak_rss_mb_proc)),
        );
        let _ = writeln!(
            o,
            "| first search / first match after start | {} / {} |",
            s.first_search_ms
                .map_or("–".into(), |x| format!("{} ms", ms(x))),
            s.first_match_ms
                .map_or("–".into(), |x| format!("{} ms", ms(x)))
        );
        let d = &self.matching.default_set;
        if d.n > 0 {
            let _ = writeln!(
                o,
                "| `POST /api/v1/match`, default set, p50 / p95 / p99 ({} requests, every patient) | {} (max {} ms, {} errors) |",
                d.n,
                lat(d),
                ms(d.max_ms),
                self.matching.errors
            );
        }
        let al = &self.matching.all;
        if al.n > 0 {
            let _ = writeln!(
                o,
                "| `POST /api/v1/match?all=true`, p50 / p95 / p99 ({} requests) | {} (max {} ms) |",
                al.n,
                lat(al),
                ms(al.max_ms)
            );
        }
        let se = &self.search;
        if se.eligo.n > 0 {
            let _ = writeln!(
                o,
                "| `GET /api/v1/search`, p50 / p95 ({} queries × {} rounds) | {} / {} ms |",
                se.queries.len(),
                se.eligo.n / se.queries.len().max(1),
                ms(se.eligo.p50_ms),
                ms(se.eligo.p95_ms)
            );
        }
        if let Some(f) = &se.fts {
            let _ = writeln!(
                o,
                "| SQLite FTS5 bm25, same queries, p50 / p95 | {} / {} ms (eligo {} at p50, {} at p95) |",
                ms(f.p50_ms),
                ms(f.p95_ms),
                relative(se.fts_over_eligo_p50),
                relative(se.fts_over_eligo_p95)
            );
        }
        if let Some(b) = &se.fts_build {
            let _ = writeln!(
                o,
                "| SQLite FTS5 build (SQLite {}) | {:.1} s insert + {:.1} s optimize, {:.0} MB |",
                b.sqlite_version, b.insert_s, b.optimize_s, b.file_mb
            );
        }
        let rl = &self.reloads;
        if !rl.cycles.is_empty() {
            let imports: Vec<f64> = rl.cycles.iter().map(|c| c.import.wall_s).collect();
            let caught: Vec<f64> = rl
                .cycles
                .iter()
                .filter_map(|c| c.catalog_caught_up_s)
                .collect();
            let _ = writeln!(
                o,
                "| {} reloads ({}-study batches imported while serving) | import {:.1}–{:.1} s, {} failed; server shows the new study after {}; search finds it in {} of {}; worst request {} ms |",
                rl.cycles.len(),
                rl.batch,
                imports.iter().copied().fold(f64::INFINITY, f64::min),
                imports.iter().copied().fold(0.0, f64::max),
                rl.imports_failed,
                if caught.is_empty() {
                    "never (120 s)".to_string()
                } else {
                    format!(
                        "{:.1}–{:.1} s ({} of {})",
                        caught.iter().copied().fold(f64::INFINITY, f64::min),
                        caught.iter().copied().fold(0.0, f64::max),
                        caught.len(),
                        rl.cycles.len()
                    )
                },
                rl.cycles.len() - rl.index_not_caught_up,
                rl.cycles.len(),
                ms(rl.worst_request_ms)
            );
        }
        if let Some(u) = median_usage(&self.cli_match) {
            let _ = writeln!(
                o,
                "| `eligo match` CLI, cold (median of {}) | {:.1} s, peak RSS {:.0} MB |",
                self.cli_match.len(),
                u.wall_s,
                u.peak_rss_mb
            );
        }

        if !self.matching.per_patient.is_empty() {
            o += "\nMatch latency by patient (ms; default set p50 / p95 / p99 / max, then all=true p50 / max; matches returned, at most 50 by the API's default limit):\n\n";
            o += "| patient | as of | matches | p50 | p95 | p99 | max | all: matches | all: p50 | all: max |\n|---|---|---|---|---|---|---|---|---|---|\n";
            for p in &self.matching.per_patient {
                let d = &p.default_set;
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    p.file,
                    p.as_of,
                    p.matches_returned.map_or("–".into(), |n| n.to_string()),
                    ms(d.p50_ms),
                    ms(d.p95_ms),
                    ms(d.p99_ms),
                    ms(d.max_ms),
                    p.all_matches_returned.map_or("–".into(), |n| n.to_string()),
                    ms(p.all.p50_ms),
                    ms(p.all.max_ms)
                );
            }
        }
        if !se.queries.is_empty() {
            o += "\nSearch by query (ms; hits found, p50 / p95):\n\n";
            o += "| query | filter | eligo hits | eligo p50 | eligo p95 | FTS5 hits | FTS5 p50 | FTS5 p95 |\n|---|---|---|---|---|---|---|---|\n";
            for q in &se.queries {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {} | {} | {} | {} |",
                    q.query,
                    q.status.as_deref().unwrap_or(""),
                    q.eligo_total.map_or("–".into(), |n| n.to_string()),
                    ms(q.eligo.p50_ms),
                    ms(q.eligo.p95_ms),
                    q.fts_total.map_or("–".into(), |n| n.to_string()),
                    q.fts.as_ref().map_or("–".into(), |f| ms(f.p50_ms)),
                    q.fts.as_ref().map_or("–".into(), |f| ms(f.p95_ms)),
                );
            }
        }
        if let Some(a) = &self.apiv2 {
            super::apiv2::markdown(&mut o, a);
        }
        if !rl.cycles.is_empty() {
            o += "\nReload cycles:\n\n| cycle | import | exit | server shows new study after | search finds it after | requests | p50 | worst | idle p50 match / search | worst stall | RSS after |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
            for (k, c) in rl.cycles.iter().enumerate() {
                let _ = writeln!(
                    o,
                    "| {} | {:.1} s | {} | {} | {} | {} | {} ms | {} ms | {} / {} ms | {} ms | {} |",
                    k + 1,
                    c.import.wall_s,
                    c.import.exit_code.map_or("–".into(), |x| x.to_string()),
                    c.catalog_caught_up_s
                        .map_or("not within 120 s".into(), |s| format!("{s:.1} s")),
                    c.index_caught_up_s
                        .map_or("no".into(), |s| format!("{s:.1} s")),
                    c.requests,
                    ms(c.latency.p50_ms),
                    ms(c.latency.max_ms),
                    c.idle_match_p50_ms.map_or("–".into(), ms),
                    c.idle_search_p50_ms.map_or("–".into(), ms),
                    c.worst_stall_ms.map_or("–".into(), ms),
                    mb(c.rss_after_mb)
                );
            }
        }
        super::find::markdown(&self.find, &mut o);
        if !self.notes.is_empty() {
            o += "\nNotes:\n\n";
            for n in &self.notes {
                let _ = writeln!(o, "- {n}");
            }
        }
        o
    }
}
