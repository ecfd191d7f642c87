//! What the rules did on the evaluated data: coverage, rules that never fired, conflicts, and
//! how the combined rule+model decision compares with the labels.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use std::sync::Arc;

use triagekit_model::Model;
use triagekit_rules::RuleSet;

use crate::decision::Decision;
use crate::engine::Engine;
use crate::error::Result;
use crate::options::EngineOptions;
use crate::ticket::Ticket;

/// Fields a rule sets to one value; two matched rules setting different values conflict.
/// (Tags and skills accumulate, so they never conflict.)
const SINGLE_VALUED: [&str; 5] = ["category", "priority", "group", "agent", "strategy"];
/// Decision fields that can be compared with a label column of the same name.
const COMPARABLE: [&str; 3] = ["category", "priority", "group"];

/// Decisions the engine made for the evaluated rows, with what is needed to judge them.
pub struct RulesInput<'a> {
    /// Every rule in the set, in evaluation order (so rules that never ran are listed too).
    pub rule_names: Vec<String>,
    /// One result per evaluated row, in row order.
    pub decisions: &'a [Result<Decision>],
    /// Label columns as loaded for evaluation: `(head, label per row)`.
    pub labels: &'a [(String, Vec<Option<String>>)],
}

/// How often one rule matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleCoverage {
    /// Rule name.
    pub name: String,
    /// Tickets on which the rule's condition held.
    pub fired: u64,
    /// `fired` / triaged tickets.
    pub fraction: f64,
    /// Tickets on which the rule raised an error.
    pub errors: u64,
    /// Field -> tickets on which this rule set it.
    pub sets: BTreeMap<String, u64>,
}

/// Two matched rules that set the same field to different values on the same tickets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleConflict {
    /// The contested field (`category`, `priority`, `group`, `agent`, `strategy`).
    pub field: String,
    /// The rule that ran first (and was overridden).
    pub first: String,
    /// The rule that ran later (and won).
    pub second: String,
    /// Tickets on which this happened.
    pub tickets: u64,
    /// The first such ticket's row and the two values.
    pub example_row: usize,
    /// Value the first rule set on the example ticket.
    pub first_value: String,
    /// Value the second rule set on the example ticket.
    pub second_value: String,
}

/// Tickets and correct ones for one decision source.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SourceCount {
    /// Tickets whose field came from this source.
    pub tickets: u64,
    /// Of those, how many equal the label.
    pub correct: u64,
}

/// The engine's decision for one field against the label column of the same name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldComparison {
    /// Decision field and label column name.
    pub field: String,
    /// Rows with a label and a decision.
    pub compared: u64,
    /// Rows where the decision equals the label.
    pub correct: u64,
    /// `correct` / `compared`.
    pub accuracy: f64,
    /// Where the field came from (`rule:<name>`, `model`, `review`, `default`, `none`) -> counts.
    pub by_source: BTreeMap<String, SourceCount>,
}

/// Rule coverage, conflicts and decision quality on the evaluated data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleReport {
    /// Tickets triaged successfully.
    pub tickets: u64,
    /// Tickets the engine rejected (strict rules or invalid input).
    pub failed: u64,
    /// One entry per rule, in rule order.
    pub rules: Vec<RuleCoverage>,
    /// Rules that matched no ticket.
    pub never_fired: Vec<String>,
    /// Conflicting rule pairs, most frequent first.
    pub conflicts: Vec<RuleConflict>,
    /// Decision vs label per comparable field that has a label column.
    pub comparison: Vec<FieldComparison>,
}

/// The engine's decisions on a data set, with the rule set's rule names.
pub struct RuleRun {
    /// Every rule in the set, in evaluation order.
    pub rule_names: Vec<String>,
    /// One result per ticket, in ticket order.
    pub decisions: Vec<Result<Decision>>,
}

impl RuleRun {
    /// Pairs the decisions with label columns for [`analyse_rules`].
    pub fn input<'a>(&'a self, labels: &'a [(String, Vec<Option<String>>)]) -> RulesInput<'a> {
        RulesInput {
            rule_names: self.rule_names.clone(),
            decisions: &self.decisions,
            labels,
        }
    }
}

/// Triages `tickets` with `rules` and `model` as a dry run (no roster, nothing committed,
/// default options so every model category counts) and keeps the traces.
/// `now` is the time for tickets without `created_at` (labelled data rarely has one); `None`
/// reads the machine's clock, so time-of-day rules then depend on when the report is made.
pub fn run_rules(rules: RuleSet, model: Option<Arc<Model>>, tickets: &[Ticket], now: Option<jiff::Timestamp>) -> Result<RuleRun> {
    let rule_names = rules.rules().iter().map(|r| r.name.clone()).collect();
    let options = EngineOptions {
        commit: false,
        now,
        ..EngineOptions::default()
    };
    let engine = Engine::new(rules, model, None, options)?;
    Ok(RuleRun {
        rule_names,
        decisions: engine.triage_batch_with_commit(tickets, false),
    })
}

/// Tickets for rule evaluation from texts alone: the whole text becomes the body, so the model
/// reads exactly the evaluated text. Ids are 0-based row numbers.
pub fn tickets_from_texts(texts: &[String]) -> Vec<Ticket> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| Ticket {
            id: i.to_string(),
            body: t.clone(),
            ..Ticket::default()
        })
        .collect()
}

/// Tickets with separate subject and body (rules can tell them apart); ids are 0-based rows.
pub fn tickets_from_subject_body(subjects: &[String], bodies: &[String]) -> Vec<Ticket> {
    subjects
        .iter()
        .zip(bodies)
        .enumerate()
        .map(|(i, (s, b))| Ticket {
            id: i.to_string(),
            subject: s.clone(),
            body: b.clone(),
            ..Ticket::default()
        })
        .collect()
}

/// Counts rule hits, finds conflicts and scores decisions against labels.
pub fn analyse_rules(input: &RulesInput<'_>) -> RuleReport {
    let mut coverage: Vec<RuleCoverage> = input
        .rule_names
        .iter()
        .map(|name| RuleCoverage {
            name: name.clone(),
            fired: 0,
            fraction: 0.0,
            errors: 0,
            sets: BTreeMap::new(),
        })
        .collect();
    let position: BTreeMap<&str, usize> = input
        .rule_names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut conflicts: BTreeMap<(String, String, String), RuleConflict> = BTreeMap::new();
    let (mut tickets, mut failed) = (0u64, 0u64);
    for (row, result) in input.decisions.iter().enumerate() {
        let Ok(decision) = result else {
            failed += 1;
            continue;
        };
        tickets += 1;
        for trace in &decision.trace.rules {
            let Some(&i) = position.get(trace.rule.as_str()) else {
                continue;
            };
            let entry = &mut coverage[i];
            entry.errors += u64::from(trace.error.is_some());
            if trace.matched {
                entry.fired += 1;
                let fields: BTreeSet<&str> =
                    trace.actions.iter().map(|a| a.field.as_str()).collect();
                for f in fields {
                    *entry.sets.entry(f.to_string()).or_default() += 1;
                }
            }
        }
        record_conflicts(decision, row, &mut conflicts);
    }
    for c in &mut coverage {
        c.fraction = if tickets > 0 {
            c.fired as f64 / tickets as f64
        } else {
            0.0
        };
    }
    let never_fired = coverage
        .iter()
        .filter(|c| c.fired == 0)
        .map(|c| c.name.clone())
        .collect();
    let mut conflicts: Vec<RuleConflict> = conflicts.into_values().collect();
    conflicts.sort_by(|a, b| {
        b.tickets
            .cmp(&a.tickets)
            .then(a.field.cmp(&b.field))
            .then(a.first.cmp(&b.first))
    });
    RuleReport {
        tickets,
        failed,
        rules: coverage,
        never_fired,
        conflicts,
        comparison: compare(input),
    }
}

/// For one decision: every pair of matched rules (in run order) that left different final
/// values in the same single-valued field.
fn record_conflicts(
    decision: &Decision,
    row: usize,
    out: &mut BTreeMap<(String, String, String), RuleConflict>,
) {
    for field in SINGLE_VALUED {
        // The value each matched rule left in `field` (a rule's own last write counts).
        let mut setters: Vec<(&str, &str)> = Vec::new();
        for trace in decision.trace.rules.iter().filter(|t| t.matched) {
            if let Some(a) = trace.actions.iter().rev().find(|a| a.field == field) {
                setters.push((trace.rule.as_str(), a.value.as_str()));
            }
        }
        let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
        for (i, &(first, v1)) in setters.iter().enumerate() {
            for &(second, v2) in &setters[i + 1..] {
                if v1 == v2 || first == second || !seen.insert((first, second)) {
                    continue;
                }
                let key = (field.to_string(), first.to_string(), second.to_string());
                out.entry(key)
                    .or_insert_with(|| RuleConflict {
                        field: field.to_string(),
                        first: first.to_string(),
                        second: second.to_string(),
                        tickets: 0,
                        example_row: row,
                        first_value: v1.to_string(),
                        second_value: v2.to_string(),
                    })
                    .tickets += 1;
            }
        }
    }
}

fn field_value<'d>(decision: &'d Decision, field: &str) -> Option<&'d str> {
    match field {
        "category" => decision.category.as_deref(),
        "priority" => decision.priority.as_deref(),
        "group" => decision.group.as_deref(),
        _ => None,
    }
}

fn compare(input: &RulesInput<'_>) -> Vec<FieldComparison> {
    let mut out = Vec::new();
    for field in COMPARABLE {
        let Some((_, labels)) = input.labels.iter().find(|(name, _)| name == field) else {
            continue;
        };
        let mut cmp = FieldComparison {
            field: field.to_string(),
            compared: 0,
            correct: 0,
            accuracy: 0.0,
            by_source: BTreeMap::new(),
        };
        for (result, label) in input.decisions.iter().zip(labels) {
            let (Ok(decision), Some(label)) = (
                result,
                label.as_deref().map(str::trim).filter(|l| !l.is_empty()),
            ) else {
                continue;
            };
            let right = field_value(decision, field) == Some(label);
            let source = decision
                .trace
                .sources
                .get(field)
                .map_or("none", compact_str::CompactString::as_str);
            let counts = cmp.by_source.entry(source.to_string()).or_default();
            counts.tickets += 1;
            counts.correct += u64::from(right);
            cmp.compared += 1;
            cmp.correct += u64::from(right);
        }
        cmp.accuracy = if cmp.compared > 0 {
            cmp.correct as f64 / cmp.compared as f64
        } else {
            0.0
        };
        out.push(cmp);
    }
    out
}
