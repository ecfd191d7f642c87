use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
struct Counting;
static N: AtomicUsize = AtomicUsize::new(0);
static B: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 { N.fetch_add(1, Ordering::Relaxed); B.fetch_add(l.size(), Ordering::Relaxed); unsafe { System.alloc(l) } }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) { unsafe { System.dealloc(p, l) } }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 { N.fetch_add(1, Ordering::Relaxed); B.fetch_add(n, Ordering::Relaxed); unsafe { System.realloc(p, l, n) } }
}
#[global_allocator]
static A: Counting = Counting;
fn main() {
    let model = Arc::new(triagekit_benches::fixture_model());
    let engine = triagekit_benches::fixture_engine(Some(model.clone()));
    let tickets = triagekit_benches::generated_tickets(1000);
    for t in &tickets { let _ = engine.triage(t); }
    let texts: Vec<String> = tickets.iter().map(|t| t.text().to_string()).collect();
    let (n0, b0) = (N.load(Ordering::Relaxed), B.load(Ordering::Relaxed));
    for t in &texts { let _ = model.predict(t, 3); }
    let (n1, b1) = (N.load(Ordering::Relaxed), B.load(Ordering::Relaxed));
    for t in &tickets { let _ = engine.triage(t); }
    let (n2, b2) = (N.load(Ordering::Relaxed), B.load(Ordering::Relaxed));
    let nomodel = triagekit_benches::fixture_engine(None);
    for t in &tickets { let _ = nomodel.triage(t); }
    let (n3, b3) = (N.load(Ordering::Relaxed), B.load(Ordering::Relaxed));
    for t in &tickets { let _ = nomodel.triage(t); }
    let (n4, b4) = (N.load(Ordering::Relaxed), B.load(Ordering::Relaxed));
    println!("triage without model: {} allocs {} bytes per call", (n4 - n3) / 1000, (b4 - b3) / 1000);
    let rules = triagekit::rules::RuleSet::load(&triagekit_benches::workspace_root().join("fixtures/rules/bench30.rhai"), Default::default()).unwrap();
    let views: Vec<triagekit::rules::TicketView> = tickets.iter().map(|t| triagekit::rules::TicketView { id: t.id.clone(), subject: t.subject.clone(), body: t.body.clone(), channel: t.channel.clone(), requester: t.requester.clone(), created_at: t.created_at, impact: t.impact, urgency: t.urgency, ..Default::default() }).collect();
    let mv = triagekit::rules::ModelView::default();
    for v in &views { let _ = rules.evaluate(v, &mv); }
    let (n5, b5) = (N.load(Ordering::Relaxed), B.load(Ordering::Relaxed));
    for v in &views { let _ = rules.evaluate(v, &mv); }
    let (n6, b6) = (N.load(Ordering::Relaxed), B.load(Ordering::Relaxed));
    println!("rules evaluate (no model): {} allocs {} bytes per call", (n6 - n5) / 1000, (b6 - b5) / 1000);
    let d: Vec<_> = tickets.iter().map(|t| engine.triage(t)).collect();
    let s = serde_json::to_string(&d[0].as_ref().unwrap()).unwrap();
    println!("predict: {} allocs {} bytes per call", (n1 - n0) / 1000, (b1 - b0) / 1000);
    println!("triage:  {} allocs {} bytes per call", (n2 - n1) / 1000, (b2 - b1) / 1000);
    println!("decision json {} bytes:\n{}", s.len(), &s[s.len().saturating_sub(1500)..]);
}
