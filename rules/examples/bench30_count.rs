//! Runs bench30 N times (arg 1, default 1000) for instruction counting:
//! `valgrind --tool=callgrind target/release/examples/bench30_count 1000` and compare with N=0.

use std::hint::black_box;
use std::path::Path;

use triagekit_rules::{HeadView, ModelView, RuleOptions, RuleSet, TicketView};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/rules/bench30.rhai");
    let rules = RuleSet::load(&path, RuleOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut fields = serde_json::Map::new();
    fields.insert("language".into(), "de".into());
    fields.insert("plan".into(), "enterprise".into());
    let ticket = TicketView {
        id: "T-10442".into(),
        subject: "Charged twice for my last order".into(),
        body: "Hello, I was charged twice for order ORD-123456 on my credit card yesterday. \
               Please refund the duplicate payment. My account is under this email address. Thanks, Jana"
            .into(),
        requester: "jana.schmidt@example.org".into(),
        channel: "email".into(),
        created_at: "2026-11-18T10:15:00Z".parse().ok(),
        impact: Some(3),
        urgency: Some(2),
        tags: vec!["web-form".into()],
        fields,
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
    // Warm-up: builds the per-thread engine.
    let first = rules.evaluate(&ticket, &model).unwrap_or_else(|e| panic!("{e}"));
    assert!(first.trace.iter().all(|t| t.error.is_none()));
    let start = std::time::Instant::now();
    for _ in 0..n {
        black_box(rules.evaluate(black_box(&ticket), black_box(&model)).ok());
    }
    if n > 0 {
        eprintln!("{:.2} µs/ticket (wall)", start.elapsed().as_secs_f64() * 1e6 / n as f64);
    }
}
