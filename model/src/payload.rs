//! What a model holds besides its serving layout: the payload every file version decodes
//! into, and the metadata (provenance, settings, per-head figures) callers read.

use serde::{Deserialize, Serialize};

use crate::features::PipelineConfig;
use crate::head_weights::HeadWeights;

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
    /// Solver work as full passes over the rows, summed over classes (lower for a warm
    /// start); not stored.
    #[serde(skip)]
    pub solver_passes: f64,
}

/// Provenance and settings of a trained model.
///
/// Stored as JSON since format version 2: a field added later must be `#[serde(default)]`
/// and skipped when empty, so files without it keep loading and keep their bytes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// Features dropped to keep the file under `max_model_mb` (see `prune`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pruned_features: u64,
    /// How `--tune` chose the settings (`None` for an untuned fit).
    #[serde(default)]
    pub tuning: Option<crate::tune_summary::TuningSummary>,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// Everything that goes into the file (laid out per version by `file_payload`).
#[derive(Debug, Clone)]
pub(crate) struct Payload {
    pub pipeline: PipelineConfig,
    /// Sorted feature keys; column = position.
    pub keys: Vec<u32>,
    pub idf: Vec<f32>,
    pub heads: Vec<HeadWeights>,
    pub metadata: ModelMetadata,
}
