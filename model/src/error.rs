//! One error type for the whole model crate.

use std::path::PathBuf;

/// Why a model file could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormatError {
    /// The file does not start with the triagekit model magic bytes.
    #[error("not a triagekit model file (bad magic bytes)")]
    BadMagic,
    /// The file was written by a newer (or unknown) format version.
    #[error("unsupported model format version {found} (this build reads up to {supported})")]
    UnsupportedVersion {
        /// Version found in the header.
        found: u32,
        /// Newest version this build understands.
        supported: u32,
    },
    /// The file is shorter than its header declares.
    #[error("model file truncated: expected {expected} bytes, found {found}")]
    Truncated {
        /// Bytes the header promises.
        expected: u64,
        /// Bytes actually present.
        found: u64,
    },
    /// The payload checksum does not match.
    #[error("model file checksum mismatch (file corrupt)")]
    ChecksumMismatch,
    /// The payload decoded but is internally inconsistent.
    #[error("model file corrupt: {0}")]
    Corrupt(String),
}

/// Errors from loading data, training, evaluating or (de)serialising a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// File involved.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A CSV record could not be parsed.
    #[error("{path}: CSV error at row {row}: {message}")]
    Csv {
        /// File involved.
        path: PathBuf,
        /// 1-based data row (header is row 0); 0 when unknown.
        row: u64,
        /// Parser message.
        message: String,
    },
    /// A JSON Lines record could not be parsed.
    #[error("{path}: JSON error on line {line}: {message}")]
    Json {
        /// File involved.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// Parser message.
        message: String,
    },
    /// A requested column is not in the data.
    #[error("column {column:?} not found; available columns: {}", available.join(", "))]
    MissingColumn {
        /// The column asked for.
        column: String,
        /// Columns the file has.
        available: Vec<String>,
    },
    /// Nothing to train on (no rows, or no labelled rows for a head).
    #[error("no training data: {0}")]
    NoData(String),
    /// Inputs disagree in length or shape.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A training option has a bad value, a wrong type, or an unknown name.
    #[error("invalid training option {field}: {message}")]
    InvalidConfig {
        /// The option: its snake_case name for a bad value, the key as the caller spelled it
        /// for a wrong type or an unknown key, `<options>` for the options object itself.
        field: String,
        /// What is wrong and what is accepted.
        message: String,
    },
    /// A warm start's old model was trained with another setting than the one asked for.
    #[error("warm start: {field} is {given} but the old model was trained with {old}; leave the option out (the old model's value is used) or train without a warm start")]
    WarmStartMismatch {
        /// The setting (snake_case), e.g. `hash_bits` or `algorithm`.
        field: String,
        /// The old model's value.
        old: String,
        /// The value asked for.
        given: String,
    },
    /// The model file is unreadable.
    #[error(transparent)]
    Format(#[from] FormatError),
    /// The model has no head of this name.
    #[error("unknown head {0:?}")]
    UnknownHead(String),
    /// An error reported by linfa.
    #[error("linfa: {0}")]
    Linfa(String),
}

impl From<linfa::Error> for ModelError {
    fn from(e: linfa::Error) -> Self {
        ModelError::Linfa(e.to_string())
    }
}

impl ModelError {
    /// A bad training option `field`.
    pub(crate) fn invalid_config(field: &str, message: impl Into<String>) -> Self {
        ModelError::InvalidConfig { field: field.to_string(), message: message.into() }
    }

    /// Wrap an I/O error with the path it concerns.
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        ModelError::Io { path: path.to_path_buf(), source }
    }
}
