//! The `rule "name" [stop] [when <condition>] { actions }` custom syntax.

use std::collections::{HashMap, HashSet};

use rhai::{
    ASTNode, Dynamic, Engine, EvalAltResult, EvalContext, Expr, Expression, ImmutableString, LexError,
    Position, Stmt, AST,
};

use crate::actions::StopSignal;
use crate::error::RuleError;
use crate::outcome::RuleTrace;
use crate::native::eval::{body_ok, run_body as run_native_body, WordScan};
use crate::native::ir::{Cond, NativePlan};
use crate::literals;
use crate::eval_state::{self, EvalState, RegexMap};
use crate::bounds::{self, MemoryFull, TimeUp};
use crate::{RuleInfo, RuleOptions};

/// The keyword that starts a rule.
pub(crate) const KEYWORD: &str = "rule";

/// Token of the uncatchable error that aborts the script when a rule fails in strict mode.
#[derive(Clone)]
pub(crate) struct StrictAbort;

/// Picks the next token of a rule; see README for the grammar.
fn parse_step(symbols: &[ImmutableString], look_ahead: &str, state: &mut Dynamic) -> Result<Option<ImmutableString>, rhai::ParseError> {
    // symbols[1] is the user's rule name, so only positions, never values, are matched there.
    let next = match symbols.len() {
        1 => "$string$",
        2 | 3 if symbols.len() == 2 || symbols[2] == "stop" => match look_ahead {
            "stop" if symbols.len() == 2 => "stop",
            "when" => "when",
            "{" => "$block$",
            _ => {
                return Err(LexError::ImproperSymbol(
                    look_ahead.to_owned(),
                    format!("expected 'stop', 'when' or '{{' after rule \"{}\", found '{look_ahead}'", symbols[1]),
                )
                .into_err(Position::NONE))
            }
        },
        _ => match symbols.last().map(ImmutableString::as_str) {
            Some("when") => "$expr$",
            Some("$expr$") => "$block$",
            _ => {
                *state = Dynamic::from_bool(symbols.get(2).is_some_and(|s| s == "stop"));
                return Ok(None);
            }
        },
    };
    Ok(Some(next.into()))
}

/// Registers the rule syntax with the rule set's options.
pub(crate) fn register(engine: &mut Engine, opts: &RuleOptions) {
    let opts = opts.clone();
    engine.register_custom_syntax_with_state_raw(KEYWORD, parse_step, false, move |ctx, inputs, st| {
        run_rule(ctx, inputs, st, &opts)
    });
}

/// How a rule's run ended.
enum End {
    Done,
    Stop,
    Failed(RuleError),
}

/// What the native plan did for the rule that is starting.
enum Step {
    /// The rule ran completely (condition false, or condition and body native), ending so.
    Finished(End),
    /// The condition was true natively; the body runs in Rhai.
    RunBody,
    /// No native condition: everything runs in Rhai.
    Interpreted,
}

fn run_rule(ctx: &mut EvalContext, inputs: &[Expression], st: &Dynamic, opts: &RuleOptions) -> Result<Dynamic, Box<EvalAltResult>> {
    let name = inputs.first().and_then(|e| e.get_string_value()).unwrap_or_default();
    let stop_flag = st.as_bool().unwrap_or(false);
    let strict = opts.strict;
    // Each rule gets its own operation budget.
    ctx.global_runtime_state_mut().num_operations = 0;

    let (step, done) = eval_state::with(|s| {
        let idx = s.outcome.trace.len();
        s.outcome.trace.push(RuleTrace::new(name));
        s.in_rule = true;
        if bounds::expired() {
            // The ticket's time is spent: later rules end at once, however cheap they are.
            let err = RuleError::TimeLimit { rule: name.to_owned(), budget_ms: opts.time_budget_ms };
            return (None, Some(end_rule(s, End::Failed(err), name, stop_flag, strict)));
        }
        match fast_step(s, idx, name, opts) {
            Step::Finished(end) => (None, Some(end_rule(s, end, name, stop_flag, strict))),
            step => (Some(step), None),
        }
    });
    if let Some(done) = done {
        return done;
    }

    let run = match step {
        Some(Step::RunBody) => inputs.last().map_or(Ok(()), |block| ctx.eval_expression_tree(block).map(drop)),
        _ => run_body(ctx, inputs),
    };
    let end = end_of(run, name, opts);
    ctx.global_runtime_state_mut().num_operations = 0;
    eval_state::with(|s| end_rule(s, end, name, stop_flag, strict))
}

/// How a rule whose body ran with result `run` ended.
fn end_of(run: Result<(), Box<EvalAltResult>>, name: &str, opts: &RuleOptions) -> End {
    match run.map_err(|e| classify(&e, name, opts)) {
        Ok(()) | Err(Ok(())) => End::Done,
        Err(Err(None)) => End::Stop,
        Err(Err(Some(err))) => End::Failed(err),
    }
}

/// Runs what the native plan of rule `idx` can run; see [`Step`].
fn fast_step(s: &mut EvalState, idx: usize, name: &str, opts: &RuleOptions) -> Step {
    let Some(plan) = s.plan.take() else { return Step::Interpreted };
    let step = match plan.rules.get(idx).filter(|r| r.name == name) {
        None => Step::Interpreted,
        Some(r) => {
            let hit = match (&r.cond, &s.ticket, &s.model) {
                (Cond::Always, ..) => Some(true),
                (Cond::Native(t), Some(ticket), Some(model)) => {
                    let mut scan = WordScan { needles: &plan.needles, cache: &mut s.scans };
                    Some(t.eval(&ticket.0, &model.0, &mut scan))
                }
                _ => None,
            };
            match hit {
                None => Step::Interpreted,
                Some(false) => Step::Finished(End::Done),
                Some(true) => {
                    if let Some(t) = s.outcome.trace.last_mut() {
                        t.matched = true;
                    }
                    match &r.body {
                        Some(body) if body_ok(s, body) => Step::Finished(end_of(run_native_body(s, body), name, opts)),
                        _ => Step::RunBody,
                    }
                }
            }
        }
    };
    s.plan = Some(plan);
    step
}

/// Operations Rhai counts for a top-level rule statement before the rule's own budget
/// starts (at least the true count: being over only sends the rule to Rhai).
const RULE_ENTRY_OPS: u64 = 4;

/// Runs rule `idx` natively for the native driver (see [`crate::native::ir::TopLevelStep`]), `ops` operations
/// into the top-level budget. `None`, before any effect, when it has to run in Rhai after all
/// (e.g. a model string invalid for its action, Rhai would stop at the rule statement
/// itself for lack of budget, or the time budget is spent: Rhai then ends it with the typed error).
pub(crate) fn native_rule(s: &mut EvalState, idx: usize, ops: u64) -> Option<Result<(), Box<EvalAltResult>>> {
    let limit = s.plan.as_ref()?.options.max_operations_per_rule;
    if bounds::expired() || (limit != 0 && ops.saturating_add(RULE_ENTRY_OPS) > limit) {
        return None;
    }
    let plan = s.plan.take()?;
    let done = run_native(s, &plan, idx);
    s.plan = Some(plan);
    done
}

fn run_native(s: &mut EvalState, plan: &NativePlan, idx: usize) -> Option<Result<(), Box<EvalAltResult>>> {
    let r = plan.rules.get(idx)?;
    let body = r.body.as_ref()?;
    if s.outcome.trace.len() != idx {
        return None;
    }
    let hit = match (&r.cond, &s.ticket, &s.model) {
        (Cond::Always, ..) => true,
        (Cond::Native(t), Some(ticket), Some(model)) => {
            let mut scan = WordScan { needles: &plan.needles, cache: &mut s.scans };
            t.eval(&ticket.0, &model.0, &mut scan)
        }
        _ => return None,
    };
    if hit && !body_ok(s, body) {
        return None;
    }
    let mut trace = RuleTrace::new(&r.name);
    trace.matched = hit;
    s.outcome.trace.push(trace);
    let end = if hit {
        s.in_rule = true;
        end_of(run_native_body(s, body), &r.name, &plan.options)
    } else {
        End::Done
    };
    Some(end_rule(s, end, &r.name, r.stop, plan.options.strict).map(drop))
}

/// Records how the rule ended; stops the script for `stop` and strict-mode failures.
fn end_rule(s: &mut EvalState, end: End, name: &str, stop_flag: bool, strict: bool) -> Result<Dynamic, Box<EvalAltResult>> {
    s.in_rule = false;
    let matched = s.outcome.trace.last().is_some_and(|t| t.matched);
    match end {
        End::Failed(err) => {
            if let Some(t) = s.outcome.trace.last_mut() {
                t.error = Some(err.to_string());
            }
            if strict {
                s.pending = Some(err);
                return Err(abort(StrictAbort));
            }
            Ok(Dynamic::UNIT)
        }
        End::Stop => {
            s.outcome.stopped_by = Some(name.into());
            Err(abort(StopSignal))
        }
        End::Done if stop_flag && matched => {
            s.outcome.stopped_by = Some(name.into());
            Err(abort(StopSignal))
        }
        End::Done => Ok(Dynamic::UNIT),
    }
}

fn abort<T: Clone + Send + Sync + 'static>(token: T) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorTerminated(Dynamic::from(token), Position::NONE))
}

fn run_body(ctx: &mut EvalContext, inputs: &[Expression]) -> Result<(), Box<EvalAltResult>> {
    let (cond, block) = match inputs {
        [_, cond, block] => (Some(cond), block),
        [_, block] => (None, block),
        _ => return Err(eval_state::runtime("malformed rule")),
    };
    if let Some(cond) = cond {
        let v = ctx.eval_expression_tree(cond)?;
        // A missing field (`()`) counts as false: tickets often lack optional fields.
        let hit = if v.is_unit() {
            false
        } else {
            v.as_bool().map_err(|t| {
                Box::new(EvalAltResult::ErrorMismatchDataType("bool".into(), t.into(), cond.position()))
            })?
        };
        if !hit {
            return Ok(());
        }
    }
    eval_state::with(|s| {
        if let Some(t) = s.outcome.trace.last_mut() {
            t.matched = true;
        }
    });
    ctx.eval_expression_tree(block).map(drop)
}

/// Maps a Rhai error to: `Ok` (not an error, e.g. `return`), `Err(None)` (stop requested)
/// or `Err(Some(error))`.
pub(crate) fn classify(e: &EvalAltResult, rule: &str, opts: &RuleOptions) -> Result<(), Option<RuleError>> {
    let inner = e.unwrap_inner();
    let rule = rule.to_owned();
    let err = match inner {
        EvalAltResult::Return(..) => return Ok(()),
        EvalAltResult::ErrorTerminated(t, _) if t.is::<StopSignal>() => return Err(None),
        EvalAltResult::ErrorTerminated(t, _) if t.is::<TimeUp>() => {
            RuleError::TimeLimit { rule, budget_ms: opts.time_budget_ms }
        }
        EvalAltResult::ErrorTerminated(t, _) if t.is::<MemoryFull>() => {
            RuleError::MemoryLimit { rule, limit_bytes: opts.memory_budget_bytes }
        }
        EvalAltResult::ErrorTooManyOperations(_) => {
            RuleError::OperationLimit { rule, limit: opts.max_operations_per_rule }
        }
        EvalAltResult::ErrorStackOverflow(_)
        | EvalAltResult::ErrorDataTooLarge(..)
        | EvalAltResult::ErrorTooManyVariables(_)
        | EvalAltResult::ErrorTooManyModules(_) => {
            RuleError::Limit { rule, message: strip_position(inner.to_string(), inner.position()) }
        }
        _ => {
            let pos = if e.position().is_none() { inner.position() } else { e.position() };
            RuleError::Runtime {
                rule,
                message: strip_position(e.to_string(), e.position()),
                line: pos.line(),
                column: pos.position(),
            }
        }
    };
    Err(Some(err))
}

/// Rhai appends " (line L, position C)"; the location lives in separate fields instead.
fn strip_position(mut msg: String, pos: Position) -> String {
    if let (Some(l), Some(c)) = (pos.line(), pos.position()) {
        let suffix = format!(" (line {l}, position {c})");
        if msg.ends_with(&suffix) {
            msg.truncate(msg.len() - suffix.len());
        }
    }
    msg
}

/// Longest rule name, in characters: names are copied into every decision's trace.
const MAX_RULE_NAME: usize = 200;

/// Why `name` cannot name a rule, if it cannot.
fn bad_name(name: &str) -> Option<String> {
    let short: String = name.chars().take(40).collect();
    if name.trim().is_empty() {
        Some("rule name must not be empty".into())
    } else if name.trim() != name {
        Some(format!("rule name {short:?} must not start or end with whitespace"))
    } else if name.chars().any(char::is_control) {
        Some(format!("rule name {short:?} must be printable (no control characters such as \\n or \\t)"))
    } else if name.chars().count() > MAX_RULE_NAME {
        Some(format!("rule name {short:?}... is {} characters long; the limit is {MAX_RULE_NAME}", name.chars().count()))
    } else {
        None
    }
}

/// Reads the rules of one compiled file, checking they are top-level and uniquely named,
/// and precompiles the regex literals passed to `matches`.
pub(crate) fn inspect(
    ast: &AST,
    file: &str,
    rules: &mut Vec<RuleInfo>,
    seen: &mut HashMap<String, ()>,
    regexes: &mut RegexMap,
) -> Result<(), RuleError> {
    let mut top = Vec::new();
    for stmt in ast.statements() {
        if let Stmt::Expr(e) = stmt {
            if let Expr::Custom(c, pos) = &**e {
                if c.tokens.first().is_some_and(|t| t == KEYWORD) {
                    top.push(*pos);
                    let name = match c.inputs.first() {
                        Some(Expr::StringConstant(s, _)) => s.to_string(),
                        _ => String::new(),
                    };
                    let line = pos.line().unwrap_or(0);
                    if let Some(why) = bad_name(&name) {
                        return Err(RuleError::Invalid { file: file.to_owned(), line, message: why });
                    }
                    if seen.insert(name.clone(), ()).is_some() {
                        return Err(RuleError::DuplicateRule { file: file.to_owned(), line, name });
                    }
                    let stop = c.tokens.get(2).is_some_and(|t| t == "stop");
                    rules.push(RuleInfo { name, order: rules.len(), stop, file: file.to_owned(), line });
                }
            }
        }
    }
    let user_fns: HashSet<String> = ast.iter_functions().map(|f| f.name.to_owned()).collect();
    let mut nested = None;
    let mut bad = None;
    ast.walk(&mut |path: &[ASTNode]| {
        let checked = match path.last() {
            Some(ASTNode::Expr(Expr::Custom(c, pos)))
                if c.tokens.first().is_some_and(|t| t == KEYWORD) && (!top.contains(pos) || path.len() > 2) =>
            {
                nested = Some(*pos);
                return false;
            }
            Some(ASTNode::Expr(Expr::FnCall(f, _))) => literals::check_call(f, false, &user_fns, regexes),
            Some(ASTNode::Expr(Expr::MethodCall(f, _))) => literals::check_call(f, true, &user_fns, regexes),
            _ => Ok(()),
        };
        match checked {
            Ok(()) => true,
            Err(b) => {
                bad = Some(b);
                false
            }
        }
    });
    if let Some(b) = bad {
        return Err(b.into_error(file));
    }
    if let Some(pos) = nested {
        return Err(RuleError::Invalid {
            file: file.to_owned(),
            line: pos.line().unwrap_or(0),
            message: "a rule must be written at the top level of the file, not inside a function, block or another rule".into(),
        });
    }
    Ok(())
}
