//! Batches as hosts hold them: some inputs parsed into tickets, some already failed to parse.
//!
//! The CLI (JSON Lines), Python (dicts) and Node (objects) all parse their own inputs, so a
//! batch arrives as "ticket or parse error" per slot. Deciding it here, once, keeps the three
//! from each re-interleaving errors with decisions in their own way.

use std::sync::Arc;

use rayon::prelude::*;

use crate::call::{Call, CallOptions};
use crate::decision::Decision;
use crate::engine::Engine;
use crate::error::Result;
use crate::snapshot::Snapshot;
use crate::ticket::Ticket;

/// The rules, model, roster and options in use at one moment, held so several calls (a batch
/// sent in chunks) decide on the same versions even if a reload happens between them.
#[derive(Clone)]
pub struct PinnedSnapshot(Arc<Snapshot>);

impl PinnedSnapshot {
    /// Version of the pinned rule set.
    pub fn rules_version(&self) -> &str {
        self.0.rules.version()
    }
}

impl Engine {
    /// Holds the current rules, model, roster and options for later [`Engine::triage_inputs_pinned`].
    pub fn pin(&self) -> PinnedSnapshot {
        PinnedSnapshot(self.snapshot.load_full())
    }

    /// Decides a batch of parsed-or-failed inputs on one snapshot, in parallel, results in input
    /// order; a failed input keeps its error in its slot and counts as an error in the stats.
    /// `commit: None` uses the engine's commit option, `Some(false)` is a dry run.
    pub fn triage_inputs(&self, inputs: Vec<Result<Ticket>>, commit: Option<bool>) -> Vec<Result<Decision>> {
        self.triage_inputs_with(inputs, CallOptions::commit(commit))
    }

    /// [`Engine::triage_inputs`] with every per-call override (commit, explain).
    pub fn triage_inputs_with(&self, inputs: Vec<Result<Ticket>>, call: CallOptions) -> Vec<Result<Decision>> {
        self.triage_inputs_pinned_with(&self.pin(), inputs, call)
    }

    /// [`Engine::triage_inputs`] on a snapshot pinned earlier.
    pub fn triage_inputs_pinned(&self, pin: &PinnedSnapshot, inputs: Vec<Result<Ticket>>, commit: Option<bool>) -> Vec<Result<Decision>> {
        self.triage_inputs_pinned_with(pin, inputs, CallOptions::commit(commit))
    }

    /// [`Engine::triage_inputs_with`] on a snapshot pinned earlier.
    pub fn triage_inputs_pinned_with(&self, pin: &PinnedSnapshot, inputs: Vec<Result<Ticket>>, call: CallOptions) -> Vec<Result<Decision>> {
        let snapshot = &pin.0;
        let call = call.resolve(&snapshot.options);
        let decide = |input: Result<Ticket>| self.decide_input(snapshot, input, call);
        if inputs.len() <= 1 {
            // Not worth a hop onto the pool; also keeps single tickets strictly in order.
            return inputs.into_iter().map(decide).collect();
        }
        crate::parallel::install(|| inputs.into_par_iter().with_min_len(16).map(decide).collect())
    }

    /// Decides one parsed-or-failed input; a parse error counts in the stats like a triage error.
    pub fn triage_input(&self, input: Result<Ticket>, commit: Option<bool>) -> Result<Decision> {
        self.triage_input_with(input, CallOptions::commit(commit))
    }

    /// [`Engine::triage_input`] with every per-call override (commit, explain).
    pub fn triage_input_with(&self, input: Result<Ticket>, call: CallOptions) -> Result<Decision> {
        let snapshot = self.snapshot.load();
        self.decide_input(&snapshot, input, call.resolve(&snapshot.options))
    }

    /// One slot: triage a parsed ticket, or count and pass on its parse error.
    fn decide_input(&self, snapshot: &Snapshot, input: Result<Ticket>, call: Call) -> Result<Decision> {
        let ticket = input.inspect_err(|_| self.stats.record_error())?;
        self.triage_on(snapshot, &ticket, call)
    }

    /// Counts tickets a binding rejected before they could be parsed (a JS value JSON cannot
    /// hold), so `stats().errors` agrees with the errors the caller saw.
    pub fn count_rejected_tickets(&self, count: u64) {
        (0..count).for_each(|_| self.stats.record_error());
    }
}
