//! The training data featurised with one pipeline, as the final fit and every
//! cross-validation fold with that pipeline share it (built by `train_matrix`).

use crate::features::PipelineConfig;
use crate::sparse::CsrMatrix;
use crate::train_matrix::{build, TrainMatrix};

/// Texts featurised with one pipeline.
#[derive(Debug, Clone)]
pub(crate) struct Featurised {
    /// The pipeline the matrix was built with.
    pub pipeline: PipelineConfig,
    /// Sorted feature keys; column = position.
    pub keys: Vec<u32>,
    /// Smoothed idf per column, rounded as the model file stores it.
    pub idf: Vec<f32>,
    /// One row per text.
    pub matrix: CsrMatrix,
}

/// Featurise `texts` (in the current rayon pool).
pub(crate) fn featurise(pipeline: &PipelineConfig, texts: &[String]) -> Featurised {
    let TrainMatrix { keys, idf, matrix } = build(pipeline, texts);
    Featurised { pipeline: pipeline.clone(), keys, idf, matrix }
}
