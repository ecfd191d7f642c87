//! The tuning record stored in a model's metadata: the CV table and the choice.

use serde::{Deserialize, Serialize};

/// One row of the CV table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateScore {
    /// `"default"` or the changed options, e.g. `"c=1.0 char_ngrams=3-6"`.
    pub label: String,
    /// The overrides applied to the base settings, as a JSON object.
    pub overrides: String,
    /// Mean CV score (0 when skipped).
    pub mean: f64,
    /// Standard deviation of the fold scores.
    pub std: f64,
    /// Score of each fold (empty when skipped).
    pub fold_scores: Vec<f64>,
    /// Not evaluated because the budget ran out.
    pub skipped: bool,
    /// Wall-clock seconds of this candidate's CV; not stored in the file (it would break
    /// byte-identical rebuilds).
    #[serde(skip)]
    pub fit_seconds: f64,
}

/// The tuning record stored in the model metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TuningSummary {
    /// "accuracy" or "macro_f1".
    pub metric: String,
    /// Folds of the cross-validation.
    pub folds: u32,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// Budget of the search, seconds.
    pub budget_s: f64,
    /// Label of the chosen candidate.
    pub chosen: String,
    /// Its overrides, as a JSON object.
    pub chosen_overrides: String,
    /// Every candidate in the order tried; skipped ones last.
    pub candidates: Vec<CandidateScore>,
}

