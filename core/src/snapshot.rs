//! What one triage reads — rules, model, roster, options — swapped as a whole by the engine.

use std::sync::Arc;

use triagekit_model::Model;
use triagekit_rules::RuleSet;

use crate::assign::Roster;
use crate::options::EngineOptions;
use crate::stats::RuleCounters;

/// Everything one triage reads, swapped as a whole so a hot reload never tears a decision.
pub(crate) struct Snapshot {
    pub(crate) rules: RuleSet,
    pub(crate) rule_counters: Arc<RuleCounters>,
    pub(crate) model: Option<Arc<Model>>,
    pub(crate) roster: Arc<Roster>,
    pub(crate) options: EngineOptions,
}

impl Snapshot {
    /// A copy sharing every part, for a swap that replaces one of them.
    pub(crate) fn clone_parts(&self) -> Snapshot {
        Snapshot {
            rules: self.rules.clone(),
            rule_counters: self.rule_counters.clone(),
            model: self.model.clone(),
            roster: self.roster.clone(),
            options: self.options.clone(),
        }
    }
}
