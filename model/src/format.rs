//! The model file envelope: `magic | format version | payload length | crc32 | payload`.
//!
//! All integers are little-endian. The header is checked (magic, version, declared length
//! against the bytes actually present, checksum) before the payload is decoded, so a
//! foreign, truncated or corrupt file is rejected before anything large is allocated.

use std::io::Read;
use std::path::Path;

use crate::error::{FormatError, ModelError};

/// First bytes of every model file.
pub const MAGIC: &[u8; 8] = b"TKMODEL\0";
/// Newest format version this build writes and reads (it also reads version 1).
pub const FORMAT_VERSION: u32 = 2;
/// Header size in bytes.
pub const HEADER_LEN: usize = 8 + 4 + 8 + 4;
/// Largest payload accepted (guards against absurd declared lengths).
pub const MAX_PAYLOAD: u64 = 1 << 32;

/// Wrap a payload in the header of the current version.
pub fn encode(payload: &[u8]) -> Vec<u8> {
    encode_version(FORMAT_VERSION, payload)
}

/// Wrap a payload in the header of format `version` (tests write old files with it).
pub fn encode_version(version: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// Parsed header fields.
struct Header {
    version: u32,
    payload_len: u64,
    crc: u32,
}

fn parse_header(bytes: &[u8]) -> Result<Header, FormatError> {
    let magic_part = &bytes[..bytes.len().min(MAGIC.len())];
    if magic_part != &MAGIC[..magic_part.len()] {
        return Err(FormatError::BadMagic);
    }
    if bytes.len() < HEADER_LEN {
        return Err(FormatError::Truncated { expected: HEADER_LEN as u64, found: bytes.len() as u64 });
    }
    let u32_at = |o: usize| u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
    let version = u32_at(8);
    if version == 0 || version > FORMAT_VERSION {
        return Err(FormatError::UnsupportedVersion { found: version, supported: FORMAT_VERSION });
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[12..20]);
    let payload_len = u64::from_le_bytes(len);
    if payload_len > MAX_PAYLOAD {
        return Err(FormatError::Corrupt(format!("declared payload of {payload_len} bytes is too large")));
    }
    Ok(Header { version, payload_len, crc: u32_at(20) })
}

/// Check the envelope and return the payload slice.
pub fn decode(bytes: &[u8]) -> Result<&[u8], FormatError> {
    decode_versioned(bytes).map(|(_, payload)| payload)
}

/// Check the envelope and return the format version and the payload slice.
pub fn decode_versioned(bytes: &[u8]) -> Result<(u32, &[u8]), FormatError> {
    let h = parse_header(bytes)?;
    let expected = HEADER_LEN as u64 + h.payload_len;
    let found = bytes.len() as u64;
    if found < expected {
        return Err(FormatError::Truncated { expected, found });
    }
    if found > expected {
        return Err(FormatError::Corrupt(format!("{} trailing bytes after the payload", found - expected)));
    }
    let payload = &bytes[HEADER_LEN..];
    if crc32fast::hash(payload) != h.crc {
        return Err(FormatError::ChecksumMismatch);
    }
    Ok((h.version, payload))
}

/// Read a model file, validating the header against the file size before reading the payload.
pub fn read_file(path: &Path) -> Result<Vec<u8>, ModelError> {
    let mut f = std::fs::File::open(path).map_err(|e| ModelError::io(path, e))?;
    let file_len = f.metadata().map_err(|e| ModelError::io(path, e))?.len();
    let mut head = Vec::with_capacity(HEADER_LEN);
    (&mut f).take(HEADER_LEN as u64).read_to_end(&mut head).map_err(|e| ModelError::io(path, e))?;
    let h = parse_header(&head)?;
    let expected = HEADER_LEN as u64 + h.payload_len;
    if file_len < expected {
        return Err(FormatError::Truncated { expected, found: file_len }.into());
    }
    if file_len > expected {
        return Err(FormatError::Corrupt(format!("{} trailing bytes after the payload", file_len - expected)).into());
    }
    let mut bytes = head;
    bytes.reserve_exact(h.payload_len as usize);
    (&mut f).take(h.payload_len).read_to_end(&mut bytes).map_err(|e| ModelError::io(path, e))?;
    Ok(bytes)
}
