//! Engine settings a helpdesk tunes: review thresholds, default group, commit mode.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{Result, TriageError};

/// How the engine combines model, rules and assignment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineOptions {
    /// Below this confidence the model's category is not trusted and the ticket goes to review.
    pub review_threshold: f64,
    /// Per-category thresholds overriding `review_threshold` (e.g. written by `triagekit eval`).
    pub class_thresholds: HashMap<String, f64>,
    /// The group that receives tickets needing review.
    pub review_queue: String,
    /// The group used when neither rules nor model choose one.
    pub default_group: Option<String>,
    /// Count assigned tickets against agents' loads; `false` is a dry run.
    pub commit: bool,
    /// How many labels per head the model reports to rules and trace.
    pub top_k: usize,
    /// Fail the triage when a rule raises instead of recording the error and going on.
    pub strict_rules: bool,
    /// A fixed "now" (RFC 3339) for tickets without `created_at`, for `now()` in rules and for
    /// working hours; `None` reads the machine's clock once per ticket. Tests and replays set it.
    pub now: Option<jiff::Timestamp>,
    /// Let `set_agent` name agents who are not on the roster (their load is not tracked); by
    /// default such a rule action is a rule error and the ticket is assigned as if no rule named
    /// an agent.
    pub allow_unlisted_agents: bool,
    /// N-grams per model head to explain in each decision's trace (`model_explanation`);
    /// 0 (the default) explains nothing and costs nothing.
    pub explain: usize,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            review_threshold: 0.0,
            class_thresholds: HashMap::new(),
            review_queue: "triage-review".into(),
            default_group: None,
            commit: true,
            top_k: 3,
            strict_rules: false,
            now: None,
            allow_unlisted_agents: false,
            explain: 0,
        }
    }
}

impl EngineOptions {
    /// Rejects thresholds outside 0..=1 and an empty review queue before they misroute tickets.
    pub fn validate(&self) -> Result<()> {
        let in_range = |t: f64| (0.0..=1.0).contains(&t);
        if !in_range(self.review_threshold) {
            return Err(TriageError::InvalidConfig(format!(
                "review_threshold must be within 0..=1, got {}",
                self.review_threshold
            )));
        }
        if let Some((class, t)) = self.class_thresholds.iter().find(|(_, t)| !in_range(**t)) {
            return Err(TriageError::InvalidConfig(format!("threshold for {class:?} must be within 0..=1, got {t}")));
        }
        if self.review_queue.trim().is_empty() {
            return Err(TriageError::InvalidConfig("review_queue must not be empty".into()));
        }
        if self.top_k == 0 {
            return Err(TriageError::InvalidConfig("top_k must be at least 1".into()));
        }
        Ok(())
    }

    /// The moment a ticket is triaged at: the fixed clock if one is set, else the machine's.
    pub fn now(&self) -> jiff::Timestamp {
        self.now.unwrap_or_else(jiff::Timestamp::now)
    }

    /// The threshold for a predicted category: its own if configured, else the global one.
    pub fn threshold_for(&self, category: &str) -> f64 {
        self.class_thresholds.get(category).copied().unwrap_or(self.review_threshold)
    }
}
