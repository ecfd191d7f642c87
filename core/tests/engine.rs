//! The engine: model -> rules -> assignment, confidence fallback, batch, hot reload, stats.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::json;
use triagekit::assign::Roster;
use triagekit::model::{Model, TrainConfig};
use triagekit::rules::{RuleOptions, RuleSet};
use triagekit::{Engine, EngineOptions, Ticket, TriageError};

fn rules(source: &str) -> RuleSet {
    RuleSet::compile(source, "test.rhai", RuleOptions::default()).unwrap()
}

fn ticket(subject: &str) -> Ticket {
    Ticket::from_value(json!({"id": subject, "subject": subject, "channel": "email",
        "created_at": "2026-11-23T10:30:00Z"}))
    .unwrap()
}

/// A small two-head model: category (network/billing/access) and group.
fn model() -> Arc<Model> {
    let rows = [
        ("vpn is down cannot connect to network", "network", "network-ops"),
        ("wifi keeps dropping in the office network", "network", "network-ops"),
        ("network cable unplugged no connection", "network", "network-ops"),
        ("router offline network outage", "network", "network-ops"),
        ("charged twice on my invoice refund please", "billing", "billing"),
        ("invoice amount wrong need refund", "billing", "billing"),
        ("payment failed on my subscription invoice", "billing", "billing"),
        ("refund for duplicate payment", "billing", "billing"),
        ("forgot my password please reset it", "access", "accounts"),
        ("account locked out after password attempts", "access", "accounts"),
        ("reset password for my login", "access", "accounts"),
        ("cannot login password expired", "access", "accounts"),
    ];
    let texts: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
    let heads = vec![
        ("category".to_string(), rows.iter().map(|r| Some(r.1.to_string())).collect()),
        ("group".to_string(), rows.iter().map(|r| Some(r.2.to_string())).collect()),
    ];
    Arc::new(Model::fit(&texts, &heads, &TrainConfig::default()).unwrap())
}

fn roster() -> Roster {
    Roster::from_value(json!({
        "version": "r1",
        "groups": {"network-ops": {"strategy": "round-robin"}, "billing": {"strategy": "least-loaded"}},
        "agents": [
            {"id": "nina", "groups": ["network-ops"], "capacity": 100},
            {"id": "noah", "groups": ["network-ops"], "capacity": 100},
            {"id": "bill", "groups": ["billing"], "capacity": 100},
            {"id": "rita", "groups": ["triage-review"], "capacity": 100}
        ]
    }))
    .unwrap()
}

fn engine_with(rule_source: &str, options: EngineOptions) -> Engine {
    Engine::new(rules(rule_source), Some(model()), Some(roster()), options).unwrap()
}

#[test]
fn model_fills_category_and_group_and_assignment_picks_an_agent() {
    let engine = engine_with("", EngineOptions::default());
    let d = engine.triage(&ticket("the vpn is down, no network")).unwrap();
    assert_eq!(d.category.as_deref(), Some("network"));
    assert_eq!(d.group.as_deref(), Some("network-ops"));
    assert_eq!(d.agent.as_deref(), Some("nina"));
    assert_eq!(d.trace.sources["category"], "model");
    assert_eq!(d.trace.sources["group"], "model");
    assert_eq!(d.trace.sources["agent"], "assignment");
    assert!(d.confidence.unwrap() > 0.34);
    assert_eq!(d.trace.model.len(), 2);
    assert_eq!(d.trace.roster_version, "r1");
    assert_eq!(d.trace.model_version.as_deref(), Some(engine.model().unwrap().version()));
    // Round robin moves on to the next agent.
    let d = engine.triage(&ticket("wifi network down again")).unwrap();
    assert_eq!(d.agent.as_deref(), Some("noah"));
}

#[test]
fn rules_override_the_model_and_are_named_as_the_source() {
    let source = r#"
        rule "Invoices to billing" when contains_any(ticket.text, ["vpn"]) {
            set_category("billing"); set_group("billing"); set_priority("P2"); add_tag("moved"); add_tag("moved");
        }"#;
    let engine = engine_with(source, EngineOptions::default());
    let d = engine.triage(&ticket("vpn is down")).unwrap();
    assert_eq!(d.category.as_deref(), Some("billing"));
    assert_eq!(d.group.as_deref(), Some("billing"));
    assert_eq!(d.priority.as_deref(), Some("P2"));
    assert_eq!(d.agent.as_deref(), Some("bill"));
    assert_eq!(d.tags, ["moved"]);
    assert_eq!(d.trace.sources["category"], "rule:Invoices to billing");
    assert!(d.trace.rules[0].matched);
}

#[test]
fn rules_read_the_models_output() {
    let source = r#"
        rule "Echo model" when model.loaded { set_priority(if model.category == "billing" { "P1" } else { "P5" }); }
        "#;
    let engine = engine_with(source, EngineOptions::default());
    assert_eq!(engine.triage(&ticket("refund my invoice")).unwrap().priority.as_deref(), Some("P1"));
    assert_eq!(engine.triage(&ticket("vpn network down")).unwrap().priority.as_deref(), Some("P5"));
}

#[test]
fn low_confidence_model_category_goes_to_the_review_queue() {
    let options = EngineOptions { review_threshold: 0.999, ..EngineOptions::default() };
    let engine = engine_with("", options);
    let d = engine.triage(&ticket("vpn is down")).unwrap();
    assert!(d.needs_review, "{:?}", d.trace.model);
    assert_eq!(d.group.as_deref(), Some("triage-review"));
    assert_eq!(d.agent.as_deref(), Some("rita"));
    assert!(d.review_reason.unwrap().contains("below the threshold 1.00"));
    assert_eq!(d.trace.sources["group"], "review");
    assert_eq!(engine.stats().review_queue, 1);
}

#[test]
fn per_class_thresholds_override_the_global_one() {
    let mut options = EngineOptions { review_threshold: 0.999, ..EngineOptions::default() };
    options.class_thresholds.insert("network".into(), 0.0);
    let engine = engine_with("", options);
    assert!(!engine.triage(&ticket("vpn network is down")).unwrap().needs_review);
    assert!(engine.triage(&ticket("refund my invoice")).unwrap().needs_review);
}

#[test]
fn a_rule_set_category_is_trusted_whatever_the_model_confidence() {
    let options = EngineOptions { review_threshold: 0.999, ..EngineOptions::default() };
    let engine = engine_with(r#"rule "Fixed" { set_category("network"); }"#, options);
    let d = engine.triage(&ticket("vpn is down")).unwrap();
    assert!(!d.needs_review);
    assert_eq!(d.group.as_deref(), Some("network-ops"));
}

#[test]
fn without_model_or_group_the_default_group_applies() {
    let options = EngineOptions { default_group: Some("billing".into()), ..EngineOptions::default() };
    let engine = Engine::new(rules(""), None, Some(roster()), options).unwrap();
    let d = engine.triage(&ticket("anything")).unwrap();
    assert_eq!((d.category, d.group.as_deref(), d.confidence), (None, Some("billing"), None));
    assert_eq!(d.trace.sources["group"], "default");
    let engine = Engine::new(rules(""), None, Some(roster()), EngineOptions::default()).unwrap();
    let d = engine.triage(&ticket("anything")).unwrap();
    assert_eq!((d.group, d.agent), (None, None));
    assert!(d.trace.assignment.explanation.contains("no group chosen"));
}

#[test]
fn strict_mode_fails_the_ticket_and_lenient_mode_records_and_goes_on() {
    let source = r#"
        rule "Broken" { throw "boom"; }
        rule "After" { set_priority("P3"); }
    "#;
    let engine = engine_with(source, EngineOptions::default());
    let d = engine.triage(&ticket("x")).unwrap();
    assert!(d.trace.rules[0].error.as_deref().unwrap().contains("boom"));
    assert_eq!(d.priority.as_deref(), Some("P3"));
    assert_eq!(engine.stats().rules["Broken"].errors, 1);

    let strict = RuleSet::compile(source, "t.rhai", RuleOptions { strict: true, ..RuleOptions::default() }).unwrap();
    let engine = Engine::new(strict, None, None, EngineOptions::default()).unwrap();
    let err = engine.triage(&ticket("x")).unwrap_err();
    assert!(matches!(err, TriageError::Rule(_)), "{err:?}");
    assert_eq!(err.code(), "RULE_RUNTIME");
    assert_eq!(engine.stats().errors, 1);
}

#[test]
fn batch_returns_decisions_in_input_order_equal_to_single_triage() {
    let options = EngineOptions { commit: false, ..EngineOptions::default() };
    let engine = engine_with(r#"rule "P" when contains_any(ticket.subject, ["7"]) { set_priority("P1"); }"#, options);
    let tickets: Vec<Ticket> = (0..500)
        .map(|i| ticket(&format!("{} {i}", ["vpn down", "refund invoice", "password reset"][i % 3])))
        .collect();
    let batch = engine.triage_batch(&tickets);
    assert_eq!(batch.len(), tickets.len());
    for (t, d) in tickets.iter().zip(&batch) {
        let d = d.as_ref().unwrap();
        let mut single = engine.triage(t).unwrap();
        assert_eq!(d.ticket_id, t.id);
        single.trace.elapsed_us = d.trace.elapsed_us;
        assert_eq!(&single, d);
    }
    // Counters are sharded per thread; the totals still add up across the batch's threads.
    let stats = engine.stats();
    assert_eq!(stats.tickets_triaged, 1000);
    let sevens = tickets.iter().filter(|t| t.subject.contains('7')).count() as u64;
    assert_eq!(stats.rules["P"].hits, 2 * sevens);
}

#[test]
fn stats_count_tickets_rules_groups_and_agents_across_reloads() {
    let engine = engine_with(r#"rule "Always" { add_tag("seen"); }"#, EngineOptions::default());
    for _ in 0..3 {
        engine.triage(&ticket("vpn network down")).unwrap();
    }
    engine.reload_rules(rules(r#"rule "Always" { add_tag("seen"); } rule "Never" when false { }"#));
    engine.triage(&ticket("refund invoice")).unwrap();
    let stats = engine.stats();
    assert_eq!(stats.tickets_triaged, 4);
    assert_eq!(stats.rules["Always"].hits, 4);
    assert_eq!(stats.rules["Never"].hits, 0);
    assert_eq!(stats.groups["network-ops"], 3);
    assert_eq!(stats.agents["nina"] + stats.agents["noah"], 3);
    assert_eq!(stats.agents["bill"], 1);
    assert!(stats.latency_us.p50 > 0.0 && stats.latency_us.p99 >= stats.latency_us.p50);
    let text = stats.to_prometheus();
    assert!(text.contains("triagekit_rule_hits_total{rule=\"Always\"} 4"));
}

#[test]
fn hot_reload_under_concurrent_triage_never_tears_a_decision() {
    let a = rules(r#"rule "Version" { set_priority("P1"); } rule "Tag" { add_tag("a"); }"#);
    let b = rules(r#"rule "Version" { set_priority("P5"); } rule "Tag" { add_tag("b"); }"#);
    let (version_a, version_b) = (a.version().to_string(), b.version().to_string());
    let options = EngineOptions { commit: false, ..EngineOptions::default() };
    let engine = Arc::new(Engine::new(a.clone(), Some(model()), Some(roster()), options).unwrap());
    let done = Arc::new(AtomicBool::new(false));
    // Decisions made so far: reloads go on until the workers made some, however slow they start.
    let decided = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let workers: Vec<_> = (0..4)
        .map(|i| {
            let (engine, done, decided) = (engine.clone(), done.clone(), decided.clone());
            let (version_a, version_b) = (version_a.clone(), version_b.clone());
            std::thread::spawn(move || {
                let mut seen = [0usize; 2];
                while !done.load(Ordering::Relaxed) {
                    let d = engine.triage(&ticket(&format!("vpn down {i}"))).unwrap();
                    decided.fetch_add(1, Ordering::Relaxed);
                    let expected = if d.trace.rules_version == version_a {
                        seen[0] += 1;
                        ("P1", "a")
                    } else {
                        assert_eq!(d.trace.rules_version, version_b);
                        seen[1] += 1;
                        ("P5", "b")
                    };
                    assert_eq!(d.priority.as_deref(), Some(expected.0));
                    assert_eq!(d.tags, [expected.1]);
                }
                seen
            })
        })
        .collect();
    let mut swap = 0;
    // A worker that finished early has failed: stop reloading and let `join` report it.
    while (swap < 400 || decided.load(Ordering::Relaxed) < 400) && !workers.iter().any(|w| w.is_finished()) {
        swap += 1;
        engine.reload_rules(if swap % 2 == 0 { b.clone() } else { a.clone() });
        if swap % 50 == 0 {
            engine.set_model(Some(model()));
        }
        std::thread::yield_now();
    }
    done.store(true, Ordering::Relaxed);
    let total: usize = workers.into_iter().map(|w| w.join().unwrap().iter().sum::<usize>()).sum();
    assert!(total >= 400);
}

#[test]
fn exported_state_rebuilds_an_engine_that_decides_the_same() {
    let source = r#"rule "Net" when contains_any(ticket.text, ["vpn"]) { set_priority("P2"); }"#;
    let options = EngineOptions { commit: false, review_threshold: 0.2, ..EngineOptions::default() };
    let engine = engine_with(source, options);
    engine.set_load("bill", 7).unwrap();
    let copy = Engine::from_state(engine.export_state()).unwrap();
    assert_eq!(copy.roster().agent("bill").unwrap().load(), 7);
    assert_eq!(copy.rules().version(), engine.rules().version());
    for subject in ["vpn is down", "refund my invoice", "password reset please"] {
        let mut a = engine.triage(&ticket(subject)).unwrap();
        let b = copy.triage(&ticket(subject)).unwrap();
        a.trace.elapsed_us = b.trace.elapsed_us;
        assert_eq!(a, b);
    }
}

#[test]
fn invalid_options_are_rejected() {
    let bad = EngineOptions { review_threshold: 1.5, ..EngineOptions::default() };
    assert!(matches!(Engine::new(rules(""), None, None, bad), Err(TriageError::InvalidConfig(_))));
    let mut bad = EngineOptions::default();
    bad.class_thresholds.insert("x".into(), -0.1);
    assert!(Engine::new(rules(""), None, None, bad).is_err());
}
