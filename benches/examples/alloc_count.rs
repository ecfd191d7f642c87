//! Allocations per call of `Model::predict`, `RuleSet::evaluate` and `Engine::triage` on the
//! bench fixtures, counted by a wrapping global allocator: allocation count is most of what a
//! batch costs beyond a single triage (every decision is allocated on a worker and freed by the
//! caller), so it is worth watching when decision or trace types change.
//!
//! `cargo run --release -p triagekit-benches --example alloc_count`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use triagekit::rules::{ModelView, RuleSet, TicketView};
use triagekit_benches::{fixture_engine, fixture_model, generated_tickets, workspace_root};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to `System` unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Runs `f` once per item (after one warm-up pass) and prints allocations and bytes per call.
fn per_call<T>(what: &str, items: &[T], mut f: impl FnMut(&T)) {
    items.iter().for_each(&mut f);
    let (a0, b0) = (ALLOCS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
    items.iter().for_each(&mut f);
    let (a1, b1) = (ALLOCS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
    let n = items.len().max(1);
    println!("{what:<28} {:>5} allocations {:>7} bytes per call", (a1 - a0) / n, (b1 - b0) / n);
}

fn main() {
    let model = Arc::new(fixture_model());
    let tickets = generated_tickets(1000);
    let texts: Vec<String> = tickets.iter().map(|t| t.text()).collect();
    per_call("model predict (3 heads)", &texts, |t| drop(model.predict(t, 3)));

    let rules = RuleSet::load(&workspace_root().join("fixtures/rules/bench30.rhai"), Default::default())
        .unwrap_or_else(|e| panic!("bench rules: {e}"));
    let views: Vec<TicketView> = tickets
        .iter()
        .map(|t| TicketView { id: &t.id, subject: &t.subject, body: &t.body, ..Default::default() })
        .collect();
    let no_model = ModelView::default();
    per_call("rules evaluate (30 rules)", &views, |v| drop(rules.evaluate(v, &no_model)));

    let engine = fixture_engine(Some(model));
    per_call("triage (full trace)", &tickets, |t| drop(engine.triage(t)));
}
