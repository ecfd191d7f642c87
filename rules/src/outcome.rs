//! What rules decide about a ticket, plus the per-rule trace.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// The combined decision of all rules that ran for one ticket.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RulesOutcome {
    /// Category set by `set_category`; the last rule to set it wins.
    pub category: Option<CompactString>,
    /// Priority `P1`..`P5` set by `set_priority`.
    pub priority: Option<CompactString>,
    /// Group set by `set_group`.
    pub group: Option<CompactString>,
    /// Agent set by `set_agent`.
    pub agent: Option<CompactString>,
    /// Assignment strategy set by `set_strategy`.
    pub strategy: Option<CompactString>,
    /// Tags added by `add_tag`/`add_tags`, in first-added order, without duplicates.
    pub tags: Vec<CompactString>,
    /// Skills an agent must have (`require_skill`).
    pub required_skills: Vec<CompactString>,
    /// Skills that rank agents higher (`prefer_skill`).
    pub preferred_skills: Vec<CompactString>,
    /// Set by `needs_review`.
    pub needs_review: bool,
    /// Reasons given to `needs_review`, joined with "; ".
    pub review_reason: Option<String>,
    /// Name of the rule that stopped processing, if any.
    pub stopped_by: Option<CompactString>,
    /// One entry per rule that ran, in order.
    pub trace: Vec<RuleTrace>,
}

/// What one rule did for one ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleTrace {
    /// Rule name (inline up to 24 bytes: a decision's trace names every rule).
    pub rule: CompactString,
    /// Whether the `when` condition was true (rules without `when` always match).
    pub matched: bool,
    /// Actions the rule took, in order.
    pub actions: Vec<ActionRecord>,
    /// The error that ended the rule early, if any.
    pub error: Option<String>,
    /// Lines written by `print`/`debug` while the rule ran.
    pub output: Vec<String>,
}

/// One action taken by a rule: which outcome field it touched and the value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRecord {
    /// Outcome field: `category`, `priority`, `group`, `agent`, `strategy`, `tag`,
    /// `required_skill`, `preferred_skill`, `needs_review` or `stop`.
    pub field: CompactString,
    /// The value set (the review reason for `needs_review`, empty for `stop`).
    pub value: CompactString,
}

impl RuleTrace {
    pub(crate) fn new(rule: &str) -> Self {
        RuleTrace { rule: CompactString::new(rule), matched: false, actions: Vec::new(), error: None, output: Vec::new() }
    }
}
