//! Per-thread scratch state of the evaluation in progress.
//!
//! Rhai native functions cannot borrow Rust locals, and with the `sync` feature they cannot
//! capture `Rc` either; evaluation is synchronous on one thread, so a thread-local is the
//! cheapest way for actions to reach the outcome being built.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use regex::Regex;
use rhai::{EvalAltResult, Position};

use crate::outcome::{ActionRecord, RuleTrace, RulesOutcome};
use crate::native::ir::NativePlan;
use crate::view::{ModelObj, TicketObj};

/// Compiled regex or the compile error message, keyed by pattern.
pub(crate) type RegexMap = HashMap<String, Result<Regex, String>>;

/// Dynamic patterns per thread are bounded so a rule building patterns from ticket text
/// cannot grow memory without limit.
const MAX_THREAD_REGEXES: usize = 512;

/// What one ticket's rules may print in total, and per line: a rule printing in a loop must not
/// turn one decision into gigabytes (the operation budget alone would allow that).
const MAX_OUTPUT_BYTES: usize = 64 * 1024;
const MAX_OUTPUT_LINE: usize = 4 * 1024;

/// Longest value an action may set (a tag, a group, a skill...): decisions stay small.
pub(crate) const MAX_ACTION_VALUE: usize = 256;
/// Most actions one rule may take on one ticket.
pub(crate) const MAX_ACTIONS_PER_RULE: usize = 64;

/// Upper bound on a compiled rule regex, so one pattern cannot take unbounded memory.
pub(crate) const REGEX_SIZE_LIMIT: usize = 1 << 20;

#[derive(Default)]
pub(crate) struct EvalState {
    pub outcome: RulesOutcome,
    /// True while a rule body or condition runs; its trace is `outcome.trace.last()`.
    pub in_rule: bool,
    pub ticket: Option<TicketObj>,
    pub model: Option<ModelObj>,
    /// Native fast paths of the running rule set on this thread.
    pub plan: Option<Arc<NativePlan>>,
    /// This ticket's word scans for the plan's `contains_*` tests.
    pub scans: crate::native::needles::ScanCache,
    /// Patterns compiled at load by the current rule set (cloned per thread on first use).
    pub precompiled: Option<Arc<RegexMap>>,
    /// Per-thread regex clones; a `Regex` clone gets its own match cache, so threads never share one.
    pub regexes: RegexMap,
    /// In strict mode, the error of the failing rule, taken by `evaluate`.
    pub pending: Option<crate::RuleError>,
    /// Bytes of `print`/`debug` output kept for this ticket so far.
    pub output_bytes: usize,
}

thread_local! {
    static STATE: RefCell<EvalState> = RefCell::new(EvalState::default());
}

/// Runs `f` with the thread's evaluation state; callers never nest this.
pub(crate) fn with<R>(f: impl FnOnce(&mut EvalState) -> R) -> R {
    STATE.with(|s| f(&mut s.borrow_mut()))
}

/// Resets the state for a new ticket.
pub(crate) fn begin(ticket: TicketObj, model: ModelObj, precompiled: Arc<RegexMap>, plan: Arc<NativePlan>) {
    with(|s| {
        // One trace entry per rule: sized once instead of regrown (and copied) four times.
        s.outcome = RulesOutcome { trace: Vec::with_capacity(plan.rules.len()), ..RulesOutcome::default() };
        s.in_rule = false;
        s.ticket = Some(ticket);
        s.model = Some(model);
        s.plan = Some(plan);
        s.scans.reset();
        s.pending = None;
        s.output_bytes = 0;
        s.precompiled = Some(precompiled);
    });
}

/// Takes the finished outcome and drops per-ticket references.
pub(crate) fn finish() -> (RulesOutcome, Option<crate::RuleError>) {
    with(|s| {
        s.in_rule = false;
        s.ticket = None;
        s.model = None;
        s.plan = None;
        s.precompiled = None;
        (std::mem::take(&mut s.outcome), s.pending.take())
    })
}

impl EvalState {
    /// The trace of the running rule, or an error when an action is used outside a rule.
    pub(crate) fn current(&mut self) -> Result<&mut RuleTrace, Box<EvalAltResult>> {
        match self.outcome.trace.last_mut() {
            Some(t) if self.in_rule => Ok(t),
            _ => Err(runtime("actions can only be used inside a rule")),
        }
    }

    /// Records an action on the running rule and applies it to the outcome.
    pub(crate) fn act(
        &mut self,
        field: &str,
        value: &str,
        apply: impl FnOnce(&mut RulesOutcome),
    ) -> Result<(), Box<EvalAltResult>> {
        if value.len() > MAX_ACTION_VALUE {
            return Err(runtime(format!(
                "{field} value is {} bytes long; the limit is {MAX_ACTION_VALUE}",
                value.len()
            )));
        }
        let trace = self.current()?;
        if trace.actions.len() >= MAX_ACTIONS_PER_RULE {
            return Err(runtime(format!("a rule may take at most {MAX_ACTIONS_PER_RULE} actions per ticket")));
        }
        trace.actions.push(ActionRecord { field: field.into(), value: value.into() });
        apply(&mut self.outcome);
        Ok(())
    }

    /// Keeps `print`/`debug` output in the running rule's trace, within the per-ticket budget;
    /// once it is spent one marker line says so and the rest is dropped.
    pub(crate) fn capture_output(&mut self, line: &str) {
        if self.output_bytes > MAX_OUTPUT_BYTES {
            return;
        }
        let mut end = line.len().min(MAX_OUTPUT_LINE).min(MAX_OUTPUT_BYTES - self.output_bytes);
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        let kept = if end < line.len() { format!("{}… [output truncated]", &line[..end]) } else { line.to_owned() };
        self.output_bytes += end;
        if end < line.len() && self.output_bytes >= MAX_OUTPUT_BYTES {
            self.output_bytes = MAX_OUTPUT_BYTES + 1;
        }
        if let Ok(t) = self.current() {
            t.output.push(kept);
        }
    }

    /// The regex for `pattern`, compiled at most once per thread.
    pub(crate) fn regex(&mut self, pattern: &str) -> Result<&Regex, String> {
        if !self.regexes.contains_key(pattern) {
            if self.regexes.len() >= MAX_THREAD_REGEXES {
                self.regexes.clear();
            }
            let compiled = match self.precompiled.as_ref().and_then(|m| m.get(pattern)) {
                Some(r) => r.clone(),
                None => compile_regex(pattern),
            };
            self.regexes.insert(pattern.to_owned(), compiled);
        }
        match self.regexes.get(pattern) {
            Some(Ok(r)) => Ok(r),
            Some(Err(e)) => Err(e.clone()),
            None => Err("regex cache miss".to_owned()),
        }
    }
}

/// Compiles a rule regex with a size cap, so a hostile pattern cannot eat memory.
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| format!("invalid regex {pattern:?}: {e}"))
}

/// A catchable run-time error with the given message.
pub(crate) fn runtime(msg: impl Into<String>) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(msg.into().into(), Position::NONE))
}
