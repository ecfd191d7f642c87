mod common;

use common::*;
use triagekit_rules::{RuleError, RuleOptions, RuleSet};

fn compile_err(src: &str) -> RuleError {
    RuleSet::compile(src, "rules.rhai", RuleOptions::default()).unwrap_err()
}

#[test]
fn syntax_error_has_exact_file_line_column_and_display() {
    let err = compile_err("rule \"a\" {}\n\nrule \"b\" when ticket.subject == ) { }\n");
    match &err {
        RuleError::Syntax { file, line, column, message } => {
            assert_eq!((file.as_str(), *line), ("rules.rhai", 3));
            assert!(*column > 0);
            assert_eq!(err.to_string(), format!("rules.rhai:3:{column}: {message}"));
        }
        other => panic!("expected Syntax, got {other:?}"),
    }
}

#[test]
fn syntax_error_column_points_at_the_bad_token() {
    // `let = 5` fails at the `=`, column 14 of line 2.
    match compile_err("rule \"a\" {}\nrule \"b\" { let = 5; }") {
        RuleError::Syntax { line, column, .. } => assert_eq!((line, column), (2, 16)),
        other => panic!("expected Syntax, got {other:?}"),
    }
}

#[test]
fn missing_block_after_rule_name_is_explained() {
    match compile_err("rule \"a\" set_group(\"x\");") {
        RuleError::Syntax { line, column, message, .. } => {
            assert_eq!((line, column), (1, 10));
            assert!(message.contains("expected 'stop', 'when' or '{'"), "{message}");
        }
        other => panic!("expected Syntax, got {other:?}"),
    }
}

#[test]
fn duplicate_rule_names_fail_at_load_with_the_second_line() {
    match compile_err("rule \"same\" {}\nrule \"other\" {}\nrule \"same\" {}") {
        RuleError::DuplicateRule { file, line, name } => assert_eq!((file.as_str(), line, name.as_str()), ("rules.rhai", 3, "same")),
        other => panic!("expected DuplicateRule, got {other:?}"),
    }
}

#[test]
fn rules_inside_functions_or_rules_are_refused() {
    for src in ["fn f() { rule \"inner\" {} }", "rule \"outer\" {\n rule \"inner\" {} }", "if ticket.id == \"1\" {\n  rule \"x\" {} }"] {
        match RuleSet::compile(src, "rules.rhai", RuleOptions::default()).map(|r| r.rules().to_vec()).unwrap_err() {
            RuleError::Invalid { message, .. } => assert!(message.contains("top level"), "{message}"),
            other => panic!("expected Invalid for {src}, got {other:?}"),
        }
    }
}

#[test]
fn empty_rule_name_is_refused() {
    assert!(matches!(compile_err("rule \"  \" {}"), RuleError::Invalid { line: 1, .. }));
}

#[test]
fn throw_is_recorded_in_the_trace_with_position_and_evaluation_goes_on() {
    let o = eval(
        "rule \"thrower\" {\n  add_tag(\"before\");\n  throw \"boom\";\n}\nrule \"next\" { add_tag(\"next\"); }",
        &ticket("s", "b"),
    );
    let t = trace(&o, "thrower");
    assert!(t.matched);
    let err = t.error.as_deref().unwrap();
    assert!(err.contains("boom") && err.contains("line 3"), "{err}");
    assert_eq!(o.tags, ["before", "next"], "actions before the error are kept");
}

#[test]
fn unknown_function_and_type_error_are_runtime_errors() {
    let src = r#"rule "unknown" { no_such_function(1); }
                 rule "types" when ticket.subject - 1 > 3 { }
                 rule "ok" { add_tag("ok"); }"#;
    let o = eval(src, &ticket("s", "b"));
    assert!(trace(&o, "unknown").error.as_deref().unwrap().contains("no_such_function"));
    assert!(trace(&o, "types").error.is_some());
    assert_eq!(o.tags, ["ok"]);
}

#[test]
fn strict_mode_returns_the_first_runtime_error() {
    let src = "rule \"ok\" { }\nrule \"bad\" {\n no_such_function(1);\n}\nrule \"never\" { add_tag(\"x\"); }";
    match strict(src).evaluate_at(&ticket("s", "b"), &Default::default(), NOW) {
        Err(RuleError::Runtime { rule, message, line, column }) => {
            assert_eq!(rule, "bad");
            assert!(message.contains("no_such_function"), "{message}");
            assert_eq!(line, Some(3));
            assert!(column.is_some());
        }
        other => panic!("expected Runtime, got {other:?}"),
    }
}

#[test]
fn catchable_errors_can_be_handled_inside_a_rule() {
    let o = eval(r#"rule "c" { try { throw "x"; } catch (e) { add_tag("caught " + e); } }"#, &ticket("s", "b"));
    assert_eq!(o.tags, ["caught x"]);
    assert!(trace(&o, "c").error.is_none());
}

#[test]
fn syntax_error_columns_past_65535_are_exact() {
    // Rhai keeps positions in 16 bits; a generated one-line rule file goes past that.
    let pad = " ".repeat(70_000);
    let src = format!("rule \"a\" {{{pad} let = 5; }}");
    let want = "rule \"a\" {".len() + pad.len() + " let ".len() + 1;
    match compile_err(&src) {
        RuleError::Syntax { line, column, .. } => assert_eq!((line, column), (1, want)),
        other => panic!("expected Syntax, got {other:?}"),
    }
}

#[test]
fn syntax_error_lines_past_65535_are_exact() {
    let src = format!("{}rule \"a\" {{ let = 5; }}", "\n".repeat(70_000));
    match compile_err(&src) {
        RuleError::Syntax { line, column, .. } => assert_eq!((line, column), (70_001, 16)),
        other => panic!("expected Syntax, got {other:?}"),
    }
}

#[test]
fn literal_and_runtime_error_columns_past_65535_are_exact() {
    let pad = " ".repeat(70_000);
    let src = format!("rule \"a\" {{{pad}set_priority(\"P9\"); }}");
    match compile_err(&src) {
        RuleError::InvalidLiteral { line, column, .. } => assert_eq!((line, column), (1, 10 + 70_000 + "set_priority(".len() + 1)),
        other => panic!("expected InvalidLiteral, got {other:?}"),
    }
    let src = format!("rule \"bad\" {{{pad}no_such_function(1); }}");
    match strict(&src).evaluate_at(&ticket("s", "b"), &Default::default(), NOW) {
        Err(RuleError::Runtime { line, column, .. }) => assert_eq!((line, column), (Some(1), Some(12 + 70_000 + 1))),
        other => panic!("expected Runtime, got {other:?}"),
    }
}
