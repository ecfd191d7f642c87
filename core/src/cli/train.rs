//! `triagekit train`: fit a text model from labelled tickets and write the model file.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use triagekit_model::{load_labelled, Algorithm, FitOptions, NumberMode, TrainConfig, TuneConfig, TuneMetric};

use super::output::outln;

/// Arguments of `triagekit train`.
#[derive(Args, Debug)]
pub struct TrainArgs {
    /// Data, text and label columns.
    #[command(flatten)]
    pub input: super::DataArgs,
    /// Where to write the model file.
    #[arg(long)]
    pub out: PathBuf,
    // Defaults come from `TrainConfig::default()`, the one place they are set.
    /// Classifier: linear (SVM, default) or naive-bayes (linfa's multinomial NB, for comparison).
    #[arg(long, default_value_t = TrainConfig::default().algorithm, value_parser = parse_model_option::<Algorithm>)]
    pub algorithm: Algorithm,
    /// Seed for the solver (same data + seed => identical weights).
    #[arg(long, default_value_t = TrainConfig::default().seed)]
    pub seed: u64,
    /// SVM regularisation C (larger fits the training data more closely).
    #[arg(long, default_value_t = TrainConfig::default().c, allow_negative_numbers = true)]
    pub c: f32,
    /// Texts longer than this many characters are cut.
    #[arg(long, default_value_t = TrainConfig::default().max_text_chars)]
    pub max_text_chars: usize,
    /// Numbers and codes: fold (digits become one placeholder), keep (codes such as job_1424
    /// stay one token plus their parts) or keep_with_shape (also a shape token like "4 digits").
    #[arg(long, default_value_t = TrainConfig::default().numbers, value_parser = parse_model_option::<NumberMode>)]
    pub numbers: NumberMode,
    /// Pick C, number handling and char n-grams by stratified k-fold cross-validation around
    /// the settings above, then fit the best on all rows; prints the CV table to stderr.
    #[arg(long)]
    pub tune: bool,
    /// Seconds the --tune search may take (the final fit comes on top); 0 = score the
    /// settings above only. A slower machine evaluates fewer candidates.
    #[arg(long, default_value_t = TuneConfig::default().budget_s, requires = "tune")]
    pub budget_s: f64,
    /// Cross-validation folds of --tune.
    #[arg(long, default_value_t = TuneConfig::default().folds, requires = "tune")]
    pub folds: usize,
    /// What --tune maximises: accuracy or macro_f1.
    #[arg(long, default_value_t = TuneConfig::default().tune_metric, value_parser = parse_model_option::<TuneMetric>, requires = "tune")]
    pub tune_metric: TuneMetric,
}

/// A flag value parsed by the model crate's `FromStr` (which names the option in its error).
fn parse_model_option<T: std::str::FromStr<Err = triagekit_model::ModelError>>(s: &str) -> Result<T, String> {
    s.parse().map_err(|e: triagekit_model::ModelError| e.to_string())
}

/// Runs `triagekit train`.
pub fn run(args: &TrainArgs) -> ExitCode {
    match train(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

impl TrainArgs {
    /// The --tune flags, when tuning was asked for.
    fn tune_config(&self) -> Option<TuneConfig> {
        let tune = TuneConfig { budget_s: self.budget_s, folds: self.folds, tune_metric: self.tune_metric, ..TuneConfig::default() };
        self.tune.then_some(tune)
    }

    /// The flags as training settings; `Model::fit` validates them.
    fn config(&self) -> TrainConfig {
        TrainConfig {
            algorithm: self.algorithm,
            seed: self.seed,
            c: self.c,
            max_text_chars: self.max_text_chars,
            numbers: self.numbers,
            ..TrainConfig::default()
        }
    }
}

fn train(args: &TrainArgs) -> Result<(), String> {
    // A bad flag is reported before the data is read.
    let config = args.config();
    config.validate().map_err(|e| e.to_string())?;
    let tune = args.tune_config();
    if let Some(tune) = &tune {
        tune.validate().map_err(|e| e.to_string())?;
    }
    let data = load_labelled(&args.input.data, &args.input.text, &args.input.label, args.max_text_chars).map_err(|e| e.to_string())?;
    eprintln!("loaded {} rows from {}", data.rows, args.input.data.display());
    let config = TrainConfig { data_hash: Some(data.data_hash.clone()), ..config };
    let started = Instant::now();
    let options = FitOptions { train: config.clone(), tune };
    let model = super::train_progress::fit(&data.texts, &data.heads, &options)?;
    let total = started.elapsed().as_secs_f64();
    model.save(&args.out).map_err(|e| e.to_string())?;
    let size = std::fs::metadata(&args.out).map(|m| m.len()).unwrap_or(0);

    outln!("model {} ({}, seed {}, {} features)", model.version(), config.algorithm, config.seed, model.metadata().n_features);
    if let Some(t) = &model.metadata().tuning {
        outln!("tuned by {}-fold cross-validation ({}): chosen {} ({})", t.folds, t.metric, t.chosen, t.chosen_overrides);
    }
    outln!("{:<16} {:>7} {:>8} {:>8} {:>10} {:>8} {:>6}", "head", "rows", "classes", "skipped", "train acc", "fit s", "temp");
    for h in &model.metadata().heads {
        outln!(
            "{:<16} {:>7} {:>8} {:>8} {:>10.4} {:>8.2} {:>6.3}",
            h.head, h.rows, h.classes, h.skipped, h.train_accuracy, h.fit_seconds, h.temperature
        );
    }
    outln!("trained in {total:.2} s; wrote {} ({:.2} MB)", args.out.display(), size as f64 / 1e6);
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        train: TrainArgs,
    }

    fn args(extra: &[&str]) -> TrainArgs {
        let base = ["triagekit", "--data", "missing.csv", "--text", "body", "--label", "category", "--out", "m.tkm"];
        Cli::parse_from(base.iter().chain(extra)).train
    }

    #[test]
    fn flag_defaults_are_the_model_crate_defaults() {
        let (got, want) = (args(&[]).config(), TrainConfig::default());
        assert_eq!((got.algorithm, got.seed, got.c, got.max_text_chars), (want.algorithm, want.seed, want.c, want.max_text_chars));
        assert_eq!(got.numbers, want.numbers);
    }

    #[test]
    fn numbers_flag_reaches_the_config_and_a_bad_value_is_refused() {
        assert_eq!(args(&["--numbers", "keep_with_shape"]).config().numbers, NumberMode::KeepWithShape);
        let base = ["triagekit", "--data", "d.csv", "--text", "t", "--label", "l", "--out", "m.tkm", "--numbers", "round"];
        let err = Cli::try_parse_from(base).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("invalid training option numbers"), "{err}");
    }

    #[test]
    fn tune_flags_reach_the_tune_config_and_need_tune() {
        assert_eq!(args(&[]).tune_config(), None);
        assert_eq!(args(&["--tune"]).tune_config(), Some(TuneConfig::default()));
        let tune = args(&["--tune", "--budget-s", "0", "--folds", "5", "--tune-metric", "macro_f1"]).tune_config().unwrap();
        assert_eq!((tune.budget_s, tune.folds, tune.tune_metric), (0.0, 5, TuneMetric::MacroF1));
        let base = ["triagekit", "--data", "d.csv", "--text", "t", "--label", "l", "--out", "m.tkm", "--budget-s", "5"];
        assert!(Cli::try_parse_from(base).is_err(), "--budget-s without --tune is refused");
        let message = train(&args(&["--tune", "--folds", "1"])).unwrap_err();
        assert!(message.starts_with("invalid training option folds: "), "{message}");
    }

    #[test]
    fn bad_c_is_the_model_crate_error_before_the_data_is_read() {
        for c in ["-1", "NaN", "0"] {
            let message = train(&args(&["--c", c])).unwrap_err();
            assert!(message.starts_with("invalid training option c: "), "{c}: {message}");
        }
    }
}
