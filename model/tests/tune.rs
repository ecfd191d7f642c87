//! `--tune`: stratified folds, deterministic choice, the better candidate wins, zero budget,
//! options parsing and the CV table in the metadata.

mod common;

use serde_json::json;
use triagekit_model::{stratified_folds, FitOptions, Model, ModelError, TrainConfig, TuneConfig, TuneMetric};

/// No time cut in practice: every planned candidate runs, on any machine.
fn unlimited() -> TuneConfig {
    TuneConfig { budget_s: 1e9, ..TuneConfig::default() }
}

/// Labels per head, as `Model::fit` takes them.
type Heads = Vec<(String, Vec<Option<String>>)>;

/// Texts whose words are a class stem plus random letters: every word is (nearly) unique, so
/// only char n-grams, which see the stems, can generalise.
fn stem_data(per_class: usize) -> (Vec<String>, Heads) {
    let stems = [("network", ["netw", "rout", "wifi"]), ("printer", ["prnt", "tonr", "papr"]), ("payroll", ["wage", "slry", "bons"])];
    let mut rng = common::Lcg(7);
    let (mut texts, mut labels) = (Vec::new(), Vec::new());
    for _ in 0..per_class {
        for (label, words) in &stems {
            let text: Vec<String> = (0..5)
                .map(|_| {
                    let suffix: String = (0..5).map(|_| (b'a' + (rng.next() % 26) as u8) as char).collect();
                    format!("{}{suffix}", rng.pick(words))
                })
                .collect();
            texts.push(text.join(" "));
            labels.push(Some(label.to_string()));
        }
    }
    (texts, vec![("category".to_string(), labels)])
}

#[test]
fn folds_are_stratified_balanced_and_seeded() {
    // 3 classes of 10, 7 and 3 rows (the last exactly k), interleaved.
    let targets: Vec<usize> = (0..20).map(|i| [0, 0, 1, 0, 1, 0, 1, 0, 2, 1][i % 10]).chain([2usize; 1]).collect();
    let k = 3;
    let folds = stratified_folds(&targets, k, 42);
    assert_eq!(folds.len(), targets.len());
    for class in 0..3 {
        let members: Vec<u32> = targets.iter().zip(&folds).filter(|(t, _)| **t == class).map(|(_, f)| *f).collect();
        assert!(members.len() >= k);
        for f in 0..k as u32 {
            assert!(members.contains(&f), "class {class} missing from fold {f}: {members:?}");
        }
    }
    let sizes: Vec<usize> = (0..k as u32).map(|f| folds.iter().filter(|&&x| x == f).count()).collect();
    assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{sizes:?}");
    assert_eq!(stratified_folds(&targets, k, 42), folds);
    assert_ne!(stratified_folds(&targets, k, 43), folds, "the seed shuffles the assignment");
}

#[test]
fn the_candidate_that_is_clearly_better_wins() {
    let (texts, heads) = stem_data(30);
    let words_only = TrainConfig { char_ngram_min: 0, char_ngram_max: 0, ..common::fixed_config() };
    let model = Model::fit_tuned(&texts, &heads, &words_only, &unlimited(), &|_| {}).unwrap();
    let tuning = model.metadata().tuning.clone().expect("tuning recorded");
    let default = &tuning.candidates[0];
    assert_eq!(default.label, "default");
    assert!(tuning.chosen.contains("char_ngrams="), "chose {}: {:#?}", tuning.chosen, tuning.candidates);
    let chosen = tuning.candidates.iter().find(|c| c.label == tuning.chosen).unwrap();
    assert!(chosen.mean > default.mean + 0.3, "{} vs {}", chosen.mean, default.mean);
    assert!(tuning.candidates.iter().all(|c| !c.skipped));
    assert_eq!(chosen.fold_scores.len(), 3);
    // The final model is fitted with the chosen settings.
    assert!(model.pipeline().char_ngram_min > 0);
    let p = model.predict("netwqzxyv routabcde", 1);
    assert_eq!(p.heads[0].label, "network");
}

#[test]
fn same_seed_same_choice_and_bytes() {
    let data = common::fixture(&["category"]);
    let tune = unlimited();
    let a = Model::fit_tuned(&data.texts, &data.heads, &common::fixed_config(), &tune, &|_| {}).unwrap();
    let b = Model::fit_tuned(&data.texts, &data.heads, &common::fixed_config(), &tune, &|_| {}).unwrap();
    let (ta, tb) = (a.metadata().tuning.as_ref().unwrap(), b.metadata().tuning.as_ref().unwrap());
    assert_eq!(ta.chosen, tb.chosen);
    assert!(ta.candidates.len() > 5, "{:#?}", ta.candidates);
    assert_eq!(a.to_bytes(), b.to_bytes());
    // The table survives save and load (timings are not stored).
    let loaded = Model::from_bytes(&a.to_bytes()).unwrap();
    let stored = loaded.metadata().tuning.as_ref().unwrap();
    assert_eq!(stored.chosen, ta.chosen);
    assert_eq!(stored.candidates.len(), ta.candidates.len());
    assert!(stored.candidates.iter().all(|c| c.fit_seconds == 0.0));
}

#[test]
fn zero_budget_evaluates_only_the_default_and_reports_the_rest_as_skipped() {
    let data = common::fixture(&["category", "priority"]);
    let tune = TuneConfig { budget_s: 0.0, tune_metric: TuneMetric::MacroF1, ..TuneConfig::default() };
    let model = Model::fit_tuned(&data.texts, &data.heads, &common::fixed_config(), &tune, &|_| {}).unwrap();
    let tuning = model.metadata().tuning.as_ref().unwrap();
    assert_eq!(tuning.chosen, "default");
    assert_eq!(tuning.metric, "macro_f1");
    let (evaluated, skipped): (Vec<_>, Vec<_>) = tuning.candidates.iter().partition(|c| !c.skipped);
    assert_eq!(evaluated.len(), 1);
    assert_eq!(evaluated[0].label, "default");
    assert!(evaluated[0].mean > 0.3 && evaluated[0].mean <= 1.0);
    assert!(!skipped.is_empty());
    // The default chosen means a plain fit's weights.
    let plain = Model::fit(&data.texts, &data.heads, &common::fixed_config()).unwrap();
    for t in data.texts.iter().take(40) {
        assert_eq!(model.predict(t, 3), plain.predict(t, 3));
    }
    assert!(plain.metadata().tuning.is_none());
}

#[test]
fn fit_options_split_tuning_keys_from_training_keys() {
    let o = FitOptions::from_value(&json!({"tune": true, "budgetS": 5, "folds": 4, "c": 2, "tune_metric": "macro_f1"})).unwrap();
    let tune = o.tune.unwrap();
    assert_eq!((tune.budget_s, tune.folds, tune.tune_metric), (5.0, 4, TuneMetric::MacroF1));
    assert_eq!(o.train.c, 2.0);
    let plain = FitOptions::from_value(&json!({"seed": 3})).unwrap();
    assert!(plain.tune.is_none());
    assert_eq!(FitOptions::from_value(&json!({"tune": true})).unwrap().tune, Some(TuneConfig::default()));
    for (bad, field) in [
        (json!({"budget_s": 5}), "budget_s"),
        (json!({"tune": "yes"}), "tune"),
        (json!({"tune": true, "folds": 1}), "folds"),
        (json!({"tune": true, "budget_s": -1}), "budget_s"),
        (json!({"tune": true, "tune_metric": "auc"}), "tune_metric"),
        (json!({"tune": true, "learning_rate": 1}), "learning_rate"),
    ] {
        match FitOptions::from_value(&bad) {
            Err(ModelError::InvalidConfig { field: f, .. }) => assert_eq!(f, field, "{bad}"),
            other => panic!("{bad}: expected InvalidConfig, got {other:?}"),
        }
    }
}

#[test]
fn too_few_rows_for_the_folds_is_a_typed_error() {
    let texts = vec!["a".to_string(), "b".to_string()];
    let heads = vec![("category".to_string(), vec![Some("x".to_string()), Some("y".to_string())])];
    let err = Model::fit_tuned(&texts, &heads, &TrainConfig::default(), &TuneConfig::default(), &|_| {}).unwrap_err();
    assert!(matches!(err, ModelError::InvalidInput(_)), "{err}");
}

#[test]
fn untuned_files_carry_no_tuning_table_and_tuned_ones_keep_it() {
    let data = common::fixture(&["category"]);
    let plain = Model::fit(&data.texts, &data.heads, &common::fixed_config()).unwrap();
    let has_tuning = |m: &Model| {
        let bytes = m.to_bytes();
        let payload = triagekit_model::format::decode(&bytes).unwrap();
        payload.windows(10).any(|w| w == b"\"tuning\":{")
    };
    assert!(!has_tuning(&plain));
    let tune = TuneConfig { budget_s: 0.0, ..TuneConfig::default() };
    let tuned = Model::fit_tuned(&data.texts, &data.heads, &common::fixed_config(), &tune, &|_| {}).unwrap();
    assert!(has_tuning(&tuned));
    let again = Model::from_bytes(&tuned.to_bytes()).unwrap();
    // Everything but the wall-clock seconds, which are not stored.
    let strip = |m: &Model| {
        let mut t = m.metadata().tuning.clone().unwrap();
        t.candidates.iter_mut().for_each(|c| c.fit_seconds = 0.0);
        t
    };
    assert_eq!(strip(&again), strip(&tuned));
    assert_eq!(again.version(), tuned.version());
}

#[test]
fn the_table_marks_the_choice_and_the_skipped_rows() {
    let data = common::fixture(&["category"]);
    let tune = TuneConfig { budget_s: 0.0, ..TuneConfig::default() };
    let model = Model::fit_tuned(&data.texts, &data.heads, &common::fixed_config(), &tune, &|_| {}).unwrap();
    let table = model.metadata().tuning.as_ref().unwrap().table();
    assert!(table.starts_with("| candidate | mean accuracy |"), "{table}");
    assert!(table.contains("| *default | "), "{table}");
    assert!(table.contains("| c=1.0 | — | — | — | skipped (time) |"), "{table}");
    assert!(table.contains("1 evaluated"), "{table}");
}

/// Found by the harness: a tuned model's file did not load ("not canonically encoded")
/// because a CV score printed into the JSON metadata came back one ulp off.
#[test]
fn a_tuned_model_file_loads() {
    let data = common::fixture(&["category"]);
    let tune = TuneConfig { budget_s: 1e6, ..TuneConfig::default() };
    let tuned = Model::fit_tuned(&data.texts, &data.heads, &common::fixed_config(), &tune, &|_| {}).unwrap();
    let again = Model::from_bytes(&tuned.to_bytes()).expect("a tuned model loads");
    assert_eq!(again.to_bytes(), tuned.to_bytes());
}
