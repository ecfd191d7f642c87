//! The native fast path and the Rhai interpreter give identical results: generated rule sets
//! in the native grammar run both ways on generated tickets, in normal and strict mode.
//! Each rule set is compiled once and run on several tickets. `PROPTEST_CASES` sets the
//! number of rule sets (default 400); the fuzz target `rules_differential` explores further.

#[path = "differential/compare.rs"]
mod compare;
#[path = "differential/generate.rs"]
mod generate;

use std::cell::Cell;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use generate::Choices;

/// Tickets each generated rule set runs on.
const TICKETS_PER_RULE_SET: usize = 4;

#[test]
fn native_path_matches_the_interpreter() {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400);
    // Failures print the shrunk rule source and ticket; no persistence file in the tree.
    // Shrinking is bounded so a failure is reported within a minute.
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 512, max_shrink_time: 60_000, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let rules = vec(any::<u8>(), 0..400);
    let tickets = vec(vec(any::<u8>(), 0..48), TICKETS_PER_RULE_SET);
    let (evaluations, total, native) = (Cell::new(0), Cell::new(0), Cell::new(0));
    let result = runner.run(&(rules, tickets), |(rules, tickets)| {
        let mut c = Choices::new(&rules);
        let options = generate::options(&mut c);
        let source = generate::rule_set(&mut c, &options);
        let inputs: Vec<_> = tickets
            .iter()
            .map(|bytes| {
                let mut c = Choices::new(bytes);
                (generate::ticket(&mut c), generate::model(&mut c))
            })
            .collect();
        let covered = compare::compare(&source, &options, &inputs).map_err(TestCaseError::fail)?;
        evaluations.set(evaluations.get() + covered.evaluations);
        total.set(total.get() + covered.rules);
        native.set(native.get() + covered.native_rules);
        Ok(())
    });
    if let Err(e) = result {
        panic!("native and interpreted results differ: {e}");
    }
    eprintln!(
        "{cases} rule sets, {} evaluations compared; {} of {} rules native",
        evaluations.get(),
        native.get(),
        total.get()
    );
    assert!(evaluations.get() >= cases as usize, "most rule sets compile and run");
    assert!(native.get() * 3 >= total.get(), "the generator exercises the native path");
}
