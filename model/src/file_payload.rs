//! How the payload is laid out inside the model file, per format version.
//!
//! Version 2 (written since 0.2) stores what serving needs and nothing twice: feature keys as
//! varint deltas, idf and per-feature scales as bfloat16, each head's i8 rows without the
//! padding serving adds, and the metadata as JSON so later releases can add fields without
//! another version. Version 1 (postcard of the in-memory structs, plus an optional number-mode
//! byte) is still read. Both decoders accept only canonical bytes: decoding and re-encoding
//! must give the input back, so a model's version hash is stable across save and load.

use serde::{Deserialize, Serialize};

use crate::error::{FormatError, ModelError};
use crate::features::PipelineConfig;
use crate::head_weights::HeadWeights;
use crate::payload::{ModelMetadata, Payload};
use crate::numbers::NumberMode;

/// bfloat16 bits of `v`, rounded to nearest even; exact for values that are already bf16.
pub(crate) fn to_bf16(v: f32) -> u16 {
    let bits = v.to_bits();
    let rounding = 0x7FFF + ((bits >> 16) & 1);
    (bits.wrapping_add(rounding) >> 16) as u16
}

/// The f32 a bfloat16 stands for.
pub(crate) fn from_bf16(b: u16) -> f32 {
    f32::from_bits(u32::from(b) << 16)
}

/// `v` rounded to the nearest bfloat16: what a stored idf or scale becomes, applied in
/// training so the saved model predicts exactly as the fitted one.
pub(crate) fn round_bf16(v: f32) -> f32 {
    from_bf16(to_bf16(v))
}

/// The pipeline as stored in version 2: version 1's fields, then two more (postcard lays a
/// nested struct out as its fields, so this is one flat record).
#[derive(Serialize, Deserialize)]
struct StoredPipeline {
    base: PipelineV1,
    numbers: u8,
    char_weight: f32,
}

impl PipelineV1 {
    fn of(p: &PipelineConfig) -> Self {
        PipelineV1 {
            max_text_chars: p.max_text_chars,
            hash_bits: p.hash_bits,
            word_ngram_max: p.word_ngram_max,
            char_ngram_min: p.char_ngram_min,
            char_ngram_max: p.char_ngram_max,
            fold_numbers: p.fold_numbers,
        }
    }

    fn with(self, numbers: NumberMode, char_weight: f32) -> PipelineConfig {
        PipelineConfig {
            max_text_chars: self.max_text_chars,
            hash_bits: self.hash_bits,
            word_ngram_max: self.word_ngram_max,
            char_ngram_min: self.char_ngram_min,
            char_ngram_max: self.char_ngram_max,
            fold_numbers: self.fold_numbers,
            numbers,
            char_weight,
        }
    }
}

/// One head as stored in version 2: `q` holds exactly `classes.len()` bytes per feature.
#[derive(Serialize, Deserialize)]
struct StoredHead {
    name: String,
    classes: Vec<String>,
    #[serde(with = "serde_bytes")]
    q: Vec<u8>,
    /// bfloat16, little-endian, one per feature.
    #[serde(with = "serde_bytes")]
    scales: Vec<u8>,
    bias: Vec<f32>,
    temperature: f32,
}

/// The version 2 payload.
#[derive(Serialize, Deserialize)]
struct StoredV2 {
    pipeline: StoredPipeline,
    /// First key, then the gap to each next key (keys are strictly increasing).
    key_gaps: Vec<u32>,
    /// bfloat16, little-endian, one per feature.
    #[serde(with = "serde_bytes")]
    idf: Vec<u8>,
    heads: Vec<StoredHead>,
    /// [`ModelMetadata`] as JSON; fields added later must be skipped when empty.
    metadata: String,
}

fn corrupt(msg: impl Into<String>) -> ModelError {
    ModelError::Format(FormatError::Corrupt(msg.into()))
}

fn bf16_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|&v| to_bf16(v).to_le_bytes()).collect()
}

fn bf16_values(bytes: &[u8], n: usize, what: &str) -> Result<Vec<f32>, ModelError> {
    if bytes.len() != n * 2 {
        return Err(corrupt(format!("{what}: {} bytes for {n} features", bytes.len())));
    }
    Ok(bytes.chunks_exact(2).map(|b| from_bf16(u16::from_le_bytes([b[0], b[1]]))).collect())
}

/// The metadata as a format 2 file stores it: saying which format it is in.
pub(crate) fn stored_metadata(metadata: &ModelMetadata) -> ModelMetadata {
    ModelMetadata { format_version: crate::format::FORMAT_VERSION, ..metadata.clone() }
}

/// Version 2 bytes of `payload` (whose idf and scales should already be bf16 values).
pub(crate) fn encode_v2(payload: &Payload) -> Result<Vec<u8>, ModelError> {
    let p = &payload.pipeline;
    let pipeline = StoredPipeline { base: PipelineV1::of(p), numbers: p.numbers.code(), char_weight: p.char_weight };
    let mut prev = 0u32;
    let key_gaps = payload
        .keys
        .iter()
        .map(|&k| {
            let gap = k.wrapping_sub(prev);
            prev = k;
            gap
        })
        .collect();
    let d = payload.keys.len();
    let heads = payload
        .heads
        .iter()
        .map(|h| {
            let (k, stride) = (h.classes.len(), h.stride as usize);
            let q = if stride == 0 { Vec::new() } else { h.q.chunks_exact(stride).take(d).flat_map(|row| &row[..k]).copied().collect() };
            StoredHead {
                name: h.name.clone(),
                classes: h.classes.clone(),
                q,
                scales: bf16_bytes(&h.scales),
                bias: h.bias.clone(),
                temperature: h.temperature,
            }
        })
        .collect();
    let metadata = serde_json::to_string(&stored_metadata(&payload.metadata)).map_err(|e| corrupt(e.to_string()))?;
    let stored = StoredV2 { pipeline, key_gaps, idf: bf16_bytes(&payload.idf), heads, metadata };
    postcard::to_allocvec(&stored).map_err(|e| corrupt(e.to_string()))
}

/// Decode version 2 bytes (checked for canonical form by the caller).
pub(crate) fn decode_v2(bytes: &[u8]) -> Result<Payload, ModelError> {
    let (stored, rest): (StoredV2, &[u8]) = postcard::take_from_bytes(bytes).map_err(|e| corrupt(e.to_string()))?;
    if !rest.is_empty() {
        return Err(corrupt(format!("{} unread bytes at the end of the payload", rest.len())));
    }
    let sp = stored.pipeline;
    let numbers = NumberMode::from_code(sp.numbers).ok_or_else(|| corrupt(format!("unknown number mode {}", sp.numbers)))?;
    let pipeline = sp.base.with(numbers, sp.char_weight);
    let mut keys = Vec::with_capacity(stored.key_gaps.len());
    let mut at = 0u32;
    for (i, gap) in stored.key_gaps.into_iter().enumerate() {
        at = match at.checked_add(gap) {
            Some(k) if i == 0 || gap > 0 => k,
            _ => return Err(corrupt("feature keys not increasing")),
        };
        keys.push(at);
    }
    let d = keys.len();
    let idf = bf16_values(&stored.idf, d, "idf")?;
    let mut heads = Vec::with_capacity(stored.heads.len());
    for h in stored.heads {
        let k = h.classes.len();
        let stride = k.div_ceil(16) * 16;
        if d.checked_mul(k) != Some(h.q.len()) {
            return Err(corrupt(format!("head {:?} weight sizes do not match", h.name)));
        }
        let mut q = vec![0u8; d * stride];
        if k > 0 {
            for (dst, src) in q.chunks_exact_mut(stride).zip(h.q.chunks_exact(k)) {
                dst[..k].copy_from_slice(src);
            }
        }
        let scales = bf16_values(&h.scales, d, "scales")?;
        heads.push(HeadWeights { name: h.name, classes: h.classes, stride: stride as u32, q, scales, bias: h.bias, temperature: h.temperature });
    }
    let metadata: ModelMetadata = serde_json::from_str(&stored.metadata).map_err(|e| corrupt(format!("metadata: {e}")))?;
    Ok(Payload { pipeline, keys, idf, heads, metadata })
}

/// The pipeline as version 1 stored it (no char weight; a non-fold number mode after it all).
#[derive(Serialize, Deserialize)]
struct PipelineV1 {
    max_text_chars: u64,
    hash_bits: u32,
    word_ngram_max: u32,
    char_ngram_min: u32,
    char_ngram_max: u32,
    fold_numbers: bool,
}

/// Model metadata as version 1 stored it.
#[derive(Serialize, Deserialize)]
struct MetadataV1 {
    format_version: u32,
    algorithm: String,
    seed: u64,
    c: f32,
    created: String,
    data_hash: String,
    rows: u64,
    max_text_chars: u64,
    hash_bits: u32,
    n_features: u64,
    heads: Vec<crate::payload::HeadMetrics>,
}

/// The version 1 payload.
#[derive(Serialize, Deserialize)]
struct StoredV1 {
    pipeline: PipelineV1,
    keys: Vec<u32>,
    idf: Vec<f32>,
    heads: Vec<HeadWeights>,
    metadata: MetadataV1,
}

/// Decode version 1 bytes, accepting only their canonical form.
pub(crate) fn decode_v1(bytes: &[u8]) -> Result<Payload, ModelError> {
    let (stored, rest): (StoredV1, &[u8]) = postcard::take_from_bytes(bytes).map_err(|e| corrupt(e.to_string()))?;
    // The one byte allowed after the payload is a non-fold number mode.
    let numbers = match rest {
        [] => NumberMode::Fold,
        &[code] => NumberMode::from_code(code)
            .filter(|m| *m != NumberMode::Fold)
            .ok_or_else(|| corrupt(format!("unknown number mode {code} after the payload")))?,
        _ => return Err(corrupt(format!("{} unread bytes at the end of the payload", rest.len()))),
    };
    // A non-minimal encoding (e.g. an over-long varint) of the same model would load with
    // another version hash (found by fuzzing): only the canonical bytes are accepted.
    let mut canonical = postcard::to_allocvec(&stored).map_err(|e| corrupt(e.to_string()))?;
    if numbers != NumberMode::Fold {
        canonical.push(numbers.code());
    }
    if canonical != bytes {
        return Err(corrupt("payload is not canonically encoded"));
    }
    let m = stored.metadata;
    let pipeline = stored.pipeline.with(numbers, 1.0);
    let metadata = ModelMetadata {
        format_version: m.format_version,
        algorithm: m.algorithm,
        seed: m.seed,
        c: m.c,
        created: m.created,
        data_hash: m.data_hash,
        rows: m.rows,
        max_text_chars: m.max_text_chars,
        hash_bits: m.hash_bits,
        n_features: m.n_features,
        heads: m.heads,
        ..ModelMetadata::default()
    };
    // Version 1 kept f32 idf and scales; round them as version 2 stores them, so the loaded
    // model predicts exactly as it will after being saved again.
    let idf = stored.idf.into_iter().map(round_bf16).collect();
    let mut heads = stored.heads;
    for h in &mut heads {
        for s in &mut h.scales {
            *s = round_bf16(*s);
        }
    }
    Ok(Payload { pipeline, keys: stored.keys, idf, heads, metadata })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bf16_round_trips_and_rounds_to_nearest() {
        for v in [0.0f32, 1.0, -2.5, 10.859, 1e-30, 3.0e38] {
            let r = round_bf16(v);
            assert_eq!(round_bf16(r), r, "bf16 values are a fixed point");
            assert!((r - v).abs() <= v.abs() / 256.0, "{v} -> {r}");
        }
        // 1 + 2^-8 lies halfway between bf16 neighbours 1 and 1 + 2^-7: ties go to even (1).
        assert_eq!(round_bf16(1.0 + 1.0 / 256.0), 1.0);
        assert_eq!(round_bf16(1.0 + 3.0 / 256.0), 1.0 + 4.0 / 256.0);
    }
}
