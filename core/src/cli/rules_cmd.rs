//! `triagekit rules check` and `triagekit rules test`: let admins validate rules before deploying.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::{Map, Value};
use triagekit::rules::{RuleOptions, RuleSet};
use triagekit::{Engine, EngineOptions, Ticket};

use super::json_lines;
use super::output::outln;

/// Rule file commands.
#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// Compile a rule file (or folder of .rhai files) and list its rules in order.
    Check {
        /// Rule file or folder.
        rules: PathBuf,
    },
    /// Run test cases (`{"ticket":{..},"expect":{..}}` per line) against the rules.
    Test {
        /// Rule file or folder.
        rules: PathBuf,
        /// JSON Lines file of cases.
        #[arg(long)]
        cases: PathBuf,
        /// Model file, when cases depend on `model.*`.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Roster file, when cases expect an agent.
        #[arg(long)]
        agents: Option<PathBuf>,
        /// The time (RFC 3339) for cases without `created_at`, instead of the machine's clock.
        #[arg(long)]
        now: Option<jiff::Timestamp>,
    },
}

/// Runs a rules subcommand.
pub fn run(command: &RulesCommand) -> ExitCode {
    match command {
        RulesCommand::Check { rules } => check(rules),
        RulesCommand::Test { rules, cases, model, agents, now } => {
            test(rules, cases, model.as_deref(), agents.as_deref(), *now)
        }
    }
}

fn check(path: &std::path::Path) -> ExitCode {
    match RuleSet::load(path, RuleOptions::default()) {
        Ok(rules) => {
            outln!("{}: {} rules, version {}", path.display(), rules.rules().len(), rules.version());
            for rule in rules.rules() {
                let stop = if rule.stop { " [stop]" } else { "" };
                outln!("  {:>3}. {}{}  ({}:{})", rule.order + 1, rule.name, stop, rule.file, rule.line);
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn test(
    rules: &std::path::Path,
    cases: &std::path::Path,
    model: Option<&std::path::Path>,
    agents: Option<&std::path::Path>,
    now: Option<jiff::Timestamp>,
) -> ExitCode {
    let options = EngineOptions { commit: false, now, ..EngineOptions::default() };
    let engine = match Engine::from_paths(rules, model, agents, options) {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let file = match File::open(cases) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("{}: {error}", cases.display());
            return ExitCode::FAILURE;
        }
    };
    let (mut passed, mut failed) = (0usize, 0usize);
    for (line, text) in json_lines(BufReader::new(file)) {
        let result = text.map_err(|e| e.to_string()).and_then(|text| run_case(&engine, &text));
        match result {
            Ok(diffs) if diffs.is_empty() => {
                passed += 1;
                outln!("PASS {}:{line}", cases.display());
            }
            Ok(diffs) => {
                failed += 1;
                outln!("FAIL {}:{line}", cases.display());
                for diff in diffs {
                    outln!("    {diff}");
                }
            }
            Err(message) => {
                failed += 1;
                outln!("FAIL {}:{line}: {message}", cases.display());
            }
        }
    }
    outln!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Returns one line per expected field that differs (`field: expected X, got Y`).
fn run_case(engine: &Engine, text: &str) -> Result<Vec<String>, String> {
    let case: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let ticket = case.get("ticket").cloned().ok_or("a case needs a \"ticket\" object")?;
    let expect = case.get("expect").and_then(Value::as_object).ok_or("a case needs an \"expect\" object")?;
    let ticket = Ticket::from_value(ticket).map_err(|e| e.to_string())?;
    let decision = engine.triage(&ticket).map_err(|e| e.to_string())?;
    let actual = serde_json::to_value(&decision).map_err(|e| e.to_string())?;
    Ok(diff(expect, actual.as_object().unwrap_or(&Map::new())))
}

fn diff(expect: &Map<String, Value>, actual: &Map<String, Value>) -> Vec<String> {
    expect
        .iter()
        .filter_map(|(field, want)| {
            let got = actual.get(field).unwrap_or(&Value::Null);
            let same = match (want, got) {
                // Tags are a set: order in the expectation does not matter, extra tags do.
                (Value::Array(w), Value::Array(g)) => w.len() == g.len() && w.iter().all(|t| g.contains(t)),
                _ => want == got,
            };
            (!same).then(|| format!("{field}: expected {want}, got {got}"))
        })
        .collect()
}
