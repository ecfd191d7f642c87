//! Python exception classes and the one place where Rust errors become them.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use triagekit::{panic_message, ErrorCode, ErrorDetails, TriageError};

/// The exception classes; a module of their own so their Python names match the Rust ones
/// without clashing with core's `TriageError`/`ModelError` types.
pub mod exc {
    use pyo3::exceptions::PyException;

    pyo3::create_exception!(triagekit, TriageError, PyException, "Base class of every triagekit error; `.code` is a stable string.");
    pyo3::create_exception!(triagekit, RuleCompileError, TriageError, "A rule file does not compile; see `.file`, `.line`, `.column`.");
    pyo3::create_exception!(triagekit, RuleRuntimeError, TriageError, "A rule failed while running (strict mode); see `.rule`, `.line`, `.column`.");
    pyo3::create_exception!(triagekit, ModelError, TriageError, "Training, evaluating or predicting with a model failed.");
    pyo3::create_exception!(triagekit, ModelFormatError, ModelError, "A model file is not a readable triagekit model.");
    pyo3::create_exception!(triagekit, InvalidTicketError, TriageError, "A ticket is not the shape the engine accepts; see `.field`.");
    pyo3::create_exception!(triagekit, RosterError, TriageError, "The roster is invalid, or an agent is unknown (`.agent`).");
    pyo3::create_exception!(triagekit, ConfigError, TriageError, "Engine options are invalid.");
}

use exc::{ConfigError, InvalidTicketError, ModelFormatError, RosterError, RuleCompileError, RuleRuntimeError};
use exc::{ModelError as ModelError_, TriageError as TriageErrorPy};

/// Registers the exception classes on the module under their public names.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("TriageError", py.get_type::<TriageErrorPy>())?;
    m.add("RuleCompileError", py.get_type::<RuleCompileError>())?;
    m.add("RuleRuntimeError", py.get_type::<RuleRuntimeError>())?;
    m.add("ModelError", py.get_type::<ModelError_>())?;
    m.add("ModelFormatError", py.get_type::<ModelFormatError>())?;
    m.add("InvalidTicketError", py.get_type::<InvalidTicketError>())?;
    m.add("RosterError", py.get_type::<RosterError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("ERROR_CODES", ErrorCode::ALL.map(ErrorCode::as_str).to_vec())?;
    // Class-level defaults, so `err.line` is `None` rather than an AttributeError on any subclass.
    let base = py.get_type::<TriageErrorPy>();
    base.setattr("code", py.None())?;
    base.setattr("message", py.None())?;
    for name in ErrorDetails::FIELDS {
        base.setattr(name, py.None())?;
    }
    Ok(())
}

/// The exception class of each code: the binding's single mapping table.
fn class_of(code: ErrorCode) -> fn(String) -> PyErr {
    match code {
        ErrorCode::RuleCompile => RuleCompileError::new_err,
        ErrorCode::RuleRuntime => RuleRuntimeError::new_err,
        ErrorCode::ModelFormat => ModelFormatError::new_err,
        ErrorCode::Model => ModelError_::new_err,
        ErrorCode::InvalidTicket => InvalidTicketError::new_err,
        ErrorCode::InvalidRoster | ErrorCode::UnknownAgent => RosterError::new_err,
        ErrorCode::InvalidConfig => ConfigError::new_err,
        ErrorCode::InvalidArgument => PyTypeError::new_err,
        ErrorCode::Io | ErrorCode::Internal => TriageErrorPy::new_err,
    }
}

/// Maps a core error to its Python exception, carrying every field of [`ErrorDetails`].
pub fn to_py(error: &TriageError) -> PyErr {
    from_details(&error.details())
}

/// The exception for an error described as plain data (also used for binding-side errors).
pub fn from_details(d: &ErrorDetails) -> PyErr {
    let err = class_of(d.code)(d.message.clone());
    Python::attach(|py| {
        // Setting attributes on a fresh exception instance cannot fail in practice; if it did,
        // the exception would still carry the right class and message.
        let value = err.value(py);
        let _ = value.setattr("code", d.code.as_str());
        let _ = value.setattr("message", &d.message);
        let _ = value.setattr("file", &d.file);
        let _ = value.setattr("line", d.line);
        let _ = value.setattr("column", d.column);
        let _ = value.setattr("rule", &d.rule);
        let _ = value.setattr("field", &d.field);
        let _ = value.setattr("agent", &d.agent);
        let _ = value.setattr("path", &d.path);
        let _ = value.setattr("row", d.row);
    });
    err
}

/// `{"error": {"code": .., "message": .., ...}}` for a batch slot that failed, with the same
/// fields the exception would carry.
pub fn error_slot<'py>(py: Python<'py>, error: &TriageError) -> PyResult<Bound<'py, PyAny>> {
    let outer = PyDict::new(py);
    outer.set_item("error", crate::pyser::to_py(py, &error.details()).map_err(|e| internal(&e.0))?)?;
    Ok(outer.into_any())
}

/// Runs `f`, turning a Rust panic into a `TriageError` (code `INTERNAL`) instead of an abort or a
/// `PanicException` that `except Exception` would not catch.
pub fn guard<T>(f: impl FnOnce() -> T) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| internal(&panic_message(payload.as_ref())))
}

/// A `TriageError` with code `INTERNAL`, for bugs rather than bad input.
pub fn internal(message: &str) -> PyErr {
    to_py(&TriageError::Internal(message.to_string()))
}
