//! Embedding triagekit in a Rust service, end to end on the fixtures:
//! train a model from labelled tickets, build an engine with rules and a roster, triage a batch
//! of JSON Lines tickets, swap the rules while serving, and read the counters a helpdesk graphs.
//!
//! `cargo run --release -p triagekit-example-rust [-- TICKETS.jsonl]`

use std::path::{Path, PathBuf};
use std::sync::Arc;

use triagekit::assign::Roster;
use triagekit::model::{load_labelled, Model, TrainConfig};
use triagekit::rules::{RuleOptions, RuleSet};
use triagekit::{Engine, EngineOptions, Ticket};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let tickets_path = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| root.join("fixtures/tickets/sample.jsonl"));

    // Train once (a real service would load a file written by `triagekit train`: `Model::load`).
    let columns = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let data = load_labelled(
        &root.join("fixtures/train/tickets.csv"),
        &columns(&["subject", "body"]),
        &columns(&["category", "priority", "group"]),
        20_000,
    )?;
    let model = Arc::new(Model::fit(&data.texts, &data.heads, &TrainConfig::default())?);

    let rules = RuleSet::load(&root.join("fixtures/rules/helpdesk.rhai"), RuleOptions::default())?;
    let roster = Roster::load(&root.join("fixtures/agents.json"))?;
    // Dry run: this example must not change the roster's loads between runs of the README.
    let options = EngineOptions { review_threshold: 0.35, commit: false, ..EngineOptions::default() };
    let engine = Engine::new(rules, Some(model), Some(roster), options)?;

    // Bad lines are reported and skipped; the rest of the batch is triaged.
    let mut tickets = Vec::new();
    for (n, line) in std::fs::read_to_string(&tickets_path)?.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match Ticket::from_json(line) {
            Ok(ticket) => tickets.push(ticket),
            Err(e) => eprintln!("{}:{}: skipped: {e}", tickets_path.display(), n + 1),
        }
    }
    for (ticket, decision) in tickets.iter().zip(engine.triage_batch(&tickets)) {
        match decision {
            Ok(d) => {
                let why = |field: &str| d.trace.sources.get(field).map_or("-", |s| s.as_str()).to_string();
                println!(
                    "{:<8} {:<10} {:<4} {:<14} {:<8} {}  (category from {}, group from {})",
                    d.ticket_id,
                    d.category.as_deref().unwrap_or("-"),
                    d.priority.as_deref().unwrap_or("-"),
                    d.group.as_deref().unwrap_or("-"),
                    d.agent.as_deref().unwrap_or("(queue)"),
                    if d.needs_review { "needs review" } else { "" },
                    why("category"),
                    why("group"),
                );
            }
            Err(e) => println!("{:<8} error: {e}", ticket.id),
        }
    }

    // Hot reload: tickets in flight finish on the old rules; the next ones see the new version.
    let before = engine.triage(&tickets[0])?.trace.rules_version;
    let stricter = RuleSet::compile(r#"rule "everything urgent" { set_priority("P1"); }"#, "urgent.rhai", RuleOptions::default())?;
    engine.reload_rules(stricter);
    let after = engine.triage(&tickets[0])?;
    println!("\nrules {before} -> {}: first ticket now {}", after.trace.rules_version, after.priority.as_deref().unwrap_or("-"));

    let stats = engine.stats();
    println!(
        "triaged {} (errors {}, review queue {}, unassigned {}), p50 {:.1} µs",
        stats.tickets_triaged, stats.errors, stats.review_queue, stats.unassigned, stats.latency_us.p50
    );
    Ok(())
}
