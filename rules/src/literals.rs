//! Load-time checks of literal arguments: a typo in a `within_hours` spec, a priority, a
//! strategy, a regex or a `priority_matrix` level fails `compile` with its position, instead
//! of failing only for the tickets (or at the hours) that reach it. Computed arguments are
//! still checked when the rule runs.

use std::collections::HashSet;

use rhai::{Expr, FnCallExpr, Position};

use crate::actions::{normalise_priority, STRATEGIES};
use crate::error::RuleError;
use crate::hours::{parse_days, parse_time, time_zone};
use crate::eval_state::{compile_regex, RegexMap};

/// Why a literal is refused, and where.
pub(crate) struct Bad {
    pub pos: Position,
    pub message: String,
}

/// Checks the literal arguments of one call (`method` when written `x.f(...)`, whose object
/// is then the first argument). Regex literals of `matches` are compiled into `regexes`.
pub(crate) fn check_call(f: &FnCallExpr, method: bool, user_fns: &HashSet<String>, regexes: &mut RegexMap) -> Result<(), Bad> {
    if user_fns.contains(f.name.as_str()) {
        // The rule file defines its own function of that name: its arguments are its business.
        return Ok(());
    }
    // Argument `i` as the function sees it (the object of a method call is argument 0).
    let arg = |i: usize| -> Option<&Expr> {
        if method {
            i.checked_sub(1).and_then(|i| f.args.get(i))
        } else {
            f.args.get(i)
        }
    };
    let n = f.args.len() + usize::from(method);
    match (f.name.as_str(), n) {
        ("set_priority", 1) => string(arg(0), |p| normalise_priority(p).map(drop).map_err(|_| {
            format!("set_priority: priority must be one of P1, P2, P3, P4, P5 (or p1..p5), got {p:?}")
        })),
        ("set_strategy", 1) => string(arg(0), |s| {
            if STRATEGIES.contains(&s.trim()) {
                Ok(())
            } else {
                Err(format!("set_strategy: strategy must be one of {}, got {s:?}", STRATEGIES.join(", ")))
            }
        }),
        ("matches", 2) => string(arg(1), |p| {
            let compiled = compile_regex(p);
            let res = compiled.as_ref().map(drop).map_err(|e| format!("matches: {e}"));
            regexes.entry(p.to_owned()).or_insert(compiled);
            res
        }),
        ("priority_matrix", 2) => {
            level("impact", arg(0))?;
            level("urgency", arg(1))
        }
        ("within_hours", 4 | 5) => {
            string(arg(1), |tz| time_zone(tz).map(drop).map_err(|e| format!("within_hours: {e}")))?;
            if n == 5 {
                string(arg(2), |d| parse_days(d).map(drop).map_err(|e| format!("within_hours: {e}")))?;
            }
            string(arg(n - 2), |t| parse_time(t).map(drop).map_err(|e| format!("within_hours: start: {e}")))?;
            string(arg(n - 1), |t| parse_time(t).map(drop).map_err(|e| format!("within_hours: end: {e}")))
        }
        _ => Ok(()),
    }
}

/// Runs `check` on `e` when it is a string literal.
fn string(e: Option<&Expr>, check: impl FnOnce(&str) -> Result<(), String>) -> Result<(), Bad> {
    match e {
        Some(Expr::StringConstant(s, pos)) => check(s).map_err(|message| Bad { pos: *pos, message }),
        _ => Ok(()),
    }
}

/// A `priority_matrix` level written as a literal must be an integer 1..3.
fn level(what: &str, e: Option<&Expr>) -> Result<(), Bad> {
    let bad = |pos: Position, found: String| Bad {
        pos,
        message: format!("priority_matrix: {what} must be an integer 1, 2 or 3 (1 = high), got {found}"),
    };
    match e {
        Some(Expr::IntegerConstant(i, pos)) if !(1..=3).contains(i) => Err(bad(*pos, i.to_string())),
        Some(Expr::StringConstant(s, pos)) => Err(bad(*pos, format!("{:?}", s.as_str()))),
        Some(Expr::FloatConstant(x, pos)) => Err(bad(*pos, x.to_string())),
        Some(Expr::BoolConstant(b, pos)) => Err(bad(*pos, b.to_string())),
        Some(Expr::Unit(pos)) => Err(bad(*pos, "()".into())),
        _ => Ok(()),
    }
}

impl Bad {
    /// The load error for this literal in `file`.
    pub(crate) fn into_error(self, file: &str) -> RuleError {
        RuleError::InvalidLiteral {
            file: file.to_owned(),
            line: self.pos.line().unwrap_or(0),
            column: self.pos.position().unwrap_or(0),
            message: self.message,
        }
    }
}
