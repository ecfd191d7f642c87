//! Payload bytes <-> [`Payload`]: postcard, an optional number-mode byte, canonical only;
//! files from before `ModelMetadata::tuning` still load.

use std::borrow::Cow;
use serde::{Deserialize, Serialize};

use crate::error::{FormatError, ModelError};
use crate::features::PipelineConfig;
use crate::head_weights::HeadWeights;
use crate::metadata::ModelMetadata;
use crate::numbers::NumberMode;
use crate::tune_summary::without_tuning;

/// Everything that goes into the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Payload {
    pub pipeline: PipelineConfig,
    /// Sorted feature keys; column = position.
    pub keys: Vec<u32>,
    pub idf: Vec<f32>,
    pub heads: Vec<HeadWeights>,
    pub metadata: ModelMetadata,
}

/// The payload bytes: postcard, then one number-mode byte unless the mode is `Fold` (which
/// keeps fold models byte-identical to those written before the option existed).
pub(crate) fn encode_payload(payload: &Payload) -> Result<Vec<u8>, postcard::Error> {
    let mut bytes = postcard::to_allocvec(payload)?;
    if payload.pipeline.numbers != NumberMode::Fold {
        bytes.push(payload.pipeline.numbers.code());
    }
    Ok(bytes)
}

/// Decode payload bytes, in the current layout or in the one before `ModelMetadata::tuning`
/// (whose files end right before it; their number-mode byte, if any, follows the heads).
/// Returns the payload and its current-layout bytes, which the model's version hashes, so an
/// older file keeps the version it gets here when saved again.
pub(crate) fn decode_payload(bytes: &[u8]) -> Result<(Payload, Cow<'_, [u8]>), ModelError> {
    let current = match decode_exact(bytes) {
        Ok(payload) => return Ok((payload, Cow::Borrowed(bytes))),
        Err(e) => e,
    };
    let older = match without_tuning(|| decode_exact(bytes)) {
        Ok(payload) => {
            let canonical = encode_payload(&payload).map_err(|e| FormatError::Corrupt(e.to_string()))?;
            return Ok((payload, Cow::Owned(canonical)));
        }
        Err(e) => e,
    };
    // Of the two failed readings, the one that got further names the problem.
    Err(if older.0 > current.0 { older.1 } else { current.1 })
}

/// How far a failed reading got: 0 = not a payload, 1 = a payload with wrong bytes around it.
type Failure = (u8, ModelError);

/// `bytes` as a payload, if they are its canonical encoding.
fn decode_exact(bytes: &[u8]) -> Result<Payload, Failure> {
    let corrupt = |stage: u8, message: String| (stage, ModelError::from(FormatError::Corrupt(message)));
    let (mut payload, rest): (Payload, &[u8]) = postcard::take_from_bytes(bytes).map_err(|e| corrupt(0, e.to_string()))?;
    // The version hashes the payload bytes: junk after the encoded model would load fine
    // and give the same model a different version (found by fuzzing). The one byte allowed
    // there is a non-fold number mode (files without it, all older ones, mean `Fold`).
    payload.pipeline.numbers = match rest {
        [] => NumberMode::Fold,
        &[code] => NumberMode::from_code(code)
            .filter(|m| *m != NumberMode::Fold)
            .ok_or_else(|| corrupt(1, format!("unknown number mode {code} after the payload")))?,
        _ => return Err(corrupt(1, format!("{} unread bytes at the end of the payload", rest.len()))),
    };
    // Likewise a non-minimal encoding (e.g. an over-long varint) of the same model: only the
    // canonical bytes, which `to_bytes` writes, are accepted, so a model's version is stable
    // across save and load (found by fuzzing). Costs one re-encode per load.
    let canonical = encode_payload(&payload).map_err(|e| corrupt(1, e.to_string()))?;
    if canonical != bytes {
        return Err(corrupt(1, "payload is not canonically encoded".into()));
    }
    Ok(payload)
}
