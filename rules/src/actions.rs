//! Actions rules take: `set_*`, tags, skills, review and `stop()`.

use compact_str::CompactString;
use rhai::{Array, Dynamic, Engine, EvalAltResult, FuncRegistration, ImmutableString, Position};

use crate::native::ir::ActionKind;
use crate::outcome::RulesOutcome;
use crate::eval_state::{self, runtime, EvalState};

type Res = Result<(), Box<EvalAltResult>>;

/// Token carried by the uncatchable error that `stop()` raises to end the rule at once.
#[derive(Clone)]
pub(crate) struct StopSignal;

/// Assignment strategies core knows how to run.
pub const STRATEGIES: [&str; 4] = ["round-robin", "least-loaded", "skills-based", "manual"];

/// Registers `name` as volatile so optimisation level Full never runs it at compile time.
macro_rules! action {
    ($engine:expr, $name:expr, $f:expr) => {
        FuncRegistration::new($name).with_volatility(true).register_into_engine($engine, $f)
    };
}

fn non_empty<'a>(what: &str, v: &'a str) -> Result<&'a str, Box<EvalAltResult>> {
    let v = v.trim();
    if v.is_empty() {
        Err(runtime(format!("{what} must not be empty")))
    } else {
        Ok(v)
    }
}

/// An action applied to the evaluation state with one string argument.
type ActFn = fn(&mut EvalState, &str) -> Res;

fn set(s: &mut EvalState, field: &'static str, value: &str, slot: fn(&mut RulesOutcome) -> &mut Option<CompactString>) -> Res {
    let value = non_empty(field, value)?;
    s.act(field, value, |o| *slot(o) = Some(CompactString::new(value)))
}

fn push_unique(s: &mut EvalState, field: &'static str, value: &str, list: fn(&mut RulesOutcome) -> &mut Vec<CompactString>) -> Res {
    let value = non_empty(field, value)?;
    s.act(field, value, |o| {
        let l = list(o);
        if !l.iter().any(|x| x == value) {
            l.push(CompactString::new(value));
        }
    })
}

fn push_all(values: &Array, field: &'static str, each: ActFn) -> Res {
    eval_state::with(|s| {
        for v in values {
            let v = v
                .read_lock::<ImmutableString>()
                .ok_or_else(|| runtime(format!("{field} list must hold strings, found {}", v.type_name())))?;
            each(s, &v)?;
        }
        Ok(())
    })
}

/// Normalises `p1`/`P1` to `P1`; anything outside P1..P5 is an error so typos surface.
pub(crate) fn normalise_priority(p: &str) -> Result<String, Box<EvalAltResult>> {
    let p = p.trim();
    match p.as_bytes() {
        [b'p' | b'P', d @ b'1'..=b'5'] => Ok(format!("P{}", *d as char)),
        _ => Err(runtime(format!("priority must be one of P1..P5, got {p:?}"))),
    }
}

fn review(s: &mut EvalState, reason: &str) -> Res {
    let reason = reason.trim();
    s.act("needs_review", reason, |o| {
        o.needs_review = true;
        if reason.is_empty() {
            return;
        }
        match &mut o.review_reason {
            None => o.review_reason = Some(reason.to_owned()),
            Some(r) if !r.split("; ").any(|x| x == reason) => {
                r.push_str("; ");
                r.push_str(reason);
            }
            Some(_) => {}
        }
    })
}

fn set_category(s: &mut EvalState, v: &str) -> Res {
    set(s, "category", v, |o| &mut o.category)
}
fn set_group(s: &mut EvalState, v: &str) -> Res {
    set(s, "group", v, |o| &mut o.group)
}
fn set_agent(s: &mut EvalState, v: &str) -> Res {
    set(s, "agent", v, |o| &mut o.agent)
}
fn set_priority(s: &mut EvalState, v: &str) -> Res {
    let p = normalise_priority(v)?;
    set(s, "priority", &p, |o| &mut o.priority)
}
fn check_strategy(v: &str) -> Res {
    if STRATEGIES.contains(&v.trim()) {
        Ok(())
    } else {
        Err(runtime(format!("strategy must be one of {}, got {:?}", STRATEGIES.join(", "), v.trim())))
    }
}
fn set_strategy(s: &mut EvalState, v: &str) -> Res {
    check_strategy(v)?;
    set(s, "strategy", v.trim(), |o| &mut o.strategy)
}
fn add_tag(s: &mut EvalState, v: &str) -> Res {
    push_unique(s, "tag", v, |o| &mut o.tags)
}
fn require_skill(s: &mut EvalState, v: &str) -> Res {
    push_unique(s, "required_skill", v, |o| &mut o.required_skills)
}
fn prefer_skill(s: &mut EvalState, v: &str) -> Res {
    push_unique(s, "preferred_skill", v, |o| &mut o.preferred_skills)
}

/// Whether `v` is a valid argument of `kind`, so taking the action natively cannot fail.
pub(crate) fn accepts(kind: ActionKind, v: &str) -> bool {
    match kind {
        ActionKind::SetPriority => normalise_priority(v).is_ok(),
        ActionKind::SetStrategy => check_strategy(v).is_ok(),
        ActionKind::NeedsReview => true,
        _ => !v.trim().is_empty(),
    }
}

/// The action `name` takes with one string argument, for native bodies.
pub(crate) fn native(name: &str) -> Option<ActionKind> {
    Some(match name {
        "set_category" => ActionKind::SetCategory,
        "set_group" => ActionKind::SetGroup,
        "set_agent" => ActionKind::SetAgent,
        "set_priority" => ActionKind::SetPriority,
        "set_strategy" => ActionKind::SetStrategy,
        "add_tag" => ActionKind::AddTag,
        "require_skill" => ActionKind::RequireSkill,
        "prefer_skill" => ActionKind::PreferSkill,
        "needs_review" => ActionKind::NeedsReview,
        _ => return None,
    })
}

/// Takes action `kind` with argument `v`: the same function the Rhai-registered action calls.
pub(crate) fn apply(kind: ActionKind, s: &mut EvalState, v: &str) -> Res {
    let f: ActFn = match kind {
        ActionKind::SetCategory => set_category,
        ActionKind::SetGroup => set_group,
        ActionKind::SetAgent => set_agent,
        ActionKind::SetPriority => set_priority,
        ActionKind::SetStrategy => set_strategy,
        ActionKind::AddTag => add_tag,
        ActionKind::RequireSkill => require_skill,
        ActionKind::PreferSkill => prefer_skill,
        ActionKind::NeedsReview => review,
    };
    f(s, v)
}

/// Registers all actions.
pub(crate) fn register(engine: &mut Engine) {
    action!(engine, "set_category", |v: &str| eval_state::with(|s| set_category(s, v)));
    action!(engine, "set_group", |v: &str| eval_state::with(|s| set_group(s, v)));
    action!(engine, "set_agent", |v: &str| eval_state::with(|s| set_agent(s, v)));
    action!(engine, "set_priority", |v: &str| eval_state::with(|s| set_priority(s, v)));
    action!(engine, "set_strategy", |v: &str| eval_state::with(|s| set_strategy(s, v)));
    action!(engine, "add_tag", |v: &str| eval_state::with(|s| add_tag(s, v)));
    action!(engine, "add_tags", |v: Array| push_all(&v, "tag", add_tag));
    action!(engine, "require_skill", |v: &str| eval_state::with(|s| require_skill(s, v)));
    action!(engine, "require_skills", |v: Array| push_all(&v, "required_skill", require_skill));
    action!(engine, "prefer_skill", |v: &str| eval_state::with(|s| prefer_skill(s, v)));
    action!(engine, "prefer_skills", |v: Array| push_all(&v, "preferred_skill", prefer_skill));
    action!(engine, "needs_review", |reason: &str| eval_state::with(|s| review(s, reason)));
    action!(engine, "needs_review", || eval_state::with(|s| review(s, "")));
    action!(engine, "stop", || -> Res {
        eval_state::with(|s| s.act("stop", "", |_| {}))?;
        Err(Box::new(EvalAltResult::ErrorTerminated(Dynamic::from(StopSignal), Position::NONE)))
    });
}
