//! Evaluates one rule file for one ticket and prints each rule's error and the time taken;
//! run it under `/usr/bin/time -v` to see what a hostile rule costs (peak RSS).
//!
//! `cargo run --release -p triagekit-rules --example eval_once -- rules.rhai [body bytes] [time budget ms] [memory budget bytes]`

use std::time::Instant;

use triagekit_rules::{ModelView, RuleOptions, RuleSet, TicketView};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: eval_once RULES.rhai [BODY_BYTES]");
        std::process::exit(2);
    };
    let body_len: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(60);
    let mut options = RuleOptions::default();
    if let Some(ms) = args.next().and_then(|n| n.parse().ok()) {
        options.time_budget_ms = ms;
    }
    if let Some(bytes) = args.next().and_then(|n| n.parse().ok()) {
        options.memory_budget_bytes = bytes;
    }
    let rules = match RuleSet::load(std::path::Path::new(&path), options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let body = "y".repeat(body_len);
    let ticket = TicketView { id: "T-1", subject: "Help", body: &body, ..TicketView::default() };
    let now = jiff::Timestamp::constant(1_763_467_200, 0);
    let start = Instant::now();
    let outcome = rules.evaluate_at(&ticket, &ModelView::default(), now);
    let took = start.elapsed();
    match outcome {
        Ok(o) => {
            for t in &o.trace {
                println!("{}: {}", t.rule, t.error.as_deref().unwrap_or("ok"));
            }
        }
        Err(e) => println!("error: {e}"),
    }
    println!("took {:.1} ms", took.as_secs_f64() * 1000.0);
}
