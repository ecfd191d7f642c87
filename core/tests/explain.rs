//! `explain`: the model's top n-grams per head in the decision trace, from the engine option
//! or a per-call override, and from the CLI.

use std::sync::Arc;

use serde_json::{json, Value};
use triagekit::model::{Model, TrainConfig};
use triagekit::rules::{RuleOptions, RuleSet};
use triagekit::{CallOptions, Engine, EngineOptions, Ticket};

/// Two heads where one word decides each class.
fn model() -> Arc<Model> {
    let words = [("printer", "hardware", "desk"), ("invoice", "billing", "finance"), ("password", "access", "accounts")];
    let filler = ["my", "the", "is", "broken", "again", "please", "help", "today", "urgent", "since", "friday"];
    let (mut texts, mut category, mut group) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..30 {
        for (word, cat, grp) in words {
            let a = filler[i % filler.len()];
            let b = filler[(i * 7 + 3) % filler.len()];
            texts.push(format!("{a} {word} {b}"));
            category.push(Some(cat.to_string()));
            group.push(Some(grp.to_string()));
        }
    }
    let heads = vec![("category".to_string(), category), ("group".to_string(), group)];
    Arc::new(Model::fit(&texts, &heads, &TrainConfig::default()).unwrap())
}

fn engine(options: EngineOptions) -> Engine {
    let rules = RuleSet::compile("", "empty.rhai", RuleOptions::default()).unwrap();
    Engine::new(rules, Some(model()), None, options).unwrap()
}

fn ticket(subject: &str) -> Ticket {
    Ticket::from_value(json!({"id": "t1", "subject": subject, "created_at": "2026-11-23T10:30:00Z"})).unwrap()
}

fn trace_json(engine: &Engine, call: CallOptions) -> Value {
    let d = engine.triage_input_with(Ok(ticket("the printer is broken again")), call).unwrap();
    serde_json::from_str::<Value>(&d.to_json(true)).unwrap()["trace"].clone()
}

#[test]
fn off_by_default_and_absent_from_the_json() {
    let e = engine(EngineOptions::default());
    let trace = trace_json(&e, CallOptions::default());
    assert!(trace.get("model_explanation").is_none(), "{trace}");
    assert_eq!(trace["model"].as_array().unwrap().len(), 2);
}

#[test]
fn the_engine_option_explains_every_head_with_its_deciding_word() {
    let e = engine(EngineOptions { explain: 2, ..EngineOptions::default() });
    let d = e.triage(&ticket("the printer is broken again")).unwrap();
    let heads: Vec<(&str, &str)> = d.trace.model_explanation.iter().map(|h| (h.head.as_str(), h.label.as_str())).collect();
    assert_eq!(heads, [("category", "hardware"), ("group", "desk")]);
    for (explained, predicted) in d.trace.model_explanation.iter().zip(&d.trace.model) {
        assert_eq!((&explained.head, &explained.label), (&predicted.head, &predicted.label));
        assert_eq!(explained.supporting[0].ngram, "printer", "{explained:?}");
        assert!(explained.supporting.len() <= 2 && explained.opposing.len() <= 2);
    }
    let json: Value = serde_json::from_str(&d.to_json(true)).unwrap();
    let first = &json["trace"]["model_explanation"][0];
    assert_eq!(first["supporting"][0]["ngram"], "printer");
    assert_eq!(first["supporting"][0]["kind"], "word");
    // The trace still round-trips through serde.
    let back: triagekit::Decision = serde_json::from_value(json).unwrap();
    assert_eq!(back.trace.model_explanation, d.trace.model_explanation);
    // From an options file, too.
    let options: EngineOptions = serde_json::from_str(r#"{"explain": 4}"#).unwrap();
    assert_eq!(options.explain, 4);
}

#[test]
fn a_call_overrides_the_engine_option_both_ways() {
    let off = engine(EngineOptions::default());
    let on = engine(EngineOptions { explain: 3, ..EngineOptions::default() });
    let asked = trace_json(&off, CallOptions { explain: Some(1), ..CallOptions::default() });
    assert_eq!(asked["model_explanation"][0]["supporting"].as_array().unwrap().len(), 1);
    assert!(trace_json(&on, CallOptions { explain: Some(0), ..CallOptions::default() }).get("model_explanation").is_none());
    assert!(trace_json(&on, CallOptions::default()).get("model_explanation").is_some());
    // Batches take the same override, per slot.
    let inputs = vec![Ok(ticket("my invoice is wrong")), Ok(ticket("password expired"))];
    let results = off.triage_inputs_with(inputs, CallOptions { explain: Some(1), commit: Some(false) });
    let labels: Vec<&str> = results.iter().map(|r| r.as_ref().unwrap().trace.model_explanation[0].supporting[0].ngram.as_str()).collect();
    assert_eq!(labels, ["invoice", "password"]);
}

#[test]
fn without_a_model_there_is_nothing_to_explain() {
    let rules = RuleSet::compile("", "empty.rhai", RuleOptions::default()).unwrap();
    let e = Engine::new(rules, None, None, EngineOptions { explain: 5, ..EngineOptions::default() }).unwrap();
    assert!(e.triage(&ticket("printer")).unwrap().trace.model_explanation.is_empty());
}

/// Runs the `triagekit` binary with `stdin`, returning its stdout lines as JSON.
fn cli(args: &[&str], stdin: &str) -> Vec<Value> {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_triagekit"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn the_cli_explains_in_predict_and_in_the_triage_trace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.tkm");
    model().save(&path).unwrap();
    let m = path.to_str().unwrap();
    let ticket = "{\"subject\": \"my password expired\"}\n";
    let lines = cli(&["predict", "--model", m, "--explain", "2"], ticket);
    let category = &lines[0]["predictions"]["category"];
    assert_eq!(category["label"], "access");
    assert_eq!(category["explanation"]["supporting"][0]["ngram"], "password");
    assert!(cli(&["predict", "--model", m], ticket)[0]["predictions"]["category"].get("explanation").is_none());

    let rules = dir.path().join("r.rhai");
    std::fs::write(&rules, "").unwrap();
    let args = ["triage", "--rules", rules.to_str().unwrap(), "--model", m, "--dry-run", "--now", "2026-11-23T10:00:00Z"];
    let explained = cli(&[&args[..], &["--explain", "1"]].concat(), ticket);
    assert_eq!(explained[0]["trace"]["model_explanation"][1]["head"], "group");
    assert_eq!(explained[0]["trace"]["model_explanation"][1]["supporting"][0]["ngram"], "password");
    assert!(cli(&args, ticket)[0]["trace"].get("model_explanation").is_none());
}
