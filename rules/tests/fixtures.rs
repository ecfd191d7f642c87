mod common;

use std::path::Path;

use common::*;
use triagekit_rules::{RuleOptions, RuleSet, TicketView};

fn fixture(name: &str) -> RuleSet {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/rules").join(name);
    RuleSet::load(&p, RuleOptions::default()).unwrap()
}

#[test]
fn helpdesk_outage_stops_and_routes_to_network_ops() {
    let rs = fixture("helpdesk.rhai");
    let t = TicketView { channel: "phone".into(), ..ticket("VPN is down", "The VPN is down for the whole Berlin office") };
    let o = rs.evaluate_at(&t, &model("network", 0.9), NOW).unwrap();
    println!("{o:#?}");
    assert_eq!(o.priority.as_deref(), Some("P1"));
    assert_eq!(o.group.as_deref(), Some("network-ops"));
    assert_eq!(o.category.as_deref(), Some("outage"));
    assert_eq!(o.stopped_by.as_deref(), Some("Outage is P1"));
    assert!(o.tags.contains(&"phone".into()));
    assert!(o.trace.iter().all(|t| t.rule != "German language"));
}

#[test]
fn bench30_has_thirty_rules() {
    let rs = fixture("bench30.rhai");
    assert_eq!(rs.rules().len(), 30);
    assert_eq!(rs.rules()[29].name, "30 outage");
    assert!(rs.rules()[29].stop);
    assert!(!rs.rules()[0].stop);
}
