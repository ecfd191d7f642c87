//! The shared bad-input table (`fixtures/bad/cases.json`, documented in `fixtures/bad/README.md`)
//! run against the Rust library and the CLI. The Python and Node suites run the same table.
//!
//! Every case must give its documented typed error (or documented safe result), the process
//! must stay up, and the good tickets triaged alongside a bad one must come out exactly as they
//! do on their own.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use triagekit::assign::Roster;
use triagekit::model::Model;
use triagekit::{load_rules, Decision, Engine, EngineOptions, Ticket, TriageError};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn bad_dir() -> PathBuf {
    root().join("fixtures/bad")
}

fn table() -> Value {
    let text = std::fs::read_to_string(bad_dir().join("cases.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The expectation for Rust: `expect_rust` if a case has one, else `expect`.
fn expectation(case: &Value) -> &Value {
    case.get("expect_rust").unwrap_or(&case["expect"])
}

fn name(case: &Value) -> &str {
    case["name"].as_str().unwrap()
}

/// The error fields (all but the message) each case produced first, per suite, written to
/// `target/bad-inputs/<suite>.json` so `scripts/compare-error-fields.py` can check that Rust,
/// the CLI, Python and Node report the same fields for every case.
static OBSERVED: Mutex<BTreeMap<&'static str, BTreeMap<String, Value>>> = Mutex::new(BTreeMap::new());

fn observe(suite: &'static str, case: &str, mut error: Value) {
    if let Some(map) = error.as_object_mut() {
        map.remove("message");
    }
    let mut all = OBSERVED.lock().unwrap();
    all.entry(suite).or_default().entry(case.to_string()).or_insert(error);
}

fn write_observed(suite: &'static str) {
    let all = OBSERVED.lock().unwrap();
    let dir = root().join("target/bad-inputs");
    std::fs::create_dir_all(&dir).unwrap();
    let text = serde_json::to_string_pretty(&all.get(suite).cloned().unwrap_or_default()).unwrap();
    std::fs::write(dir.join(format!("{suite}.json")), text).unwrap();
}

/// Prints past libtest's output capture, so `cargo test` shows the count of cases run.
fn report(line: &str) {
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

// ---------------------------------------------------------------------------------------------
// Turning a case input into the bytes a client would send (JSON text, possibly not valid JSON).

/// Renders a case value as wire bytes. Markers (`$special`, `$repeat`, `$nest`) stand for
/// inputs JSON cannot spell or that are too large to commit; deep nesting is written with loops.
fn wire(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) if map.contains_key("$special") => special(map, out),
        Value::Object(map) if map.contains_key("$repeat") => {
            let unit = map["$repeat"].as_str().unwrap();
            let bytes = map["bytes"].as_u64().unwrap() as usize;
            let text: String = unit.repeat(bytes / unit.len() + 1)[..bytes].to_string();
            out.extend_from_slice(serde_json::to_string(&text).unwrap().as_bytes());
        }
        Value::Object(map) if map.contains_key("$nest") => {
            let depth = map["$nest"].as_u64().unwrap() as usize;
            out.extend_from_slice("{\"x\":".repeat(depth).as_bytes());
            out.extend_from_slice(b"1");
            out.extend_from_slice("}".repeat(depth).as_bytes());
        }
        Value::Object(map) => {
            out.push(b'{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(serde_json::to_string(key).unwrap().as_bytes());
                out.push(b':');
                wire(item, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                wire(item, out);
            }
            out.push(b']');
        }
        scalar => out.extend_from_slice(serde_json::to_string(scalar).unwrap().as_bytes()),
    }
}

fn special(map: &serde_json::Map<String, Value>, out: &mut Vec<u8>) {
    let quoted = |s: &str| {
        let q = serde_json::to_string(s).unwrap();
        q[1..q.len() - 1].to_string()
    };
    match map["$special"].as_str().unwrap() {
        "nan" => out.extend_from_slice(b"NaN"),
        "inf" => out.extend_from_slice(b"1e400"),
        "bigint" => out.extend_from_slice(map["digits"].as_str().unwrap().as_bytes()),
        "lone_surrogate" => {
            let text = format!(
                "\"{}\\ud800{}\"",
                quoted(map["before"].as_str().unwrap_or("")),
                quoted(map["after"].as_str().unwrap_or(""))
            );
            out.extend_from_slice(text.as_bytes());
        }
        "bytes" => {
            out.push(b'"');
            out.extend(hex(map["hex"].as_str().unwrap()));
            out.push(b'"');
        }
        other => panic!("unknown $special {other}"),
    }
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

fn wire_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    wire(value, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Shared set-up: a model trained at test time, the fixture rules and roster, the good tickets.

struct Setup {
    dir: tempfile::TempDir,
    model_path: PathBuf,
    good: Vec<Ticket>,
    good_lines: Vec<String>,
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_triagekit")
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let model_path = dir.path().join("model.tkm");
    let out = Command::new(bin())
        .current_dir(root())
        .args(["train", "--data", "fixtures/train/tickets.csv", "--text", "subject,body"])
        .args(["--label", "category", "--label", "priority", "--seed", "42", "--out"])
        .arg(&model_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "train failed: {}", String::from_utf8_lossy(&out.stderr));
    let table = table();
    let good_values = table["good_tickets"].as_array().unwrap();
    let good_lines: Vec<String> = good_values.iter().map(|v| v.to_string()).collect();
    let good = good_lines.iter().map(|l| Ticket::from_json(l).unwrap()).collect();
    Setup { dir, model_path, good, good_lines }
}

/// A Monday 10:00 UTC: tickets without `created_at` are routed the same at any hour of the run.
const FIXED_NOW: &str = "2026-11-23T10:00:00Z";

fn options(strict: bool) -> EngineOptions {
    EngineOptions { commit: false, strict_rules: strict, now: FIXED_NOW.parse().ok(), ..EngineOptions::default() }
}

fn engine_with(setup: &Setup, rules: &Path, strict: bool) -> Result<Engine, TriageError> {
    Engine::from_paths(rules, Some(&setup.model_path), Some(&root().join("fixtures/agents.json")), options(strict))
}

fn helpdesk() -> PathBuf {
    root().join("fixtures/rules/helpdesk.rhai")
}

/// A decision as JSON without its wall time (the only field that differs between runs).
fn comparable(decision: &Decision) -> Value {
    let mut value = serde_json::to_value(decision).unwrap();
    value["trace"].as_object_mut().unwrap().remove("elapsed_us");
    value
}

/// A decision without its trace: what a rule set with one more (failing) rule must not change.
fn without_trace(decision: &Decision) -> Value {
    let mut value = serde_json::to_value(decision).unwrap();
    value.as_object_mut().unwrap().remove("trace");
    value
}

fn check_error(case: &str, error: &TriageError, expect: &Value) {
    observe("rust", case, serde_json::to_value(error.details()).unwrap());
    let code = expect["error"].as_str().unwrap();
    assert_eq!(error.code(), code, "{case}: {error}");
    if let Some(field) = expect.get("field").and_then(Value::as_str) {
        match error {
            TriageError::InvalidTicket { field: f, .. } => assert_eq!(f, field, "{case}: {error}"),
            other => panic!("{case}: expected an InvalidTicket error, got {other:?}"),
        }
    }
    if let Some(text) = expect.get("message_contains").and_then(Value::as_str) {
        let message = error.to_string().to_lowercase();
        assert!(message.contains(&text.to_lowercase()), "{case}: {message:?} lacks {text:?}");
    }
}

fn check_ok(case: &str, decision: &Decision, expect: &Value) {
    assert_eq!(expect["ok"], true, "{case}: expected an error, got a decision");
    let value = serde_json::to_value(decision).unwrap();
    for key in ["ticket_id", "group", "priority", "category"] {
        if let Some(want) = expect.get(key) {
            assert_eq!(&value[key], want, "{case}: {key}");
        }
    }
}

// ---------------------------------------------------------------------------------------------

#[test]
fn bad_inputs_table() {
    let setup = setup();
    let table = table();
    let cases = table["cases"].as_array().unwrap();
    let engine = engine_with(&setup, &helpdesk(), false).unwrap();
    let baseline: Vec<Value> = setup.good.iter().map(|t| comparable(&engine.triage(t).unwrap())).collect();
    let good_model = std::fs::read(&setup.model_path).unwrap();

    let mut ran = 0;
    for case in cases {
        let kind = case["kind"].as_str().unwrap();
        match kind {
            "ticket" => ticket_case(&engine, &setup, &baseline, case),
            "rules" => rules_case(&engine, &setup, &baseline, case),
            "model" => model_case(&engine, &setup, &baseline, &good_model, case),
            "roster" => roster_case(&engine, &setup, &baseline, case),
            other => panic!("{}: unknown kind {other}", name(case)),
        }
        ran += 1;
    }
    // The engine that saw every bad input still decides the good tickets as before.
    let after: Vec<Value> = setup.good.iter().map(|t| comparable(&engine.triage(t).unwrap())).collect();
    assert_eq!(after, baseline);
    assert_eq!(ran, cases.len());
    assert!(ran >= 40, "the table shrank to {ran} cases");
    write_observed("rust");
    report(&format!("bad-input cases: {ran} (rust)"));
}

/// Runs `bad` in a batch between good tickets; the good slots must equal the baseline.
fn in_batch(engine: &Engine, setup: &Setup, baseline: &[Value], bad: Ticket) -> triagekit::Result<Decision> {
    let mut batch = setup.good.clone();
    batch.insert(1, bad);
    let mut results = engine.triage_batch_with_commit(&batch, false);
    let bad = results.remove(1);
    let good: Vec<Value> = results.iter().map(|r| comparable(r.as_ref().unwrap())).collect();
    assert_eq!(good, baseline, "good tickets changed next to a bad one");
    bad
}

fn ticket_case(engine: &Engine, setup: &Setup, baseline: &[Value], case: &Value) {
    let case_name = name(case);
    let expect = expectation(case);
    let bytes = wire_bytes(&case["input"]);
    let Ok(text) = String::from_utf8(bytes) else {
        // Not UTF-8: a Rust `&str` cannot hold it, so only the CLI (below) can receive it.
        assert_eq!(expect["field"], "<line>", "{case_name}: only the CLI can be sent raw bytes");
        return;
    };
    match Ticket::from_json(&text) {
        Err(error) => {
            assert!(expect.get("error").is_some(), "{case_name}: unexpected {error}");
            check_error(case_name, &error, expect);
        }
        Ok(ticket) => match in_batch(engine, setup, baseline, ticket.clone()) {
            Ok(decision) => {
                check_ok(case_name, &decision, expect);
                // Single triage agrees with the batch slot.
                let single = engine.triage(&ticket).unwrap();
                assert_eq!(without_trace(&single), without_trace(&decision), "{case_name}");
            }
            Err(error) => check_error(case_name, &error, expect),
        },
    }
}

/// `00-helpdesk.rhai` plus the case's rules as `99-bad.rhai`, so positions are the bad file's own.
fn rule_dir(setup: &Setup, case: &Value) -> PathBuf {
    let dir = setup.dir.path().join(format!("rules-{}", name(case)));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(helpdesk(), dir.join("00-helpdesk.rhai")).unwrap();
    let source = match (&case.get("file"), &case.get("input")) {
        (Some(file), _) => std::fs::read_to_string(bad_dir().join(file.as_str().unwrap())).unwrap(),
        (None, Some(Value::String(source))) => source.clone(),
        (None, Some(Value::Object(gen))) => {
            let depth = gen["$rule_nested_expression"].as_u64().unwrap() as usize;
            format!("rule \"Deep expression\" {{ let x = {}1{}; }}\n", "(".repeat(depth), ")".repeat(depth))
        }
        _ => panic!("{}: rules case needs file or input", name(case)),
    };
    std::fs::write(dir.join("99-bad.rhai"), source).unwrap();
    dir
}

fn rules_case(engine: &Engine, setup: &Setup, baseline: &[Value], case: &Value) {
    let case_name = name(case);
    let expect = expectation(case);
    let dir = rule_dir(setup, case);
    if let Some(code) = expect.get("error").and_then(Value::as_str) {
        let error = engine_with(setup, &dir, false).err().unwrap_or_else(|| panic!("{case_name}: compiled"));
        check_error(case_name, &error, expect);
        assert_eq!(code, "RULE_COMPILE");
        let message = error.to_string();
        assert!(message.contains("99-bad.rhai"), "{case_name}: {message} does not name the file");
        if let Some(line) = expect.get("line") {
            let position = match &error {
                TriageError::Rule(triagekit::rules::RuleError::Syntax { line, column, .. })
                | TriageError::Rule(triagekit::rules::RuleError::InvalidLiteral { line, column, .. }) => (*line, Some(*column)),
                TriageError::Rule(triagekit::rules::RuleError::DuplicateRule { line, .. })
                | TriageError::Rule(triagekit::rules::RuleError::Invalid { line, .. }) => (*line, None),
                other => panic!("{case_name}: not a compile error: {other:?}"),
            };
            assert_eq!(position.0 as u64, line.as_u64().unwrap(), "{case_name}: line");
            if let (Some(column), Some(want)) = (position.1, expect.get("column")) {
                assert_eq!(column as u64, want.as_u64().unwrap(), "{case_name}: column");
            }
        }
        // Hot reload: the broken set is refused and the live engine keeps its rules.
        let version = engine.rules().version().to_string();
        assert!(load_rules(dir.to_str().unwrap(), false).is_err(), "{case_name}: reload compiled");
        assert_eq!(engine.rules().version(), version);
        let again: Vec<Value> = setup.good.iter().map(|t| comparable(&engine.triage(t).unwrap())).collect();
        assert_eq!(again, baseline, "{case_name}: live engine changed");
        return;
    }
    let bad_engine = engine_with(setup, &dir, false).unwrap_or_else(|e| panic!("{case_name}: {e}"));
    let results = bad_engine.triage_batch_with_commit(&setup.good, false);
    if let Some(code) = expect.get("every_ticket_error").and_then(Value::as_str) {
        assert_eq!(results.len(), setup.good.len());
        for result in &results {
            let error = result.as_ref().err().unwrap_or_else(|| panic!("{case_name}: a ticket passed"));
            assert_eq!(error.code(), code, "{case_name}: {error}");
            let text = expect["message_contains"].as_str().unwrap();
            assert!(error.to_string().contains(text), "{case_name}: {error}");
        }
        return;
    }
    let rule = expect["rule"].as_str().unwrap();
    let wanted = expect["trace_error_contains"].as_str().unwrap();
    for (result, base) in results.iter().zip(baseline) {
        let decision = result.as_ref().unwrap_or_else(|e| panic!("{case_name}: {e}"));
        let mut base = base.clone();
        base.as_object_mut().unwrap().remove("trace");
        assert_eq!(without_trace(decision), base, "{case_name}: a failing rule changed the decision");
        let trace = decision.trace.rules.iter().find(|r| r.rule == rule).unwrap_or_else(|| panic!("{case_name}: {rule} not run"));
        let error = trace.error.as_deref().unwrap_or_else(|| panic!("{case_name}: {rule} did not fail"));
        assert!(error.contains(wanted), "{case_name}: {error:?} lacks {wanted:?}");
    }
    if let Some(code) = expect.get("strict_error").and_then(Value::as_str) {
        let strict = engine_with(setup, &dir, true).unwrap();
        let error = strict.triage(&setup.good[0]).err().unwrap_or_else(|| panic!("{case_name}: strict passed"));
        assert_eq!(error.code(), code, "{case_name}: {error}");
        assert!(error.to_string().contains(rule), "{case_name}: {error} does not name the rule");
    }
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Applies a case's `mutate` to a good model file (the header is magic 8, version 4, length 8, crc 4).
fn mutate(good: &[u8], case: &Value) -> Vec<u8> {
    if let Some(file) = case.get("file").and_then(Value::as_str) {
        return std::fs::read(bad_dir().join(file)).unwrap();
    }
    let mut bytes = good.to_vec();
    match case["mutate"].as_str().unwrap() {
        "empty" => bytes.clear(),
        "truncate" => match (case.get("keep"), case.get("drop_tail")) {
            (Some(keep), _) => bytes.truncate(keep.as_u64().unwrap() as usize),
            (_, Some(drop)) => bytes.truncate(bytes.len() - drop.as_u64().unwrap() as usize),
            _ => panic!("truncate needs keep or drop_tail"),
        },
        "flip_payload_byte" => {
            let at = 24 + (bytes.len() - 24) / 2;
            bytes[at] ^= 0xff;
        }
        "set_version" => bytes[8..12].copy_from_slice(&(case["version"].as_u64().unwrap() as u32).to_le_bytes()),
        "append" => bytes.extend(std::iter::repeat_n(0u8, case["bytes"].as_u64().unwrap() as usize)),
        "set_length" => {
            let length: u64 = case["length"].as_str().unwrap().parse().unwrap();
            bytes[12..20].copy_from_slice(&length.to_le_bytes());
        }
        "garbage_payload" => {
            for b in &mut bytes[24..] {
                *b = 0xff;
            }
            let crc = crc32(&bytes[24..]);
            bytes[20..24].copy_from_slice(&crc.to_le_bytes());
        }
        other => panic!("unknown mutation {other}"),
    }
    bytes
}

fn model_case(engine: &Engine, setup: &Setup, baseline: &[Value], good: &[u8], case: &Value) {
    let case_name = name(case);
    let expect = expectation(case);
    let bytes = mutate(good, case);
    let path = setup.dir.path().join(format!("{case_name}.tkm"));
    std::fs::write(&path, &bytes).unwrap();
    // From a file (header checked before the payload is read) and from bytes.
    let from_file = Model::load(&path).err().unwrap_or_else(|| panic!("{case_name}: loaded"));
    check_error(case_name, &TriageError::from(from_file), expect);
    let from_bytes = Model::from_bytes(&bytes).err().unwrap_or_else(|| panic!("{case_name}: decoded"));
    check_error(case_name, &TriageError::from(from_bytes), expect);
    // Through the engine: construction fails with the typed error...
    let error = Engine::from_paths(&helpdesk(), Some(&path), None, options(false)).err().unwrap();
    check_error(case_name, &error, expect);
    // ...and a live engine keeps its model (a host swaps only after a successful load).
    let version = engine.model().unwrap().version().to_string();
    assert!(Model::load(&path).is_err());
    assert_eq!(engine.model().unwrap().version(), version);
    let again: Vec<Value> = setup.good.iter().map(|t| comparable(&engine.triage(t).unwrap())).collect();
    assert_eq!(again, baseline, "{case_name}");
}

fn roster_case(engine: &Engine, setup: &Setup, baseline: &[Value], case: &Value) {
    let case_name = name(case);
    let expect = expectation(case);
    let error = Roster::from_value(case["input"].clone()).err().unwrap_or_else(|| panic!("{case_name}: accepted"));
    check_error(case_name, &error, expect);
    let error = Roster::from_json(&case["input"].to_string()).err().unwrap();
    check_error(case_name, &error, expect);
    let path = setup.dir.path().join(format!("{case_name}.json"));
    std::fs::write(&path, case["input"].to_string()).unwrap();
    let error = Engine::from_paths(&helpdesk(), None, Some(&path), options(false)).err().unwrap();
    check_error(case_name, &error, expect);
    let again: Vec<Value> = setup.good.iter().map(|t| comparable(&engine.triage(t).unwrap())).collect();
    assert_eq!(again, baseline, "{case_name}");
}

// ---------------------------------------------------------------------------------------------
// The CLI: every ticket case as one JSON Lines stream, each bad line between two good ones.

#[test]
fn cli_triage_survives_every_bad_ticket_line() {
    let setup = setup();
    let table = table();
    let cases: Vec<&Value> = table["cases"].as_array().unwrap().iter().filter(|c| c["kind"] == "ticket").collect();

    let mut input = Vec::new();
    let mut expected = Vec::new(); // per output line: None = good ticket i, Some(case)
    for (i, case) in cases.iter().enumerate() {
        let good = i % setup.good_lines.len();
        input.extend_from_slice(setup.good_lines[good].as_bytes());
        input.push(b'\n');
        expected.push(Err(good));
        input.extend(wire_bytes(&case["input"]));
        input.push(b'\n');
        expected.push(Ok(*case));
    }
    for (good, line) in setup.good_lines.iter().enumerate() {
        input.extend_from_slice(line.as_bytes());
        input.push(b'\n');
        expected.push(Err(good));
    }

    let model = setup.model_path.to_str().unwrap();
    let args = ["triage", "--rules", "fixtures/rules/helpdesk.rhai", "--agents", "fixtures/agents.json"];
    let mut child = Command::new(bin())
        .current_dir(root())
        .args(args)
        .args(["--model", model, "--dry-run", "--batch", "8", "--now", FIXED_NOW])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "triagekit triage exited with {:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));

    let engine = engine_with(&setup, &helpdesk(), false).unwrap();
    let baseline: Vec<Value> = setup.good.iter().map(|t| without_trace(&engine.triage(t).unwrap())).collect();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), expected.len(), "one output line per input line");
    for (n, (line, want)) in lines.iter().zip(&expected).enumerate() {
        let mut value: Value = serde_json::from_str(line).unwrap();
        match want {
            Err(good) => {
                value.as_object_mut().unwrap().remove("trace");
                assert_eq!(value, baseline[*good], "line {}: good ticket changed", n + 1);
            }
            Ok(case) => {
                let case_name = name(case);
                let expect = expectation(case);
                if let Some(code) = expect.get("error").and_then(Value::as_str) {
                    observe("cli", case_name, value["error"].clone());
                    assert_eq!(value["line"], json!(n + 1), "{case_name}");
                    assert_eq!(value["error"]["code"], code, "{case_name}: {line:.300}");
                    if let Some(field) = expect.get("field").and_then(Value::as_str) {
                        let message = value["error"]["message"].as_str().unwrap();
                        assert!(message.starts_with(&format!("invalid ticket: {field}:")), "{case_name}: {message}");
                    }
                } else {
                    assert!(value.get("error").is_none(), "{case_name}: {line:.300}");
                    for key in ["ticket_id", "group", "priority", "category"] {
                        if let Some(want) = expect.get(key) {
                            assert_eq!(&value[key], want, "{case_name}: {key}");
                        }
                    }
                }
            }
        }
    }
    write_observed("cli");
    report(&format!("bad-input cases: {} (rust cli)", cases.len()));
}

// ---------------------------------------------------------------------------------------------
// KNOWN BUG (rules crate, not fixed here): the sandbox bounds each string a rule builds
// (1 MB) and each rule's operations (100,000), but not how much a rule can *emit*. Every
// `print` line and every `add_tag` / `require_skill` value is kept, so a rule of a few lines
// makes each ticket's trace or decision hundreds of MB (the cases below: ~100 MB and ~50 MB;
// the operation budget allows ~25,000 prints of 512 KB, i.e. gigabytes per ticket, enough to
// take a service down with out-of-memory). Fix in rules/src: cap print output per ticket
// (e.g. 64 KB in total, lines cut to 4 KB, then one "output truncated" line) and reject
// action values over a small length (e.g. 256 bytes for tags, skills, group, category) and
// more than e.g. 64 tags/skills, as a rule run-time error like the other sandbox limits.

fn one_rule_engine(source: &str) -> Engine {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flood.rhai");
    std::fs::write(&path, source).unwrap();
    Engine::from_paths(&path, None, None, options(false)).unwrap()
}

const EMITTED_LIMIT: usize = 4 << 20;

#[test]
fn rule_print_output_is_bounded() {
    let engine = one_rule_engine(
        "rule \"Print flood\" { let s = \"x\"; while s.len() < 500000 { s += s; } for i in 0..200 { print(s); } }\n",
    );
    let decision = engine.triage(&Ticket::from_json(r#"{"id": "P-1", "subject": "hi"}"#).unwrap()).unwrap();
    let size = serde_json::to_string(&decision).unwrap().len();
    assert!(size <= EMITTED_LIMIT, "one ticket's decision is {size} bytes: print output is not bounded");
}

#[test]
fn rule_tags_are_bounded() {
    let engine = one_rule_engine(
        "rule \"Tag flood\" { let s = \"x\"; while s.len() < 500000 { s += s; } for i in 0..100 { add_tag(s + i); } }\n",
    );
    let decision = engine.triage(&Ticket::from_json(r#"{"id": "P-2", "subject": "hi"}"#).unwrap()).unwrap();
    let size = serde_json::to_string(&decision).unwrap().len();
    assert!(size <= EMITTED_LIMIT, "one ticket's decision is {size} bytes: tag values are not bounded");
}
