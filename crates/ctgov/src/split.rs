//! Splitting a JSON byte stream into records without reading it whole.
//!
//! A document is one or more top-level JSON values. A top-level array
//! yields its elements (`[i]`); an object with a `studies` array (a search
//! page) yields that array's elements (`studies[i]`); any other value is one
//! record (`line N` when the document holds several values). Only strings
//! and brackets are tracked here, to find where each record starts and
//! ends; serde_json reads each record's bytes afterwards and reports its
//! syntax errors, shifted to the record's place in the file.
//!
//! Memory is bounded by [`Limits::max_record_bytes`]: a record larger than
//! that is reported and skipped without being kept, and reading goes on
//! with the next one. A structural error (mismatched bracket, a file that
//! ends inside a value, bytes that are no JSON at the top) ends the
//! document, since nothing after it can be placed.

use std::io::{self, BufRead, BufReader, Read};

/// Bounds on what one import may hold in memory or expand to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest single record (one study's JSON text), in bytes.
    pub max_record_bytes: u64,
    /// Largest ratio of an archive entry's expanded size to its compressed
    /// size (an entry may always expand to `max_record_bytes`).
    pub max_expansion_ratio: u64,
}

impl Default for Limits {
    /// 16 MiB a record (the largest ClinicalTrials.gov study with results
    /// is a few MiB); 100 × for archive entries (study JSON deflates about
    /// 5-10 ×; a zip bomb, thousands).
    fn default() -> Self {
        Limits {
            max_record_bytes: 16 * 1024 * 1024,
            max_expansion_ratio: 100,
        }
    }
}

/// What a document holds, one piece at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// One record's bytes and where it starts (1-based line and column).
    Record {
        bytes: Vec<u8>,
        location: Option<String>,
        line: u64,
        column: u64,
    },
    /// A problem at `location`; `field` when a JSON path is to blame.
    Error {
        location: Option<String>,
        field: Option<String>,
        reason: String,
    },
}

/// A byte reader that knows its line and column.
struct Bytes<R> {
    inner: BufReader<R>,
    line: u64,
    column: u64,
}

impl<R: Read> Bytes<R> {
    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(self.inner.fill_buf()?.first().copied())
    }

    fn bump(&mut self) -> io::Result<Option<u8>> {
        let b = self.peek()?;
        if let Some(b) = b {
            self.inner.consume(1);
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        Ok(b)
    }

    fn skip_whitespace(&mut self) -> io::Result<Option<u8>> {
        while let Some(b) = self.peek()? {
            if !b.is_ascii_whitespace() {
                return Ok(Some(b));
            }
            self.bump()?;
        }
        Ok(None)
    }
}

/// One value's extent, read from the stream.
enum Value {
    /// Its bytes (None when over the limit: only `len` is known).
    Whole {
        bytes: Option<Vec<u8>>,
        len: u64,
        line: u64,
        column: u64,
    },
    /// A top-level object whose `studies` key opens an array: the stream
    /// now stands just after that `[`.
    StudiesArray,
    /// The `studies` key of a top-level object holds something else.
    StudiesNotArray,
}

/// Why a document cannot be read on.
struct Fatal {
    /// What was read of the value that broke (for serde's own message).
    partial: Vec<u8>,
    line: u64,
    column: u64,
    reason: Option<String>,
}

pub struct Splitter<R> {
    src: Bytes<R>,
    cap: u64,
    /// Top-level values started so far.
    top: usize,
    /// Inside a top-level array (`None`) or a page's `studies` (`Some`):
    /// the next element's index.
    array: Option<(Option<&'static str>, usize)>,
    /// After a page's `studies` array, the rest of its object to skip.
    rest_of_page: bool,
    done: bool,
}

impl<R: Read> Splitter<R> {
    pub fn new(reader: R, limits: Limits) -> Self {
        Splitter {
            src: Bytes {
                inner: BufReader::with_capacity(64 * 1024, reader),
                line: 1,
                column: 1,
            },
            cap: limits.max_record_bytes,
            top: 0,
            array: None,
            rest_of_page: false,
            done: false,
        }
    }

    fn io_error(&mut self, e: io::Error) -> Option<Piece> {
        self.done = true;
        Some(Piece::Error {
            location: None,
            field: None,
            reason: format!("cannot read: {e}"),
        })
    }

    fn fatal(&mut self, f: Fatal, location: Option<String>) -> Option<Piece> {
        self.done = true;
        let reason = f.reason.unwrap_or_else(|| {
            match serde_json::from_slice::<serde_json::Value>(&f.partial) {
                Err(e) => json_reason(&e, &f.partial, f.line, f.column),
                Ok(_) => format!(
                    "invalid JSON at line {} column {}: unexpected character",
                    self.src.line, self.src.column
                ),
            }
        });
        Some(Piece::Error {
            location,
            field: None,
            reason,
        })
    }

    fn too_large(&self, len: u64, location: Option<String>) -> Piece {
        Piece::Error {
            location,
            field: None,
            reason: format!(
                "the record is larger than the limit of {} bytes ({len} bytes or more): \
                 skipped (eligo import --max-record-size raises the limit)",
                self.cap
            ),
        }
    }

    /// The next piece of the document, or None at its end.
    pub fn next_piece(&mut self) -> Option<Piece> {
        if self.done {
            return None;
        }
        if let Some((key, i)) = self.array {
            return self.next_element(key, i);
        }
        if self.rest_of_page {
            self.rest_of_page = false;
            if let Err(f) = self.skip_to_object_end() {
                return self.fatal(f, None);
            }
        }
        let first = match self.src.skip_whitespace() {
            Ok(b) => b,
            Err(e) => return self.io_error(e),
        };
        let Some(first) = first else {
            self.done = true;
            if self.top == 0 {
                return Some(Piece::Error {
                    location: None,
                    field: None,
                    reason: "empty file: expected ClinicalTrials.gov JSON".into(),
                });
            }
            return None;
        };
        self.top += 1;
        let line = self.src.line;
        if !matches!(
            first,
            b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
        ) {
            // No JSON value starts so (a text file, /dev/zero): say so
            // once and read no further.
            let f = Fatal {
                partial: Vec::new(),
                line,
                column: self.src.column,
                reason: Some(format!(
                    "invalid JSON at line {line} column {}: expected a JSON value, found {}",
                    self.src.column,
                    describe_byte(first)
                )),
            };
            return self.fatal(f, None);
        }
        if first == b'[' {
            if let Err(e) = self.src.bump() {
                return self.io_error(e);
            }
            self.array = Some((None, 0));
            return self.next_piece();
        }
        let value = match self.value(first == b'{') {
            Ok(v) => v,
            Err(f) => return self.fatal(f, self.top_location(line, true)),
        };
        match value {
            Value::StudiesArray => {
                self.array = Some((Some("studies"), 0));
                self.next_piece()
            }
            Value::StudiesNotArray => {
                self.rest_of_page = true;
                Some(Piece::Error {
                    location: None,
                    field: Some("studies".into()),
                    reason: "expected an array of studies".into(),
                })
            }
            Value::Whole {
                bytes,
                len,
                line,
                column,
            } => {
                // Bytes that are no JSON value at the top: report once and
                // read no further (a text file, /dev/zero).
                if first != b'{' {
                    let valid = bytes
                        .as_deref()
                        .is_some_and(|b| serde_json::from_slice::<serde_json::Value>(b).is_ok());
                    if !valid {
                        let f = Fatal {
                            partial: bytes.unwrap_or_default(),
                            line,
                            column,
                            reason: None,
                        };
                        return self.fatal(f, None);
                    }
                }
                let more = self.src.skip_whitespace().ok().flatten().is_some();
                let location = self.top_location(line, more);
                Some(match bytes {
                    Some(bytes) => Piece::Record {
                        bytes,
                        location,
                        line,
                        column,
                    },
                    None => self.too_large(len, location),
                })
            }
        }
    }

    /// `line N` when the document holds several top-level values.
    fn top_location(&self, line: u64, more: bool) -> Option<String> {
        (self.top > 1 || more).then(|| format!("line {line}"))
    }

    fn next_element(&mut self, key: Option<&'static str>, i: usize) -> Option<Piece> {
        let location = Some(match key {
            Some(k) => format!("{k}[{i}]"),
            None => format!("[{i}]"),
        });
        let b = match self.src.skip_whitespace() {
            Ok(b) => b,
            Err(e) => return self.io_error(e),
        };
        match b {
            Some(b']') if i == 0 => return self.end_array(key),
            Some(_) => {}
            None => {
                let f = Fatal {
                    partial: Vec::new(),
                    line: self.src.line,
                    column: self.src.column,
                    reason: Some(eof_reason(self.src.line, self.src.column)),
                };
                return self.fatal(f, location);
            }
        }
        let value = match self.value(false) {
            Ok(v) => v,
            Err(f) => return self.fatal(f, location),
        };
        // After the element: `,` for another, `]` for the end.
        let sep = match self.src.skip_whitespace() {
            Ok(b) => b,
            Err(e) => return self.io_error(e),
        };
        match sep {
            Some(b',') => {
                let _ = self.src.bump();
                self.array = Some((key, i + 1));
            }
            Some(b']') => {
                let _ = self.src.bump();
                self.array = None;
                if key.is_some() {
                    self.rest_of_page = true;
                }
            }
            other => {
                let reason = match other {
                    None => eof_reason(self.src.line, self.src.column),
                    Some(_) => format!(
                        "invalid JSON at line {} column {}: expected `,` or `]` after an array element",
                        self.src.line, self.src.column
                    ),
                };
                let f = Fatal {
                    partial: Vec::new(),
                    line: 0,
                    column: 0,
                    reason: Some(reason),
                };
                return self.fatal(f, location);
            }
        }
        match value {
            Value::Whole {
                bytes: Some(bytes),
                line,
                column,
                ..
            } => Some(Piece::Record {
                bytes,
                location,
                line,
                column,
            }),
            Value::Whole {
                bytes: None, len, ..
            } => Some(self.too_large(len, location)),
            Value::StudiesArray | Value::StudiesNotArray => None,
        }
    }

    fn end_array(&mut self, key: Option<&'static str>) -> Option<Piece> {
        let _ = self.src.bump();
        self.array = None;
        if key.is_some() {
            self.rest_of_page = true;
        }
        self.next_piece()
    }

    /// Read one value from the stream. With `page`, the value is a
    /// top-level object whose `studies` key, if it opens an array, stops
    /// the reading there.
    fn value(&mut self, page: bool) -> Result<Value, Fatal> {
        let (line, column) = (self.src.line, self.src.column);
        let mut buf: Option<Vec<u8>> = Some(Vec::new());
        let mut len = 0u64;
        let cap = self.cap;
        let keep = |buf: &mut Option<Vec<u8>>, len: &mut u64, b: u8| {
            *len += 1;
            if *len > cap {
                *buf = None;
            } else if let Some(v) = buf.as_mut() {
                v.push(b);
            }
        };
        let fatal = |buf: &Option<Vec<u8>>, reason: Option<String>| Fatal {
            partial: buf.clone().unwrap_or_default(),
            line,
            column,
            reason,
        };
        let io = |e: io::Error| Fatal {
            partial: Vec::new(),
            line,
            column,
            reason: Some(format!("cannot read: {e}")),
        };
        let first = self.src.peek().map_err(io)?;
        match first {
            Some(b'{' | b'[') => {}
            Some(b'"') => {
                self.src.bump().map_err(io)?;
                keep(&mut buf, &mut len, b'"');
                self.string(&mut |b| keep(&mut buf, &mut len, b))
                    .map_err(|r| fatal(&buf, r))?;
                return Ok(Value::Whole {
                    bytes: buf,
                    len,
                    line,
                    column,
                });
            }
            _ => {
                // A number or literal: up to whitespace or a delimiter.
                while let Some(b) = self.src.peek().map_err(io)? {
                    if b.is_ascii_whitespace() || matches!(b, b',' | b']' | b'}') {
                        break;
                    }
                    self.src.bump().map_err(io)?;
                    keep(&mut buf, &mut len, b);
                    if buf.is_none() {
                        break;
                    }
                }
                if len == 0 {
                    // A stray `,`, `]` or `}`.
                    if let Some(b) = self.src.bump().map_err(io)? {
                        keep(&mut buf, &mut len, b);
                    }
                }
                return Ok(Value::Whole {
                    bytes: buf,
                    len,
                    line,
                    column,
                });
            }
        }
        let mut stack: Vec<u8> = Vec::new();
        // Key tracking at depth 1 of a page candidate.
        let mut expect_key = false;
        let mut key: Option<Vec<u8>> = None;
        let mut value_of: Option<Vec<u8>> = None;
        loop {
            let Some(b) = self.src.bump().map_err(io)? else {
                let reason = match serde_json::from_slice::<serde_json::Value>(
                    buf.as_deref().unwrap_or_default(),
                ) {
                    Err(e) if buf.is_some() => {
                        json_reason(&e, buf.as_deref().unwrap_or_default(), line, column)
                    }
                    _ => eof_reason(self.src.line, self.src.column),
                };
                return Err(fatal(&None, Some(reason)));
            };
            if page
                && stack.len() == 1
                && !b.is_ascii_whitespace()
                && let Some(k) = value_of.take()
                && k == b"studies"
            {
                return Ok(if b == b'[' {
                    Value::StudiesArray
                } else {
                    Value::StudiesNotArray
                });
            }
            keep(&mut buf, &mut len, b);
            match b {
                b'"' => {
                    let want_key = page && stack.len() == 1 && expect_key;
                    let mut k = Vec::new();
                    self.string(&mut |c| {
                        keep(&mut buf, &mut len, c);
                        if want_key && k.len() < 64 {
                            k.push(c);
                        }
                    })
                    .map_err(|r| fatal(&buf, r))?;
                    if want_key {
                        k.pop(); // the closing quote
                        key = Some(k);
                        expect_key = false;
                    }
                }
                b'{' | b'[' => {
                    stack.push(if b == b'{' { b'}' } else { b']' });
                    if stack.len() == 1 {
                        expect_key = b == b'{';
                    }
                }
                b'}' | b']' => {
                    if stack.pop() != Some(b) {
                        return Err(fatal(&buf, None));
                    }
                    if stack.is_empty() {
                        return Ok(Value::Whole {
                            bytes: buf,
                            len,
                            line,
                            column,
                        });
                    }
                }
                b',' if stack.len() == 1 => expect_key = true,
                b':' if stack.len() == 1 => value_of = key.take(),
                _ => {}
            }
        }
    }

    /// The rest of a string after its opening quote, each byte (with the
    /// closing quote) given to `keep`. Err(None) for a control byte (serde
    /// names it), Err(Some) at the end of the stream.
    fn string(&mut self, keep: &mut dyn FnMut(u8)) -> Result<(), Option<String>> {
        let mut escaped = false;
        loop {
            let b = match self.src.bump() {
                Ok(Some(b)) => b,
                Ok(None) => return Err(Some(eof_reason(self.src.line, self.src.column))),
                Err(e) => return Err(Some(format!("cannot read: {e}"))),
            };
            keep(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                return Ok(());
            } else if b == b'\n' {
                return Err(None);
            }
        }
    }

    /// Skip what is left of a page object after its `studies` array.
    fn skip_to_object_end(&mut self) -> Result<(), Fatal> {
        let (line, column) = (self.src.line, self.src.column);
        let fatal = |reason: String| Fatal {
            partial: Vec::new(),
            line,
            column,
            reason: Some(reason),
        };
        let mut depth = 1usize;
        loop {
            let b = self
                .src
                .bump()
                .map_err(|e| fatal(format!("cannot read: {e}")))?
                .ok_or_else(|| fatal(eof_reason(self.src.line, self.src.column)))?;
            match b {
                b'"' => self.string(&mut |_| {}).map_err(|r| {
                    fatal(r.unwrap_or_else(|| "invalid JSON: a line break inside a string".into()))
                })?,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
    }
}

fn describe_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("{:?}", b as char)
    } else {
        format!("the byte 0x{b:02X}")
    }
}

fn eof_reason(line: u64, column: u64) -> String {
    format!(
        "invalid JSON at line {line} column {column}: the file ends inside a value \
         (the file ends early: truncated?)"
    )
}

/// A JSON error in words, with its place in the file (the record started
/// at `line`, `column`), and a hint for the commonest causes.
pub fn json_reason(e: &serde_json::Error, bytes: &[u8], line: u64, column: u64) -> String {
    let el = e.line() as u64;
    let (l, c) = if el <= 1 {
        (line, column + (e.column() as u64).saturating_sub(1))
    } else {
        (line + el - 1, e.column() as u64)
    };
    let msg = e.to_string();
    // serde_json appends its own (record-relative) place: drop it.
    let msg = msg
        .rfind(" at line ")
        .map_or(msg.as_str(), |i| &msg[..i])
        .to_string();
    let mut s = format!("invalid JSON at line {l} column {c}: {msg}");
    if std::str::from_utf8(bytes).is_err() {
        s.push_str(" (the file is not valid UTF-8)");
    } else if e.is_eof() {
        s.push_str(" (the file ends early: truncated?)");
    }
    s
}

/// Read one line of at most `cap` bytes (newline excluded) into `buf`.
/// `Ok(None)` at the end; `Ok(Some(n))` with `n` the line's full length
/// (then `buf` is empty when the line was longer than `cap`).
pub fn read_line_capped<R: BufRead>(
    r: &mut R,
    buf: &mut Vec<u8>,
    cap: u64,
) -> io::Result<Option<u64>> {
    buf.clear();
    let mut total = 0u64;
    let mut any = false;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            return Ok(any.then_some(total));
        }
        any = true;
        let (part, found) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => (&chunk[..i], Some(i)),
            None => (chunk, None),
        };
        total += part.len() as u64;
        if total <= cap {
            buf.extend_from_slice(part);
        } else {
            buf.clear();
        }
        let used = found.map_or(part.len(), |i| i + 1);
        r.consume(used);
        if found.is_some() {
            return Ok(Some(total));
        }
    }
}

/// A reader that fails once more than `allowed` bytes came out of it: an
/// archive entry that expands beyond what its compressed size makes
/// plausible.
pub struct Expansion<R> {
    pub inner: R,
    pub read: u64,
    pub allowed: u64,
    pub compressed: u64,
    pub ratio: u64,
}

impl<R: Read> Read for Expansion<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.allowed {
            return Err(io::Error::other(format!(
                "the entry expands to more than {} bytes ({} x its compressed size of {} bytes, \
                 or the record limit): refused as a likely zip bomb \
                 (eligo import --max-expansion-ratio raises the limit)",
                self.allowed, self.ratio, self.compressed
            )));
        }
        Ok(n)
    }
}
