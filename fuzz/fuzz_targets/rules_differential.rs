//! Fuzzer bytes decoded into a rule set in the native grammar, its options, and tickets with
//! model views; each ticket runs natively and through the interpreter, in normal and strict
//! mode, and the results (decisions, traces, print output, errors) must be identical. The
//! decoder and the comparison are the ones of `rules/tests/differential.rs`.
#![no_main]

#[path = "../../rules/tests/differential/compare.rs"]
mod compare;
#[path = "../../rules/tests/differential/generate.rs"]
mod generate;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut c = generate::Choices::new(data);
    let options = generate::options(&mut c);
    let source = generate::rule_set(&mut c, &options);
    let inputs: Vec<_> = (0..1 + c.below(4)).map(|_| (generate::ticket(&mut c), generate::model(&mut c))).collect();
    if let Err(difference) = compare::compare(&source, &options, &inputs) {
        panic!("native and interpreted results differ: {difference}");
    }
});
