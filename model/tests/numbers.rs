//! The `numbers` training option: codes carry signal, the mode persists (default keep_with_shape).

mod common;

use serde_json::json;
use triagekit_model::{FormatError, Model, ModelError, NumberMode, TrainConfig};

/// Label heads as `Model::fit` takes them: (head name, one label per text).
type Heads = Vec<(String, Vec<Option<String>>)>;

/// Tickets whose group is told only by the job number (`job_1424` vs `job_9981`).
fn job_tickets() -> (Vec<String>, Heads) {
    let mut texts = Vec::new();
    let mut labels = Vec::new();
    let verbs = ["failed", "aborted", "did not start", "hangs", "timed out"];
    for i in 0..40 {
        let (job, group) = if i % 2 == 0 { ("JOB_1424", "batch") } else { ("job_9981", "payroll") };
        texts.push(format!("{job} {} tonight", verbs[i % verbs.len()]));
        labels.push(Some(group.to_string()));
    }
    (texts, vec![("group".to_string(), labels)])
}

fn fit(numbers: NumberMode) -> Model {
    let (texts, heads) = job_tickets();
    Model::fit(&texts, &heads, &TrainConfig { numbers, ..common::fixed_config() }).expect("fit")
}

fn label(model: &Model, text: &str) -> String {
    model.predict(text, 1).heads[0].label.to_string()
}

#[test]
fn keep_tells_codes_apart_where_fold_cannot() {
    let keep = fit(NumberMode::Keep);
    assert_eq!(label(&keep, "job_1424 is stuck"), "batch");
    assert_eq!(label(&keep, "job_9981 is stuck"), "payroll");
    // Folded, both jobs are "job <num>": the two tickets get the same scores.
    let fold = fit(NumberMode::Fold);
    let a = fold.decision_function("group", "job_1424 is stuck").unwrap();
    let b = fold.decision_function("group", "job_9981 is stuck").unwrap();
    assert_eq!(a, b);
}

#[test]
fn keep_models_round_trip_and_predict_identically() {
    for mode in [NumberMode::Keep, NumberMode::KeepWithShape] {
        let model = fit(mode);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.tkm");
        model.save(&path).unwrap();
        let loaded = Model::load(&path).unwrap();
        assert_eq!(loaded.pipeline().numbers, mode);
        assert_eq!(loaded.version(), model.version());
        assert_eq!(loaded.to_bytes(), model.to_bytes());
        for text in ["job_1424 failed", "JOB_9981 hangs 10.2.3.4", "ORA-12154 on kb4023057", "nothing numeric"] {
            assert_eq!(loaded.predict(text, 2), model.predict(text, 2), "{mode} {text:?}");
        }
    }
}

#[test]
fn the_mode_is_stored_and_an_unknown_mode_byte_is_rejected() {
    let fold = fit(NumberMode::Fold);
    let keep = fit(NumberMode::Keep);
    assert_ne!(fold.version(), keep.version());
    assert_eq!(Model::from_bytes(&keep.to_bytes()).unwrap().pipeline().numbers, NumberMode::Keep);
    assert_eq!(Model::from_bytes(&fold.to_bytes()).unwrap().pipeline().numbers, NumberMode::Fold);
    // Both payloads start with the same pipeline settings but for the mode byte.
    let a = triagekit_model::format::decode(&fold.to_bytes()).unwrap().to_vec();
    let b = triagekit_model::format::decode(&keep.to_bytes()).unwrap().to_vec();
    let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap();
    assert_eq!((a[at], b[at]), (0, 1), "the first difference is the mode byte");
    for bad in [3u8, 255] {
        let mut p = b.clone();
        p[at] = bad;
        let err = Model::from_bytes(&triagekit_model::format::encode(&p)).unwrap_err();
        assert!(matches!(&err, ModelError::Format(FormatError::Corrupt(m)) if m.contains("number mode")), "{bad}: {err}");
    }
}

#[test]
fn config_without_the_field_means_keep_with_shape_and_a_bad_value_names_it() {
    assert_eq!(TrainConfig::default().numbers, NumberMode::KeepWithShape);
    assert_eq!(TrainConfig::from_value(&json!({"seed": 1})).unwrap().numbers, NumberMode::KeepWithShape);
    assert_eq!(TrainConfig::from_value(&json!({"numbers": "keep"})).unwrap().numbers, NumberMode::Keep);
    let shape = TrainConfig::from_value(&json!({"numbers": "keep_with_shape"})).unwrap();
    assert_eq!(shape.numbers, NumberMode::KeepWithShape);
    for bad in [json!({"numbers": "round"}), json!({"numbers": 1}), json!({"numbers": null})] {
        match TrainConfig::from_value(&bad) {
            Err(ModelError::InvalidConfig { field, .. }) => assert_eq!(field, "numbers", "{bad}"),
            other => panic!("{bad}: expected InvalidConfig, got {other:?}"),
        }
    }
}
