//! The one place where Rust errors become JavaScript errors.
//!
//! Every failure is core's [`ErrorDetails`] (stable `code`, message and the location fields a
//! user needs to fix the input, from [`TriageError::details`]); it is either thrown as a real JS
//! `Error` ([`ErrorInfo::into_napi`]) or serialised into a batch result slot (`{error: {...}}`),
//! so a thrown error and a batch slot always carry the same fields, in every language.

use std::ops::{Deref, DerefMut};
use std::panic::{catch_unwind, AssertUnwindSafe};

use napi::bindgen_prelude::{JsObjectValue, Object};
use napi::{Env, JsError, JsValue, Status};
use serde::Serialize;
use triagekit::model::ModelError;
use triagekit::rules::RuleError;
use triagekit::{panic_message, ErrorCode, ErrorDetails, TriageError};

/// Code for a panic caught at the boundary: a bug in triagekit, never the caller's input.
pub const INTERNAL: ErrorCode = ErrorCode::Internal;

/// Core's error details, as this binding throws or stores them (a local type so conversions
/// from core's errors can live here).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(transparent)]
pub struct ErrorInfo(pub ErrorDetails);

impl Deref for ErrorInfo {
    type Target = ErrorDetails;
    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

impl DerefMut for ErrorInfo {
    fn deref_mut(&mut self) -> &mut ErrorDetails {
        &mut self.0
    }
}

impl ErrorInfo {
    /// An error with only a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorInfo(ErrorDetails::new(code, message))
    }

    /// A caller passed something the binding cannot convert.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        ErrorInfo(ErrorDetails::invalid_argument(message))
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
        let error = JsError::from(napi::Error::new(self.code.as_str(), self.message.clone())).into_unknown(*env);
        let mut object = error.coerce_to_object()?;
        let d = &self.0;
        for (name, text) in [("file", &d.file), ("rule", &d.rule), ("field", &d.field), ("agent", &d.agent), ("path", &d.path)] {
            if let Some(text) = text {
                object.set_named_property(name, text.as_str())?;
            }
        }
        // Numbers as f64: a JS number holds any line, column or row exactly up to 2^53.
        for (name, number) in [("line", d.line.map(|v| v as f64)), ("column", d.column.map(|v| v as f64)), ("row", d.row.map(|v| v as f64))] {
            if let Some(number) = number {
                object.set_named_property(name, number)?;
            }
        }
        Ok(object)
    }
}

impl From<TriageError> for ErrorInfo {
    fn from(error: TriageError) -> Self {
        ErrorInfo(error.details())
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

/// The codes every triagekit error can carry, for `ErrorCode` in `lib/errors.js`.
#[napi_derive::napi(js_name = "errorCodes")]
pub fn error_codes() -> Vec<&'static str> {
    ErrorCode::ALL.map(ErrorCode::as_str).to_vec()
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

fn panic_info(payload: &(dyn std::any::Any + Send)) -> ErrorInfo {
    ErrorInfo::from(TriageError::Internal(panic_message(payload)))
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
        assert_eq!(info.code, ErrorCode::InvalidTicket);
        assert_eq!(info.field.as_deref(), Some("subject"));
    }
}
