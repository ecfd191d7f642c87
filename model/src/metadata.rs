//! What a model records about its training: provenance, settings and per-head figures.

use serde::{Deserialize, Serialize};

/// Per-head training figures, stored in the model metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadMetrics {
    /// Head (label column) name.
    pub head: String,
    /// Rows with a label for this head.
    pub rows: u64,
    /// Distinct classes.
    pub classes: u64,
    /// Rows skipped because their label was empty.
    pub skipped: u64,
    /// Accuracy of the stored (quantised) model on its own training rows.
    pub train_accuracy: f32,
    /// Fitted softmax temperature.
    pub temperature: f32,
    /// Wall-clock fit time; not stored in the file (it would break byte-identical rebuilds).
    #[serde(skip)]
    pub fit_seconds: f64,
}

/// Provenance and settings of a trained model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelMetadata {
    /// Format version the model was written with.
    pub format_version: u32,
    /// "linear" or "naive-bayes".
    pub algorithm: String,
    /// Training seed.
    pub seed: u64,
    /// SVM C.
    pub c: f32,
    /// Creation time, RFC 3339 UTC.
    pub created: String,
    /// Hash of the training data (as given by the caller, e.g. [`crate::LabelledData::data_hash`]).
    pub data_hash: String,
    /// Training rows.
    pub rows: u64,
    /// Character cap applied to texts.
    pub max_text_chars: u64,
    /// Hash bits per feature block.
    pub hash_bits: u32,
    /// Features kept (seen in training).
    pub n_features: u64,
    /// Per-head figures, in head order.
    pub heads: Vec<HeadMetrics>,
    /// How `--tune` chose the settings (`None` for an untuned fit). Last field on purpose:
    /// older files end before it.
    #[serde(serialize_with = "crate::tune_summary::serialize_tuning", deserialize_with = "crate::tune_summary::deserialize_tuning", default)]
    pub tuning: Option<crate::tune_summary::TuningSummary>,
}

