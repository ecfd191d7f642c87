//! Fixtures shared by the fuzz targets.
#![allow(dead_code)]

use std::path::PathBuf;

use triagekit_model::{Model, TrainConfig};
use triagekit_rules::{HeadView, ModelView, TicketView};

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// A small three-head model trained on the fixture tickets (once per process).
pub fn small_model() -> Model {
    let data = triagekit_model::load_labelled(
        &fixtures().join("train/tickets.csv"),
        &["subject".into(), "body".into()],
        &["category".into(), "priority".into(), "group".into()],
        2000,
    )
    .expect("fixture training data");
    let config = TrainConfig { hash_bits: 12, created: Some("2026-01-01T00:00:00Z".into()), ..TrainConfig::default() };
    Model::fit(&data.texts, &data.heads, &config).expect("train fixture model")
}

/// The fuzz ticket; built once per process and leaked, so its view is `'static`.
pub fn ticket_view() -> TicketView<'static> {
    let mut fields = serde_json::Map::new();
    fields.insert("site".into(), serde_json::json!("berlin"));
    fields.insert("count".into(), serde_json::json!(3));
    fields.insert("nested".into(), serde_json::json!({"a": [1, 2.5, null, "x"]}));
    TicketView {
        id: "T-1",
        subject: "VPN is down for the Berlin office".into(),
        body: "Hello, since this morning nobody can connect. Phishing? suspicious link in mail. Grüße".into(),
        requester: "ceo@board.example.com".into(),
        channel: "email".into(),
        created_at: "2026-01-05T09:30:00Z".parse().ok(),
        impact: Some(1),
        urgency: Some(2),
        tags: Box::leak(vec!["vip".to_owned(), "Berlin".to_owned()].into_boxed_slice()),
        fields: Box::leak(Box::new(fields)),
    }
}

pub fn model_view() -> ModelView {
    let head = |name: &str, top: &[(&str, f64)]| HeadView {
        name: name.into(),
        label: top[0].0.into(),
        confidence: top[0].1,
        top: top.iter().map(|(l, s)| ((*l).into(), *s)).collect(),
    };
    ModelView {
        loaded: true,
        version: "fuzz-model".into(),
        heads: vec![
            head("category", &[("network", 0.7), ("access", 0.2), ("billing", 0.1)]),
            head("priority", &[("P2", 0.6), ("P3", 0.4)]),
        ],
    }
}
