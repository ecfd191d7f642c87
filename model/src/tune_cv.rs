//! Stratified k-fold cross-validation of one candidate on a precomputed TF-IDF matrix.
//!
//! Simplification (documented in `Model::fit_tuned`): the vocabulary and idf come from all
//! training rows, not from each fold's training part. Features seen only in a validation fold
//! get zero weight in that fold's model (the SVM's weights are a sum of training rows), so the
//! only leak is through idf and row norms; it saves one featurisation per fold.

use linfa::DatasetBase;
use ndarray::Array1;
use rayon::prelude::*;

use crate::error::ModelError;
use crate::sparse::{CsrMatrix, SparseRecords};
use crate::svm::{argmax, SplitMix};
use crate::train::{class_factors, fit_algorithm, HeadTargets};
use crate::train_config::TrainConfig;

/// What cross-validation maximises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TuneMetric {
    /// Share of validation rows predicted correctly.
    #[default]
    Accuracy,
    /// Unweighted mean F1 over classes (rewards the small classes too).
    MacroF1,
}

impl TuneMetric {
    /// Name as accepted by `FromStr` and the options object.
    pub fn as_str(&self) -> &'static str {
        match self {
            TuneMetric::Accuracy => "accuracy",
            TuneMetric::MacroF1 => "macro_f1",
        }
    }

    fn parse(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "accuracy" => Ok(TuneMetric::Accuracy),
            "macro_f1" => Ok(TuneMetric::MacroF1),
            _ => Err(format!("unknown tuning metric {s:?} (expected accuracy or macro_f1)")),
        }
    }
}

impl std::fmt::Display for TuneMetric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::option_parse::string_option!(TuneMetric, "tune_metric");

/// A head's labelled rows with a fold id per row.
pub(crate) struct FoldedHead {
    /// Rows and class indices.
    pub targets: HeadTargets,
    /// Fold of each of `targets.rows`.
    pub fold: Vec<u32>,
}

/// Fold ids for `targets`: each class's members, shuffled by `seed`, are dealt to the folds in
/// turn, continuing where the previous class stopped, so every class with at least `k` rows is
/// in every fold and the folds' sizes differ by at most one.
pub fn stratified_folds(targets: &[usize], k: usize, seed: u64) -> Vec<u32> {
    let n_classes = targets.iter().copied().max().map_or(0, |m| m + 1);
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    for (i, &t) in targets.iter().enumerate() {
        by_class[t].push(i);
    }
    let mut fold = vec![0u32; targets.len()];
    let mut next = 0usize;
    for (c, members) in by_class.iter_mut().enumerate() {
        let mut rng = SplitMix(seed ^ 0x7475_6E65_666F_6C64 ^ (c as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        for j in (1..members.len()).rev() {
            members.swap(j, (rng.next() % (j as u64 + 1)) as usize);
        }
        for &i in members.iter() {
            fold[i] = (next % k.max(1)) as u32;
            next += 1;
        }
    }
    fold
}

/// Score per fold (mean over heads) of `config` on `matrix`, folds fitted in parallel.
pub(crate) fn cross_validate(
    matrix: &CsrMatrix,
    heads: &[FoldedHead],
    k: usize,
    config: &TrainConfig,
    metric: TuneMetric,
    on_fold: &(dyn Fn() + Sync),
) -> Result<Vec<f64>, ModelError> {
    let per_fold: Vec<Result<f64, ModelError>> = (0..k)
        .into_par_iter()
        .map(|f| {
            let mut sum = 0.0;
            for head in heads {
                sum += fold_score(matrix, head, f as u32, config, metric)?;
            }
            on_fold();
            Ok(sum / heads.len().max(1) as f64)
        })
        .collect();
    per_fold.into_iter().collect()
}

/// Fit on every fold but `f`, score fold `f`.
fn fold_score(matrix: &CsrMatrix, head: &FoldedHead, f: u32, config: &TrainConfig, metric: TuneMetric) -> Result<f64, ModelError> {
    let t = &head.targets;
    let (mut fit_rows, mut fit_targets, mut val) = (Vec::new(), Vec::new(), Vec::new());
    for (j, (&row, &target)) in t.rows.iter().zip(t.targets.iter()).enumerate() {
        if head.fold[j] == f {
            val.push((row, target));
        } else {
            fit_rows.push(row);
            fit_targets.push(target);
        }
    }
    if val.is_empty() || fit_rows.is_empty() {
        return Ok(0.0);
    }
    let fit_targets = Array1::from(fit_targets);
    let class_c = class_factors(config, "<cross-validation>", &t.classes, &fit_targets)?;
    let ds = DatasetBase::new(SparseRecords { matrix, rows: &fit_rows }, fit_targets);
    let model = fit_algorithm(&ds, config, &class_c, None, false, &|| {})?;
    let pairs: Vec<(usize, usize)> = val
        .iter()
        .map(|&(row, truth)| {
            let (cols, vals) = matrix.row(row);
            (truth, argmax(&model.decision(cols, vals)))
        })
        .collect();
    Ok(score(&pairs, t.classes.len(), metric))
}

/// Accuracy or macro-F1 (over classes in truth or predictions) of `(truth, predicted)` pairs.
pub(crate) fn score(pairs: &[(usize, usize)], n_classes: usize, metric: TuneMetric) -> f64 {
    if pairs.is_empty() {
        return 0.0;
    }
    match metric {
        TuneMetric::Accuracy => pairs.iter().filter(|(t, p)| t == p).count() as f64 / pairs.len() as f64,
        TuneMetric::MacroF1 => {
            let n = n_classes.max(pairs.iter().map(|&(t, p)| t.max(p) + 1).max().unwrap_or(0));
            let (mut tp, mut fp, mut fn_) = (vec![0u64; n], vec![0u64; n], vec![0u64; n]);
            for &(t, p) in pairs {
                if t == p {
                    tp[t] += 1;
                } else {
                    fp[p] += 1;
                    fn_[t] += 1;
                }
            }
            let (mut sum, mut present) = (0.0, 0usize);
            for c in 0..n {
                if tp[c] + fp[c] + fn_[c] == 0 {
                    continue;
                }
                present += 1;
                sum += 2.0 * tp[c] as f64 / (2 * tp[c] + fp[c] + fn_[c]) as f64;
            }
            sum / present.max(1) as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_f1_averages_present_classes() {
        // class 0: tp 1, fn 1 -> f1 2/3; class 1: tp 1, fp 1 -> 2/3; class 2 absent.
        let pairs = [(0, 0), (0, 1), (1, 1)];
        assert!((score(&pairs, 3, TuneMetric::MacroF1) - 2.0 / 3.0).abs() < 1e-12);
        assert!((score(&pairs, 3, TuneMetric::Accuracy) - 2.0 / 3.0).abs() < 1e-12);
        let skewed = [(0, 0), (0, 0), (0, 0), (1, 0)];
        assert!(score(&skewed, 2, TuneMetric::MacroF1) < score(&skewed, 2, TuneMetric::Accuracy));
    }
}
