//! The inner loop of every prediction: add `scale * row` for each feature of a sparse
//! vector, where rows are feature-major i8 weights.
//!
//! This loop is most of a prediction and LLVM cannot widen i8 to f32 well at the x86-64
//! baseline (SSE2 has no `pmovsx`), so it is written with intrinsics: AVX2 + FMA when the
//! CPU has them (checked at run time, so one binary serves every x86-64 machine), SSE2
//! otherwise, and plain Rust off x86-64. All three add in the same order per lane; FMA
//! rounds once instead of twice, so scores may differ in the last bit between machines.

use crate::remap::prefetch_index;

/// One head's part of an interleaved row: `len` classes (padded) from `offset`, with its own
/// per-feature scale.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment<'a> {
    /// First lane of this head in a row and in `acc`.
    pub offset: usize,
    /// Lanes of this head (a multiple of 16).
    pub len: usize,
    /// This head's scale per feature.
    pub scales: &'a [f32],
}

/// `acc[seg] += seg.scales[col] * val * row(col)[seg]` for every `(col, val)` and segment,
/// where `row(col)` is `q[col * acc.len()..][..acc.len()]`.
///
/// Segment offsets and lengths must be multiples of 16 inside `acc`; rows or scales out of
/// range are skipped rather than read (the model validates shapes on load).
pub(crate) fn accumulate_rows(acc: &mut [f32], q: &[u8], segments: &[Segment<'_>], vec: &[(u32, f32)]) {
    let aligned = segments.iter().all(|s| s.offset % 16 == 0 && s.len % 16 == 0 && s.offset + s.len <= acc.len());
    if acc.is_empty() || !aligned {
        return accumulate_portable(acc, q, segments, vec);
    }
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports AVX2 and FMA (checked just above).
            return unsafe { x86::accumulate_avx2(acc, q, segments, vec) };
        }
        x86::accumulate_sse2(acc, q, segments, vec)
    }
    #[cfg(not(target_arch = "x86_64"))]
    accumulate_portable(acc, q, segments, vec)
}

/// For each feature of `vec` that has a row: the row, the feature's value and its column.
#[inline(always)]
fn rows<'q>(q: &'q [u8], row_len: usize, vec: &'q [(u32, f32)]) -> impl Iterator<Item = (&'q [u8], f32, usize)> + 'q {
    vec.iter().enumerate().filter_map(move |(i, &(col, val))| {
        // Rows are scattered over megabytes: fetch a few ahead to overlap the cache misses.
        if let Some(&(ahead, _)) = vec.get(i + 4) {
            let start = ahead as usize * row_len;
            prefetch_index(q, start);
            prefetch_index(q, start + row_len - 1);
        }
        let col = col as usize;
        let start = col.checked_mul(row_len)?;
        Some((q.get(start..start.checked_add(row_len)?)?, val, col))
    })
}

/// The lanes of `seg` in `acc` and `row`, and the multiplier for feature `col`.
#[inline(always)]
fn lanes<'a, 'r>(acc: &'a mut [f32], row: &'r [u8], seg: &Segment<'_>, col: usize, val: f32) -> Option<(&'a mut [f32], &'r [u8], f32)> {
    let scale = *seg.scales.get(col)?;
    let range = seg.offset..seg.offset + seg.len;
    Some((acc.get_mut(range.clone())?, row.get(range)?, scale * val))
}

fn accumulate_portable(acc: &mut [f32], q: &[u8], segments: &[Segment<'_>], vec: &[(u32, f32)]) {
    let row_len = acc.len();
    for (row, val, col) in rows(q, row_len, vec) {
        for seg in segments {
            let Some((a, w, s)) = lanes(acc, row, seg, col, val) else { continue };
            for (a, &w) in a.iter_mut().zip(w) {
                *a += (w as i8) as f32 * s;
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::{lanes, rows, Segment};

    /// Eight lanes per step: sign-extend 8 bytes to i32, convert, one fused multiply-add.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn accumulate_avx2(acc: &mut [f32], q: &[u8], segments: &[Segment<'_>], vec: &[(u32, f32)]) {
        let row_len = acc.len();
        for (row, val, col) in rows(q, row_len, vec) {
            for seg in segments {
                let Some((a, w, s)) = lanes(acc, row, seg, col, val) else { continue };
                let s = _mm256_set1_ps(s);
                for (a, w) in a.chunks_exact_mut(8).zip(w.chunks_exact(8)) {
                    // SAFETY: `a` and `w` hold exactly 8 elements each (chunks_exact); loads and
                    // stores are unaligned.
                    unsafe {
                        let w8 = _mm_loadl_epi64(w.as_ptr() as *const __m128i);
                        let wf = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(w8));
                        let sum = _mm256_fmadd_ps(wf, s, _mm256_loadu_ps(a.as_ptr()));
                        _mm256_storeu_ps(a.as_mut_ptr(), sum);
                    }
                }
            }
        }
    }

    /// Sixteen lanes per step with baseline SSE2: widen by unpacking with the sign mask.
    pub(super) fn accumulate_sse2(acc: &mut [f32], q: &[u8], segments: &[Segment<'_>], vec: &[(u32, f32)]) {
        let row_len = acc.len();
        for (row, val, col) in rows(q, row_len, vec) {
            for seg in segments {
                let Some((a, w, s)) = lanes(acc, row, seg, col, val) else { continue };
                for (a, w) in a.chunks_exact_mut(16).zip(w.chunks_exact(16)) {
                    // SAFETY: SSE2 is part of the x86-64 baseline; `a` and `w` hold exactly 16
                    // elements each (chunks_exact); loads and stores are unaligned.
                    unsafe {
                        let sv = _mm_set1_ps(s);
                        let v = _mm_loadu_si128(w.as_ptr() as *const __m128i);
                        let sign8 = _mm_cmplt_epi8(v, _mm_setzero_si128());
                        let lo16 = _mm_unpacklo_epi8(v, sign8);
                        let hi16 = _mm_unpackhi_epi8(v, sign8);
                        let slo = _mm_srai_epi16(lo16, 15);
                        let shi = _mm_srai_epi16(hi16, 15);
                        let lanes = [
                            _mm_cvtepi32_ps(_mm_unpacklo_epi16(lo16, slo)),
                            _mm_cvtepi32_ps(_mm_unpackhi_epi16(lo16, slo)),
                            _mm_cvtepi32_ps(_mm_unpacklo_epi16(hi16, shi)),
                            _mm_cvtepi32_ps(_mm_unpackhi_epi16(hi16, shi)),
                        ];
                        let p = a.as_mut_ptr();
                        for (k, l) in lanes.into_iter().enumerate() {
                            let dst = p.add(4 * k);
                            _mm_storeu_ps(dst, _mm_add_ps(_mm_loadu_ps(dst), _mm_mul_ps(l, sv)));
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path agrees with the portable loop (up to FMA rounding), over two heads.
    #[test]
    fn paths_agree() {
        let row_len = 48;
        let d = 50;
        let q: Vec<u8> = (0..d * row_len).map(|i| ((i * 37 % 255) as i32 - 127) as i8 as u8).collect();
        let scales_a: Vec<f32> = (0..d).map(|i| 0.01 + i as f32 * 1e-3).collect();
        let scales_b: Vec<f32> = (0..d).map(|i| 0.02 - i as f32 * 1e-4).collect();
        let segments = [
            Segment { offset: 0, len: 16, scales: &scales_a },
            Segment { offset: 16, len: 32, scales: &scales_b },
        ];
        let vec: Vec<(u32, f32)> = vec![(3, 0.5), (49, 0.25), (0, 1.0), (17, -0.75), (1000, 9.0)];
        let mut want = vec![0.5f32; row_len];
        accumulate_portable(&mut want, &q, &segments, &vec);
        let mut got = vec![0.5f32; row_len];
        accumulate_rows(&mut got, &q, &segments, &vec);
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-4, "{g} vs {w}");
        }
        #[cfg(target_arch = "x86_64")]
        {
            let mut sse = vec![0.5f32; row_len];
            x86::accumulate_sse2(&mut sse, &q, &segments, &vec);
            assert_eq!(sse, want, "SSE2 rounds like the portable loop");
        }
        // Row 1000 is out of range and skipped, so the sum is not all of `vec`; each head's
        // lanes moved with its own scale.
        assert_ne!(want[..16], [0.5f32; 16]);
        assert_ne!(want[16..], [0.5f32; 32]);
    }
}
