//! Sandboxed Rhai rule DSL for triaging helpdesk tickets.
//!
//! Rules are compiled once at load; each thread keeps its own compiled copy, and
//! [`RuleSet::evaluate`] runs them for one ticket without re-parsing. See `README.md`
//! for the rule language.

// Library code returns typed errors instead of panicking on input; tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
#![warn(missing_docs)]

mod actions;
mod bounds;
mod builtins;
mod dsl;
mod error;
mod eval_state;
mod helpers;
pub mod hours;
mod literals;
mod native;
mod outcome;
mod sandbox;
mod view;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rhai::EvalAltResult;

pub use actions::STRATEGIES;
pub use error::{RuleError, TOP_LEVEL};
pub use helpers::priority_matrix;
pub use outcome::{ActionRecord, RuleTrace, RulesOutcome};
pub use sandbox::cached_rulesets_on_this_thread;
pub use view::{HeadView, ModelView, TicketView};
/// The inline short-string type of rule names and action records.
pub use compact_str::CompactString;

/// Limits and behaviour of a rule set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleOptions {
    /// When true, the first failing rule makes `evaluate` return its error; otherwise the
    /// error is recorded in that rule's trace and later rules still run.
    pub strict: bool,
    /// Operation budget of each rule (and of top-level code between rules); 0 = unlimited.
    pub max_operations_per_rule: u64,
    /// Maximum function call depth.
    pub max_call_depth: usize,
    /// Maximum length of any string a rule builds, in bytes.
    pub max_string_size: usize,
    /// Maximum number of elements of any array a rule builds.
    pub max_array_size: usize,
    /// Maximum number of entries of any object map a rule builds.
    pub max_map_size: usize,
    /// Wall-clock budget of the whole rule set for one ticket, in milliseconds; 0 = unlimited.
    /// The rule running when it is spent, and every rule after it, ends with
    /// [`RuleError::TimeLimit`].
    pub time_budget_ms: u64,
    /// Bytes the strings, arrays and maps held by the running rule (its variables, at every
    /// function call level) may total for one ticket; 0 = unlimited. Past it the rule ends
    /// with [`RuleError::MemoryLimit`].
    pub memory_budget_bytes: usize,
    /// Run the common rule shapes natively (same results, traces and errors, without the
    /// interpreter); false runs everything through Rhai, e.g. as the reference in tests.
    pub native: bool,
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            strict: false,
            max_operations_per_rule: 100_000,
            max_call_depth: 32,
            max_string_size: 1 << 20,
            max_array_size: 10_000,
            max_map_size: 10_000,
            time_budget_ms: 50,
            memory_budget_bytes: 16 << 20,
            native: true,
        }
    }
}

/// Metadata of one rule, as written in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// Unique rule name.
    pub name: String,
    /// Position in evaluation order, from 0.
    pub order: usize,
    /// Whether the rule has the `stop` flag.
    pub stop: bool,
    /// File the rule is in (as given to `compile`, or the path found by `load`).
    pub file: String,
    /// 1-based line of the `rule` keyword.
    pub line: usize,
}

/// A compiled, immutable set of rules; cheap to clone and safe to share between threads.
#[derive(Clone)]
pub struct RuleSet {
    inner: Arc<RuleSetData>,
}

pub(crate) struct RuleSetData {
    /// Process-unique id that keys the per-thread engine cache.
    pub id: u64,
    pub version: String,
    pub options: RuleOptions,
    pub sources: Vec<(String, String)>,
    pub rules: Vec<RuleInfo>,
    pub regexes: Arc<eval_state::RegexMap>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet").field("version", &self.inner.version).field("rules", &self.inner.rules.len()).finish()
    }
}

fn io(p: &Path) -> impl Fn(std::io::Error) -> RuleError + '_ {
    move |source| RuleError::Io { path: p.to_owned(), source }
}

impl RuleSet {
    /// Compiles rules from source; `file_name` is used in errors and [`RuleInfo::file`].
    pub fn compile(source: &str, file_name: &str, options: RuleOptions) -> Result<RuleSet, RuleError> {
        let version = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(source.as_bytes()));
        Self::build(vec![(file_name.to_owned(), source.to_owned())], version, options)
    }

    /// Loads a `.rhai` file, or every `*.rhai` file of a directory sorted by file name.
    pub fn load(path: &Path, options: RuleOptions) -> Result<RuleSet, RuleError> {
        let meta = std::fs::metadata(path).map_err(io(path))?;
        if !meta.is_dir() {
            let src = std::fs::read_to_string(path).map_err(io(path))?;
            return Self::compile(&src, &path.display().to_string(), options);
        }
        let mut files = Vec::new();
        for entry in std::fs::read_dir(path).map_err(io(path))? {
            let p = entry.map_err(io(path))?.path();
            if p.extension().is_some_and(|e| e == "rhai") && p.is_file() {
                files.push(p);
            }
        }
        files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        if files.is_empty() {
            return Err(RuleError::Invalid {
                file: path.display().to_string(),
                line: 0,
                message: "directory holds no .rhai rule files".into(),
            });
        }
        let mut sources = Vec::with_capacity(files.len());
        for p in &files {
            let src = std::fs::read_to_string(p).map_err(io(p))?;
            sources.push((p.display().to_string(), src));
        }
        Self::compile_sources(&sources, options)
    }

    /// Compiles `(file name, source)` pairs in order, as [`RuleSet::load`] does for a folder;
    /// rebuilds a rule set from [`RuleSet::sources`] in another process with the same version.
    pub fn compile_sources(sources: &[(String, String)], options: RuleOptions) -> Result<RuleSet, RuleError> {
        if let [(file, source)] = sources {
            return Self::compile(source, file, options);
        }
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for (path, src) in sources {
            // File names take part in the hash because they decide the order of rules.
            let name = Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            hasher.update(name.as_bytes());
            hasher.update(&[0]);
            hasher.update(src.as_bytes());
            hasher.update(&[0]);
        }
        Self::build(sources.to_vec(), format!("{:016x}", hasher.digest()), options)
    }

    /// The `(file name, source)` pairs the rule set was compiled from, in order.
    pub fn sources(&self) -> &[(String, String)] {
        &self.inner.sources
    }

    fn build(sources: Vec<(String, String)>, version: String, options: RuleOptions) -> Result<RuleSet, RuleError> {
        let engine = sandbox::build_engine(&options);
        let compiled = sandbox::compile(&engine, &sources)?;
        Ok(RuleSet {
            inner: Arc::new(RuleSetData {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                version,
                options,
                sources,
                rules: compiled.rules,
                regexes: Arc::new(compiled.regexes),
            }),
        })
    }

    /// Content hash of the rule source(s) (16 hex digits); same source, same version.
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// The rules in evaluation order.
    pub fn rules(&self) -> &[RuleInfo] {
        &self.inner.rules
    }

    /// The options the rule set was compiled with.
    pub fn options(&self) -> &RuleOptions {
        &self.inner.options
    }

    /// Runs the rules for one ticket at the machine's current time; see [`RuleSet::evaluate_at`].
    pub fn evaluate(&self, ticket: &TicketView<'_>, model: &ModelView) -> Result<RulesOutcome, RuleError> {
        self.evaluate_at(ticket, model, jiff::Timestamp::now())
    }

    /// Runs the rules for one ticket; `now` is what `now()` returns and the time that
    /// `within_hours` checks for a ticket without `created_at`.
    ///
    /// A failing rule is recorded in its trace and skipped, unless `strict` is set, in which
    /// case its error is returned. Errors in top-level code outside rules are always returned.
    pub fn evaluate_at(&self, ticket: &TicketView<'_>, model: &ModelView, now: jiff::Timestamp) -> Result<RulesOutcome, RuleError> {
        // The views read `ticket` and `model` in place; they are readable only while `live` is.
        let live = view::LiveRun::start();
        let t = view::TicketObj::new(ticket, &live, now);
        let m = view::ModelObj::new(model, &live);
        let (run, outcome, pending) = sandbox::with_engine(&self.inner, |runner| {
            eval_state::begin(t.clone(), m.clone(), self.inner.regexes.clone(), runner.plan.clone());
            bounds::begin(&self.inner.options);
            let run = runner.run(|scope| {
                scope.push_constant("ticket", t);
                scope.push_constant("model", m);
            });
            bounds::finish();
            let (outcome, pending) = eval_state::finish();
            (run, outcome, pending)
        })?;
        drop(live);
        match run {
            Ok(()) => Ok(outcome),
            Err(e) => self.script_error(&e, outcome, pending),
        }
    }

    fn script_error(
        &self,
        e: &EvalAltResult,
        outcome: RulesOutcome,
        pending: Option<RuleError>,
    ) -> Result<RulesOutcome, RuleError> {
        if let Some(err) = pending {
            return Err(err);
        }
        match dsl::classify(e, TOP_LEVEL, &self.inner.options) {
            Ok(()) | Err(None) => Ok(outcome),
            Err(Some(err)) => Err(err),
        }
    }
}
