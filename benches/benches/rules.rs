//! `rules`: the 30-rule bench set (`fixtures/rules/bench30.rhai`) evaluated on one realistic
//! ticket with a loaded model view, single thread. Target: < 8 µs per ticket.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use triagekit_benches::bench30_inputs;

fn rules(c: &mut Criterion) {
    let (rules, ticket, model) = bench30_inputs();
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
