//! Probability calibration: one softmax temperature per head, fitted by minimising the
//! negative log-likelihood of held-out(-like) decision values.

/// Softmax of `scores / temperature` into `out` (same length).
pub fn softmax_into(scores: &[f32], temperature: f32, out: &mut [f32]) {
    let inv_t = 1.0 / temperature;
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0f32;
    for (o, &s) in out.iter_mut().zip(scores) {
        let z = (s - max) * inv_t;
        // exp(-30) < 1e-13: such classes round to zero anyway, and skipping exp saves time.
        let e = if z > -30.0 { z.exp() } else { 0.0 };
        *o = e;
        sum += e;
    }
    if sum > 0.0 && sum.is_finite() {
        for o in out.iter_mut() {
            *o /= sum;
        }
    }
}

/// Mean cross-entropy under `softmax(scores / t)` against targets smoothed by `epsilon`
/// (`1 - epsilon` on the true class, `epsilon / k` spread over all); `scores` is row-major n x k.
fn nll(scores: &[f32], k: usize, y: &[usize], rows: &[usize], t: f64, epsilon: f64) -> f64 {
    let mut total = 0f64;
    for &i in rows {
        let row = &scores[i * k..(i + 1) * k];
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
        let lse: f64 = row.iter().map(|&s| ((s as f64 - max) / t).exp()).sum::<f64>().ln();
        let mean_logit: f64 = row.iter().map(|&s| (s as f64 - max) / t).sum::<f64>() / k as f64;
        total += lse - (1.0 - epsilon) * (row[y[i]] as f64 - max) / t - epsilon * mean_logit;
    }
    total / rows.len().max(1) as f64
}

/// Fit the temperature minimising NLL by golden-section search on `ln t` in [1e-3, 1e4].
/// At most 4000 evenly spaced rows are used: the 1-D optimum is stable well before that.
pub fn fit_temperature(scores: &[f32], k: usize, y: &[usize]) -> f32 {
    let n = y.len();
    if k < 2 || n == 0 || scores.len() != n * k {
        return 1.0;
    }
    let step = n.div_ceil(4000);
    let rows: Vec<usize> = (0..n).step_by(step).collect();
    // Laplace's rule of succession: after m held-out rows, never claim more certainty than
    // (m + 1) / (m + 2). Without it a small, separable hold-out drives the temperature to its
    // floor and every confidence to 1.0, which would make review thresholds meaningless.
    let epsilon = 1.0 / (rows.len() as f64 + 2.0);
    let f = |lt: f64| nll(scores, k, y, &rows, lt.exp(), epsilon);
    let (mut a, mut b) = ((1e-3f64).ln(), (1e4f64).ln());
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - g * (b - a);
    let mut d = a + g * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..40 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = f(d);
        }
    }
    let t = ((a + b) / 2.0).exp() as f32;
    if t.is_finite() && t > 0.0 { t } else { 1.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_sharper_temperature_for_confident_correct_scores() {
        // Scores always favour the right class by a margin of 1: best T is small.
        let k = 3;
        let y: Vec<usize> = (0..300).map(|i| i % k).collect();
        let mut s = vec![0f32; 300 * k];
        for (i, &c) in y.iter().enumerate() {
            s[i * k + c] = 1.0;
        }
        assert!(fit_temperature(&s, k, &y) < 0.2);
        let mut p = [0f32; 3];
        softmax_into(&[1.0, 0.0, 0.0], 1.0, &mut p);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn a_small_separable_hold_out_does_not_claim_certainty() {
        // 30 rows, all right by a wide margin: the fitted confidence stays below (m+1)/(m+2)-ish.
        let k = 3;
        let y: Vec<usize> = (0..30).map(|i| i % k).collect();
        let mut s = vec![0f32; 30 * k];
        for (i, &c) in y.iter().enumerate() {
            s[i * k + c] = 1.0;
        }
        let t = fit_temperature(&s, k, &y);
        let mut p = [0f32; 3];
        softmax_into(&[1.0, 0.0, 0.0], t, &mut p);
        assert!(p[0] > 0.9 && p[0] < 0.995, "confidence {} at temperature {t}", p[0]);
    }
}
