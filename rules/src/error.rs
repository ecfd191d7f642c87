//! The one error type of the rules crate.

use std::path::PathBuf;

/// Everything that can go wrong while loading or evaluating rules.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The rule file does not parse.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax { file: String, line: usize, column: usize, message: String },
    /// The file parses but breaks a structural rule of the DSL (e.g. a rule inside a function).
    #[error("{file}:{line}: {message}")]
    Invalid { file: String, line: usize, message: String },
    /// Two rules share a name; names identify rules in traces, so they must be unique.
    #[error("{file}:{line}: duplicate rule name \"{name}\"")]
    DuplicateRule { file: String, line: usize, name: String },
    /// A rule raised an error at run time (`throw`, unknown function, type error, ...).
    #[error("rule \"{rule}\": {message}{}", at(*line, *column))]
    Runtime { rule: String, message: String, line: Option<usize>, column: Option<usize> },
    /// A rule used more than its operation budget (usually an endless loop).
    #[error("rule \"{rule}\": exceeded the limit of {limit} operations")]
    OperationLimit { rule: String, limit: u64 },
    /// A rule hit another sandbox limit: call depth, string, array or map size.
    #[error("rule \"{rule}\": sandbox limit exceeded: {message}")]
    Limit { rule: String, message: String },
    /// The ticket's time budget ([`crate::RuleOptions::time_budget_ms`]) was spent while this
    /// rule ran, or before it started.
    #[error("rule \"{rule}\": exceeded the time budget of {budget_ms} ms per ticket")]
    TimeLimit { rule: String, budget_ms: u64 },
    /// What the rule held passed the memory budget ([`crate::RuleOptions::memory_budget_bytes`]).
    #[error("rule \"{rule}\": its strings, arrays and maps exceeded the memory budget of {limit_bytes} bytes per ticket")]
    MemoryLimit { rule: String, limit_bytes: usize },
    /// A literal argument is invalid (e.g. an unknown time zone in `within_hours`); found at load.
    #[error("{file}:{line}:{column}: {message}")]
    InvalidLiteral { file: String, line: usize, column: usize, message: String },
    /// A rule file or directory could not be read.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

/// Name used in errors for code that runs outside any rule (top-level statements).
pub const TOP_LEVEL: &str = "(top level)";

fn at(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
        (Some(l), None) => format!(" (line {l})"),
        _ => String::new(),
    }
}
