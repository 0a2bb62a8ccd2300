//! How the store keeps large JSON values: deflate-compressed, behind a
//! one-byte format tag and the uncompressed length.
//!
//! A ClinicalTrials.gov record is about 10 kB of JSON, the eligo model of it
//! about 5 kB and its compiled criteria about 3.5 kB; the whole registry
//! (560,000 studies) would take 10 GB as text. Compressed they take about a
//! quarter, which also means a quarter of the bytes to write at import and
//! to read when the server loads a trial (measured in docs/scale.md).

use std::io::{Read, Write};

/// Format tag: deflate (RFC 1951) after a little-endian u32 length.
const DEFLATE: u8 = 1;

/// Compression level: the fast end, since import speed matters and JSON
/// compresses well at any level.
const LEVEL: u32 = 2;

/// Compress `bytes` (JSON) for storing.
pub fn pack(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 3 + 16);
    out.push(DEFLATE);
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    let mut enc = flate2::write::DeflateEncoder::new(out, flate2::Compression::new(LEVEL));
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
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

/// The bytes [`pack`] was given.
pub fn unpack(stored: &[u8]) -> Result<Vec<u8>, CodecError> {
    let (&tag, rest) = stored.split_first().ok_or(CodecError::Empty)?;
    if tag != DEFLATE {
        return Err(CodecError::Format(tag));
    }
    if rest.len() < 4 {
        return Err(CodecError::Corrupt("no length".into()));
    }
    let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    // The length is a hint only: a corrupt one must not allocate gigabytes.
    let mut out = Vec::with_capacity(len.min(64 << 20));
    flate2::read::DeflateDecoder::new(&rest[4..])
        .read_to_end(&mut out)
        .map_err(|e| CodecError::Corrupt(e.to_string()))?;
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
    }
}
