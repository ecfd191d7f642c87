//! `rules`: the 30-rule bench set (`fixtures/rules/bench30.rhai`) evaluated on one realistic
//! ticket with a loaded model view, single thread. Target: < 8 µs per ticket.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use triagekit::rules::{HeadView, ModelView, RuleOptions, RuleSet, TicketView};
use triagekit_benches::workspace_root;

fn rules(c: &mut Criterion) {
    let path = workspace_root().join("fixtures/rules/bench30.rhai");
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
    let first = rules.evaluate(&ticket, &model).map_err(|e| e.to_string());
    assert!(first.as_ref().is_ok_and(|o| o.trace.iter().all(|t| t.error.is_none())), "{first:#?}");

    let mut group = c.benchmark_group("rules");
    group.throughput(Throughput::Elements(1));
    group.bench_function("bench30_per_ticket", |b| b.iter(|| rules.evaluate(black_box(&ticket), black_box(&model))));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = rules
}
criterion_main!(benches);
