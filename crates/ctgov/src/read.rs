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
//! The [`Reader`] streams: one file (one zip entry, one NDJSON line) at a
//! time, so a bulk archive never sits in memory whole. Every problem becomes
//! an [`ImportError`] for that record alone, naming file, location and JSON
//! path; the caller decides whether to go on.

use crate::{ImportError, Origin, Record, map};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

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

/// Resolve paths into the files to read, in order, and open a reader.
/// Fails only when a path does not exist or a directory cannot be listed.
pub fn read_sources(paths: &[PathBuf]) -> Result<Reader, SourceError> {
    let mut files = Vec::new();
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
            let before = files.len();
            walk(p, &mut files)?;
            if files.len() == before {
                return Err(SourceError::EmptyDirectory {
                    path: p.display().to_string(),
                });
            }
        } else {
            files.push((p.clone(), meta.len()));
        }
    }
    let total_bytes = files.iter().map(|(_, n)| n).sum();
    Ok(Reader {
        files: files.into_iter().map(|(p, _)| p).collect(),
        current: None,
        total_bytes,
        bytes_done: 0,
        seen: HashMap::new(),
    })
}

fn walk(dir: &Path, out: &mut Vec<(PathBuf, u64)>) -> Result<(), SourceError> {
    let io = |e| SourceError::Io {
        path: dir.display().to_string(),
        source: e,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for p in entries {
        let meta = std::fs::metadata(&p).map_err(|e| SourceError::Io {
            path: p.display().to_string(),
            source: e,
        })?;
        if meta.is_dir() {
            walk(&p, out)?;
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| DATA_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push((p, meta.len()));
        }
    }
    Ok(())
}

/// What is left to read of the current file.
enum Current {
    /// Items of a parsed JSON document, produced eagerly (one document is small).
    Items(VecDeque<Result<Record, ImportError>>),
    Ndjson {
        file: String,
        reader: BufReader<File>,
        line: u64,
    },
    Zip {
        file: String,
        archive: Box<zip::ZipArchive<File>>,
        next: usize,
        /// The archive's size and the part of it counted in `bytes_done`.
        size: u64,
        counted: u64,
        pending: VecDeque<Result<Record, ImportError>>,
    },
}

/// A stream of records from the resolved sources.
pub struct Reader {
    files: VecDeque<PathBuf>,
    current: Option<Current>,
    total_bytes: u64,
    bytes_done: u64,
    /// id → where it was first read and a hash of its JSON, to catch two
    /// different records with one id in the same run.
    seen: HashMap<String, (Origin, u64)>,
}

impl Reader {
    /// A reader over no files, for documents held in memory ([`Reader::documents`]).
    pub fn from_memory() -> Reader {
        Reader {
            files: VecDeque::new(),
            current: None,
            total_bytes: 0,
            bytes_done: 0,
            seen: HashMap::new(),
        }
    }

    /// Parse one JSON document held in memory (a study, a search page, an
    /// array or NDJSON; not a zip) named `name` in errors.
    pub fn documents(&mut self, name: &str, bytes: &[u8]) -> Vec<Result<Record, ImportError>> {
        self.document(name, None, bytes).into()
    }

    /// Bytes of all source files (for a progress bar).
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }
    /// Bytes read so far.
    pub fn bytes_done(&self) -> u64 {
        self.bytes_done.min(self.total_bytes)
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
                Ok(archive) => Some(Current::Zip {
                    file,
                    archive: Box::new(archive),
                    next: 0,
                    size,
                    counted: 0,
                    pending: VecDeque::new(),
                }),
                Err(e) => {
                    self.bytes_done += size;
                    fail(format!(
                        "not a readable zip archive (truncated or corrupt?): {e}"
                    ))
                }
            };
        }
        if ext == "ndjson" || ext == "jsonl" {
            let f = match File::open(&path) {
                Ok(f) => f,
                Err(e) => return fail(format!("cannot open: {e}")),
            };
            return Some(Current::Ndjson {
                file,
                reader: BufReader::new(f),
                line: 0,
            });
        }
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&magic[..n]);
        if let Err(e) = f.read_to_end(&mut bytes) {
            return fail(format!("cannot read: {e}"));
        }
        self.bytes_done += bytes.len() as u64;
        let items = self.document(&file, None, &bytes);
        Some(Current::Items(items))
    }

    /// Parse one JSON document (a file or a zip entry) into its records.
    fn document(
        &mut self,
        file: &str,
        entry: Option<&str>,
        bytes: &[u8],
    ) -> VecDeque<Result<Record, ImportError>> {
        let at = |loc: Option<String>| Origin {
            file: file.to_string(),
            location: match (entry, loc) {
                (Some(e), Some(l)) => Some(format!("entry {e}, {l}")),
                (Some(e), None) => Some(format!("entry {e}")),
                (None, l) => l,
            },
        };
        let one_error = |origin: Origin, reason: String| {
            VecDeque::from([Err(ImportError {
                origin,
                field: None,
                reason,
            })])
        };
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return one_error(
                at(None),
                "empty file: expected ClinicalTrials.gov JSON".into(),
            );
        }
        let value: Value = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) if e.to_string().starts_with("trailing characters") => {
                // Several JSON values: read it as NDJSON.
                let mut out = VecDeque::new();
                for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
                    if line.iter().all(|b| b.is_ascii_whitespace()) {
                        continue;
                    }
                    out.push_back(self.line(at(Some(format!("line {}", i + 1))), line));
                }
                return out;
            }
            Err(e) => return one_error(at(None), json_reason(&e, bytes)),
        };
        match &value {
            Value::Object(m) if m.contains_key("studies") => match m.get("studies") {
                Some(Value::Array(studies)) => studies
                    .iter()
                    .enumerate()
                    .map(|(i, s)| self.study(at(Some(format!("studies[{i}]"))), s.clone()))
                    .collect(),
                _ => VecDeque::from([Err(ImportError {
                    origin: at(None),
                    field: Some("studies".into()),
                    reason: "expected an array of studies".into(),
                })]),
            },
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, s)| self.study(at(Some(format!("[{i}]"))), s.clone()))
                .collect(),
            _ => VecDeque::from([self.study(at(None), value)]),
        }
    }

    fn line(&mut self, origin: Origin, bytes: &[u8]) -> Result<Record, ImportError> {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => self.study(origin, v),
            Err(e) => Err(ImportError {
                origin,
                field: None,
                reason: json_reason(&e, bytes),
            }),
        }
    }

    fn study(&mut self, origin: Origin, raw: Value) -> Result<Record, ImportError> {
        let trial = map::study_to_trial(&raw).map_err(|e| ImportError {
            origin: origin.clone(),
            field: (!e.path.is_empty()).then_some(e.path),
            reason: e.reason,
        })?;
        let mut h = std::hash::DefaultHasher::new();
        raw.to_string().hash(&mut h);
        let hash = h.finish();
        match self.seen.get(&trial.id) {
            Some((first, first_hash)) if *first_hash != hash => {
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
                self.seen.insert(trial.id.clone(), (origin.clone(), hash));
            }
        }
        Ok(Record { trial, raw, origin })
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

/// A JSON error in words, with its line and column, and a hint for the
/// commonest causes.
fn json_reason(e: &serde_json::Error, bytes: &[u8]) -> String {
    let mut s = format!(
        "invalid JSON at line {} column {}: {e}",
        e.line(),
        e.column()
    );
    if std::str::from_utf8(bytes).is_err() {
        s.push_str(" (the file is not valid UTF-8)");
    } else if e.is_eof() {
        s.push_str(" (the file ends early: truncated?)");
    }
    s
}

impl Iterator for Reader {
    type Item = Result<Record, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.current.take() {
                None => {
                    let path = self.files.pop_front()?;
                    self.current = self.open(path);
                }
                Some(Current::Items(mut items)) => {
                    if let Some(item) = items.pop_front() {
                        self.current = Some(Current::Items(items));
                        return Some(item);
                    }
                }
                Some(Current::Ndjson {
                    file,
                    mut reader,
                    mut line,
                }) => {
                    let mut buf = Vec::new();
                    match reader.read_until(b'\n', &mut buf) {
                        Ok(0) => continue,
                        Ok(n) => {
                            line += 1;
                            self.bytes_done += n as u64;
                            let origin = Origin {
                                file: file.clone(),
                                location: Some(format!("line {line}")),
                            };
                            self.current = Some(Current::Ndjson { file, reader, line });
                            if buf.iter().all(|b| b.is_ascii_whitespace()) {
                                continue;
                            }
                            return Some(self.line(origin, &buf));
                        }
                        Err(e) => {
                            return Some(Err(ImportError {
                                origin: Origin {
                                    file,
                                    location: Some(format!("line {}", line + 1)),
                                },
                                field: None,
                                reason: format!("cannot read: {e}"),
                            }));
                        }
                    }
                }
                Some(Current::Zip {
                    file,
                    mut archive,
                    mut next,
                    size,
                    mut counted,
                    mut pending,
                }) => {
                    if let Some(item) = pending.pop_front() {
                        self.current = Some(Current::Zip {
                            file,
                            archive,
                            next,
                            size,
                            counted,
                            pending,
                        });
                        return Some(item);
                    }
                    if next >= archive.len() {
                        self.bytes_done += size.saturating_sub(counted);
                        continue;
                    }
                    let i = next;
                    next += 1;
                    let read = match archive.by_index(i) {
                        Ok(mut entry) => {
                            if entry.is_dir() {
                                self.bytes_done += entry.compressed_size();
                                counted += entry.compressed_size();
                                Ok(None)
                            } else {
                                let name = entry
                                    .name()
                                    .map(|n| n.into_owned())
                                    .unwrap_or_else(|_| format!("#{}", i + 1));
                                self.bytes_done += entry.compressed_size();
                                counted += entry.compressed_size();
                                let mut bytes = Vec::new();
                                match entry.read_to_end(&mut bytes) {
                                    Ok(_) => Ok(Some((name, bytes))),
                                    Err(e) => Err((Some(name), e.to_string())),
                                }
                            }
                        }
                        Err(e) => Err((None, e.to_string())),
                    };
                    match read {
                        Ok(None) => {}
                        Ok(Some((name, bytes))) => {
                            pending = self.document(&file, Some(&name), &bytes);
                        }
                        Err((name, reason)) => {
                            pending.push_back(Err(ImportError {
                                origin: Origin {
                                    file: file.clone(),
                                    location: Some(match name {
                                        Some(n) => format!("entry {n}"),
                                        None => format!("entry #{}", i + 1),
                                    }),
                                },
                                field: None,
                                reason: format!("cannot read the archive entry (truncated or corrupt?): {reason}"),
                            }));
                        }
                    }
                    self.current = Some(Current::Zip {
                        file,
                        archive,
                        next,
                        size,
                        counted,
                        pending,
                    });
                }
            }
        }
    }
}
