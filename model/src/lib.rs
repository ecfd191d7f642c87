//! Text model for triagekit: a shared hashed n-gram TF-IDF pipeline feeding one or more
//! label heads (one-vs-rest linear SVM or naive Bayes), calibrated top-k predictions, and a
//! versioned, checksummed model file.

#![warn(missing_docs)]
// Library code returns typed errors instead of panicking on input; tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod batch_scores;
pub mod bayes;
pub mod calibrate;
pub mod class_weight;
pub mod data;
pub mod error;
pub mod eval;
pub mod explain;
pub mod features;
mod file_payload;
mod featurise;
pub mod format;
mod fused;
mod head_check;
mod head_weights;
mod kernel;
pub mod model;
mod nb_scaling;
mod newton;
pub mod numbers;
mod option_parse;
pub mod parallel;
mod payload;
mod prune;
pub mod remap;
mod retrain;
pub mod sparse;
pub mod svm;
pub mod text;
pub mod train;
pub mod train_config;
mod train_matrix;
mod version;
pub mod warm_start;
pub mod tune;
mod tune_cv;
mod tune_summary;
mod tune_table;
pub mod tune_grid;

/// The inline short-string type of head names and labels in predictions.
pub use compact_str::CompactString;
pub use class_weight::ClassWeight;
pub use data::{join_text_fields, load_labelled, load_labelled_from_bytes, LabelledData};
pub use error::{FormatError, ModelError};
pub use explain::{Contributor, Explanation, HeadExplanation, NgramKind};
pub use eval::{evaluate, ClassReport, Confusion, EvalExample, EvalReport, HeadReport};
pub use features::PipelineConfig;
pub use numbers::NumberMode;
pub use model::{HeadMetrics, HeadPrediction, Model, ModelMetadata, Prediction, PRIMARY_HEAD};
pub use train::TrainProgress;
pub use train_config::{Algorithm, TrainConfig};
pub use tune::{CandidateScore, FitOptions, TuneConfig, TuneMetric, TuneProgress, TuningSummary};
pub use tune_cv::stratified_folds;

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn model_is_send_sync() {
        assert_send_sync::<crate::Model>();
    }
}
