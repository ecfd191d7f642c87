//! Arbitrary JSON text: Ticket::from_json, then triage on the fixture engine (helpdesk rules,
//! a small model, the fixture roster) with and without commit, and serialise the decision.
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use triagekit::assign::Roster;
use triagekit::rules::{RuleOptions, RuleSet};
use triagekit::{Engine, EngineOptions, Ticket};

static ENGINE: OnceLock<Engine> = OnceLock::new();

fn engine() -> &'static Engine {
    ENGINE.get_or_init(|| {
        let fx = common::fixtures();
        let rules = RuleSet::load(&fx.join("rules/helpdesk.rhai"), RuleOptions::default()).expect("fixture rules");
        let roster = Roster::load(&fx.join("agents.json")).expect("fixture roster");
        let options = EngineOptions { review_threshold: 0.3, default_group: Some("service-desk".into()), ..EngineOptions::default() };
        Engine::new(rules, Some(Arc::new(common::small_model())), Some(roster), options).expect("engine")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(ticket) = Ticket::from_json(text) else { return };
    let engine = engine();
    if let Ok(decision) = engine.triage_with_commit(&ticket, false) {
        assert!(!decision.trace.rules_version.is_empty());
        serde_json::to_string(&decision).expect("decision serialises");
    }
    // Commit, then give the capacity back so loads stay bounded across iterations.
    if let Ok(decision) = engine.triage_with_commit(&ticket, true) {
        if let Some(agent) = &decision.agent {
            engine.ticket_closed(agent, Some(&ticket.channel)).expect("close the ticket just assigned");
        }
    }
});
