//! Rule sets in the native fast path's grammar, and tickets and model views to run them on,
//! decoded from bytes. Shared by the differential test (proptest supplies the bytes) and the
//! `rules_differential` fuzz target (libFuzzer does), so both explore the same space.
//!
//! Every choice reads from the bytes; past their end each choice is 0, the simplest option,
//! so shrinking the bytes shrinks the case.

use triagekit_rules::{HeadView, ModelView, RuleOptions, TicketView};

/// Reads bounded choices from bytes.
pub struct Choices<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Choices<'a> {
    /// Choices read from `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Choices { data, at: 0 }
    }

    fn byte(&mut self) -> usize {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        usize::from(b)
    }

    /// A number in `0..n` (0 when `n` is 0 or 1, or the bytes are used up).
    pub fn below(&mut self, n: usize) -> usize {
        match n {
            0 | 1 => 0,
            2..=256 => self.byte() % n,
            _ => ((self.byte() << 8) | self.byte()) % n,
        }
    }

    /// True about once in `n` choices (never once the bytes are used up).
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == n - 1
    }

    /// One of `items`, which must not be empty.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Words for literals and ticket text: case pairs whose lower-casing differs between
/// ASCII and Unicode, multi-byte characters, quotes and escapes, empty and blank strings.
const WORDS: &[&str] = &[
    "refund", "Refund", "REFUND", "password reset", "Password RESET", "charged twice", "straße", "STRASSE", "Straße",
    "İstanbul", "istanbul", "ǅ", "ǆ", "Ǆ", "é", "É", "école", "ÉCOLE", "k", "K", "\u{212A}", "σοφος", "ΣΟΦΟΣ", "ς",
    "ﬁ", "😀", "", " ", "a", "ab", "abc", "chat", "Chat", "email", "@example.com", "ceo@example.com", "ORD-12",
    "ord-7", "\"quoted\"", "back\\slash", "line\nbreak", "tab\t", "x", "vip", "urgent", "URGENT", "de",
];

const TEXT_FIELDS: &[&str] = &["text", "subject", "body", "requester", "channel", "id"];
const REGEXES: &[&str] = &[r"(?i)ord-\d+", "^Re", "é$", r"\bk\b", "(?i)straße", "[", "a|b", "", "(?i)ǅ", "^$", "."];
const ZONES: &[&str] = &["UTC", "Europe/Berlin", "Asia/Tokyo", "America/New_York", "Mars/Olympus"];
const DAYS: &[&str] = &["Mon-Fri", "Sat,Sun", "Mon", "Fri-Mon", "Mon-Funday", "mon-fri"];
const TIMES: &[&str] = &["08:00", "18:00", "22:00", "06:00", "00:00", "24:00", "9:00", "25:00", "12:30"];
const FLOATS: &[&str] = &["0.0", "0.5", "0.6", "0.9", "1.0", "0.25", "1"];
const OPS: &[&str] = &["==", "!=", "<", "<=", ">", ">="];
const HEADS: &[&str] = &["category", "priority", "nohead"];
const ACTIONS: &[&str] = &[
    "set_category", "set_group", "set_agent", "set_priority", "set_strategy", "add_tag", "require_skill",
    "prefer_skill", "needs_review",
];
const SPECIAL_VALUES: &[&str] = &[
    "P1", "p3", " P2 ", "P9", "round-robin", "manual", " manual ", "Manual", "skills-based", "least-loaded", "billing",
];
/// Statements that keep a body off the native path.
const SLOW_ACTIONS: &[&str] = &[
    "add_tags([\"a\", \"b\"]);", "print(\"p\");", "stop();", "throw \"boom\";", "let v = 1;", "debug(ticket.channel);",
    "if ticket.subject.len() > 3 { add_tag(\"long\"); }",
];
/// Conditions that stay in the interpreter.
const SLOW_CONDS: &[&str] = &[
    "ticket.subject.len() > 3", "ticket.tags.contains(\"vip\")", "\"refund\" in ticket.text", "ticket.impact == 1",
    "ticket.fields[\"lang\"] == 1", "model.category == \"billing\"", "ticket.missing_field",
];
const TIMESTAMPS: &[&str] = &[
    "2025-11-18T10:15:00Z", "2025-11-22T23:30:00Z", "2025-11-17T06:59:59Z", "2025-11-18T03:00:00Z",
    "2025-11-21T17:00:00Z", "2025-11-18T12:00:00Z",
];

/// A Rhai string literal holding `s`.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A word, sometimes repeated past the 256-byte limit on action values.
fn word(c: &mut Choices) -> String {
    let w = c.pick(WORDS);
    if c.one_in(12) {
        let w = if w.is_empty() { "é" } else { w };
        return w.repeat(257 / w.len() + c.below(3));
    }
    w.to_owned()
}

fn list(c: &mut Choices) -> String {
    let n = c.below(5);
    let words: Vec<String> = (0..n).map(|_| lit(&word(c))).collect();
    format!("[{}]", words.join(", "))
}

/// A condition of depth at most `depth`; `consts` are the constants of the file.
fn cond(c: &mut Choices, depth: usize, consts: &[String]) -> String {
    let field = c.pick(TEXT_FIELDS);
    match c.below(if depth > 0 { 15 } else { 12 }) {
        0 => format!("contains_any(ticket.{field}, {})", list(c)),
        1 => format!("contains_all(ticket.{field}, {})", list(c)),
        2 => format!("matches(ticket.{field}, {})", lit(c.pick(REGEXES))),
        3 if !consts.is_empty() => format!("ticket.{field} in {}", consts[c.below(consts.len())]),
        3 | 4 => {
            let (op, w) = (c.pick(&["==", "!="]), lit(&word(c)));
            if c.one_in(3) {
                format!("{w} {op} ticket.{field}")
            } else {
                format!("ticket.{field} {op} {w}")
            }
        }
        5 => format!("ticket.fields[{}] {} {}", lit(c.pick(&["lang", "n", "none"])), c.pick(&["==", "!="]), lit(&word(c))),
        6 => "model.loaded".to_owned(),
        7 | 8 => {
            let lhs = if c.below(2) == 0 { "model.confidence".to_owned() } else { format!("model.head({}).confidence", lit(c.pick(HEADS))) };
            let (op, f) = (c.pick(OPS), c.pick(FLOATS));
            if c.one_in(3) {
                format!("{f} {op} {lhs}")
            } else {
                format!("{lhs} {op} {f}")
            }
        }
        9 => {
            let days = if c.below(2) == 0 { String::new() } else { format!("{}, ", lit(c.pick(DAYS))) };
            format!(
                "within_hours(ticket.created_at, {}, {days}{}, {})",
                lit(c.pick(ZONES)),
                lit(c.pick(TIMES)),
                lit(c.pick(TIMES))
            )
        }
        10 | 11 => c.pick(SLOW_CONDS).to_owned(),
        12 => format!("({} && {})", cond(c, depth - 1, consts), cond(c, depth - 1, consts)),
        13 => format!("({} || {})", cond(c, depth - 1, consts), cond(c, depth - 1, consts)),
        _ => format!("!{}", cond(c, depth - 1, consts)),
    }
}

/// The argument of a one-argument action.
fn arg(c: &mut Choices) -> String {
    match c.below(8) {
        0 => "model.category".to_owned(),
        1 => format!("model.head({}).label", lit(c.pick(HEADS))),
        2 | 3 => lit(c.pick(SPECIAL_VALUES)),
        _ => lit(&word(c)),
    }
}

/// One action; `loops` bounds the iterations of a generated loop.
fn action(c: &mut Choices, loops: usize) -> String {
    match c.below(15) {
        0 => "needs_review();".to_owned(),
        1 => c.pick(SLOW_ACTIONS).to_owned(),
        // Loops of any length: the operations they take reach any budget.
        2 => format!("let n = 0; while n < {} {{ n += 1; }}", c.below(loops)),
        _ => format!("{}({});", c.pick(ACTIONS), arg(c)),
    }
}

fn body(c: &mut Choices, loops: usize) -> String {
    if c.one_in(10) {
        // Around the limit of 64 actions per rule.
        let n = 60 + c.below(10);
        return (0..n).map(|i| format!("add_tag(\"t{i}\");")).collect::<Vec<_>>().join(" ");
    }
    let n = c.below(5);
    (0..n).map(|_| action(c, loops)).collect::<Vec<_>>().join("\n    ")
}

/// A rule file: rules, top-level constant lists, and sometimes other top-level code. Loops
/// run up to about the operation budget of `options`, so some end just under it, some over.
pub fn rule_set(c: &mut Choices, options: &RuleOptions) -> String {
    let loops = match options.max_operations_per_rule {
        0 => 100,
        b => usize::try_from(b / 3).unwrap_or(100).clamp(2, 1000),
    };
    let mut src = String::new();
    let mut consts = Vec::new();
    if c.one_in(20) {
        // A script function with an action's name: that action is never native.
        src.push_str("fn add_tag(t) { set_group(t) }\n");
    }
    let rules = 1 + c.below(8);
    for i in 0..rules {
        // Sometimes many constants: they take top-level operations between rules.
        let n = if c.one_in(12) { 5 + c.below(30) } else { usize::from(c.one_in(4)) };
        for _ in 0..n {
            let name = format!("C{}", consts.len());
            src.push_str(&format!("const {name} = {};\n", list(c)));
            consts.push(name);
        }
        if c.one_in(16) {
            // Other top-level code turns the native driver off.
            src.push_str("let unused = 1 + 2;\n");
        }
        let name = if c.one_in(4) { format!("Règle {i} ü") } else { format!("r{i}") };
        let stop = if c.one_in(4) { " stop" } else { "" };
        let mut visible = consts.clone();
        if c.one_in(10) {
            // A constant used before it is declared, or never declared: an error either way.
            visible.push(format!("C{}", consts.len()));
        }
        let when = if c.below(5) == 0 { String::new() } else { format!(" when {}", cond(c, 3, &visible)) };
        src.push_str(&format!("rule {}{stop}{when} {{\n    {}\n}}\n", lit(&name), body(c, loops)));
    }
    src
}

/// Options for a rule set: mostly the defaults, sometimes small operation budgets.
pub fn options(c: &mut Choices) -> RuleOptions {
    let budget = match c.below(3) {
        0 => c.pick(&[0, 20, 40, 80, 150, 300, 600, 2000]),
        _ => RuleOptions::default().max_operations_per_rule,
    };
    RuleOptions { max_operations_per_rule: budget, ..RuleOptions::default() }
}

/// Ticket text: words in mixed case, sometimes long.
fn text(c: &mut Choices) -> String {
    let n = c.below(6);
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push_str(c.pick(&[" ", ", ", "", "\n"]));
        }
        let w = word(c);
        match c.below(4) {
            0 => out.push_str(&w.to_uppercase()),
            1 => out.push_str(&w.to_lowercase()),
            _ => out.push_str(&w),
        }
    }
    if c.one_in(10) {
        let base = if out.is_empty() { "ab é " } else { out.as_str() };
        out = base.repeat(1 + 4096 / base.len());
    }
    out
}

fn json_value(c: &mut Choices) -> Option<serde_json::Value> {
    Some(match c.below(5) {
        0 => return None,
        1 => serde_json::Value::Null,
        2 => serde_json::json!(1),
        3 => serde_json::json!("1"),
        _ => serde_json::Value::String(word(c)),
    })
}

/// A generated ticket's data; [`OwnedTicket::view`] is what rules see.
#[derive(Debug)]
pub struct OwnedTicket {
    id: String,
    subject: String,
    body: String,
    requester: String,
    channel: String,
    created_at: Option<jiff::Timestamp>,
    impact: Option<i64>,
    urgency: Option<i64>,
    tags: Vec<String>,
    fields: serde_json::Map<String, serde_json::Value>,
}

impl OwnedTicket {
    /// The borrowed view of this ticket.
    pub fn view(&self) -> TicketView<'_> {
        TicketView {
            id: &self.id,
            subject: &self.subject,
            body: &self.body,
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

/// A ticket with any field empty, missing or odd.
pub fn ticket(c: &mut Choices) -> OwnedTicket {
    let mut fields = serde_json::Map::new();
    for key in ["lang", "n", "other"] {
        if let Some(v) = json_value(c) {
            fields.insert(key.into(), v);
        }
    }
    let tags: Vec<String> = (0..c.below(3)).map(|_| c.pick(&["vip", "Berlin", "", "é"]).to_owned()).collect();
    let level = |c: &mut Choices| match c.below(4) {
        0 => None,
        n => Some(n as i64),
    };
    OwnedTicket {
        id: c.pick(&["T-1", "", "İD-ß", "ord-7"]).into(),
        subject: text(c),
        body: text(c),
        requester: c.pick(&["", "ceo@example.com", "Straße@example.com", "a@EXAMPLE.com", "k"]).into(),
        channel: c.pick(&["email", "chat", "Chat", "", "phone", "ΣΟΦΟΣ"]).into(),
        created_at: if c.below(3) == 0 { None } else { c.pick(TIMESTAMPS).parse().ok() },
        impact: level(c),
        urgency: level(c),
        tags,
        fields,
    }
}

/// No model, or a model with labels that are valid, empty, odd or over-long.
pub fn model(c: &mut Choices) -> ModelView {
    if c.below(4) == 0 {
        return ModelView::default();
    }
    let heads = match c.below(4) {
        0 => vec![],
        1 => vec![head(c, "category")],
        _ => vec![head(c, "category"), head(c, "priority")],
    };
    ModelView { loaded: true, version: "m".into(), heads }
}

fn head(c: &mut Choices, name: &str) -> HeadView {
    const LABELS: &[&str] = &["billing", "", " ", "P2", "p9", "network", "é", "manual"];
    let label = if c.one_in(8) { "l".repeat(257 + c.below(4)) } else { c.pick(LABELS).to_owned() };
    let confidence = c.pick(&[0.0, 0.25, 0.5, 0.6, 0.9, 1.0, 0.55]);
    HeadView { name: name.into(), label: label.into(), confidence, top: vec![] }
}
