//! Warm start: refit a model on corrected or grown data starting from an old model.
//!
//! Each class of a head the old model has starts from the old weights and bias, mapped onto
//! the new feature columns by hashed key (features the old model never saw start at 0), and
//! is finished by the primal Newton solver (`newton`). Classes the old head does not know
//! start from 0; classes it had that the new data lacks are dropped.
//!
//! Tried first and dropped, measured on Banking77: duals recovered from the old margins,
//! `alpha_i = 2C max(0, 1 - y_i f_i)` (the L2-loss optimum with `D_ii = 1 / (2C)`), for the
//! dual solver. Rebuilding `w = sum alpha_i y_i x_i` from them is one gradient step of size 1
//! on the primal, which the Gram matrix amplifies: 951 outer solver iterations against 695
//! for the cold fit's final solve (itself started from the calibration fit's duals). Also
//! dropped: the dual solver regularised towards the old weights (`||w - w_old||^2`, an
//! "adaptive SVM"): no fewer iterations (730), and a different problem whose solution drifts
//! further from the cold one with every retrain.
//!
//! The old temperature is kept when C is unchanged: a refit on similar data keeps the score
//! scale (test log-loss within 0.005 of a cold fit on both shared sets), and the calibration
//! hold-out fit is most of what a cold fit costs besides the final fit.

use linfa::DatasetBase;
use ndarray::Array1;
use rayon::prelude::*;

use crate::error::ModelError;
use crate::model::Model;
use crate::newton::{solve_primal, NewtonParams, PrimalFit};
use crate::sparse::SparseRecords;
use crate::svm::LinearSvm;
use crate::train_config::{Algorithm, TrainConfig};

/// `config` with the old model's pipeline settings, or why the two cannot be combined.
pub fn warm_config(config: &TrainConfig, old: &Model) -> Result<TrainConfig, ModelError> {
    if config.algorithm != Algorithm::Linear {
        return Err(ModelError::invalid_config("warm_start", format!("needs algorithm linear, got {}", config.algorithm)));
    }
    let old_algorithm = &old.metadata().algorithm;
    if old_algorithm != Algorithm::Linear.as_str() {
        return Err(mismatch("algorithm", old_algorithm, config.algorithm));
    }
    let p = old.pipeline();
    let default = TrainConfig::default();
    let mut out = config.clone();
    // Only a setting the caller changed from its default can conflict: callers cannot tell
    // "left out" from "asked for the default" once the config is built.
    macro_rules! take {
        ($field:ident, $old:expr) => {
            if config.$field != default.$field && config.$field != $old {
                return Err(mismatch(stringify!($field), $old, config.$field));
            }
            out.$field = $old;
        };
    }
    take!(max_text_chars, usize::try_from(p.max_text_chars).unwrap_or(usize::MAX));
    take!(hash_bits, p.hash_bits);
    take!(word_ngram_max, p.word_ngram_max);
    take!(char_ngram_min, p.char_ngram_min);
    take!(char_ngram_max, p.char_ngram_max);
    take!(fold_numbers, p.fold_numbers);
    take!(numbers, p.numbers);
    Ok(out)
}

fn mismatch(field: &str, old: impl std::fmt::Display, given: impl std::fmt::Display) -> ModelError {
    ModelError::WarmStartMismatch { field: field.to_string(), old: old.to_string(), given: given.to_string() }
}

/// The old model, with the new feature columns mapped onto its own.
pub(crate) struct WarmStart<'a> {
    old: &'a Model,
    /// Old column of each new column, `u32::MAX` for features the old model never saw.
    old_col: Vec<u32>,
}

/// Where a warm head starts: the old head and, per new class, its old class (`None` for a
/// class the old head lacks), and the temperature to keep, `None` when it has to be fitted
/// again (C changed).
pub(crate) struct WarmHead<'w> {
    from: &'w WarmStart<'w>,
    old_head: usize,
    old_class: Vec<Option<usize>>,
    pub temperature: Option<f32>,
}

impl<'a> WarmStart<'a> {
    /// Map the new model's sorted `keys` onto `old`'s (both sorted: one merge).
    pub(crate) fn new(old: &'a Model, keys: &[u32]) -> WarmStart<'a> {
        let old_keys = &old.payload.keys;
        let mut j = 0;
        let old_col = keys
            .iter()
            .map(|&k| {
                while j < old_keys.len() && old_keys[j] < k {
                    j += 1;
                }
                if old_keys.get(j) == Some(&k) {
                    j as u32
                } else {
                    u32::MAX
                }
            })
            .collect();
        WarmStart { old, old_col }
    }

    /// The start of head `name` with `classes`, or `None` when the old model has no such head
    /// (it is then fitted cold).
    pub(crate) fn head(&self, name: &str, classes: &[String], c: f32) -> Option<WarmHead<'_>> {
        let h = self.old.payload.heads.iter().position(|head| head.name == name)?;
        let old_head = &self.old.payload.heads[h];
        let old_class = classes.iter().map(|class| old_head.classes.iter().position(|o| o == class)).collect();
        let same_c = self.old.metadata().c == c;
        Some(WarmHead { from: self, old_head: h, old_class, temperature: same_c.then_some(old_head.temperature) })
    }
}

impl WarmHead<'_> {
    /// Class `c`'s old weights in the new columns and its bias (zeros for a new class); built
    /// per class while fitting so only the classes in flight hold a dense copy.
    fn start(&self, c: usize, n_cols: usize) -> (Vec<f32>, f32) {
        let Some(oc) = self.old_class.get(c).copied().flatten() else { return (vec![0.0; n_cols], 0.0) };
        let (old, h) = (self.from.old, self.old_head);
        let w = (0..n_cols)
            .map(|j| match self.from.old_col.get(j) {
                Some(&o) if o != u32::MAX => old.weight(h, o as usize, oc),
                _ => 0.0,
            })
            .collect();
        (w, old.payload.heads[h].bias.get(oc).copied().unwrap_or(0.0))
    }

    /// Fit every class of the head from its start with the primal Newton solver.
    pub(crate) fn fit(
        &self,
        dataset: &DatasetBase<SparseRecords<'_>, Array1<usize>>,
        config: &TrainConfig,
        class_c: &[f32],
        loo_scores: bool,
        on_class_done: &(dyn Fn() + Sync),
    ) -> Result<LinearSvm, ModelError> {
        if config.nb_scaling > 0.0 {
            return Err(ModelError::invalid_config("nb_scaling", "a warm start cannot use nb_scaling yet; train cold or set it to 0"));
        }
        let (x, targets) = (&dataset.records, &dataset.targets);
        let (n, k, d) = (x.rows.len(), self.old_class.len(), x.matrix.n_cols);
        let fits: Vec<(PrimalFit, Vec<f32>)> = crate::parallel::install(|| {
            (0..k)
                .into_par_iter()
                .map(|c| {
                    let y: Vec<f32> = targets.iter().map(|&t| if t == c { 1.0 } else { -1.0 }).collect();
                    let c_pos = config.c * class_c.get(c).copied().unwrap_or(1.0);
                    let params = NewtonParams { c: config.c, c_pos, tol: 0.01, max_newton: 20, max_cg: 100 };
                    let fit = solve_primal(x, &y, self.start(c, d), &params);
                    // The dual at the optimum is alpha_i = 2C max(0, 1 - y_i f_i): the same
                    // leave-one-out estimate as the dual solver's.
                    let loo = (0..if loo_scores { n } else { 0 })
                        .map(|i| {
                            let qd = x.row(i).1.iter().map(|v| v * v).sum::<f32>() + 1.0;
                            let c_i = if y[i] > 0.0 { params.c_pos } else { params.c };
                            let alpha = 2.0 * c_i * (1.0 - y[i] * fit.decision[i]).max(0.0);
                            fit.decision[i] - alpha * y[i] * qd
                        })
                        .collect();
                    on_class_done();
                    (fit, loo)
                })
                .collect()
        });
        let mut svm = LinearSvm {
            n_features: d,
            n_classes: k,
            weights: Vec::with_capacity(k * d),
            bias: Vec::with_capacity(k),
            alpha: Vec::new(),
            loo_scores: vec![0f32; if loo_scores { n * k } else { 0 }],
            passes: 0.0,
        };
        for (c, (fit, loo)) in fits.into_iter().enumerate() {
            svm.weights.extend_from_slice(&fit.w);
            svm.bias.push(fit.bias);
            svm.passes += fit.row_visits as f64 / n.max(1) as f64;
            for (i, v) in loo.into_iter().enumerate() {
                svm.loo_scores[i * k + c] = v;
            }
        }
        Ok(svm)
    }
}

