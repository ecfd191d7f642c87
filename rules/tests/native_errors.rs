//! The native fast path reports action errors exactly as the interpreter does: the same
//! message in the rule's trace, no `stop` after a failed rule, and the error in strict mode.

use triagekit_rules::{ModelView, RuleError, RuleOptions, RuleSet, RulesOutcome, TicketView};

/// A fixed clock: no test reads the machine's.
const NOW: jiff::Timestamp = jiff::Timestamp::constant(1_763_467_200, 0);

/// Top-level code other than rules and literal constants turns the native driver off, so
/// rules go through the per-rule fast step instead; both must behave the same.
const NO_DRIVER: &str = "let unused = 1 + 2;\n";

fn run(src: &str, options: RuleOptions) -> Result<RulesOutcome, String> {
    let rules = RuleSet::compile(src, "t.rhai", options).unwrap();
    let t = TicketView { subject: "refund please".into(), ..TicketView::default() };
    rules.evaluate_at(&t, &ModelView::default(), NOW).map_err(|e: RuleError| e.to_string())
}

/// Runs `src` natively and through the interpreter, with and without the native driver, in
/// both modes, and checks every pair agrees; returns the non-strict native outcome.
fn both_ways(src: &str) -> RulesOutcome {
    let mut first = None;
    for prefix in ["", NO_DRIVER] {
        let src = format!("{prefix}{src}");
        for strict in [false, true] {
            let native = run(&src, RuleOptions { strict, ..RuleOptions::default() });
            let rhai = run(&src, RuleOptions { strict, native: false, ..RuleOptions::default() });
            assert_eq!(native, rhai, "strict {strict}, source:\n{src}");
            if !strict && prefix.is_empty() {
                first = native.ok();
            }
        }
    }
    first.unwrap()
}

fn long(n: usize) -> String {
    "é".repeat(n / 2)
}

#[test]
fn an_over_long_review_reason_is_a_rule_error_and_stop_is_not_taken() {
    let src = format!(
        "rule \"Long\" stop when contains_any(ticket.text, [\"refund\"]) {{\n  add_tag(\"first\");\n  needs_review(\"{}\");\n  add_tag(\"never\");\n}}\nrule \"After\" {{ add_tag(\"after\"); }}\n",
        long(300)
    );
    let out = both_ways(&src);
    let err = out.trace[0].error.as_deref().unwrap();
    assert_eq!(err, "rule \"Long\": Runtime error: needs_review value is 300 bytes long; the limit is 256 (line 3, column 3)");
    assert_eq!(out.tags, ["first", "after"], "earlier actions stay, later ones do not run");
    assert_eq!(out.stopped_by, None, "a failed rule does not stop");
    assert!(!out.needs_review);
}

#[test]
fn more_than_64_actions_is_a_rule_error() {
    let tags: String = (0..70).map(|i| format!("add_tag(\"t{i}\"); ")).collect();
    let src = format!("rule \"Many\" stop {{ {tags} }}\nrule \"After\" {{ set_group(\"g\"); }}\n");
    let out = both_ways(&src);
    assert!(out.trace[0].error.as_deref().unwrap().contains("at most 64 actions"), "{:?}", out.trace[0].error);
    assert_eq!(out.trace[0].actions.len(), 64);
    assert_eq!(out.group.as_deref(), Some("g"));
}

#[test]
fn strict_mode_returns_the_native_action_error() {
    let src = format!("rule \"Long\" {{ set_group(\"{}\"); }}\nrule \"After\" {{ add_tag(\"after\"); }}\n", "g".repeat(257));
    both_ways(&src);
    let err = run(&src, RuleOptions { strict: true, ..RuleOptions::default() }).unwrap_err();
    assert_eq!(err, "rule \"Long\": Runtime error: group value is 257 bytes long; the limit is 256 (line 1, column 15)");
}

#[test]
fn model_strings_over_the_limit_are_errors_on_both_paths() {
    let src = "rule \"Cat\" { add_tag(\"x\"); set_category(model.category); }\n";
    let label = "c".repeat(300);
    let model = ModelView {
        loaded: true,
        version: "v".into(),
        heads: vec![triagekit_rules::HeadView { name: "category".into(), label: label.into(), confidence: 0.9, top: vec![] }],
    };
    for strict in [false, true] {
        let eval = |native| {
            let rules = RuleSet::compile(src, "t.rhai", RuleOptions { strict, native, ..RuleOptions::default() }).unwrap();
            rules.evaluate_at(&TicketView::default(), &model, NOW).map_err(|e| e.to_string())
        };
        let native = eval(true);
        assert_eq!(native, eval(false));
        if !strict {
            assert!(native.unwrap().trace[0].error.as_deref().unwrap().contains("category value is 300 bytes long"));
        }
    }
}

#[test]
fn a_rule_over_a_small_operation_budget_fails_natively_too() {
    let tags: String = (0..40).map(|i| format!("add_tag(\"t{i}\"); ")).collect();
    let src = format!("rule \"Big\" {{ {tags} }}\nrule \"Small\" {{ add_tag(\"s\"); }}\n");
    for budget in [5, 20, 60, 100, 200, 1000] {
        for strict in [false, true] {
            let opts = RuleOptions { strict, max_operations_per_rule: budget, ..RuleOptions::default() };
            let native = run(&src, opts.clone());
            let rhai = run(&src, RuleOptions { native: false, ..opts });
            assert_eq!(native, rhai, "budget {budget} strict {strict}");
        }
    }
}

#[test]
fn a_native_condition_counts_towards_the_budget_of_an_interpreted_body() {
    for budget in [100, 150, 200] {
        for n in (0..100).step_by(3) {
            let src = format!(
                "rule \"Loop\" when contains_any(ticket.text, [\"refund\"]) && ticket.channel != \"chat\" && !model.loaded {{ let n = 0; while n < {n} {{ n += 1; }} }}\n"
            );
            let opts = RuleOptions { max_operations_per_rule: budget, ..RuleOptions::default() };
            assert_eq!(run(&src, opts.clone()), run(&src, RuleOptions { native: false, ..opts }), "budget {budget}, {n} loops");
        }
    }
}

#[test]
fn top_level_constants_between_native_rules_have_the_budget_they_have_in_rhai() {
    let consts = |from: usize| (from..from + 30).map(|i| format!("const C{i} = [\"a{i}\"];\n")).collect::<String>();
    let src = format!("{}rule \"Native\" {{ add_tag(\"n\"); }}\n{}rule \"Last\" {{ add_tag(\"l\"); }}\n", consts(0), consts(30));
    for budget in (32..100).step_by(4) {
        let opts = RuleOptions { max_operations_per_rule: budget, ..RuleOptions::default() };
        assert_eq!(run(&src, opts.clone()), run(&src, RuleOptions { native: false, ..opts }), "budget {budget}");
    }
}
