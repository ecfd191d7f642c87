//! The inner loop of every prediction: add `scale * row` for each feature of a sparse
//! vector, where rows are feature-major i8 weights.
//!
//! This loop is most of a prediction and LLVM cannot widen i8 to f32 well at the x86-64
//! baseline (SSE2 has no `pmovsx`), so it is written with intrinsics: AVX2 + FMA when the
//! CPU has them (checked at run time, so one binary serves every x86-64 machine), SSE2
//! otherwise, and plain Rust off x86-64. All three add in the same order per lane; FMA
//! rounds once instead of twice, so scores may differ in the last bit between machines.

use crate::remap::prefetch_index;

/// `acc[..stride] += scales[col] * val * q[col * stride..][..stride]` for every `(col, val)`.
///
/// `acc.len()` and `stride` must be equal multiples of 16, and every row in range; rows out
/// of range are skipped rather than read (the model validates shapes on load).
pub fn accumulate_rows(acc: &mut [f32], q: &[u8], scales: &[f32], vec: &[(u32, f32)]) {
    let stride = acc.len();
    if stride == 0 || stride % 16 != 0 {
        return accumulate_portable(acc, q, scales, vec);
    }
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports AVX2 and FMA (checked just above).
            return unsafe { x86::accumulate_avx2(acc, q, scales, vec) };
        }
        x86::accumulate_sse2(acc, q, scales, vec)
    }
    #[cfg(not(target_arch = "x86_64"))]
    accumulate_portable(acc, q, scales, vec)
}

/// Row `col` of `q` and its scale, or `None` when out of range.
#[inline(always)]
fn row<'a>(q: &'a [u8], scales: &[f32], stride: usize, col: u32) -> Option<(&'a [u8], f32)> {
    let col = col as usize;
    let start = col.checked_mul(stride)?;
    Some((q.get(start..start.checked_add(stride)?)?, *scales.get(col)?))
}

/// Rows are scattered over megabytes: fetch a few ahead to overlap the cache misses.
#[inline(always)]
fn prefetch_ahead(q: &[u8], stride: usize, vec: &[(u32, f32)], i: usize) {
    if let Some(&(ahead, _)) = vec.get(i + 4) {
        let start = ahead as usize * stride;
        prefetch_index(q, start);
        prefetch_index(q, start + stride - 1);
    }
}

fn accumulate_portable(acc: &mut [f32], q: &[u8], scales: &[f32], vec: &[(u32, f32)]) {
    let stride = acc.len();
    for &(col, val) in vec {
        if let Some((r, scale)) = row(q, scales, stride, col) {
            let s = scale * val;
            for (a, &w) in acc.iter_mut().zip(r) {
                *a += (w as i8) as f32 * s;
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::{prefetch_ahead, row};

    /// Eight lanes per step: sign-extend 8 bytes to i32, convert, one fused multiply-add.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn accumulate_avx2(acc: &mut [f32], q: &[u8], scales: &[f32], vec: &[(u32, f32)]) {
        let stride = acc.len();
        for (i, &(col, val)) in vec.iter().enumerate() {
            prefetch_ahead(q, stride, vec, i);
            let Some((r, scale)) = row(q, scales, stride, col) else { continue };
            let s = _mm256_set1_ps(scale * val);
            for (a, w) in acc.chunks_exact_mut(8).zip(r.chunks_exact(8)) {
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

    /// Sixteen lanes per step with baseline SSE2: widen by unpacking with the sign mask.
    pub(super) fn accumulate_sse2(acc: &mut [f32], q: &[u8], scales: &[f32], vec: &[(u32, f32)]) {
        let stride = acc.len();
        for (i, &(col, val)) in vec.iter().enumerate() {
            prefetch_ahead(q, stride, vec, i);
            let Some((r, scale)) = row(q, scales, stride, col) else { continue };
            for (a, w) in acc.chunks_exact_mut(16).zip(r.chunks_exact(16)) {
                // SAFETY: SSE2 is part of the x86-64 baseline; `a` and `w` hold exactly 16
                // elements each (chunks_exact); loads and stores are unaligned.
                unsafe {
                    let sv = _mm_set1_ps(scale * val);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path agrees with the portable loop (up to FMA rounding).
    #[test]
    fn paths_agree() {
        let stride = 32;
        let d = 50;
        let q: Vec<u8> = (0..d * stride).map(|i| ((i * 37 % 255) as i32 - 127) as i8 as u8).collect();
        let scales: Vec<f32> = (0..d).map(|i| 0.01 + i as f32 * 1e-3).collect();
        let vec: Vec<(u32, f32)> = vec![(3, 0.5), (49, 0.25), (0, 1.0), (17, -0.75), (1000, 9.0)];
        let mut want = vec![0.5f32; stride];
        accumulate_portable(&mut want, &q, &scales, &vec);
        let mut got = vec![0.5f32; stride];
        accumulate_rows(&mut got, &q, &scales, &vec);
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-4, "{g} vs {w}");
        }
        #[cfg(target_arch = "x86_64")]
        {
            let mut sse = vec![0.5f32; stride];
            x86::accumulate_sse2(&mut sse, &q, &scales, &vec);
            assert_eq!(sse, want, "SSE2 rounds like the portable loop");
        }
        // Row 1000 is out of range and skipped, so the sum is not all of `vec`.
        assert_ne!(want, vec![0.5f32; stride]);
    }
}
