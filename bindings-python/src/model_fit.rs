//! `Model.fit`, which is both a constructor on the class (`Model.fit(X, y)`, the original API)
//! and an in-place fit on an instance (`Model().fit(X, y)`, what scikit-learn users write):
//! a descriptor that binds to whichever it is read from.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::model::{fit_into, FitCall, PyModel};

/// The `fit` attribute of `Model`.
#[pyclass(module = "triagekit._native", name = "_FitMethod", frozen)]
pub struct FitMethod;

/// `fit` bound to an instance (fits it in place) or to the class (makes a new model).
#[pyclass(module = "triagekit._native", name = "_BoundFit", frozen)]
pub struct BoundFit {
    target: Option<Py<PyModel>>,
}

#[pymethods]
impl FitMethod {
    fn __get__(&self, instance: Option<&Bound<'_, PyAny>>, _owner: Option<&Bound<'_, PyAny>>) -> PyResult<BoundFit> {
        let target = match instance.filter(|i| !i.is_none()) {
            Some(obj) => Some(obj.cast::<PyModel>()?.clone().unbind()),
            None => None,
        };
        Ok(BoundFit { target })
    }
}

#[pymethods]
impl BoundFit {
    /// Trains on `texts` and `labels` (see `Model` in `triagekit._native.pyi`); returns the
    /// fitted model: this one for `m.fit(...)`, a new one for `Model.fit(...)`.
    #[pyo3(signature = (texts, labels, *, text=None, **params))]
    fn __call__<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        labels: &Bound<'py, PyAny>,
        text: Option<&Bound<'py, PyAny>>,
        params: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let target = self.target.as_ref().map(|t| t.bind(py));
        fit_into(py, target, &FitCall { texts, labels, text, params })
    }

    fn __repr__(&self) -> &'static str {
        if self.target.is_some() {
            "<bound method Model.fit>"
        } else {
            "<function Model.fit>"
        }
    }
}
