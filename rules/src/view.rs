//! Plain views that core fills, and the cheap shared objects rules see at run time.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use compact_str::CompactString;
use rhai::{Array, Dynamic, Engine, ImmutableString, Map, INT};

/// The ticket as rules see it: borrowed from the caller's own ticket type, so a triage copies
/// nothing up front (rules convert a field into a Rhai value only when they read it).
#[derive(Clone, Copy, Debug)]
pub struct TicketView<'a> {
    /// Ticket id.
    pub id: &'a str,
    /// Subject line.
    pub subject: &'a str,
    /// Body text.
    pub body: &'a str,
    /// Requester (usually an e-mail address).
    pub requester: &'a str,
    /// Channel the ticket came in on (email, chat, phone, web, ...).
    pub channel: &'a str,
    /// Creation time, if known.
    pub created_at: Option<jiff::Timestamp>,
    /// Impact 1 (high) ..= 3 (low), if known.
    pub impact: Option<i64>,
    /// Urgency 1 (high) ..= 3 (low), if known.
    pub urgency: Option<i64>,
    /// Tags already on the ticket.
    pub tags: &'a [String],
    /// Custom fields, as JSON.
    pub fields: &'a serde_json::Map<String, serde_json::Value>,
}

impl Default for TicketView<'_> {
    fn default() -> Self {
        static NO_FIELDS: OnceLock<serde_json::Map<String, serde_json::Value>> = OnceLock::new();
        TicketView {
            id: "",
            subject: "",
            body: "",
            requester: "",
            channel: "",
            created_at: None,
            impact: None,
            urgency: None,
            tags: &[],
            fields: NO_FIELDS.get_or_init(serde_json::Map::new),
        }
    }
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
    pub name: CompactString,
    /// Best label.
    pub label: CompactString,
    /// Calibrated confidence of `label`, 0.0..=1.0.
    pub confidence: f64,
    /// Top labels with scores, best first.
    pub top: Vec<(CompactString, f64)>,
}

/// A borrowed view that can be read only while the `evaluate` call that made it runs.
///
/// `evaluate` borrows its `TicketView`/`ModelView` for the whole run, so rules can read them
/// in place instead of copying every field into Rhai values up front. Each run gets a
/// process-unique epoch, marked live on its thread from `begin` until `finish` (or unwinding);
/// a `Scoped` dereferences its pointer only while its own epoch is the live one on the
/// current thread, i.e. only while the borrow it was made from is still held.
pub(crate) struct Scoped<T> {
    ptr: *const T,
    epoch: u64,
}

// SAFETY: the pointer is only dereferenced on the thread that runs the creating `evaluate`,
// while that call holds the shared borrow (see `get`); `T: Sync` makes shared reads sound.
unsafe impl<T: Sync> Send for Scoped<T> {}
unsafe impl<T: Sync> Sync for Scoped<T> {}

static NEXT_EPOCH: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static LIVE_EPOCH: Cell<u64> = const { Cell::new(0) };
}

/// Marks a new run live on this thread until dropped.
pub(crate) struct LiveRun {
    epoch: u64,
    prev: u64,
}

impl LiveRun {
    pub(crate) fn start() -> LiveRun {
        let epoch = NEXT_EPOCH.fetch_add(1, Ordering::Relaxed);
        let prev = LIVE_EPOCH.with(|l| l.replace(epoch));
        LiveRun { epoch, prev }
    }

    pub(crate) fn scoped<T>(&self, r: &T) -> Scoped<T> {
        Scoped { ptr: r, epoch: self.epoch }
    }

    /// A ticket view readable while this run is live. Its borrow outlives the run (the run
    /// is made and dropped inside the `evaluate` call that borrows the view), so the pointer
    /// may name it with a `'static` lifetime: [`TicketData::view`] shortens it again on read.
    pub(crate) fn scoped_ticket(&self, t: &TicketView<'_>) -> Scoped<TicketView<'static>> {
        Scoped { ptr: (t as *const TicketView<'_>).cast::<TicketView<'static>>(), epoch: self.epoch }
    }
}

impl Drop for LiveRun {
    fn drop(&mut self) {
        LIVE_EPOCH.with(|l| l.set(self.prev));
    }
}

impl<T> Scoped<T> {
    /// The view, if the run that made it is still live on this thread.
    pub(crate) fn get(&self) -> Option<&T> {
        if LIVE_EPOCH.with(Cell::get) == self.epoch {
            // SAFETY: the epoch is live only inside the `evaluate` call that borrowed `*ptr`
            // (`LiveRun` lives on its stack and is dropped before the borrow ends), on this
            // thread; epochs are never reused.
            Some(unsafe { &*self.ptr })
        } else {
            None
        }
    }
}

/// Run-time ticket object; an `Arc` so that passing it around scripts costs one increment.
#[derive(Clone)]
pub(crate) struct TicketObj(pub(crate) Arc<TicketData>);

/// The ticket of the running evaluation: fields are read from the caller's `TicketView` and
/// turned into Rhai values only when a rule asks for them (once per ticket).
pub(crate) struct TicketData {
    view: Scoped<TicketView<'static>>,
    pub created_at: Option<jiff::Timestamp>,
    /// The moment this evaluation runs at (the caller's clock), for tickets without `created_at`.
    pub now: jiff::Timestamp,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    id: OnceLock<ImmutableString>,
    subject: OnceLock<ImmutableString>,
    body: OnceLock<ImmutableString>,
    text: OnceLock<ImmutableString>,
    requester: OnceLock<ImmutableString>,
    channel: OnceLock<ImmutableString>,
    tags: OnceLock<Array>,
    fields: OnceLock<FieldsObj>,
    /// Lower-cased text, subject and body, computed on first use and shared by all rules.
    lower: [OnceLock<String>; 3],
}

fn istr(cell: &OnceLock<ImmutableString>, f: impl FnOnce() -> ImmutableString) -> &ImmutableString {
    cell.get_or_init(f)
}

impl TicketObj {
    pub(crate) fn new(t: &TicketView<'_>, run: &LiveRun, now: jiff::Timestamp) -> Self {
        TicketObj(Arc::new(TicketData {
            view: run.scoped_ticket(t),
            created_at: t.created_at,
            now,
            impact: t.impact,
            urgency: t.urgency,
            id: OnceLock::new(),
            subject: OnceLock::new(),
            body: OnceLock::new(),
            text: OnceLock::new(),
            requester: OnceLock::new(),
            channel: OnceLock::new(),
            tags: OnceLock::new(),
            fields: OnceLock::new(),
            lower: Default::default(),
        }))
    }

    /// The lower-cased form of `s` if `s` is the ticket's own subject, body or text.
    pub(crate) fn lower_of(&self, s: &ImmutableString) -> Option<&str> {
        let d = &*self.0;
        let i = if d.text.get().is_some_and(|t| s.ptr_eq(t)) {
            0
        } else if d.subject.get().is_some_and(|t| s.ptr_eq(t)) {
            1
        } else if d.body.get().is_some_and(|t| s.ptr_eq(t)) {
            2
        } else {
            return None;
        };
        Some(d.lower(i))
    }
}

impl TicketData {
    /// The caller's view, with its borrow no longer than `self`; `None` once the run is over.
    fn view(&self) -> Option<&TicketView<'_>> {
        self.view.get()
    }

    fn view_str<'s>(&'s self, f: impl FnOnce(&TicketView<'s>) -> &'s str) -> &'s str {
        self.view().map_or("", f)
    }

    pub(crate) fn id(&self) -> &ImmutableString {
        istr(&self.id, || self.view_str(|v| v.id).into())
    }
    pub(crate) fn subject(&self) -> &ImmutableString {
        istr(&self.subject, || self.view_str(|v| v.subject).into())
    }
    pub(crate) fn body(&self) -> &ImmutableString {
        istr(&self.body, || self.view_str(|v| v.body).into())
    }
    pub(crate) fn requester(&self) -> &ImmutableString {
        istr(&self.requester, || self.view_str(|v| v.requester).into())
    }
    pub(crate) fn channel(&self) -> &ImmutableString {
        istr(&self.channel, || self.view_str(|v| v.channel).into())
    }
    /// Subject and body joined by a newline (just one of them if the other is empty).
    pub(crate) fn text(&self) -> &ImmutableString {
        istr(&self.text, || {
            let Some(t) = self.view() else { return ImmutableString::new() };
            let mut text = String::with_capacity(t.subject.len() + t.body.len() + 1);
            text.push_str(t.subject);
            if !t.subject.is_empty() && !t.body.is_empty() {
                text.push('\n');
            }
            text.push_str(t.body);
            text.into()
        })
    }
    fn tags(&self) -> &Array {
        self.tags.get_or_init(|| {
            self.view().map_or_else(Array::new, |t| {
                t.tags.iter().map(|s| Dynamic::from(ImmutableString::from(s.as_str()))).collect()
            })
        })
    }
    fn fields(&self) -> &FieldsObj {
        self.fields.get_or_init(|| FieldsObj(Arc::new(self.view().map(|t| t.fields.clone()).unwrap_or_default())))
    }

    /// Raw string fields, read in place.
    pub(crate) fn raw_subject(&self) -> &str {
        self.view_str(|v| v.subject)
    }
    pub(crate) fn raw_body(&self) -> &str {
        self.view_str(|v| v.body)
    }
    pub(crate) fn raw_id(&self) -> &str {
        self.view_str(|v| v.id)
    }
    pub(crate) fn raw_requester(&self) -> &str {
        self.view_str(|v| v.requester)
    }
    pub(crate) fn raw_channel(&self) -> &str {
        self.view_str(|v| v.channel)
    }

    /// A custom field, read in place.
    pub(crate) fn field(&self, key: &str) -> Option<&serde_json::Value> {
        self.view()?.fields.get(key)
    }

    /// Lower-cased text (0), subject (1) or body (2), computed on first use.
    pub(crate) fn lower(&self, i: usize) -> &str {
        let i = i.min(2);
        self.lower[i]
            .get_or_init(|| match i {
                0 => lowercase(self.text()),
                1 => lowercase(self.raw_subject()),
                _ => lowercase(self.raw_body()),
            })
            .as_str()
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

/// Run-time model object; like the ticket, read in place and converted on demand.
#[derive(Clone)]
pub(crate) struct ModelObj(pub(crate) Arc<ModelData>);

pub(crate) struct ModelData {
    view: Scoped<ModelView>,
    pub loaded: bool,
    version: OnceLock<ImmutableString>,
    heads: OnceLock<Vec<HeadObj>>,
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
    pub(crate) fn new(m: &ModelView, run: &LiveRun) -> Self {
        ModelObj(Arc::new(ModelData { view: run.scoped(m), loaded: m.loaded, version: OnceLock::new(), heads: OnceLock::new() }))
    }

    fn heads(&self) -> &[HeadObj] {
        self.0.heads.get_or_init(|| self.0.head_views().iter().map(HeadObj::new).collect())
    }

    fn primary(&self) -> Option<&HeadObj> {
        self.heads().first()
    }

    fn version(&self) -> &ImmutableString {
        self.0.version.get_or_init(|| self.0.view.get().map_or("", |m| m.version.as_str()).into())
    }
}

impl ModelData {
    /// The heads, read in place; none when no model is loaded.
    pub(crate) fn head_views(&self) -> &[HeadView] {
        match self.view.get() {
            Some(m) if self.loaded => &m.heads,
            _ => &[],
        }
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
        .register_get("id", |t: &mut TicketObj| t.0.id().clone())
        .register_get("subject", |t: &mut TicketObj| t.0.subject().clone())
        .register_get("body", |t: &mut TicketObj| t.0.body().clone())
        .register_get("text", |t: &mut TicketObj| t.0.text().clone())
        .register_get("requester", |t: &mut TicketObj| t.0.requester().clone())
        .register_get("channel", |t: &mut TicketObj| t.0.channel().clone())
        .register_get("impact", |t: &mut TicketObj| opt_int(t.0.impact))
        .register_get("urgency", |t: &mut TicketObj| opt_int(t.0.urgency))
        .register_get("created_at", |t: &mut TicketObj| t.0.created_at.map_or(Dynamic::UNIT, Dynamic::from))
        .register_get("tags", |t: &mut TicketObj| t.0.tags().clone())
        .register_get("fields", |t: &mut TicketObj| t.0.fields().clone())
        .register_fn("has_tag", |t: &mut TicketObj, tag: &str| {
            t.0.tags().iter().any(|d| d.read_lock::<ImmutableString>().is_some_and(|s| s.eq_ignore_ascii_case(tag)))
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
        .register_get("version", |m: &mut ModelObj| m.version().clone())
        .register_get("category", |m: &mut ModelObj| m.primary().map_or_else(ImmutableString::new, |h| h.0.label.clone()))
        .register_get("confidence", |m: &mut ModelObj| m.primary().map_or(0.0, |h| h.0.confidence))
        .register_fn("top", |m: &mut ModelObj, n: INT| m.primary().map_or_else(Array::new, |h| top_n(&h.0.top, n)))
        .register_fn("head", |m: &mut ModelObj, name: &str| {
            m.heads().iter().find(|h| h.0.name == name).cloned().unwrap_or_else(|| HeadObj::empty(name))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_views_are_readable_only_while_their_run_is_live() {
        let ticket = TicketView { subject: "Hello", ..TicketView::default() };
        let outer = LiveRun::start();
        let t = TicketObj::new(&ticket, &outer, jiff::Timestamp::UNIX_EPOCH);
        assert_eq!(t.0.subject().as_str(), "Hello");
        {
            let inner = LiveRun::start();
            let other = TicketObj::new(&ticket, &inner, jiff::Timestamp::UNIX_EPOCH);
            assert_eq!(other.0.raw_subject(), "Hello");
            assert_eq!(t.0.raw_subject(), "", "only the innermost run is live");
        }
        assert_eq!(t.0.raw_body(), "");
        assert_eq!(t.0.raw_subject(), "Hello", "the outer run is live again");
        let stale = t.clone();
        drop(outer);
        assert_eq!(stale.0.raw_subject(), "", "never read after the run ends");
        assert_eq!(stale.0.subject().as_str(), "Hello", "values built during the run stay valid");
        std::thread::spawn(move || assert!(stale.0.view.get().is_none())).join().unwrap();
    }
}
