//! Times core's `Engine::triage` on the fixture tickets, for comparison with
//! `benches/latency.py` (run that first: it writes target/bench-model.tkm).
//!
//! cargo run --release -p triagekit-python --example rust_latency

use std::time::Instant;

use triagekit::{Engine, EngineOptions, Ticket};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let model = root.join("target/bench-model.tkm");
    let options = EngineOptions { commit: false, review_threshold: 0.35, ..EngineOptions::default() };
    let engine = Engine::from_paths(
        &root.join("fixtures/rules/helpdesk.rhai"),
        model.exists().then_some(model.as_path()),
        Some(&root.join("fixtures/agents.json")),
        options,
    )?;
    let text = std::fs::read_to_string(root.join("fixtures/tickets/sample.jsonl"))?;
    let tickets: Vec<Ticket> = text.lines().filter_map(|l| Ticket::from_json(l).ok()).collect();
    for t in tickets.iter().cycle().take(tickets.len() * 50) {
        engine.triage(t)?;
    }
    let mut samples = Vec::new();
    for _ in 0..400 {
        for t in &tickets {
            let start = Instant::now();
            let decision = engine.triage(t)?;
            samples.push(start.elapsed().as_secs_f64() * 1e6);
            std::hint::black_box(decision);
        }
    }
    samples.sort_by(f64::total_cmp);
    let q = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!("rust Engine::triage p50 {:.1} us  p99 {:.1} us  (model: {})", q(0.5), q(0.99), model.exists());
    let batch: Vec<Ticket> = tickets.iter().cycle().take(tickets.len() * 2000).cloned().collect();
    let start = Instant::now();
    let results = engine.triage_batch(&batch);
    let rate = batch.len() as f64 / start.elapsed().as_secs_f64();
    println!("rust Engine::triage_batch {:.0} tickets/s ({} results)", rate, results.len());
    Ok(())
}
