//! Python exception classes and the one place where Rust errors become them.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;
use pyo3::types::PyDict;
use triagekit::model::ModelError;
use triagekit::rules::RuleError;
use triagekit::TriageError;

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

/// Attribute names every triagekit exception has (`None` when not relevant).
const ATTRIBUTES: [&str; 9] = ["code", "message", "file", "line", "column", "rule", "field", "agent", "path"];

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
    // Class-level defaults, so `err.line` is `None` rather than an AttributeError on any subclass.
    let base = py.get_type::<TriageErrorPy>();
    for name in ATTRIBUTES {
        base.setattr(name, py.None())?;
    }
    Ok(())
}

/// Attributes an exception carries besides its message; absent ones are set to `None`.
#[derive(Default)]
struct Details {
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    rule: Option<String>,
    field: Option<String>,
    agent: Option<String>,
    path: Option<String>,
}

/// Maps a core error to its Python exception: the single mapping table of the binding.
pub fn to_py(error: &TriageError) -> PyErr {
    let code = error.code();
    let message = error.to_string();
    let mut d = Details::default();
    let build: fn(String) -> PyErr = match error {
        TriageError::Rule(rule) => match rule {
            RuleError::Syntax { file, line, column, .. } | RuleError::InvalidLiteral { file, line, column, .. } => {
                (d.file, d.line, d.column) = (Some(file.clone()), Some(*line), Some(*column));
                RuleCompileError::new_err
            }
            RuleError::Invalid { file, line, .. } | RuleError::DuplicateRule { file, line, .. } => {
                (d.file, d.line) = (Some(file.clone()), Some(*line));
                RuleCompileError::new_err
            }
            RuleError::Runtime { rule, line, column, .. } => {
                (d.rule, d.line, d.column) = (Some(rule.clone()), *line, *column);
                RuleRuntimeError::new_err
            }
            RuleError::OperationLimit { rule, .. }
            | RuleError::Limit { rule, .. }
            | RuleError::TimeLimit { rule, .. }
            | RuleError::MemoryLimit { rule, .. } => {
                d.rule = Some(rule.clone());
                RuleRuntimeError::new_err
            }
            RuleError::Io { path, .. } => {
                d.path = Some(path.display().to_string());
                TriageErrorPy::new_err
            }
            #[allow(unreachable_patterns)]
            _ => RuleRuntimeError::new_err,
        },
        TriageError::Model(model) => match model {
            ModelError::Format(_) => ModelFormatError::new_err,
            ModelError::Io { path, .. } => {
                d.path = Some(path.display().to_string());
                ModelError_::new_err
            }
            ModelError::InvalidConfig { field, .. } => {
                d.field = Some(field.clone());
                ModelError_::new_err
            }
            _ => ModelError_::new_err,
        },
        TriageError::InvalidTicket { field, .. } => {
            d.field = Some(field.clone());
            InvalidTicketError::new_err
        }
        TriageError::InvalidRoster(_) => RosterError::new_err,
        TriageError::UnknownAgent(agent) => {
            d.agent = Some(agent.clone());
            RosterError::new_err
        }
        TriageError::InvalidConfig(_) => ConfigError::new_err,
        TriageError::Io { path, .. } => {
            d.path = Some(path.display().to_string());
            TriageErrorPy::new_err
        }
        #[allow(unreachable_patterns)]
        _ => TriageErrorPy::new_err,
    };
    let err = build(message.clone());
    Python::attach(|py| {
        // Setting attributes on a fresh exception instance cannot fail in practice; if it did,
        // the exception would still carry the right class and message.
        let value = err.value(py);
        let _ = value.setattr("code", code);
        let _ = value.setattr("message", &message);
        let _ = value.setattr("file", d.file);
        let _ = value.setattr("line", d.line);
        let _ = value.setattr("column", d.column);
        let _ = value.setattr("rule", d.rule);
        let _ = value.setattr("field", d.field);
        let _ = value.setattr("agent", d.agent);
        let _ = value.setattr("path", d.path);
    });
    err
}

/// `{"code": .., "message": ..}` for a batch slot that failed, mirroring the exception.
pub fn error_dict<'py>(py: Python<'py>, code: &str, message: &str, field: Option<&str>) -> PyResult<Bound<'py, PyDict>> {
    let inner = PyDict::new(py);
    inner.set_item("code", code)?;
    inner.set_item("message", message)?;
    if let Some(field) = field {
        inner.set_item("field", field)?;
    }
    let outer = PyDict::new(py);
    outer.set_item("error", inner)?;
    Ok(outer)
}

/// Runs `f`, turning a Rust panic into a `TriageError` (code `INTERNAL`) instead of an abort or a
/// `PanicException` that `except Exception` would not catch.
pub fn guard<T>(f: impl FnOnce() -> T) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| internal(&panic_message(payload.as_ref())))
}

/// A `TriageError` with code `INTERNAL`, for bugs rather than bad input.
pub fn internal(message: &str) -> PyErr {
    let err = TriageErrorPy::new_err(format!("internal error (please report): {message}"));
    Python::attach(|py| {
        let _ = err.value(py).setattr("code", "INTERNAL");
        let _ = err.value(py).setattr("message", message);
    });
    err
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

/// An `InvalidTicketError` for input that never reached core (wrong Python types, bad strings).
pub fn invalid_ticket(field: &str, message: &str) -> PyErr {
    to_py(&TriageError::InvalidTicket { field: field.to_string(), message: message.to_string() })
}
