//! Writing a corpus: NDJSON (one study per line), a zip shaped like the
//! ClinicalTrials.gov bulk export (one `NCTxxxxxxxx.json` per study at the
//! root), or a directory of those files. Studies are made by worker
//! threads in chunks and written in order; memory stays constant whatever
//! the size (a few chunks in flight).

use super::json::Json;
use super::{Generator, StudyMeta};
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Ndjson,
    Zip,
    Dir,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Ndjson => ".ndjson",
            Format::Zip => ".zip",
            Format::Dir => "",
        }
    }
}

/// Which studies to write.
#[derive(Clone, Copy, Debug)]
pub struct Range {
    pub start: u64,
    pub count: u64,
    pub revision: u32,
}

/// What a corpus holds, measured while writing it.
#[derive(Debug, Default, Serialize)]
pub struct CorpusStats {
    pub studies: u64,
    pub json_bytes: u64,
    pub seconds: f64,
    /// CPU time of the writing process (all threads), user + system.
    pub cpu_s: f64,
    /// Peak resident memory of the writing process so far, MB.
    pub peak_rss_mb: f64,
    pub file_bytes: u64,
    pub by_family: BTreeMap<String, u64>,
    pub by_status: BTreeMap<String, u64>,
    pub by_type: BTreeMap<String, u64>,
    pub by_template: BTreeMap<String, u64>,
    /// Studies listing systemic lupus erythematosus.
    pub sle: u64,
    /// Studies listing any lupus condition.
    pub lupus: u64,
    pub with_results: u64,
    pub sites: u64,
    pub sites_without_geo: u64,
    pub criteria_bytes: u64,
    pub distinct_conditions: u64,
    /// The most frequent conditions with their study counts.
    pub top_conditions: Vec<(String, u64)>,
    #[serde(skip)]
    conditions: HashMap<String, u64>,
}

impl CorpusStats {
    fn add(&mut self, m: &StudyMeta, bytes: usize) {
        self.studies += 1;
        self.json_bytes += bytes as u64;
        *self.by_family.entry(format!("{:?}", m.family)).or_default() += 1;
        *self.by_status.entry(m.status.to_string()).or_default() += 1;
        *self.by_type.entry(m.study_type.to_string()).or_default() += 1;
        *self.by_template.entry(m.template.clone()).or_default() += 1;
        if m.conditions
            .iter()
            .any(|c| c == "Systemic Lupus Erythematosus")
        {
            self.sle += 1;
        }
        if m.conditions.iter().any(|c| c.contains("Lupus")) {
            self.lupus += 1;
        }
        self.with_results += m.has_results as u64;
        self.sites += m.sites as u64;
        self.sites_without_geo += m.sites_without_geo as u64;
        self.criteria_bytes += m.criteria_bytes as u64;
        for c in &m.conditions {
            *self.conditions.entry(c.clone()).or_default() += 1;
        }
    }

    fn merge(&mut self, o: CorpusStats) {
        self.studies += o.studies;
        self.json_bytes += o.json_bytes;
        for (a, b) in [
            (&mut self.by_family, o.by_family),
            (&mut self.by_status, o.by_status),
            (&mut self.by_type, o.by_type),
            (&mut self.by_template, o.by_template),
        ] {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
        }
        self.sle += o.sle;
        self.lupus += o.lupus;
        self.with_results += o.with_results;
        self.sites += o.sites;
        self.sites_without_geo += o.sites_without_geo;
        self.criteria_bytes += o.criteria_bytes;
        for (k, v) in o.conditions {
            *self.conditions.entry(k).or_default() += v;
        }
    }

    fn finish(&mut self) {
        self.distinct_conditions = self.conditions.len() as u64;
        let mut top: Vec<(String, u64)> = self.conditions.drain().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        top.truncate(25);
        self.top_conditions = top;
    }

    /// A few lines for people.
    pub fn summary(&self) -> String {
        let n = self.studies.max(1) as f64;
        let pct = |x: u64| 100.0 * x as f64 / n;
        let mut s = format!(
            "{} studies, {:.1} MB of JSON ({:.1} kB per study), {:.1} MB on disk, in {:.1} s ({:.0} studies/s; {:.1} s CPU, peak RSS {:.0} MB)\n",
            self.studies,
            self.json_bytes as f64 / 1e6,
            self.json_bytes as f64 / n / 1e3,
            self.file_bytes as f64 / 1e6,
            self.seconds,
            self.studies as f64 / self.seconds.max(1e-9),
            self.cpu_s,
            self.peak_rss_mb,
        );
        s += &format!(
            "lupus {:.3}% (SLE {:.3}%), {} distinct conditions, results {:.1}%, {:.1} sites per study ({:.1}% without geoPoint), criteria {:.0} bytes on average\n",
            pct(self.lupus),
            pct(self.sle),
            self.distinct_conditions,
            pct(self.with_results),
            self.sites as f64 / n,
            100.0 * self.sites_without_geo as f64 / (self.sites.max(1) as f64),
            self.criteria_bytes as f64 / n,
        );
        s += "top conditions: ";
        s += &self
            .top_conditions
            .iter()
            .take(10)
            .map(|(c, k)| format!("{c} {:.2}%", pct(*k)))
            .collect::<Vec<_>>()
            .join(", ");
        s.push('\n');
        s
    }
}

/// (CPU seconds, peak RSS MB) of this process.
fn own_usage() -> (f64, f64) {
    // SAFETY: `rusage` is plain data the kernel fills; zeroed is valid.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid out-pointer for our own process.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return (0.0, 0.0);
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (
        tv(ru.ru_utime) + tv(ru.ru_stime),
        ru.ru_maxrss as f64 / 1024.0,
    )
}

/// A chunk of made studies, ready to write.
enum Chunk {
    Lines(Vec<u8>),
    Files(Vec<(String, Vec<u8>)>),
    Zipped(Vec<zip::write::PreparedZipFile>),
}

const CHUNK: u64 = 256;

fn zip_options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // Fast compression: the export is read far more than written here.
        .compression_level(Some(1))
        .last_modified_time(zip::DateTime::default())
}

fn make_chunk(g: &Generator, r: Range, c: u64, format: Format) -> Result<(Chunk, CorpusStats)> {
    let mut stats = CorpusStats::default();
    let lo = r.start + c * CHUNK;
    let hi = (lo + CHUNK).min(r.start + r.count);
    let mut j = Json::with_capacity(32 * 1024);
    let chunk = match format {
        Format::Ndjson => {
            let mut out = Vec::with_capacity(((hi - lo) * 12 * 1024) as usize);
            for i in lo..hi {
                j.clear();
                let m = g.write(i, r.revision, &mut j);
                stats.add(&m, j.buf.len());
                out.extend_from_slice(&j.buf);
                out.push(b'\n');
            }
            Chunk::Lines(out)
        }
        Format::Dir | Format::Zip => {
            let mut files = Vec::with_capacity((hi - lo) as usize);
            let mut zipped = Vec::new();
            for i in lo..hi {
                j.clear();
                let m = g.write(i, r.revision, &mut j);
                stats.add(&m, j.buf.len());
                let name = format!("{}.json", m.id);
                if format == Format::Zip {
                    zipped.push(zip::write::PreparedZipFile::from_data(
                        &name,
                        zip_options(),
                        &j.buf,
                    )?);
                } else {
                    files.push((name, j.buf.clone()));
                }
            }
            if format == Format::Zip {
                Chunk::Zipped(zipped)
            } else {
                Chunk::Files(files)
            }
        }
    };
    Ok((chunk, stats))
}

/// Write studies `range` of `g` to `path` in `format` with `threads`
/// workers; `progress` is told how many studies are written so far.
pub fn write_corpus(
    g: &Generator,
    range: Range,
    format: Format,
    path: &Path,
    threads: usize,
    mut progress: impl FnMut(u64),
) -> Result<CorpusStats> {
    if range.start + range.count > super::MAX_STUDIES {
        bail!(
            "studies {}..{} exceed the id scheme (at most {} studies)",
            range.start,
            range.start + range.count,
            super::MAX_STUDIES
        );
    }
    let started = Instant::now();
    let cpu_before = own_usage().0;
    enum Sink {
        Stream(BufWriter<Box<dyn Write + Send>>),
        Zip(Box<zip::ZipWriter<BufWriter<File>>>),
        Dir,
    }
    let mut sink = match format {
        Format::Ndjson if path == Path::new("-") => Sink::Stream(BufWriter::with_capacity(
            1 << 20,
            Box::new(std::io::stdout()),
        )),
        Format::Ndjson => {
            let f = File::create(path).with_context(|| format!("creating {}", path.display()))?;
            Sink::Stream(BufWriter::with_capacity(1 << 20, Box::new(f)))
        }
        Format::Zip => {
            let f = File::create(path).with_context(|| format!("creating {}", path.display()))?;
            Sink::Zip(Box::new(zip::ZipWriter::new(BufWriter::with_capacity(
                1 << 20,
                f,
            ))))
        }
        Format::Dir => {
            std::fs::create_dir_all(path)
                .with_context(|| format!("creating {}", path.display()))?;
            Sink::Dir
        }
    };

    let chunks = range.count.div_ceil(CHUNK);
    let threads = threads.max(1) as u64;
    let mut total = CorpusStats::default();
    std::thread::scope(|scope| -> Result<()> {
        let mut rxs = Vec::new();
        for w in 0..threads {
            let (tx, rx) = mpsc::sync_channel::<Result<(Chunk, CorpusStats)>>(2);
            rxs.push(rx);
            scope.spawn(move || {
                let mut c = w;
                while c < chunks {
                    if tx.send(make_chunk(g, range, c, format)).is_err() {
                        return;
                    }
                    c += threads;
                }
            });
        }
        let mut written = 0u64;
        for c in 0..chunks {
            let (chunk, stats) = rxs[(c % threads) as usize]
                .recv()
                .context("a generator thread stopped")??;
            written += stats.studies;
            total.merge(stats);
            match (&mut sink, chunk) {
                (Sink::Stream(w), Chunk::Lines(b)) => w.write_all(&b)?,
                (Sink::Zip(z), Chunk::Zipped(files)) => z.add_prepared_files(files)?,
                (Sink::Dir, Chunk::Files(files)) => {
                    for (name, body) in files {
                        let p = path.join(name);
                        std::fs::write(&p, body)
                            .with_context(|| format!("writing {}", p.display()))?;
                    }
                }
                _ => unreachable!("chunks are made in the sink's format"),
            }
            progress(written);
        }
        Ok(())
    })?;
    match sink {
        Sink::Stream(mut w) => w.flush()?,
        Sink::Zip(z) => {
            z.finish()?.flush()?;
        }
        Sink::Dir => {}
    }
    total.seconds = started.elapsed().as_secs_f64();
    let (cpu, peak) = own_usage();
    total.cpu_s = cpu - cpu_before;
    total.peak_rss_mb = peak;
    total.file_bytes = if format == Format::Dir || path == Path::new("-") {
        total.json_bytes
    } else {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    };
    total.finish();
    Ok(total)
}
