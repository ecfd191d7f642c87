//! The one error type of the `triagekit` crate.

use std::path::PathBuf;

/// Everything that can go wrong while loading or triaging; wraps the leaf crates' errors.
#[derive(Debug, thiserror::Error)]
pub enum TriageError {
    /// A rule file failed to compile or a rule failed at run time (strict mode).
    #[error(transparent)]
    Rule(#[from] triagekit_rules::RuleError),
    /// A model file could not be read, or training/prediction failed.
    #[error(transparent)]
    Model(#[from] triagekit_model::ModelError),
    /// A ticket is not the shape the engine accepts; `field` names the culprit.
    #[error("invalid ticket: {field}: {message}")]
    InvalidTicket {
        /// The JSON key at fault (or `"<ticket>"` for the whole object).
        field: String,
        /// What was wrong and what was expected.
        message: String,
    },
    /// The roster (agents file or object) is inconsistent.
    #[error("invalid roster: {0}")]
    InvalidRoster(String),
    /// An operation named an agent the roster does not know.
    #[error("unknown agent: {0}")]
    UnknownAgent(String),
    /// Engine options are inconsistent (e.g. a threshold outside 0..=1).
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// Reading a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file being read.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A bug in triagekit caught at the boundary (a panic), never the caller's input.
    #[error("internal error (please report): {0}")]
    Internal(String),
}

impl TriageError {
    /// A stable, language-neutral code for this error, used by the bindings (`err.code` in JS).
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    pub(crate) fn invalid_ticket(field: &str, message: impl Into<String>) -> Self {
        TriageError::InvalidTicket { field: field.to_string(), message: message.into() }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = TriageError> = std::result::Result<T, E>;
