//! An agent's `capacity`, `load` and `skills` as written in the roster file, each accepted in
//! its short form (a number, a list) or its long form (an object).

use std::collections::HashMap;

use serde_json::Value;

fn count(value: &Value, what: &str) -> std::result::Result<u32, String> {
    match value.as_i64() {
        Some(n) if n < 0 => Err(format!("{what} must not be negative, got {n}")),
        Some(n) => u32::try_from(n).map_err(|_| format!("{what} is too large: {n}")),
        None => Err(format!("{what} must be a whole number, got {value}")),
    }
}

/// `capacity` is a number, or `{"max": n, "per_channel": {"chat": 2}}`.
pub(super) fn parse_capacity(value: &Value) -> std::result::Result<(u32, Vec<(String, u32)>), String> {
    match value {
        Value::Null => Err("capacity is required".into()),
        Value::Object(map) => {
            let max = map.get("max").ok_or("capacity.max is required")?;
            let max = count(max, "capacity.max")?;
            let mut caps = Vec::new();
            if let Some(per_channel) = map.get("per_channel") {
                let per_channel = per_channel.as_object().ok_or("capacity.per_channel must be an object")?;
                for (channel, cap) in per_channel {
                    caps.push((channel.to_ascii_lowercase(), count(cap, &format!("capacity.per_channel.{channel}"))?));
                }
            }
            Ok((max, caps))
        }
        other => Ok((count(other, "capacity")?, Vec::new())),
    }
}

/// `load` is a number, or per channel `{"chat": 1, "email": 3}` (the total is their sum unless
/// a `"total"` key gives it, as exported rosters do).
pub(super) fn parse_load(value: &Value) -> std::result::Result<(u32, HashMap<String, u32>), String> {
    match value {
        Value::Null => Ok((0, HashMap::new())),
        Value::Object(map) => {
            let mut per_channel = HashMap::new();
            let mut sum = 0u32;
            for (channel, n) in map.iter().filter(|(k, _)| k.as_str() != "total") {
                let n = count(n, &format!("load.{channel}"))?;
                sum = sum.saturating_add(n);
                per_channel.insert(channel.to_ascii_lowercase(), n);
            }
            let total = map.get("total").map(|t| count(t, "load.total")).transpose()?.unwrap_or(sum);
            Ok((total.max(sum), per_channel))
        }
        other => Ok((count(other, "load")?, HashMap::new())),
    }
}

/// `skills` is `["vpn", {"name": "sap", "level": 3}]` or `{"vpn": 1, "sap": 3}`.
pub(super) fn parse_skills(value: &Value) -> std::result::Result<HashMap<String, u32>, String> {
    let mut skills = HashMap::new();
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::String(name) => {
                        skills.insert(name.to_ascii_lowercase(), 1);
                    }
                    Value::Object(map) => {
                        let name = map.get("name").and_then(Value::as_str).ok_or("a skill object needs a \"name\"")?;
                        let level = map.get("level").map(|l| count(l, "skill level")).transpose()?.unwrap_or(1);
                        skills.insert(name.to_ascii_lowercase(), level);
                    }
                    other => return Err(format!("a skill must be a name or an object, got {other}")),
                }
            }
        }
        Value::Object(map) => {
            for (name, level) in map {
                skills.insert(name.to_ascii_lowercase(), count(level, "skill level")?);
            }
        }
        other => return Err(format!("skills must be a list or an object, got {other}")),
    }
    Ok(skills)
}
