//! Tickets in and decisions out as JSON text.
//!
//! Tickets cross the boundary as `JSON.stringify` output and decisions come back as JSON text
//! for `JSON.parse`: V8's JSON codec plus serde_json beat walking objects property by property
//! through N-API (numbers in `bench.js`, "conversion"). The same texts feed batches, where the
//! parsing then happens off the main thread.

use serde::Serialize;

use triagekit::{Decision, Ticket, TriageError};

use crate::error::ErrorInfo;

/// Parses one ticket from JSON text.
///
/// JS strings are UTF-16 and may hold lone surrogates, which `JSON.stringify` writes as `\udXXX`
/// escapes that serde_json rejects. Rather than refuse a ticket over one broken emoji, those
/// escapes become U+FFFD, which is what N-API's own string conversion does. The repair only runs
/// after a failed parse, so well-formed tickets pay nothing for it.
pub fn parse_ticket(json: &str) -> Result<Ticket, TriageError> {
    match Ticket::from_json(json) {
        // serde_json words this several ways ("lone leading surrogate", "unexpected end of hex
        // escape", ...); `JSON.stringify` writes surrogate escapes as lowercase `\ud`.
        Err(error) if json.contains("\\ud") => {
            let repaired = replace_lone_surrogates(json);
            if repaired == json {
                Err(error)
            } else {
                Ticket::from_json(&repaired)
            }
        }
        other => other,
    }
}

/// Rewrites every `\uD800`-`\uDFFF` escape that is not part of a valid pair as `\uFFFD`.
pub fn replace_lone_surrogates(json: &str) -> String {
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(unit) = escape_at(bytes, i) else {
            // `\\`, `\"`, `\n`, ...: skip the escaped character so `\\ud800` is left alone.
            i += 2;
            continue;
        };
        let width = if (0xD800..0xDC00).contains(&unit) {
            match escape_at(bytes, i + 6) {
                Some(low) if (0xDC00..0xE000).contains(&low) => {
                    i += 12;
                    continue;
                }
                _ => 6,
            }
        } else if (0xDC00..0xE000).contains(&unit) {
            6
        } else {
            i += 6;
            continue;
        };
        out.push_str(&json[copied..i]);
        out.push_str("\\ufffd");
        i += width;
        copied = i;
    }
    out.push_str(&json[copied..]);
    out
}

/// The UTF-16 unit of a `\uXXXX` escape starting at `at`, if there is one.
fn escape_at(bytes: &[u8], at: usize) -> Option<u32> {
    let escape = bytes.get(at..at + 6)?;
    if escape[0] != b'\\' || escape[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&escape[2..]).ok()?;
    u32::from_str_radix(hex, 16).ok()
}

/// Serialises a decision; without `trace` the `trace` key is left out (core's `Decision::json`).
pub fn decision_json(decision: Decision, trace: bool) -> Result<String, ErrorInfo> {
    to_json(&decision.json(trace))
}

/// Serialises any result value, mapping the (unexpected) failure to `INTERNAL`.
pub fn to_json<T: Serialize>(value: &T) -> Result<String, ErrorInfo> {
    serde_json::to_string(value).map_err(|e| internal_serialise(&e))
}

fn internal_serialise(error: &serde_json::Error) -> ErrorInfo {
    ErrorInfo::new(crate::error::INTERNAL, format!("serialising: {error}"))
}

/// One batch slot as JSON text: the decision, or `{"error": {...}}` for that ticket alone (also
/// when the decision cannot be serialised, so one slot never fails the others).
pub fn slot_json(result: Result<Decision, TriageError>, trace: bool) -> String {
    /// The failed-slot shape; the same fields as a thrown error.
    #[derive(Serialize)]
    struct ErrorSlot {
        error: ErrorInfo,
    }
    let encoded = match result {
        Ok(decision) => decision_json(decision, trace),
        Err(error) => to_json(&ErrorSlot { error: ErrorInfo::from(error) }),
    };
    encoded.unwrap_or_else(|error| {
        // An `ErrorInfo` of a code and a plain message always serialises.
        to_json(&ErrorSlot { error }).unwrap_or_else(|_| r#"{"error":{"code":"INTERNAL","message":"serialising"}}"#.into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(replace_lone_surrogates(r#"{"a":"x\ud800y"}"#), r#"{"a":"x\ufffdy"}"#);
        assert_eq!(replace_lone_surrogates(r#""\udc00\ud83d""#), r#""\ufffd\ufffd""#);
    }

    #[test]
    fn valid_pairs_and_escaped_backslashes_are_kept() {
        let pair = r#"{"a":"\ud83d\ude00 ok"}"#;
        assert_eq!(replace_lone_surrogates(pair), pair);
        let escaped = r#"{"a":"\\ud800"}"#;
        assert_eq!(replace_lone_surrogates(escaped), escaped);
    }

    #[test]
    fn no_trace_leaves_the_key_out() {
        let decision = Decision { ticket_id: "7".into(), ..Decision::default() };
        let json = decision_json(decision.clone(), false).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["ticket_id"], "7");
        assert!(value.get("trace").is_none(), "{json}");
        assert!(decision_json(decision, true).unwrap().contains("\"trace\":{"));
    }

    #[test]
    fn ticket_with_lone_surrogate_parses() {
        let ticket = parse_ticket(r#"{"id":"1","subject":"broken \ud83d emoji"}"#).unwrap();
        assert_eq!(ticket.subject, "broken \u{FFFD} emoji");
    }
}
