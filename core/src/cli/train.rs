//! `triagekit train`: fit a text model from labelled tickets and write the model file.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use triagekit_model::warm_start::warm_config;
use triagekit_model::{load_labelled, Algorithm, ClassWeight, FitOptions, Model, NumberMode, TrainConfig, TuneConfig, TuneMetric};

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
    /// Class weights: balanced (rare classes count more; the default), none, or a JSON object
    /// of label -> weight such as '{"hardware": 2}'.
    #[arg(long, default_value = TrainConfig::default().class_weight.as_str(), value_parser = parse_class_weight)]
    pub class_weight: ClassWeight,
    /// NBSVM feature scaling: smoothing of its log-count ratios (e.g. 1; helps long, noisy
    /// texts); 0 turns it off.
    #[arg(long, default_value_t = TrainConfig::default().nb_scaling)]
    pub nb_scaling: f32,
    /// Weight of char n-grams against words (above 1 for short texts, below 1 for long ones).
    #[arg(long, default_value_t = TrainConfig::default().char_weight)]
    pub char_weight: f32,
    /// Largest model file in MB; past it the least important features are dropped (0 = no limit).
    #[arg(long, default_value_t = TrainConfig::default().max_model_mb)]
    pub max_model_mb: f32,
    /// Start from this model (e.g. retrain on all rows plus agents' corrections): its weights
    /// seed the fit and its text pipeline is kept; new classes are learnt, missing ones dropped.
    #[arg(long, value_name = "OLD.tkm")]
    pub warm_start: Option<PathBuf>,
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

/// `--class-weight`: a name, or a JSON object of label -> weight.
fn parse_class_weight(s: &str) -> Result<ClassWeight, String> {
    if s.trim_start().starts_with('{') {
        serde_json::from_str(s).map_err(|e| format!("invalid training option class_weight: {e}"))
    } else {
        ClassWeight::parse(s).map_err(|e| format!("invalid training option class_weight: {e}"))
    }
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
            class_weight: self.class_weight.clone(),
            nb_scaling: self.nb_scaling,
            char_weight: self.char_weight,
            max_model_mb: self.max_model_mb,
            ..TrainConfig::default()
        }
    }
}

fn train(args: &TrainArgs) -> Result<(), String> {
    // A bad flag is reported before the data is read.
    let config = args.config();
    config.validate().map_err(|e| e.to_string())?;
    let old = match &args.warm_start {
        Some(path) => Some(Model::load(path).map_err(|e| e.to_string())?),
        None => None,
    };
    // A warm start keeps the old model's pipeline, text cap included, or says what conflicts.
    let config = match &old {
        Some(old) => warm_config(&config, old).map_err(|e| e.to_string())?,
        None => config,
    };
    let tune = args.tune_config();
    if let Some(tune) = &tune {
        tune.validate().map_err(|e| e.to_string())?;
    }
    let data = load_labelled(&args.input.data, &args.input.text, &args.input.label, config.max_text_chars).map_err(|e| e.to_string())?;
    eprintln!("loaded {} rows from {}", data.rows, args.input.data.display());
    let config = TrainConfig { data_hash: Some(data.data_hash.clone()), ..config };
    let started = Instant::now();
    let options = FitOptions { train: config.clone(), tune };
    let model = super::train_progress::fit(&data.texts, &data.heads, &options, old.as_ref())?;
    let total = started.elapsed().as_secs_f64();
    model.save(&args.out).map_err(|e| e.to_string())?;
    let size = std::fs::metadata(&args.out).map(|m| m.len()).unwrap_or(0);

    outln!("model {} ({}, seed {}, {} features)", model.version(), config.algorithm, config.seed, model.metadata().n_features);
    if let Some(t) = &model.metadata().tuning {
        outln!("tuned by {}-fold cross-validation ({}): chosen {} ({})", t.folds, t.metric, t.chosen, t.chosen_overrides);
    }
    outln!("{:<16} {:>7} {:>8} {:>8} {:>10} {:>8} {:>6} {:>7}", "head", "rows", "classes", "skipped", "train acc", "fit s", "temp", "passes");
    for h in &model.metadata().heads {
        outln!(
            "{:<16} {:>7} {:>8} {:>8} {:>10.4} {:>8.2} {:>6.3} {:>7.1}",
            h.head, h.rows, h.classes, h.skipped, h.train_accuracy, h.fit_seconds, h.temperature, h.solver_passes
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
    fn warm_start_keeps_the_old_pipeline_and_names_a_conflict() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("rows.csv");
        let rows: String = (0..40).map(|i| format!("printer {i} jammed paper tray,hardware\nvpn {i} login token fails,access\n")).collect();
        std::fs::write(&data, format!("body,category\n{rows}")).unwrap();
        let old = dir.path().join("old.tkm");
        let base = |out: &std::path::Path, extra: &[&str]| {
            let mut a = vec!["triagekit", "--data", data.to_str().unwrap(), "--text", "body", "--label", "category", "--out", out.to_str().unwrap()];
            a.extend_from_slice(extra);
            Cli::parse_from(a).train
        };
        train(&base(&old, &["--numbers", "keep"])).unwrap();
        let new = dir.path().join("new.tkm");
        train(&base(&new, &["--warm-start", old.to_str().unwrap()])).unwrap();
        assert_eq!(Model::load(&new).unwrap().pipeline().numbers, NumberMode::Keep);
        let message = train(&base(&new, &["--warm-start", old.to_str().unwrap(), "--numbers", "fold"])).unwrap_err();
        assert!(message.starts_with("warm start: numbers is fold but the old model was trained with keep"), "{message}");
        let message = train(&base(&new, &["--warm-start", dir.path().join("none.tkm").to_str().unwrap()])).unwrap_err();
        assert!(message.contains("none.tkm"), "{message}");
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
