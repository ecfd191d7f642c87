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
