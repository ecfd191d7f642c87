#![allow(dead_code)]
//! Shared builders for the rules tests.

use triagekit_rules::{HeadView, ModelView, RuleOptions, RuleSet, RulesOutcome, TicketView};

pub fn rules(src: &str) -> RuleSet {
    match RuleSet::compile(src, "test.rhai", RuleOptions::default()) {
        Ok(r) => r,
        Err(e) => panic!("compile failed: {e}"),
    }
}

pub fn strict(src: &str) -> RuleSet {
    RuleSet::compile(src, "test.rhai", RuleOptions { strict: true, ..RuleOptions::default() }).unwrap()
}

pub fn ticket<'a>(subject: &'a str, body: &'a str) -> TicketView<'a> {
    TicketView {
        id: "T-1".into(),
        subject: subject.into(),
        body: body.into(),
        requester: "alice@example.com".into(),
        channel: "email".into(),
        ..TicketView::default()
    }
}

pub fn model(category: &str, confidence: f64) -> ModelView {
    ModelView {
        loaded: true,
        version: "m-1".into(),
        heads: vec![
            HeadView {
                name: "category".into(),
                label: category.into(),
                confidence,
                top: vec![(category.into(), confidence), ("other".into(), 1.0 - confidence)],
            },
            HeadView { name: "priority".into(), label: "P2".into(), confidence: 0.9, top: vec![("P2".into(), 0.9)] },
        ],
    }
}

pub fn eval(src: &str, t: &TicketView) -> RulesOutcome {
    rules(src).evaluate_at(t, &ModelView::default(), NOW).unwrap()
}

pub fn eval_m(src: &str, t: &TicketView, m: &ModelView) -> RulesOutcome {
    rules(src).evaluate_at(t, m, NOW).unwrap()
}

/// The trace entry of `rule`.
pub fn trace<'a>(o: &'a RulesOutcome, rule: &str) -> &'a triagekit_rules::RuleTrace {
    o.trace.iter().find(|t| t.rule == rule).unwrap_or_else(|| panic!("no trace for {rule}: {:#?}", o.trace))
}

/// The clock every test evaluates at (Tuesday 2025-11-18, 12:00 UTC): no test reads the machine's clock.
pub const NOW: jiff::Timestamp = jiff::Timestamp::constant(1_763_467_200, 0);
