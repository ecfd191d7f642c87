//! Helper functions for conditions: text search, regex, priority matrix, business hours.

use std::cell::RefCell;
use std::collections::HashMap;

use rhai::{Array, Dynamic, Engine, EvalAltResult, FuncRegistration, ImmutableString, INT};

use crate::state::{self, runtime};

type Res<T> = Result<T, Box<EvalAltResult>>;

/// A haystack prepared once per `contains_*` call.
pub(crate) enum Hay<'a> {
    /// Already lower-cased (the ticket's own text, lowered once per ticket).
    Lower(&'a str),
    /// ASCII: compare case-insensitively in place, no allocation.
    Ascii(&'a str),
    /// Other Unicode text, lower-cased once for this call.
    Unicode(String),
}

impl Hay<'_> {
    /// A haystack for text that is not one of the ticket's lower-cased fields.
    pub(crate) fn of(s: &str) -> Hay<'_> {
        if s.is_ascii() {
            Hay::Ascii(s)
        } else {
            Hay::Unicode(s.to_lowercase())
        }
    }

    pub(crate) fn contains(&self, needle: &str) -> bool {
        if needle.is_empty() {
            return false;
        }
        match self {
            Hay::Lower(h) => with_lower(needle, |n| h.contains(n)),
            Hay::Unicode(h) => with_lower(needle, |n| h.contains(n)),
            Hay::Ascii(h) => {
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

/// Runs `f` on the prepared haystack.
fn with_hay(s: &ImmutableString, f: impl FnOnce(&Hay) -> Res<bool>) -> Res<bool> {
    let ticket = state::with(|st| st.ticket.clone());
    let hay = match ticket.as_ref().and_then(|t| t.lower_of(s)) {
        Some(lower) => Hay::Lower(lower),
        None => Hay::of(s),
    };
    f(&hay)
}

fn needle(d: &Dynamic) -> Res<rhai::ImmutableString> {
    d.read_lock::<ImmutableString>()
        .map(|s| s.clone())
        .ok_or_else(|| runtime(format!("search words must be strings, found {}", d.type_name())))
}

fn contains_any(text: ImmutableString, words: Array) -> Res<bool> {
    with_hay(&text, |hay| {
        for w in &words {
            if hay.contains(&needle(w)?) {
                return Ok(true);
            }
        }
        Ok(false)
    })
}

fn contains_all(text: ImmutableString, words: Array) -> Res<bool> {
    with_hay(&text, |hay| {
        let mut any = false;
        for w in &words {
            let w = needle(w)?;
            if w.is_empty() {
                continue;
            }
            if !hay.contains(&w) {
                return Ok(false);
            }
            any = true;
        }
        Ok(any)
    })
}

fn matches(text: &str, pattern: &str) -> Res<bool> {
    state::with(|st| st.regex(pattern).map(|re| re.is_match(text))).map_err(runtime)
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

/// Parses "HH:MM" into minutes since midnight; "24:00" is allowed as an end time.
pub(crate) fn hhmm(s: &str) -> Result<u32, String> {
    let bad = || format!("expected a time like \"09:00\" (00:00 to 24:00), got {s:?}");
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

const DAY_FULL: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// Weekday index (0 = Monday) from a name or a prefix of at least three letters.
fn day(s: &str) -> Result<u32, String> {
    let l = s.trim().to_ascii_lowercase();
    DAY_FULL
        .iter()
        .position(|d| l.len() >= 3 && d.starts_with(&l))
        .map(|i| i as u32)
        .ok_or_else(|| format!("unknown weekday {s:?} (use Mon, Tue, ... Sun, e.g. \"Mon-Fri\" or \"Sat,Sun\")"))
}

/// Parses "Mon-Fri", "Sat,Sun", "Fri-Mon" or "Mon-Wed,Fri" into a bit set (bit 0 = Monday).
pub(crate) fn day_set(spec: &str) -> Result<u8, String> {
    let mut set = 0u8;
    for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                let mut d = a;
                loop {
                    set |= 1 << d;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => set |= 1 << day(part)?,
        }
    }
    if set == 0 {
        return Err(format!("no weekdays in {spec:?} (use e.g. \"Mon-Fri\" or \"Sat,Sun\")"));
    }
    Ok(set)
}

/// The clock of the running evaluation (see [`crate::RuleSet::evaluate_at`]); never the
/// machine's clock directly, so tests and replays decide what "now" is.
fn evaluation_now() -> jiff::Timestamp {
    state::with(|st| st.ticket.as_ref().map(|t| t.0.now)).unwrap_or_else(jiff::Timestamp::now)
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

thread_local! {
    /// Time zones by name; looking one up in the tz database on every call is the slow part.
    static ZONES: RefCell<HashMap<String, jiff::tz::TimeZone>> = RefCell::new(HashMap::new());
}

/// The time zone named `tz` (IANA name), cached per thread.
pub(crate) fn zone(tz: &str) -> Result<jiff::tz::TimeZone, String> {
    ZONES.with(|z| {
        let mut z = z.borrow_mut();
        if let Some(found) = z.get(tz) {
            return Ok(found.clone());
        }
        let found = jiff::tz::TimeZone::get(tz)
            .map_err(|e| format!("unknown time zone {tz:?} (use an IANA name such as \"Europe/Paris\" or \"UTC\"): {e}"))?;
        if z.len() >= 64 {
            z.clear();
        }
        z.insert(tz.to_owned(), found.clone());
        Ok(found)
    })
}

fn within(ts: &Dynamic, tz: &str, days: Option<&str>, start: &str, end: &str) -> Res<bool> {
    // The whole spec is checked before the clock is read: a bad spec fails at every hour.
    let (zone, days, start, end) = parse_hours(tz, days, start, end)?;
    Ok(within_at(timestamp(ts)?, &zone, days, start, end))
}

fn local(ts: jiff::Timestamp, zone: &jiff::tz::TimeZone) -> jiff::civil::DateTime {
    zone.to_datetime(ts)
}

fn in_window(ts: jiff::Timestamp, zone: &jiff::tz::TimeZone, start: u32, end: u32) -> bool {
    let local = local(ts, zone);
    let minute = u32::from(local.hour().unsigned_abs()) * 60 + u32::from(local.minute().unsigned_abs());
    if start <= end {
        start <= minute && minute < end
    } else {
        minute >= start || minute < end
    }
}

fn weekday_bit(ts: jiff::Timestamp, zone: &jiff::tz::TimeZone) -> u8 {
    1 << local(ts, zone).weekday().to_monday_zero_offset().unsigned_abs()
}

/// Parses a literal `within_hours` spec once (zone, day set, start and end minutes).
pub(crate) fn parse_hours(
    tz: &str,
    days: Option<&str>,
    start: &str,
    end: &str,
) -> Res<(jiff::tz::TimeZone, Option<u8>, u32, u32)> {
    let zone = zone(tz).map_err(runtime)?;
    let (start, end) = (hhmm(start).map_err(runtime)?, hhmm(end).map_err(runtime)?);
    let days = days.map(day_set).transpose().map_err(runtime)?;
    Ok((zone, days, start, end))
}

/// `within_hours` with a parsed spec; same result as the Rhai function when the spec is valid.
pub(crate) fn within_at(ts: jiff::Timestamp, zone: &jiff::tz::TimeZone, days: Option<u8>, start: u32, end: u32) -> bool {
    if !in_window(ts, zone, start, end) {
        return false;
    }
    days.is_none_or(|set| set & weekday_bit(ts, zone) != 0)
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
