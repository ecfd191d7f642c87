//! Shared set-up for the benches: the fixture engine and realistic generated tickets.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use triagekit::assign::Roster;
use triagekit::model::{load_labelled, Model, TrainConfig};
use triagekit::rules::{HeadView, ModelView, RuleOptions, RuleSet, TicketView};
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

/// The 30-rule bench set with one realistic billing ticket and a loaded model view: the inputs of
/// the `rules` bench and of the `bench30_count` example (instruction counting).
pub fn bench30_inputs() -> (RuleSet, TicketView<'static>, ModelView) {
    let path = workspace_root().join("fixtures/rules/bench30.rhai");
    let rules = RuleSet::load(&path, RuleOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut fields = serde_json::Map::new();
    fields.insert("language".into(), "de".into());
    fields.insert("plan".into(), "enterprise".into());
    let ticket = TicketView {
        id: "T-10442",
        subject: "Charged twice for my last order".into(),
        body: "Hello, I was charged twice for order ORD-123456 on my credit card yesterday. \
               Please refund the duplicate payment. My account is under this email address. Thanks, Jana"
            .into(),
        requester: "jana.schmidt@example.org".into(),
        channel: "email".into(),
        created_at: "2026-11-18T10:15:00Z".parse().ok(),
        impact: Some(3),
        urgency: Some(2),
        // Leaked once per process: the view borrows them for as long as the bench runs.
        tags: Box::leak(vec!["web-form".to_owned()].into_boxed_slice()),
        fields: Box::leak(Box::new(fields)),
    };
    let model = ModelView {
        loaded: true,
        version: "m-2026-11".into(),
        heads: vec![
            HeadView {
                name: "category".into(),
                label: "billing".into(),
                confidence: 0.82,
                top: vec![("billing".into(), 0.82), ("cards".into(), 0.11), ("access".into(), 0.03)],
            },
            HeadView { name: "priority".into(), label: "P3".into(), confidence: 0.55, top: vec![("P3".into(), 0.55)] },
        ],
    };
    // Every rule must run cleanly, or the benches would time error paths.
    let first = rules.evaluate(&ticket, &model).map_err(|e| e.to_string());
    assert!(first.as_ref().is_ok_and(|o| o.trace.iter().all(|t| t.error.is_none())), "{first:#?}");
    (rules, ticket, model)
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
    generated_tickets_range(0, n)
}

/// Tickets `start..start + len` of the same deterministic stream as [`generated_tickets`], so a
/// long run can be generated chunk by chunk.
pub fn generated_tickets_range(start: usize, len: usize) -> Vec<Ticket> {
    (start..start + len)
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

/// The Banking77 folder: `$TRIAGEKIT_BANKING77`, else `<workspace>/../shared/datasets/banking77`.
/// `None` (after printing why) when `train.csv`/`test.csv` are not there, so benches can skip.
pub fn banking77_dir(bench: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("TRIAGEKIT_BANKING77")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/datasets/banking77"));
    if dir.join("train.csv").exists() && dir.join("test.csv").exists() {
        Some(dir)
    } else {
        println!("{bench}: Banking77 not found at {} (set TRIAGEKIT_BANKING77); skipping", dir.display());
        None
    }
}

/// Banking77 `file` (`train.csv` or `test.csv`) from `dir`: texts and the `category` head.
pub fn banking77(dir: &Path, file: &str) -> triagekit::model::LabelledData {
    let cols = |s: &str| vec![s.to_string()];
    load_labelled(&dir.join(file), &cols("text"), &cols("category"), 20_000)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join(file).display()))
}

/// Peak resident set size of this process in bytes (`VmHWM` in `/proc/self/status`; 0 elsewhere).
pub fn peak_rss_bytes() -> u64 {
    proc_status_kb("VmHWM:") * 1024
}

/// Current resident set size of this process in bytes (`VmRSS`; 0 off Linux).
pub fn rss_bytes() -> u64 {
    proc_status_kb("VmRSS:") * 1024
}

fn proc_status_kb(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// User + system CPU seconds of this process, all threads (Linux `/proc/self/stat`; 0 elsewhere).
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
