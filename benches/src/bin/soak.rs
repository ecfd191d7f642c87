//! Soak test: triage generated tickets for a fixed time while hot-reloading rules and roster,
//! sampling RSS (`VmRSS` from `/proc/self/status`) once a second.
//!
//! ```sh
//! cargo build --release -p triagekit-benches --bin soak
//! nice -n 15 target/release/soak --minutes 30 --csv target/soak-30min.csv
//! ```
//!
//! Prints one CSV row per second (`secs,rss_kib,tickets,tickets_per_s,reloads,errors`) to the
//! `--csv` file (or stdout) and a summary (start/peak/end RSS, tickets/s) at the end. Not in CI.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use triagekit::assign::Roster;
use triagekit::model::{load_labelled, Model, TrainConfig};
use triagekit::rules::{RuleOptions, RuleSet};
use triagekit::{Engine, EngineOptions, Ticket};

struct Args {
    minutes: f64,
    threads: usize,
    reload_every_ms: u64,
    csv: Option<PathBuf>,
    root: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        minutes: 1.0,
        threads: 2,
        reload_every_ms: 500,
        csv: None,
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--minutes" => args.minutes = val()?.parse().map_err(|e| format!("--minutes: {e}"))?,
            "--threads" => args.threads = val()?.parse().map_err(|e| format!("--threads: {e}"))?,
            "--reload-every-ms" => args.reload_every_ms = val()?.parse().map_err(|e| format!("--reload-every-ms: {e}"))?,
            "--csv" => args.csv = Some(PathBuf::from(val()?)),
            "--root" => args.root = PathBuf::from(val()?),
            "-h" | "--help" => {
                return Err("usage: soak [--minutes N] [--threads N] [--reload-every-ms MS] [--csv FILE] [--root REPO]".into())
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

const WORDS: &[&str] = &[
    "vpn", "outage", "is down", "password", "reset", "invoice", "refund", "phishing", "suspicious link", "printer",
    "laptop", "wifi", "email", "card", "blocked", "urgent", "please", "help", "login", "account", "locked", "slow",
    "network", "billing", "charge", "twice", "screen", "broken", "access", "folder", "permission", "teams",
];
const CHANNELS: &[&str] = &["email", "chat", "phone", "web"];

/// Tiny xorshift so tickets vary without a dependency.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn ticket(seq: u64, rng: &mut u64) -> Ticket {
    let mut words = |n: u64| {
        let n = 1 + next(rng) % n;
        (0..n).map(|_| WORDS[(next(rng) % WORDS.len() as u64) as usize]).collect::<Vec<_>>().join(" ")
    };
    let subject = words(6);
    let body = words(40);
    let mut t = Ticket {
        id: format!("soak-{seq}"),
        subject,
        body,
        requester: format!("user{}@example.com", next(rng) % 1000),
        channel: CHANNELS[(next(rng) % CHANNELS.len() as u64) as usize].to_string(),
        ..Ticket::default()
    };
    if next(rng) % 2 == 0 {
        t.impact = Some(1 + (next(rng) % 3) as i64);
        t.urgency = Some(1 + (next(rng) % 3) as i64);
    }
    let secs = 1_767_225_600 + (next(rng) % (86_400 * 30)) as i64; // January 2026
    t.created_at = jiff::Timestamp::from_second(secs).ok();
    t
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let root = &args.root;
    let rules_src = std::fs::read_to_string(root.join("fixtures/rules/helpdesk.rhai"))?;
    let roster_src = std::fs::read_to_string(root.join("fixtures/agents.json"))?;
    let roster_json: serde_json::Value = serde_json::from_str(&roster_src)?;

    let data = load_labelled(
        &root.join("fixtures/train/tickets.csv"),
        &["subject".into(), "body".into()],
        &["category".into(), "priority".into(), "group".into()],
        2000,
    )?;
    let config = TrainConfig { hash_bits: 16, created: Some("2026-01-01T00:00:00Z".into()), ..TrainConfig::default() };
    let model = Arc::new(Model::fit(&data.texts, &data.heads, &config)?);

    let rules = move |gen: u64| RuleSet::compile(&format!("{rules_src}\n// soak generation {gen}\n"), "helpdesk.rhai", RuleOptions::default());
    let roster = move |gen: u64| -> Result<Roster, triagekit::TriageError> {
        let mut v = roster_json.clone();
        if let Some(obj) = v.as_object_mut() {
            obj.insert("version".into(), serde_json::Value::String(format!("soak-roster-{gen}")));
        }
        Roster::from_value(v)
    };
    let engine = Arc::new(Engine::new(rules(0)?, Some(model), Some(roster(0)?), EngineOptions::default())?);

    let stop = Arc::new(AtomicBool::new(false));
    let tickets = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let reloads = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for w in 0..args.threads.max(1) {
        let (engine, stop, tickets, errors) = (engine.clone(), stop.clone(), tickets.clone(), errors.clone());
        workers.push(std::thread::spawn(move || {
            let mut rng = 0x9E37_79B9_7F4A_7C15u64 ^ (w as u64 + 1);
            let mut seq = 0u64;
            while !stop.load(Ordering::Relaxed) {
                seq += 1;
                let t = ticket(seq, &mut rng);
                match engine.triage(&t) {
                    Ok(d) => {
                        // Free the capacity again so agents stay assignable for the whole run.
                        if let Some(agent) = &d.agent {
                            let _ = engine.ticket_closed(agent, Some(&t.channel));
                        }
                    }
                    Err(_) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                tickets.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    {
        let (engine, stop, reloads) = (engine.clone(), stop.clone(), reloads.clone());
        let every = Duration::from_millis(args.reload_every_ms.max(1));
        workers.push(std::thread::spawn(move || {
            let mut gen = 0u64;
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(every);
                gen += 1;
                // Alternate: rules, roster.
                if gen % 2 == 0 {
                    if let Ok(r) = rules(gen) {
                        engine.reload_rules(r);
                    }
                } else if let Ok(r) = roster(gen) {
                    engine.replace_roster(r);
                }
                reloads.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }

    let mut out: Box<dyn Write> = match &args.csv {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => Box::new(std::io::stdout()),
    };
    writeln!(out, "secs,rss_kib,tickets,tickets_per_s,reloads,errors")?;
    let started = Instant::now();
    let total = Duration::from_secs_f64(args.minutes * 60.0);
    let (mut last_tickets, mut secs) = (0u64, 0u64);
    let start_rss = rss_kib();
    let mut peak = start_rss;
    let mut end_rss = start_rss;
    let mut samples = Vec::new();
    while started.elapsed() < total {
        secs += 1;
        let target = Duration::from_secs(secs);
        if let Some(wait) = target.checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
        let rss = rss_kib();
        let n = tickets.load(Ordering::Relaxed);
        peak = peak.max(rss);
        end_rss = rss;
        samples.push(rss);
        writeln!(out, "{secs},{rss},{n},{},{},{}", n - last_tickets, reloads.load(Ordering::Relaxed), errors.load(Ordering::Relaxed))?;
        out.flush()?;
        last_tickets = n;
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.join();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let n = tickets.load(Ordering::Relaxed);
    // RSS after warm-up: compare the first and last tenth of the run (after the first 10%).
    let tenth = (samples.len() / 10).max(1);
    let avg = |s: &[u64]| if s.is_empty() { 0.0 } else { s.iter().sum::<u64>() as f64 / s.len() as f64 };
    let early = avg(samples.get(tenth..(2 * tenth).min(samples.len())).unwrap_or(&[]));
    let late = avg(samples.get(samples.len().saturating_sub(tenth)..).unwrap_or(&[]));
    eprintln!(
        "soak: {:.1} min, {} threads, {} tickets ({:.0} tickets/s), {} reloads, {} errors",
        elapsed / 60.0,
        args.threads,
        n,
        n as f64 / elapsed,
        reloads.load(Ordering::Relaxed),
        errors.load(Ordering::Relaxed)
    );
    eprintln!(
        "soak: RSS start {start_rss} KiB, peak {peak} KiB, end {end_rss} KiB; mean of 2nd tenth {early:.0} KiB vs last tenth {late:.0} KiB ({:+.1}%)",
        if early > 0.0 { (late - early) / early * 100.0 } else { 0.0 }
    );
    Ok(())
}
