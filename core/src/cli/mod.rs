//! The `triagekit` command line: rules check/test, triage, train, eval, predict.

pub mod eval;
mod output;
pub mod predict;
pub mod rules_cmd;
pub mod train;
mod train_progress;
pub mod triage;

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Triage support tickets with rules, a text model and agent assignment.
#[derive(Parser, Debug)]
#[command(name = "triagekit", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check or test a rule file.
    #[command(subcommand)]
    Rules(rules_cmd::RulesCommand),
    /// Triage JSON Lines tickets from stdin; one decision per line on stdout.
    Triage(triage::TriageArgs),
    /// Train a model from labelled tickets.
    Train(train::TrainArgs),
    /// Evaluate a model on labelled tickets.
    Eval(eval::EvalArgs),
    /// Predict labels for JSON Lines tickets from stdin.
    Predict(predict::PredictArgs),
}

/// Parses arguments and runs the chosen command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Command::Rules(command) => rules_cmd::run(command),
        Command::Triage(args) => triage::run(args),
        Command::Train(args) => train::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Predict(args) => predict::run(args),
    }
}

/// Where labelled tickets come from; shared by `train` and `eval` so both read data alike.
#[derive(clap::Args, Debug)]
pub struct DataArgs {
    /// Labelled tickets: CSV, or JSON Lines (.jsonl / .ndjson).
    #[arg(long)]
    pub data: std::path::PathBuf,
    /// Text column(s), comma-separated (e.g. "Short description,Description"); joined with newlines.
    #[arg(long, value_delimiter = ',', required = true)]
    pub text: Vec<String>,
    /// Label column; repeat for several heads (e.g. --label category --label priority).
    #[arg(long = "label", required = true)]
    pub label: Vec<String>,
}

/// Reads JSON Lines from `input`, yielding (1-based line number, line) and skipping blank lines.
pub fn json_lines(input: impl BufRead) -> impl Iterator<Item = (usize, std::io::Result<String>)> {
    input
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line))
        .filter(|(_, line)| line.as_ref().map_or(true, |l| !l.trim().is_empty()))
}

/// The error object written in place of a result for a bad input line: the same fields the
/// bindings report (`code`, `message`, and `field`, `rule`, ... where known).
pub fn error_line(line: usize, error: &triagekit::ErrorDetails) -> String {
    serde_json::json!({ "line": line, "error": error }).to_string()
}
