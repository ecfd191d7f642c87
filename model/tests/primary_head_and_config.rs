//! `Model::primary_head` for models with and without a "category" head, and bad training
//! options reaching `Model::fit` as the same typed error whichever way they were built.

mod common;

use serde_json::json;
use triagekit_model::{evaluate, Model, ModelError, TrainConfig};

fn texts() -> Vec<String> {
    ["vpn down", "vpn broken", "card lost", "card declined"].iter().map(|s| s.to_string()).collect()
}

fn labels(a: &str, b: &str) -> Vec<Option<String>> {
    vec![Some(a.into()), Some(a.into()), Some(b.into()), Some(b.into())]
}

#[test]
fn primary_head_is_category_else_the_first_head() {
    let texts = texts();
    let heads = vec![("priority".to_string(), labels("p1", "p2")), ("group".to_string(), labels("net", "pay"))];
    let m = Model::fit(&texts, &heads, &common::fixed_config()).unwrap();
    assert_eq!(m.primary_head(), "priority", "no category head: the first in file order");
    let back = Model::from_bytes(&m.to_bytes()).unwrap();
    assert_eq!(back.primary_head(), "priority");
    let p = m.predict("vpn", 2);
    assert_eq!((p.primary_index(), p.primary_head().map(|h| h.head.as_str())), (Some(0), Some("priority")));
    // The eval report does not keep model order: it leads with the first head by name.
    assert_eq!(evaluate(&m, &texts, &heads).unwrap().primary_head(), Some("group"));

    let heads = vec![("priority".to_string(), labels("p1", "p2")), ("category".to_string(), labels("network", "cards"))];
    let m = Model::fit(&texts, &heads, &common::fixed_config()).unwrap();
    assert_eq!(m.primary_head(), "category", "category wins wherever it sits");
    let p = m.predict("vpn", 2);
    assert_eq!((p.primary_index(), p.primary_head().map(|h| h.label.as_str())), (Some(1), Some("network")));
    assert_eq!(evaluate(&m, &texts, &heads).unwrap().primary_head(), Some("category"));
}

fn bad_field(config: &TrainConfig) -> String {
    let heads = vec![("category".to_string(), labels("network", "cards"))];
    match Model::fit(&texts(), &heads, config) {
        Err(ModelError::InvalidConfig { field, message }) => {
            assert!(!message.is_empty());
            field
        }
        other => panic!("expected InvalidConfig, got {:?}", other.map(|m| m.version().to_string())),
    }
}

#[test]
fn fit_rejects_bad_values_naming_the_field() {
    let d = TrainConfig::default();
    assert_eq!(bad_field(&TrainConfig { c: -1.0, ..d.clone() }), "c");
    assert_eq!(bad_field(&TrainConfig { c: f32::NAN, ..d.clone() }), "c");
    assert_eq!(bad_field(&TrainConfig { c: f32::INFINITY, ..d.clone() }), "c");
    assert_eq!(bad_field(&TrainConfig { max_iter: 0, ..d.clone() }), "max_iter");
    assert_eq!(bad_field(&TrainConfig { hash_bits: 40, ..d.clone() }), "hash_bits");
    assert_eq!(bad_field(&TrainConfig { nb_alpha: 0.0, ..d }), "nb_alpha");
    // The same option from a binding's options object fails the same way.
    let from_js = TrainConfig::from_value(&json!({"c": -1, "maxIter": 5})).unwrap();
    assert_eq!(bad_field(&from_js), "c");
    // Bad options are reported before the data is looked at.
    let err = Model::fit(&[], &[], &TrainConfig { c: -1.0, ..TrainConfig::default() }).unwrap_err();
    assert!(matches!(err, ModelError::InvalidConfig { .. }), "{err}");
    assert_eq!(err.to_string(), "invalid training option c: must be a finite number > 0, got -1");
}
