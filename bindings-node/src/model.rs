//! `NativeModel`: a trained text model shared with engines, plus `fit` as an async task.

use std::sync::Arc;

use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;
use triagekit::model::{evaluate, Algorithm, Model, ModelError, TrainConfig};

use crate::convert::to_json;
use crate::error::{guard, guard_js, park, unpark, ErrorInfo};

/// Native half of `Model`; immutable, so engines and JS share one `Arc`.
#[napi]
pub struct NativeModel {
    inner: Arc<Model>,
}

impl NativeModel {
    /// The shared model, for handing to an engine.
    pub fn shared(&self) -> Arc<Model> {
        self.inner.clone()
    }
}

/// Training settings from JS (`Model.fit(texts, labels, options)`); unset fields keep the
/// model crate's benchmarked defaults.
#[napi(object)]
#[derive(Default)]
pub struct FitOptions {
    /// `linear` (default) or `naive-bayes`.
    pub algorithm: Option<String>,
    /// Solver seed; the same seed and data give a byte-identical model.
    pub seed: Option<i64>,
    /// SVM regularisation C.
    pub c: Option<f64>,
    /// Texts are cut to this many characters.
    pub max_text_chars: Option<u32>,
    /// Hash buckets per feature block are `2^hashBits` (8..=24).
    pub hash_bits: Option<u32>,
    /// SVM iteration cap per class.
    pub max_iter: Option<u32>,
}

#[napi]
impl NativeModel {
    /// Reads a model file (header, version and checksum are checked before anything large).
    #[napi(factory)]
    pub fn load(env: Env, path: String) -> napi::Result<NativeModel> {
        guard_js(&env, || Ok(NativeModel { inner: Arc::new(Model::load(path.as_ref())?) }))
    }

    /// Trains on the libuv pool; `heads[i]` names the label column `labels[i]`.
    #[napi(ts_return_type = "Promise<NativeModel>")]
    pub fn fit(
        texts: Vec<String>,
        heads: Vec<String>,
        labels: Vec<Vec<Option<String>>>,
        options: Option<FitOptions>,
    ) -> AsyncTask<FitTask> {
        AsyncTask::new(FitTask { texts, heads: heads.into_iter().zip(labels).collect(), options, failure: None })
    }

    /// Accuracy, macro-F1, per-class figures and confusion matrix per head, computed on the
    /// libuv pool; resolves to JSON text of the model crate's `EvalReport`.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn evaluate(&self, texts: Vec<String>, heads: Vec<String>, labels: Vec<Vec<Option<String>>>) -> AsyncTask<EvaluateTask> {
        AsyncTask::new(EvaluateTask {
            model: self.inner.clone(),
            texts,
            heads: heads.into_iter().zip(labels).collect(),
            failure: None,
        })
    }

    /// Writes the model file atomically (temporary file + rename).
    #[napi]
    pub fn save(&self, env: Env, path: String) -> napi::Result<()> {
        guard_js(&env, || Ok(self.inner.save(path.as_ref())?))
    }

    /// Predictions of every head as JSON text: `{"heads":[{head,label,confidence,top}]}`.
    #[napi]
    pub fn predict_json(&self, env: Env, text: String, k: Option<u32>) -> napi::Result<String> {
        guard_js(&env, || to_json(&self.inner.predict(&text, k.unwrap_or(3) as usize)))
    }

    /// Calibrated probabilities of one head, aligned with `classes(head)`.
    #[napi]
    pub fn predict_proba(&self, env: Env, text: String, head: String) -> napi::Result<Vec<f64>> {
        guard_js(&env, || Ok(self.inner.predict_proba(&head, &text)?.into_iter().map(f64::from).collect()))
    }

    /// Classes of one head, in probability order.
    #[napi]
    pub fn classes(&self, env: Env, head: String) -> napi::Result<Vec<String>> {
        guard_js(&env, || {
            let classes = self.inner.classes(&head).ok_or_else(|| ModelError::UnknownHead(head.clone()))?;
            Ok(classes.to_vec())
        })
    }

    /// Head names in model order.
    #[napi]
    pub fn heads(&self) -> Vec<String> {
        self.inner.heads().into_iter().map(str::to_string).collect()
    }

    /// Stable identifier (hash of the payload), as recorded in decision traces.
    #[napi(getter)]
    pub fn version(&self) -> String {
        self.inner.version().to_string()
    }

    /// Training provenance and per-head metrics as JSON text.
    #[napi]
    pub fn metadata_json(&self, env: Env) -> napi::Result<String> {
        guard_js(&env, || to_json(self.inner.metadata()))
    }
}

/// `Model.fit` work item.
pub struct FitTask {
    texts: Vec<String>,
    heads: Vec<(String, Vec<Option<String>>)>,
    options: Option<FitOptions>,
    failure: Option<ErrorInfo>,
}

impl FitTask {
    fn config(&self) -> Result<TrainConfig, ErrorInfo> {
        let mut config = TrainConfig::default();
        let Some(options) = &self.options else { return Ok(config) };
        if let Some(algorithm) = &options.algorithm {
            config.algorithm = algorithm.parse::<Algorithm>()?;
        }
        if let Some(seed) = options.seed {
            config.seed = u64::try_from(seed)
                .map_err(|_| ErrorInfo::invalid_argument(format!("seed must be a non-negative integer, got {seed}")))?;
        }
        if let Some(c) = options.c {
            if !(c.is_finite() && c > 0.0) {
                return Err(ErrorInfo::invalid_argument(format!("c must be a positive number, got {c}")));
            }
            config.c = c as f32;
        }
        if let Some(chars) = options.max_text_chars {
            config.max_text_chars = chars as usize;
        }
        if let Some(bits) = options.hash_bits {
            config.hash_bits = bits;
        }
        if let Some(iterations) = options.max_iter {
            config.max_iter = iterations as usize;
        }
        Ok(config)
    }
}

impl Task for FitTask {
    type Output = Model;
    type JsValue = NativeModel;

    fn compute(&mut self) -> napi::Result<Model> {
        // Never unwind out of a libuv worker: that aborts the process.
        guard(|| Ok(Model::fit(&self.texts, &self.heads, &self.config()?)?)).map_err(|info| park(&mut self.failure, info))
    }

    fn resolve(&mut self, _env: Env, model: Model) -> napi::Result<NativeModel> {
        Ok(NativeModel { inner: Arc::new(model) })
    }

    fn reject(&mut self, env: Env, error: napi::Error) -> napi::Result<NativeModel> {
        Err(unpark(&mut self.failure, &env, error))
    }
}

/// `model.evaluate` work item.
pub struct EvaluateTask {
    model: Arc<Model>,
    texts: Vec<String>,
    heads: Vec<(String, Vec<Option<String>>)>,
    failure: Option<ErrorInfo>,
}

impl Task for EvaluateTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> napi::Result<String> {
        guard(|| to_json(&evaluate(&self.model, &self.texts, &self.heads)?)).map_err(|info| park(&mut self.failure, info))
    }

    fn resolve(&mut self, _env: Env, output: String) -> napi::Result<String> {
        Ok(output)
    }

    fn reject(&mut self, env: Env, error: napi::Error) -> napi::Result<String> {
        Err(unpark(&mut self.failure, &env, error))
    }
}
