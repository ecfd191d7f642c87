//! Errors as plain data: one code list and one field set that the CLI and both bindings report.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use serde::{Deserialize, Serialize};
use triagekit_model::ModelError;
use triagekit_rules::RuleError;

use crate::error::TriageError;

/// Every error code a caller can see, in every language. Bindings map each to one exception
/// class (Python) or set it as `err.code` (Node); the CLI prints it in batch error lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// A rule file does not compile (syntax, bad literal, duplicate name, misplaced rule).
    RuleCompile,
    /// A rule failed at run time, or hit a sandbox limit (strict mode surfaces it).
    RuleRuntime,
    /// A model file is not a readable triagekit model.
    ModelFormat,
    /// Training, evaluating or predicting failed (bad data, bad parameter, unknown head).
    Model,
    /// A ticket is not the shape the engine accepts.
    InvalidTicket,
    /// The roster is inconsistent.
    InvalidRoster,
    /// An operation named an agent the roster does not know.
    UnknownAgent,
    /// Engine options are inconsistent.
    InvalidConfig,
    /// A file could not be read.
    Io,
    /// A host-language argument of the wrong type, refused by a binding before core sees it.
    InvalidArgument,
    /// A bug in triagekit caught at the boundary.
    Internal,
}

impl ErrorCode {
    /// Every code, for bindings that export the list.
    pub const ALL: [ErrorCode; 11] = [
        ErrorCode::RuleCompile,
        ErrorCode::RuleRuntime,
        ErrorCode::ModelFormat,
        ErrorCode::Model,
        ErrorCode::InvalidTicket,
        ErrorCode::InvalidRoster,
        ErrorCode::UnknownAgent,
        ErrorCode::InvalidConfig,
        ErrorCode::Io,
        ErrorCode::InvalidArgument,
        ErrorCode::Internal,
    ];

    /// The code as users see it (`"RULE_COMPILE"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::RuleCompile => "RULE_COMPILE",
            ErrorCode::RuleRuntime => "RULE_RUNTIME",
            ErrorCode::ModelFormat => "MODEL_FORMAT",
            ErrorCode::Model => "MODEL",
            ErrorCode::InvalidTicket => "INVALID_TICKET",
            ErrorCode::InvalidRoster => "INVALID_ROSTER",
            ErrorCode::UnknownAgent => "UNKNOWN_AGENT",
            ErrorCode::InvalidConfig => "INVALID_CONFIG",
            ErrorCode::Io => "IO",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a user needs to fix an error: its code, message and location, absent fields omitted.
///
/// `file`/`line`/`column` locate a rule source (`file` is the rule file's name, `<string>` for
/// source text); `path` is a file on disk that could not be read or parsed, `row` the CSV row
/// or JSON Lines line in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetails {
    /// Stable code.
    pub code: ErrorCode,
    /// Human-readable message, the text the CLI prints.
    pub message: String,
    /// Rule file the error is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line in `file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in `file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The rule that failed at run time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The ticket field (or option name) at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The agent an operation named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// The file on disk involved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based CSV row or JSON Lines line in `path`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
}

impl ErrorDetails {
    /// Details with only a code and a message, for errors raised outside core.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorDetails {
            code,
            message: message.into(),
            file: None,
            line: None,
            column: None,
            rule: None,
            field: None,
            agent: None,
            path: None,
            row: None,
        }
    }

    /// An `INVALID_ARGUMENT` for a host value of the wrong type.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        ErrorDetails::new(ErrorCode::InvalidArgument, message)
    }

    /// The names of the optional fields, in the order bindings expose them.
    pub const FIELDS: [&'static str; 8] = ["file", "line", "column", "rule", "field", "agent", "path", "row"];
}

fn display(path: &Path) -> Option<String> {
    Some(path.display().to_string())
}

impl TriageError {
    /// The error's code.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            TriageError::Rule(
                RuleError::Syntax { .. }
                | RuleError::DuplicateRule { .. }
                | RuleError::Invalid { .. }
                | RuleError::InvalidLiteral { .. },
            ) => ErrorCode::RuleCompile,
            TriageError::Rule(RuleError::Io { .. }) => ErrorCode::Io,
            TriageError::Rule(
                RuleError::Runtime { .. }
                | RuleError::OperationLimit { .. }
                | RuleError::Limit { .. }
                | RuleError::TimeLimit { .. }
                | RuleError::MemoryLimit { .. },
            ) => ErrorCode::RuleRuntime,
            TriageError::Model(ModelError::Format(_)) => ErrorCode::ModelFormat,
            TriageError::Model(ModelError::Io { .. }) => ErrorCode::Io,
            TriageError::Model(_) => ErrorCode::Model,
            TriageError::InvalidTicket { .. } => ErrorCode::InvalidTicket,
            TriageError::InvalidRoster(_) => ErrorCode::InvalidRoster,
            TriageError::UnknownAgent(_) => ErrorCode::UnknownAgent,
            TriageError::InvalidConfig(_) => ErrorCode::InvalidConfig,
            TriageError::Io { .. } => ErrorCode::Io,
            TriageError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The error as plain data; every binding builds its exception from this alone.
    pub fn details(&self) -> ErrorDetails {
        let mut d = ErrorDetails::new(self.error_code(), self.to_string());
        match self {
            TriageError::Rule(rule) => match rule {
                RuleError::Syntax { file, line, column, .. } | RuleError::InvalidLiteral { file, line, column, .. } => {
                    (d.file, d.line, d.column) = (Some(file.clone()), Some(*line), Some(*column));
                }
                RuleError::Invalid { file, line, .. } | RuleError::DuplicateRule { file, line, .. } => {
                    (d.file, d.line) = (Some(file.clone()), Some(*line));
                }
                RuleError::Runtime { rule, line, column, .. } => {
                    (d.rule, d.line, d.column) = (Some(rule.clone()), *line, *column);
                }
                RuleError::OperationLimit { rule, .. }
                | RuleError::Limit { rule, .. }
                | RuleError::TimeLimit { rule, .. }
                | RuleError::MemoryLimit { rule, .. } => d.rule = Some(rule.clone()),
                RuleError::Io { path, .. } => d.path = display(path),
            },
            TriageError::Model(model) => match model {
                ModelError::Io { path, .. } => d.path = display(path),
                ModelError::Csv { path, row, .. } => (d.path, d.row) = (display(path), Some(*row).filter(|r| *r > 0)),
                ModelError::Json { path, line, .. } => (d.path, d.row) = (display(path), Some(*line).filter(|l| *l > 0)),
                ModelError::MissingColumn { column, .. } => d.field = Some(column.clone()),
                ModelError::InvalidConfig { field, .. } | ModelError::WarmStartMismatch { field, .. } => {
                    d.field = Some(field.clone());
                }
                ModelError::NoData(_)
                | ModelError::InvalidInput(_)
                | ModelError::Format(_)
                | ModelError::UnknownHead(_)
                | ModelError::Linfa(_) => {}
            },
            TriageError::InvalidTicket { field, .. } => d.field = Some(field.clone()),
            TriageError::UnknownAgent(agent) => d.agent = Some(agent.clone()),
            TriageError::Io { path, .. } => d.path = display(path),
            TriageError::InvalidRoster(_) | TriageError::InvalidConfig(_) | TriageError::Internal(_) => {}
        }
        d
    }
}

/// Runs `work`, turning a panic into [`TriageError::Internal`]: bindings wrap every entry
/// point in this so a bug surfaces as an error instead of unwinding into a foreign runtime.
pub fn catch_panic<T>(work: impl FnOnce() -> crate::Result<T>) -> crate::Result<T> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| Err(TriageError::Internal(panic_message(payload.as_ref()))))
}

/// The text a panic was raised with.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}
