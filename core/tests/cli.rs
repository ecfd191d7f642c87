//! The `triagekit` command as admins and scripts use it: exit codes, positions, line order.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn triagekit(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_triagekit"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn rules_check_lists_rules_in_order_or_reports_the_position() {
    let out = triagekit(&["rules", "check", "fixtures/rules/helpdesk.rhai"], "");
    assert!(out.status.success());
    let listing = text(&out.stdout);
    let default = listing.find("Default routing").unwrap();
    let outage = listing.find("Outage is P1 [stop]").unwrap();
    assert!(default < outage);

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.rhai");
    std::fs::write(&bad, "rule \"ok\" { set_group(\"a\"); }\n\nrule \"broken\" { set_group(\"a\"; }\n").unwrap();
    let out = triagekit(&["rules", "check", bad.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let message = text(&out.stderr);
    assert!(message.starts_with(&format!("{}:3:", bad.display())), "{message}");
}

#[test]
fn rules_test_passes_the_fixture_cases_and_shows_a_diff_on_failure() {
    let out = triagekit(
        &["rules", "test", "fixtures/rules/helpdesk.rhai", "--cases", "fixtures/rules/helpdesk.cases.jsonl"],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains(" passed, 0 failed"));

    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases.jsonl");
    std::fs::write(
        &cases,
        r#"{"ticket": {"subject": "VPN outage", "created_at": "2026-11-23T10:00:00Z"}, "expect": {"group": "billing", "priority": "P1"}}"#,
    )
    .unwrap();
    let out = triagekit(&["rules", "test", "fixtures/rules/helpdesk.rhai", "--cases", cases.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(report.contains("group: expected \"billing\", got \"network-ops\""), "{report}");
    assert!(!report.contains("priority:"), "matching fields are not reported: {report}");
}

#[test]
fn triage_keeps_order_and_reports_bad_lines_without_stopping() {
    let input = concat!(
        r#"{"id": "a", "subject": "Forgot password, locked out", "channel": "chat", "created_at": "2026-11-23T10:00:00Z"}"#,
        "\n{broken\n\n",
        r#"{"id": "b", "subject": 5}"#,
        "\n",
        r#"{"id": "c", "subject": "Site down", "body": "outage", "channel": "phone", "created_at": "2026-11-23T10:00:00Z"}"#,
        "\n"
    );
    let out = triagekit(
        &["triage", "--rules", "fixtures/rules/helpdesk.rhai", "--agents", "fixtures/agents.json", "--no-trace"],
        input,
    );
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["ticket_id"], "a");
    assert_eq!(lines[0]["group"], "accounts");
    assert_eq!(lines[0]["agent"], "ana");
    assert!(lines[0].get("trace").is_none());
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["error"]["code"], "INVALID_TICKET");
    assert_eq!(lines[2]["line"], 4);
    assert!(lines[2]["error"]["message"].as_str().unwrap().contains("subject"));
    assert_eq!(lines[3]["ticket_id"], "c");
    assert_eq!(lines[3]["priority"], "P1");
}

#[test]
fn train_eval_and_predict_round_trip_through_a_model_file() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.tkm");
    let m = model.to_str().unwrap();
    let out = triagekit(
        &["train", "--data", "fixtures/train/tickets.csv", "--text", "subject,body", "--label", "category", "--out", m],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = triagekit(
        &["eval", "--model", m, "--data", "fixtures/train/tickets.csv", "--text", "subject,body", "--label", "category", "--json"],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let accuracy = report["heads"]["category"]["accuracy"].as_f64().unwrap();
    assert!(accuracy > 0.9, "training-set accuracy {accuracy}");
    assert!(report["heads"]["category"]["per_class"].as_object().unwrap().len() >= 5);

    let out = triagekit(&["predict", "--model", m], "{\"subject\": \"I forgot my password\"}\n[1]\n");
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[1]["error"].is_object() && lines[1]["line"] == 2, "{}", lines[1]);

    // The rules see the model: triage with it fills model-based categories.
    let out = triagekit(
        &["triage", "--rules", "fixtures/rules/helpdesk.rhai", "--model", m, "--dry-run"],
        "{\"subject\": \"Shared mailbox missing from Outlook\", \"created_at\": \"2026-11-23T10:00:00Z\"}\n",
    );
    let decision: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(decision["trace"]["model"][0]["head"], "category");
    assert_eq!(decision["confidence"], decision["trace"]["model"][0]["confidence"]);
}

/// Office-hours routing in UTC, so the clock alone decides the group of a ticket without
/// `created_at`.
const OFFICE_RULES: &str = r#"
rule "Office" when within_hours(ticket.created_at, "UTC", "Mon-Fri", "09:00", "17:00") { set_group("office"); }
rule "Night" when !within_hours(ticket.created_at, "UTC", "Mon-Fri", "09:00", "17:00") { set_group("night"); }
"#;
/// A Monday at 10:00 UTC and a Saturday at 23:30 UTC.
const WEEKDAY_NOON: &str = "2026-11-23T10:00:00Z";
const SATURDAY_NIGHT: &str = "2026-11-28T23:30:00Z";

#[test]
fn now_decides_triage_and_rules_test_for_tickets_without_created_at() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("office.rhai");
    std::fs::write(&rules, OFFICE_RULES).unwrap();
    let rules = rules.to_str().unwrap();
    let group_at = |now: &str| {
        let out = triagekit(&["triage", "--rules", rules, "--no-trace", "--now", now], "{\"id\": \"t\", \"subject\": \"hi\"}\n");
        assert!(out.status.success(), "{}", text(&out.stderr));
        let decision: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        decision["group"].as_str().unwrap().to_string()
    };
    assert_eq!(group_at(WEEKDAY_NOON), "office");
    assert_eq!(group_at(SATURDAY_NIGHT), "night");
    // `created_at` wins over --now.
    let out = triagekit(
        &["triage", "--rules", rules, "--no-trace", "--now", SATURDAY_NIGHT],
        &format!("{{\"subject\": \"hi\", \"created_at\": \"{WEEKDAY_NOON}\"}}\n"),
    );
    assert!(text(&out.stdout).contains("\"group\":\"office\""), "{}", text(&out.stdout));

    let cases = dir.path().join("cases.jsonl");
    std::fs::write(&cases, "{\"ticket\": {\"subject\": \"hi\"}, \"expect\": {\"group\": \"office\"}}\n").unwrap();
    let cases = cases.to_str().unwrap();
    let out = triagekit(&["rules", "test", rules, "--cases", cases, "--now", WEEKDAY_NOON], "");
    assert!(out.status.success(), "{}", text(&out.stdout));
    let out = triagekit(&["rules", "test", rules, "--cases", cases, "--now", SATURDAY_NIGHT], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("group: expected \"office\", got \"night\""), "{}", text(&out.stdout));

    let out = triagekit(&["triage", "--rules", rules, "--now", "tomorrow"], "");
    assert_eq!(out.status.code(), Some(2), "a bad --now is a usage error");
}

/// Runs the CLI with stdout a pipe the reader closes after `keep` lines (0: before any output),
/// as `| head -1` does; returns the exit code and stderr.
fn with_closed_stdout(args: &[&str], stdin: String, keep: usize) -> (Option<i32>, String) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_triagekit"))
        .args(args)
        .current_dir(root())
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // The child may stop reading once its output is gone: a failed write here is expected.
    let writer = std::thread::spawn(move || drop(input.write_all(stdin.as_bytes())));
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    for _ in 0..keep {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "{args:?} ended before {keep} lines");
    }
    drop(stdout);
    writer.join().unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code(), text(&out.stderr))
}

#[test]
fn every_subcommand_exits_quietly_when_stdout_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    // Enough output to overflow a pipe buffer (64 KiB) several times.
    let many_rules: String = (0..3000).map(|i| format!("rule \"route number {i}\" {{ add_tag(\"t{i}\"); }}\n")).collect();
    std::fs::write(path("many.rhai"), many_rules).unwrap();
    let cases: String = (0..3000).map(|_| "{\"ticket\": {\"subject\": \"hi\"}, \"expect\": {}}\n").collect();
    std::fs::write(path("cases.jsonl"), cases).unwrap();
    let tickets: String = (0..3000).map(|i| format!("{{\"id\": \"{i}\", \"subject\": \"VPN down\"}}\n")).collect();
    let model = path("m.tkm");
    let data = ["--data", "fixtures/train/tickets.csv", "--text", "subject,body", "--label", "category"];
    let out = triagekit(&[&["train"][..], &data, &["--out", &model]].concat(), "");
    assert!(out.status.success(), "{}", text(&out.stderr));

    let (many, cases, model2) = (path("many.rhai"), path("cases.jsonl"), path("m2.tkm"));
    let runs: Vec<(Vec<&str>, String, usize)> = vec![
        (vec!["rules", "check", &many], String::new(), 1),
        (vec!["rules", "test", &many, "--cases", &cases, "--now", WEEKDAY_NOON], String::new(), 1),
        (vec!["triage", "--rules", "fixtures/rules/helpdesk.rhai", "--now", WEEKDAY_NOON], tickets.clone(), 1),
        (vec!["triage", "--rules", "fixtures/rules/helpdesk.rhai", "--batch", "64", "--now", WEEKDAY_NOON], tickets.clone(), 1),
        (vec!["predict", "--model", &model], tickets.clone(), 1),
        ([&["train"][..], &data, &["--out", &model2]].concat(), String::new(), 0),
        ([&["eval", "--model", &model][..], &data].concat(), String::new(), 0),
        ([&["eval", "--model", &model][..], &data, &["--json"]].concat(), String::new(), 0),
    ];
    for (args, stdin, keep) in runs {
        let (code, stderr) = with_closed_stdout(&args, stdin, keep);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}
