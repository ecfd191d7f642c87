use std::time::Instant;
use triagekit_rules::*;
fn main() {
    let src = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let rules = RuleSet::compile(&src, "x", RuleOptions::default()).unwrap();
    let mut fields = serde_json::Map::new();
    fields.insert("language".into(), "de".into());
    let ticket = TicketView { subject: "Charged twice for my last order".into(), body: "Hello, I was charged twice for order ORD-123456 on my credit card yesterday. Please refund the duplicate payment. My account is under this email address. Thanks, Jana".into(), requester: "jana@example.org".into(), channel: "email".into(), created_at: "2026-11-18T10:15:00Z".parse().ok(), impact: Some(3), urgency: Some(2), fields, ..Default::default() };
    let model = ModelView { loaded: true, version: "m".into(), heads: vec![HeadView { name: "category".into(), label: "billing".into(), confidence: 0.82, top: vec![] }] };
    let n: usize = std::env::args().nth(2).map_or(20000, |s| s.parse().unwrap()); for _ in 0..10 { rules.evaluate(&ticket, &model).unwrap(); }
    let t = Instant::now();
    for _ in 0..n { std::hint::black_box(rules.evaluate(&ticket, &model).unwrap()); }
    println!("{:.2} us", t.elapsed().as_secs_f64() * 1e6 / n as f64);
}
