//! Per-ticket time and memory budgets, checked from Rhai's callbacks.
//!
//! The operation budget bounds work per rule but not time (one `pad` of a megabyte costs as
//! much as thousands of cheap operations) nor memory (Rhai does not size-check `m[k] = v`,
//! and its size limits are per value, not per evaluation). So the clock is read every
//! [`TIME_CHECK_EVERY`] operations and what the running scopes hold is measured every
//! [`MEMORY_CHECK_EVERY`] statements, before the statement runs (vendor/rhai/PATCHED.md).

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use rhai::{Dynamic, Engine, EvalAltResult, ImmutableString, Position, Scope};

use crate::RuleOptions;

/// Token of the uncatchable error that ends a rule once the ticket's time budget is spent.
#[derive(Clone)]
pub(crate) struct TimeUp;

/// Token of the uncatchable error that ends a rule once what it holds passes the memory budget.
#[derive(Clone)]
pub(crate) struct MemoryFull;

/// Operations between two clock reads: reading the clock on every operation would double the
/// cost of a cheap rule set, and 32 operations of even a megabyte each take a few milliseconds.
const TIME_CHECK_EVERY: u64 = 32;
/// Statements between two measurements of the scopes (Rhai counts no operations when neither
/// an operation budget nor a time budget is set, so statements are counted here).
const MEMORY_CHECK_EVERY: u64 = 16;
/// What a value costs besides its payload (a `Dynamic` slot, a map entry's node share).
const SLOT_BYTES: usize = 16;
const ENTRY_BYTES: usize = 32;
/// Strings from this size on are counted once however many variables share their buffer.
const SHARED_STRING_MIN: usize = 1024;

struct Run {
    deadline: Cell<Option<Instant>>,
    expired: Cell<bool>,
    statements: Cell<u64>,
    /// Number of call levels measured so far (the length of `frames`).
    levels: Cell<usize>,
    /// Bytes held by the scope of each function call level, as last measured.
    frames: RefCell<Vec<usize>>,
}

thread_local! {
    static RUN: Run = const {
        Run {
            deadline: Cell::new(None),
            expired: Cell::new(false),
            statements: Cell::new(0),
            levels: Cell::new(0),
            frames: RefCell::new(Vec::new()),
        }
    };
}

/// Starts the budgets of one ticket's evaluation on this thread.
pub(crate) fn begin(opts: &RuleOptions) {
    let deadline = (opts.time_budget_ms > 0).then(|| Instant::now() + Duration::from_millis(opts.time_budget_ms));
    let _ = RUN.try_with(|r| {
        r.deadline.set(deadline);
        r.expired.set(false);
        r.statements.set(0);
        r.levels.set(0);
        if let Ok(mut f) = r.frames.try_borrow_mut() {
            f.clear();
        }
    });
}

/// Ends the evaluation's budgets, so nothing else on this thread is timed against them.
pub(crate) fn finish() {
    let _ = RUN.try_with(|r| r.deadline.set(None));
}

/// Whether the time budget of the running evaluation has been found spent.
pub(crate) fn expired() -> bool {
    RUN.try_with(|r| r.expired.get()).unwrap_or(false)
}

fn time_is_up() -> bool {
    RUN.try_with(|r| match r.deadline.get() {
        Some(d) if r.expired.get() || Instant::now() >= d => {
            r.expired.set(true);
            true
        }
        _ => false,
    })
    .unwrap_or(false)
}

/// The error that ends a rule past the time budget.
pub(crate) fn time_up() -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorTerminated(Dynamic::from(TimeUp), Position::NONE))
}

/// Fails once the time budget is spent; for builtins whose single call can take milliseconds.
pub(crate) fn check_time() -> Result<(), Box<EvalAltResult>> {
    if time_is_up() {
        Err(time_up())
    } else {
        Ok(())
    }
}

/// Installs the budget checks on `engine`.
pub(crate) fn register(engine: &mut Engine, opts: &RuleOptions) {
    if opts.time_budget_ms > 0 {
        engine.on_progress(|ops| (ops % TIME_CHECK_EVERY == 0 && time_is_up()).then(|| Dynamic::from(TimeUp)));
    }
    let limit = opts.memory_budget_bytes;
    if limit > 0 {
        engine.on_scope_check(move |scope, _, level| check_memory(scope, level, limit));
    }
}

fn check_memory(scope: &Scope, level: usize, limit: usize) -> Option<Dynamic> {
    RUN.try_with(|r| {
        let n = r.statements.get().wrapping_add(1);
        r.statements.set(n);
        // A function call level is also measured at its first statement, as its caller
        // cannot be measured while it runs.
        if level < r.levels.get() && n % MEMORY_CHECK_EVERY != 0 {
            return None;
        }
        let mut frames = r.frames.try_borrow_mut().ok()?;
        frames.resize(level + 1, 0);
        r.levels.set(level + 1);
        let below: usize = frames[..level].iter().sum();
        let here = scope_bytes(scope, limit.saturating_sub(below).saturating_add(1));
        frames[level] = here;
        (below.saturating_add(here) > limit).then(|| Dynamic::from(MemoryFull))
    })
    .ok()
    .flatten()
}

/// Values nested deeper than this count as over the budget: no triage rule needs them, and
/// walking them would recurse as deep as the rule nested them.
const MAX_DEPTH: u32 = 64;

/// Counts bytes until `cap` is passed; strings shared between variables count once.
struct Tally {
    total: usize,
    cap: usize,
    seen: Vec<usize>,
}

impl Tally {
    fn add(&mut self, n: usize) -> bool {
        self.total = self.total.saturating_add(n);
        self.total <= self.cap
    }

    /// Adds what `v` holds; false once past the cap (the walk then stops).
    fn value(&mut self, v: &Dynamic, depth: u32) -> bool {
        if v.is_int() || v.is_float() || v.is_bool() || v.is_unit() || v.is_char() {
            // Most array elements: their slot is already counted.
            return true;
        }
        if depth > MAX_DEPTH {
            return self.add(usize::MAX);
        }
        if v.is_shared() {
            // A closure's captured variable, read through its lock.
            return match v.read_lock::<Dynamic>() {
                Some(inner) => self.add(SLOT_BYTES) && self.value(&inner, depth + 1),
                None => self.add(SLOT_BYTES),
            };
        }
        if let Some(s) = v.read_lock::<ImmutableString>() {
            return self.string(&s);
        }
        if let Ok(a) = v.as_array_ref() {
            return self.add(a.capacity().saturating_mul(SLOT_BYTES)) && a.iter().all(|x| self.value(x, depth + 1));
        }
        if let Ok(m) = v.as_map_ref() {
            return m.iter().all(|(k, x)| self.add(k.len() + ENTRY_BYTES) && self.value(x, depth + 1));
        }
        if let Ok(b) = v.as_blob_ref() {
            return self.add(b.capacity());
        }
        if let Some(f) = v.read_lock::<rhai::FnPtr>() {
            return self.add(f.fn_name().len()) && f.iter_curry().all(|x| self.add(SLOT_BYTES) && self.value(x, depth + 1));
        }
        true
    }

    fn string(&mut self, s: &ImmutableString) -> bool {
        if s.len() >= SHARED_STRING_MIN {
            let at = s.as_ptr() as usize;
            if self.seen.contains(&at) {
                return true;
            }
            self.seen.push(at);
        }
        self.add(s.len())
    }
}

/// Bytes the values of `scope` hold, counted up to a little past `cap` (then the walk stops).
fn scope_bytes(scope: &Scope, cap: usize) -> usize {
    let mut t = Tally { total: 0, cap, seen: Vec::new() };
    for (name, _, value) in scope.iter_raw() {
        if !(t.add(name.len() + SLOT_BYTES) && t.value(value, 0)) {
            break;
        }
    }
    t.total
}
