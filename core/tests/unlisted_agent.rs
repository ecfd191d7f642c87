//! `set_agent` naming an agent who is not on the roster: a rule error, not an assignment.

use serde_json::json;
use triagekit::assign::Roster;
use triagekit::rules::{RuleOptions, RuleSet};
use triagekit::{Engine, EngineOptions, Ticket};

const RULES: &str = r#"
    rule "Network" { set_group("network-ops"); add_tag("seen"); }
    rule "Pin to nobody" { set_agent("nobody"); set_priority("P2"); }
"#;

fn engine(options: EngineOptions) -> Engine {
    let rules = RuleSet::compile(RULES, "pin.rhai", RuleOptions::default()).unwrap();
    let roster = Roster::from_value(json!({
        "groups": {"network-ops": {"strategy": "round-robin"}},
        "agents": [{"id": "nina", "groups": ["network-ops"], "capacity": 10}]
    }))
    .unwrap();
    Engine::new(rules, None, Some(roster), options).unwrap()
}

fn ticket() -> Ticket {
    Ticket::from_value(json!({"id": "t1", "subject": "vpn", "created_at": "2026-11-23T10:30:00Z"})).unwrap()
}

#[test]
fn an_agent_off_the_roster_is_a_rule_error_and_the_group_assigns_instead() {
    let engine = engine(EngineOptions::default());
    let d = engine.triage(&ticket()).unwrap();
    assert_eq!(d.agent.as_deref(), Some("nina"), "the group's strategy picks a listed agent");
    assert_eq!(d.trace.sources["agent"], "assignment");
    let pin = d.trace.rules.iter().find(|r| r.rule == "Pin to nobody").unwrap();
    let error = pin.error.as_deref().unwrap_or_default();
    assert!(error.contains("no agent \"nobody\" on the roster"), "{error}");
    // The rule's other actions stand; other rules are untouched.
    assert_eq!(d.priority.as_deref(), Some("P2"));
    assert!(d.trace.rules.iter().find(|r| r.rule == "Network").unwrap().error.is_none());
    assert_eq!(engine.stats().rules["Pin to nobody"].errors, 1);
    assert!(engine.roster().agent("nobody").is_none());
}

#[test]
fn strict_rules_fail_the_ticket_naming_rule_and_agent() {
    let engine = engine(EngineOptions { strict_rules: true, ..EngineOptions::default() });
    let error = engine.triage(&ticket()).unwrap_err();
    assert_eq!(error.code(), "RULE_RUNTIME");
    let message = error.to_string();
    assert!(message.contains("Pin to nobody") && message.contains("nobody"), "{message}");
}

#[test]
fn allow_unlisted_agents_keeps_the_old_behaviour() {
    let engine = engine(EngineOptions { allow_unlisted_agents: true, ..EngineOptions::default() });
    let d = engine.triage(&ticket()).unwrap();
    assert_eq!(d.agent.as_deref(), Some("nobody"));
    assert_eq!(d.trace.sources["agent"], "rule:Pin to nobody");
    assert!(d.trace.rules.iter().all(|r| r.error.is_none()));
    assert!(d.trace.assignment.explanation.contains("not on the roster"));
}

#[test]
fn the_option_round_trips_through_json_and_defaults_to_false() {
    let options: EngineOptions = serde_json::from_str(r#"{"allow_unlisted_agents": true}"#).unwrap();
    assert!(options.allow_unlisted_agents);
    assert!(!EngineOptions::default().allow_unlisted_agents);
}
