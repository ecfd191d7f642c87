//! The one place where Rust errors become JavaScript errors.
//!
//! Every failure is first turned into an [`ErrorInfo`] (stable `code`, message and the location
//! fields a user needs to fix the input); that struct is then either thrown as a real JS `Error`
//! ([`ErrorInfo::into_napi`]) or serialised into a batch result slot (`{error: {...}}`), so a
//! thrown error and a batch slot always carry the same fields.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use napi::bindgen_prelude::{JsObjectValue, Object};
use napi::{Env, JsError, JsValue, Status};
use serde::Serialize;
use triagekit::model::ModelError;
use triagekit::rules::RuleError;
use triagekit::TriageError;

/// Code for a panic caught at the boundary: a bug in triagekit, never the caller's input.
pub const INTERNAL: &str = "INTERNAL";
/// Code for a JS argument of the wrong shape, caught before any triage work starts.
pub const INVALID_ARGUMENT: &str = "INVALID_ARGUMENT";

/// A language-neutral description of a failure, as JS sees it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ErrorInfo {
    /// Stable code from [`TriageError::code`] (`RULE_COMPILE`, `INVALID_TICKET`, ...) or one of
    /// the binding's own ([`INTERNAL`], [`INVALID_ARGUMENT`]).
    pub code: &'static str,
    /// Human-readable message, the same text the CLI prints.
    pub message: String,
    /// Rule or data file the error is in, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line in `file` (for CSV data: the row), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The rule that failed at run time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The ticket field (`INVALID_TICKET`) or training option (`MODEL`) at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ErrorInfo {
    /// An error with only a code and a message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        ErrorInfo { code, message: message.into(), file: None, line: None, column: None, rule: None, field: None }
    }

    /// A caller passed something the binding cannot convert.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        ErrorInfo::new(INVALID_ARGUMENT, message)
    }

    /// Throws this as a JS `Error` whose own properties are the fields above.
    pub fn into_napi(self, env: &Env) -> napi::Error {
        match self.to_js(env) {
            Ok(object) => napi::Error::from(object.to_unknown()),
            // Building the object failed (env shutting down): still surface code and message.
            Err(_) => napi::Error::new(Status::GenericFailure, format!("{}: {}", self.code, self.message)),
        }
    }

    fn to_js<'env>(&self, env: &'env Env) -> napi::Result<Object<'env>> {
        // JsError sets `code` from the status string; the extra fields are plain properties.
        let error = JsError::from(napi::Error::new(self.code, self.message.clone())).into_unknown(*env);
        let mut object = error.coerce_to_object()?;
        if let Some(file) = &self.file {
            object.set_named_property("file", file.as_str())?;
        }
        if let Some(line) = self.line {
            object.set_named_property("line", line)?;
        }
        if let Some(column) = self.column {
            object.set_named_property("column", column)?;
        }
        if let Some(rule) = &self.rule {
            object.set_named_property("rule", rule.as_str())?;
        }
        if let Some(field) = &self.field {
            object.set_named_property("field", field.as_str())?;
        }
        Ok(object)
    }
}

impl From<TriageError> for ErrorInfo {
    fn from(error: TriageError) -> Self {
        let mut info = ErrorInfo::new(error.code(), error.to_string());
        match &error {
            TriageError::Rule(rule) => add_rule_location(&mut info, rule),
            TriageError::Model(model) => add_model_location(&mut info, model),
            TriageError::InvalidTicket { field, .. } => info.field = Some(field.clone()),
            TriageError::Io { path, .. } => info.file = Some(path.display().to_string()),
            _ => {}
        }
        info
    }
}

impl From<ModelError> for ErrorInfo {
    fn from(error: ModelError) -> Self {
        ErrorInfo::from(TriageError::from(error))
    }
}

impl From<RuleError> for ErrorInfo {
    fn from(error: RuleError) -> Self {
        ErrorInfo::from(TriageError::from(error))
    }
}

fn add_rule_location(info: &mut ErrorInfo, error: &RuleError) {
    match error {
        RuleError::Syntax { file, line, column, .. } | RuleError::InvalidLiteral { file, line, column, .. } => {
            info.file = Some(file.clone());
            info.line = to_u32(Some(*line));
            info.column = to_u32(Some(*column));
        }
        RuleError::Invalid { file, line, .. } | RuleError::DuplicateRule { file, line, .. } => {
            info.file = Some(file.clone());
            info.line = to_u32(Some(*line));
        }
        RuleError::Runtime { rule, line, column, .. } => {
            info.rule = Some(rule.clone());
            info.line = to_u32(*line);
            info.column = to_u32(*column);
        }
        RuleError::OperationLimit { rule, .. }
        | RuleError::Limit { rule, .. }
        | RuleError::TimeLimit { rule, .. }
        | RuleError::MemoryLimit { rule, .. } => info.rule = Some(rule.clone()),
        RuleError::Io { path, .. } => info.file = Some(path.display().to_string()),
    }
}

fn add_model_location(info: &mut ErrorInfo, error: &ModelError) {
    match error {
        ModelError::Io { path, .. } => info.file = Some(path.display().to_string()),
        ModelError::Csv { path, row, .. } => {
            info.file = Some(path.display().to_string());
            info.line = u32::try_from(*row).ok().filter(|r| *r > 0);
        }
        ModelError::Json { path, line, .. } => {
            info.file = Some(path.display().to_string());
            info.line = u32::try_from(*line).ok();
        }
        ModelError::InvalidConfig { field, .. } => info.field = Some(field.clone()),
        _ => {}
    }
}

fn to_u32(value: Option<usize>) -> Option<u32> {
    value.and_then(|v| u32::try_from(v).ok())
}

/// Runs `work`, turning a panic into an `INTERNAL` error so it never unwinds into Node (which
/// would abort the process). Every entry point from JS goes through this.
pub fn guard<T>(work: impl FnOnce() -> Result<T, ErrorInfo>) -> Result<T, ErrorInfo> {
    // AssertUnwindSafe: the engine's shared state is atomics, arc-swap snapshots and mutexes that
    // recover from poisoning, so a half-finished call leaves nothing a later call would misread.
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| Err(panic_info(payload.as_ref())))
}

/// [`guard`] for synchronous methods: also throws the error as a JS `Error`.
pub fn guard_js<T>(env: &Env, work: impl FnOnce() -> Result<T, ErrorInfo>) -> napi::Result<T> {
    guard(work).map_err(|info| info.into_napi(env))
}

/// For async tasks: `compute` runs off the JS thread and cannot build a JS error, so it parks the
/// details in the task and returns a placeholder error for N-API to carry to `reject`.
pub fn park(slot: &mut Option<ErrorInfo>, info: ErrorInfo) -> napi::Error {
    let placeholder = napi::Error::from_reason(info.message.clone());
    *slot = Some(info);
    placeholder
}

/// For async tasks' `reject` (on the JS thread): the parked error as a real JS `Error`.
pub fn unpark(slot: &mut Option<ErrorInfo>, env: &Env, placeholder: napi::Error) -> napi::Error {
    match slot.take() {
        Some(info) => info.into_napi(env),
        None => placeholder,
    }
}

fn panic_info(payload: &(dyn Any + Send)) -> ErrorInfo {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    ErrorInfo::new(INTERNAL, format!("internal error in triagekit (please report): {detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal_errors() {
        let result: Result<(), ErrorInfo> = guard(|| panic!("boom"));
        let info = result.unwrap_err();
        assert_eq!(info.code, INTERNAL);
        assert!(info.message.contains("boom"));
    }

    #[test]
    fn ticket_errors_name_the_field() {
        let error = triagekit::Ticket::from_json(r#"{"subject": 5}"#).unwrap_err();
        let info = ErrorInfo::from(error);
        assert_eq!(info.code, "INVALID_TICKET");
        assert_eq!(info.field.as_deref(), Some("subject"));
    }
}
