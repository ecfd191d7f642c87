//! Text model groups: `model_predict` (one ticket, one thread), `model_load` (model file bytes
//! -> ready model) and `model_train` (fit). Each on the fixture model (3 heads, 343 tickets) and,
//! when the dataset is present, on Banking77 (77 intents, 10k texts; `$TRIAGEKIT_BANKING77`).
//! Targets on Banking77: predict p50 <= 5 µs, fit <= 1 s, file <= 5 MB.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use triagekit::model::{load_labelled, Model, TrainConfig};
use triagekit_benches::{banking77, banking77_dir, fixture_model, generated_tickets, workspace_root};

fn model(c: &mut Criterion) {
    let fixture = fixture_model();
    let fixture_texts: Vec<String> = generated_tickets(64).iter().map(|t| t.text()).collect();
    let b77 = banking77_dir("model (Banking77 cases)").map(|dir| {
        let train = banking77(&dir, "train.csv");
        let test = banking77(&dir, "test.csv");
        let model = Model::fit(&train.texts, &train.heads, &TrainConfig::default()).unwrap_or_else(|e| panic!("{e}"));
        (train, test, model)
    });

    let mut predict = c.benchmark_group("model_predict");
    predict.throughput(Throughput::Elements(1));
    let mut i = 0;
    predict.bench_function("fixture_3_heads", |b| {
        b.iter(|| {
            i = (i + 1) % fixture_texts.len();
            fixture.predict(black_box(&fixture_texts[i]), 3)
        })
    });
    if let Some((_, test, model)) = &b77 {
        let mut i = 0;
        predict.bench_function("banking77", |b| {
            b.iter(|| {
                i = (i + 1) % test.texts.len();
                model.predict(black_box(&test.texts[i]), 3)
            })
        });
    }
    predict.finish();

    let mut load = c.benchmark_group("model_load");
    let mut cases = vec![("fixture_3_heads", fixture.to_bytes())];
    if let Some((_, _, model)) = &b77 {
        cases.push(("banking77", model.to_bytes()));
    }
    for (name, bytes) in &cases {
        println!("model_load/{name}: model file {:.2} MB", bytes.len() as f64 / 1e6);
        load.throughput(Throughput::Bytes(bytes.len() as u64));
        load.bench_with_input(BenchmarkId::new("from_bytes", name), bytes, |b, bytes| {
            b.iter(|| Model::from_bytes(black_box(bytes)).unwrap_or_else(|e| panic!("{e}")))
        });
    }
    load.finish();

    let mut train = c.benchmark_group("model_train");
    train.sample_size(10);
    let cols = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let data = load_labelled(
        &workspace_root().join("fixtures/train/tickets.csv"),
        &cols(&["subject", "body"]),
        &cols(&["category", "priority", "group"]),
        20_000,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    train.throughput(Throughput::Elements(data.rows as u64));
    train.bench_function("fixture_343_tickets_3_heads", |b| {
        b.iter(|| Model::fit(&data.texts, &data.heads, &TrainConfig::default()).unwrap_or_else(|e| panic!("{e}")))
    });
    if let Some((train_data, _, _)) = &b77 {
        train.throughput(Throughput::Elements(train_data.rows as u64));
        train.measurement_time(Duration::from_secs(12));
        train.bench_function("banking77_10k_texts_77_classes", |b| {
            b.iter(|| Model::fit(&train_data.texts, &train_data.heads, &TrainConfig::default()).unwrap_or_else(|e| panic!("{e}")))
        });
    }
    train.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = model
}
criterion_main!(benches);
