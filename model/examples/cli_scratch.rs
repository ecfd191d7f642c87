//! Temporary harness compiling core's CLI modules against this crate.
#[path = "../../core/src/cli/eval.rs"]
mod eval;
#[path = "../../core/src/cli/predict.rs"]
mod predict;
#[path = "../../core/src/cli/train.rs"]
mod train;

use clap::{Parser, Subcommand};
use std::io::BufRead;

#[derive(Parser, Debug)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    Train(train::TrainArgs),
    Eval(eval::EvalArgs),
    Predict(predict::PredictArgs),
}

pub fn json_lines(input: impl BufRead) -> impl Iterator<Item = (usize, std::io::Result<String>)> {
    input.lines().enumerate().map(|(i, line)| (i + 1, line)).filter(|(_, line)| line.as_ref().map_or(true, |l| !l.trim().is_empty()))
}

pub fn error_line(line: usize, code: &str, message: &str) -> String {
    serde_json::json!({ "line": line, "error": { "code": code, "message": message } }).to_string()
}

fn main() -> std::process::ExitCode {
    match &Cli::parse().command {
        Command::Train(a) => train::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Predict(a) => predict::run(a),
    }
}
