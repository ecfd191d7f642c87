//! What the engine decided about a ticket, and why.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::assign::AssignmentTrace;

/// The outcome of triaging one ticket. Serialises to the JSON the CLI and bindings return.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// The ticket's id, echoed so batch results can be matched up.
    pub ticket_id: String,
    /// Category from rules, else from the model.
    pub category: Option<String>,
    /// Priority (`P1`..`P5` by convention) from rules, else from a model `priority` head.
    pub priority: Option<String>,
    /// Assignment group: rules, else a model `group` head, else the default group.
    pub group: Option<String>,
    /// The agent picked, or none when the ticket waits in the group's queue.
    pub agent: Option<String>,
    /// Tags the rules added.
    pub tags: Vec<String>,
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
    pub head: String,
    /// Best label.
    pub label: String,
    /// Its calibrated probability.
    pub confidence: f64,
    /// The top-k labels with probabilities, best first.
    pub top: Vec<(String, f64)>,
}

/// The explanation of a decision: versions, model output, rules, assignment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Hash of the rule set that ran; one per decision, even during hot reloads.
    pub rules_version: String,
    /// Version of the model that ran, if any.
    pub model_version: Option<String>,
    /// Version of the roster assignment used.
    pub roster_version: String,
    /// Model predictions per head.
    pub model: Vec<ModelTrace>,
    /// Every rule evaluated, in order.
    pub rules: Vec<triagekit_rules::RuleTrace>,
    /// The rule that stopped processing, if any.
    pub stopped_by: Option<String>,
    /// Where each decided field came from: `rule:<name>`, `model`, `default` or `review`.
    pub sources: BTreeMap<String, String>,
    /// Candidates considered and the pick.
    pub assignment: AssignmentTrace,
    /// Wall time of the triage in microseconds.
    pub elapsed_us: f64,
}
