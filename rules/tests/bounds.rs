//! Hostile rules against the per-ticket time and memory budgets: each ends with its typed
//! error naming the rule. Memory cases run without a time budget and time cases without an
//! operation budget, so only the bound under test can stop them, whatever the machine's speed.

mod common;

use common::*;
use triagekit_rules::{ModelView, RuleError, RuleOptions, RuleSet, TicketView};

const MIB: usize = 1 << 20;

/// Half a megabyte of "x" in `s` (19 doublings).
const HALF_MIB: &str = r#"let s = "x"; for i in 0..19 { s += s; }"#;

fn run(src: &str, opts: RuleOptions, t: &TicketView) -> Result<triagekit_rules::RulesOutcome, RuleError> {
    let rs = RuleSet::compile(src, "bounds.rhai", RuleOptions { strict: true, ..opts }).unwrap();
    rs.evaluate_at(t, &ModelView::default(), NOW)
}

fn memory_only() -> RuleOptions {
    RuleOptions { time_budget_ms: 0, ..RuleOptions::default() }
}

fn expect_memory_limit(rule: &str, src: &str, opts: RuleOptions) {
    let budget = opts.memory_budget_bytes;
    match run(src, opts, &ticket("s", "b")) {
        Err(RuleError::MemoryLimit { rule: r, limit_bytes }) => {
            assert_eq!(r, rule);
            assert_eq!(limit_bytes, budget);
        }
        other => panic!("{rule}: expected MemoryLimit, got {other:?}"),
    }
}

#[test]
fn map_grown_by_index_assignment_hits_the_memory_budget() {
    // Rhai does not size-check `m[new_key] = v`: this took 8.4 s and 3.4 GB before.
    let src = r#"rule "Cache" { let s = "x"; for i in 0..19 { s += s; } let m = #{}; let i = 0; loop { m["k" + i] = s + i; i += 1; } }"#;
    expect_memory_limit("Cache", src, memory_only());
    // The same with every default on, and in lenient mode: the ticket still gets a decision.
    let o = rules(&format!("{src}\nrule \"After\" {{ add_tag(\"after\"); }}")).evaluate_at(&ticket("s", "b"), &ModelView::default(), NOW).unwrap();
    assert!(trace(&o, "Cache").error.as_deref().unwrap().contains("memory budget of 16777216 bytes"), "{:?}", o.trace);
    assert_eq!(o.tags, ["after"]);
}

#[test]
fn map_of_small_entries_hits_the_memory_budget() {
    let src = r#"rule "Many keys" { let m = #{}; let i = 0; loop { m["key number " + i] = i; i += 1; } }"#;
    let opts = RuleOptions { max_operations_per_rule: 0, memory_budget_bytes: MIB, ..memory_only() };
    expect_memory_limit("Many keys", src, opts);
}

#[test]
fn array_filled_by_index_and_nested_maps_of_arrays_hit_the_memory_budget() {
    let by_index = format!(r#"rule "Array" {{ {HALF_MIB} let a = []; a.pad(64, ""); for i in 0..64 {{ a[i] = s + i; }} }}"#);
    expect_memory_limit("Array", &by_index, memory_only());
    let nested = format!(
        r#"rule "Nested" {{ {HALF_MIB} let m = #{{}}; for k in 0..64 {{ let key = "k" + k; m[key] = []; m[key].pad(2, ""); m[key][0] = s + k; m[key][1] = s + k + 1; }} }}"#
    );
    expect_memory_limit("Nested", &nested, memory_only());
}

#[test]
fn array_grown_by_push_hits_a_limit() {
    // `push` is size-checked by Rhai itself: the array's strings pass the string limit first.
    let src = format!(r#"rule "Push" {{ {HALF_MIB} let a = []; loop {{ a.push(s + a.len()); }} }}"#);
    match run(&src, memory_only(), &ticket("s", "b")) {
        Err(RuleError::Limit { rule, message }) => assert!(rule == "Push" && message.contains("Length of string"), "{message}"),
        other => panic!("expected Limit, got {other:?}"),
    }
}

#[test]
fn many_variables_each_holding_a_large_string_hit_the_memory_budget() {
    // Each value is under every per-value limit; only their total is too much.
    let lets: String = (0..64).map(|i| format!("let v{i} = s + {i};\n")).collect();
    let src = format!("rule \"Hoard\" {{ {HALF_MIB}\n{lets} }}");
    expect_memory_limit("Hoard", &src, memory_only());
    // Top-level code is measured too.
    let src = format!("{HALF_MIB}\n{lets}rule \"Late\" {{ }}");
    expect_memory_limit(triagekit_rules::TOP_LEVEL, &src, memory_only());
}

#[test]
fn strings_kept_by_closures_and_by_recursion_hit_the_memory_budget() {
    let closures = format!(r#"rule "Closures" {{ {HALF_MIB} let fs = []; for i in 0..64 {{ let t = s + i; fs.push(|| t.len()); }} }}"#);
    expect_memory_limit("Closures", &closures, memory_only());
    let recursion = format!(
        "fn deep(n, t) {{ if n > 0 {{ deep(n - 1, t + n) }} else {{ loop {{ }} }} }}\nrule \"Recursion\" {{ {HALF_MIB} deep(30, s); }}"
    );
    expect_memory_limit("Recursion", &recursion, RuleOptions { memory_budget_bytes: 8 * MIB, ..memory_only() });
}

#[test]
fn string_doubling_hits_the_string_limit() {
    // Doubling outruns any measuring cadence; the per-value string limit stops it first.
    let src = r#"rule "Doubling" { let s = "x"; loop { s += s; } }"#;
    match run(src, RuleOptions { max_operations_per_rule: 0, ..memory_only() }, &ticket("s", "b")) {
        Err(RuleError::Limit { rule, message }) => assert!(rule == "Doubling" && message.contains("Length of string"), "{message}"),
        other => panic!("expected Limit, got {other:?}"),
    }
}

#[test]
fn the_memory_budget_is_on_what_is_held_not_on_what_was_built() {
    // Each rule holds ~10 MB and lets it go when it ends: no rule is over 16 MiB.
    let one = |name: &str| format!(r#"rule "{name}" {{ {HALF_MIB} let a = []; a.pad(20, ""); for i in 0..20 {{ a[i] = s + i; }} }}"#);
    let src = format!("{}\n{}\n{}", one("A"), one("B"), one("C"));
    let o = run(&src, memory_only(), &ticket("s", "b")).unwrap();
    assert!(o.trace.iter().all(|t| t.error.is_none()), "{:?}", o.trace);
}

#[test]
fn pad_loop_ends_at_the_time_budget_and_later_rules_fail_at_once() {
    let src = r#"rule "Pad" { loop { let s = ""; s.pad(1000000, "x"); } }
                 rule "After" { add_tag("after"); }"#;
    let opts = RuleOptions { max_operations_per_rule: 0, ..RuleOptions::default() };
    match run(src, opts.clone(), &ticket("s", "b")) {
        Err(RuleError::TimeLimit { rule, budget_ms }) => assert_eq!((rule.as_str(), budget_ms), ("Pad", 50)),
        other => panic!("expected TimeLimit, got {other:?}"),
    }
    let lenient = RuleSet::compile(src, "t.rhai", opts).unwrap();
    let o = lenient.evaluate_at(&ticket("s", "b"), &ModelView::default(), NOW).unwrap();
    assert!(trace(&o, "Pad").error.as_deref().unwrap().contains("time budget of 50 ms"), "{:?}", o.trace);
    assert!(trace(&o, "After").error.as_deref().unwrap().contains("time budget"), "{:?}", o.trace);
    assert!(o.tags.is_empty());
    // The next ticket has a budget of its own: its first rule fails by its own time again.
    let o = lenient.evaluate_at(&ticket("s", "b"), &ModelView::default(), NOW).unwrap();
    assert_eq!(o.trace.len(), 2);
}

#[test]
fn to_lower_loop_on_a_large_ticket_ends_at_the_time_budget() {
    let body = "Ab".repeat(64 * 1024);
    let t = ticket("subject", &body);
    let src = r#"rule "Lower" { loop { let x = ticket.text.to_lower(); } }"#;
    let opts = RuleOptions { max_operations_per_rule: 0, time_budget_ms: 20, ..RuleOptions::default() };
    match run(src, opts, &t) {
        Err(RuleError::TimeLimit { rule, budget_ms }) => assert_eq!((rule.as_str(), budget_ms), ("Lower", 20)),
        other => panic!("expected TimeLimit, got {other:?}"),
    }
}

#[test]
fn time_budget_zero_leaves_the_operation_budget_in_charge() {
    let src = r#"rule "Pad" { loop { let s = ""; s.pad(1000, "x"); } }"#;
    let opts = RuleOptions { time_budget_ms: 0, max_operations_per_rule: 2_000, ..RuleOptions::default() };
    assert!(matches!(run(src, opts, &ticket("s", "b")), Err(RuleError::OperationLimit { .. })));
}

#[test]
fn checked_pad_and_replace_keep_rhai_semantics() {
    let src = r#"rule "s" {
        let a = "ab"; a.pad(5, "xy"); add_tag(a);
        let b = "é"; b.pad(3, 'z'); add_tag(b);
        let c = "c"; c.pad(4, ""); add_tag(c);
        let d = "aXbX"; d.replace("X", "yy"); add_tag(d);
        let e = "aXbX"; e.replace('X', '-'); add_tag(e);
        let f = "ab"; f.replace("", "."); add_tag(f);
    }"#;
    assert_eq!(eval(src, &ticket("s", "b")).tags, ["abxyx", "ézz", "c", "ayybyy", "a-b-", ".a.b."]);
}

#[test]
fn replace_that_would_pass_the_string_limit_fails_before_building_it() {
    // Each of half a million "x" replaced by half a megabyte: 256 GB if it were built.
    let src = format!(r#"rule "Replace" {{ {HALF_MIB} s.replace("x", s); }}"#);
    match run(&src, memory_only(), &ticket("s", "b")) {
        Err(RuleError::Limit { rule, message }) => assert!(rule == "Replace" && message.contains("Length of string"), "{message}"),
        other => panic!("expected Limit, got {other:?}"),
    }
}
