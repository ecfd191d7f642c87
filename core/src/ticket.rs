//! The ticket as a helpdesk sends it: JSON in, JSON out, nothing dropped.

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::{Result, TriageError};

/// A support ticket. Unknown JSON keys are kept in `fields` so a round trip loses nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ticket {
    /// The helpdesk's id for the ticket (numbers are accepted and kept as text).
    pub id: String,
    /// Short description / e-mail subject.
    pub subject: String,
    /// Full description / e-mail body.
    pub body: String,
    /// Who asked (usually an e-mail address).
    pub requester: String,
    /// Where it came from: `email`, `chat`, `phone`, `web`, ...
    pub channel: String,
    /// When it was opened; drives business-hours checks. RFC 3339 in JSON.
    pub created_at: Option<jiff::Timestamp>,
    /// ITIL impact, 1 (high) to 3 (low).
    pub impact: Option<i64>,
    /// ITIL urgency, 1 (high) to 3 (low).
    pub urgency: Option<i64>,
    /// Tags already on the ticket.
    pub tags: Vec<String>,
    /// Custom fields, plus any top-level key this type does not know.
    pub fields: Map<String, Value>,
}

/// Rules and model read at most this many bytes of the subject and of the body. A pasted
/// 10 MB log must not cost a helpdesk 100 ms per ticket nor trip the rules' string limit; the
/// full text stays in the ticket for the host.
pub const MAX_TRIAGE_TEXT: usize = 64 * 1024;

/// The longest prefix of `text` within [`MAX_TRIAGE_TEXT`] bytes that ends on a char boundary.
fn capped(text: &str) -> &str {
    if text.len() <= MAX_TRIAGE_TEXT {
        return text;
    }
    let mut end = MAX_TRIAGE_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

const KNOWN_KEYS: [&str; 10] =
    ["id", "subject", "body", "requester", "channel", "created_at", "impact", "urgency", "tags", "fields"];

impl Ticket {
    /// Parses one ticket from JSON text, with a typed error naming the offending field.
    pub fn from_json(text: &str) -> Result<Ticket> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| TriageError::invalid_ticket("<ticket>", format!("not valid JSON: {e}")))?;
        Ticket::from_value(value)
    }

    /// Builds a ticket from an already parsed JSON value (what the bindings hand over).
    pub fn from_value(value: Value) -> Result<Ticket> {
        let Value::Object(mut map) = value else {
            return Err(TriageError::invalid_ticket("<ticket>", "expected a JSON object"));
        };
        let mut ticket = Ticket {
            id: take_id(&mut map)?,
            subject: take_text(&mut map, "subject")?,
            body: take_text(&mut map, "body")?,
            requester: take_text(&mut map, "requester")?,
            channel: take_text(&mut map, "channel")?,
            created_at: take_timestamp(&mut map)?,
            impact: take_level(&mut map, "impact")?,
            urgency: take_level(&mut map, "urgency")?,
            tags: take_tags(&mut map)?,
            fields: take_fields(&mut map)?,
        };
        // Whatever is left is a key we do not model: keep it rather than lose the helpdesk's data.
        for (key, value) in map {
            debug_assert!(!KNOWN_KEYS.contains(&key.as_str()));
            ticket.fields.entry(key).or_insert(value);
        }
        Ok(ticket)
    }

    /// The text the model reads: subject and body on separate lines, each cut to
    /// [`MAX_TRIAGE_TEXT`] bytes.
    pub fn text(&self) -> String {
        let (subject, body) = (capped(&self.subject), capped(&self.body));
        match (subject.is_empty(), body.is_empty()) {
            (false, false) => format!("{subject}\n{body}"),
            (false, true) => subject.to_string(),
            _ => body.to_string(),
        }
    }

    /// The read-only view the rule engine sees.
    pub(crate) fn rule_view(&self) -> triagekit_rules::TicketView<'_> {
        triagekit_rules::TicketView {
            id: &self.id,
            subject: capped(&self.subject),
            body: capped(&self.body),
            requester: &self.requester,
            channel: &self.channel,
            created_at: self.created_at,
            impact: self.impact,
            urgency: self.urgency,
            tags: &self.tags,
            fields: &self.fields,
        }
    }
}

fn take_id(map: &mut Map<String, Value>) -> Result<String> {
    match map.remove("id") {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(other) => Err(wrong_type("id", "a string or a number", &other)),
    }
}

fn take_text(map: &mut Map<String, Value>, key: &str) -> Result<String> {
    match map.remove(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(wrong_type(key, "a string", &other)),
    }
}

fn take_timestamp(map: &mut Map<String, Value>) -> Result<Option<jiff::Timestamp>> {
    match map.remove("created_at") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s.parse::<jiff::Timestamp>().map(Some).map_err(|e| {
            TriageError::invalid_ticket("created_at", format!("expected an RFC 3339 timestamp, got {s:?}: {e}"))
        }),
        Some(other) => Err(wrong_type("created_at", "an RFC 3339 string", &other)),
    }
}

/// ITIL levels arrive as 1..3, as digit strings, or as words; anything else is an error.
fn take_level(map: &mut Map<String, Value>, key: &str) -> Result<Option<i64>> {
    let level = match map.remove(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "" => return Ok(None),
            "1" | "high" => Some(1),
            "2" | "medium" => Some(2),
            "3" | "low" => Some(3),
            _ => None,
        },
        Some(other) => return Err(wrong_type(key, "1, 2 or 3 (or high/medium/low)", &other)),
    };
    match level {
        Some(l @ 1..=3) => Ok(Some(l)),
        _ => Err(TriageError::invalid_ticket(key, "expected 1, 2 or 3 (or high/medium/low)")),
    }
}

fn take_tags(map: &mut Map<String, Value>) -> Result<Vec<String>> {
    match map.remove("tags") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Ok(s),
                other => Err(wrong_type("tags", "an array of strings", &other)),
            })
            .collect(),
        // A single tag given as a string is a common shortcut in helpdesk exports.
        Some(Value::String(s)) => Ok(vec![s]),
        Some(other) => Err(wrong_type("tags", "an array of strings", &other)),
    }
}

fn take_fields(map: &mut Map<String, Value>) -> Result<Map<String, Value>> {
    match map.remove("fields") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(fields)) => Ok(fields),
        Some(other) => Err(wrong_type("fields", "an object", &other)),
    }
}

fn wrong_type(key: &str, expected: &str, found: &Value) -> TriageError {
    let kind = match found {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    TriageError::invalid_ticket(key, format!("expected {expected}, found {kind}"))
}

impl<'de> Deserialize<'de> for Ticket {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ticket::from_value(value).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Ticket {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("subject", &self.subject)?;
        map.serialize_entry("body", &self.body)?;
        map.serialize_entry("requester", &self.requester)?;
        map.serialize_entry("channel", &self.channel)?;
        if let Some(ts) = &self.created_at {
            map.serialize_entry("created_at", &ts.to_string())?;
        }
        if let Some(impact) = self.impact {
            map.serialize_entry("impact", &impact)?;
        }
        if let Some(urgency) = self.urgency {
            map.serialize_entry("urgency", &urgency)?;
        }
        map.serialize_entry("tags", &self.tags)?;
        map.serialize_entry("fields", &self.fields)?;
        map.end()
    }
}
