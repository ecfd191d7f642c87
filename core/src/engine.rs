//! The `Engine`: model, then rules, then assignment, on one consistent snapshot per ticket.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use arc_swap::ArcSwap;
use rayon::prelude::*;
use triagekit_model::Model;
use triagekit_rules::{RuleOptions, RuleSet};

use crate::assign::{Presence, Roster};
use crate::call::{Call, CallOptions};
use crate::decide::decide;
use crate::snapshot::Snapshot;
use crate::decision::Decision;
use crate::error::Result;
use crate::options::EngineOptions;
use crate::stats::{RuleCounters, Stats, StatsSnapshot};
use crate::ticket::Ticket;

/// The triage engine. `Send + Sync`: share one behind an `Arc` across threads and requests.
pub struct Engine {
    pub(crate) snapshot: ArcSwap<Snapshot>,
    pub(crate) stats: Stats,
}

impl Engine {
    /// Builds an engine from already loaded parts; without a roster nobody is assigned.
    pub fn new(rules: RuleSet, model: Option<Arc<Model>>, roster: Option<Roster>, options: EngineOptions) -> Result<Engine> {
        options.validate()?;
        let rule_counters = Arc::new(RuleCounters::new(&rules));
        let snapshot = Snapshot { rules, rule_counters, model, roster: Arc::new(roster.unwrap_or_default()), options };
        Ok(Engine { snapshot: ArcSwap::from_pointee(snapshot), stats: Stats::new() })
    }

    /// Loads rules, and optionally a model file and a roster file, from disk.
    pub fn from_paths(rules: &Path, model: Option<&Path>, agents: Option<&Path>, options: EngineOptions) -> Result<Engine> {
        let rule_options = RuleOptions { strict: options.strict_rules, ..RuleOptions::default() };
        let rules = RuleSet::load(rules, rule_options)?;
        let model = model.map(Model::load).transpose()?.map(Arc::new);
        let roster = agents.map(Roster::load).transpose()?;
        Engine::new(rules, model, roster, options)
    }

    /// Triages one ticket with the engine's commit setting.
    pub fn triage(&self, ticket: &Ticket) -> Result<Decision> {
        let snapshot = self.snapshot.load();
        self.triage_on(&snapshot, ticket, CallOptions::default().resolve(&snapshot.options))
    }

    /// Triages one ticket; `commit = false` decides without counting the ticket against loads.
    pub fn triage_with_commit(&self, ticket: &Ticket, commit: bool) -> Result<Decision> {
        let snapshot = self.snapshot.load();
        self.triage_on(&snapshot, ticket, CallOptions::commit(Some(commit)).resolve(&snapshot.options))
    }

    /// Triages many tickets in parallel; results come back in input order, one per ticket, so
    /// one bad ticket loses nothing else.
    pub fn triage_batch(&self, tickets: &[Ticket]) -> Vec<Result<Decision>> {
        let snapshot = self.snapshot.load_full();
        self.batch_on(&snapshot, tickets, CallOptions::default().resolve(&snapshot.options))
    }

    /// [`Engine::triage_batch`] with an explicit commit setting (`false` = dry run).
    pub fn triage_batch_with_commit(&self, tickets: &[Ticket], commit: bool) -> Vec<Result<Decision>> {
        let snapshot = self.snapshot.load_full();
        self.batch_on(&snapshot, tickets, CallOptions::commit(Some(commit)).resolve(&snapshot.options))
    }

    pub(crate) fn batch_on(&self, snapshot: &Snapshot, tickets: &[Ticket], call: Call) -> Vec<Result<Decision>> {
        // Never rayon's global pool: its threads are missing in a forked child (see `parallel`).
        crate::parallel::install(|| {
            tickets.par_iter().with_min_len(16).map(|ticket| self.triage_on(snapshot, ticket, call)).collect()
        })
    }

    pub(crate) fn triage_on(&self, snapshot: &Snapshot, ticket: &Ticket, call: Call) -> Result<Decision> {
        let started = Instant::now();
        match decide(snapshot, ticket, call) {
            Ok(mut decision) => {
                snapshot.rule_counters.record(&decision.trace.rules);
                let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
                decision.trace.elapsed_us = nanos as f64 / 1000.0;
                self.stats.record_decision(nanos, decision.needs_review, decision.agent.is_some());
                Ok(decision)
            }
            Err(error) => {
                self.stats.record_error();
                Err(error)
            }
        }
    }

    /// Swaps in a new rule set atomically; tickets in flight finish on the old one.
    pub fn reload_rules(&self, rules: RuleSet) {
        let counters = Arc::new(RuleCounters::new(&rules));
        let old = self.swap(|s| Snapshot { rules: rules.clone(), rule_counters: counters.clone(), ..s.clone_parts() });
        self.stats.retire_rules(&old.rule_counters);
    }

    /// Swaps in a new model (or none) atomically.
    pub fn set_model(&self, model: Option<Arc<Model>>) {
        self.swap(|s| Snapshot { model: model.clone(), ..s.clone_parts() });
    }

    /// Replaces the whole roster atomically; loads and presence come from the new roster.
    pub fn replace_roster(&self, roster: Roster) {
        let roster = Arc::new(roster);
        let old = self.swap(|s| Snapshot { roster: roster.clone(), ..s.clone_parts() });
        self.stats.retire_roster(&old.roster);
    }

    /// Replaces the engine options (thresholds, default group, commit mode) atomically; a
    /// changed `strict_rules` recompiles the rules in use with it, so it applies at once.
    pub fn set_options(&self, options: EngineOptions) -> Result<()> {
        options.validate()?;
        let current = self.rules();
        // Strictness is compiled into the rule plan, so flipping it needs a rebuilt rule set.
        let restricted = (current.options().strict != options.strict_rules)
            .then(|| {
                let rule_options = RuleOptions { strict: options.strict_rules, ..current.options().clone() };
                RuleSet::compile_sources(current.sources(), rule_options)
            })
            .transpose()?;
        self.swap(|s| {
            // A reload that raced this call wins; its rules were compiled with the old options.
            let rules = match &restricted {
                Some(rules) if s.rules.version() == current.version() => rules.clone(),
                _ => s.rules.clone(),
            };
            Snapshot { rules, options: options.clone(), ..s.clone_parts() }
        });
        Ok(())
    }

    fn swap(&self, change: impl Fn(&Snapshot) -> Snapshot) -> Arc<Snapshot> {
        let mut previous = None;
        self.snapshot.rcu(|current| {
            previous = Some(current.clone());
            change(current)
        });
        previous.unwrap_or_else(|| self.snapshot.load_full())
    }

    /// The rule set in use.
    pub fn rules(&self) -> RuleSet {
        self.snapshot.load().rules.clone()
    }

    /// The model in use, if any.
    pub fn model(&self) -> Option<Arc<Model>> {
        self.snapshot.load().model.clone()
    }

    /// The roster in use.
    pub fn roster(&self) -> Arc<Roster> {
        self.snapshot.load().roster.clone()
    }

    /// The options in use.
    pub fn options(&self) -> EngineOptions {
        self.snapshot.load().options.clone()
    }

    /// Sets an agent's open-ticket count.
    pub fn set_load(&self, agent: &str, load: u32) -> Result<()> {
        self.snapshot.load().roster.set_load(agent, load)
    }

    /// Sets an agent's presence.
    pub fn set_presence(&self, agent: &str, presence: Presence) -> Result<()> {
        self.snapshot.load().roster.set_presence(agent, presence)
    }

    /// Counts an already open ticket against an agent's capacity (a host restoring its state).
    pub fn ticket_opened(&self, agent: &str, channel: Option<&str>) -> Result<()> {
        self.snapshot.load().roster.ticket_opened(agent, channel)
    }

    /// Frees one unit of an agent's capacity when one of their tickets is closed.
    pub fn ticket_closed(&self, agent: &str, channel: Option<&str>) -> Result<()> {
        self.snapshot.load().roster.ticket_closed(agent, channel)
    }

    /// Counters for dashboards: tickets, rule hits and errors, assignments, review queue, latency.
    pub fn stats(&self) -> StatsSnapshot {
        let snapshot = self.snapshot.load();
        self.stats.snapshot(&snapshot.rule_counters, &snapshot.roster)
    }
}
