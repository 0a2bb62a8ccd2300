//! The `/find` phase (issue 23): a server of its own on the registry, then
//! the page as patients use it, timed from outside:
//!
//! - the questionnaire: three example patients (those of the server's
//!   `/find` tests) name "systemic lupus erythematosus", answer every
//!   question page (age, sex, diagnoses as each would, "I don't know" to
//!   the rest) until the results; every page is a request;
//! - an uploaded record: example patient 01's FHIR R4 Bundle posted to
//!   `/find/record`;
//!
//! each without a place and "near Nanjing, China within 200 km" (distances
//! to every candidate's nearest recruiting site). The first round is
//! reported apart (it builds what the server keeps between requests).

use super::child::Running;
use super::http::{Http, encode};
use super::serve::{free_port, wait_listening};
use super::stats::{Latency, summarize};
use super::{Ctx, Patient};
use anyhow::{Result, bail};
use hyper::body::Bytes;
use serde::Serialize;
use std::fmt::Write;
use std::time::Duration;

#[derive(clap::Args, Clone, Debug)]
pub struct FindArgs {
    /// Rounds of `/find` (every patient's questionnaire and the upload,
    /// without and with a place); 0 skips the phase.
    #[arg(long, default_value_t = 3)]
    pub find_rounds: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct FindReport {
    pub rounds: usize,
    /// The first round's requests (the server builds what it keeps).
    pub first_round: Latency,
    /// The other rounds, by path and place.
    pub rows: Vec<FindRow>,
    pub candidates: Option<u64>,
    pub questions_asked: Vec<(String, usize)>,
    pub rss_before_mb: Option<f64>,
    pub rss_after_mb: Option<f64>,
    pub errors: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct FindRow {
    pub what: String,
    pub latency: Latency,
}

/// The condition the patients name, and the place.
const CONDITION: &str = "systemic lupus erythematosus";
const NEAR: (&str, &str) = ("Nanjing, China", "200km");

/// How an example patient answers (crates/server/tests/server/find.rs):
/// fields by question id, and words of diagnoses they have or have not.
struct Answerer {
    name: &'static str,
    answers: &'static [(&'static str, &'static str)],
    has: &'static [&'static str],
    has_not: &'static [&'static str],
}

const ANSWERERS: &[Answerer] = &[
    Answerer {
        name: "woman of 34",
        answers: &[("age.age", "34"), ("sex.answer", "female")],
        has: &[],
        has_not: &[],
    },
    Answerer {
        name: "man of 72",
        answers: &[("age.age", "72"), ("sex.answer", "male")],
        has: &[],
        has_not: &["infection", "neoplasm", "cancer"],
    },
    Answerer {
        name: "woman of 45 with a cancer",
        answers: &[("age.age", "45"), ("sex.answer", "female")],
        has: &["neoplasm", "cancer", "malignan"],
        has_not: &["infection"],
    },
];

impl Answerer {
    fn fill(&self, id: &str, text: &str) -> Vec<(String, String)> {
        let own: Vec<(String, String)> = self
            .answers
            .iter()
            .filter(|(k, _)| k.split('.').next() == Some(id))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if !own.is_empty() {
            return own;
        }
        let t = text.to_lowercase();
        let value = if id.starts_with("dx-") && self.has.iter().any(|w| t.contains(w)) {
            "current"
        } else if id.starts_with("dx-") && self.has_not.iter().any(|w| t.contains(w)) {
            "no"
        } else {
            "dont_know"
        };
        vec![(format!("{id}.answer"), value.into())]
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The questions of a page: (id, legend).
fn questions(html: &str) -> Vec<(String, String)> {
    let marker = "<fieldset class=\"question\" id=\"q-";
    html.split(marker)
        .skip(1)
        .filter_map(|rest| {
            let id = &rest[..rest.find('"')?];
            let l = rest.find("<legend>")? + 8;
            let text = &rest[l..l + rest[l..].find("</legend>")?];
            Some((id.to_string(), unescape(text)))
        })
        .collect()
}

/// The hidden fields of the question form.
fn hidden(html: &str) -> Vec<(String, String)> {
    let Some(at) = html.find("id=\"find-questions\"") else {
        return vec![];
    };
    let form = &html[at..];
    let form = &form[..form.find("</form>").unwrap_or(form.len())];
    form.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|rest| {
            let name = &rest[..rest.find('"')?];
            let v = rest.find("value=\"")? + 7;
            let value = &rest[v..v + rest[v..].find('"')?];
            Some((name.to_string(), unescape(value)))
        })
        .collect()
}

fn form(pairs: &[(String, String)]) -> Bytes {
    let s: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    Bytes::from(s.join("&"))
}

fn is_results(html: &str) -> bool {
    html.contains("id=\"group-eligible\"")
}

/// The candidates a question page counts ("… 12 of 123 open trials").
fn candidates(html: &str) -> Option<u64> {
    let at = html.find("id=\"find-progress\"")?;
    let rest = &html[at..];
    let of = rest.find(" of ")? + 4;
    let n = &rest[of..];
    n[..n.find(' ')?].parse().ok()
}

/// One patient's questionnaire: every page's time, the questions asked.
async fn questionnaire(
    http: &Http,
    who: &Answerer,
    near: bool,
    times: &mut Vec<f64>,
    results: &mut Vec<f64>,
) -> Result<(usize, Option<u64>)> {
    let mut path = format!("/find?condition={}", encode(CONDITION));
    if near {
        path.push_str(&format!("&near={}&within={}", encode(NEAR.0), NEAR.1));
    }
    let mut ans = http.get(&path).await?;
    times.push(ans.seconds);
    let mut asked = 0;
    let mut count = None;
    for _ in 0..20 {
        if ans.status != 200 {
            bail!("/find answered {} for the {}", ans.status, who.name);
        }
        let html = String::from_utf8_lossy(&ans.body).into_owned();
        if is_results(&html) {
            results.push(ans.seconds);
            return Ok((asked, count));
        }
        count = count.or(candidates(&html));
        let qs = questions(&html);
        if qs.is_empty() {
            bail!("/find: a page with neither questions nor results");
        }
        let mut pairs = hidden(&html);
        for (id, text) in &qs {
            asked += 1;
            pairs.extend(who.fill(id, text));
        }
        ans = http
            .post("/find", "application/x-www-form-urlencoded", form(&pairs))
            .await?;
        times.push(ans.seconds);
    }
    bail!("/find: no results after 20 pages for the {}", who.name)
}

async fn upload(http: &Http, bundle: &Bytes, near: bool) -> Result<f64> {
    let b = "eligoBenchBoundary";
    let mut body = Vec::new();
    if near {
        for (k, v) in [("near", NEAR.0), ("within", NEAR.1)] {
            body.extend_from_slice(
                format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                    .as_bytes(),
            );
        }
    }
    body.extend_from_slice(
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"record\"; filename=\"me.json\"\r\n\
             Content-Type: application/json\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bundle);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    let ans = http
        .post(
            "/find/record",
            &format!("multipart/form-data; boundary={b}"),
            Bytes::from(body),
        )
        .await?;
    if ans.status != 200 || !is_results(&String::from_utf8_lossy(&ans.body)) {
        bail!("/find/record answered {}", ans.status);
    }
    Ok(ans.seconds)
}

/// The phase: its own `eligo serve`, then `rounds` rounds.
pub(super) async fn find_phase(ctx: &mut Ctx, patients: &[Patient]) -> Result<FindReport> {
    let rounds = ctx.args.find.find_rounds;
    let mut r = FindReport {
        rounds,
        ..FindReport::default()
    };
    let port = free_port()?;
    let addr = format!("127.0.0.1:{port}");
    ctx.say(format!("/find: eligo serve --addr {addr}, {rounds} rounds"));
    let srv = Running::spawn_guarded(
        &mut ctx.eligo(&["serve", "--addr", &addr], "serve-find")?,
        &ctx.guard(),
    )?;
    let out = measure(ctx, patients, &srv, port, &mut r).await;
    srv.terminate(Duration::from_secs(15))?;
    out.map(|_| r)
}

async fn measure(
    ctx: &mut Ctx,
    patients: &[Patient],
    srv: &Running,
    port: u16,
    r: &mut FindReport,
) -> Result<()> {
    let http = Http::new(port, Duration::from_secs(ctx.args.request_timeout));
    wait_listening(ctx, srv, port).await?;
    // The catalog loads on the first request of any kind.
    http.get("/api/v1/search?q=lupus").await?;
    r.rss_before_mb = srv.rss_mb();
    let bundle = &patients[0].body;
    let mut first = Vec::new();
    // (what, request times)
    let mut rows: Vec<(String, Vec<f64>)> = Vec::new();
    let row = |rows: &mut Vec<(String, Vec<f64>)>, what: String| -> usize {
        match rows.iter().position(|x| x.0 == what) {
            Some(i) => i,
            None => {
                rows.push((what, vec![]));
                rows.len() - 1
            }
        }
    };
    for round in 0..ctx.args.find.find_rounds {
        for near in [false, true] {
            let place = if near { ", near Nanjing 200 km" } else { "" };
            for who in ANSWERERS {
                let (mut t, mut res) = (Vec::new(), Vec::new());
                match questionnaire(&http, who, near, &mut t, &mut res).await {
                    Ok((asked, count)) => {
                        if round == 0 && !near {
                            r.questions_asked.push((who.name.into(), asked));
                            r.candidates = r.candidates.or(count);
                        }
                    }
                    Err(e) => {
                        r.errors += 1;
                        ctx.note(format!("/find questionnaire: {e:#}"));
                    }
                }
                if round == 0 {
                    first.extend(t);
                } else {
                    let i = row(&mut rows, format!("questionnaire, every page{place}"));
                    rows[i].1.extend(t);
                    let i = row(&mut rows, format!("questionnaire, the results page{place}"));
                    rows[i].1.extend(res);
                }
            }
            match upload(&http, bundle, near).await {
                Ok(s) if round == 0 => first.push(s),
                Ok(s) => {
                    let i = row(&mut rows, format!("uploaded record (patient 01){place}"));
                    rows[i].1.push(s);
                }
                Err(e) => {
                    r.errors += 1;
                    ctx.note(format!("/find/record: {e:#}"));
                }
            }
        }
        ctx.say(format!("/find round {} done", round + 1));
    }
    r.first_round = summarize(&first);
    r.rows = rows
        .into_iter()
        .map(|(what, s)| FindRow {
            what,
            latency: summarize(&s),
        })
        .collect();
    r.rss_after_mb = srv.rss_mb();
    for x in &r.rows {
        ctx.say(format!(
            "/find {}: p50 {:.0} ms p95 {:.0} ms",
            x.what, x.latency.p50_ms, x.latency.p95_ms
        ));
    }
    Ok(())
}

/// The Markdown lines of the report.
pub fn markdown(r: &FindReport, o: &mut String) {
    if r.rounds == 0 {
        return;
    }
    let _ = writeln!(
        o,
        "\n`/find` ({} rounds; the first round apart: p50 / p95 / max {:.0} / {:.0} / {:.0} ms over {} requests; {} candidates for SLE; questions asked {}; server RSS {:.0} MB before, {:.0} MB after; {} errors):\n",
        r.rounds,
        r.first_round.p50_ms,
        r.first_round.p95_ms,
        r.first_round.max_ms,
        r.first_round.n,
        r.candidates.map_or("?".into(), |c| c.to_string()),
        r.questions_asked
            .iter()
            .map(|(w, n)| format!("{w} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        r.rss_before_mb.unwrap_or_default(),
        r.rss_after_mb.unwrap_or_default(),
        r.errors
    );
    let _ = writeln!(
        o,
        "| what | requests | p50 | p95 | max |\n|---|---|---|---|---|"
    );
    for x in &r.rows {
        let l = &x.latency;
        let _ = writeln!(
            o,
            "| {} | {} | {:.0} ms | {:.0} ms | {:.0} ms |",
            x.what, l.n, l.p50_ms, l.p95_ms, l.max_ms
        );
    }
}
