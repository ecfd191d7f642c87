//! Literal arguments are checked at load, with their position and what is allowed.

use triagekit_rules::{RuleError, RuleOptions, RuleSet};

/// The load error of `src` as (line, column, message).
fn load_error(src: &str) -> (usize, usize, String) {
    match RuleSet::compile(src, "lit.rhai", RuleOptions::default()) {
        Err(RuleError::InvalidLiteral { file, line, column, message }) => {
            assert_eq!(file, "lit.rhai");
            (line, column, message)
        }
        other => panic!("expected InvalidLiteral for {src}, got {other:?}"),
    }
}

#[test]
fn bad_within_hours_literals_fail_at_load_with_their_position() {
    let (line, column, msg) =
        load_error("rule \"ok\" { }\nrule \"d\" when within_hours(ticket.created_at, \"UTC\", \"Mon-Funday\", \"09:00\", \"17:00\") { }");
    assert_eq!((line, column), (2, 54));
    assert!(msg.contains("unknown weekday \"Funday\"") && msg.contains("Mon-Fri"), "{msg}");

    let (line, column, msg) = load_error(r#"rule "z" when within_hours(ticket.created_at, "Mars/Olympus", "09:00", "17:00") { }"#);
    assert_eq!((line, column), (1, 47));
    assert!(msg.contains("Mars/Olympus") && msg.contains("IANA"), "{msg}");

    let (_, column, msg) = load_error(r#"rule "t" when within_hours(ticket.created_at, "UTC", "9am", "17:00") { }"#);
    assert_eq!(column, 54);
    assert!(msg.contains("start") && msg.contains("\"09:00\""), "{msg}");

    let (_, _, msg) = load_error(r#"rule "t" when within_hours(ticket.created_at, "UTC", "Sat,Sun", "09:00", "24:01") { }"#);
    assert!(msg.contains("end") && msg.contains("24:01"), "{msg}");
}

#[test]
fn bad_action_literals_fail_at_load() {
    let (line, column, msg) = load_error("rule \"p\" {\n    set_priority(\"P9\");\n}");
    assert_eq!((line, column), (2, 18));
    assert!(msg.contains("P1, P2, P3, P4, P5") && msg.contains("\"P9\""), "{msg}");

    let (_, _, msg) = load_error(r#"rule "s" { set_strategy("random"); }"#);
    assert!(msg.contains("round-robin, least-loaded, skills-based, manual"), "{msg}");
}

#[test]
fn bad_regex_and_priority_matrix_literals_fail_at_load() {
    let (_, column, msg) = load_error(r#"rule "r" when matches(ticket.subject, "(unclosed") { }"#);
    assert_eq!(column, 39);
    assert!(msg.contains("invalid regex") && msg.contains("(unclosed"), "{msg}");
    // Method-call style is the same call.
    let (_, column, _) = load_error(r#"rule "r" when ticket.subject.matches("(unclosed") { }"#);
    assert_eq!(column, 38);

    let (_, column, msg) = load_error(r#"rule "m" { set_priority(priority_matrix(1, 4)); }"#);
    assert_eq!(column, 44);
    assert!(msg.contains("urgency") && msg.contains("1, 2 or 3"), "{msg}");
    let (_, _, msg) = load_error(r#"rule "m" { set_priority(priority_matrix("high", 2)); }"#);
    assert!(msg.contains("impact") && msg.contains("\"high\""), "{msg}");
}

#[test]
fn good_literals_computed_values_and_own_functions_load() {
    for src in [
        r#"rule "a" when within_hours(ticket.created_at, "Europe/Berlin", "mon-FRI,sat", "09:00", "24:00") { set_priority("p2"); }"#,
        r#"rule "b" { set_strategy("manual"); set_priority(priority_matrix(3, 3)); }"#,
        r#"rule "c" when matches(ticket.subject, "(?i)^re:") { }"#,
        // Computed values are checked when the rule runs.
        r#"rule "d" { let p = "P" + 9; set_priority(p); }"#,
        // A file's own function of that name takes what it likes.
        "fn set_priority(p) { }\nrule \"e\" { set_priority(\"P9\"); }",
    ] {
        if let Err(e) = RuleSet::compile(src, "ok.rhai", RuleOptions::default()) {
            panic!("{src}: {e}");
        }
    }
}

#[test]
fn invalid_literal_display_is_file_line_column() {
    let err = RuleSet::compile(r#"rule "s" { set_strategy("x"); }"#, "rules/a.rhai", RuleOptions::default()).unwrap_err();
    assert!(err.to_string().starts_with("rules/a.rhai:1:25: set_strategy:"), "{err}");
}

#[test]
fn rule_names_must_be_printable_trimmed_and_short() {
    let long = "n".repeat(201);
    for (src, want) in [
        ("rule \"\" { }".to_string(), "must not be empty"),
        ("rule \"ok\" { }\nrule \"trailing \" { }".to_string(), "whitespace"),
        ("rule \"tab\\there\" { }".to_string(), "printable"),
        ("rule \"new\\nline\" { }".to_string(), "printable"),
        (format!("rule \"{long}\" {{ }}"), "the limit is 200"),
    ] {
        match RuleSet::compile(&src, "names.rhai", RuleOptions::default()) {
            Err(RuleError::Invalid { file, line, message }) => {
                assert_eq!(file, "names.rhai");
                assert_eq!(line, if src.starts_with("rule \"ok\"") { 2 } else { 1 });
                assert!(message.contains(want), "{src}: {message}");
            }
            other => panic!("{src}: expected Invalid, got {other:?}"),
        }
    }
    let ok = format!("rule \"{}\" {{ }}\nrule \"Überweisung prüfen\" {{ }}", "n".repeat(200));
    assert!(RuleSet::compile(&ok, "names.rhai", RuleOptions::default()).is_ok());
}
