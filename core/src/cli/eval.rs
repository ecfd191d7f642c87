//! `triagekit eval`: accuracy, macro-F1, per-class figures and confusion matrices.

use std::path::PathBuf;
use std::process::ExitCode;

use std::path::Path;
use std::sync::Arc;

use clap::Args;
use triagekit::report::{build_report, run_rules, tickets_from_subject_body, tickets_from_texts, ReportInput};
use triagekit::rules::{RuleOptions, RuleSet};
use triagekit::Ticket;
use triagekit_model::{evaluate, load_labelled, EvalReport, HeadReport, LabelledData, Model};

use super::output::{out, outln};

/// Arguments of `triagekit eval`.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Model file from `triagekit train`.
    #[arg(long)]
    pub model: PathBuf,
    /// Data, text and label columns (labels must be model heads).
    #[command(flatten)]
    pub input: super::DataArgs,
    /// Print exactly one JSON object instead of text tables.
    #[arg(long)]
    pub json: bool,
    /// Also write an HTML report here, plus `<stem>.to-label.csv` and `<stem>.thresholds.json`.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Precision the suggested per-class thresholds must reach (with `--report`).
    #[arg(long, default_value_t = triagekit::report::DEFAULT_TARGET_PRECISION)]
    pub target_precision: f64,
    /// How many of the least confident tickets to list to label next (with `--report`).
    #[arg(long, default_value_t = triagekit::report::DEFAULT_LABEL_NEXT)]
    pub label_next: usize,
    /// Rule file or directory to run with the model over the data (with `--report`): rule
    /// coverage, conflicts and rule+model decisions vs labels.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// The time (RFC 3339) `--rules` sees for tickets without `created_at`, instead of the clock.
    #[arg(long)]
    pub now: Option<jiff::Timestamp>,
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
    let data = load_labelled(&args.input.data, &args.input.text, &args.input.label, cap).map_err(|e| e.to_string())?;
    let report = evaluate(&model, &data.texts, &data.heads).map_err(|e| e.to_string())?;
    if args.json {
        outln!("{}", serde_json::to_string(&report).map_err(|e| e.to_string())?);
    } else {
        print_text(&report);
    }
    if let Some(path) = &args.report {
        write_report(args, path, model, &data, &report)?;
    }
    Ok(())
}

/// Builds and writes the HTML report (and its CSV/JSON companions); messages go to stderr so
/// `--json` output stays one object.
fn write_report(args: &EvalArgs, path: &Path, model: Model, data: &LabelledData, eval: &EvalReport) -> Result<(), String> {
    let tuning = model.metadata().tuning.clone();
    let run = match &args.rules {
        Some(rules_path) => {
            let rules = RuleSet::load(rules_path, RuleOptions::default()).map_err(|e| e.to_string())?;
            let tickets = report_tickets(args, data)?;
            Some(run_rules(rules, Some(Arc::new(model)), &tickets, args.now).map_err(|e| e.to_string())?)
        }
        None => None,
    };
    let title = format!("triagekit evaluation: {} on {}", file_name(&args.model), file_name(&args.input.data));
    let input = ReportInput {
        rules: run.as_ref().map(|r| r.input(&data.heads)),
        target_precision: args.target_precision,
        label_next: args.label_next,
        title,
        tuning,
        ..ReportInput::new(eval, &data.texts)
    };
    let report = build_report(&input).map_err(|e| e.to_string())?;
    let files = report.write(path).map_err(|e| e.to_string())?;
    eprintln!("report: {} (label next: {}, thresholds: {})", files.html.display(), files.to_label.display(), files.thresholds.display());
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Tickets for the rule run. With `--text subject,body` rules see subject and body apart and the
/// model reads the same joined text as in evaluation; otherwise the joined text is the body.
fn report_tickets(args: &EvalArgs, data: &LabelledData) -> Result<Vec<Ticket>, String> {
    let named = |i: usize, name: &str| args.input.text.get(i).is_some_and(|c| c.trim().eq_ignore_ascii_case(name));
    if args.input.text.len() != 2 || !named(0, "subject") || !named(1, "body") {
        return Ok(tickets_from_texts(&data.texts));
    }
    let parts = load_labelled(&args.input.data, &args.input.text[..1], &args.input.text[1..], usize::MAX).map_err(|e| e.to_string())?;
    let bodies: Vec<String> =
        parts.heads.first().map(|(_, b)| b.iter().map(|v| v.clone().unwrap_or_default()).collect()).unwrap_or_default();
    Ok(tickets_from_subject_body(&parts.texts, &bodies))
}

fn print_text(report: &EvalReport) {
    for (name, head) in &report.heads {
        outln!("== {name}: accuracy {:.4}, macro-F1 {:.4} ({} rows, {} skipped)", head.accuracy, head.macro_f1, head.support, head.skipped);
        let width = head.per_class.keys().map(|k| k.chars().count()).max().unwrap_or(5).clamp(5, 40);
        outln!("{:<width$} {:>9} {:>9} {:>9} {:>8}", "class", "precision", "recall", "f1", "support");
        for (class, m) in &head.per_class {
            outln!("{:<width$} {:>9.4} {:>9.4} {:>9.4} {:>8}", class, m.precision, m.recall, m.f1, m.support);
        }
        print_confusion(head);
        outln!();
    }
}

fn print_confusion(head: &HeadReport) {
    let labels = &head.confusion.labels;
    if labels.len() > MAX_TEXT_CONFUSION {
        outln!("confusion matrix: {} labels, see --json", labels.len());
        return;
    }
    outln!("confusion matrix (rows = true, columns = predicted; columns numbered as rows):");
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1).min(30);
    let cell = head.confusion.matrix.iter().flatten().max().map_or(1, |m| m.to_string().len()).max(labels.len().to_string().len()) + 1;
    out!("{:>w$}    ", "", w = width + 3);
    for j in 0..labels.len() {
        out!("{:>cell$}", j + 1);
    }
    outln!();
    for (i, (label, row)) in labels.iter().zip(&head.confusion.matrix).enumerate() {
        out!("{:>3} {:<width$}   ", i + 1, label);
        for v in row {
            out!("{v:>cell$}");
        }
        outln!();
    }
}
