//! What a model's version and default data hash are computed from: its content, never the
//! time it was made, so refitting the same data with the same settings and seed gives the
//! same version.

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

/// Hex xxh3 of the payload bytes with the metadata's timestamps left out (`timeless` clears
/// them on a copy). The metadata is the last field of the payload (only the number-mode byte
/// may follow it), so its encoding is swapped for the timeless one without re-encoding the
/// weights.
pub(crate) fn content_version<M: Serialize + Clone>(metadata: &M, timeless: impl FnOnce(&mut M), payload_bytes: &[u8]) -> String {
    let mut blank = metadata.clone();
    timeless(&mut blank);
    let mut hasher = Xxh3::new();
    match (postcard::to_allocvec(metadata), postcard::to_allocvec(&blank)) {
        (Ok(meta), Ok(blank)) => match find_tail(payload_bytes, &meta) {
            Some(start) => {
                hasher.update(&payload_bytes[..start]);
                hasher.update(&blank);
                hasher.update(&payload_bytes[start + meta.len()..]);
            }
            // Not the layout described above: hash everything rather than guess.
            None => hasher.update(payload_bytes),
        },
        _ => hasher.update(payload_bytes),
    }
    format!("{:016x}", hasher.digest())
}

/// Where `meta` starts if it ends the payload, or ends it but for one trailing byte.
fn find_tail(bytes: &[u8], meta: &[u8]) -> Option<usize> {
    (0..=1).find_map(|trailer| {
        let start = bytes.len().checked_sub(meta.len() + trailer)?;
        (bytes.get(start..start + meta.len()) == Some(meta)).then_some(start)
    })
}

/// `xxh3-128:<hex>` of the training texts and labels, recorded as the model's data hash when
/// the caller gives none (files give the hash of their bytes instead). Lengths are hashed
/// before every string so that moving text between fields changes the hash.
pub(crate) fn data_hash_of(texts: &[String], heads: &[(String, Vec<Option<String>>)]) -> String {
    let mut hasher = Xxh3::new();
    let mut put = |s: &str| {
        hasher.update(&(s.len() as u64).to_le_bytes());
        hasher.update(s.as_bytes());
    };
    for text in texts {
        put(text);
    }
    for (name, labels) in heads {
        put(name);
        for label in labels {
            // A missing label and an empty one skip the row alike, so they hash alike.
            put(label.as_deref().unwrap_or(""));
        }
    }
    format!("xxh3-128:{:032x}", hasher.digest128())
}
