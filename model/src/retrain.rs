//! `Model::fit_warm`: the entry point of a warm start (the machinery is in `warm_start`, the
//! shared fit in `train`; this file keeps the two free of a module cycle).

use crate::error::ModelError;
use crate::model::Model;
use crate::train::{fit_on_pool, TrainProgress};
use crate::train_config::TrainConfig;
use crate::warm_start::warm_config;

impl Model {
    /// Train on `texts`/`heads` starting from `old` (how: see `warm_start`). The pipeline
    /// settings (hash bits, n-grams, numbers mode, text cap) are taken from `old`; a setting in
    /// `config` that is not its default and differs from `old`'s is a
    /// [`ModelError::WarmStartMismatch`]. Heads `old` lacks are fitted cold.
    pub fn fit_warm(
        texts: &[String],
        heads: &[(String, Vec<Option<String>>)],
        config: &TrainConfig,
        old: &Model,
    ) -> Result<Model, ModelError> {
        Model::fit_warm_with_progress(texts, heads, config, old, &|_| {})
    }

    /// [`Model::fit_warm`] reporting [`TrainProgress`] events.
    pub fn fit_warm_with_progress(
        texts: &[String],
        heads: &[(String, Vec<Option<String>>)],
        config: &TrainConfig,
        old: &Model,
        progress: &(dyn Fn(TrainProgress) + Sync),
    ) -> Result<Model, ModelError> {
        let config = warm_config(config, old)?;
        crate::parallel::install(|| fit_on_pool(texts, heads, &config, Some(old), progress))
    }
}
