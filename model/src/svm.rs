//! One-vs-rest L2-loss linear SVM trained by dual coordinate descent with shrinking
//! (Hsieh et al. 2008, the LIBLINEAR `L2R_L2LOSS_SVC_DUAL` solver) on sparse rows.
//!
//! Why our own solver behind linfa's traits: every linfa linear model fits dense
//! `ArrayBase<_, Ix2>` records only, and a dense 10k x 2^18 f64 matrix is ~21 GB while the
//! sparse one is a few MB. Implementing `Fit` / `PredictInplace` on a sparse records type
//! keeps the linfa calling conventions (and lets callers swap estimators) without densifying.

use linfa::traits::{Fit, PredictInplace};
use linfa::DatasetBase;
use ndarray::Array1;
use rayon::prelude::*;

use crate::error::ModelError;
use crate::sparse::{dot, SparseRecords};

/// Hyper-parameters of [`LinearSvm`].
#[derive(Debug, Clone)]
pub struct LinearSvmParams {
    /// Inverse regularisation strength.
    pub c: f32,
    /// Stopping tolerance on the projected-gradient gap (LIBLINEAR's default is 0.1).
    pub eps: f32,
    /// Cap on outer iterations per class.
    pub max_iter: usize,
    /// Seeds the coordinate permutation of each class, making fits deterministic.
    pub seed: u64,
    /// Compute [`LinearSvm::loo_scores`] (one extra pass over the data per class).
    pub loo_scores: bool,
    /// Per-class factor on `c` for that class's own rows in its one-vs-rest problem (as
    /// LIBLINEAR weights classes); empty means 1 for every class.
    pub class_c: Vec<f32>,
    /// NBSVM smoothing (see [`crate::nb_scaling`]); 0 trains on the plain features.
    pub nb_scaling: f32,
}

impl Default for LinearSvmParams {
    fn default() -> Self {
        LinearSvmParams { c: 0.5, eps: 0.1, max_iter: 1000, seed: 42, loo_scores: true, class_c: Vec::new(), nb_scaling: 0.0 }
    }
}

/// A fitted one-vs-rest linear SVM (class-major f32 weights before quantisation).
#[derive(Debug, Clone)]
pub struct LinearSvm {
    /// Number of features.
    pub n_features: usize,
    /// Number of classes.
    pub n_classes: usize,
    /// `weights[c * n_features + j]`.
    pub weights: Vec<f32>,
    /// Bias per class.
    pub bias: Vec<f32>,
    /// Dual variables per class (`alpha[c][i]`), for warm starts; empty for naive Bayes.
    pub alpha: Vec<Vec<f32>>,
    /// Approximate leave-one-out decision values, row-major `n_samples x n_classes`
    /// (see [`LinearSvmParams::fit_with_progress`]); used to calibrate probabilities.
    pub loo_scores: Vec<f32>,
    /// Work done, as full passes over the rows summed over classes (a shrunk pass counts
    /// its share): the machine-independent cost of the fit.
    pub passes: f64,
}

/// Small deterministic PRNG (splitmix64) for the coordinate permutations.
pub(crate) struct SplitMix(pub(crate) u64);

impl SplitMix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

struct BinaryFit {
    w: Vec<f32>,
    bias: f32,
    alpha: Vec<f32>,
    /// Rows visited, summed over passes.
    visits: u64,
}

/// One binary problem: labels, the C of positive rows, and an optional feature scaling.
struct BinaryProblem<'a> {
    /// +1 / -1 per row.
    y: &'a [f32],
    /// `||s * x_i||^2 + 1` per row (the bias feature counts 1).
    qd_x: &'a [f32],
    /// C of the rows with `y = +1` (negatives use the base C).
    c_pos: f32,
    /// Squared per-feature scaling `s^2`: the problem is solved on `s * x`, while `w` holds
    /// `s * w'` so it applies to unscaled rows (and updates carry `s^2`).
    scale2: Option<&'a [f32]>,
}

/// Solve one binary problem. `alpha0` warm-starts the duals (w is rebuilt from them so the
/// primal-dual link holds).
fn solve_binary(x: &SparseRecords<'_>, prob: &BinaryProblem<'_>, p: &LinearSvmParams, seed: u64, alpha0: Option<&[f32]>) -> BinaryFit {
    let (y, qd_x) = (prob.y, prob.qd_x);
    let l = y.len();
    let (diag_pos, diag_neg) = (0.5 / prob.c_pos, 0.5 / p.c);
    let diag_of = |yi: f32| if yi > 0.0 { diag_pos } else { diag_neg };
    let add_row = |w: &mut [f32], cols: &[u32], vals: &[f32], d: f32| match prob.scale2 {
        Some(s2) => {
            for (&c, &v) in cols.iter().zip(vals) {
                w[c as usize] += d * v * s2[c as usize];
            }
        }
        None => {
            for (&c, &v) in cols.iter().zip(vals) {
                w[c as usize] += d * v;
            }
        }
    };
    let mut w = vec![0f32; x.matrix.n_cols];
    let mut b = 0f32; // weight of the constant bias feature (value 1), regularised as in LIBLINEAR
    let mut alpha = match alpha0 {
        Some(a) if a.len() == l => a.iter().map(|v| v.max(0.0)).collect(),
        _ => vec![0f32; l],
    };
    for (i, &a) in alpha.iter().enumerate() {
        if a > 0.0 {
            let (cols, vals) = x.row(i);
            let d = a * y[i];
            add_row(&mut w, cols, vals, d);
            b += d;
        }
    }
    let mut index: Vec<usize> = (0..l).collect();
    let mut active = l;
    let mut rng = SplitMix(seed);
    // Only the upper shrinking threshold matters: the L2-loss dual has no upper bound on alpha.
    let mut pg_max_old = f32::INFINITY;
    let mut visits = 0u64;
    for _ in 0..p.max_iter {
        visits += active as u64;
        let (mut pg_max, mut pg_min) = (f32::NEG_INFINITY, f32::INFINITY);
        for j in (1..active).rev() {
            let k = (rng.next() % (j as u64 + 1)) as usize;
            index.swap(j, k);
        }
        let mut s = 0;
        while s < active {
            let i = index[s];
            let (cols, vals) = x.row(i);
            let yi = y[i];
            let diag = diag_of(yi);
            let g = yi * (dot(cols, vals, &w) + b) - 1.0 + alpha[i] * diag;
            let mut pg = 0.0;
            if alpha[i] == 0.0 {
                if g > pg_max_old {
                    active -= 1;
                    index.swap(s, active);
                    continue;
                } else if g < 0.0 {
                    pg = g;
                }
            } else {
                pg = g;
            }
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (old - g / (qd_x[i] + diag)).max(0.0);
                let d = (alpha[i] - old) * yi;
                add_row(&mut w, cols, vals, d);
                b += d;
            }
            s += 1;
        }
        if pg_max - pg_min <= p.eps {
            if active == l {
                break;
            }
            active = l;
            pg_max_old = f32::INFINITY;
            continue;
        }
        pg_max_old = if pg_max <= 0.0 { f32::INFINITY } else { pg_max };
    }
    BinaryFit { w, bias: b, alpha, visits }
}

impl LinearSvmParams {
    /// Fit, calling `on_class_done` (from worker threads) after each class.
    ///
    /// Besides the weights this returns, per sample and class, the decision value with the
    /// sample's own dual contribution removed, `f(x_i) - alpha_i y_i (||x_i||^2 + 1)` (the
    /// Jaakkola-Haussler leave-one-out estimate). Those behave like held-out scores, so the
    /// softmax temperature can be fitted on them without training a second model.
    pub fn fit_with_progress(
        &self,
        dataset: &DatasetBase<SparseRecords<'_>, Array1<usize>>,
        on_class_done: &(dyn Fn() + Sync),
    ) -> Result<LinearSvm, ModelError> {
        self.fit_warm(dataset, None, on_class_done)
    }

    /// [`LinearSvmParams::fit_with_progress`] starting from dual variables `alpha0[c][i]`
    /// (e.g. from a fit on a subset, zero for the new rows): far fewer passes to converge.
    pub fn fit_warm(
        &self,
        dataset: &DatasetBase<SparseRecords<'_>, Array1<usize>>,
        alpha0: Option<&[Vec<f32>]>,
        on_class_done: &(dyn Fn() + Sync),
    ) -> Result<LinearSvm, ModelError> {
        if !(self.c > 0.0 && self.c.is_finite()) {
            return Err(ModelError::invalid_config("c", format!("must be a finite number > 0, got {}", self.c)));
        }
        if let Some(bad) = self.class_c.iter().find(|w| !(w.is_finite() && **w > 0.0)) {
            return Err(ModelError::invalid_config("class_weight", format!("weights must be finite numbers > 0, got {bad}")));
        }
        let x = &dataset.records;
        let targets = &dataset.targets;
        let n = x.rows.len();
        if n == 0 || targets.len() != n {
            return Err(ModelError::NoData("no labelled rows".into()));
        }
        let k = targets.iter().copied().max().unwrap_or(0) + 1;
        let d = x.matrix.n_cols;
        let qd_x: Vec<f32> = (0..n).map(|i| x.row(i).1.iter().map(|v| v * v).sum::<f32>() + 1.0).collect();
        if k == 1 {
            on_class_done();
            return Ok(LinearSvm { n_features: d, n_classes: 1, weights: vec![0.0; d], bias: vec![0.0], alpha: Vec::new(), loo_scores: vec![0.0; n], passes: 0.0 });
        }
        let nb = (self.nb_scaling > 0.0).then(|| crate::nb_scaling::ClassSums::new(x, targets.as_slice().unwrap_or(&[]), self.nb_scaling));
        let fits: Vec<(BinaryFit, Vec<f32>)> = crate::parallel::install(|| {
            (0..k)
                .into_par_iter()
                .map(|c| {
                    let y: Vec<f32> = targets.iter().map(|&t| if t == c { 1.0 } else { -1.0 }).collect();
                    let seed = self.seed ^ (c as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                    let init = alpha0.and_then(|a| a.get(c)).map(Vec::as_slice);
                    let scale2 = nb.as_ref().map(|s| s.squared_scaling(c));
                    let qd_scaled = scale2.as_ref().map(|s2| {
                        (0..n).map(|i| x.row(i).0.iter().zip(x.row(i).1).map(|(&j, v)| v * v * s2[j as usize]).sum::<f32>() + 1.0).collect::<Vec<f32>>()
                    });
                    let qd = qd_scaled.as_deref().unwrap_or(&qd_x);
                    let c_pos = self.c * self.class_c.get(c).copied().unwrap_or(1.0);
                    let prob = BinaryProblem { y: &y, qd_x: qd, c_pos, scale2: scale2.as_deref() };
                    let fit = solve_binary(x, &prob, self, seed, init);
                    let loo: Vec<f32> = (0..if self.loo_scores { n } else { 0 })
                        .map(|i| {
                            let (cols, vals) = x.row(i);
                            dot(cols, vals, &fit.w) + fit.bias - fit.alpha[i] * y[i] * qd[i]
                        })
                        .collect();
                    on_class_done();
                    (fit, loo)
                })
                .collect()
        });
        let mut weights = Vec::with_capacity(k * d);
        let mut bias = Vec::with_capacity(k);
        let mut alpha = Vec::with_capacity(k);
        let mut loo_scores = vec![0f32; if self.loo_scores { n * k } else { 0 }];
        let mut visits = 0u64;
        for (c, (fit, loo)) in fits.into_iter().enumerate() {
            visits += fit.visits;
            weights.extend_from_slice(&fit.w);
            bias.push(fit.bias);
            alpha.push(fit.alpha);
            for (i, v) in loo.into_iter().enumerate() {
                loo_scores[i * k + c] = v;
            }
        }
        Ok(LinearSvm { n_features: d, n_classes: k, weights, bias, alpha, loo_scores, passes: visits as f64 / n as f64 })
    }
}

impl<'a> Fit<SparseRecords<'a>, Array1<usize>, ModelError> for LinearSvmParams {
    type Object = LinearSvm;

    fn fit(&self, dataset: &DatasetBase<SparseRecords<'a>, Array1<usize>>) -> Result<LinearSvm, ModelError> {
        self.fit_with_progress(dataset, &|| {})
    }
}

impl LinearSvm {
    /// Decision values of one sparse row for every class.
    pub fn decision(&self, cols: &[u32], vals: &[f32]) -> Vec<f32> {
        (0..self.n_classes)
            .map(|c| dot(cols, vals, &self.weights[c * self.n_features..(c + 1) * self.n_features]) + self.bias[c])
            .collect()
    }
}

impl<'a> PredictInplace<SparseRecords<'a>, Array1<usize>> for LinearSvm {
    fn predict_inplace(&self, x: &SparseRecords<'a>, y: &mut Array1<usize>) {
        for (i, out) in y.iter_mut().enumerate().take(x.rows.len()) {
            let (cols, vals) = x.row(i);
            *out = argmax(&self.decision(cols, vals));
        }
    }

    fn default_target(&self, x: &SparseRecords<'a>) -> Array1<usize> {
        Array1::zeros(x.rows.len())
    }
}

/// Index of the largest value (first on ties, 0 for an empty slice).
pub fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, &s) in v.iter().enumerate() {
        if s > v[best] {
            best = i;
        }
    }
    best
}
