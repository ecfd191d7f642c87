//! `triagekit.Model`: the text classifier with a scikit-learn flavoured surface.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};
use triagekit::model::{evaluate, Model, ModelError, PRIMARY_HEAD};
use triagekit::{report, ErrorCode, ErrorDetails};

use crate::convert;
use crate::errors::{self, guard};
use crate::model_args::{self as args, model_err, BadText};

/// A trained model and the original Python values of its labels.
struct Fitted {
    model: Arc<Model>,
    /// head -> {label text: original label}, for heads trained on non-string labels.
    decoders: Option<Py<PyAny>>,
}

/// A text model: `Model()` then `m.fit(texts, labels)`, or `Model.fit(texts, labels)`. The
/// trained model itself is immutable; fitting again swaps in a new one (an `Engine` given the
/// old one keeps it). Thread-safe; pickles via its bytes plus the label table.
#[pyclass(module = "triagekit._native", name = "Model", frozen)]
pub struct PyModel {
    fitted: RwLock<Option<Fitted>>,
    /// Training options given to the constructor; `fit`'s own options override them.
    params: Option<Py<PyDict>>,
}

/// A trained model with its label table, read once per call.
struct View<'py> {
    model: Arc<Model>,
    decoders: Option<Bound<'py, PyAny>>,
}

impl<'py> View<'py> {
    fn decoder(&self, head: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        match &self.decoders {
            Some(d) => Ok(d.get_item(head).ok().filter(|v| !v.is_none())),
            None => Ok(None),
        }
    }
}

/// Removes `warm_start` from the options (it is a model, not a training setting) and returns
/// the trained model it names; `None` or absent is a cold fit.
fn take_warm_start(params: &Bound<'_, PyDict>) -> PyResult<Option<Arc<Model>>> {
    let Some(old) = params.get_item("warm_start")? else { return Ok(None) };
    params.del_item("warm_start")?;
    if old.is_none() {
        return Ok(None);
    }
    let old = old.cast::<PyModel>().map_err(|_| {
        let name = old.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        model_err(ModelError::InvalidConfig { field: "warm_start".into(), message: format!("expected a triagekit.Model, got {name}") })
    })?;
    old.get().trained().map(Some)
}

fn lock_err() -> PyErr {
    errors::internal("model lock poisoned")
}

impl PyModel {
    fn new_fitted(model: Model, decoders: Option<Py<PyAny>>) -> PyModel {
        PyModel { fitted: RwLock::new(Some(Fitted { model: Arc::new(model), decoders })), params: None }
    }

    /// The trained model, or a `ModelError` saying `fit` comes first.
    pub(crate) fn trained(&self) -> PyResult<Arc<Model>> {
        let guard = self.fitted.read().map_err(|_| lock_err())?;
        match guard.as_ref() {
            Some(f) => Ok(f.model.clone()),
            None => Err(not_fitted()),
        }
    }

    fn view<'py>(&self, py: Python<'py>) -> PyResult<View<'py>> {
        let guard = self.fitted.read().map_err(|_| lock_err())?;
        let f = guard.as_ref().ok_or_else(not_fitted)?;
        Ok(View { model: f.model.clone(), decoders: f.decoders.as_ref().map(|d| d.bind(py).clone()) })
    }

    /// Trains on `call`'s texts and labels with the constructor's options overridden by its own.
    fn train(&self, py: Python<'_>, call: &FitCall<'_, '_>) -> PyResult<Fitted> {
        let merged = PyDict::new(py);
        if let Some(own) = &self.params {
            merged.update(own.bind(py).as_mapping())?;
        }
        if let Some(p) = call.params {
            merged.update(p.as_mapping())?;
        }
        let old = take_warm_start(&merged)?;
        let options = args::fit_options(Some(&merged))?;
        if old.is_some() && options.tune.is_some() {
            let message = "tune and warm_start cannot be combined: a warm start keeps the old model's settings".to_string();
            return Err(model_err(ModelError::InvalidConfig { field: "tune".into(), message }));
        }
        let texts = args::texts(call.texts, call.text, BadText::Refuse)?;
        let (heads, decoders) = args::heads(call.labels, PRIMARY_HEAD, None)?;
        let model = py
            .detach(|| {
                guard(|| match &old {
                    Some(old) => Model::fit_warm(&texts, &heads, &options.train, old),
                    None => Model::fit_with_options(&texts, &heads, &options, &|_| {}),
                })
            })?
            .map_err(model_err)?;
        Ok(Fitted { model: Arc::new(model), decoders: decoders.map(Bound::unbind) })
    }

    /// `f` of the head meant (the one named, else the only one), else a dict of head -> `f`
    /// of every head (a multi-head model with no `head=`).
    fn per_head<'py>(py: Python<'py>, model: &Model, head: Option<&str>, f: impl Fn(&str) -> PyResult<Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        let heads = model.heads();
        match (head, heads.as_slice()) {
            (Some(h), _) if model.classes(h).is_none() => Err(model_err(ModelError::UnknownHead(h.to_string()))),
            (Some(h), _) | (None, &[h]) => f(h),
            (None, all) => {
                let out = PyDict::new(py);
                for h in all {
                    out.set_item(h, f(h)?)?;
                }
                Ok(out.into_any())
            }
        }
    }

    /// One head's probabilities or decision values per text, as a float64 matrix.
    fn scores<'py>(&self, py: Python<'py>, texts: &Bound<'py, PyAny>, head: Option<&str>, text: Option<&Bound<'py, PyAny>>, proba: bool) -> PyResult<Bound<'py, PyAny>> {
        let view = self.view(py)?;
        let texts = args::texts(texts, text, BadText::Replace)?;
        let model = &view.model;
        let one = |h: &str| -> PyResult<Bound<'py, PyAny>> {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let k = model.classes(h).map_or(0, <[String]>::len);
            let values = py
                .detach(|| guard(|| if proba { model.predict_proba_batch(h, &refs) } else { model.decision_function_batch(h, &refs) }))?
                .map_err(model_err)?;
            args::matrix(py, &values, texts.len(), k)
        };
        Self::per_head(py, model, head, one)
    }
}

fn not_fitted() -> PyErr {
    errors::from_details(&ErrorDetails::new(ErrorCode::Model, "this Model is not fitted yet: call fit(texts, labels) first"))
}

/// The arguments of one `fit` call.
pub(crate) struct FitCall<'a, 'py> {
    /// Texts, as `predict` takes them.
    pub texts: &'a Bound<'py, PyAny>,
    /// Label column(s).
    pub labels: &'a Bound<'py, PyAny>,
    /// DataFrame/dict columns to join into the text.
    pub text: Option<&'a Bound<'py, PyAny>>,
    /// Training options.
    pub params: Option<&'a Bound<'py, PyDict>>,
}

/// Fits `target` in place (instance call) or a new model (class call); returns the model.
pub(crate) fn fit_into<'py>(py: Python<'py>, target: Option<&Bound<'py, PyModel>>, call: &FitCall<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
    match target {
        Some(model) => {
            let fitted = model.get().train(py, call)?;
            *model.get().fitted.write().map_err(|_| lock_err())? = Some(fitted);
            Ok(model.clone().into_any())
        }
        None => {
            let blank = PyModel { fitted: RwLock::new(None), params: None };
            let fitted = blank.train(py, call)?;
            let model = PyModel { fitted: RwLock::new(Some(fitted)), params: None };
            Ok(Bound::new(py, model)?.into_any())
        }
    }
}

#[pymethods]
impl PyModel {
    /// An unfitted model; `params` are training options (as for `fit`), checked now.
    #[new]
    #[pyo3(signature = (**params))]
    fn py_new(params: Option<&Bound<'_, PyDict>>) -> PyResult<PyModel> {
        args::fit_options(params)?;
        Ok(PyModel { fitted: RwLock::new(None), params: params.map(|p| p.clone().unbind()) })
    }

    /// Per head, the `k` n-grams of one text that raised (`supporting`) and lowered (`opposing`)
    /// the predicted label's score, as plain dicts (see the README's "Explaining a prediction").
    #[pyo3(signature = (text, k=5))]
    fn explain<'py>(&self, py: Python<'py>, text: &Bound<'py, PyAny>, k: i64) -> PyResult<Bound<'py, PyAny>> {
        crate::explain::explain(py, &*self.trained()?, text, k)
    }

    /// `Model.fit(texts, labels, **params)` returns a new model; `m.fit(...)` fits `m` in place
    /// and returns it. See `triagekit._native.pyi` for the arguments.
    #[classattr]
    fn fit() -> crate::model_fit::FitMethod {
        crate::model_fit::FitMethod
    }

    /// Predicted labels (in the labels' original Python type): a list for a single-head model
    /// (or with `head=`), else a dict of head -> list.
    #[pyo3(signature = (texts, head=None, *, text=None))]
    fn predict<'py>(&self, py: Python<'py>, texts: &Bound<'py, PyAny>, head: Option<&str>, text: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        let view = self.view(py)?;
        let texts = args::texts(texts, text, BadText::Replace)?;
        let model = &view.model;
        let predictions = py.detach(|| {
            guard(|| {
                let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                model.predict_batch(&refs, 1)
            })
        })?;
        let labels_of = |name: &str| -> PyResult<Bound<'py, PyAny>> {
            let labels = predictions.iter().map(|p| p.head(name).map(|h| h.label.to_string()).unwrap_or_default()).collect();
            args::decode(py, view.decoder(name)?.as_ref(), labels)
        };
        Self::per_head(py, model, head, labels_of)
    }

    /// Calibrated class probabilities, a float64 numpy array (rows = texts, columns in
    /// `classes_` order; lists of lists without numpy), for a single-head model or with
    /// `head=`; else a dict of head -> array. Runs on every core.
    #[pyo3(signature = (texts, head=None, *, text=None))]
    fn predict_proba<'py>(&self, py: Python<'py>, texts: &Bound<'py, PyAny>, head: Option<&str>, text: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        self.scores(py, texts, head, text, true)
    }

    /// Raw SVM decision values, shaped as `predict_proba`.
    #[pyo3(signature = (texts, head=None, *, text=None))]
    fn decision_function<'py>(&self, py: Python<'py>, texts: &Bound<'py, PyAny>, head: Option<&str>, text: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        self.scores(py, texts, head, text, false)
    }

    /// Accuracy, macro-F1, per-class figures and confusion matrices per head (the JSON of
    /// `triagekit eval --json`). `labels` as in `fit`; a plain list is scored against the
    /// model's primary head ("category" if it has one, else its first head), a named Series
    /// against the head of its name. With `report=path` also writes the HTML report (plus
    /// `<stem>.to-label.csv` and `<stem>.thresholds.json`, rows named by a pandas index), as
    /// `triagekit eval --report` does; `rules` (a path or rule source) adds rule coverage,
    /// with each text as a ticket body.
    #[pyo3(signature = (texts, labels, *, text=None, report=None, target_precision=0.9, label_next=50, rules=None))]
    #[allow(clippy::too_many_arguments)]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        labels: &Bound<'py, PyAny>,
        text: Option<&Bound<'py, PyAny>>,
        report: Option<PathBuf>,
        target_precision: f64,
        label_next: usize,
        rules: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let view = self.view(py)?;
        let model = &view.model;
        let known: Vec<String> = model.heads().into_iter().map(str::to_string).collect();
        let row_ids = match args::row_ids(texts)? {
            Some(ids) => Some(ids),
            None => args::row_ids(labels)?,
        };
        let texts = args::texts(texts, text, BadText::Refuse)?;
        let (heads, _) = args::heads(labels, model.primary_head(), Some(known))?;
        let eval = py.detach(|| guard(|| evaluate(model, &texts, &heads)))?.map_err(model_err)?;
        if let Some(path) = report {
            let written = py.detach(|| {
                guard(|| {
                    let run = match &rules {
                        Some(source) => Some(report::run_rules(
                            triagekit::load_rules(source, false)?,
                            Some(model.clone()),
                            &report::tickets_from_texts(&texts),
                            None,
                        )?),
                        None => None,
                    };
                    let input = report::ReportInput {
                        rules: run.as_ref().map(|r| r.input(&heads)),
                        target_precision,
                        label_next,
                        row_ids: row_ids.as_deref(),
                        tuning: model.metadata().tuning.clone(),
                        ..report::ReportInput::new(&eval, &texts)
                    };
                    report::build_report(&input)?.write(&path)
                })
            })?;
            written.map_err(|e| errors::to_py(&e))?;
        }
        convert::serde_to_py(py, &eval)
    }

    /// Class labels (original Python type), in the order of `predict_proba`'s columns: a list
    /// for a single-head model, else a dict of head -> list.
    #[getter]
    fn classes_<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let view = self.view(py)?;
        let classes = |h: &str| -> PyResult<Bound<'py, PyAny>> {
            args::decode(py, view.decoder(h)?.as_ref(), view.model.classes(h).map(<[String]>::to_vec).unwrap_or_default())
        };
        Self::per_head(py, &view.model, None, classes)
    }

    /// Head names in model order.
    #[getter]
    fn heads_(&self) -> PyResult<Vec<String>> {
        Ok(self.trained()?.heads().into_iter().map(str::to_string).collect())
    }

    /// The head a plain list of labels means: "category" if the model has it, else its first head.
    #[getter]
    fn primary_head_(&self) -> PyResult<String> {
        Ok(self.trained()?.primary_head().to_string())
    }

    /// Content hash of the model: the same data, options and seed give the same version.
    #[getter]
    fn version(&self) -> PyResult<String> {
        Ok(self.trained()?.version().to_string())
    }

    /// Training provenance and per-head training figures, as a dict.
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::serde_to_py(py, self.trained()?.metadata())
    }

    /// Writes the model file (labels as text: the file is shared with the CLI and Node).
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let model = self.trained()?;
        py.detach(|| guard(|| model.save(&path)))?.map_err(model_err)
    }

    /// Reads a model file (checks magic, format version and checksum first).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<PyModel> {
        let model = py.detach(|| guard(|| Model::load(&path)))?.map_err(model_err)?;
        Ok(PyModel::new_fitted(model, None))
    }

    /// The model file's bytes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.trained()?.to_bytes()))
    }

    /// A model from a model file's bytes.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: Vec<u8>) -> PyResult<PyModel> {
        let model = py.detach(|| guard(|| Model::from_bytes(&data)))?.map_err(model_err)?;
        Ok(PyModel::new_fitted(model, None))
    }

    /// Pickle support: the model travels as its file bytes plus the label table (so labels
    /// keep their Python type); an unfitted model as its options.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let this = slf.get();
        let guard = this.fitted.read().map_err(|_| lock_err())?;
        match guard.as_ref() {
            Some(f) => {
                let rebuild = py.import("triagekit._native")?.getattr("_model_from_state")?;
                let bytes = PyBytes::new(py, &f.model.to_bytes());
                let decoders = f.decoders.as_ref().map_or_else(|| py.None(), |d| d.clone_ref(py));
                Ok((rebuild, PyTuple::new(py, [bytes.into_any(), decoders.into_bound(py)])?))
            }
            None => {
                let rebuild = py.import("triagekit._native")?.getattr("_model_unfitted")?;
                let params = this.params.as_ref().map_or_else(|| PyDict::new(py), |p| p.bind(py).clone());
                Ok((rebuild, PyTuple::new(py, [params.into_any()])?))
            }
        }
    }

    fn __repr__(&self) -> PyResult<String> {
        let guard = self.fitted.read().map_err(|_| lock_err())?;
        Ok(match guard.as_ref() {
            Some(f) => format!("Model(heads={:?}, version={:?})", f.model.heads(), f.model.version()),
            None => "Model(unfitted)".to_string(),
        })
    }
}

/// Rebuilds a model from bytes (pickles made before label tables; not a public API).
#[pyfunction]
pub fn _model_from_bytes(py: Python<'_>, data: Vec<u8>) -> PyResult<PyModel> {
    PyModel::from_bytes(py, data)
}

/// Rebuilds a pickled model: its bytes and label table (not a public API).
#[pyfunction]
pub fn _model_from_state(py: Python<'_>, data: Vec<u8>, decoders: Option<Py<PyAny>>) -> PyResult<PyModel> {
    let model = py.detach(|| guard(|| Model::from_bytes(&data)))?.map_err(model_err)?;
    Ok(PyModel::new_fitted(model, decoders.filter(|d| !d.is_none(py))))
}

/// Rebuilds a pickled unfitted model from its options (not a public API).
#[pyfunction]
#[pyo3(signature = (params))]
pub fn _model_unfitted(params: &Bound<'_, PyDict>) -> PyResult<PyModel> {
    PyModel::py_new(Some(params))
}

/// A `TriageError` subclass instance for `code` (e.g. "MODEL"), for errors the Python part
/// of the package raises (not a public API).
#[pyfunction]
#[pyo3(signature = (code, message, field=None, row=None))]
pub fn _error(code: &str, message: String, field: Option<String>, row: Option<u64>) -> PyResult<Py<PyAny>> {
    let code = ErrorCode::ALL.into_iter().find(|c| c.as_str() == code).unwrap_or(ErrorCode::Internal);
    let mut d = ErrorDetails::new(code, message);
    (d.field, d.row) = (field, row);
    let err = errors::from_details(&d);
    Python::attach(|py| Ok(err.value(py).clone().into_any().unbind()))
}
