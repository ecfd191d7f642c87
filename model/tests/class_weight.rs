//! `class_weight`: what it does to an imbalanced head (not only that it runs).

mod common;

use common::Lcg;
use serde_json::json;
use triagekit_model::{ClassWeight, Model, ModelError, TrainConfig};

/// 300 "network" tickets and 15 "security" ones that share most of their words: the rare class
/// is only told apart by a few words, the situation `balanced` is for.
fn imbalanced() -> (Vec<String>, Vec<(String, Vec<Option<String>>)>) {
    let shared = ["vpn", "login", "fails", "again", "office", "laptop", "token", "remote", "access", "slow"];
    let mut rng = Lcg(7);
    let (mut texts, mut labels) = (Vec::new(), Vec::new());
    for i in 0..315 {
        let security = i % 21 == 0;
        let mut words: Vec<&str> = (0..6).map(|_| rng.pick(&shared)).collect();
        if security && i % 2 == 0 {
            words.push("phishing");
        }
        texts.push(words.join(" "));
        labels.push(Some(if security { "security" } else { "network" }.to_string()));
    }
    (texts, vec![("category".to_string(), labels)])
}

/// Mean of security's decision value minus network's over texts of only shared words.
fn security_margin(model: &Model) -> f32 {
    let shared = ["vpn login fails again", "remote access slow token", "office laptop vpn", "login token remote", "access fails slow"];
    let classes = model.classes("category").unwrap().to_vec();
    let (sec, net) = (classes.iter().position(|c| c == "security").unwrap(), classes.iter().position(|c| c == "network").unwrap());
    let margins: Vec<f32> = shared.iter().map(|t| model.decision_function("category", t).unwrap()).map(|d| d[sec] - d[net]).collect();
    margins.iter().sum::<f32>() / margins.len() as f32
}

/// Training rows of the rare class that the model calls by their label.
fn security_recall(model: &Model) -> usize {
    let (texts, heads) = imbalanced();
    texts.iter().zip(&heads[0].1).filter(|(t, l)| l.as_deref() == Some("security") && model.predict(t, 1).heads[0].label == "security").count()
}

fn fit(class_weight: ClassWeight) -> Model {
    let (texts, heads) = imbalanced();
    let config = TrainConfig { class_weight, created: Some("2026-01-01T00:00:00Z".into()), ..TrainConfig::default() };
    Model::fit(&texts, &heads, &config).unwrap()
}

#[test]
fn weighting_the_rare_class_moves_ambiguous_tickets_towards_it() {
    let none = fit(ClassWeight::None);
    let balanced = fit(ClassWeight::Balanced);
    let heavy = fit(ClassWeight::PerClass([("security".to_string(), 60.0)].into()));
    // Weighting the rare class moves ambiguous tickets towards it (balanced or an explicit
    // weight), and it recalls at least as many of its own rows.
    let (n, b, h) = (security_margin(&none), security_margin(&balanced), security_margin(&heavy));
    assert!(n < b && n < h, "margins none {n}, balanced {b}, weight 60 {h}");
    assert!(security_recall(&balanced) >= security_recall(&none));
    assert!(security_recall(&balanced) > 0);
}

#[test]
fn the_default_is_balanced_and_bad_weights_name_the_option() {
    assert_eq!(TrainConfig::default().class_weight, ClassWeight::Balanced);
    assert_eq!(TrainConfig::from_value(&json!({"class_weight": "none"})).unwrap().class_weight, ClassWeight::None);
    let (texts, heads) = imbalanced();
    for bad in [json!({"class_weight": {"nosuch": 2}}), json!({"class_weight": {"security": -1}})] {
        let config = TrainConfig::from_value(&bad).unwrap();
        match Model::fit(&texts, &heads, &config) {
            Err(ModelError::InvalidConfig { field, .. }) => assert_eq!(field, "class_weight", "{bad}"),
            other => panic!("{bad}: expected InvalidConfig, got {other:?}"),
        }
    }
    match TrainConfig::from_value(&json!({"class_weight": "heavy"})) {
        Err(ModelError::InvalidConfig { field, .. }) => assert_eq!(field, "class_weight"),
        other => panic!("expected InvalidConfig, got {other:?}"),
    }
}
