//! Native fast paths for the most common rule shapes.
//!
//! At load each thread inspects its own compiled AST and, for every rule whose condition or
//! body uses only well-known, side-effect-free forms with literal arguments, builds a native
//! equivalent: conditions such as `contains_any(ticket.text, ["a", "b"])`,
//! `matches(ticket.body, "re")`, `ticket.channel == "chat"`, `ticket.fields["k"] == "v"`,
//! `model.confidence > 0.6`, `within_hours(ticket.created_at, "Zone", "Mon-Fri", "08:00", "18:00")`
//! combined with `&&`, `||`, `!`; bodies made only of actions with literal, valid arguments.
//! Anything else (or anything that could fail or behave differently) runs in Rhai as before,
//! so results, traces and errors are identical; the fast path only skips the interpreter.
//!
//! Fast paths are off when the script could make a form mean something else: a script
//! function with the same name as a helper/action, or a variable named `ticket` or `model`;
//! a rule is not lowered when the interpreter could run out of its operation budget on it;
//! and `RuleOptions::native = false` turns them all off.

pub(crate) mod eval;
pub(crate) mod ir;
pub(crate) mod lower;
pub(crate) mod needles;

#[cfg(test)]
mod tests;
