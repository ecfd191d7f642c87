//! The boundary API the CLI and both bindings share: batches of parsed-or-failed inputs on one
//! snapshot, decisions serialised with or without trace, and errors as plain data.

use serde_json::{json, Value};
use triagekit::assign::Roster;
use triagekit::rules::{RuleOptions, RuleSet};
use triagekit::{catch_panic, load_rules, load_rules_source, Engine, EngineOptions, ErrorCode, ErrorDetails, Ticket, TriageError};

const RULES: &str = r#"rule "billing" when ticket.subject.contains("invoice") { set_group("billing"); set_agent("bill"); }"#;

fn options() -> EngineOptions {
    EngineOptions { now: Some("2026-11-23T10:30:00Z".parse().unwrap()), default_group: Some("desk".into()), ..EngineOptions::default() }
}

fn roster() -> Roster {
    Roster::from_value(json!({"agents": [{"id": "bill", "groups": ["billing"], "capacity": 100}]})).unwrap()
}

fn engine() -> Engine {
    Engine::new(RuleSet::compile(RULES, "r.rhai", RuleOptions::default()).unwrap(), None, Some(roster()), options()).unwrap()
}

fn ticket(id: &str, subject: &str) -> Result<Ticket, TriageError> {
    Ticket::from_value(json!({"id": id, "subject": subject}))
}

fn inputs(n: usize) -> Vec<Result<Ticket, TriageError>> {
    (0..n)
        .map(|i| if i % 5 == 3 { Ticket::from_value(json!({"id": i.to_string(), "subject": 42})) } else { ticket(&i.to_string(), "invoice") })
        .collect()
}

#[test]
fn a_batch_keeps_input_order_and_each_failed_input_in_its_slot() {
    let engine = engine();
    let results = engine.triage_inputs(inputs(100), Some(false));
    assert_eq!(results.len(), 100);
    for (i, result) in results.iter().enumerate() {
        match result {
            Ok(d) => assert_eq!((d.ticket_id.as_str(), i % 5 != 3), (i.to_string().as_str(), true)),
            Err(e) => assert_eq!((e.details().field.as_deref(), i % 5), (Some("subject"), 3)),
        }
    }
    // Parse failures count as errors, the same as if the engine had refused the ticket.
    assert_eq!(engine.stats().errors, 20);
    assert_eq!(engine.stats().tickets_triaged, 80);
    // A dry run leaves the agent's load alone; a committed batch counts every decided ticket.
    assert_eq!(engine.roster().to_value()["agents"][0]["load"]["total"], json!(0));
    engine.triage_inputs(inputs(10), None);
    assert_eq!(engine.roster().to_value()["agents"][0]["load"]["total"], json!(8));
}

#[test]
fn a_pinned_snapshot_decides_on_its_own_versions_after_a_reload() {
    let engine = engine();
    let pin = engine.pin();
    let before = engine.rules().version().to_string();
    engine.reload_rules(RuleSet::compile("rule \"other\" { add_tag(\"x\"); }", "r.rhai", RuleOptions::default()).unwrap());
    assert_ne!(engine.rules().version(), before);
    let pinned = engine.triage_inputs_pinned(&pin, inputs(40), Some(false));
    assert_eq!(pin.rules_version(), before);
    assert!(pinned.iter().flatten().all(|d| d.trace.rules_version == before && d.group.as_deref() == Some("billing")));
    let fresh = engine.triage_inputs(inputs(40), Some(false));
    assert!(fresh.iter().flatten().all(|d| d.trace.rules_version != before && d.tags == ["x"]));
}

#[test]
fn a_decision_serialises_with_or_without_its_trace() {
    let decision = engine().triage_input(ticket("7", "invoice"), Some(false)).unwrap();
    let with: Value = serde_json::from_str(&decision.to_json(true)).unwrap();
    let without: Value = serde_json::from_str(&decision.to_json(false)).unwrap();
    assert_eq!(with, serde_json::to_value(&decision).unwrap());
    assert!(with["trace"]["rules"].is_array());
    assert!(without.get("trace").is_none());
    let mut stripped = with.as_object().unwrap().clone();
    stripped.remove("trace");
    assert_eq!(Value::Object(stripped), without);
    // And it reads back.
    let back: triagekit::Decision = serde_json::from_value(with).unwrap();
    assert_eq!(back, decision);
}

#[test]
fn error_details_carry_code_and_location_for_every_kind() {
    let syntax = TriageError::from(RuleSet::compile("rule \"a\" {\n let = 1; }", "a.rhai", RuleOptions::default()).unwrap_err());
    let d = syntax.details();
    assert_eq!((d.code, d.file.as_deref(), d.line, d.column), (ErrorCode::RuleCompile, Some("a.rhai"), Some(2), Some(6)));
    assert_eq!(serde_json::to_value(&d).unwrap()["code"], json!("RULE_COMPILE"));
    assert_eq!(d.code.as_str(), syntax.code());

    let missing = load_rules("rules/nope.rhai", false).unwrap_err();
    let d = missing.details();
    assert_eq!((d.code, d.path.as_deref(), d.file.as_deref()), (ErrorCode::Io, Some("rules/nope.rhai"), None));

    let ticket = Ticket::from_value(json!({"subject": 1})).unwrap_err().details();
    assert_eq!((ticket.code, ticket.field.as_deref()), (ErrorCode::InvalidTicket, Some("subject")));

    let agent = engine().set_load("nobody", 1).unwrap_err().details();
    assert_eq!((agent.code, agent.agent.as_deref()), (ErrorCode::UnknownAgent, Some("nobody")));

    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("t.jsonl");
    std::fs::write(&csv, "{\"text\": \"a\", \"label\": \"x\"}\n{oops\n").unwrap();
    let cols = |s: &str| vec![s.to_string()];
    let err = triagekit::model::load_labelled(&csv, &cols("text"), &cols("label"), 10).unwrap_err();
    let d = TriageError::from(err).details();
    assert_eq!((d.code, d.path.is_some(), d.row), (ErrorCode::Model, true, Some(2)), "{d:?}");

    // Absent fields are left out of the JSON, so all three languages see the same keys.
    let plain = serde_json::to_value(ErrorDetails::new(ErrorCode::InvalidConfig, "x")).unwrap();
    assert_eq!(plain, json!({"code": "INVALID_CONFIG", "message": "x"}));
    assert_eq!(ErrorCode::ALL.len(), 11);
}

#[test]
fn a_rules_argument_is_source_only_when_it_cannot_be_a_path() {
    assert!(load_rules("rule \"a\" { add_tag(\"x\"); }", false).is_ok());
    assert!(load_rules("fixtures/rules/helpdesk.rhai", false).is_err(), "relative to core/, not the root");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/rules/helpdesk.rhai");
    assert!(load_rules(root.to_str().unwrap(), false).is_ok());
    // A typo in a path is an I/O error naming it, not a compile error at <string>:1:1.
    match load_rules("rules/helpdesk.rhia", false) {
        Err(TriageError::Rule(triagekit::rules::RuleError::Io { path, .. })) => assert_eq!(path.to_str(), Some("rules/helpdesk.rhia")),
        other => panic!("expected Io, got {other:?}"),
    }
    // Explicit source text is never read as a path, even when it looks like one.
    let text = load_rules_source("rules/helpdesk.rhai", false).unwrap();
    assert_eq!((text.rules().len(), text.sources()[0].0.as_str()), (0, "<string>"));
}

#[test]
fn a_panic_inside_the_boundary_becomes_an_internal_error() {
    let err = catch_panic::<()>(|| panic!("boom")).unwrap_err();
    assert_eq!((err.code(), err.details().message.contains("boom")), ("INTERNAL", true));
}
