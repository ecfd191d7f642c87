//! Plain views that core fills, and the cheap shared objects rules see at run time.

use std::sync::{Arc, OnceLock};

use rhai::{Array, Dynamic, Engine, ImmutableString, Map, INT};

/// The ticket as rules see it; core fills it from its own ticket type.
#[derive(Clone, Debug, Default)]
pub struct TicketView {
    /// Ticket id.
    pub id: String,
    /// Subject line.
    pub subject: String,
    /// Body text.
    pub body: String,
    /// Requester (usually an e-mail address).
    pub requester: String,
    /// Channel the ticket came in on (email, chat, phone, web, ...).
    pub channel: String,
    /// Creation time, if known.
    pub created_at: Option<jiff::Timestamp>,
    /// Impact 1 (high) ..= 3 (low), if known.
    pub impact: Option<i64>,
    /// Urgency 1 (high) ..= 3 (low), if known.
    pub urgency: Option<i64>,
    /// Tags already on the ticket.
    pub tags: Vec<String>,
    /// Custom fields, as JSON.
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// The model's predictions as rules see them.
#[derive(Clone, Debug, Default)]
pub struct ModelView {
    /// Whether a model was loaded; when false `heads` is empty.
    pub loaded: bool,
    /// Model version string.
    pub version: String,
    /// Prediction heads; `heads[0]` is the primary one (normally "category").
    pub heads: Vec<HeadView>,
}

/// One prediction head of the model.
#[derive(Clone, Debug)]
pub struct HeadView {
    /// Head name, e.g. "category" or "priority".
    pub name: String,
    /// Best label.
    pub label: String,
    /// Calibrated confidence of `label`, 0.0..=1.0.
    pub confidence: f64,
    /// Top labels with scores, best first.
    pub top: Vec<(String, f64)>,
}

/// Run-time ticket object; an `Arc` so that passing it around scripts costs one increment.
#[derive(Clone)]
pub(crate) struct TicketObj(pub(crate) Arc<TicketData>);

pub(crate) struct TicketData {
    pub id: ImmutableString,
    pub subject: ImmutableString,
    pub body: ImmutableString,
    pub text: ImmutableString,
    pub requester: ImmutableString,
    pub channel: ImmutableString,
    pub created_at: Option<jiff::Timestamp>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    pub tags: Array,
    pub fields: FieldsObj,
    /// Lower-cased subject, body and text, computed on first use and shared by all rules.
    lower: [OnceLock<String>; 3],
}

impl TicketObj {
    pub(crate) fn new(t: &TicketView) -> Self {
        let mut text = String::with_capacity(t.subject.len() + t.body.len() + 1);
        text.push_str(&t.subject);
        if !t.subject.is_empty() && !t.body.is_empty() {
            text.push('\n');
        }
        text.push_str(&t.body);
        TicketObj(Arc::new(TicketData {
            id: t.id.as_str().into(),
            subject: t.subject.as_str().into(),
            body: t.body.as_str().into(),
            text: text.into(),
            requester: t.requester.as_str().into(),
            channel: t.channel.as_str().into(),
            created_at: t.created_at,
            impact: t.impact,
            urgency: t.urgency,
            tags: t.tags.iter().map(|s| Dynamic::from(ImmutableString::from(s.as_str()))).collect(),
            fields: FieldsObj(Arc::new(t.fields.clone())),
            lower: Default::default(),
        }))
    }

    /// The lower-cased form of `s` if `s` is the ticket's own subject, body or text.
    pub(crate) fn lower_of(&self, s: &ImmutableString) -> Option<&str> {
        let d = &*self.0;
        let (slot, src) = if s.ptr_eq(&d.text) {
            (&d.lower[0], &d.text)
        } else if s.ptr_eq(&d.subject) {
            (&d.lower[1], &d.subject)
        } else if s.ptr_eq(&d.body) {
            (&d.lower[2], &d.body)
        } else {
            return None;
        };
        Some(slot.get_or_init(|| lowercase(src)).as_str())
    }
}

impl TicketData {
    /// Lower-cased text (0), subject (1) or body (2), computed on first use.
    pub(crate) fn lower(&self, i: usize) -> &str {
        let src = match i {
            0 => &self.text,
            1 => &self.subject,
            _ => &self.body,
        };
        self.lower[i.min(2)].get_or_init(|| lowercase(src)).as_str()
    }
}

/// `str::to_lowercase`, with the common all-ASCII case done without Unicode tables.
fn lowercase(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// Custom fields; indexing converts one JSON value on demand instead of the whole map per ticket.
#[derive(Clone)]
pub(crate) struct FieldsObj(pub(crate) Arc<serde_json::Map<String, serde_json::Value>>);

/// Run-time model object.
#[derive(Clone)]
pub(crate) struct ModelObj(pub(crate) Arc<ModelData>);

pub(crate) struct ModelData {
    pub loaded: bool,
    version: ImmutableString,
    pub heads: Vec<HeadObj>,
}

/// Run-time head object.
#[derive(Clone)]
pub(crate) struct HeadObj(pub(crate) Arc<HeadData>);

pub(crate) struct HeadData {
    pub name: ImmutableString,
    pub label: ImmutableString,
    pub confidence: f64,
    top: Vec<(ImmutableString, f64)>,
}

impl ModelObj {
    pub(crate) fn new(m: &ModelView) -> Self {
        let heads = if m.loaded { m.heads.iter().map(HeadObj::new).collect() } else { Vec::new() };
        ModelObj(Arc::new(ModelData { loaded: m.loaded, version: m.version.as_str().into(), heads }))
    }

    fn primary(&self) -> Option<&HeadObj> {
        self.0.heads.first()
    }
}

impl HeadObj {
    fn new(h: &HeadView) -> Self {
        HeadObj(Arc::new(HeadData {
            name: h.name.as_str().into(),
            label: h.label.as_str().into(),
            confidence: h.confidence,
            top: h.top.iter().map(|(l, s)| (ImmutableString::from(l.as_str()), *s)).collect(),
        }))
    }

    fn empty(name: &str) -> Self {
        HeadObj(Arc::new(HeadData { name: name.into(), label: ImmutableString::new(), confidence: 0.0, top: Vec::new() }))
    }
}

fn top_n(top: &[(ImmutableString, f64)], n: INT) -> Array {
    let n = usize::try_from(n).unwrap_or(0).min(top.len());
    top[..n]
        .iter()
        .map(|(label, score)| {
            let mut m = Map::new();
            m.insert("label".into(), Dynamic::from(label.clone()));
            m.insert("score".into(), Dynamic::from_float(*score));
            Dynamic::from_map(m)
        })
        .collect()
}

fn opt_int(v: Option<i64>) -> Dynamic {
    v.map_or(Dynamic::UNIT, Dynamic::from_int)
}

/// Converts a JSON value into the matching Rhai value (`null` becomes `()`).
pub(crate) fn json_to_dynamic(v: &serde_json::Value) -> Dynamic {
    use serde_json::Value;
    match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from_int(i),
            None => Dynamic::from_float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Dynamic::from(ImmutableString::from(s.as_str())),
        Value::Array(a) => Dynamic::from_array(a.iter().map(json_to_dynamic).collect()),
        Value::Object(o) => {
            Dynamic::from_map(o.iter().map(|(k, v)| (k.as_str().into(), json_to_dynamic(v))).collect())
        }
    }
}

/// Registers the `Ticket`, `Fields`, `Model`, `Head` and `Timestamp` types with their getters.
pub(crate) fn register(engine: &mut Engine) {
    engine
        .register_type_with_name::<TicketObj>("Ticket")
        .register_get("id", |t: &mut TicketObj| t.0.id.clone())
        .register_get("subject", |t: &mut TicketObj| t.0.subject.clone())
        .register_get("body", |t: &mut TicketObj| t.0.body.clone())
        .register_get("text", |t: &mut TicketObj| t.0.text.clone())
        .register_get("requester", |t: &mut TicketObj| t.0.requester.clone())
        .register_get("channel", |t: &mut TicketObj| t.0.channel.clone())
        .register_get("impact", |t: &mut TicketObj| opt_int(t.0.impact))
        .register_get("urgency", |t: &mut TicketObj| opt_int(t.0.urgency))
        .register_get("created_at", |t: &mut TicketObj| t.0.created_at.map_or(Dynamic::UNIT, Dynamic::from))
        .register_get("tags", |t: &mut TicketObj| t.0.tags.clone())
        .register_get("fields", |t: &mut TicketObj| t.0.fields.clone())
        .register_fn("has_tag", |t: &mut TicketObj, tag: &str| {
            t.0.tags.iter().any(|d| d.read_lock::<ImmutableString>().is_some_and(|s| s.eq_ignore_ascii_case(tag)))
        });

    engine
        .register_type_with_name::<FieldsObj>("Fields")
        .register_indexer_get(|f: &mut FieldsObj, key: &str| f.0.get(key).map_or(Dynamic::UNIT, json_to_dynamic))
        .register_fn("contains", |f: &mut FieldsObj, key: &str| f.0.contains_key(key))
        .register_fn("keys", |f: &mut FieldsObj| -> Array {
            f.0.keys().map(|k| Dynamic::from(ImmutableString::from(k.as_str()))).collect()
        });

    engine
        .register_type_with_name::<ModelObj>("Model")
        .register_get("loaded", |m: &mut ModelObj| m.0.loaded)
        .register_get("version", |m: &mut ModelObj| m.0.version.clone())
        .register_get("category", |m: &mut ModelObj| m.primary().map_or_else(ImmutableString::new, |h| h.0.label.clone()))
        .register_get("confidence", |m: &mut ModelObj| m.primary().map_or(0.0, |h| h.0.confidence))
        .register_fn("top", |m: &mut ModelObj, n: INT| m.primary().map_or_else(Array::new, |h| top_n(&h.0.top, n)))
        .register_fn("head", |m: &mut ModelObj, name: &str| {
            m.0.heads.iter().find(|h| h.0.name == name).cloned().unwrap_or_else(|| HeadObj::empty(name))
        });

    engine
        .register_type_with_name::<HeadObj>("Head")
        .register_get("name", |h: &mut HeadObj| h.0.name.clone())
        .register_get("label", |h: &mut HeadObj| h.0.label.clone())
        .register_get("confidence", |h: &mut HeadObj| h.0.confidence)
        .register_fn("top", |h: &mut HeadObj, n: INT| top_n(&h.0.top, n));

    engine
        .register_type_with_name::<jiff::Timestamp>("Timestamp")
        .register_fn("to_string", |t: &mut jiff::Timestamp| t.to_string())
        .register_fn("to_debug", |t: &mut jiff::Timestamp| t.to_string());
}
