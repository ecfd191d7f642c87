//! What a model's version and default data hash are computed from: its content, never the
//! time it was made, so refitting the same data with the same settings and seed gives the
//! same version.

use xxhash_rust::xxh3::Xxh3;

use crate::file_payload;
use crate::payload::ModelMetadata;

/// Hex xxh3 of a format 2 payload with the creation time left out of its metadata. The
/// metadata is the payload's last field, a postcard string of JSON, so its encoding is swapped
/// for the timeless one without re-encoding the weights.
pub(crate) fn content_version(payload_bytes: &[u8], metadata: &ModelMetadata) -> String {
    let mut hasher = Xxh3::new();
    let stored = file_payload::stored_metadata(metadata);
    let blank = ModelMetadata { created: String::new(), ..stored.clone() };
    let encode = |m: &ModelMetadata| serde_json::to_string(m).ok().and_then(|json| postcard::to_allocvec(&json).ok());
    match (encode(&stored), encode(&blank)) {
        (Some(tail), Some(blank_tail)) if payload_bytes.ends_with(&tail) => {
            hasher.update(&payload_bytes[..payload_bytes.len() - tail.len()]);
            hasher.update(&blank_tail);
        }
        // Not the layout described above: hash everything rather than guess.
        _ => hasher.update(payload_bytes),
    }
    format!("{:016x}", hasher.digest())
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
