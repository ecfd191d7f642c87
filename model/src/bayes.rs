//! Multinomial naive Bayes (linfa-bayes) as a second, comparison algorithm.
//!
//! linfa-bayes only takes dense records, so it is fed the head's *sufficient statistics*:
//! one aggregated row per class (the per-class sum of TF-IDF vectors) over the `max_features`
//! columns with the highest document frequency. That is a `classes x max_features` dense
//! matrix instead of `docs x features`. Priors come from the true class counts (the aggregated
//! rows would make linfa's uniform). The fitted model is then turned into the same linear
//! form as the SVM by querying its log posteriors on the zero vector and on unit vectors:
//! `log P(c | e_j) - log P(c | 0) = log theta_cj + const_j`, and a per-feature constant does
//! not change the softmax over classes.
//!
//! linfa-bayes 0.8.1 prints every class's histogram from a leftover `dbg!` (and panics when
//! stderr is a non-blocking pipe); the workspace patches it out (`vendor/linfa-bayes/PATCHED.md`).

use linfa::traits::Fit;
use linfa::{Dataset, DatasetBase};
use linfa_bayes::{MultinomialNb, NaiveBayes};
use ndarray::{Array1, Array2};

use crate::error::ModelError;
use crate::sparse::{dot, SparseRecords};
use crate::svm::LinearSvm;

/// Hyper-parameters of the naive Bayes head.
#[derive(Debug, Clone)]
pub struct NaiveBayesParams {
    /// Additive (Laplace/Lidstone) smoothing.
    pub alpha: f64,
    /// Columns kept (highest document frequency first).
    pub max_features: usize,
}

impl Default for NaiveBayesParams {
    fn default() -> Self {
        NaiveBayesParams { alpha: 0.1, max_features: 1024 }
    }
}

impl<'a> Fit<SparseRecords<'a>, Array1<usize>, ModelError> for NaiveBayesParams {
    /// Same linear shape as the SVM; `loo_scores` holds training decision values.
    type Object = LinearSvm;

    fn fit(&self, dataset: &DatasetBase<SparseRecords<'a>, Array1<usize>>) -> Result<LinearSvm, ModelError> {
        let x = &dataset.records;
        let y = &dataset.targets;
        let n = x.rows.len();
        if n == 0 || y.len() != n {
            return Err(ModelError::NoData("no labelled rows".into()));
        }
        if self.alpha.is_nan() || self.alpha <= 0.0 || self.max_features == 0 {
            return Err(ModelError::invalid_config("nb_alpha", "naive Bayes needs alpha > 0 and max_features > 0"));
        }
        let k = y.iter().copied().max().unwrap_or(0) + 1;
        let d = x.matrix.n_cols;
        let mut df = vec![0u32; d];
        for i in 0..n {
            for &c in x.row(i).0 {
                df[c as usize] += 1;
            }
        }
        let mut order: Vec<u32> = (0..d as u32).filter(|&c| df[c as usize] > 0).collect();
        order.sort_by(|&a, &b| df[b as usize].cmp(&df[a as usize]).then(a.cmp(&b)));
        order.truncate(self.max_features);
        order.sort_unstable();
        let m = order.len();
        let mut pos = vec![u32::MAX; d];
        for (p, &c) in order.iter().enumerate() {
            pos[c as usize] = p as u32;
        }
        let mut agg = Array2::<f64>::zeros((k, m.max(1)));
        let mut counts = vec![0usize; k];
        for i in 0..n {
            counts[y[i]] += 1;
            let (cols, vals) = x.row(i);
            for (&c, &v) in cols.iter().zip(vals) {
                let p = pos[c as usize];
                if p != u32::MAX {
                    agg[[y[i], p as usize]] += v as f64;
                }
            }
        }
        let mut weights = vec![0f32; k * d];
        let bias: Vec<f32> = counts.iter().map(|&c| ((c.max(1)) as f64 / n as f64).ln() as f32).collect();
        if k > 1 {
            let labels = Array1::from_iter(0..k);
            let ds = Dataset::new(agg, labels);
            let nb: MultinomialNb<f64, usize> = MultinomialNb::params()
                .alpha(self.alpha)
                .fit(&ds)
                .map_err(|e| ModelError::Linfa(e.to_string()))?;
            let mut queries = Array2::<f64>::zeros((m + 1, m.max(1)));
            for j in 0..m {
                queries[[j + 1, j]] = 1.0;
            }
            let (logp, classes) = nb.predict_log_proba(queries.view());
            for (ci, &&class) in classes.iter().enumerate() {
                for (j, &col) in order.iter().enumerate() {
                    weights[class * d + col as usize] = (logp[[j + 1, ci]] - logp[[0, ci]]) as f32;
                }
            }
        }
        let mut scores = vec![0f32; n * k];
        for i in 0..n {
            let (cols, vals) = x.row(i);
            for c in 0..k {
                scores[i * k + c] = dot(cols, vals, &weights[c * d..(c + 1) * d]) + bias[c];
            }
        }
        Ok(LinearSvm { n_features: d, n_classes: k, weights, bias, alpha: Vec::new(), loo_scores: scores, passes: 0.0 })
    }
}
