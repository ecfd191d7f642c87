//! What a rule emits per ticket is bounded: print output, action values and action counts.

use triagekit_rules::{ModelView, RuleOptions, RuleSet, TicketView};

/// A fixed clock: no test reads the machine's.
const NOW: jiff::Timestamp = jiff::Timestamp::constant(1_763_467_200, 0);

fn run(source: &str) -> triagekit_rules::RulesOutcome {
    let rules = RuleSet::compile(source, "t.rhai", RuleOptions::default()).unwrap();
    rules.evaluate_at(&TicketView::default(), &ModelView::default(), NOW).unwrap()
}

#[test]
fn print_floods_are_truncated_per_ticket_and_later_rules_still_run() {
    let out = run(concat!(
        "rule \"Flood\" { let s = \"x\"; while s.len() < 100000 { s += s; } for i in 0..50 { print(s); } }\n",
        "rule \"After\" { print(\"still here\"); set_group(\"g\"); }\n",
    ));
    let kept: usize = out.trace.iter().flat_map(|t| &t.output).map(String::len).sum();
    assert!(kept <= 70 * 1024, "kept {kept} bytes of output");
    assert!(out.trace[0].output.last().unwrap().ends_with("[output truncated]"));
    assert_eq!(out.group.as_deref(), Some("g"), "the next rule ran");
    assert!(out.trace[1].output.is_empty(), "the budget is per ticket");
}

#[test]
fn short_prints_are_kept_whole() {
    let out = run("rule \"Hello\" { print(\"hello\"); debug(42); }\n");
    assert_eq!(out.trace[0].output, ["hello", "42"]);
}

#[test]
fn oversized_values_and_action_floods_are_rule_errors() {
    let out = run(concat!(
        "rule \"Long tag\" { let s = \"x\"; while s.len() < 1000 { s += s; } add_tag(s); }\n",
        "rule \"Many tags\" { for i in 0..100 { add_tag(`t${i}`); } }\n",
        "rule \"Fine\" { add_tag(\"ok\"); }\n",
    ));
    assert!(out.trace[0].error.as_deref().unwrap().contains("limit is 256"), "{:?}", out.trace[0].error);
    assert!(out.trace[1].error.as_deref().unwrap().contains("at most 64 actions"), "{:?}", out.trace[1].error);
    assert_eq!(out.trace[1].actions.len(), 64);
    assert!(out.tags.contains(&"ok".into()));
    assert!(!out.tags.iter().any(|t| t.len() > 256));
}
