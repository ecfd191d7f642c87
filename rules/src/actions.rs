//! Actions rules take: `set_*`, tags, skills, review and `stop()`.

use rhai::{Array, Dynamic, Engine, EvalAltResult, FuncRegistration, ImmutableString, Position};

use crate::outcome::RulesOutcome;
use crate::state::{self, runtime};

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

fn set(field: &'static str, value: &str, slot: fn(&mut RulesOutcome) -> &mut Option<String>) -> Res {
    let value = non_empty(field, value)?;
    state::with(|s| s.act(field, value, |o| *slot(o) = Some(value.to_owned())))
}

fn push_unique(field: &'static str, value: &str, list: fn(&mut RulesOutcome) -> &mut Vec<String>) -> Res {
    let value = non_empty(field, value)?;
    state::with(|s| {
        s.act(field, value, |o| {
            let l = list(o);
            if !l.iter().any(|x| x == value) {
                l.push(value.to_owned());
            }
        })
    })
}

fn push_all(field: &'static str, values: &Array, list: fn(&mut RulesOutcome) -> &mut Vec<String>) -> Res {
    for v in values {
        let s = v
            .read_lock::<ImmutableString>()
            .ok_or_else(|| runtime(format!("{field} list must hold strings, found {}", v.type_name())))?;
        push_unique(field, &s, list)?;
    }
    Ok(())
}

/// Normalises `p1`/`P1` to `P1`; anything outside P1..P5 is an error so typos surface.
pub(crate) fn normalise_priority(p: &str) -> Result<String, Box<EvalAltResult>> {
    let p = p.trim();
    match p.as_bytes() {
        [b'p' | b'P', d @ b'1'..=b'5'] => Ok(format!("P{}", *d as char)),
        _ => Err(runtime(format!("priority must be one of P1..P5, got {p:?}"))),
    }
}

fn review(reason: &str) -> Res {
    let reason = reason.trim();
    state::with(|s| {
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
    })
}

/// Registers all actions.
pub(crate) fn register(engine: &mut Engine) {
    action!(engine, "set_category", |v: &str| set("category", v, |o| &mut o.category));
    action!(engine, "set_group", |v: &str| set("group", v, |o| &mut o.group));
    action!(engine, "set_agent", |v: &str| set("agent", v, |o| &mut o.agent));
    action!(engine, "set_priority", |v: &str| -> Res {
        let p = normalise_priority(v)?;
        set("priority", &p, |o| &mut o.priority)
    });
    action!(engine, "set_strategy", |v: &str| -> Res {
        let v = v.trim();
        if !STRATEGIES.contains(&v) {
            return Err(runtime(format!("strategy must be one of {}, got {v:?}", STRATEGIES.join(", "))));
        }
        set("strategy", v, |o| &mut o.strategy)
    });
    action!(engine, "add_tag", |v: &str| push_unique("tag", v, |o| &mut o.tags));
    action!(engine, "add_tags", |v: Array| push_all("tag", &v, |o| &mut o.tags));
    action!(engine, "require_skill", |v: &str| push_unique("required_skill", v, |o| &mut o.required_skills));
    action!(engine, "require_skills", |v: Array| push_all("required_skill", &v, |o| &mut o.required_skills));
    action!(engine, "prefer_skill", |v: &str| push_unique("preferred_skill", v, |o| &mut o.preferred_skills));
    action!(engine, "prefer_skills", |v: Array| push_all("preferred_skill", &v, |o| &mut o.preferred_skills));
    action!(engine, "needs_review", |reason: &str| review(reason));
    action!(engine, "needs_review", || review(""));
    action!(engine, "stop", || -> Res {
        state::with(|s| s.act("stop", "", |_| {}))?;
        Err(Box::new(EvalAltResult::ErrorTerminated(Dynamic::from(StopSignal), Position::NONE)))
    });
}
