//! `Model.explain`: argument checks and conversion of the model's explanation to plain dicts.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use triagekit::model::Model;
use triagekit::TriageError;

use crate::convert;
use crate::errors::{self, guard};

/// `k` as a count: a negative one is a `TriageError`, not pyo3's `OverflowError`.
pub fn count_arg(name: &str, k: i64) -> PyResult<usize> {
    usize::try_from(k).map_err(|_| errors::to_py(&TriageError::InvalidConfig(format!("{name} must be 0 or more, got {k}"))))
}

/// `{head: {label, confidence, score, bias, supporting, opposing, rest}}` in model head order.
pub fn explain<'py>(py: Python<'py>, model: &Model, text: &Bound<'py, PyAny>, k: i64) -> PyResult<Bound<'py, PyAny>> {
    let k = count_arg("k", k)?;
    let bad_text = |message: String| errors::to_py(&TriageError::InvalidTicket { field: "text".into(), message });
    let text = text.cast::<PyString>().map_err(|_| bad_text("text must be a str".into()))?;
    let text = convert::string(text, None).map_err(|e| bad_text(e.message))?;
    let explanation = py.detach(|| guard(|| model.explain(&text, k)))?;
    let out = PyDict::new(py);
    for head in &explanation.heads {
        out.set_item(head.head.as_str(), convert::serde_to_py(py, head)?)?;
    }
    Ok(out.into_any())
}
