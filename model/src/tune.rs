//! `--tune`: pick training settings by stratified k-fold cross-validation within a time
//! budget, then fit the winner on all rows and record the CV table in the model's metadata.
//!
//! Deterministic for a seed: the folds, the candidate order (see [`crate::tune_grid`]) and the
//! choice depend only on the data, the base settings and the seed. The budget only decides
//! how far down that order the search gets, so a slower (or busier) machine may evaluate fewer
//! candidates; the CV table lists the ones skipped for time.

use std::time::Instant;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::ModelError;
use crate::featurise::{featurise, Featurised};
use crate::model::Model;
use crate::train::{check_inputs, fit_featurised, head_targets, TrainProgress};
use crate::train_config::TrainConfig;
use crate::tune_cv::{cross_validate, stratified_folds, FoldedHead};
pub use crate::tune_cv::TuneMetric;
pub use crate::tune_summary::{CandidateScore, TuningSummary};
use crate::tune_grid::{combination, default_space, neighbours, single_changes, Choice, Dimension};

/// Settings of the search itself (not of the model).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TuneConfig {
    /// Seconds the search may take (the final fit on all rows comes on top). The base settings
    /// are always evaluated, so 0 reports their CV score and changes nothing.
    #[serde(alias = "budgetS")]
    pub budget_s: f64,
    /// Folds of the stratified cross-validation (2..=20).
    pub folds: usize,
    /// Seed of the fold assignment; `None` = the training seed.
    #[serde(alias = "tuneSeed")]
    pub tune_seed: Option<u64>,
    /// What the search maximises.
    #[serde(alias = "tuneMetric")]
    pub tune_metric: TuneMetric,
}

impl Default for TuneConfig {
    fn default() -> Self {
        // 3 folds: on it-tickets (38k rows) a 3-fold candidate costs about one full fit, so a
        // 60 s budget covers the base settings and every single change on an idle 2-core machine.
        TuneConfig { budget_s: 60.0, folds: 3, tune_seed: None, tune_metric: TuneMetric::Accuracy }
    }
}

impl TuneConfig {
    /// Checks every value, naming the first bad one.
    pub fn validate(&self) -> Result<(), ModelError> {
        if !(self.budget_s.is_finite() && self.budget_s >= 0.0) {
            return Err(ModelError::invalid_config("budget_s", format!("must be a finite number >= 0, got {}", self.budget_s)));
        }
        if !(2..=20).contains(&self.folds) {
            return Err(ModelError::invalid_config("folds", format!("must be in 2..=20, got {}", self.folds)));
        }
        Ok(())
    }
}

/// Training settings plus, when asked for, tuning: what `Model.fit(..., **options)` means.
#[derive(Debug, Clone, Default)]
pub struct FitOptions {
    /// Settings of the fit (the base settings of a search).
    pub train: TrainConfig,
    /// `Some` to tune by cross-validation first.
    pub tune: Option<TuneConfig>,
}

/// Option keys that belong to [`TuneConfig`] (both spellings), plus the `tune` switch.
const TUNE_KEYS: &[&str] = &["budget_s", "budgetS", "folds", "tune_seed", "tuneSeed", "tune_metric", "tuneMetric"];

impl FitOptions {
    /// Split a binding's options object: `tune` (bool) and the [`TuneConfig`] keys, the rest
    /// is a [`TrainConfig`]. A tuning key without `tune: true` is an error naming it.
    pub fn from_value(value: &Value) -> Result<FitOptions, ModelError> {
        let Value::Object(map) = value else { return Ok(FitOptions { train: TrainConfig::from_value(value)?, tune: None }) };
        let (mut train, mut tune) = (Map::new(), Map::new());
        let mut enabled = false;
        for (key, v) in map {
            if key == "tune" {
                enabled = v.as_bool().ok_or_else(|| ModelError::invalid_config("tune", format!("must be true or false, got {v}")))?;
            } else if TUNE_KEYS.contains(&key.as_str()) {
                tune.insert(key.clone(), v.clone());
            } else {
                train.insert(key.clone(), v.clone());
            }
        }
        let train = TrainConfig::from_value(&Value::Object(train))?;
        if !enabled {
            if let Some(key) = tune.keys().next() {
                return Err(ModelError::invalid_config(key, "only applies with tune=true"));
            }
            return Ok(FitOptions { train, tune: None });
        }
        let config = TuneConfig::deserialize(&Value::Object(tune.clone())).map_err(|e| {
            let key = tune.keys().find(|k| TuneConfig::deserialize(&Value::Object(Map::from_iter([((*k).clone(), tune[*k].clone())]))).is_err());
            ModelError::invalid_config(key.map_or("tune", String::as_str), e.to_string())
        })?;
        config.validate()?;
        Ok(FitOptions { train, tune: Some(config) })
    }

    /// [`FitOptions::from_value`] on JSON text.
    pub fn from_json(text: &str) -> Result<FitOptions, ModelError> {
        let value: Value = serde_json::from_str(text).map_err(|e| ModelError::invalid_config("<options>", e.to_string()))?;
        FitOptions::from_value(&value)
    }
}

/// Progress events while tuning (may arrive from worker threads).
#[derive(Debug, Clone)]
pub enum TuneProgress {
    /// A candidate's cross-validation started.
    CandidateStarted {
        /// 0-based position in the order tried.
        index: usize,
        /// Its label.
        label: String,
        /// Folds to fit.
        folds: usize,
    },
    /// One fold of the current candidate finished.
    FoldDone,
    /// A candidate finished.
    CandidateDone(CandidateScore),
    /// The search ended; the final fit on all rows follows.
    SearchDone(TuningSummary),
    /// The final fit's progress.
    Final(TrainProgress),
}

impl Model {
    /// Fit with [`FitOptions`]: tuned when `options.tune` is set, else a plain fit.
    pub fn fit_with_options(
        texts: &[String],
        heads: &[(String, Vec<Option<String>>)],
        options: &FitOptions,
        progress: &(dyn Fn(TuneProgress) + Sync),
    ) -> Result<Model, ModelError> {
        match &options.tune {
            Some(tune) => Model::fit_tuned(texts, heads, &options.train, tune, progress),
            None => Model::fit_with_progress(texts, heads, &options.train, &|e| progress(TuneProgress::Final(e))),
        }
    }

    /// Cross-validate candidates from [`default_space`] around `base` within the budget, then
    /// fit the best on all rows; the CV table is in `metadata().tuning`.
    ///
    /// Each candidate is scored by the mean over heads of the stratified k-fold score; idf and
    /// vocabulary come from all rows (see `tune_cv`), and each distinct pipeline is featurised
    /// once. A candidate starts only while the time spent plus the last candidate's cost fits
    /// the budget.
    pub fn fit_tuned(
        texts: &[String],
        heads: &[(String, Vec<Option<String>>)],
        base: &TrainConfig,
        tune: &TuneConfig,
        progress: &(dyn Fn(TuneProgress) + Sync),
    ) -> Result<Model, ModelError> {
        check_inputs(texts, heads, base)?;
        tune.validate()?;
        let space = default_space();
        let inputs = Inputs { texts, heads, base, tune, space: &space, progress };
        crate::parallel::install(|| Search::new(inputs)?.run())
    }
}

/// What a search works on.
struct Inputs<'a> {
    texts: &'a [String],
    heads: &'a [(String, Vec<Option<String>>)],
    base: &'a TrainConfig,
    tune: &'a TuneConfig,
    space: &'a [Dimension],
    progress: &'a (dyn Fn(TuneProgress) + Sync),
}

/// The state of one search.
struct Search<'a> {
    inputs: Inputs<'a>,
    folded: Vec<FoldedHead>,
    /// Features of the base pipeline, and of the last other pipeline used.
    cache: Vec<Featurised>,
    started: Instant,
    /// Evaluated candidates in order, with their settings' JSON (to skip duplicates).
    done: Vec<(Choice, String, CandidateScore)>,
    skipped: Vec<CandidateScore>,
    last_cost: f64,
}

impl<'a> Search<'a> {
    fn new(inputs: Inputs<'a>) -> Result<Self, ModelError> {
        let Inputs { heads, base, tune, .. } = inputs;
        let seed = tune.tune_seed.unwrap_or(base.seed);
        let mut folded = Vec::with_capacity(heads.len());
        for (name, labels) in heads {
            let targets = head_targets(name, labels)?;
            if targets.rows.len() < tune.folds {
                return Err(ModelError::InvalidInput(format!(
                    "tuning with {} folds needs at least {} labelled rows; head {name:?} has {}",
                    tune.folds,
                    tune.folds,
                    targets.rows.len()
                )));
            }
            let fold = stratified_folds(targets.targets.as_slice().unwrap_or(&[]), tune.folds, seed);
            folded.push(FoldedHead { targets, fold });
        }
        Ok(Search {
            inputs,
            folded,
            cache: Vec::new(),
            started: Instant::now(),
            done: Vec::new(),
            skipped: Vec::new(),
            last_cost: 0.0,
        })
    }

    fn run(mut self) -> Result<Model, ModelError> {
        let base = Choice::base(self.inputs.space);
        self.evaluate_all(vec![base])?;
        self.evaluate_all(single_changes(self.inputs.space))?;
        let scored: Vec<(Choice, f64)> = self.done.iter().map(|(c, _, s)| (c.clone(), s.mean)).collect();
        if let Some(combined) = combination(self.inputs.space, &scored) {
            self.evaluate_all(vec![combined])?;
        }
        // Coordinate steps from the best, twice at most (each round is a full neighbourhood).
        for _ in 0..2 {
            let before = self.best_index();
            let best = self.done[before].0.clone();
            self.evaluate_all(neighbours(self.inputs.space, &best))?;
            if self.best_index() == before {
                break;
            }
        }
        self.finish()
    }

    /// Index in `done` of the highest mean (the earliest on ties, so the default wins ties).
    fn best_index(&self) -> usize {
        let mut best = 0;
        for (i, (_, _, s)) in self.done.iter().enumerate() {
            if s.mean > self.done[best].2.mean {
                best = i;
            }
        }
        best
    }

    fn out_of_time(&self) -> bool {
        let spent = self.started.elapsed().as_secs_f64();
        !self.done.is_empty() && spent + self.last_cost > self.inputs.tune.budget_s
    }

    /// Evaluate `choices` in order (duplicates of evaluated settings dropped); once time is up
    /// the rest are recorded as skipped and later rounds add nothing.
    fn evaluate_all(&mut self, choices: Vec<Choice>) -> Result<(), ModelError> {
        for choice in choices {
            let config = choice.config(self.inputs.space, self.inputs.base)?;
            let key = config.to_value()?.to_string();
            let seen = self.done.iter().any(|(_, k, _)| *k == key) || self.skipped.iter().any(|s| s.label == choice.label(self.inputs.space));
            if seen {
                continue;
            }
            if !self.skipped.is_empty() || self.out_of_time() {
                self.skipped.push(self.row(&choice, Vec::new(), 0.0, true));
                continue;
            }
            let row = self.evaluate(&choice, &config)?;
            self.done.push((choice, key, row));
        }
        Ok(())
    }

    fn evaluate(&mut self, choice: &Choice, config: &TrainConfig) -> Result<CandidateScore, ModelError> {
        config.validate()?;
        let started = Instant::now();
        let label = choice.label(self.inputs.space);
        let folds = self.inputs.tune.folds;
        (self.inputs.progress)(TuneProgress::CandidateStarted { index: self.done.len(), label, folds });
        let at = self.features(config);
        let features = &self.cache[at];
        let progress = self.inputs.progress;
        let scores = cross_validate(&features.matrix, &self.folded, folds, config, self.inputs.tune.tune_metric, &|| {
            progress(TuneProgress::FoldDone)
        })?;
        let seconds = started.elapsed().as_secs_f64();
        self.last_cost = seconds;
        let row = self.row(choice, scores, seconds, false);
        (self.inputs.progress)(TuneProgress::CandidateDone(row.clone()));
        Ok(row)
    }

    /// Where in the cache the features of `config`'s pipeline are (built if missing): the
    /// base pipeline's stay, the last other one's too.
    fn features(&mut self, config: &TrainConfig) -> usize {
        let pipeline = config.pipeline();
        let position = match self.cache.iter().position(|f| f.pipeline == pipeline) {
            Some(p) => p,
            None => {
                if self.cache.len() == 2 {
                    self.cache.pop();
                }
                self.cache.push(featurise(&pipeline, self.inputs.texts));
                self.cache.len() - 1
            }
        };
        position
    }

    fn row(&self, choice: &Choice, fold_scores: Vec<f64>, seconds: f64, skipped: bool) -> CandidateScore {
        let n = fold_scores.len().max(1) as f64;
        let mean = fold_scores.iter().sum::<f64>() / n;
        let std = (fold_scores.iter().map(|s| (s - mean) * (s - mean)).sum::<f64>() / n).sqrt();
        CandidateScore {
            label: choice.label(self.inputs.space),
            overrides: choice.overrides(self.inputs.space).to_string(),
            mean,
            std,
            fold_scores,
            skipped,
            fit_seconds: seconds,
        }
    }

    fn finish(mut self) -> Result<Model, ModelError> {
        let best = self.best_index();
        let (choice, _, row) = &self.done[best];
        let config = choice.config(self.inputs.space, self.inputs.base)?;
        let summary = TuningSummary {
            metric: self.inputs.tune.tune_metric.as_str().to_string(),
            folds: self.inputs.tune.folds as u32,
            seed: self.inputs.tune.tune_seed.unwrap_or(self.inputs.base.seed),
            budget_s: self.inputs.tune.budget_s,
            chosen: row.label.clone(),
            chosen_overrides: row.overrides.clone(),
            candidates: self.done.iter().map(|(_, _, s)| s.clone()).chain(self.skipped.iter().cloned()).collect(),
        };
        (self.inputs.progress)(TuneProgress::SearchDone(summary.clone()));
        let pipeline = config.pipeline();
        let features = match self.cache.iter().position(|f| f.pipeline == pipeline) {
            Some(p) => self.cache.swap_remove(p),
            None => featurise(&pipeline, self.inputs.texts),
        };
        self.cache.clear();
        let progress = self.inputs.progress;
        let on_train = |e: TrainProgress| progress(TuneProgress::Final(e));
        on_train(TrainProgress::Features { docs: self.inputs.texts.len(), features: features.keys.len() });
        fit_featurised(self.inputs.texts, self.inputs.heads, &config, features, (None, Some(summary)), &on_train)
    }
}
