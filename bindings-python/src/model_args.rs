//! `Model` arguments from Python: texts (lists, Series, DataFrame columns joined as the CLI
//! joins them), label columns with their original Python types, and training options.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use triagekit::model::{join_text_fields, FitOptions, ModelError};
use triagekit::{ErrorCode, ErrorDetails, TriageError};

use crate::convert;
use crate::errors;

/// Labels per head, as core's training and evaluation functions take them.
pub type Heads = Vec<(String, Vec<Option<String>>)>;

/// A `ModelError` as a Python exception.
pub fn model_err(e: ModelError) -> PyErr {
    errors::to_py(&TriageError::Model(e))
}

/// What a text that is not valid Unicode (a lone surrogate) turns into.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum BadText {
    /// Training and evaluation data: a `ModelError` naming the row, before any work.
    Refuse,
    /// Prediction: U+FFFD in its place, so one bad text does not cost the batch.
    Replace,
}

fn helper<'py>(py: Python<'py>, module: &str, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import(module)?.getattr(name)
}

/// Texts as Rust strings; `text` names the DataFrame/dict columns to join (see
/// `triagekit._inputs.text_columns`, where pandas is at home).
pub fn texts(texts: &Bound<'_, PyAny>, text: Option<&Bound<'_, PyAny>>, bad: BadText) -> PyResult<Vec<String>> {
    let py = texts.py();
    let columns = helper(py, "triagekit._inputs", "text_columns")?.call1((texts, text))?;
    let columns = columns.cast::<PyList>()?;
    let decoded: Vec<Vec<String>> = columns.iter().map(|c| column(&c, bad)).collect::<PyResult<_>>()?;
    let mut decoded = decoded.into_iter();
    let Some(first) = decoded.next() else { return Ok(Vec::new()) };
    let rest: Vec<Vec<String>> = decoded.collect();
    if rest.is_empty() {
        return Ok(first);
    }
    let mut joined = String::new();
    Ok(first
        .iter()
        .enumerate()
        .map(|(i, head)| {
            let fields = std::iter::once(head.as_str()).chain(rest.iter().filter_map(|c| c.get(i)).map(String::as_str));
            join_text_fields(fields, &mut joined);
            joined.clone()
        })
        .collect())
}

fn column(list: &Bound<'_, PyAny>, bad: BadText) -> PyResult<Vec<String>> {
    let list = list.cast::<PyList>()?;
    let mut out = Vec::with_capacity(list.len());
    for (row, item) in list.iter().enumerate() {
        let s = item.cast::<PyString>()?;
        match s.to_cow() {
            Ok(text) => out.push(text.into_owned()),
            Err(_) if bad == BadText::Replace => out.push(s.to_string_lossy().into_owned()),
            Err(_) => return Err(bad_text(row)),
        }
    }
    Ok(out)
}

fn bad_text(row: usize) -> PyErr {
    let mut d = ErrorDetails::new(
        ErrorCode::Model,
        format!("text at position {row} is not valid Unicode (it holds a lone surrogate); fix or drop that row"),
    );
    d.row = Some(row as u64);
    errors::from_details(&d)
}

/// Label columns and the decoding table of their original Python values (`None` when every
/// label was a string). `known` are the model's heads when evaluating.
pub fn heads<'py>(labels: &Bound<'py, PyAny>, default_head: &str, known: Option<Vec<String>>) -> PyResult<(Heads, Option<Bound<'py, PyAny>>)> {
    let py = labels.py();
    let (heads, decoders): (Heads, Bound<'py, PyAny>) =
        helper(py, "triagekit._inputs", "label_heads")?.call1((labels, default_head, known))?.extract()?;
    Ok((heads, Some(decoders).filter(|d| !d.is_none())))
}

/// A pandas object's index as row names for the report (`None` for plain sequences).
pub fn row_ids(values: &Bound<'_, PyAny>) -> PyResult<Option<Vec<String>>> {
    helper(values.py(), "triagekit._inputs", "row_ids")?.call1((values,))?.extract()
}

/// `fit(**params)` as the model crate's `FitOptions` (training settings plus `tune`,
/// `budget_s`, `folds`, `tune_metric`), which names a bad or unknown option; checked here so
/// a bad option fails before the data is converted.
pub fn fit_options(params: Option<&Bound<'_, PyDict>>) -> PyResult<FitOptions> {
    let Some(params) = params.filter(|p| !p.is_empty()) else { return Ok(FitOptions::default()) };
    let value = convert::to_value(params.as_any())
        .map_err(|e| model_err(ModelError::InvalidConfig { field: e.path, message: e.message }))?;
    let options = FitOptions::from_value(&value).map_err(model_err)?;
    options.train.validate().map_err(model_err)?;
    Ok(options)
}

/// Label texts -> the caller's labels (`triagekit._outputs.decode`).
pub fn decode<'py>(py: Python<'py>, decoder: Option<&Bound<'py, PyAny>>, texts: Vec<String>) -> PyResult<Bound<'py, PyAny>> {
    match decoder {
        None => Ok(PyList::new(py, texts)?.into_any()),
        Some(d) => helper(py, "triagekit._outputs", "decode")?.call1((d, texts)),
    }
}

/// Row-major f64 values -> a float64 numpy array of `rows` x `cols` (lists without numpy).
pub fn matrix<'py>(py: Python<'py>, values: &[f64], rows: usize, cols: usize) -> PyResult<Bound<'py, PyAny>> {
    let data = pyo3::types::PyByteArray::new_with(py, values.len() * 8, |buf: &mut [u8]| {
        for (chunk, v) in buf.chunks_exact_mut(8).zip(values) {
            chunk.copy_from_slice(&v.to_ne_bytes());
        }
        Ok(())
    })?;
    helper(py, "triagekit._outputs", "matrix")?.call1((data, rows, cols))
}
