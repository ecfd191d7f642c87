//! `triagekit eval`: accuracy, macro-F1, per-class figures and confusion matrices.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use triagekit_model::{evaluate, load_labelled, EvalReport, HeadReport, Model};

/// Arguments of `triagekit eval`.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Model file from `triagekit train`.
    #[arg(long)]
    pub model: PathBuf,
    /// Labelled tickets: CSV, or JSON Lines (.jsonl / .ndjson).
    #[arg(long)]
    pub data: PathBuf,
    /// Text column(s), comma-separated; joined with newlines as in training.
    #[arg(long, value_delimiter = ',', required = true)]
    pub text: Vec<String>,
    /// Label column to evaluate (must be a model head); repeat for several.
    #[arg(long = "label", required = true)]
    pub label: Vec<String>,
    /// Print exactly one JSON object instead of text tables.
    #[arg(long)]
    pub json: bool,
}

/// Confusion matrices wider than this are left to `--json`.
const MAX_TEXT_CONFUSION: usize = 30;

/// Runs `triagekit eval`.
pub fn run(args: &EvalArgs) -> ExitCode {
    match eval(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn eval(args: &EvalArgs) -> Result<(), String> {
    let model = Model::load(&args.model).map_err(|e| e.to_string())?;
    let cap = usize::try_from(model.metadata().max_text_chars).unwrap_or(usize::MAX);
    let data = load_labelled(&args.data, &args.text, &args.label, cap).map_err(|e| e.to_string())?;
    let report = evaluate(&model, &data.texts, &data.heads).map_err(|e| e.to_string())?;
    if args.json {
        println!("{}", serde_json::to_string(&report).map_err(|e| e.to_string())?);
    } else {
        print_text(&report);
    }
    Ok(())
}

fn print_text(report: &EvalReport) {
    for (name, head) in &report.heads {
        println!("== {name}: accuracy {:.4}, macro-F1 {:.4} ({} rows, {} skipped)", head.accuracy, head.macro_f1, head.support, head.skipped);
        let width = head.per_class.keys().map(|k| k.chars().count()).max().unwrap_or(5).clamp(5, 40);
        println!("{:<width$} {:>9} {:>9} {:>9} {:>8}", "class", "precision", "recall", "f1", "support");
        for (class, m) in &head.per_class {
            println!("{:<width$} {:>9.4} {:>9.4} {:>9.4} {:>8}", class, m.precision, m.recall, m.f1, m.support);
        }
        print_confusion(head);
        println!();
    }
}

fn print_confusion(head: &HeadReport) {
    let labels = &head.confusion.labels;
    if labels.len() > MAX_TEXT_CONFUSION {
        println!("confusion matrix: {} labels, see --json", labels.len());
        return;
    }
    println!("confusion matrix (rows = true, columns = predicted; columns numbered as rows):");
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1).min(30);
    let cell = head.confusion.matrix.iter().flatten().max().map_or(1, |m| m.to_string().len()).max(labels.len().to_string().len()) + 1;
    print!("{:>w$}    ", "", w = width + 3);
    for j in 0..labels.len() {
        print!("{:>cell$}", j + 1);
    }
    println!();
    for (i, (label, row)) in labels.iter().zip(&head.confusion.matrix).enumerate() {
        print!("{:>3} {:<width$}   ", i + 1, label);
        for v in row {
            print!("{v:>cell$}");
        }
        println!();
    }
}
