//! Arbitrary rule source: compile, then evaluate on a fixed ticket and model view (twice, so
//! the per-thread compiled-copy cache is hit as well as filled).
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use triagekit_rules::{ModelView, RuleOptions, RuleSet, TicketView};

static VIEWS: OnceLock<(TicketView<'static>, ModelView, ModelView)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let (ticket, model, empty) = VIEWS.get_or_init(|| (common::ticket_view(), common::model_view(), ModelView::default()));
    // A smaller budget than the default keeps endless loops cheap.
    let options = RuleOptions { max_operations_per_rule: 20_000, max_string_size: 64 << 10, ..RuleOptions::default() };
    let Ok(rules) = RuleSet::compile(source, "fuzz.rhai", options.clone()) else { return };
    let first = rules.evaluate(ticket, model);
    let again = rules.evaluate(ticket, model);
    // Same rules, same input: same result (except `now()`-dependent rules, which fuzzing
    // could reach, so only the Ok/Err shape is compared).
    assert_eq!(first.is_ok(), again.is_ok(), "evaluate is not repeatable");
    let _ = rules.evaluate(ticket, empty);
    let strict = RuleOptions { strict: true, ..options };
    if let Ok(rules) = RuleSet::compile(source, "fuzz.rhai", strict) {
        let _ = rules.evaluate(ticket, model);
    }
});
