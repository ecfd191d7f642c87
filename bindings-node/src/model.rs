//! `NativeModel`: a trained text model shared with engines, plus `fit` as an async task.

use std::sync::Arc;

use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;
use triagekit::model::{evaluate, FitOptions, Model, ModelError, PRIMARY_HEAD};

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

/// The head a plain array of labels trains (`Model.fit(texts, [...])`).
#[napi]
pub fn primary_head_name() -> String {
    PRIMARY_HEAD.to_string()
}

#[napi]
impl NativeModel {
    /// Reads a model file (header, version and checksum are checked before anything large).
    #[napi(factory)]
    pub fn load(env: Env, path: String) -> napi::Result<NativeModel> {
        guard_js(&env, || Ok(NativeModel { inner: Arc::new(Model::load(path.as_ref())?) }))
    }

    /// Trains on the libuv pool; `heads[i]` names the label column `labels[i]`; `options` is
    /// the JSON text of the options object, which the model crate reads and checks;
    /// `warm_start` is the model to start from (`Model::fit_warm`).
    #[napi(ts_return_type = "Promise<NativeModel>")]
    pub fn fit(
        texts: Vec<String>,
        heads: Vec<String>,
        labels: Vec<Vec<Option<String>>>,
        options: Option<String>,
        warm_start: Option<&NativeModel>,
    ) -> AsyncTask<FitTask> {
        let heads = heads.into_iter().zip(labels).collect();
        AsyncTask::new(FitTask { texts, heads, options, old: warm_start.map(NativeModel::shared), failure: None })
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

    /// Per head, the `k` n-grams that raised and lowered the predicted label's score, as JSON
    /// text: `{"heads":[{head,label,confidence,score,bias,supporting,opposing,rest}]}`.
    #[napi]
    pub fn explain_json(&self, env: Env, text: String, k: u32) -> napi::Result<String> {
        guard_js(&env, || to_json(&self.inner.explain(&text, k as usize)))
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

    /// The head used when none is named (`Model::primary_head`).
    #[napi(getter)]
    pub fn primary_head(&self) -> String {
        self.inner.primary_head().to_string()
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
    options: Option<String>,
    old: Option<Arc<Model>>,
    failure: Option<ErrorInfo>,
}

impl Task for FitTask {
    type Output = Model;
    type JsValue = NativeModel;

    fn compute(&mut self) -> napi::Result<Model> {
        // Never unwind out of a libuv worker: that aborts the process.
        guard(|| {
            let options = self.options.as_deref().map(FitOptions::from_json).transpose()?.unwrap_or_default();
            Ok(match &self.old {
                Some(_) if options.tune.is_some() => {
                    let message = "tune and warmStart cannot be combined: a warm start keeps the old model's settings".to_string();
                    return Err(ModelError::InvalidConfig { field: "tune".into(), message }.into());
                }
                Some(old) => Model::fit_warm(&self.texts, &self.heads, &options.train, old)?,
                None => Model::fit_with_options(&self.texts, &self.heads, &options, &|_| {})?,
            })
        })
        .map_err(|info| park(&mut self.failure, info))
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
