//! Reading ClinicalTrials.gov API v2 JSON in every form a user has on disk.
//!
//! | form | how it is recognised |
//! |---|---|
//! | one study | a JSON object with `protocolSection` |
//! | a search response page | a JSON object with a `studies` array (`nextPageToken` ignored) |
//! | a JSON array of studies | a top-level array |
//! | NDJSON | `.ndjson` / `.jsonl`, or a file holding several JSON values one per line |
//! | a zip (the bulk download) | `PK` magic bytes or `.zip`; every file entry is read as above |
//! | a directory | walked recursively; `.json`, `.ndjson`, `.jsonl` and `.zip` files, sorted by path |
//!
//! The [`Reader`] streams one record at a time (a study of a file, of a
//! search page or array, of an NDJSON line, of a zip entry), so neither a
//! bulk archive nor a large file ever sits in memory whole ([`crate::split`]).
//! [`Limits`] bound one record's size and an archive entry's expansion.
//! Every problem becomes an [`ImportError`] for that record alone, naming
//! file, location (entry, line, index) and JSON path; the caller decides
//! whether to go on.

use crate::split::{self, Expansion, Piece, Splitter};
use crate::{ImportError, Origin, Record, map};
use serde_json::Value;
pub use split::Limits;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fs::File;
use std::hash::Hasher;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// A source that cannot be read at all (before any record is).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the directory holds no .json, .ndjson, .jsonl or .zip file")]
    EmptyDirectory { path: String },
}

const DATA_EXTENSIONS: &[&str] = &["json", "ndjson", "jsonl", "zip"];

/// Resolve paths into the files to read, in order, and open a reader with
/// the default [`Limits`].
pub fn read_sources(paths: &[PathBuf]) -> Result<Reader, SourceError> {
    read_sources_with(paths, Limits::default())
}

/// [`read_sources`] with explicit limits. Fails only when a named path does
/// not exist or cannot be read; inside a directory, an entry that cannot be
/// read (a dangling link, a symlink loop) becomes an error of its own and
/// the rest is read.
pub fn read_sources_with(paths: &[PathBuf], limits: Limits) -> Result<Reader, SourceError> {
    let mut sources = Vec::new();
    let mut total_bytes = 0;
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => SourceError::NotFound {
                path: p.display().to_string(),
            },
            _ => SourceError::Io {
                path: p.display().to_string(),
                source: e,
            },
        })?;
        if meta.is_dir() {
            let before = sources.len();
            let mut visited = HashSet::new();
            walk(p, &mut sources, &mut visited, &mut total_bytes)?;
            if !sources[before..]
                .iter()
                .any(|s| matches!(s, Source::File(_)))
            {
                return Err(SourceError::EmptyDirectory {
                    path: p.display().to_string(),
                });
            }
        } else {
            total_bytes += meta.len();
            sources.push(Source::File(p.clone()));
        }
    }
    Ok(Reader {
        sources: sources.into(),
        current: None,
        total_bytes,
        bytes_done: Arc::new(AtomicU64::new(0)),
        seen: HashMap::new(),
        files: Vec::new(),
        limits,
    })
}

/// A file to read, or a directory entry that could not be.
enum Source {
    File(PathBuf),
    Problem(ImportError),
}

fn problem(path: &Path, reason: String) -> Source {
    Source::Problem(ImportError {
        origin: Origin {
            file: path.display().to_string(),
            location: None,
        },
        field: None,
        reason,
    })
}

fn walk(
    dir: &Path,
    out: &mut Vec<Source>,
    visited: &mut HashSet<PathBuf>,
    total: &mut u64,
) -> Result<(), SourceError> {
    let io = |e| SourceError::Io {
        path: dir.display().to_string(),
        source: e,
    };
    // A directory reached twice (a symlink to an ancestor) is read once.
    let real = std::fs::canonicalize(dir).map_err(io)?;
    if !visited.insert(real.clone()) {
        out.push(problem(
            dir,
            format!(
                "a symbolic link loop: this is {} again, already being read; skipped",
                real.display()
            ),
        ));
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for p in entries {
        let data = p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| DATA_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        match std::fs::metadata(&p) {
            Ok(meta) if meta.is_dir() => {
                if let Err(e) = walk(&p, out, visited, total) {
                    out.push(problem(&p, format!("cannot read the directory: {e}")));
                }
            }
            Ok(meta) if data => {
                *total += meta.len();
                out.push(Source::File(p));
            }
            Ok(_) => {}
            // A link that leads nowhere, or round in a circle.
            Err(e) if data || std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_symlink()) => {
                out.push(problem(&p, format!("cannot read: {e}; skipped")));
            }
            Err(_) => {}
        }
    }
    visited.remove(&real);
    Ok(())
}
/// What is left to read of the current file.
enum Current {
    /// Pieces held in memory (a problem found before reading).
    Items(VecDeque<Result<Record, ImportError>>),
    /// A JSON document (one study, a search page, an array, several values).
    Json {
        file: String,
        splitter: Box<Splitter<Counted<File>>>,
    },
    Ndjson {
        file: String,
        reader: BufReader<Counted<File>>,
        line: u64,
    },
    /// A zip archive, read on its own thread (an entry borrows the
    /// archive, so it cannot be kept between two calls of `next`).
    Zip {
        file: String,
        pieces: Receiver<(String, Piece)>,
        size: u64,
        counted: Arc<AtomicU64>,
    },
}

/// A stream of records from the resolved sources.
pub struct Reader {
    sources: VecDeque<Source>,
    current: Option<Current>,
    total_bytes: u64,
    bytes_done: Arc<AtomicU64>,
    /// id → where it was first read and a hash of its JSON, to catch two
    /// different records with one id in the same run. Kept for every record
    /// of the run, so compact: the file by its number in `files`.
    seen: HashMap<Box<str>, Seen>,
    /// The files records were read from, in order (see [`Seen`]).
    files: Vec<String>,
    limits: Limits,
}

/// Where an id was first read in this run, and the hash of its JSON.
struct Seen {
    /// Index in [`Reader::files`].
    file: u32,
    location: Option<Box<str>>,
    hash: u64,
}

/// An `io::Write` that feeds a hasher.
struct HashWriter<H>(H);

impl<H: Hasher> std::io::Write for HashWriter<H> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A reader that counts what it reads into a shared total (progress).
pub struct Counted<R> {
    inner: R,
    done: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Reader {
    /// A reader over no files, for documents held in memory ([`Reader::documents`]).
    pub fn from_memory() -> Reader {
        Reader {
            sources: VecDeque::new(),
            current: None,
            total_bytes: 0,
            bytes_done: Arc::new(AtomicU64::new(0)),
            seen: HashMap::new(),
            files: Vec::new(),
            limits: Limits::default(),
        }
    }

    /// Parse one JSON document held in memory (a study, a search page, an
    /// array or NDJSON; not a zip) named `name` in errors.
    pub fn documents(&mut self, name: &str, bytes: &[u8]) -> Vec<Result<Record, ImportError>> {
        let mut splitter = Splitter::new(bytes, self.limits);
        let mut out = Vec::new();
        while let Some(p) = splitter.next_piece() {
            out.push(self.piece(name, None, p));
        }
        out
    }

    /// Bytes of all source files (for a progress bar).
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }
    /// Bytes read so far.
    pub fn bytes_done(&self) -> u64 {
        self.bytes_done
            .load(Ordering::Relaxed)
            .min(self.total_bytes)
    }

    fn open(&mut self, path: PathBuf) -> Option<Current> {
        let file = path.display().to_string();
        let fail = |reason: String| {
            Some(Current::Items(VecDeque::from([Err(ImportError {
                origin: Origin {
                    file: file.clone(),
                    location: None,
                },
                field: None,
                reason,
            })])))
        };
        let mut f = match File::open(&path) {
            Ok(f) => f,
            Err(e) => return fail(format!("cannot open: {e}")),
        };
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .unwrap_or_default();
        let mut magic = [0u8; 4];
        let n = read_prefix(&mut f, &mut magic);
        if n == 4 && (&magic == b"PK\x03\x04" || &magic == b"PK\x05\x06") || ext == "zip" {
            let size = f.metadata().map(|m| m.len()).unwrap_or(0);
            return match zip::ZipArchive::new(f) {
                Ok(archive) => {
                    let counted = Arc::new(AtomicU64::new(0));
                    let (tx, rx) = sync_channel(4);
                    let limits = self.limits;
                    let done = (self.bytes_done.clone(), counted.clone());
                    let spawned = std::thread::Builder::new()
                        .name("eligo-zip".into())
                        .spawn(move || read_archive(archive, limits, &tx, &done));
                    match spawned {
                        Ok(_) => Some(Current::Zip {
                            file,
                            pieces: rx,
                            size,
                            counted,
                        }),
                        Err(e) => fail(format!("cannot start reading the archive: {e}")),
                    }
                }
                Err(e) => {
                    self.bytes_done.fetch_add(size, Ordering::Relaxed);
                    fail(format!(
                        "not a readable zip archive (truncated or corrupt?): {e}"
                    ))
                }
            };
        }
        // Start again from the first byte, counting as we go.
        let f = match File::open(&path) {
            Ok(f) => f,
            Err(e) => return fail(format!("cannot open: {e}")),
        };
        let counted = Counted {
            inner: f,
            done: self.bytes_done.clone(),
        };
        if ext == "ndjson" || ext == "jsonl" {
            return Some(Current::Ndjson {
                file,
                reader: BufReader::with_capacity(64 * 1024, counted),
                line: 0,
            });
        }
        Some(Current::Json {
            file,
            splitter: Box::new(Splitter::new(counted, self.limits)),
        })
    }

    /// A piece of `file` (inside archive `entry`) as a record or an error.
    fn piece(
        &mut self,
        file: &str,
        entry: Option<&str>,
        piece: Piece,
    ) -> Result<Record, ImportError> {
        let origin = |loc: Option<String>| Origin {
            file: file.to_string(),
            location: match (entry, loc) {
                (Some(e), Some(l)) => Some(format!("entry {e}, {l}")),
                (Some(e), None) => Some(format!("entry {e}")),
                (None, l) => l,
            },
        };
        match piece {
            Piece::Error {
                location,
                field,
                reason,
            } => Err(ImportError {
                origin: origin(location),
                field,
                reason,
            }),
            Piece::Record {
                bytes,
                location,
                line,
                column,
            } => match serde_json::from_slice::<Value>(&bytes) {
                Ok(v) => self.study(origin(location), v),
                Err(e) => Err(ImportError {
                    origin: origin(location),
                    field: None,
                    reason: split::json_reason(&e, &bytes, line, column),
                }),
            },
        }
    }

    fn study(&mut self, origin: Origin, raw: Value) -> Result<Record, ImportError> {
        let trial = map::study_to_trial(&raw).map_err(|e| ImportError {
            origin: origin.clone(),
            field: (!e.path.is_empty()).then_some(e.path),
            reason: e.reason,
        })?;
        // The hash of the record's JSON text, written into the hasher as it
        // is serialised (no copy of the text).
        let mut h = HashWriter(std::hash::DefaultHasher::new());
        let _ = serde_json::to_writer(&mut h, &raw);
        let hash = h.0.finish();
        match self.seen.get(trial.id.as_str()) {
            Some(first) if first.hash != hash => {
                let first = Origin {
                    file: self.files[first.file as usize].clone(),
                    location: first.location.as_deref().map(str::to_string),
                };
                return Err(ImportError {
                    field: Some("protocolSection.identificationModule.nctId".into()),
                    reason: format!(
                        "duplicate id {}: a different record with this id was already read \
                         in this import at {first}; this one is skipped",
                        trial.id
                    ),
                    origin,
                });
            }
            Some(_) => {}
            None => {
                if self.files.last() != Some(&origin.file) {
                    self.files.push(origin.file.clone());
                }
                let seen = Seen {
                    file: u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX),
                    location: origin.location.as_deref().map(Box::from),
                    hash,
                };
                self.seen.insert(trial.id.as_str().into(), seen);
            }
        }
        Ok(Record { trial, raw, origin })
    }
}

/// Read every entry of `archive`, sending its pieces (with the entry's
/// name) until the receiver goes away. `done.0` is the import's progress,
/// `done.1` this archive's part of it (compressed bytes).
fn read_archive(
    mut archive: zip::ZipArchive<File>,
    limits: Limits,
    tx: &SyncSender<(String, Piece)>,
    done: &(Arc<AtomicU64>, Arc<AtomicU64>),
) {
    let error = |reason: String| Piece::Error {
        location: None,
        field: None,
        reason,
    };
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                let reason = format!("cannot read the archive entry (truncated or corrupt?): {e}");
                if tx.send((format!("#{}", i + 1), error(reason))).is_err() {
                    return;
                }
                continue;
            }
        };
        let compressed = entry.compressed_size();
        done.0.fetch_add(compressed, Ordering::Relaxed);
        done.1.fetch_add(compressed, Ordering::Relaxed);
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("#{}", i + 1));
        let allowed = compressed
            .saturating_mul(limits.max_expansion_ratio)
            .max(limits.max_record_bytes);
        if entry.size() > allowed {
            let reason = format!(
                "the entry says it expands to {} bytes, more than {} ({} x its compressed size of \
                 {compressed} bytes, or the record limit): refused as a likely zip bomb \
                 (eligo import --max-expansion-ratio raises the limit)",
                entry.size(),
                allowed,
                limits.max_expansion_ratio
            );
            if tx.send((name, error(reason))).is_err() {
                return;
            }
            continue;
        }
        let lower = name.to_ascii_lowercase();
        let ndjson = lower.ends_with(".ndjson") || lower.ends_with(".jsonl");
        let reader = Expansion {
            inner: &mut entry,
            read: 0,
            allowed,
            compressed,
            ratio: limits.max_expansion_ratio,
        };
        let send = |p: Piece| {
            let p = match p {
                Piece::Error {
                    location,
                    field,
                    reason,
                } if reason.starts_with("cannot read: ") => {
                    let why = &reason["cannot read: ".len()..];
                    Piece::Error {
                        location,
                        field,
                        reason: if why.contains("zip bomb") {
                            why.to_string()
                        } else {
                            format!("cannot read the archive entry (truncated or corrupt?): {why}")
                        },
                    }
                }
                p => p,
            };
            tx.send((name.clone(), p)).is_ok()
        };
        if ndjson {
            let mut lines = BufReader::new(reader);
            let mut line = 0;
            loop {
                match ndjson_line(&mut lines, &mut line, limits) {
                    None => break,
                    Some(p) => {
                        if !send(p) {
                            return;
                        }
                    }
                }
            }
        } else {
            let mut splitter = Splitter::new(reader, limits);
            while let Some(p) = splitter.next_piece() {
                if !send(p) {
                    return;
                }
            }
        }
    }
}

/// The next non-blank NDJSON line as a piece (None at the end).
fn ndjson_line<R: std::io::BufRead>(r: &mut R, line: &mut u64, limits: Limits) -> Option<Piece> {
    let mut buf = Vec::new();
    loop {
        let n = match split::read_line_capped(r, &mut buf, limits.max_record_bytes) {
            Ok(Some(n)) => n,
            Ok(None) => return None,
            Err(e) => {
                return Some(Piece::Error {
                    location: Some(format!("line {}", *line + 1)),
                    field: None,
                    reason: format!("cannot read: {e}"),
                });
            }
        };
        *line += 1;
        let location = Some(format!("line {line}"));
        if n > limits.max_record_bytes {
            return Some(Piece::Error {
                location,
                field: None,
                reason: format!(
                    "the record is larger than the limit of {} bytes ({n} bytes): skipped \
                     (eligo import --max-record-size raises the limit)",
                    limits.max_record_bytes
                ),
            });
        }
        if buf.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        return Some(Piece::Record {
            bytes: std::mem::take(&mut buf),
            location,
            line: *line,
            column: 1,
        });
    }
}

fn read_prefix(f: &mut File, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n
}

impl Iterator for Reader {
    type Item = Result<Record, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.current.take() {
                None => match self.sources.pop_front()? {
                    Source::Problem(e) => return Some(Err(e)),
                    Source::File(path) => self.current = self.open(path),
                },
                Some(Current::Items(mut items)) => {
                    if let Some(item) = items.pop_front() {
                        self.current = Some(Current::Items(items));
                        return Some(item);
                    }
                }
                Some(Current::Json { file, mut splitter }) => {
                    if let Some(p) = splitter.next_piece() {
                        let item = self.piece(&file, None, p);
                        self.current = Some(Current::Json { file, splitter });
                        return Some(item);
                    }
                }
                Some(Current::Ndjson {
                    file,
                    mut reader,
                    mut line,
                }) => {
                    if let Some(p) = ndjson_line(&mut reader, &mut line, self.limits) {
                        let item = self.piece(&file, None, p);
                        self.current = Some(Current::Ndjson { file, reader, line });
                        return Some(item);
                    }
                }
                Some(Current::Zip {
                    file,
                    pieces,
                    size,
                    counted,
                }) => match pieces.recv() {
                    Ok((entry, p)) => {
                        let item = self.piece(&file, Some(&entry), p);
                        self.current = Some(Current::Zip {
                            file,
                            pieces,
                            size,
                            counted,
                        });
                        return Some(item);
                    }
                    Err(_) => {
                        let rest = size.saturating_sub(counted.load(Ordering::Relaxed));
                        self.bytes_done.fetch_add(rest, Ordering::Relaxed);
                    }
                },
            }
        }
    }
}
