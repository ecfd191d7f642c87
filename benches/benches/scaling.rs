//! Scaling curve: triage 1k, 10k, 100k and 1M generated tickets and print wall time, CPU time,
//! tickets/s, µs per ticket and peak RSS for each, to show the cost per ticket stays flat.
//!
//! Each size runs in a fresh child process (this binary re-executed with `--scaling-child N`),
//! so its peak RSS (`VmHWM`) belongs to that size alone. Tickets are generated and triaged in
//! chunks of 10k through `triage_batch` on all cores, and each chunk's decisions (with trace)
//! are dropped before the next, as a streaming batch job would; memory must not grow with N.
//! Sizes: `TRIAGEKIT_SCALING_SIZES=1000,10000` to override.

use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use triagekit_benches::{cpu_seconds, fixture_engine, fixture_model, generated_tickets, generated_tickets_range, peak_rss_bytes, rss_bytes};

const CHUNK: usize = 10_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--scaling-child") {
        let n: usize = args.get(pos + 1).and_then(|s| s.parse().ok()).unwrap_or(1000);
        child(n);
        return;
    }
    // `cargo bench -- <filter>`: run only when the filter (if any) mentions scaling.
    let filter = args.iter().skip(1).find(|a| !a.starts_with('-'));
    if filter.is_some_and(|f| !"scaling".contains(f.as_str())) {
        return;
    }
    let sizes: Vec<usize> = std::env::var("TRIAGEKIT_SCALING_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|v| v.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000, 1_000_000]);
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    println!("scaling: triage (model + 30 rules + assignment, dry run, with trace) on {} rayon threads, chunks of {CHUNK}", rayon::current_num_threads());
    println!("| tickets | wall s | CPU s | tickets/s | µs/ticket (wall) | CPU µs/ticket | peak RSS MB | RSS before MB |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for n in sizes {
        let out = Command::new(&exe).arg("--scaling-child").arg(n.to_string()).output().unwrap_or_else(|e| panic!("{e}"));
        if !out.status.success() {
            panic!("scaling child for {n} failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        print!("{}", String::from_utf8_lossy(&out.stdout));
    }
}

fn child(n: usize) {
    let engine = fixture_engine(Some(Arc::new(fixture_model())));
    // Warm the thread pool and the per-thread rule engines, outside the timing.
    let warm = generated_tickets(1000);
    drop(engine.triage_batch(&warm));
    let rss_before = rss_bytes();
    let (cpu0, start) = (cpu_seconds(), Instant::now());
    let (mut done, mut errors, mut routed) = (0usize, 0usize, 0usize);
    while done < n {
        let len = CHUNK.min(n - done);
        // Generation is part of the timed job, as reading input would be.
        let tickets = generated_tickets_range(done, len);
        for result in engine.triage_batch(&tickets) {
            match result {
                Ok(d) => routed += usize::from(d.group.is_some()),
                Err(_) => errors += 1,
            }
        }
        done += len;
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    assert_eq!(errors, 0, "{errors} tickets failed");
    assert_eq!(routed, n, "every ticket gets a group");
    println!(
        "| {n} | {wall:.3} | {cpu:.2} | {:.0} | {:.2} | {:.2} | {:.1} | {:.1} |",
        n as f64 / wall,
        wall * 1e6 / n as f64,
        cpu * 1e6 / n as f64,
        peak_rss_bytes() as f64 / 1e6,
        rss_before as f64 / 1e6
    );
}
