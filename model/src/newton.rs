//! Primal truncated-Newton solver for the L2-loss linear SVM (LIBLINEAR's `-s 2` idea: Lin,
//! Weng and Keerthi 2008), used to warm-start from an old model's weights.
//!
//! Why not the dual solver: dual coordinate descent needs the old duals, which the model file
//! does not keep, and duals recovered from the old margins (`alpha_i = 2C max(0, 1 - y_i f_i)`)
//! amplify every small margin error by the Gram matrix when `w` is rebuilt from them (measured:
//! more passes than a cold fit). A primal method starts from `w` itself, so a good old model
//! is already close to the optimum and a few Newton steps finish it (Tsai, Lin and Lin 2014,
//! "Incremental and decremental training for linear classification", reach the same verdict).
//!
//! Objective (bias as a constant feature 1, regularised like the dual solver's):
//! `P(w, b) = ||w||^2 / 2 + b^2 / 2 + sum_i C_i max(0, 1 - y_i (w.x_i + b))^2`, with `C_i` the
//! positive rows' C (class weight) or the negative rows'.

use crate::sparse::{dot, SparseRecords};

/// Stopping and effort settings of [`solve_primal`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewtonParams {
    /// Regularisation C of the negative rows (as in the dual solver).
    pub c: f32,
    /// C of the positive rows (`c` times the class weight).
    pub c_pos: f32,
    /// Stop when `||grad P(w)|| <= tol * min(positives, negatives) / n * ||grad P(0)||`
    /// (LIBLINEAR's primal rule; its default 0.01 matched the cold fit's test accuracy on both
    /// shared sets).
    pub tol: f32,
    /// Cap on Newton steps.
    pub max_newton: usize,
    /// Cap on conjugate-gradient steps per Newton step.
    pub max_cg: usize,
}

/// A binary primal solution.
pub(crate) struct PrimalFit {
    pub w: Vec<f32>,
    pub bias: f32,
    /// Decision values `w.x_i + b` of the training rows.
    pub decision: Vec<f32>,
    /// Sparse row operations done, in rows (a full pass over the data is `n`).
    pub row_visits: u64,
}

/// Minimise `P` for labels `y` (+1 / -1) from `(w, b)`.
pub(crate) fn solve_primal(x: &SparseRecords<'_>, y: &[f32], (mut w, mut b): (Vec<f32>, f32), p: &NewtonParams) -> PrimalFit {
    let n = y.len();
    let two_c_of = |yi: f32| 2.0 * if yi > 0.0 { p.c_pos } else { p.c };
    let two_c: Vec<f32> = y.iter().map(|&yi| two_c_of(yi)).collect();
    // One pass: the decision values and grad P(0) = -2C sum y_i (x_i, 1), for the stopping rule.
    let mut grad0 = vec![0f32; w.len()];
    let mut f: Vec<f32> = (0..n)
        .map(|i| {
            let (cols, vals) = x.row(i);
            for (&c, &v) in cols.iter().zip(vals) {
                grad0[c as usize] -= two_c[i] * y[i] * v;
            }
            dot(cols, vals, &w) + b
        })
        .collect();
    let grad0_b: f32 = -y.iter().zip(&two_c).map(|(yi, tc)| yi * tc).sum::<f32>();
    // LIBLINEAR's scaling: a rare class's gradient is small from the start.
    let positives = y.iter().filter(|&&v| v > 0.0).count();
    let share = positives.min(n - positives).max(1) as f32 / n.max(1) as f32;
    let target = p.tol * share * norm(&grad0, grad0_b);
    drop(grad0);
    let mut visits = n as u64;
    let mut g = vec![0f32; w.len()];
    for _ in 0..p.max_newton {
        // Rows with loss (y f < 1): the gradient and the generalised Hessian live on them.
        let active: Vec<usize> = (0..n).filter(|&i| y[i] * f[i] < 1.0).collect();
        g.copy_from_slice(&w);
        let mut g_b = b;
        for &i in &active {
            let coef = -two_c[i] * (1.0 - y[i] * f[i]) * y[i];
            let (cols, vals) = x.row(i);
            for (&c, &v) in cols.iter().zip(vals) {
                g[c as usize] += coef * v;
            }
            g_b += coef;
        }
        visits += active.len() as u64;
        if norm(&g, g_b) <= target {
            break;
        }
        let (s, s_b, cg_visits) = conjugate_gradient(x, &active, &two_c, (&g, g_b), p.max_cg);
        visits += cg_visits;
        let z: Vec<f32> = (0..n).map(|i| {
            let (cols, vals) = x.row(i);
            dot(cols, vals, &s) + s_b
        }).collect();
        visits += n as u64;
        let t = line_search(&w, b, (&s, s_b), y, &f, &z, &two_c);
        if !(t > 0.0 && t.is_finite()) {
            break;
        }
        for (wj, sj) in w.iter_mut().zip(&s) {
            *wj += t * sj;
        }
        b += t * s_b;
        for (fi, zi) in f.iter_mut().zip(&z) {
            *fi += t * zi;
        }
    }
    PrimalFit { w, bias: b, decision: f, row_visits: visits }
}

fn norm(v: &[f32], extra: f32) -> f32 {
    (v.iter().map(|&a| f64::from(a) * f64::from(a)).sum::<f64>() + f64::from(extra) * f64::from(extra)).sqrt() as f32
}

/// Solve `(I + 2 X_A^T C_A X_A) s = -g` (bias included) by conjugate gradients to a relative
/// residual of 0.1, at most `max_cg` steps; returns `(s, s_b, row visits)`. A diagonal
/// preconditioner was tried and dropped: fewer passes on it-tickets after relabelling (162
/// against 197), more on Banking77 (607 against 562), so not worth its code.
fn conjugate_gradient(
    x: &SparseRecords<'_>,
    active: &[usize],
    two_c: &[f32],
    (g, g_b): (&[f32], f32),
    max_cg: usize,
) -> (Vec<f32>, f32, u64) {
    let d = g.len();
    let mut visits = 0u64;
    let mut s = vec![0f32; d];
    let mut s_b = 0f32;
    let mut r: Vec<f32> = g.iter().map(|v| -v).collect();
    let mut r_b = -g_b;
    let mut dir = r.clone();
    let mut dir_b = r_b;
    let mut hd = vec![0f32; d];
    let mut rr = dot64(&r, &r) + f64::from(r_b) * f64::from(r_b);
    let stop = 0.01 * rr; // residual norm 0.1 of the gradient's
    for _ in 0..max_cg {
        if rr <= stop {
            break;
        }
        // hd = dir + 2 X_A^T C_A (X_A dir)
        hd.copy_from_slice(&dir);
        let mut hd_b = dir_b;
        for &i in active {
            let (cols, vals) = x.row(i);
            let u = two_c[i] * (dot(cols, vals, &dir) + dir_b);
            for (&c, &v) in cols.iter().zip(vals) {
                hd[c as usize] += u * v;
            }
            hd_b += u;
        }
        visits += 2 * active.len() as u64;
        let dhd = dot64(&dir, &hd) + f64::from(dir_b) * f64::from(hd_b);
        // Also stops on NaN: the Hessian is positive definite, so anything else is breakdown.
        if dhd.is_nan() || dhd <= 0.0 {
            break;
        }
        let alpha = (rr / dhd) as f32;
        for j in 0..d {
            s[j] += alpha * dir[j];
            r[j] -= alpha * hd[j];
        }
        s_b += alpha * dir_b;
        r_b -= alpha * hd_b;
        let rr_new = dot64(&r, &r) + f64::from(r_b) * f64::from(r_b);
        let beta = (rr_new / rr) as f32;
        for j in 0..d {
            dir[j] = r[j] + beta * dir[j];
        }
        dir_b = r_b + beta * dir_b;
        rr = rr_new;
    }
    (s, s_b, visits)
}

fn dot64(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| f64::from(x) * f64::from(y)).sum()
}

/// Exact step along `s` for the piecewise-quadratic `P(w + t s)`: Newton on its derivative,
/// which is piecewise linear and increasing, from `t = 1` (the full Newton step).
fn line_search(w: &[f32], b: f32, (s, s_b): (&[f32], f32), y: &[f32], f: &[f32], z: &[f32], two_c: &[f32]) -> f32 {
    let ws = w.iter().zip(s).map(|(&a, &b)| f64::from(a) * f64::from(b)).sum::<f64>() + f64::from(b) * f64::from(s_b);
    let ss = f64::from(norm(s, s_b)).powi(2);
    let mut t = 1f64;
    for _ in 0..20 {
        let (mut d1, mut d2) = (ws + t * ss, ss);
        for i in 0..y.len() {
            let (yi, zi) = (f64::from(y[i]), f64::from(z[i]));
            let slack = 1.0 - yi * (f64::from(f[i]) + t * zi);
            if slack > 0.0 {
                let tc = f64::from(two_c[i]);
                d1 -= tc * slack * yi * zi;
                d2 += tc * zi * zi;
            }
        }
        let step = d1 / d2;
        t -= step;
        if step.abs() <= 1e-6 * t.abs().max(1e-3) {
            break;
        }
    }
    t as f32
}
