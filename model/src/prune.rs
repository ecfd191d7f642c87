//! Keeping a model file under a size budget by dropping the features that matter least.
//!
//! A feature's importance is how much it can move any score over the training data: the sum
//! of its TF-IDF values over the training rows times, per head, its largest weight magnitude
//! (the per-feature quantisation scale is exactly that, over 127). Rare n-grams with small
//! weights go first; they are most of the vocabulary of long, noisy texts (word bigrams seen
//! once) and add little to held-out accuracy. The weights are not refitted after pruning.

use crate::error::ModelError;
use crate::file_payload::encode_v2;
use crate::format::HEADER_LEN;
use crate::payload::Payload;

/// Drop the least important features until the model file is at most `max_bytes`; returns how
/// many were dropped. `mass[j]` is the sum of column `j`'s training values.
pub(crate) fn prune_to_size(payload: &mut Payload, mass: &[f32], max_bytes: usize) -> Result<usize, ModelError> {
    let d = payload.keys.len();
    let importance: Vec<f32> = (0..d)
        .map(|j| {
            let weight: f32 = payload.heads.iter().map(|h| h.scales.get(j).copied().unwrap_or(0.0)).sum();
            weight * mass.get(j).copied().unwrap_or(0.0)
        })
        .collect();
    // Least important first; ties by column so the result does not depend on sort internals.
    let mut order: Vec<u32> = (0..d as u32).collect();
    order.sort_unstable_by(|&a, &b| importance[a as usize].total_cmp(&importance[b as usize]).then(a.cmp(&b)));
    let mut dropped = 0usize;
    let mut keep = vec![true; d];
    // Each round drops what the current bytes-per-feature says is enough, plus a margin for
    // that average shifting; a few rounds converge.
    for _ in 0..8 {
        let size = HEADER_LEN + encode_v2(&kept(payload, &keep))?.len();
        let remaining = d - dropped;
        if size <= max_bytes || remaining == 0 {
            break;
        }
        let per_feature = size as f64 / remaining.max(1) as f64;
        let excess = (size - max_bytes) as f64;
        let more = ((excess / per_feature) * 1.01).ceil() as usize + 1;
        for &j in order.iter().skip(dropped).take(more) {
            keep[j as usize] = false;
        }
        dropped = (dropped + more).min(d);
    }
    if dropped > 0 {
        *payload = kept(payload, &keep);
    }
    Ok(dropped)
}

/// `payload` with only the columns marked in `keep`.
fn kept(payload: &Payload, keep: &[bool]) -> Payload {
    let cols: Vec<usize> = (0..payload.keys.len()).filter(|&j| keep[j]).collect();
    let mut out = payload.clone();
    out.keys = cols.iter().map(|&j| payload.keys[j]).collect();
    out.idf = cols.iter().map(|&j| payload.idf[j]).collect();
    for (h, src) in out.heads.iter_mut().zip(&payload.heads) {
        let stride = src.stride as usize;
        h.scales = cols.iter().map(|&j| src.scales[j]).collect();
        h.q = cols.iter().flat_map(|&j| &src.q[j * stride..(j + 1) * stride]).copied().collect();
    }
    out.metadata.n_features = out.keys.len() as u64;
    out
}
