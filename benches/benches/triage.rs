//! End-to-end triage (model + 30 rules + assignment, dry run, with trace): `triage` (one ticket,
//! one thread) and `triage_batch` (10k tickets on the process pool, one thread per core).
//! Targets: p50 <= 15 µs per ticket, >= 150k tickets/s on 2 cores.

use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use triagekit_benches::{fixture_engine, fixture_model, generated_tickets};

/// A host service picks its allocator; the library does not. mimalloc is what a throughput-minded
/// Rust service would use (glibc's malloc spends much of a batch consolidating the small
/// blocks of 10k decisions); the glibc figure is in the scaling bench.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn triage(c: &mut Criterion) {
    let engine = fixture_engine(Some(Arc::new(fixture_model())));
    let tickets = generated_tickets(10_000);

    let mut single = c.benchmark_group("triage");
    single.throughput(Throughput::Elements(1));
    let mut i = 0;
    single.bench_function("single_ticket", |b| {
        b.iter(|| {
            i = (i + 1) % tickets.len();
            engine.triage(&tickets[i])
        })
    });
    single.finish();

    let mut batch = c.benchmark_group("triage_batch");
    batch.sample_size(10);
    batch.throughput(Throughput::Elements(tickets.len() as u64));
    // Every parallel loop runs on the process's own pool (`triagekit::parallel`, one thread per
    // core), whatever pool the caller is on, so the thread count is the machine's, not a knob.
    batch.bench_function("10k_tickets_process_pool", |b| {
        // Times the call; the caller's drop of 10k decisions (~1.9 µs each) is not triage.
        b.iter_with_large_drop(|| engine.triage_batch(&tickets))
    });
    batch.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = triage
}
criterion_main!(benches);
