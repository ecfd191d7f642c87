//! `triagekit train --tune`: the CV table on stderr, the choice on stdout and in the model,
//! and the tuning section of the evaluation report.

use std::process::Command;

use serde_json::Value;

mod common;
use common::{root, triagekit};

#[test]
fn train_tune_prints_the_cv_table_and_the_report_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("tuned.tkm");
    let model_arg = model.to_str().unwrap();
    // Budget 0: only the default is evaluated, on any machine.
    let out = Command::new(env!("CARGO_BIN_EXE_triagekit"))
        .args(["train", "--data", "fixtures/train/tickets.csv", "--text", "subject,body", "--label", "category"])
        .args(["--out", model_arg, "--tune", "--budget-s", "0", "--folds", "4"])
        .current_dir(root())
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("| candidate | mean accuracy | std | cv s | status |"), "{stderr}");
    assert!(stderr.contains("| *default | "), "{stderr}");
    assert!(stderr.contains("skipped (time)"), "{stderr}");
    assert!(stderr.contains("4 folds, seed 42, budget 0 s: 1 evaluated"), "{stderr}");
    assert!(stdout.contains("tuned by 4-fold cross-validation (accuracy): chosen default ({})"), "{stdout}");

    let html = dir.path().join("report.html");
    triagekit(&[
        "eval", "--model", model_arg, "--data", "fixtures/train/tickets.csv", "--text", "subject,body", "--label", "category",
        "--report", html.to_str().unwrap(),
    ]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains(r#"<section id="tuning"><h2>Tuning</h2>"#));
    let start = r#"<script type="application/json" id="report-data">"#;
    let from = page.find(start).unwrap() + start.len();
    let data: Value = serde_json::from_str(&page[from..from + page[from..].find("</script>").unwrap()]).unwrap();
    assert_eq!(data["tuning"]["chosen"], "default");
    assert_eq!(data["tuning"]["folds"], 4);
}

#[test]
fn tuning_flags_without_tune_are_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_triagekit"))
        .args(["train", "--data", "fixtures/train/tickets.csv", "--text", "subject,body", "--label", "category", "--out", "x.tkm"])
        .args(["--budget-s", "5"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tune"));
}
