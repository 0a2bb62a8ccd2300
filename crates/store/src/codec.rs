//! How the store keeps large JSON values: compressed, behind a one-byte
//! format tag and the uncompressed length.
//!
//! A ClinicalTrials.gov record is about 10 kB of JSON, the eligo model of it
//! about 5 kB and its compiled criteria about 3.5 kB; the whole registry
//! (560,000 studies) would take 10 GB as text. Compressed they take about a
//! third, which also means a third of the bytes to write at import and to
//! read when the server loads a trial (measured in docs/scale.md).
//!
//! Values are written as Zstandard at level 1: on the generator's records
//! it compresses as well as deflate at level 2 (3.2:1) in a third of the
//! time, and reads back twice as fast (docs/scale.md). Values written as
//! deflate by an earlier eligo still read; they are rewritten as Zstandard
//! when next written.

use std::cell::RefCell;
use std::io::Read;

/// Format tag: deflate (RFC 1951) after a little-endian u32 length. Read
/// only: what eligo wrote before the Zstandard format.
const DEFLATE: u8 = 1;

/// Format tag: one Zstandard frame (RFC 8878) after a little-endian u32
/// length.
const ZSTD: u8 = 2;

/// Compression level: the fast end, since import speed matters and JSON
/// compresses about as well at level 1 as at level 3.
const LEVEL: i32 = 1;

/// The largest length [`unpack`] believes: a corrupt one must not allocate
/// gigabytes (the largest real record is well under 1 MB).
const MAX_LEN: usize = 256 << 20;

/// Compress `bytes` (JSON) for storing.
pub fn pack(bytes: &[u8]) -> Vec<u8> {
    thread_local! {
        // One compression context per thread, reused (making one per value
        // costs about as much as compressing a small value), and the buffer
        // it writes into.
        static COMPRESSOR: RefCell<(Option<zstd::bulk::Compressor<'static>>, Vec<u8>)> =
            const { RefCell::new((None, Vec::new())) };
    }
    let mut out = vec![ZSTD];
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    let packed = COMPRESSOR.with(|c| {
        let (compressor, buf) = &mut *c.borrow_mut();
        if compressor.is_none() {
            *compressor = zstd::bulk::Compressor::new(LEVEL).ok();
        }
        let compressor = compressor.as_mut()?;
        buf.clear();
        // The capacity bounds what the compressor writes.
        buf.reserve(zstd::zstd_safe::compress_bound(bytes.len()));
        compressor.compress_to_buffer(bytes, buf).ok()?;
        out.extend_from_slice(buf);
        // A huge value once must not keep its buffer for the thread's life.
        if buf.capacity() > 1 << 20 {
            *buf = Vec::new();
        }
        Some(())
    });
    if packed.is_none() {
        // Only when zstd cannot allocate a context: the same frame, made
        // with a context of its own (and empty if even that fails, which
        // `unpack` then refuses rather than misreads).
        out.extend(zstd::bulk::compress(bytes, LEVEL).unwrap_or_default());
    }
    out
}

/// Why stored bytes could not be unpacked.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("empty value")]
    Empty,
    #[error("unknown storage format {0} (written by a newer eligo?)")]
    Format(u8),
    #[error("corrupt compressed value: {0}")]
    Corrupt(String),
}

/// The bytes [`pack`] was given (or an earlier eligo's deflate `pack`).
pub fn unpack(stored: &[u8]) -> Result<Vec<u8>, CodecError> {
    let (&tag, rest) = stored.split_first().ok_or(CodecError::Empty)?;
    if tag != DEFLATE && tag != ZSTD {
        return Err(CodecError::Format(tag));
    }
    if rest.len() < 4 {
        return Err(CodecError::Corrupt("no length".into()));
    }
    let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    let body = &rest[4..];
    let out = if tag == ZSTD {
        if len > MAX_LEN {
            return Err(CodecError::Corrupt(format!("a length of {len} bytes")));
        }
        // Decompressing into exactly `len` bytes fails if the frame holds more.
        zstd::bulk::decompress(body, len).map_err(|e| CodecError::Corrupt(e.to_string()))?
    } else {
        let mut out = Vec::with_capacity(len.min(MAX_LEN));
        flate2::read::DeflateDecoder::new(body)
            .read_to_end(&mut out)
            .map_err(|e| CodecError::Corrupt(e.to_string()))?;
        out
    };
    if out.len() != len {
        return Err(CodecError::Corrupt(format!(
            "{} bytes where {len} were stored",
            out.len()
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_damage() {
        let json = br#"{"id":"NCT00000001","text":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#;
        let z = pack(json);
        assert!(z.len() < json.len());
        assert_eq!(unpack(&z).unwrap(), json);
        assert_eq!(unpack(&pack(b"")).unwrap(), b"");
        assert!(matches!(unpack(&[]), Err(CodecError::Empty)));
        assert!(matches!(
            unpack(&[9, 0, 0, 0, 0]),
            Err(CodecError::Format(9))
        ));
        let mut bad = z.clone();
        bad[1] ^= 0x01; // a wrong length
        assert!(unpack(&bad).is_err());
        assert!(unpack(&z[..z.len() - 3]).is_err());
        let mut huge = z.clone();
        huge[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(unpack(&huge).is_err());
    }

    #[test]
    fn writes_zstandard_and_reads_the_deflate_of_earlier_versions() {
        let json = br#"{"id":"NCT00000001","brief_title":"A study of a study of a study"}"#;
        let z = pack(json);
        assert_eq!(z[0], ZSTD);
        // A Zstandard frame starts with its magic number, 0xFD2FB528 (RFC 8878 3.1.1).
        assert_eq!(z[5..9], [0x28, 0xB5, 0x2F, 0xFD]);
        // What eligo's deflate `pack` wrote: the tag, the length, a raw deflate stream.
        let mut old = vec![DEFLATE];
        old.extend_from_slice(&(json.len() as u32).to_le_bytes());
        let mut e = flate2::write::DeflateEncoder::new(old, flate2::Compression::new(2));
        std::io::Write::write_all(&mut e, json).unwrap();
        let old = e.finish().unwrap();
        assert_eq!(unpack(&old).unwrap(), json);
        let mut bad = old.clone();
        bad[1] ^= 0x01;
        assert!(unpack(&bad).is_err());
        // Many values on one thread reuse its context and give the same bytes back.
        for i in 0..200 {
            let v = format!("{{\"n\":{i},\"text\":\"{}\"}}", "word ".repeat(i));
            assert_eq!(unpack(&pack(v.as_bytes())).unwrap(), v.as_bytes());
        }
    }
}
