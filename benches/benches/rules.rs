//! `rules`: the 30-rule bench set (`fixtures/rules/bench30.rhai`) evaluated on one realistic
//! ticket with a loaded model view, single thread. Target: < 8 µs per ticket. The `_rhai` case
//! runs the same set with the native fast path off, so every rule goes through Rhai's evaluator.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use triagekit_benches::{bench30_inputs, workspace_root};
use triagekit::rules::{RuleOptions, RuleSet};

fn rules(c: &mut Criterion) {
    let (rules, ticket, model) = bench30_inputs();
    let mut group = c.benchmark_group("rules");
    group.throughput(Throughput::Elements(1));
    group.bench_function("bench30_per_ticket", |b| b.iter(|| rules.evaluate(black_box(&ticket), black_box(&model))));
    let path = workspace_root().join("fixtures/rules/bench30.rhai");
    let slow = RuleSet::load(&path, RuleOptions { native: false, ..RuleOptions::default() }).unwrap_or_else(|e| panic!("{e}"));
    group.bench_function("bench30_per_ticket_rhai", |b| b.iter(|| slow.evaluate(black_box(&ticket), black_box(&model))));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = rules
}
criterion_main!(benches);
