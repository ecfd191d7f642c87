//! Shared set-up for the benches: the fixture engine and realistic generated tickets.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use triagekit::assign::Roster;
use triagekit::model::{load_labelled, Model, TrainConfig};
use triagekit::rules::{RuleOptions, RuleSet};
use triagekit::{Engine, EngineOptions, Ticket};

/// The workspace root, so benches find `fixtures/` whatever directory cargo runs them from.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Trains the fixture model (category, priority and group heads) from `fixtures/train/tickets.csv`.
pub fn fixture_model() -> Model {
    let root = workspace_root();
    let columns = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let data = load_labelled(
        &root.join("fixtures/train/tickets.csv"),
        &columns(&["subject", "body"]),
        &columns(&["category", "priority", "group"]),
        20_000,
    )
    .unwrap_or_else(|e| panic!("fixture training data: {e}"));
    Model::fit(&data.texts, &data.heads, &TrainConfig::default()).unwrap_or_else(|e| panic!("training: {e}"))
}

/// An engine with the 30-rule bench set, the fixture model and roster; dry-run so loads stay put.
pub fn fixture_engine(model: Option<Arc<Model>>) -> Engine {
    let root = workspace_root();
    let rules = RuleSet::load(&root.join("fixtures/rules/bench30.rhai"), RuleOptions::default())
        .unwrap_or_else(|e| panic!("bench rules: {e}"));
    let roster = Roster::load(&root.join("fixtures/agents.json")).unwrap_or_else(|e| panic!("roster: {e}"));
    let options = EngineOptions { commit: false, review_threshold: 0.3, ..EngineOptions::default() };
    Engine::new(rules, model, Some(roster), options).unwrap_or_else(|e| panic!("engine: {e}"))
}

const SUBJECTS: [&str; 8] = [
    "VPN is down for the whole office",
    "Forgot my password and I'm locked out",
    "Suspicious email asking for my login",
    "Charged twice for my subscription",
    "Lost my card at the station",
    "Printer on floor 3 keeps jamming",
    "Laptop will not boot after update",
    "Refund not received after return",
];
const BODIES: [&str; 4] = [
    "Nobody can work since this morning, please help as soon as possible.",
    "This started yesterday after the maintenance window. Ticket number 4411.",
    "Please call me back on my mobile, I am travelling this week.",
    "I already tried restarting twice and it did not help at all.",
];
const CHANNELS: [&str; 4] = ["email", "chat", "phone", "web"];

/// `n` varied but realistic tickets, deterministic for a given `n`.
pub fn generated_tickets(n: usize) -> Vec<Ticket> {
    (0..n)
        .map(|i| {
            let value = serde_json::json!({
                "id": format!("G-{i}"),
                "subject": SUBJECTS[i % SUBJECTS.len()],
                "body": BODIES[(i / SUBJECTS.len()) % BODIES.len()],
                "requester": format!("user{}@example.com", i % 97),
                "channel": CHANNELS[i % CHANNELS.len()],
                "created_at": "2026-11-23T10:30:00Z",
                "impact": 1 + (i % 3),
                "urgency": 1 + ((i / 3) % 3),
            });
            Ticket::from_value(value).unwrap_or_default()
        })
        .collect()
}
