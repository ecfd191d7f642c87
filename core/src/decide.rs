//! One ticket through model, rules and assignment, on a single snapshot.

use compact_str::CompactString;
use triagekit_model::{Explanation, HeadPrediction, Prediction};
use triagekit_rules::{HeadView, ModelView, RuleError, RulesOutcome};

use crate::assign::{assign, AssignRequest, Strategy};
use crate::call::Call;
use crate::decision::{Decision, ModelTrace, Trace};
use crate::snapshot::Snapshot;
use crate::error::Result;
use crate::ticket::Ticket;

/// Head names that, when a model has them, fill the decision fields rules left empty (the
/// category comes from the model's primary head).
const PRIORITY_HEAD: &str = "priority";
const GROUP_HEAD: &str = "group";

pub(crate) fn decide(snapshot: &Snapshot, ticket: &Ticket, call: Call) -> Result<Decision> {
    let (prediction, explanation) = model_output(snapshot, ticket, call.explain);
    let model_view = model_view(snapshot, prediction.as_ref());
    // One clock reading per ticket: rules and working hours agree on what "now" is.
    let now = snapshot.options.now();
    let mut outcome = snapshot.rules.evaluate_at(&ticket.rule_view(), &model_view, now)?;
    reject_unlisted_agent(snapshot, &mut outcome)?;

    let mut decision = Decision {
        ticket_id: CompactString::new(&ticket.id),
        tags: dedup(&outcome.tags),
        needs_review: outcome.needs_review,
        review_reason: outcome.review_reason.clone(),
        trace: Trace {
            rules_version: CompactString::new(snapshot.rules.version()),
            model_version: snapshot.model.as_ref().map(|m| CompactString::new(m.version())),
            roster_version: CompactString::new(snapshot.roster.version()),
            stopped_by: outcome.stopped_by.clone(),
            ..Trace::default()
        },
        ..Decision::default()
    };
    let category_head = prediction.as_ref().and_then(Prediction::primary_head);
    decision.confidence = category_head.map(|h| f64::from(h.confidence));

    let sources = &mut decision.trace.sources;
    decision.category = pick_field("category", &outcome, outcome.category.as_ref(), category_head, sources);
    decision.priority =
        pick_field("priority", &outcome, outcome.priority.as_ref(), head(prediction.as_ref(), PRIORITY_HEAD), sources);
    decision.group = pick_field("group", &outcome, outcome.group.as_ref(), head(prediction.as_ref(), GROUP_HEAD), sources);
    if decision.group.is_none() {
        if let Some(default) = &snapshot.options.default_group {
            decision.group = Some(CompactString::new(default));
            sources.insert("group".into(), "default".into());
        }
    }

    apply_review_threshold(snapshot, &mut decision, category_head);

    if let Some(group) = decision.group.clone() {
        let request = AssignRequest {
            group: &group,
            channel: &ticket.channel,
            at: ticket.created_at.unwrap_or(now),
            required_skills: &outcome.required_skills,
            preferred_skills: &outcome.preferred_skills,
            strategy: outcome.strategy.as_deref().and_then(Strategy::parse),
            agent: outcome.agent.as_deref(),
            commit: call.commit,
        };
        decision.trace.assignment = assign(&snapshot.roster, &request);
        decision.agent = decision.trace.assignment.agent.clone();
        if decision.agent.is_some() {
            let source = if outcome.agent.is_some() { rule_source("agent", &outcome) } else { "assignment".into() };
            decision.trace.sources.insert("agent".into(), source);
        }
    } else {
        decision.trace.assignment.explanation = "no group chosen: no rule set one and no default group".into();
    }
    decision.trace.rules = outcome.trace;
    decision.trace.model = prediction.map(model_trace).unwrap_or_default();
    decision.trace.model_explanation = explanation.map(|e| e.heads).unwrap_or_default();
    Ok(decision)
}

/// The model's prediction and, when `explain > 0`, its explanation (text built once for both).
fn model_output(snapshot: &Snapshot, ticket: &Ticket, explain: usize) -> (Option<Prediction>, Option<Explanation>) {
    let Some(model) = snapshot.model.as_ref() else { return (None, None) };
    let text = ticket.text();
    let prediction = model.predict(&text, snapshot.options.top_k);
    (Some(prediction), (explain > 0).then(|| model.explain(&text, explain)))
}

/// A rule's `set_agent` naming nobody on the roster is a rule error (unless the options allow
/// unlisted agents): recorded on the rule that set it, and the ticket is assigned by its group's
/// strategy as if no rule had named an agent; with `strict_rules` the triage fails instead.
fn reject_unlisted_agent(snapshot: &Snapshot, outcome: &mut RulesOutcome) -> Result<()> {
    let Some(agent) = outcome.agent.as_deref() else { return Ok(()) };
    if snapshot.options.allow_unlisted_agents || snapshot.roster.agent(agent).is_some() {
        return Ok(());
    }
    let message = format!(
        "set_agent({agent:?}): no agent {agent:?} on the roster (set allow_unlisted_agents to allow it); \
         the ticket is assigned by its group instead"
    );
    let setter = outcome.trace.iter_mut().rev().find(|rule| rule.actions.iter().any(|a| a.field == "agent"));
    let rule = setter.as_ref().map(|r| r.rule.to_string()).unwrap_or_default();
    if snapshot.options.strict_rules || snapshot.rules.options().strict {
        return Err(RuleError::Runtime { rule, message, line: None, column: None }.into());
    }
    if let Some(setter) = setter {
        setter.error = Some(match setter.error.take() {
            Some(earlier) => format!("{earlier}; {message}"),
            None => message,
        });
    }
    outcome.agent = None;
    Ok(())
}

/// A category the model guessed below its threshold goes to the review queue instead of a team.
fn apply_review_threshold(snapshot: &Snapshot, decision: &mut Decision, category_head: Option<&HeadPrediction>) {
    let from_model = decision.trace.sources.get("category").is_some_and(|s| s == "model");
    let (Some(head), true) = (category_head, from_model) else { return };
    let threshold = snapshot.options.threshold_for(&head.label);
    if f64::from(head.confidence) >= threshold {
        return;
    }
    decision.needs_review = true;
    decision.review_reason = Some(format!(
        "model confidence {:.2} for {:?} is below the threshold {:.2}",
        head.confidence, head.label, threshold
    ));
    decision.group = Some(CompactString::new(&snapshot.options.review_queue));
    decision.trace.sources.insert("group".into(), "review".into());
}

fn pick_field(
    field: &str,
    outcome: &RulesOutcome,
    from_rules: Option<&CompactString>,
    from_model: Option<&HeadPrediction>,
    sources: &mut std::collections::BTreeMap<CompactString, CompactString>,
) -> Option<CompactString> {
    if let Some(value) = from_rules {
        sources.insert(field.into(), rule_source(field, outcome));
        return Some(value.clone());
    }
    let head = from_model?;
    sources.insert(field.into(), "model".into());
    Some(head.label.clone())
}

/// Names the last rule that set `field`, since later rules override earlier ones.
fn rule_source(field: &str, outcome: &RulesOutcome) -> CompactString {
    outcome
        .trace
        .iter()
        .rev()
        .find(|rule| rule.actions.iter().any(|a| a.field == field))
        .map(|rule| compact_str::format_compact!("rule:{}", rule.rule))
        .unwrap_or_else(|| "rule".into())
}

fn head<'p>(prediction: Option<&'p Prediction>, name: &str) -> Option<&'p HeadPrediction> {
    prediction?.heads.iter().find(|h| h.head == name)
}

fn model_view(snapshot: &Snapshot, prediction: Option<&Prediction>) -> ModelView {
    let Some(prediction) = prediction else { return ModelView::default() };
    let mut heads: Vec<HeadView> = prediction
        .heads
        .iter()
        .map(|h| HeadView {
            name: h.head.clone(),
            label: h.label.clone(),
            confidence: f64::from(h.confidence),
            top: h.top.iter().map(|(l, s)| (l.clone(), f64::from(*s))).collect(),
        })
        .collect();
    // Rules read `model.category` from heads[0]: put the primary head first.
    if let Some(pos) = prediction.primary_index() {
        heads.swap(0, pos);
    }
    ModelView {
        loaded: true,
        version: snapshot.model.as_ref().map(|m| m.version().to_string()).unwrap_or_default(),
        heads,
    }
}

/// Moves the prediction into the trace: its strings are not needed anywhere else by now.
fn model_trace(prediction: Prediction) -> Vec<ModelTrace> {
    prediction
        .heads
        .into_iter()
        .map(|h| ModelTrace {
            head: h.head,
            label: h.label,
            confidence: f64::from(h.confidence),
            top: h.top.into_iter().map(|(l, s)| (l, f64::from(s))).collect(),
        })
        .collect()
}

/// Tags in first-seen order without repeats (a handful per ticket: a linear scan beats hashing).
fn dedup(tags: &[CompactString]) -> Vec<CompactString> {
    let mut out: Vec<CompactString> = Vec::with_capacity(tags.len());
    for tag in tags {
        if !out.iter().any(|t| t == tag) {
            out.push(tag.clone());
        }
    }
    out
}
