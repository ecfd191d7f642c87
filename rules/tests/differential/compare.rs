//! Runs one rule set natively and through the interpreter and reports the first difference.
//! Shared by the differential test and the `rules_differential` fuzz target.

use triagekit_rules::{ModelView, RuleOptions, RuleSet};

use super::generate::OwnedTicket;

/// The clock of every run (Tuesday 2025-11-18, 12:00 UTC): nothing reads the machine's.
pub const NOW: jiff::Timestamp = jiff::Timestamp::constant(1_763_467_200, 0);

/// What a comparison covered.
#[derive(Default)]
pub struct Covered {
    /// Evaluations compared (inputs times modes).
    pub evaluations: usize,
    /// Rules of the compiled sets, and how many of them run natively.
    pub rules: usize,
    /// Rules whose condition and body both run natively.
    pub native_rules: usize,
}

/// Compiles `source` natively and for the interpreter, in normal and strict mode, and
/// evaluates every input both ways; compile and evaluation results (outcome with traces,
/// errors and print output, or the error) must be equal. `Err` describes the difference.
pub fn compare(source: &str, options: &RuleOptions, inputs: &[(OwnedTicket, ModelView)]) -> Result<Covered, String> {
    let mut covered = Covered::default();
    for strict in [false, true] {
        let native_options = RuleOptions { strict, native: true, ..options.clone() };
        let rhai_options = RuleOptions { native: false, ..native_options.clone() };
        let native = RuleSet::compile(source, "diff.rhai", native_options).map_err(|e| format!("{e:?}"));
        let rhai = RuleSet::compile(source, "diff.rhai", rhai_options).map_err(|e| format!("{e:?}"));
        let (native, rhai) = match (native, rhai) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(a), Err(b)) if a == b => return Ok(covered),
            (a, b) => {
                let (a, b) = (a.map(|_| "compiled"), b.map(|_| "compiled"));
                return Err(format!("compile differs\n--- source:\n{source}\n--- native: {a:?}\n--- interpreter: {b:?}"));
            }
        };
        covered.rules += native.rules().len();
        covered.native_rules += native.native_rules();
        for (ticket, model) in inputs {
            let ticket = &ticket.view();
            let a = native.evaluate_at(ticket, model, NOW).map_err(|e| format!("{e:?}"));
            let b = rhai.evaluate_at(ticket, model, NOW).map_err(|e| format!("{e:?}"));
            if a != b {
                return Err(format!(
                    "strict {strict}, {options:?}\n--- source:\n{source}\n--- ticket: {ticket:#?}\n--- model: {model:#?}\n--- native: {a:#?}\n--- interpreter: {b:#?}"
                ));
            }
            covered.evaluations += 1;
        }
    }
    Ok(covered)
}
