//! What every binding's `fit`/`evaluate` gets from the model crate: a single-class head and an
//! evaluation of nothing are refused, the version is a content hash without the creation time,
//! and the batch probabilities equal the per-text ones.

mod common;

use triagekit_model::{evaluate, Model, ModelError, TrainConfig};

fn texts() -> Vec<String> {
    ["vpn down", "vpn broken", "card lost", "card declined", "vpn slow", "card stolen"].iter().map(|s| s.to_string()).collect()
}

fn heads(labels: &[&str]) -> Vec<(String, Vec<Option<String>>)> {
    vec![("category".to_string(), labels.iter().map(|l| Some(l.to_string()).filter(|l| !l.is_empty())).collect())]
}

fn two_classes() -> Vec<(String, Vec<Option<String>>)> {
    heads(&["net", "net", "pay", "pay", "net", "pay"])
}

#[test]
fn a_single_class_head_is_refused() {
    let err = Model::fit(&texts(), &heads(&["net", "net", "", "net ", "net", "net"]), &TrainConfig::default()).unwrap_err();
    assert!(matches!(err, ModelError::InvalidInput(_)), "{err:?}");
    assert!(err.to_string().contains("at least 2 classes"), "{err}");
    // The check is per head: a second head with one class fails although the first is fine.
    let mut both = two_classes();
    both.push(("priority".to_string(), vec![Some("p1".to_string()); 6]));
    let err = Model::fit(&texts(), &both, &TrainConfig::default()).unwrap_err();
    assert!(err.to_string().contains("\"priority\""), "{err}");
}

#[test]
fn evaluating_no_labelled_rows_is_refused() {
    let m = Model::fit(&texts(), &two_classes(), &common::fixed_config()).unwrap();
    let err = evaluate(&m, &[], &heads(&[])).unwrap_err();
    assert!(matches!(err, ModelError::InvalidInput(_)), "{err:?}");
    assert!(err.to_string().contains("no labelled rows to evaluate"), "{err}");
    let err = evaluate(&m, &texts(), &heads(&["", "", "", "", "", ""])).unwrap_err();
    assert!(matches!(err, ModelError::InvalidInput(_)), "{err:?}");
    assert!(err.to_string().contains("no labelled rows to evaluate"), "{err}");
    assert!(evaluate(&m, &texts(), &two_classes()).is_ok());
}

#[test]
fn version_is_a_content_hash_without_the_creation_time() {
    let at = |created: &str, seed: u64| TrainConfig { created: Some(created.into()), seed, ..TrainConfig::default() };
    let a = Model::fit(&texts(), &two_classes(), &at("2026-01-01T00:00:00Z", 1)).unwrap();
    let b = Model::fit(&texts(), &two_classes(), &at("2026-06-30T12:34:56Z", 1)).unwrap();
    assert_ne!(a.metadata().created, b.metadata().created, "created stays in the metadata");
    assert_eq!(a.version(), b.version());
    assert_eq!(Model::from_bytes(&b.to_bytes()).unwrap().version(), a.version(), "kept through save and load");
    // Data, labels and parameters are all in it.
    let other_labels = Model::fit(&texts(), &heads(&["net", "pay", "pay", "pay", "net", "pay"]), &at("2026-01-01T00:00:00Z", 1)).unwrap();
    assert_ne!(other_labels.version(), a.version());
    let other_c = TrainConfig { c: 2.0, ..at("2026-01-01T00:00:00Z", 1) };
    assert_ne!(Model::fit(&texts(), &two_classes(), &other_c).unwrap().version(), a.version());
    // The data hash defaults to one of the texts and labels (a file's hash when the CLI gives it).
    assert!(a.metadata().data_hash.starts_with("xxh3-128:"), "{}", a.metadata().data_hash);
    assert_ne!(other_labels.metadata().data_hash, a.metadata().data_hash);
}

#[test]
fn batch_probabilities_equal_the_per_text_ones_and_sum_to_one() {
    let m = Model::fit(&texts(), &two_classes(), &common::fixed_config()).unwrap();
    let many: Vec<String> = (0..300).map(|i| format!("{} {i}", texts()[i % 6])).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let flat = m.predict_proba_batch("category", &refs).unwrap();
    let scores = m.decision_function_batch("category", &refs).unwrap();
    assert_eq!((flat.len(), scores.len()), (600, 600));
    for (i, text) in refs.iter().enumerate() {
        let row = &flat[2 * i..2 * i + 2];
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12, "row {i}: {row:?}");
        let single = m.predict_proba("category", text).unwrap();
        assert!(row.iter().zip(&single).all(|(a, b)| (a - f64::from(*b)).abs() < 1e-5), "{row:?} vs {single:?}");
        let raw = m.decision_function("category", text).unwrap();
        assert_eq!(&scores[2 * i..2 * i + 2], &[f64::from(raw[0]), f64::from(raw[1])]);
    }
    assert!(matches!(m.predict_proba_batch("nope", &refs), Err(ModelError::UnknownHead(_))));
}
