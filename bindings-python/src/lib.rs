//! Python bindings for triagekit: type conversion and error mapping only; all triage logic
//! lives in the `triagekit` crate.

mod convert;
mod engine;
mod errors;
mod explain;
mod model;
mod model_args;
mod model_fit;
mod pyser;

use pyo3::prelude::*;

/// The native module, imported by the `triagekit` Python package as `triagekit._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<engine::PyEngine>()?;
    m.add_class::<model::PyModel>()?;
    m.add_function(wrap_pyfunction!(engine::_engine_from_state, m)?)?;
    m.add_function(wrap_pyfunction!(model::_model_from_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(model::_model_from_state, m)?)?;
    m.add_function(wrap_pyfunction!(model::_model_unfitted, m)?)?;
    m.add_function(wrap_pyfunction!(model::_error, m)?)?;
    errors::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
