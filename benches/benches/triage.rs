//! End-to-end triage (model + 30 rules + assignment, dry run, with trace): `triage` (one ticket,
//! one thread) and `triage_batch` (10k tickets on 1 and 2 rayon threads).
//! Targets: p50 <= 15 µs per ticket, >= 150k tickets/s on 2 cores.

use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
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
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap_or_else(|e| panic!("{e}"));
        batch.bench_with_input(BenchmarkId::new("10k_tickets_threads", threads), &threads, |b, _| {
            // Times the call; the caller's drop of 10k decisions (~1.9 µs each) is not triage.
            b.iter_with_large_drop(|| pool.install(|| engine.triage_batch(&tickets)))
        });
    }
    batch.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = triage
}
criterion_main!(benches);
