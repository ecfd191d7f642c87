//! How `triagekit train` shows progress: an indicatif bar on a terminal, plain lines otherwise;
//! with --tune, one line per candidate and the CV table, all on stderr.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use triagekit_model::{FitOptions, Model, TrainProgress, TuneProgress};

/// Labels per head, as the model crate takes them.
type Heads = [(String, Vec<Option<String>>)];

/// Fit (tuned, warm-started from `old`, or plain) while showing progress on stderr.
pub(super) fn fit(texts: &[String], heads: &Heads, options: &FitOptions, old: Option<&Model>) -> Result<Model, String> {
    if old.is_some() && options.tune.is_some() {
        return Err("--tune and --warm-start cannot be combined: a warm start keeps the old model's settings".into());
    }
    // A live bar only makes sense on a terminal; logs and CI get plain lines.
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        let style = ProgressStyle::with_template("{spinner} {msg:<32} [{bar:30}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style.progress_chars("=> "));
        bar
    });
    let say = |line: String| match &bar {
        Some(bar) => bar.println(line),
        None => eprintln!("{line}"),
    };
    let on_train = |event: TrainProgress| match event {
        TrainProgress::Features { docs, features } => say(format!("featurised {docs} texts: {features} features")),
        TrainProgress::HeadStarted { head, index, heads, classes } => {
            if let Some(bar) = &bar {
                bar.set_length(classes as u64);
                bar.set_position(0);
                bar.set_message(format!("head {}/{heads} {head} (classes)", index + 1));
            } else {
                say(format!("training head {}/{heads} {head:?}: {classes} classes", index + 1));
            }
        }
        TrainProgress::ClassDone { done, .. } => {
            if let Some(bar) = &bar {
                bar.set_position(done as u64);
            }
        }
        TrainProgress::HeadFinished { .. } => {}
    };
    let progress = |event: TuneProgress| match event {
        TuneProgress::CandidateStarted { index, label, folds } => {
            if let Some(bar) = &bar {
                bar.set_length(folds as u64);
                bar.set_position(0);
                bar.set_message(format!("cv {} {label} (folds)", index + 1));
            }
        }
        TuneProgress::FoldDone => {
            if let Some(bar) = &bar {
                bar.inc(1);
            }
        }
        TuneProgress::CandidateDone(c) => {
            say(format!("cv {:<40} {:.4} ± {:.4} ({:.1} s)", c.label, c.mean, c.std, c.fit_seconds));
        }
        TuneProgress::SearchDone(summary) => {
            say(summary.table());
            say(format!("fitting {} on all rows", summary.chosen));
        }
        TuneProgress::Final(event) => on_train(event),
    };
    let model = match old {
        Some(old) => {
            say(format!("warm start from model {}", old.version()));
            Model::fit_warm_with_progress(texts, heads, &options.train, old, &on_train)
        }
        None => Model::fit_with_options(texts, heads, options, &progress),
    }
    .map_err(|e| e.to_string());
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    model
}
