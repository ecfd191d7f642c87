mod common;

use common::*;

#[test]
fn set_actions_fill_the_outcome_and_the_trace() {
    let o = eval(
        r#"rule "all" {
            set_category("billing"); set_priority("p2"); set_group("billing");
            set_agent("agent-7"); set_strategy("round-robin");
        }"#,
        &ticket("s", "b"),
    );
    assert_eq!(o.category.as_deref(), Some("billing"));
    assert_eq!(o.priority.as_deref(), Some("P2"), "priority is normalised to upper case");
    assert_eq!(o.group.as_deref(), Some("billing"));
    assert_eq!(o.agent.as_deref(), Some("agent-7"));
    assert_eq!(o.strategy.as_deref(), Some("round-robin"));
    let fields: Vec<_> = trace(&o, "all").actions.iter().map(|a| (a.field.as_str(), a.value.as_str())).collect();
    assert_eq!(
        fields,
        [("category", "billing"), ("priority", "P2"), ("group", "billing"), ("agent", "agent-7"), ("strategy", "round-robin")]
    );
}

#[test]
fn later_rules_override_earlier_ones() {
    let o = eval(r#"rule "a" { set_group("billing"); } rule "b" { set_group("cards"); }"#, &ticket("s", "b"));
    assert_eq!(o.group.as_deref(), Some("cards"));
}

#[test]
fn tags_and_skills_are_deduplicated_in_first_added_order() {
    let o = eval(
        r#"rule "t" {
            add_tag("b"); add_tag("a"); add_tag("b"); add_tags(["c", "a"]);
            require_skill("net"); require_skills(["net", "oncall"]);
            prefer_skill("de"); prefer_skills(["fr", "de"]);
        }"#,
        &ticket("s", "b"),
    );
    assert_eq!(o.tags, ["b", "a", "c"]);
    assert_eq!(o.required_skills, ["net", "oncall"]);
    assert_eq!(o.preferred_skills, ["de", "fr"]);
}

#[test]
fn needs_review_joins_distinct_reasons() {
    let o = eval(
        r#"rule "a" { needs_review("low confidence"); }
           rule "b" { needs_review("vip"); needs_review("low confidence"); }
           rule "c" { needs_review(); }"#,
        &ticket("s", "b"),
    );
    assert!(o.needs_review);
    assert_eq!(o.review_reason.as_deref(), Some("low confidence; vip"));
}

#[test]
fn no_review_by_default() {
    let o = eval(r#"rule "a" when false { needs_review("x"); }"#, &ticket("s", "b"));
    assert!(!o.needs_review);
    assert_eq!(o.review_reason, None);
}

#[test]
fn invalid_values_are_runtime_errors_of_that_rule() {
    // Computed values are checked when the rule runs (literals at load: tests/literals.rs).
    let o = eval(
        r#"rule "bad priority" { let p = "urgent"; set_priority(p); }
           rule "bad strategy" { let s = "random"; set_strategy(s); }
           rule "empty group" { set_group("  "); }
           rule "ok" { set_group("billing"); }"#,
        &ticket("s", "b"),
    );
    assert!(trace(&o, "bad priority").error.as_deref().unwrap().contains("P1..P5"));
    assert!(trace(&o, "bad strategy").error.as_deref().unwrap().contains("round-robin"));
    assert!(trace(&o, "empty group").error.as_deref().unwrap().contains("must not be empty"));
    assert_eq!(o.priority, None);
    assert_eq!(o.strategy, None);
    assert_eq!(o.group.as_deref(), Some("billing"));
}

#[test]
fn all_strategies_are_accepted() {
    for s in triagekit_rules::STRATEGIES {
        let o = eval(&format!(r#"rule "s" {{ set_strategy("{s}"); }}"#), &ticket("s", "b"));
        assert_eq!(o.strategy.as_deref(), Some(s));
    }
}

#[test]
fn actions_in_helper_functions_work_and_are_traced_on_the_calling_rule() {
    let o = eval(
        r#"fn route_billing() { set_group("billing"); add_tag("money"); }
           rule "uses helper" { route_billing(); }"#,
        &ticket("s", "b"),
    );
    assert_eq!(o.group.as_deref(), Some("billing"));
    assert_eq!(trace(&o, "uses helper").actions.len(), 2);
}

#[test]
fn actions_outside_rules_fail_the_evaluation() {
    let rs = rules(r#"set_group("billing"); rule "r" {}"#);
    let err = rs.evaluate_at(&ticket("s", "b"), &Default::default(), NOW).unwrap_err();
    assert!(err.to_string().contains("only be used inside a rule"), "{err}");
}
