//! A pinned snapshot keeps one batch on one version across calls; parse failures keep their
//! slot and count as errors; `set_options` applies `strict_rules` at once.

use serde_json::json;
use triagekit::rules::{RuleOptions, RuleSet};
use triagekit::{Engine, EngineOptions, Ticket, TriageError};

fn rules(source: &str) -> RuleSet {
    RuleSet::compile(source, "test.rhai", RuleOptions::default()).unwrap()
}

fn ticket(id: &str) -> Ticket {
    Ticket::from_value(json!({"id": id, "subject": "printer"})).unwrap()
}

#[test]
fn chunks_on_a_pinned_snapshot_keep_its_versions_across_reloads_and_option_changes() {
    let engine = Engine::new(rules(r#"rule "A" { set_group("a"); }"#), None, None, EngineOptions::default()).unwrap();
    let pinned = engine.pin();
    let before = engine.rules().version().to_string();
    engine.reload_rules(rules(r#"rule "B" { set_group("b"); }"#));
    engine.set_options(EngineOptions { commit: false, ..EngineOptions::default() }).unwrap();
    for chunk in 0..3 {
        let inputs = (0..40).map(|i| Ok(ticket(&format!("{chunk}-{i}")))).collect();
        for decision in engine.triage_inputs_pinned(&pinned, inputs, None) {
            let decision = decision.unwrap();
            assert_eq!(decision.trace.rules_version, before.as_str());
            assert_eq!(decision.group.as_deref(), Some("a"));
        }
    }
    let fresh = engine.triage_inputs(vec![Ok(ticket("new"))], None);
    assert_eq!(fresh[0].as_ref().unwrap().group.as_deref(), Some("b"));
}

#[test]
fn parse_failures_keep_their_slot_and_count_as_errors() {
    let engine = Engine::new(rules(r#"rule "A" { set_group("a"); }"#), None, None, EngineOptions::default()).unwrap();
    let bad = || Ticket::from_json(r#"{"subject": 5}"#);
    let results = engine.triage_inputs(vec![Ok(ticket("1")), bad(), Ok(ticket("3"))], Some(false));
    assert_eq!(results[0].as_ref().unwrap().ticket_id, "1");
    assert!(matches!(&results[1], Err(TriageError::InvalidTicket { field, .. }) if field == "subject"));
    assert_eq!(results[2].as_ref().unwrap().ticket_id, "3");
    assert!(engine.triage_input(bad(), None).is_err());
    engine.count_rejected_tickets(2);
    let stats = engine.stats();
    assert_eq!((stats.tickets_triaged, stats.errors), (2, 4));
}

#[test]
fn set_options_applies_strict_rules_at_once_and_keeps_the_version() {
    let engine = Engine::new(rules(r#"rule "Boom" { throw "boom"; }"#), None, None, EngineOptions::default()).unwrap();
    let version = engine.rules().version().to_string();
    assert!(engine.triage(&ticket("1")).unwrap().trace.rules[0].error.is_some());
    engine.set_options(EngineOptions { strict_rules: true, ..EngineOptions::default() }).unwrap();
    assert!(matches!(engine.triage(&ticket("2")), Err(TriageError::Rule(_))));
    assert_eq!(engine.rules().version(), version);
    engine.set_options(EngineOptions::default()).unwrap();
    assert!(engine.triage(&ticket("3")).is_ok());
}
