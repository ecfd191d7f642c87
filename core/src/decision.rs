//! What the engine decided about a ticket, and why.

use std::collections::BTreeMap;

use compact_str::CompactString;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::assign::AssignmentTrace;

/// The outcome of triaging one ticket. Serialises to the JSON the CLI and bindings return.
///
/// Ids, labels and names are [`CompactString`]s: inline up to 24 bytes, so a decision with
/// its full trace costs a few dozen allocations rather than a few hundred.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
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
    #[serde(default)]
    pub trace: Trace,
}

/// A decision as it serialises with or without its trace (`--no-trace`, `trace=False`).
pub struct DecisionJson<'a> {
    decision: &'a Decision,
    with_trace: bool,
}

impl Decision {
    /// This decision for serialising; without the trace the `trace` key is left out.
    pub fn json(&self, with_trace: bool) -> DecisionJson<'_> {
        DecisionJson { decision: self, with_trace }
    }

    /// This decision as a JSON string, with or without its trace.
    pub fn to_json(&self, with_trace: bool) -> String {
        // Every field is a string, number, bool, list or string-keyed map: this cannot fail.
        serde_json::to_string(&self.json(with_trace)).unwrap_or_default()
    }
}

impl Serialize for Decision {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json(true).serialize(serializer)
    }
}

impl Serialize for DecisionJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.decision;
        let mut s = serializer.serialize_struct("Decision", if self.with_trace { 10 } else { 9 })?;
        s.serialize_field("ticket_id", &d.ticket_id)?;
        s.serialize_field("category", &d.category)?;
        s.serialize_field("priority", &d.priority)?;
        s.serialize_field("group", &d.group)?;
        s.serialize_field("agent", &d.agent)?;
        s.serialize_field("tags", &d.tags)?;
        s.serialize_field("needs_review", &d.needs_review)?;
        s.serialize_field("review_reason", &d.review_reason)?;
        s.serialize_field("confidence", &d.confidence)?;
        if self.with_trace {
            s.serialize_field("trace", &d.trace)?;
        }
        s.end()
    }
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
    /// Per head, the n-grams that raised and lowered the predicted label's score, when the
    /// `explain` option asks for them (left out of the JSON otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_explanation: Vec<triagekit_model::HeadExplanation>,
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
