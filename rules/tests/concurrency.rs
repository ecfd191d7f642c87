mod common;

use std::path::Path;
use std::sync::Arc;

use common::*;
use triagekit_rules::{RuleOptions, RuleSet, RulesOutcome, TicketView};

/// Sixty tickets; their ids are leaked so the views can be shared with the test's threads.
fn tickets() -> Vec<TicketView<'static>> {
    let subjects = [
        ("VPN is down", "whole office affected"),
        ("Refund please", "I was charged twice"),
        ("Forgot password", "locked out of my account"),
        ("Suspicious email", "looks like phishing"),
        ("Printer", "toner empty"),
        ("Lost card", "my card was stolen yesterday"),
    ];
    (0..60)
        .map(|i| {
            let (s, b) = subjects[i % subjects.len()];
            TicketView {
                id: Box::leak(format!("T-{i}").into_boxed_str()),
                channel: if i % 3 == 0 { "phone".into() } else { "email".into() },
                impact: Some((i % 3) as i64 + 1),
                urgency: Some(((i / 3) % 3) as i64 + 1),
                created_at: Some("2026-11-18T10:00:00Z".parse().unwrap()),
                ..ticket(s, b)
            }
        })
        .collect()
}

fn load(name: &str) -> RuleSet {
    RuleSet::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/rules").join(name), RuleOptions::default()).unwrap()
}

#[test]
fn rule_set_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<RuleSet>();
}

#[test]
fn concurrent_evaluation_equals_single_threaded() {
    let rs = load("helpdesk.rhai");
    let ts = Arc::new(tickets());
    let m = model("billing", 0.7);
    let expected: Vec<RulesOutcome> = ts.iter().map(|t| rs.evaluate_at(t, &m, NOW).unwrap()).collect();
    assert!(expected.iter().any(|o| o.priority.as_deref() == Some("P1")));
    let handles: Vec<_> = (0..4)
        .map(|k| {
            let (rs, ts, m) = (rs.clone(), ts.clone(), m.clone());
            std::thread::spawn(move || {
                (0..5).flat_map(|_| ts.iter().skip(k).map(|t| rs.evaluate_at(t, &m, NOW).unwrap()).collect::<Vec<_>>()).collect::<Vec<_>>()
            })
        })
        .collect();
    for (k, h) in handles.into_iter().enumerate() {
        let got = h.join().unwrap();
        let want: Vec<_> = (0..5).flat_map(|_| expected.iter().skip(k).cloned()).collect();
        assert_eq!(got, want);
    }
}

#[test]
fn per_thread_cache_is_bounded_and_keeps_rule_sets_apart() {
    let t = ticket("s", "b");
    let sets: Vec<RuleSet> =
        (0..10).map(|i| rules(&format!(r#"rule "r" {{ add_tag("v{i}"); }}"#))).collect();
    for (i, rs) in sets.iter().enumerate() {
        assert_eq!(rs.evaluate_at(&t, &Default::default(), NOW).unwrap().tags, [format!("v{i}")]);
    }
    assert!(triagekit_rules::cached_rulesets_on_this_thread() <= 4);
    // An evicted rule set still evaluates correctly (it is rebuilt on demand).
    assert_eq!(sets[0].evaluate_at(&t, &Default::default(), NOW).unwrap().tags, ["v0"]);
}
