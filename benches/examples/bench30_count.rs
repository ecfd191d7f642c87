//! Runs bench30 N times (arg 1, default 1000) for instruction counting:
//! `valgrind --tool=callgrind target/release/examples/bench30_count 1000` and compare with N=0.

use std::hint::black_box;

use triagekit_benches::bench30_inputs;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    // Also the warm-up: the first evaluation builds the per-thread engine.
    let (rules, ticket, model) = bench30_inputs();
    let start = std::time::Instant::now();
    for _ in 0..n {
        black_box(rules.evaluate(black_box(&ticket), black_box(&model)).ok());
    }
    if n > 0 {
        eprintln!("{:.2} µs/ticket (wall)", start.elapsed().as_secs_f64() * 1e6 / n as f64);
    }
}
