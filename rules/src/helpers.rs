//! Helper functions for conditions: text search, regex, priority matrix, business hours.

use regex::Regex;
use rhai::{Array, Dynamic, Engine, EvalAltResult, FuncRegistration, ImmutableString, INT};

use crate::hours::WorkingHours;
use crate::eval_state::{self, runtime};

type Res<T> = Result<T, Box<EvalAltResult>>;

/// Text prepared once per `contains_*` call for case-insensitive word search.
pub(crate) enum SearchText<'a> {
    /// Already lower-cased (the ticket's own text, lowered once per ticket).
    Lower(&'a str),
    /// ASCII: compare case-insensitively in place, no allocation.
    Ascii(&'a str),
    /// Other Unicode text, lower-cased once for this call.
    Unicode(String),
}

impl SearchText<'_> {
    /// A haystack for text that is not one of the ticket's lower-cased fields.
    pub(crate) fn of(s: &str) -> SearchText<'_> {
        if s.is_ascii() {
            SearchText::Ascii(s)
        } else {
            SearchText::Unicode(s.to_lowercase())
        }
    }

    pub(crate) fn contains(&self, needle: &str) -> bool {
        if needle.is_empty() {
            return false;
        }
        match self {
            SearchText::Lower(h) => with_lower(needle, |n| h.contains(n)),
            SearchText::Unicode(h) => with_lower(needle, |n| h.contains(n)),
            SearchText::Ascii(h) => {
                if needle.is_ascii() {
                    ascii_icontains(h.as_bytes(), needle.as_bytes())
                } else {
                    // Some non-ASCII letters lower-case to ASCII (e.g. the Kelvin sign).
                    with_lower(needle, |n| n.is_ascii() && ascii_icontains(h.as_bytes(), n.as_bytes()))
                }
            }
        }
    }
}

/// Calls `f` with the lower-cased needle, allocating only when lowering changes it.
fn with_lower<R>(needle: &str, f: impl FnOnce(&str) -> R) -> R {
    // Non-ASCII needles are rare in rules, so they simply always take the Unicode path.
    if needle.is_ascii() && !needle.bytes().any(|b| b.is_ascii_uppercase()) {
        f(needle)
    } else {
        f(&needle.to_lowercase())
    }
}

fn ascii_icontains(hay: &[u8], needle: &[u8]) -> bool {
    if needle.len() > hay.len() {
        return false;
    }
    let first = needle[0].to_ascii_lowercase();
    let last_start = hay.len() - needle.len();
    let mut i = 0;
    while i <= last_start {
        if hay[i].to_ascii_lowercase() == first && hay[i..i + needle.len()].eq_ignore_ascii_case(needle) {
            return true;
        }
        i += 1;
    }
    false
}

/// Runs `f` on `s` prepared for search (the ticket's own lower-cased text when `s` is one of its fields).
fn with_text(s: &ImmutableString, f: impl FnOnce(&SearchText) -> Res<bool>) -> Res<bool> {
    let ticket = eval_state::with(|st| st.ticket.clone());
    let hay = match ticket.as_ref().and_then(|t| t.lower_of(s)) {
        Some(lower) => SearchText::Lower(lower),
        None => SearchText::of(s),
    };
    f(&hay)
}

fn needle(d: &Dynamic) -> Res<rhai::ImmutableString> {
    d.read_lock::<ImmutableString>()
        .map(|s| s.clone())
        .ok_or_else(|| runtime(format!("search words must be strings, found {}", d.type_name())))
}

/// `contains_any`: whether some word is found (an empty word never is). Words come as results
/// so the Rhai function fails at the first non-string word it reaches, and not after a match.
pub(crate) fn any_word_found<W, E>(words: impl IntoIterator<Item = Result<W, E>>, mut found: impl FnMut(&W) -> bool) -> Result<bool, E> {
    for w in words {
        if found(&w?) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `contains_all`: whether every non-empty word is found and there is at least one.
pub(crate) fn all_words_found<W, E>(
    words: impl IntoIterator<Item = Result<W, E>>,
    is_empty: impl Fn(&W) -> bool,
    mut found: impl FnMut(&W) -> bool,
) -> Result<bool, E> {
    let mut any = false;
    for w in words {
        let w = w?;
        if is_empty(&w) {
            continue;
        }
        if !found(&w) {
            return Ok(false);
        }
        any = true;
    }
    Ok(any)
}

/// `matches`: whether the compiled pattern matches anywhere in `text`.
pub(crate) fn regex_matches(re: &Regex, text: &str) -> bool {
    re.is_match(text)
}

fn contains_any(text: ImmutableString, words: Array) -> Res<bool> {
    with_text(&text, |t| any_word_found(words.iter().map(needle), |w| t.contains(w)))
}

fn contains_all(text: ImmutableString, words: Array) -> Res<bool> {
    with_text(&text, |t| all_words_found(words.iter().map(needle), |w| w.is_empty(), |w| t.contains(w)))
}

fn matches(text: &str, pattern: &str) -> Res<bool> {
    eval_state::with(|st| st.regex(pattern).map(|re| regex_matches(re, text))).map_err(runtime)
}

/// ServiceNow's default impact x urgency matrix (1 = high .. 3 = low).
pub fn priority_matrix(impact: i64, urgency: i64) -> Option<&'static str> {
    const M: [[&str; 3]; 3] = [["P1", "P2", "P3"], ["P2", "P3", "P4"], ["P3", "P4", "P5"]];
    let i = usize::try_from(impact.checked_sub(1)?).ok()?;
    let u = usize::try_from(urgency.checked_sub(1)?).ok()?;
    M.get(i)?.get(u).copied()
}

fn level(what: &str, v: &Dynamic) -> Res<INT> {
    if v.is_unit() {
        return Err(runtime(format!("priority_matrix: {what} is missing (())")));
    }
    v.as_int().map_err(|t| runtime(format!("priority_matrix: {what} must be an integer 1..3, found {t}")))
}

fn priority_matrix_fn(impact: Dynamic, urgency: Dynamic) -> Res<ImmutableString> {
    let (i, u) = (level("impact", &impact)?, level("urgency", &urgency)?);
    priority_matrix(i, u)
        .map(Into::into)
        .ok_or_else(|| runtime(format!("priority_matrix: impact and urgency must be 1..3, got ({i}, {u})")))
}

/// The clock of the running evaluation (see [`crate::RuleSet::evaluate_at`]); never the
/// machine's clock directly, so tests and replays decide what "now" is.
fn evaluation_now() -> jiff::Timestamp {
    eval_state::with(|st| st.ticket.as_ref().map(|t| t.0.now)).unwrap_or_else(jiff::Timestamp::now)
}

fn timestamp(ts: &Dynamic) -> Res<jiff::Timestamp> {
    if ts.is_unit() {
        // A ticket without a creation time is being triaged as it arrives.
        return Ok(evaluation_now());
    }
    if let Some(t) = ts.read_lock::<jiff::Timestamp>() {
        return Ok(*t);
    }
    if let Some(s) = ts.read_lock::<ImmutableString>() {
        return s.parse().map_err(|e| runtime(format!("invalid timestamp {:?}: {e}", s.as_str())));
    }
    Err(runtime(format!("expected a timestamp, found {}", ts.type_name())))
}

/// `within_hours` with a spec read at run time; the whole spec is checked before the clock
/// is read, so a bad spec fails at every hour, not only at some.
fn within(ts: &Dynamic, tz: &str, days: Option<&str>, start: &str, end: &str) -> Res<bool> {
    let hours = WorkingHours::parse(tz, days, start, end).map_err(runtime)?;
    Ok(hours.contains(timestamp(ts)?))
}

/// Registers helper functions; those reading per-evaluation state or the clock are volatile
/// so the optimiser never runs them at compile time.
pub(crate) fn register(engine: &mut Engine) {
    let vol = |name: &str| FuncRegistration::new(name).with_volatility(true);
    // Exact-type overloads resolve without Rhai's slower `Dynamic` parameter search;
    // the `()` overloads make a missing field simply "no match".
    vol("contains_any").register_into_engine(engine, contains_any);
    vol("contains_any").register_into_engine(engine, |_: (), _: Array| false);
    vol("contains_all").register_into_engine(engine, contains_all);
    vol("contains_all").register_into_engine(engine, |_: (), _: Array| false);
    vol("matches").register_into_engine(engine, matches);
    vol("matches").register_into_engine(engine, |_: (), _: &str| false);
    engine.register_fn("priority_matrix", |i: INT, u: INT| priority_matrix_fn(Dynamic::from_int(i), Dynamic::from_int(u)));
    engine.register_fn("priority_matrix", priority_matrix_fn);
    vol("within_hours").register_into_engine(engine, |ts: Dynamic, tz: &str, start: &str, end: &str| {
        within(&ts, tz, None, start, end)
    });
    vol("within_hours").register_into_engine(engine, |ts: Dynamic, tz: &str, days: &str, start: &str, end: &str| {
        within(&ts, tz, Some(days), start, end)
    });
    vol("now").register_into_engine(engine, evaluation_now);
}
