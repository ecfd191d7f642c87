//! The one error type of the rules crate.

use std::path::PathBuf;

/// Everything that can go wrong while loading or evaluating rules.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The rule file does not parse.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// File the error is in.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected or found.
        message: String,
    },
    /// The file parses but breaks a structural rule of the DSL (e.g. a rule inside a function).
    #[error("{file}:{line}: {message}")]
    Invalid {
        /// File the error is in.
        file: String,
        /// 1-based line (0 when the whole file or directory is meant).
        line: usize,
        /// Which rule of the DSL is broken.
        message: String,
    },
    /// Two rules share a name; names identify rules in traces, so they must be unique.
    #[error("{file}:{line}: duplicate rule name \"{name}\"")]
    DuplicateRule {
        /// File of the second rule with the name.
        file: String,
        /// 1-based line of that rule.
        line: usize,
        /// The shared name.
        name: String,
    },
    /// A rule raised an error at run time (`throw`, unknown function, type error, ...).
    #[error("rule \"{rule}\": {message}{}", at(*line, *column))]
    Runtime {
        /// The failing rule, or [`TOP_LEVEL`].
        rule: String,
        /// Rhai's error message.
        message: String,
        /// 1-based line, when Rhai knows it.
        line: Option<usize>,
        /// 1-based column, when Rhai knows it.
        column: Option<usize>,
    },
    /// A rule used more than its operation budget (usually an endless loop).
    #[error("rule \"{rule}\": exceeded the limit of {limit} operations")]
    OperationLimit {
        /// The rule that ran out.
        rule: String,
        /// Its operation budget.
        limit: u64,
    },
    /// A rule hit another sandbox limit: call depth, string, array or map size.
    #[error("rule \"{rule}\": sandbox limit exceeded: {message}")]
    Limit {
        /// The rule that hit the limit.
        rule: String,
        /// Which limit.
        message: String,
    },
    /// The ticket's time budget ([`crate::RuleOptions::time_budget_ms`]) was spent while this
    /// rule ran, or before it started.
    #[error("rule \"{rule}\": exceeded the time budget of {budget_ms} ms per ticket")]
    TimeLimit {
        /// The rule running (or about to run) when the budget was spent.
        rule: String,
        /// The budget, in milliseconds.
        budget_ms: u64,
    },
    /// What the rule held passed the memory budget ([`crate::RuleOptions::memory_budget_bytes`]).
    #[error("rule \"{rule}\": its strings, arrays and maps exceeded the memory budget of {limit_bytes} bytes per ticket")]
    MemoryLimit {
        /// The rule holding too much.
        rule: String,
        /// The budget, in bytes.
        limit_bytes: usize,
    },
    /// A literal argument is invalid (e.g. an unknown time zone in `within_hours`); found at load.
    #[error("{file}:{line}:{column}: {message}")]
    InvalidLiteral {
        /// File the literal is in.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is allowed instead.
        message: String,
    },
    /// A rule file or directory could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
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
