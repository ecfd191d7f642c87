//! `triagekit.Model`: the text classifier with a scikit-learn flavoured surface.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use triagekit::model::{evaluate, FitOptions, Model, ModelError, PRIMARY_HEAD};
use triagekit::{report, TriageError};

use crate::convert;
use crate::errors::{self, guard};

/// Labels per head, as core's training and evaluation functions take them.
type Heads = Vec<(String, Vec<Option<String>>)>;

/// A trained, immutable text model. Thread-safe; pickles via its bytes.
#[pyclass(module = "triagekit._native", name = "Model", frozen)]
pub struct PyModel {
    pub(crate) inner: Arc<Model>,
}

fn model_err(e: ModelError) -> PyErr {
    errors::to_py(&TriageError::Model(e))
}

/// Lists, Series and DataFrames become plain lists in Python (`triagekit._inputs`), where pandas
/// is at home; this side only sees `list[str]` and `list[(head, list[str | None])]`.
fn texts_arg(texts: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let py = texts.py();
    py.import("triagekit._inputs")?.getattr("texts")?.call1((texts,))?.extract()
}

fn heads_arg(labels: &Bound<'_, PyAny>, default_head: &str) -> PyResult<Heads> {
    let py = labels.py();
    py.import("triagekit._inputs")?.getattr("heads")?.call1((labels, default_head))?.extract()
}

/// `Model.fit(**params)` as the model crate's `FitOptions` (training settings, plus `tune`,
/// `budget_s`, `folds`, `tune_metric`), which names a bad or unknown option.
fn fit_options(params: Option<&Bound<'_, PyDict>>) -> PyResult<FitOptions> {
    let Some(params) = params else { return Ok(FitOptions::default()) };
    let value = convert::to_value(params.as_any())
        .map_err(|e| model_err(ModelError::InvalidConfig { field: e.path, message: e.message }))?;
    FitOptions::from_value(&value).map_err(model_err)
}

impl PyModel {
    fn heads(&self) -> Vec<String> {
        self.inner.heads().into_iter().map(str::to_string).collect()
    }

    /// The head to use: the one named, else the only one; `None` means "all heads" (multi-head).
    fn pick_head(&self, head: Option<&str>) -> PyResult<Option<String>> {
        match head {
            Some(h) if self.inner.classes(h).is_none() => Err(model_err(ModelError::UnknownHead(h.to_string()))),
            Some(h) => Ok(Some(h.to_string())),
            None => {
                let heads = self.heads();
                Ok(if heads.len() == 1 { heads.into_iter().next() } else { None })
            }
        }
    }

    /// Probabilities of one head for each text, computed with the GIL released.
    fn proba(&self, py: Python<'_>, head: &str, texts: &[String]) -> PyResult<Vec<Vec<f32>>> {
        let model = &self.inner;
        py.detach(|| guard(|| texts.iter().map(|t| model.predict_proba(head, t)).collect::<Result<Vec<_>, _>>()))?
            .map_err(model_err)
    }
}

#[pymethods]
impl PyModel {
    /// Trains a model. `labels`: a list/Series (one head named "category") or a dict/DataFrame
    /// of label columns (one head per column). Missing labels (None/NaN/"") skip that row for
    /// that head. `params`: algorithm ("linear" | "naive-bayes"), seed, c, and advanced knobs; a bad
    /// or unknown one raises `ModelError` with `.field` naming it. `tune=True` picks C, number
    /// handling and char n-grams by stratified k-fold cross-validation (`budget_s=60`,
    /// `folds=3`, `tune_metric="accuracy"`) and records the CV table in `metadata["tuning"]`.
    #[staticmethod]
    #[pyo3(signature = (texts, labels, **params))]
    fn fit(py: Python<'_>, texts: &Bound<'_, PyAny>, labels: &Bound<'_, PyAny>, params: Option<&Bound<'_, PyDict>>) -> PyResult<PyModel> {
        let options = fit_options(params)?;
        let texts = texts_arg(texts)?;
        let heads = heads_arg(labels, PRIMARY_HEAD)?;
        let model = py.detach(|| guard(|| Model::fit_with_options(&texts, &heads, &options, &|_| {})))?.map_err(model_err)?;
        Ok(PyModel { inner: Arc::new(model) })
    }

    /// Predicted labels: a list for a single-head model (or with `head=`), else a dict of
    /// head -> list.
    #[pyo3(signature = (texts, head=None))]
    fn predict<'py>(&self, py: Python<'py>, texts: &Bound<'py, PyAny>, head: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let texts = texts_arg(texts)?;
        let head = self.pick_head(head)?;
        let model = &self.inner;
        let predictions = py.detach(|| {
            guard(|| {
                let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                model.predict_batch(&refs, 1)
            })
        })?;
        let labels_of = |name: &str| -> Vec<String> {
            predictions.iter().map(|p| p.head(name).map(|h| h.label.to_string()).unwrap_or_default()).collect()
        };
        match head {
            Some(h) => Ok(PyList::new(py, labels_of(&h))?.into_any()),
            None => {
                let out = PyDict::new(py);
                for h in self.heads() {
                    out.set_item(&h, labels_of(&h))?;
                }
                Ok(out.into_any())
            }
        }
    }

    /// Calibrated class probabilities (rows = texts, columns = `classes_` order): a list of
    /// lists for a single-head model (or with `head=`), else a dict of head -> list of lists.
    #[pyo3(signature = (texts, head=None))]
    fn predict_proba<'py>(&self, py: Python<'py>, texts: &Bound<'py, PyAny>, head: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let texts = texts_arg(texts)?;
        match self.pick_head(head)? {
            Some(h) => Ok(PyList::new(py, self.proba(py, &h, &texts)?)?.into_any()),
            None => {
                let out = PyDict::new(py);
                for h in self.heads() {
                    out.set_item(&h, self.proba(py, &h, &texts)?)?;
                }
                Ok(out.into_any())
            }
        }
    }

    /// Accuracy, macro-F1, per-class figures and confusion matrices per head (the JSON of
    /// `triagekit eval --json`). `labels` as in `fit`; a plain list is scored against the
    /// model's primary head ("category" if it has one, else its first head). With `report=path`
    /// also writes the HTML report (plus `<stem>.to-label.csv` and `<stem>.thresholds.json`), as
    /// `triagekit eval --report` does;
    /// `rules` (a path or rule source) adds rule coverage, with each text as a ticket body.
    #[pyo3(signature = (texts, labels, *, report=None, target_precision=0.9, label_next=50, rules=None))]
    #[allow(clippy::too_many_arguments)]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        labels: &Bound<'py, PyAny>,
        report: Option<PathBuf>,
        target_precision: f64,
        label_next: usize,
        rules: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let texts = texts_arg(texts)?;
        let heads = heads_arg(labels, self.inner.primary_head())?;
        let model = &self.inner;
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

    /// Class labels: a list for a single-head model, else a dict of head -> list.
    #[getter]
    fn classes_<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let classes = |h: &str| self.inner.classes(h).map(<[String]>::to_vec).unwrap_or_default();
        let heads = self.heads();
        if heads.len() == 1 {
            return Ok(PyList::new(py, classes(&heads[0]))?.into_any());
        }
        let out = PyDict::new(py);
        for h in &heads {
            out.set_item(h, classes(h))?;
        }
        Ok(out.into_any())
    }

    /// Head names in model order.
    #[getter]
    fn heads_(&self) -> Vec<String> {
        self.heads()
    }

    /// The head a plain list of labels means: "category" if the model has it, else its first head.
    #[getter]
    fn primary_head_(&self) -> String {
        self.inner.primary_head().to_string()
    }

    /// Stable content hash of the model.
    #[getter]
    fn version(&self) -> String {
        self.inner.version().to_string()
    }

    /// Training provenance and per-head training figures, as a dict.
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::serde_to_py(py, self.inner.metadata())
    }

    /// Writes the model file.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let model = &self.inner;
        py.detach(|| guard(|| model.save(&path)))?.map_err(model_err)
    }

    /// Reads a model file (checks magic, format version and checksum first).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<PyModel> {
        let model = py.detach(|| guard(|| Model::load(&path)))?.map_err(model_err)?;
        Ok(PyModel { inner: Arc::new(model) })
    }

    /// The model file's bytes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.to_bytes())
    }

    /// A model from a model file's bytes.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: Vec<u8>) -> PyResult<PyModel> {
        let model = py.detach(|| guard(|| Model::from_bytes(&data)))?.map_err(model_err)?;
        Ok(PyModel { inner: Arc::new(model) })
    }

    /// Pickle support: the model travels as its file bytes.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let py = slf.py();
        let rebuild = py.import("triagekit._native")?.getattr("_model_from_bytes")?;
        Ok((rebuild, (slf.get().to_bytes(py),)))
    }

    fn __repr__(&self) -> String {
        format!("Model(heads={:?}, version={:?})", self.heads(), self.inner.version())
    }
}

/// Rebuilds a model from bytes (used by pickle; not a public API).
#[pyfunction]
pub fn _model_from_bytes(py: Python<'_>, data: Vec<u8>) -> PyResult<PyModel> {
    PyModel::from_bytes(py, data)
}
