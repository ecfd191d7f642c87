//! Training: featurise once, then fit every label head on the shared sparse matrix.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use linfa::traits::Fit;
use linfa::DatasetBase;
use ndarray::Array1;
use rayon::prelude::*;

use crate::bayes::NaiveBayesParams;
use crate::calibrate::fit_temperature;
use crate::error::ModelError;
use crate::format::FORMAT_VERSION;
use crate::head_weights::HeadWeights;
use crate::model::Model;
use crate::payload::{HeadMetrics, ModelMetadata, Payload};
use crate::sparse::{CsrMatrix, SparseRecords};
use crate::featurise::{featurise, Featurised};
use crate::tune_summary::TuningSummary;
use crate::svm::{argmax, LinearSvm, LinearSvmParams, SplitMix};
pub use crate::train_config::{Algorithm, TrainConfig};
use crate::warm_start::WarmStart;

/// Progress events while training (may arrive from worker threads).
#[derive(Debug, Clone)]
pub enum TrainProgress {
    /// Texts featurised.
    Features {
        /// Documents.
        docs: usize,
        /// Distinct features kept.
        features: usize,
    },
    /// A head started.
    HeadStarted {
        /// Head name.
        head: String,
        /// 0-based head index.
        index: usize,
        /// Number of heads.
        heads: usize,
        /// Classes in this head.
        classes: usize,
    },
    /// One class of the current head finished (one-vs-rest).
    ClassDone {
        /// Head name.
        head: String,
        /// Classes done so far.
        done: usize,
        /// Classes in this head.
        total: usize,
    },
    /// A head finished.
    HeadFinished {
        /// Its metrics.
        metrics: HeadMetrics,
    },
}

impl Model {
    /// Train a model; `None` or empty labels skip the row for that head only.
    pub fn fit(texts: &[String], heads: &[(String, Vec<Option<String>>)], config: &TrainConfig) -> Result<Model, ModelError> {
        Model::fit_with_progress(texts, heads, config, &|_| {})
    }

    /// [`Model::fit`] reporting [`TrainProgress`] events.
    pub fn fit_with_progress(
        texts: &[String],
        heads: &[(String, Vec<Option<String>>)],
        config: &TrainConfig,
        progress: &(dyn Fn(TrainProgress) + Sync),
    ) -> Result<Model, ModelError> {
        crate::parallel::install(|| fit_on_pool(texts, heads, config, None, progress))
    }
}

/// [`Model::fit_with_progress`] inside the process's pool, so every loop below runs there;
/// `old` warm-starts the heads it has (see `warm_start`).
pub(crate) fn fit_on_pool(
    texts: &[String],
    heads: &[(String, Vec<Option<String>>)],
    config: &TrainConfig,
    old: Option<&Model>,
    progress: &(dyn Fn(TrainProgress) + Sync),
) -> Result<Model, ModelError> {
    check_inputs(texts, heads, config)?;
    let features = featurise(&config.pipeline(), texts);
    progress(TrainProgress::Features { docs: texts.len(), features: features.keys.len() });
    fit_featurised(texts, heads, config, features, (old, None), progress)
}

/// The checks every fit runs before any work: settings, texts, one label per text per head,
/// at least two classes per head.
pub(crate) fn check_inputs(texts: &[String], heads: &[(String, Vec<Option<String>>)], config: &TrainConfig) -> Result<(), ModelError> {
    config.validate()?;
    if texts.is_empty() {
        return Err(ModelError::NoData("no texts".into()));
    }
    if heads.is_empty() {
        return Err(ModelError::InvalidInput("at least one label head is required".into()));
    }
    for (i, (name, labels)) in heads.iter().enumerate() {
        if labels.len() != texts.len() {
            return Err(ModelError::InvalidInput(format!(
                "head {name:?} has {} labels for {} texts",
                labels.len(),
                texts.len()
            )));
        }
        if heads[..i].iter().any(|(n, _)| n == name) {
            return Err(ModelError::InvalidInput(format!("duplicate head {name:?}")));
        }
        crate::head_check::at_least_two_classes(name, labels)?;
    }
    Ok(())
}

/// Fit every head on an already featurised training set (the tuner reuses its CV matrix);
/// `old` warm-starts, `tuning` is recorded in the metadata.
pub(crate) fn fit_featurised(
    texts: &[String],
    heads: &[(String, Vec<Option<String>>)],
    config: &TrainConfig,
    features: Featurised,
    (old, tuning): (Option<&Model>, Option<TuningSummary>),
    progress: &(dyn Fn(TrainProgress) + Sync),
) -> Result<Model, ModelError> {
    let Featurised { pipeline, keys, idf, matrix } = features;
    let warm = old.map(|old| WarmStart::new(old, &keys));
    let mut head_weights = Vec::with_capacity(heads.len());
    let mut metrics = Vec::with_capacity(heads.len());
    for (index, (name, labels)) in heads.iter().enumerate() {
        let started = Instant::now();
        let (hw, m) = fit_head(name, labels, &matrix, config, warm.as_ref(), (index, heads.len()), progress)?;
        let m = HeadMetrics { fit_seconds: started.elapsed().as_secs_f64(), ..m };
        progress(TrainProgress::HeadFinished { metrics: m.clone() });
        head_weights.push(hw);
        metrics.push(m);
    }
    let metadata = ModelMetadata {
        format_version: FORMAT_VERSION,
        algorithm: config.algorithm.as_str().to_string(),
        seed: config.seed,
        c: config.c,
        created: config.created.clone().unwrap_or_else(now_rfc3339),
        data_hash: config.data_hash.clone().unwrap_or_else(|| crate::version::data_hash_of(texts, heads)),
        rows: texts.len() as u64,
        max_text_chars: pipeline.max_text_chars,
        hash_bits: pipeline.hash_bits,
        n_features: keys.len() as u64,
        heads: metrics,
        tuning,
        ..ModelMetadata::default()
    };
    let mut payload = Payload { pipeline, keys, idf, heads: head_weights, metadata };
    if config.max_model_mb > 0.0 {
        let mass = column_mass(&matrix);
        drop(matrix);
        let max_bytes = (f64::from(config.max_model_mb) * 1e6) as usize;
        payload.metadata.pruned_features = crate::prune::prune_to_size(&mut payload, &mass, max_bytes)? as u64;
    }
    Model::from_payload(payload)
}

/// Sum of each column's values over all rows (a feature's weight in the training data).
fn column_mass(matrix: &CsrMatrix) -> Vec<f32> {
    let mut mass = vec![0f32; matrix.n_cols];
    for (&c, &v) in matrix.indices.iter().zip(&matrix.values) {
        mass[c as usize] += v;
    }
    mass
}

fn fit_head(
    name: &str,
    labels: &[Option<String>],
    matrix: &CsrMatrix,
    config: &TrainConfig,
    warm_start: Option<&WarmStart<'_>>,
    (index, n_heads): (usize, usize),
    progress: &(dyn Fn(TrainProgress) + Sync),
) -> Result<(HeadWeights, HeadMetrics), ModelError> {
    let HeadTargets { classes, rows, targets } = head_targets(name, labels)?;
    let k = classes.len();
    let class_c = class_factors(config, name, &classes, &targets)?;
    progress(TrainProgress::HeadStarted { head: name.to_string(), index, heads: n_heads, classes: k });
    let warm_head = warm_start.and_then(|w| w.head(name, &classes, config.c));
    // A warm head keeps the old temperature when it can (see `warm_start`).
    let kept_temperature = warm_head.as_ref().and_then(|w| w.temperature);
    let held = if kept_temperature.is_some() { None } else { holdout_rows(&targets, k, config) };
    let dataset = DatasetBase::new(SparseRecords { matrix, rows: &rows }, targets);
    let done = AtomicUsize::new(0);
    let on_class = || {
        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
        progress(TrainProgress::ClassDone { head: name.to_string(), done: d, total: k });
    };
    let loo = kept_temperature.is_none() && held.is_none();
    let fitted = match &warm_head {
        Some(w) => w.fit(&dataset, config, &class_c, loo, &on_class)?,
        None => fit_algorithm(&dataset, config, &class_c, None, loo, &on_class)?,
    };
    let truth = dataset.targets.as_slice().unwrap_or(&[]);
    let (temperature, holdout_passes) = match (kept_temperature, &held) {
        (Some(t), _) => (t, 0.0),
        (None, Some(held)) => holdout_temperature(matrix, &rows, truth, held, k, config, &class_c, &fitted.alpha)?,
        (None, None) => (fit_temperature(&fitted.loo_scores, k, truth), 0.0),
    };
    let stride = k.div_ceil(16) * 16;
    let (q, scales) = quantise(&fitted.weights, k, stride, matrix.n_cols);
    let hw = HeadWeights { name: name.to_string(), classes, stride: stride as u32, q, scales, bias: fitted.bias, temperature };
    let correct = train_accuracy(&hw, &dataset);
    let metrics = HeadMetrics {
        head: name.to_string(),
        rows: rows.len() as u64,
        classes: k as u64,
        skipped: (labels.len() - rows.len()) as u64,
        train_accuracy: correct,
        temperature,
        fit_seconds: 0.0,
        solver_passes: holdout_passes + fitted.passes,
    };
    Ok((hw, metrics))
}

/// A head's labelled rows and their class indices.
pub(crate) struct HeadTargets {
    /// Distinct trimmed labels, sorted; class index = position.
    pub classes: Vec<String>,
    /// Rows (of the texts) that have a label for this head.
    pub rows: Vec<usize>,
    /// Class index of each of `rows`.
    pub targets: Array1<usize>,
}

/// The labelled rows of a head; trimmed empty labels are skipped.
pub(crate) fn head_targets(name: &str, labels: &[Option<String>]) -> Result<HeadTargets, ModelError> {
    let mut class_ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rows = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        if let Some(l) = l.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            class_ids.insert(l, 0);
            rows.push(i);
        }
    }
    if rows.is_empty() {
        return Err(ModelError::NoData(format!("head {name:?} has no labelled rows")));
    }
    let classes: Vec<String> = class_ids.keys().map(|s| s.to_string()).collect();
    for (i, v) in class_ids.values_mut().enumerate() {
        *v = i;
    }
    let targets: Array1<usize> = rows
        .iter()
        .filter_map(|&i| labels[i].as_deref().map(str::trim).and_then(|l| class_ids.get(l).copied()))
        .collect();
    Ok(HeadTargets { classes, rows, targets })
}

/// The per-class C factors of `class_weight` for a head's targets.
pub(crate) fn class_factors(config: &TrainConfig, name: &str, classes: &[String], targets: &Array1<usize>) -> Result<Vec<f32>, ModelError> {
    let mut counts = vec![0usize; classes.len()];
    for &t in targets.iter() {
        counts[t] += 1;
    }
    config.class_weight.factors(name, classes, &counts)
}

pub(crate) fn fit_algorithm(
    dataset: &DatasetBase<SparseRecords<'_>, Array1<usize>>,
    config: &TrainConfig,
    class_c: &[f32],
    warm: Option<&[Vec<f32>]>,
    loo_scores: bool,
    on_class: &(dyn Fn() + Sync),
) -> Result<LinearSvm, ModelError> {
    match config.algorithm {
        Algorithm::Linear => LinearSvmParams {
            c: config.c,
            eps: config.eps,
            max_iter: config.max_iter,
            seed: config.seed,
            loo_scores,
            class_c: class_c.to_vec(),
            nb_scaling: config.nb_scaling,
        }
        .fit_warm(dataset, warm, on_class),
        Algorithm::NaiveBayes => {
            let k = dataset.targets.iter().copied().max().unwrap_or(0) + 1;
            let f = NaiveBayesParams { alpha: config.nb_alpha, max_features: config.nb_max_features }.fit(dataset)?;
            for _ in 0..k {
                on_class();
            }
            Ok(f)
        }
    }
}

/// Which rows to hold out for calibration: a seeded, stratified `calibration_holdout` share
/// of every class with at least two rows; `None` when nothing can be held out.
fn holdout_rows(targets: &Array1<usize>, k: usize, config: &TrainConfig) -> Option<Vec<bool>> {
    let frac = config.calibration_holdout;
    if k < 2 || !(frac > 0.0 && frac < 1.0) {
        return None;
    }
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (i, &t) in targets.iter().enumerate() {
        by_class[t].push(i);
    }
    let mut held = vec![false; targets.len()];
    for (c, members) in by_class.iter_mut().enumerate() {
        if members.len() < 2 {
            continue;
        }
        let mut rng = SplitMix(config.seed ^ 0xC0FF_EE00 ^ (c as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        for j in (1..members.len()).rev() {
            members.swap(j, (rng.next() % (j as u64 + 1)) as usize);
        }
        let n_hold = ((members.len() as f32 * frac).round() as usize).clamp(1, members.len() - 1);
        for &i in &members[..n_hold] {
            held[i] = true;
        }
    }
    held.contains(&true).then_some(held)
}

/// Fit the softmax temperature on held-out decision values: a model fitted without the `held`
/// rows scores them. That model starts from the full fit's duals with the held-out rows'
/// duals removed, so it is a few passes away from converged and costs a fraction of a fit
/// (fitting it cold and warm-starting the full fit from it cost about twice as much).
#[allow(clippy::too_many_arguments)]
fn holdout_temperature(
    matrix: &CsrMatrix,
    rows: &[usize],
    targets: &[usize],
    held: &[bool],
    k: usize,
    config: &TrainConfig,
    class_c: &[f32],
    full_alpha: &[Vec<f32>],
) -> Result<(f32, f64), ModelError> {
    let (fit_idx, hold_idx): (Vec<usize>, Vec<usize>) = (0..rows.len()).partition(|&i| !held[i]);
    let fit_rows: Vec<usize> = fit_idx.iter().map(|&i| rows[i]).collect();
    let fit_targets: Array1<usize> = fit_idx.iter().map(|&i| targets[i]).collect();
    let ds = DatasetBase::new(SparseRecords { matrix, rows: &fit_rows }, fit_targets);
    let warm: Option<Vec<Vec<f32>>> = (full_alpha.len() == k)
        .then(|| full_alpha.iter().map(|a| fit_idx.iter().map(|&i| a.get(i).copied().unwrap_or(0.0)).collect()).collect());
    // The calibration model only has to rank classes like the final one: a looser tolerance
    // is enough.
    let loose = TrainConfig { eps: config.eps.max(0.5), ..config.clone() };
    let model = fit_algorithm(&ds, &loose, class_c, warm.as_deref(), false, &|| {})?;
    let mut scores = Vec::with_capacity(hold_idx.len() * k);
    let mut truth = Vec::with_capacity(hold_idx.len());
    for &i in &hold_idx {
        let (cols, vals) = matrix.row(rows[i]);
        let mut d = model.decision(cols, vals);
        // Classes absent from the fit part (impossible with k >= 2 rows each) score lowest.
        d.resize(k, f32::MIN / 4.0);
        scores.extend(d);
        truth.push(targets[i]);
    }
    // The hold-out fit's passes are over fewer rows: count them as shares of a full pass.
    let passes = model.passes * fit_rows.len() as f64 / rows.len().max(1) as f64;
    Ok((fit_temperature(&scores, k, &truth), passes))
}

/// Class-major f32 weights -> feature-major i8 rows of `stride` with one scale per feature
/// (max |w| / 127, rounded to the bfloat16 the file stores).
fn quantise(weights: &[f32], k: usize, stride: usize, d: usize) -> (Vec<u8>, Vec<f32>) {
    let mut q = vec![0u8; d * stride];
    let mut scales = vec![0f32; d];
    for j in 0..d {
        let max = (0..k).map(|c| weights[c * d + j].abs()).fold(0f32, f32::max);
        if max > 0.0 && max.is_finite() {
            let scale = crate::file_payload::round_bf16(max / 127.0);
            scales[j] = scale;
            for c in 0..k {
                q[j * stride + c] = ((weights[c * d + j] / scale).round().clamp(-127.0, 127.0) as i8) as u8;
            }
        }
    }
    (q, scales)
}

/// Accuracy of the quantised head on its training rows.
fn train_accuracy(h: &HeadWeights, ds: &DatasetBase<SparseRecords<'_>, Array1<usize>>) -> f32 {
    let stride = h.stride as usize;
    let n = ds.records.rows.len();
    let correct: usize = crate::parallel::install(|| {
        (0..n)
            .into_par_iter()
            .map_init(Vec::new, |scores: &mut Vec<f32>, i| {
                let (cols, vals) = ds.records.row(i);
                scores.clear();
                scores.extend_from_slice(&h.bias);
                for (&col, &v) in cols.iter().zip(vals) {
                    let col = col as usize;
                    let s = h.scales[col] * v;
                    for (a, &q) in scores.iter_mut().zip(&h.q[col * stride..col * stride + stride]) {
                        *a += (q as i8) as f32 * s;
                    }
                }
                usize::from(argmax(scores) == ds.targets[i])
            })
            .sum()
    });
    correct as f32 / n.max(1) as f32
}

/// Current UTC time (or `SOURCE_DATE_EPOCH`) as RFC 3339.
fn now_rfc3339() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    rfc3339(secs)
}

/// Format Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, Howard Hinnant).
pub(crate) fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(super::rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}
