//! Evaluation report for people: one self-contained HTML page (inline SVG and CSS, no network)
//! with per-head figures, clustered confusion heatmaps, precision/coverage curves, suggested
//! per-class review thresholds, confidence histograms, rule coverage and tickets to label next.
//!
//! ```no_run
//! # use triagekit::report::{build_report, ReportInput};
//! # fn demo(eval: &triagekit::model::EvalReport, texts: &[String]) -> triagekit::Result<()> {
//! let report = build_report(&ReportInput::new(eval, texts))?;
//! let files = report.write("report.html".as_ref())?; // + report.to-label.csv, report.thresholds.json
//! # Ok(()) }
//! ```

mod analysis;
mod cluster;
mod html;
mod rules;
mod svg;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use triagekit_model::{EvalReport, TuningSummary};

use crate::error::{Result, TriageError};

pub use analysis::{ClassThreshold, CurvePoint, Histogram, LabelRow};
pub use cluster::confusion_order;
pub use rules::{
    analyse_rules, run_rules, tickets_from_subject_body, tickets_from_texts, FieldComparison,
    RuleConflict, RuleCoverage, RuleReport, RuleRun, RulesInput, SourceCount,
};

/// Default precision the suggested thresholds aim for.
pub const DEFAULT_TARGET_PRECISION: f64 = 0.9;
/// Default number of low-confidence tickets listed to label next.
pub const DEFAULT_LABEL_NEXT: usize = 50;

/// What a report is built from.
pub struct ReportInput<'a> {
    /// The evaluation, with per-example results (from `triagekit_model::evaluate`).
    pub eval: &'a EvalReport,
    /// The evaluated texts, indexed by `EvalExample::index`.
    pub texts: &'a [String],
    /// Engine decisions on the same rows, when a rule set was given.
    pub rules: Option<RulesInput<'a>>,
    /// Precision the suggested per-class thresholds must reach (0..=1).
    pub target_precision: f64,
    /// How many of the least confident tickets to list.
    pub label_next: usize,
    /// Page heading, e.g. the model and data file names.
    pub title: String,
    /// The caller's name for each row of `texts` (e.g. a DataFrame's index); `None` lists
    /// rows by 0-based position.
    pub row_ids: Option<&'a [String]>,
    /// The model's tuning record (`Model::metadata().tuning`), shown as the CV table.
    pub tuning: Option<TuningSummary>,
}

impl<'a> ReportInput<'a> {
    /// Input with default target precision and label-next count and no rules.
    pub fn new(eval: &'a EvalReport, texts: &'a [String]) -> Self {
        ReportInput {
            eval,
            texts,
            rules: None,
            target_precision: DEFAULT_TARGET_PRECISION,
            label_next: DEFAULT_LABEL_NEXT,
            title: "triagekit evaluation".into(),
            row_ids: None,
            tuning: None,
        }
    }
}

/// Everything derived for one head.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadAnalysis {
    /// Confusion rows/columns in clustered display order (indices into `confusion.labels`).
    pub order: Vec<usize>,
    /// Precision and coverage by confidence threshold, ascending threshold.
    pub curve: Vec<CurvePoint>,
    /// Lowest single threshold reaching the target precision over all predictions.
    pub global_threshold: Option<f64>,
    /// Suggested threshold per predicted class.
    pub class_thresholds: BTreeMap<String, ClassThreshold>,
    /// Confidence histogram of right vs wrong predictions.
    pub histogram: Histogram,
}

/// The `EngineOptions` fragment with suggested thresholds: merge it into the engine's options.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ThresholdConfig {
    /// Predicted category -> threshold; 1.0 where the target precision was never reached, so
    /// those predictions always go to review.
    pub class_thresholds: BTreeMap<String, f64>,
}

/// A built report: the data (serialised into the page) plus rendering and writing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Page heading.
    pub title: String,
    /// Precision the thresholds aim for.
    pub target_precision: f64,
    /// The evaluation exactly as `triagekit eval --json` prints it.
    pub eval: EvalReport,
    /// The head thresholds and label-next list are for (`category`, else the first head).
    pub primary_head: Option<String>,
    /// Per-head analysis.
    pub heads: BTreeMap<String, HeadAnalysis>,
    /// Suggested thresholds for the primary head, ready for `EngineOptions`.
    pub suggested: ThresholdConfig,
    /// The least confident tickets of the primary head, ascending confidence.
    pub label_next: Vec<LabelRow>,
    /// Rule coverage and decision quality, when rules were run.
    pub rules: Option<RuleReport>,
    /// How the model's settings were tuned, when they were.
    pub tuning: Option<TuningSummary>,
}

/// Files written by [`Report::write`].
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFiles {
    /// The HTML page.
    pub html: PathBuf,
    /// `<stem>.to-label.csv`: the label-next list.
    pub to_label: PathBuf,
    /// `<stem>.thresholds.json`: the suggested `class_thresholds`.
    pub thresholds: PathBuf,
}

/// Derives every figure the page shows; rejects a target precision outside 0..=1.
pub fn build_report(input: &ReportInput<'_>) -> Result<Report> {
    let target = input.target_precision;
    if !(0.0..=1.0).contains(&target) {
        return Err(TriageError::InvalidConfig(format!(
            "target precision must be within 0..=1, got {target}"
        )));
    }
    let heads: BTreeMap<String, HeadAnalysis> = input
        .eval
        .heads
        .iter()
        .map(|(name, head)| {
            let analysis = HeadAnalysis {
                order: confusion_order(&head.confusion.matrix),
                curve: analysis::precision_coverage(&head.examples),
                global_threshold: analysis::global_threshold(&head.examples, target),
                class_thresholds: analysis::class_thresholds(&head.examples, target),
                histogram: analysis::histogram(&head.examples),
            };
            (name.clone(), analysis)
        })
        .collect();
    // The engine's review step reads the model's primary head; the report suggests its thresholds.
    let primary_head = input.eval.primary_head().map(str::to_string);
    let primary = primary_head
        .as_ref()
        .and_then(|h| Some((heads.get(h)?, input.eval.heads.get(h)?)));
    let suggested = ThresholdConfig {
        class_thresholds: primary
            .map(|(a, _)| {
                a.class_thresholds
                    .iter()
                    .map(|(c, t)| (c.clone(), t.threshold.unwrap_or(1.0)))
                    .collect()
            })
            .unwrap_or_default(),
    };
    let mut label_next = primary
        .map(|(_, h)| analysis::label_next(&h.examples, input.texts, input.label_next))
        .unwrap_or_default();
    if let Some(ids) = input.row_ids {
        for r in &mut label_next {
            r.id = ids.get(r.row).cloned();
        }
    }
    Ok(Report {
        title: input.title.clone(),
        target_precision: target,
        eval: input.eval.clone(),
        primary_head,
        heads,
        suggested,
        label_next,
        rules: input.rules.as_ref().map(analyse_rules),
        tuning: input.tuning.clone(),
    })
}

impl Report {
    /// The self-contained HTML page.
    pub fn to_html(&self) -> String {
        html::render(self)
    }

    /// The suggested thresholds as pretty JSON (`{"class_thresholds": {...}}`).
    pub fn thresholds_json(&self) -> String {
        serde_json::to_string_pretty(&self.suggested).unwrap_or_else(|_| "{}".into())
    }

    /// The label-next list as CSV: `row,confidence,predicted,label,text`, ascending confidence.
    pub fn to_label_csv(&self) -> String {
        let mut out = String::from("row,confidence,predicted,label,text\n");
        for r in &self.label_next {
            let fields = [
                r.shown(),
                r.confidence.to_string(),
                r.predicted.clone(),
                r.label.clone(),
                r.text.clone(),
            ];
            let quoted: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&quoted.join(","));
            out.push('\n');
        }
        out
    }

    /// Writes the page to `path` (creating its folder), and `<stem>.to-label.csv` and
    /// `<stem>.thresholds.json` beside it.
    pub fn write(&self, path: &Path) -> Result<ReportFiles> {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("report");
        let sibling = |suffix: &str| path.with_file_name(format!("{stem}{suffix}"));
        let files = ReportFiles {
            html: path.to_path_buf(),
            to_label: sibling(".to-label.csv"),
            thresholds: sibling(".thresholds.json"),
        };
        // A report goes where it is asked to, as `triagekit eval --report out/r.html` expects.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| TriageError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let write = |p: &Path, text: String| {
            std::fs::write(p, text).map_err(|source| TriageError::Io {
                path: p.to_path_buf(),
                source,
            })
        };
        write(&files.html, self.to_html())?;
        write(&files.to_label, self.to_label_csv())?;
        write(&files.thresholds, self.thresholds_json() + "\n")?;
        Ok(files)
    }
}

/// RFC 4180 field: quoted only when it has to be, inner quotes doubled.
fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) || value.starts_with(' ') || value.ends_with(' ') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}
