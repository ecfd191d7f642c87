//! `triagekit triage`: JSON Lines tickets on stdin, one decision (or error object) per line out.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use triagekit::{Engine, EngineOptions, Ticket, TriageError};

use super::output::write_failed;
use super::{error_line, json_lines};

/// Arguments of `triagekit triage`.
#[derive(Args, Debug)]
pub struct TriageArgs {
    /// Rule file or folder of .rhai files.
    #[arg(long)]
    rules: PathBuf,
    /// Model file (from `triagekit train`); fills `model.*` for the rules.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Roster JSON: agents, groups and strategies.
    #[arg(long)]
    agents: Option<PathBuf>,
    /// Engine options JSON (thresholds, review queue, default group).
    #[arg(long)]
    options: Option<PathBuf>,
    /// Global confidence threshold below which the model's category goes to review.
    #[arg(long)]
    review_threshold: Option<f64>,
    /// Group for tickets no rule or model routes.
    #[arg(long)]
    default_group: Option<String>,
    /// Decide without counting tickets against agents' loads.
    #[arg(long)]
    dry_run: bool,
    /// Leave the trace out of each decision.
    #[arg(long)]
    no_trace: bool,
    /// Triage this many tickets at a time in parallel (1 = in order, deterministic assignment).
    #[arg(long, default_value_t = 1)]
    batch: usize,
    /// The time (RFC 3339) for tickets without `created_at`, instead of the machine's clock.
    #[arg(long)]
    now: Option<jiff::Timestamp>,
    /// Add each head's top N contributing n-grams to the trace (`model_explanation`).
    #[arg(long, value_name = "N")]
    explain: Option<usize>,
}

/// Runs `triagekit triage`.
pub fn run(args: &TriageArgs) -> ExitCode {
    let engine = match build_engine(args) {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut pending: Vec<(usize, Result<Ticket, TriageError>)> = Vec::new();
    let batch = args.batch.max(1);
    for (line, text) in json_lines(stdin) {
        let ticket = text
            .map_err(|e| TriageError::InvalidTicket { field: "<line>".into(), message: e.to_string() })
            .and_then(|text| Ticket::from_json(&text));
        pending.push((line, ticket));
        if pending.len() >= batch {
            if let Err(error) = flush(&engine, &mut pending, args.no_trace, &mut out) {
                return write_failed(&error);
            }
        }
    }
    match flush(&engine, &mut pending, args.no_trace, &mut out).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => write_failed(&error),
    }
}

fn build_engine(args: &TriageArgs) -> Result<Engine, String> {
    let mut options = match &args.options {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            serde_json::from_str::<EngineOptions>(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => EngineOptions::default(),
    };
    if let Some(threshold) = args.review_threshold {
        options.review_threshold = threshold;
    }
    if let Some(group) = &args.default_group {
        options.default_group = Some(group.clone());
    }
    options.commit = !args.dry_run;
    if args.now.is_some() {
        options.now = args.now;
    }
    if let Some(n) = args.explain {
        options.explain = n;
    }
    Engine::from_paths(&args.rules, args.model.as_deref(), args.agents.as_deref(), options).map_err(|e| e.to_string())
}

/// Triages the pending tickets on one snapshot (in parallel when there are several) and writes
/// results in input order, parse failures in their own lines.
fn flush(
    engine: &Engine,
    pending: &mut Vec<(usize, Result<Ticket, TriageError>)>,
    no_trace: bool,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let (lines, inputs): (Vec<usize>, Vec<_>) = pending.drain(..).unzip();
    for (line, result) in lines.into_iter().zip(engine.triage_inputs(inputs, None)) {
        match result {
            Ok(decision) => writeln!(out, "{}", decision.to_json(!no_trace))?,
            Err(error) => writeln!(out, "{}", error_line(line, &error.details()))?,
        }
    }
    Ok(())
}
