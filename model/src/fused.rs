//! Serving layout of the weights: every head's row of a feature side by side.
//!
//! The file keeps one weight matrix per head (so heads stay independent on disk), but a
//! prediction scores all heads for the same features: with one matrix per head each feature
//! costs one scattered row fetch and one pass of loop overhead per head. Interleaving the rows
//! at load (`[col][head][class]`) makes it one fetch and one pass. A single-head model's rows
//! are moved, not copied; a multi-head model's are copied once, and the per-head copies freed.

use crate::kernel::{accumulate_rows, Segment};
use crate::head_weights::HeadWeights;

/// All heads' quantised rows interleaved per feature, plus where each head's part starts.
#[derive(Debug, Clone, Default)]
pub(crate) struct FusedWeights {
    /// `q[col * row_len + offsets[h] + class]` as i8 bit patterns.
    q: Vec<u8>,
    row_len: usize,
    heads: Vec<HeadPart>,
}

#[derive(Debug, Clone, Default)]
struct HeadPart {
    offset: usize,
    stride: usize,
    scales: Vec<f32>,
    bias: Vec<f32>,
}

impl FusedWeights {
    /// Takes the rows and scales out of `heads` (validated: `q.len() == d * stride`).
    pub(crate) fn take_from(heads: &mut [HeadWeights], d: usize) -> FusedWeights {
        let mut parts = Vec::with_capacity(heads.len());
        let mut row_len = 0;
        for h in heads.iter_mut() {
            let stride = h.stride as usize;
            parts.push(HeadPart { offset: row_len, stride, scales: std::mem::take(&mut h.scales), bias: h.bias.clone() });
            row_len += stride;
        }
        let q = if row_len == 0 {
            Vec::new() // no heads: `validate` rejects such models before they get here
        } else if let [only] = heads {
            std::mem::take(&mut only.q)
        } else {
            let mut q = vec![0u8; d * row_len];
            for (h, part) in heads.iter_mut().zip(&parts) {
                for (dst, src) in q.chunks_exact_mut(row_len).zip(h.q.chunks_exact(part.stride)) {
                    dst[part.offset..part.offset + part.stride].copy_from_slice(src);
                }
                h.q = Vec::new();
            }
            q
        };
        FusedWeights { q, row_len, heads: parts }
    }

    /// Puts the per-head rows and scales back (for saving), leaving `self` intact.
    pub(crate) fn restore_into(&self, heads: &mut [HeadWeights]) {
        for (h, part) in heads.iter_mut().zip(&self.heads) {
            h.scales = part.scales.clone();
            h.q = if self.heads.len() == 1 {
                self.q.clone()
            } else {
                self.q.chunks_exact(self.row_len).flat_map(|row| &row[part.offset..part.offset + part.stride]).copied().collect()
            };
        }
    }

    /// Decision values of every head into `acc`: head `h`'s classes start at [`Self::offset`].
    pub(crate) fn scores_into(&self, vec: &[(u32, f32)], acc: &mut Vec<f32>) {
        acc.clear();
        acc.resize(self.row_len, 0.0);
        for part in &self.heads {
            if let Some(dst) = acc.get_mut(part.offset..part.offset + part.bias.len()) {
                dst.copy_from_slice(&part.bias);
            }
        }
        let segments: SegmentList<'_> = self.heads.iter().map(|p| Segment { offset: p.offset, len: p.stride, scales: &p.scales }).collect();
        accumulate_rows(acc, &self.q, &segments, vec);
    }

    /// Head `h`'s dequantised weight of `class` on column `col` (0 outside the weights).
    pub(crate) fn weight(&self, h: usize, col: usize, class: usize) -> f32 {
        let Some(part) = self.heads.get(h).filter(|p| class < p.stride) else { return 0.0 };
        let q = self.q.get(col * self.row_len + part.offset + class).map_or(0, |&b| b as i8);
        f32::from(q) * part.scales.get(col).copied().unwrap_or(0.0)
    }

    /// Where head `h`'s scores start in the output of [`Self::scores_into`].
    pub(crate) fn offset(&self, h: usize) -> usize {
        self.heads.get(h).map_or(0, |p| p.offset)
    }
}

/// Models rarely have more than a handful of heads: keep their segment list on the stack.
type SegmentList<'a> = smallvec::SmallVec<[Segment<'a>; 4]>;

#[cfg(test)]
mod tests {
    use super::*;

    fn head(name: &str, k: usize, d: usize, seed: u8) -> HeadWeights {
        let stride = k.div_ceil(16) * 16;
        HeadWeights {
            name: name.into(),
            classes: (0..k).map(|c| format!("{name}{c}")).collect(),
            stride: stride as u32,
            q: (0..d * stride).map(|i| (i as u8).wrapping_mul(seed)).collect(),
            scales: (0..d).map(|c| 0.01 * (c + 1) as f32).collect(),
            bias: (0..k).map(|c| c as f32).collect(),
            temperature: 1.0,
        }
    }

    #[test]
    fn fused_scores_equal_per_head_scores_and_restore_round_trips() {
        let d = 7;
        let original = vec![head("a", 3, d, 3), head("b", 20, d, 5), head("c", 16, d, 7)];
        let mut heads = original.clone();
        let fused = FusedWeights::take_from(&mut heads, d);
        assert!(heads.iter().all(|h| h.q.is_empty() && h.scales.is_empty()), "per-head copies are freed");
        let vec = [(1u32, 0.5f32), (6, -1.0), (3, 2.0)];
        let mut all = Vec::new();
        fused.scores_into(&vec, &mut all);
        for (h, w) in original.iter().enumerate() {
            let mut one = Vec::new();
            FusedWeights::take_from(&mut [w.clone()], d).scores_into(&vec, &mut one);
            let at = fused.offset(h);
            assert_eq!(&all[at..at + w.classes.len()], &one[..w.classes.len()], "head {}", w.name);
        }
        fused.restore_into(&mut heads);
        for (got, want) in heads.iter().zip(&original) {
            assert_eq!((&got.q, &got.scales), (&want.q, &want.scales));
        }
    }
}
