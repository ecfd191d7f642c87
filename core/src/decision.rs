//! What the engine decided about a ticket, and why.

use std::collections::BTreeMap;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::assign::AssignmentTrace;

/// The outcome of triaging one ticket. Serialises to the JSON the CLI and bindings return.
///
/// Ids, labels and names are [`CompactString`]s: inline up to 24 bytes, so a decision with
/// its full trace costs a few dozen allocations rather than a few hundred.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// The ticket's id, echoed so batch results can be matched up.
    pub ticket_id: CompactString,
    /// Category from rules, else from the model.
    pub category: Option<CompactString>,
    /// Priority (`P1`..`P5` by convention) from rules, else from a model `priority` head.
    pub priority: Option<CompactString>,
    /// Assignment group: rules, else a model `group` head, else the default group.
    pub group: Option<CompactString>,
    /// The agent picked, or none when the ticket waits in the group's queue.
    pub agent: Option<CompactString>,
    /// Tags the rules added.
    pub tags: Vec<CompactString>,
    /// Whether a person should check the decision (low model confidence or a rule said so).
    pub needs_review: bool,
    /// Why review is needed.
    pub review_reason: Option<String>,
    /// The model's calibrated confidence in its category (absent without a model).
    pub confidence: Option<f64>,
    /// Every step that led here.
    pub trace: Trace,
}

/// One label head's prediction as recorded in the trace.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelTrace {
    /// Head name (`category`, `priority`, ...).
    pub head: CompactString,
    /// Best label.
    pub label: CompactString,
    /// Its calibrated probability.
    pub confidence: f64,
    /// The top-k labels with probabilities, best first.
    pub top: Vec<(CompactString, f64)>,
}

/// The explanation of a decision: versions, model output, rules, assignment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Hash of the rule set that ran; one per decision, even during hot reloads.
    pub rules_version: CompactString,
    /// Version of the model that ran, if any.
    pub model_version: Option<CompactString>,
    /// Version of the roster assignment used.
    pub roster_version: CompactString,
    /// Model predictions per head.
    pub model: Vec<ModelTrace>,
    /// Every rule evaluated, in order.
    pub rules: Vec<triagekit_rules::RuleTrace>,
    /// The rule that stopped processing, if any.
    pub stopped_by: Option<CompactString>,
    /// Where each decided field came from: `rule:<name>`, `model`, `default` or `review`.
    pub sources: BTreeMap<CompactString, CompactString>,
    /// Candidates considered and the pick.
    pub assignment: AssignmentTrace,
    /// Wall time of the triage in microseconds.
    pub elapsed_us: f64,
}
