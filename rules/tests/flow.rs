mod common;

use common::*;
use triagekit_rules::{RuleOptions, RuleSet};

const THREE: &str = r#"
rule "first" { add_tag("1"); }
rule "second" stop when ticket.subject == "stop me" { add_tag("2"); }
rule "third" { add_tag("3"); }
"#;

#[test]
fn rules_run_in_file_order() {
    let o = eval(THREE, &ticket("go on", "b"));
    assert_eq!(o.tags, ["1", "3"]);
    let names: Vec<_> = o.trace.iter().map(|t| (t.rule.as_str(), t.matched)).collect();
    assert_eq!(names, [("first", true), ("second", false), ("third", true)]);
    assert_eq!(o.stopped_by, None);
}

#[test]
fn stop_flag_ends_processing_only_when_the_rule_matches() {
    let o = eval(THREE, &ticket("stop me", "b"));
    assert_eq!(o.tags, ["1", "2"]);
    assert_eq!(o.stopped_by.as_deref(), Some("second"));
    assert_eq!(o.trace.len(), 2, "third must not run");
}

#[test]
fn stop_function_ends_the_rule_at_once_and_skips_later_rules() {
    let o = eval(
        r#"rule "a" { add_tag("before"); if ticket.channel == "email" { stop(); } add_tag("after"); }
           rule "b" { add_tag("b"); }"#,
        &ticket("s", "b"),
    );
    assert_eq!(o.tags, ["before"]);
    assert_eq!(o.stopped_by.as_deref(), Some("a"));
    let a = trace(&o, "a");
    assert_eq!(a.actions.last().map(|x| x.field.as_str()), Some("stop"));
}

#[test]
fn stop_inside_a_helper_function_and_try_catch_cannot_swallow_it() {
    let o = eval(
        r#"fn halt() { stop(); }
           rule "a" { try { halt(); } catch { add_tag("caught"); } add_tag("after"); }
           rule "b" { add_tag("b"); }"#,
        &ticket("s", "b"),
    );
    assert!(o.tags.is_empty(), "{:?}", o.tags);
    assert_eq!(o.stopped_by.as_deref(), Some("a"));
}

#[test]
fn return_ends_only_the_current_rule() {
    let o = eval(
        r#"rule "a" { add_tag("a1"); return; add_tag("a2"); }
           rule "b" { add_tag("b"); }"#,
        &ticket("s", "b"),
    );
    assert_eq!(o.tags, ["a1", "b"]);
    assert!(trace(&o, "a").error.is_none());
}

#[test]
fn unit_condition_counts_as_false_and_non_bool_is_an_error() {
    let o = eval(
        r#"rule "missing" when ticket.fields["nope"] { add_tag("x"); }
           rule "number" when 42 { add_tag("y"); }"#,
        &ticket("s", "b"),
    );
    assert!(o.tags.is_empty());
    assert!(!trace(&o, "missing").matched);
    assert!(trace(&o, "missing").error.is_none());
    assert!(trace(&o, "number").error.as_deref().unwrap().contains("bool"));
}

#[test]
fn rules_metadata_lists_name_order_stop_file_and_line() {
    let rs = RuleSet::compile(THREE, "demo.rhai", RuleOptions::default()).unwrap();
    let r = rs.rules();
    assert_eq!(r.len(), 3);
    assert_eq!((r[1].name.as_str(), r[1].order, r[1].stop, r[1].file.as_str(), r[1].line), ("second", 1, true, "demo.rhai", 3));
    assert!(!r[0].stop && !r[2].stop);
}

#[test]
fn rule_named_like_keywords_still_parses() {
    let rs = rules(r#"rule "stop" { add_tag("a"); } rule "when" stop when true { add_tag("b"); } rule "$block$" { }"#);
    assert_eq!(rs.rules().iter().map(|r| r.stop).collect::<Vec<_>>(), [false, true, false]);
}

#[test]
fn constants_and_functions_are_usable() {
    let o = eval(
        r#"const WORDS = ["refund"];
           fn is_money(t) { contains_any(t, global::WORDS) }
           rule "money" when is_money(ticket.text) && contains_any(ticket.text, WORDS) { add_tag("money"); }"#,
        &ticket("Refund please", ""),
    );
    assert_eq!(o.tags, ["money"]);
}

#[test]
fn version_is_a_stable_content_hash() {
    let a = RuleSet::compile(THREE, "a.rhai", RuleOptions::default()).unwrap();
    let b = RuleSet::compile(THREE, "b.rhai", RuleOptions { strict: true, ..RuleOptions::default() }).unwrap();
    let c = RuleSet::compile(&THREE.replace("\"3\"", "\"4\""), "a.rhai", RuleOptions::default()).unwrap();
    assert_eq!(a.version(), b.version());
    assert_ne!(a.version(), c.version());
    assert_eq!(a.version().len(), 16);
    assert!(a.version().chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(a.version(), a.clone().version());
}

#[test]
fn load_directory_orders_files_by_name_and_reports_files() {
    let dir = std::env::temp_dir().join(format!("tk-rules-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("20-late.rhai"), "rule \"late\" { add_tag(\"late\"); }\n").unwrap();
    std::fs::write(dir.join("10-early.rhai"), "\n\nrule \"early\" { add_tag(\"early\"); }\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "not rules").unwrap();
    let rs = RuleSet::load(&dir, RuleOptions::default()).unwrap();
    let names: Vec<_> = rs.rules().iter().map(|r| (r.name.as_str(), r.line)).collect();
    assert_eq!(names, [("early", 3), ("late", 1)]);
    assert!(rs.rules()[0].file.ends_with("10-early.rhai"));
    let o = rs.evaluate_at(&ticket("s", "b"), &Default::default(), NOW).unwrap();
    assert_eq!(o.tags, ["early", "late"]);
    let again = RuleSet::load(&dir, RuleOptions::default()).unwrap();
    assert_eq!(rs.version(), again.version());

    // A syntax error is reported against the right file and line.
    std::fs::write(dir.join("15-broken.rhai"), "rule \"ok\" {}\nrule \"broken\" { let = 5; }\n").unwrap();
    match RuleSet::load(&dir, RuleOptions::default()) {
        Err(triagekit_rules::RuleError::Syntax { file, line, .. }) => {
            assert!(file.ends_with("15-broken.rhai"), "{file}");
            assert_eq!(line, 2);
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn load_reports_io_errors_with_the_path() {
    let err = RuleSet::load(std::path::Path::new("/definitely/not/here.rhai"), RuleOptions::default()).unwrap_err();
    assert!(matches!(err, triagekit_rules::RuleError::Io { .. }));
    assert!(err.to_string().starts_with("/definitely/not/here.rhai: "), "{err}");
}
