//! Native fast paths for the most common rule shapes.
//!
//! At load each thread inspects its own compiled AST and, for every rule whose condition or
//! body uses only well-known, side-effect-free forms with literal arguments, builds a native
//! equivalent: conditions such as `contains_any(ticket.text, ["a", "b"])`,
//! `matches(ticket.body, "re")`, `ticket.channel == "chat"`, `ticket.fields["k"] == "v"`,
//! `model.confidence > 0.6`, `within_hours(ticket.created_at, "Zone", "Mon-Fri", "08:00", "18:00")`
//! combined with `&&`, `||`, `!`; bodies made only of actions with literal, valid arguments.
//! Anything else (or anything that could fail or behave differently) runs in Rhai as before,
//! so results, traces and errors are identical; the fast path only skips the interpreter.
//!
//! Fast paths are off when the script could make a form mean something else: a script
//! function with the same name as a helper/action, or a variable named `ticket` or `model`;
//! a rule is not lowered when the interpreter could run out of its operation budget on it;
//! and `RuleOptions::native = false` turns them all off.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use regex::Regex;
use rhai::{ASTFlags, ASTNode, EvalAltResult, Expr, ImmutableString, Position, Stmt, AST};

use crate::actions::{self, ActFn, CheckFn};
use crate::dsl::KEYWORD;
use crate::helpers::Hay;
use crate::hours::WorkingHours;
use crate::state::{EvalState, RegexMap};
use crate::view::{ModelData, TicketData};
use crate::{RuleInfo, RuleOptions};

/// Operations the interpreter may count per AST node of a rule it runs without loops or
/// script calls (each node is evaluated at most once; property reads count twice), with
/// room to spare: a rule lowered natively can never reach the operation limit in Rhai.
const OPS_PER_NODE: u64 = 4;
/// Operations counted around a rule besides its nodes.
const OPS_PER_RULE: u64 = 16;

/// Native plans for the rules of one rule set, in evaluation order.
#[derive(Default)]
pub(crate) struct Plan {
    pub rules: Vec<RulePlan>,
    /// Every lower-cased literal word of the plan's `contains_*` tests, found in one pass per field.
    pub needles: NeedleSet,
    /// How to run the top-level statements without the interpreter walking them, when they
    /// are only rules and literal constants; `None` runs the whole script in Rhai.
    pub driver: Option<Vec<Drive>>,
    /// The rule set's options: strictness and the limits named in errors.
    pub options: RuleOptions,
}

/// One top-level statement for the native driver.
#[derive(Clone, Copy)]
pub(crate) enum Drive {
    /// Rule with this index, fully native (it may still defer to Rhai at run time).
    Native(usize),
    /// Top-level statement with this index, run in Rhai.
    Rhai(usize),
}

pub(crate) struct RulePlan {
    /// Rule name, checked against the running rule before the plan is used.
    pub name: ImmutableString,
    /// The rule has the `stop` flag.
    pub stop: bool,
    /// Index of the rule's top-level statement.
    pub stmt: usize,
    pub cond: Cond,
    /// Native body, or `None` to run the body in Rhai.
    pub body: Option<Vec<Action>>,
}

pub(crate) enum Cond {
    /// No `when`: the rule always matches.
    Always,
    /// Evaluate the condition in Rhai.
    Slow,
    Fast(Test),
}

/// One action whose argument is a literal or a model string.
pub(crate) struct Action {
    pub f: ActFn,
    pub check: CheckFn,
    pub arg: Arg,
    /// Position of the call, which the interpreter puts in the action's error.
    pub pos: Position,
}

/// An action argument that can be read without running any code.
pub(crate) enum Arg {
    Lit(ImmutableString),
    /// `model.category`
    Category,
    /// `model.head("name").label`
    HeadLabel(ImmutableString),
}

impl Arg {
    fn get<'a>(&'a self, m: &'a ModelData) -> &'a str {
        match self {
            Arg::Lit(s) => s,
            Arg::Category => m.head_views().first().map_or("", |h| h.label.as_str()),
            Arg::HeadLabel(name) => m.head_views().iter().find(|h| h.name == name.as_str()).map_or("", |h| h.label.as_str()),
        }
    }
}

/// A ticket string field.
#[derive(Clone, Copy)]
pub(crate) enum Field {
    Id,
    Subject,
    Body,
    Text,
    Requester,
    Channel,
}

impl Field {
    fn parse(name: &str) -> Option<Field> {
        Some(match name {
            "id" => Field::Id,
            "subject" => Field::Subject,
            "body" => Field::Body,
            "text" => Field::Text,
            "requester" => Field::Requester,
            "channel" => Field::Channel,
            _ => return None,
        })
    }

    fn get(self, t: &TicketData) -> &str {
        match self {
            Field::Id => t.raw_id(),
            Field::Subject => t.raw_subject(),
            Field::Body => t.raw_body(),
            Field::Text => t.text(),
            Field::Requester => t.raw_requester(),
            Field::Channel => t.raw_channel(),
        }
    }

}

/// Words of a literal `contains_*` list.
pub(crate) struct Words {
    /// As written (for text that is not lower-cased per ticket).
    words: Vec<ImmutableString>,
    /// Ids in the plan's [`NeedleSet`] of the lower-cased non-empty words.
    ids: Vec<u32>,
}

impl Words {
    fn new(words: Vec<ImmutableString>, needles: &mut NeedleSet) -> Words {
        let ids = words.iter().filter(|w| !w.is_empty()).map(|w| needles.add(&w.to_lowercase())).collect();
        Words { words, ids }
    }

    fn any(&self, field: Field, t: &TicketData, cx: &mut Scan) -> bool {
        if let Some(hits) = cx.hits(field, t) {
            return self.ids.iter().any(|&id| hit(hits, id));
        }
        let hay = Hay::of(field.get(t));
        self.words.iter().any(|w| hay.contains(w))
    }

    fn all(&self, field: Field, t: &TicketData, cx: &mut Scan) -> bool {
        if let Some(hits) = cx.hits(field, t) {
            return !self.ids.is_empty() && self.ids.iter().all(|&id| hit(hits, id));
        }
        let hay = Hay::of(field.get(t));
        let mut any = false;
        for w in self.words.iter().filter(|w| !w.is_empty()) {
            if !hay.contains(w) {
                return false;
            }
            any = true;
        }
        any
    }
}

fn hit(bits: &[u64], id: u32) -> bool {
    bits.get(id as usize / 64).is_some_and(|w| w & (1 << (id % 64)) != 0)
}

/// Distinct lower-cased words, searched all at once. Each word is keyed by its first
/// `min(len, 3)` bytes; one pass over the text hashes every 3-byte window (and, only if some
/// word has two bytes, every 2-byte window) into a bit set, so only windows that really start
/// a word, or rare hash collisions, are compared. A word is found exactly when
/// `text.contains(word)` (a byte-wise substring test).
#[derive(Default)]
pub(crate) struct NeedleSet {
    needles: Vec<Box<[u8]>>,
    /// `(byte, word id)` of one-byte words.
    singles: Vec<(u8, u32)>,
    /// Words of two bytes, and words of three or more bytes.
    windows: [Window; 2],
}

#[derive(Default)]
struct Window {
    /// Bit `hash(key)` set for every word key of this length; empty when no word has one.
    bits: Vec<u64>,
    /// `(key, word id)`, sorted.
    keys: Vec<(u32, u32)>,
}

const WINDOW_BITS: u32 = 12;

fn window_hash(key: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> (32 - WINDOW_BITS)) as usize
}

/// Little-endian key of up to four bytes.
fn window_key(bytes: &[u8]) -> u32 {
    bytes.iter().rev().fold(0, |k, &b| (k << 8) | u32::from(b))
}

impl NeedleSet {
    fn add(&mut self, word: &str) -> u32 {
        let w = word.as_bytes();
        if let Some(i) = self.needles.iter().position(|n| **n == *w) {
            return i as u32;
        }
        let id = self.needles.len() as u32;
        self.needles.push(w.into());
        match w.len() {
            0 => {}
            1 => self.singles.push((w[0], id)),
            n => {
                let len = n.min(3);
                let win = &mut self.windows[len - 2];
                if win.bits.is_empty() {
                    win.bits = vec![0; 1 << (WINDOW_BITS - 6)];
                }
                let key = window_key(&w[..len]);
                let h = window_hash(key);
                win.bits[h / 64] |= 1 << (h % 64);
                let at = win.keys.partition_point(|k| *k < (key, id));
                win.keys.insert(at, (key, id));
            }
        }
        id
    }

    fn words(&self) -> usize {
        self.needles.len().div_ceil(64)
    }

    /// Sets in `out` the bit of every word found in `hay`.
    fn scan(&self, hay: &[u8], out: &mut [u64]) {
        out.fill(0);
        for &(b, id) in &self.singles {
            if hay.contains(&b) {
                out[id as usize / 64] |= 1 << (id % 64);
            }
        }
        let [two, three] = &self.windows;
        if !two.bits.is_empty() && hay.len() >= 2 {
            // Rolling key of hay[at..at + 2].
            let mut key = u32::from(hay[0]) << 8;
            for (at, &b) in hay[1..].iter().enumerate() {
                key = (key >> 8) | (u32::from(b) << 8);
                self.check(hay, at, key, two, out);
            }
        }
        if !three.bits.is_empty() && hay.len() >= 3 {
            // Rolling key of hay[at..at + 3].
            let mut key = (u32::from(hay[0]) << 8) | (u32::from(hay[1]) << 16);
            for (at, &b) in hay[2..].iter().enumerate() {
                key = (key >> 8) | (u32::from(b) << 16);
                self.check(hay, at, key, three, out);
            }
        }
    }

    #[inline(always)]
    fn check(&self, hay: &[u8], at: usize, key: u32, win: &Window, out: &mut [u64]) {
        let h = window_hash(key);
        if win.bits[h / 64] & (1 << (h % 64)) == 0 {
            return;
        }
        self.verify(hay, at, key, win, out);
    }

    #[inline(never)]
    fn verify(&self, hay: &[u8], at: usize, key: u32, win: &Window, out: &mut [u64]) {
        let from = win.keys.partition_point(|k| k.0 < key);
        for &(k, id) in &win.keys[from..] {
            if k != key {
                break;
            }
            if hay[at..].starts_with(&self.needles[id as usize]) {
                out[id as usize / 64] |= 1 << (id % 64);
            }
        }
    }
}

/// Per-ticket results of [`NeedleSet::scan`] for the lower-cased text, subject and body.
#[derive(Default)]
pub(crate) struct ScanCache {
    bits: [Vec<u64>; 3],
    done: [bool; 3],
}

impl ScanCache {
    /// Forgets the previous ticket's results.
    pub(crate) fn reset(&mut self) {
        self.done = [false; 3];
    }
}

/// What a test needs besides the ticket and model: the needle set and this ticket's scans.
pub(crate) struct Scan<'a> {
    pub needles: &'a NeedleSet,
    pub cache: &'a mut ScanCache,
}

impl Scan<'_> {
    /// Found-word bits of the field's lower-cased text, or `None` when the field is not one
    /// of the ticket's lower-cased fields.
    fn hits(&mut self, field: Field, t: &TicketData) -> Option<&[u64]> {
        let i = match field {
            Field::Text => 0,
            Field::Subject => 1,
            Field::Body => 2,
            _ => return None,
        };
        if !self.cache.done[i] {
            let bits = &mut self.cache.bits[i];
            bits.resize(self.needles.words(), 0);
            self.needles.scan(t.lower(i).as_bytes(), bits);
            self.cache.done[i] = true;
        }
        Some(&self.cache.bits[i])
    }
}

#[derive(Clone, Copy)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn parse(op: &str) -> Option<CmpOp> {
        Some(match op {
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            _ => return None,
        })
    }

    /// The same comparison with the operands swapped (`0.5 < x` is `x > 0.5`).
    fn swap(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            o => o,
        }
    }

    fn apply(self, a: f64, b: f64) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
}

/// A condition evaluated natively; it can never fail.
pub(crate) enum Test {
    And(Vec<Test>),
    Or(Vec<Test>),
    Not(Box<Test>),
    ContainsAny(Field, Words),
    ContainsAll(Field, Words),
    Matches(Field, Regex),
    /// `ticket.<field> in CONST` where `CONST` is a top-level constant array of strings.
    InList(Field, Vec<ImmutableString>),
    /// `ticket.<field> == "lit"` (or `!=` when `ne`).
    StrEq { field: Field, lit: ImmutableString, ne: bool },
    /// `ticket.fields["key"] == "lit"`: only a JSON string can equal a string in Rhai.
    FieldEq { key: ImmutableString, lit: ImmutableString, ne: bool },
    ModelLoaded,
    /// `model.confidence` (head `None`) or `model.head("name").confidence` compared with a float.
    Confidence { head: Option<ImmutableString>, op: CmpOp, rhs: f64 },
    WithinHours(WorkingHours),
}

impl Test {
    pub(crate) fn eval(&self, t: &TicketData, m: &ModelData, cx: &mut Scan) -> bool {
        match self {
            Test::And(v) => v.iter().all(|x| x.eval(t, m, cx)),
            Test::Or(v) => v.iter().any(|x| x.eval(t, m, cx)),
            Test::Not(x) => !x.eval(t, m, cx),
            Test::ContainsAny(f, w) => w.any(*f, t, cx),
            Test::ContainsAll(f, w) => w.all(*f, t, cx),
            Test::Matches(f, re) => re.is_match(f.get(t)),
            Test::InList(f, list) => {
                let v = f.get(t);
                list.iter().any(|x| x.as_str() == v)
            }
            Test::StrEq { field, lit, ne } => (field.get(t) == lit.as_str()) != *ne,
            Test::FieldEq { key, lit, ne } => {
                let eq = matches!(t.field(key.as_str()), Some(serde_json::Value::String(s)) if s == lit.as_str());
                eq != *ne
            }
            Test::ModelLoaded => m.loaded,
            Test::Confidence { head, op, rhs } => {
                let c = match head {
                    None => m.head_views().first().map_or(0.0, |h| h.confidence),
                    Some(name) => m.head_views().iter().find(|h| h.name == name.as_str()).map_or(0.0, |h| h.confidence),
                };
                op.apply(c, *rhs)
            }
            Test::WithinHours(hours) => hours.contains(t.created_at.unwrap_or(t.now)),
        }
    }
}

/// What may be compiled natively for this rule set.
struct Ctx<'a> {
    /// Script function names: a call to one of these is never a helper or action.
    script_fns: HashSet<String>,
    /// `ticket`/`model` are the scope constants (no variable of that name anywhere).
    views: bool,
    regexes: &'a RegexMap,
    /// Top-level constant string arrays declared once: name -> (statement index, words).
    consts: HashMap<ImmutableString, (usize, Vec<ImmutableString>)>,
    /// Index of the top-level statement being compiled.
    at: usize,
    needles: RefCell<NeedleSet>,
}

/// Builds the plan from this thread's compiled `ast`; `rules` is the rule list of the set.
pub(crate) fn build(ast: &AST, rules: &[RuleInfo], options: &RuleOptions, regexes: &RegexMap) -> Plan {
    if !options.native {
        return Plan::default();
    }
    let budget = options.max_operations_per_rule;
    let tops: HashMap<*const Stmt, usize> = ast.statements().iter().enumerate().map(|(i, s)| (s as *const Stmt, i)).collect();
    let mut nodes = vec![0u64; tops.len()];
    let mut declared: HashMap<ImmutableString, usize> = HashMap::new();
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Stmt(Stmt::Var(x, ..))) = path.last() {
            *declared.entry(x.0.name.clone()).or_default() += 1;
        }
        if let Some(ASTNode::Stmt(top)) = path.first() {
            if let Some(&i) = tops.get(&(*top as *const Stmt)) {
                nodes[i] += 1;
            }
        }
        true
    });
    let views = !declared.contains_key("ticket") && !declared.contains_key("model");
    let mut consts = HashMap::new();
    for (i, stmt) in ast.statements().iter().enumerate() {
        if let Stmt::Var(x, flags, _) = stmt {
            let (ident, value, _) = &**x;
            if flags.contains(ASTFlags::CONSTANT) && declared.get(&ident.name) == Some(&1) {
                if let Some(words) = string_array(value) {
                    consts.insert(ident.name.clone(), (i, words));
                }
            }
        }
    }
    let mut cx = Ctx {
        script_fns: ast.iter_functions().map(|f| f.name.to_owned()).collect(),
        views,
        regexes,
        consts,
        at: 0,
        needles: RefCell::default(),
    };

    let mut plan = Plan::default();
    let mut driver = Some(Vec::new());
    for (i, stmt) in ast.statements().iter().enumerate() {
        cx.at = i;
        let custom = match stmt {
            Stmt::Expr(e) => match &**e {
                Expr::Custom(c, _) if c.tokens.first().is_some_and(|t| t == KEYWORD) => Some(c),
                _ => None,
            },
            _ => None,
        };
        let Some(c) = custom else {
            match stmt {
                Stmt::Noop(_) => {}
                Stmt::Var(x, flags, _) if flags.contains(ASTFlags::CONSTANT) && is_literal(&x.1) => {
                    if let Some(d) = &mut driver {
                        d.push(Drive::Rhai(i));
                    }
                }
                _ => driver = None,
            }
            continue;
        };
        let name = match c.inputs.first() {
            Some(Expr::StringConstant(s, _)) => s.clone(),
            _ => ImmutableString::new(),
        };
        let has_when = c.tokens.iter().any(|t| t == "when");
        let fits = budget == 0 || nodes[i].saturating_mul(OPS_PER_NODE).saturating_add(OPS_PER_RULE) <= budget;
        let cond = match (has_when, &c.inputs[..]) {
            _ if !fits => Cond::Slow,
            (false, [_, _]) => Cond::Always,
            (true, [_, cond, _]) => cx.test(cond).map_or(Cond::Slow, Cond::Fast),
            _ => Cond::Slow,
        };
        let body = if fits { c.inputs.last().and_then(|b| cx.body(b)) } else { None };
        // Rhai counts the condition's operations towards the body's budget; a body run by Rhai
        // (it may loop) must therefore see them, so under a budget its condition is not native.
        let cond = if body.is_none() && budget != 0 && matches!(cond, Cond::Fast(_)) { Cond::Slow } else { cond };
        let stop = c.tokens.get(2).is_some_and(|t| t == "stop");
        if let Some(d) = &mut driver {
            d.push(if !matches!(cond, Cond::Slow) && body.is_some() { Drive::Native(plan.rules.len()) } else { Drive::Rhai(i) });
        }
        plan.rules.push(RulePlan { name, stop, stmt: i, cond, body });
    }
    // The plan is positional: if it does not line up with the rule list, use none of it.
    if plan.rules.len() != rules.len() || plan.rules.iter().zip(rules).any(|(p, r)| p.name.as_str() != r.name) {
        return Plan::default();
    }
    plan.needles = cx.needles.into_inner();
    plan.driver = driver;
    plan.options = options.clone();
    plan
}

/// A value the interpreter computes without calling anything.
fn is_literal(e: &Expr) -> bool {
    match e {
        Expr::StringConstant(..)
        | Expr::IntegerConstant(..)
        | Expr::FloatConstant(..)
        | Expr::BoolConstant(..)
        | Expr::CharConstant(..)
        | Expr::Unit(..)
        | Expr::DynamicConstant(..) => true,
        Expr::Array(items, _) => items.iter().all(is_literal),
        _ => false,
    }
}

/// The strings of a literal array of string literals.
fn string_array(e: &Expr) -> Option<Vec<ImmutableString>> {
    match e {
        Expr::Array(items, _) => items
            .iter()
            .map(|x| match x {
                Expr::StringConstant(s, _) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        Expr::DynamicConstant(d, _) => {
            let a = d.read_lock::<rhai::Array>()?;
            a.iter().map(|x| x.read_lock::<ImmutableString>().map(|s| s.clone())).collect()
        }
        _ => None,
    }
}

impl Ctx<'_> {
    /// `name(args)` as a plain call of a native function (not a script function, no namespace).
    fn call<'e>(&self, e: &'e Expr) -> Option<(&'e str, &'e [Expr])> {
        match e {
            Expr::FnCall(f, _) if f.namespace.is_empty() && !f.capture_parent_scope && !self.script_fns.contains(f.name.as_str()) => {
                Some((f.name.as_str(), &f.args[..]))
            }
            _ => None,
        }
    }

    /// The property read by `<var>.<prop>` when `var` is the scope constant `var`.
    fn view_prop<'e>(&self, e: &'e Expr, var: &str) -> Option<&'e Expr> {
        match e {
            Expr::Dot(b, ..) if self.views && is_var(&b.lhs, var) => Some(&b.rhs),
            _ => None,
        }
    }

    fn ticket_field(&self, e: &Expr) -> Option<Field> {
        match self.view_prop(e, "ticket")? {
            Expr::Property(p, _) => Field::parse(p.2.as_str()),
            _ => None,
        }
    }

    /// `ticket.fields["key"]` with a literal key.
    fn fields_key(&self, e: &Expr) -> Option<ImmutableString> {
        match self.view_prop(e, "ticket")? {
            Expr::Index(b, ..) => match (&b.lhs, &b.rhs) {
                (Expr::Property(p, _), Expr::StringConstant(k, _)) if p.2 == "fields" => Some(k.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// `model.confidence` -> `Some(None)`, `model.head("x").confidence` -> `Some(Some("x"))`.
    #[allow(clippy::option_option)]
    fn confidence(&self, e: &Expr) -> Option<Option<ImmutableString>> {
        match self.view_prop(e, "model")? {
            Expr::Property(p, _) if p.2 == "confidence" => Some(None),
            Expr::Dot(b, ..) => match (&b.lhs, &b.rhs) {
                (Expr::MethodCall(f, _), Expr::Property(p, _))
                    if p.2 == "confidence"
                        && f.name == "head"
                        && f.namespace.is_empty()
                        && !self.script_fns.contains("head") =>
                {
                    match &f.args[..] {
                        [Expr::StringConstant(h, _)] => Some(Some(h.clone())),
                        _ => None,
                    }
                }
                _ => None,
            },
            _ => None,
        }
    }

    fn test(&self, e: &Expr) -> Option<Test> {
        match e {
            Expr::And(v, _) => return v.iter().map(|x| self.test(x)).collect::<Option<_>>().map(Test::And),
            Expr::Or(v, _) => return v.iter().map(|x| self.test(x)).collect::<Option<_>>().map(Test::Or),
            _ => {}
        }
        if let Some(Expr::Property(p, _)) = self.view_prop(e, "model") {
            if p.2 == "loaded" {
                return Some(Test::ModelLoaded);
            }
        }
        let (name, args) = self.call(e)?;
        let is_op = matches!(e, Expr::FnCall(f, _) if f.op_token.is_some());
        match (name, args) {
            ("!", [x]) if is_op => Some(Test::Not(Box::new(self.test(x)?))),
            ("contains_any" | "contains_all", [text, words]) => {
                let field = self.ticket_field(text)?;
                let words = Words::new(string_array(words)?, &mut self.needles.borrow_mut());
                Some(if name == "contains_any" { Test::ContainsAny(field, words) } else { Test::ContainsAll(field, words) })
            }
            ("contains", [Expr::Variable(v, ..), value]) if v.2.is_empty() => {
                // `value in CONST`, for a constant declared before this rule.
                let field = self.ticket_field(value)?;
                let (at, words) = self.consts.get(&v.1)?;
                (*at < self.at).then(|| Test::InList(field, words.clone()))
            }
            ("matches", [text, Expr::StringConstant(p, _)]) => {
                let field = self.ticket_field(text)?;
                match self.regexes.get(p.as_str())? {
                    Ok(re) => Some(Test::Matches(field, re.clone())),
                    Err(_) => None,
                }
            }
            ("within_hours", [ts, rest @ ..]) if (3..=4).contains(&rest.len()) => {
                match self.view_prop(ts, "ticket")? {
                    Expr::Property(p, _) if p.2 == "created_at" => {}
                    _ => return None,
                }
                let lits = rest
                    .iter()
                    .map(|x| match x {
                        Expr::StringConstant(s, _) => Some(s.as_str()),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                let (zone, days, start, end) = match lits[..] {
                    [z, s, e] => (z, None, s, e),
                    [z, d, s, e] => (z, Some(d), s, e),
                    _ => return None,
                };
                WorkingHours::parse(zone, days, start, end).ok().map(Test::WithinHours)
            }
            (op, [a, b]) if is_op => {
                let op = CmpOp::parse(op)?;
                self.compare(op, a, b).or_else(|| self.compare(op.swap(), b, a))
            }
            _ => None,
        }
    }

    /// `<view value> op <literal>`.
    fn compare(&self, op: CmpOp, a: &Expr, b: &Expr) -> Option<Test> {
        match b {
            Expr::StringConstant(lit, _) => {
                let ne = match op {
                    CmpOp::Eq => false,
                    CmpOp::Ne => true,
                    _ => return None,
                };
                if let Some(field) = self.ticket_field(a) {
                    return Some(Test::StrEq { field, lit: lit.clone(), ne });
                }
                let key = self.fields_key(a)?;
                Some(Test::FieldEq { key, lit: lit.clone(), ne })
            }
            Expr::FloatConstant(f, _) => {
                let head = self.confidence(a)?;
                Some(Test::Confidence { head, op, rhs: **f })
            }
            _ => None,
        }
    }

    /// A body made only of actions whose arguments are literals or model strings.
    fn body(&self, block: &Expr) -> Option<Vec<Action>> {
        let Expr::Stmt(block) = block else { return None };
        let mut out = Vec::new();
        for stmt in block.statements() {
            let (f, pos) = match stmt {
                Stmt::FnCall(f, pos) => (&**f, *pos),
                Stmt::Expr(e) => match &**e {
                    Expr::FnCall(f, pos) => (&**f, *pos),
                    _ => return None,
                },
                Stmt::Noop(_) => continue,
                _ => return None,
            };
            if !f.namespace.is_empty() || f.capture_parent_scope || self.script_fns.contains(f.name.as_str()) {
                return None;
            }
            let (act, check) = actions::native(f.name.as_str())?;
            let arg = match &f.args[..] {
                [Expr::StringConstant(s, _)] if check(s) => Arg::Lit(s.clone()),
                [e] => self.model_string(e)?,
                [] if f.name == "needs_review" => Arg::Lit(ImmutableString::new()),
                _ => return None,
            };
            out.push(Action { f: act, check, arg, pos });
        }
        Some(out)
    }

    /// `model.category` or `model.head("x").label`.
    fn model_string(&self, e: &Expr) -> Option<Arg> {
        match self.view_prop(e, "model")? {
            Expr::Property(p, _) if p.2 == "category" => Some(Arg::Category),
            Expr::Dot(b, ..) => match (&b.lhs, &b.rhs) {
                (Expr::MethodCall(f, _), Expr::Property(p, _))
                    if p.2 == "label" && f.name == "head" && f.namespace.is_empty() && !self.script_fns.contains("head") =>
                {
                    match &f.args[..] {
                        [Expr::StringConstant(h, _)] => Some(Arg::HeadLabel(h.clone())),
                        _ => None,
                    }
                }
                _ => None,
            },
            _ => None,
        }
    }
}

fn is_var(e: &Expr, name: &str) -> bool {
    matches!(e, Expr::Variable(v, ..) if v.1 == name && v.2.is_empty())
}

/// Whether a native body can run: its model-string arguments are valid for their actions.
/// When not, the rule runs in Rhai, which reports the error.
pub(crate) fn body_ok(s: &EvalState, body: &[Action]) -> bool {
    if body.iter().all(|a| matches!(a.arg, Arg::Lit(_))) {
        return true;
    }
    let Some(model) = &s.model else { return false };
    body.iter().all(|a| (a.check)(a.arg.get(&model.0)))
}

/// Runs a native body whose [`body_ok`] is true. The first failing action ends it with the
/// error the interpreter would raise (at the call's position): earlier actions stay, later
/// ones do not run.
pub(crate) fn run_body(s: &mut EvalState, body: &[Action]) -> Result<(), Box<EvalAltResult>> {
    let model = s.model.clone();
    for a in body {
        let arg = match (&a.arg, &model) {
            (Arg::Lit(v), _) => v.as_str(),
            (arg, Some(m)) => arg.get(&m.0),
            (_, None) => "",
        };
        if let Err(mut e) = (a.f)(s, arg) {
            if e.position().is_none() {
                e.set_position(a.pos);
            }
            return Err(e);
        }
    }
    Ok(())
}

impl crate::RuleSet {
    /// How many rules run fully natively (condition and body) on this thread, so tests can
    /// check that they exercise the fast path.
    #[doc(hidden)]
    pub fn native_rules(&self) -> usize {
        let count = |r: &mut crate::sandbox::Runner| {
            r.plan.rules.iter().filter(|p| !matches!(p.cond, Cond::Slow) && p.body.is_some()).count()
        };
        crate::sandbox::with_engine(&self.inner, count).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HeadView, ModelView, RuleSet, TicketView};

    /// A fixed clock: no test reads the machine's.
    const NOW: jiff::Timestamp = jiff::Timestamp::constant(1_763_467_200, 0);

    /// Fast paths off: the same rules run fully in Rhai.
    fn slow_options() -> RuleOptions {
        RuleOptions { native: false, ..RuleOptions::default() }
    }

    fn plan_of(rules: &RuleSet) -> std::sync::Arc<Plan> {
        crate::sandbox::with_engine(&rules.inner, |r| r.plan.clone()).unwrap()
    }

    const RULES: &str = r#"
const VIP = ["ceo@example.com", "Straße@example.com"];
rule "any text" when contains_any(ticket.text, ["password reset", "Straße", "İstanbul", "ΣΟΦΟΣ", "k", "", "x"]) { add_tag("a"); }
rule "any subject" when contains_any(ticket.subject, ["urgent", "ÉCOLE", "ǅ"]) { add_tag("b"); }
rule "any body" when contains_any(ticket.body, ["refund", "charged twice", "declined", "card was declined"]) { add_tag("c"); }
rule "all body" when contains_all(ticket.body, ["card", "DECLINED", ""]) { add_tag("d"); }
rule "all empty" when contains_all(ticket.text, [""]) { add_tag("e"); }
rule "any empty" when contains_any(ticket.text, []) { add_tag("f"); }
rule "requester" when contains_any(ticket.requester, ["EXAMPLE.org", "straße", "\u212A"]) { add_tag("g"); }
rule "channel all" when contains_all(ticket.channel, ["Chat", "at"]) { add_tag("h"); }
rule "end of text" when contains_any(ticket.text, ["thanks"]) || contains_any(ticket.text, ["z"]) { add_tag("i"); }
rule "vip" when ticket.requester in VIP { add_tag("vip"); }
rule "eq" when ticket.channel == "chat" && "email" != ticket.channel { add_tag("j"); }
rule "field" when ticket.fields["lang"] == "de" || ticket.fields["n"] != "1" { add_tag("k"); }
rule "model" when model.loaded && model.confidence > 0.6 && !(0.9 <= model.head("priority").confidence) { set_category(model.category); }
rule "head label" when model.head("priority").confidence >= 0.5 { set_priority(model.head("priority").label); }
rule "regex" when matches(ticket.body, "(?i)ord-\\d+") { add_tag("order"); }
rule "hours" when !within_hours(ticket.created_at, "Europe/Berlin", "Mon-Fri", "08:00", "18:00") { add_tag("after-hours"); needs_review(); }
rule "wrap" when within_hours(ticket.created_at, "Asia/Tokyo", "22:00", "06:00") { needs_review("night"); }
rule "stop" stop when contains_any(ticket.subject, ["STOP now"]) { set_group("x"); }
rule "last" { set_strategy("manual"); add_tag("last"); }
"#;

    fn tickets() -> Vec<TicketView> {
        let texts = [
            ("Password RESET please", "My card was DECLINED, refund?", "a@example.org", "chat"),
            ("Urgent: école", "Ich wohne in der STRASSE, straße, Straße", "Straße@example.com", "email"),
            ("İSTANBUL office", "ΣΟΦΟΣ σοφος. KELVIN \u{212A} sign", "ceo@example.com", "Chat"),
            ("ǆ ǅ Ǆ", "", "", ""),
            ("", "order ORD-123456; thanks", "x@EXAMPLE.ORG", "phone"),
            ("STOP now", "charged twice, declined card", "kelvin@\u{212A}.com", "chat"),
            ("z", "k", "k", "web"),
        ];
        let mut out = Vec::new();
        for (i, (subject, body, requester, channel)) in texts.iter().enumerate() {
            let mut fields = serde_json::Map::new();
            match i % 3 {
                0 => {
                    fields.insert("lang".into(), "de".into());
                    fields.insert("n".into(), 1.into());
                }
                1 => {
                    fields.insert("n".into(), "1".into());
                }
                _ => {
                    fields.insert("lang".into(), serde_json::Value::Null);
                }
            }
            let created = ["2026-11-18T10:15:00Z", "2026-11-21T10:15:00Z", "2026-11-18T19:30:00Z", "2026-11-18T14:00:00Z"];
            out.push(TicketView {
                id: format!("T-{i}"),
                subject: (*subject).into(),
                body: (*body).into(),
                requester: (*requester).into(),
                channel: (*channel).into(),
                created_at: created[i % created.len()].parse().ok(),
                fields,
                ..TicketView::default()
            });
        }
        out
    }

    fn models() -> Vec<ModelView> {
        let head = |name: &str, label: &str, c: f64| HeadView { name: name.into(), label: label.into(), confidence: c, top: vec![] };
        vec![
            ModelView::default(),
            ModelView { loaded: true, version: "v".into(), heads: vec![head("category", "billing", 0.8), head("priority", "P2", 0.5)] },
            // Empty labels: the native body must defer to Rhai, which reports the error.
            ModelView { loaded: true, version: "v".into(), heads: vec![head("category", "", 0.7), head("priority", "urgent", 0.95)] },
        ]
    }

    #[test]
    fn fast_paths_cover_the_rules() {
        let rules = RuleSet::compile(RULES, "fast.rhai", RuleOptions::default()).unwrap();
        let plan = plan_of(&rules);
        assert_eq!(plan.rules.len(), rules.rules().len());
        let slow: Vec<_> = plan.rules.iter().filter(|r| matches!(r.cond, Cond::Slow)).map(|r| r.name.to_string()).collect();
        assert!(slow.is_empty(), "conditions not compiled natively: {slow:?}");
        assert!(plan.rules.iter().all(|r| r.body.is_some()));
        assert!(plan_of(&RuleSet::compile(RULES, "slow.rhai", slow_options()).unwrap()).rules.is_empty());

        let bench = RuleSet::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/rules/bench30.rhai"), RuleOptions::default()).unwrap();
        let plan = plan_of(&bench);
        let fast = plan.rules.iter().filter(|r| !matches!(r.cond, Cond::Slow)).count();
        assert_eq!(fast, 30, "every bench30 condition is native");
        assert!(plan.driver.is_some(), "bench30 runs on the native driver");
    }

    #[test]
    fn native_driver_matches_rhai_for_stops_errors_and_strict_mode() {
        let src = r#"
const LIMIT = 0.5;
rule "a" { add_tag("a"); }
rule "boom" when contains_any(ticket.text, ["boom"]) { throw "boom"; }
rule "b" when model.confidence > 0.4 { set_category(model.category); }
rule "halt" stop when contains_any(ticket.subject, ["halt"]) { add_tag("halt"); }
rule "c" when model.confidence > LIMIT { add_tag("c"); print("c ran"); }
"#;
        let top = format!("{src}\nlet later = 1 + 2;\nrule \"d\" {{ add_tag(\"d\"); }}");
        let no_driver = RuleSet::compile(&top, "t.rhai", RuleOptions::default()).unwrap();
        assert!(plan_of(&no_driver).driver.is_none(), "top-level code other than literal constants");
        for strict in [false, true] {
            let opts = RuleOptions { strict, ..RuleOptions::default() };
            let fast = RuleSet::compile(src, "d.rhai", opts.clone()).unwrap();
            assert!(plan_of(&fast).driver.is_some());
            let slow = RuleSet::compile(src, "d.rhai", RuleOptions { strict, ..slow_options() }).unwrap();
            for subject in ["boom", "halt", "halt boom", "calm"] {
                let t = TicketView { subject: subject.into(), ..TicketView::default() };
                for m in models() {
                    let a = fast.evaluate_at(&t, &m, NOW).map_err(|e| e.to_string());
                    let b = slow.evaluate_at(&t, &m, NOW).map_err(|e| e.to_string());
                    assert_eq!(a, b, "strict {strict} subject {subject} model {m:?}");
                }
            }
        }
    }

    #[test]
    fn fast_paths_give_the_same_outcome_as_rhai() {
        let fast = RuleSet::compile(RULES, "r.rhai", RuleOptions::default()).unwrap();
        let slow = RuleSet::compile(RULES, "r.rhai", slow_options()).unwrap();
        let mut matched = 0;
        for t in tickets() {
            for m in models() {
                let a = fast.evaluate_at(&t, &m, NOW).unwrap();
                let b = slow.evaluate_at(&t, &m, NOW).unwrap();
                assert_eq!(a, b, "ticket {t:?} model {m:?}");
                matched += a.trace.iter().filter(|r| r.matched).count();
            }
        }
        assert!(matched > 40, "tickets exercise the rules ({matched} matches)");
    }

    #[test]
    fn contains_words_match_unicode_lowercase_like_the_slow_path() {
        let fast = RuleSet::compile(RULES, "r.rhai", RuleOptions::default()).unwrap();
        let tags = |subject: &str, body: &str| {
            let t = TicketView { subject: subject.into(), body: body.into(), ..TicketView::default() };
            fast.evaluate_at(&t, &ModelView::default(), NOW).unwrap().tags
        };
        assert!(tags("", "STRASSE").iter().all(|t| t != "a"), "ß does not case-fold to ss");
        assert!(tags("", "STRAßE").contains(&"a".into()));
        assert!(tags("", "İstanbul").contains(&"a".into()));
        assert!(tags("ÉCOLE", "").contains(&"b".into()));
        assert!(tags("Ǆ", "").contains(&"b".into()), "ǅ lower-cases to ǆ like Ǆ");
        assert!(tags("", "Card was Declined").contains(&"d".into()));
        assert!(!tags("", "nothing").contains(&"e".into()), "only empty words never match");
    }

    #[test]
    fn needle_set_finds_exactly_the_substrings() {
        let words = ["ab", "b", "abc", "bc", "c", "cab", "é", "éa", "ß", "aa", "abcd", "abcde", "abce", "bcab", "xxca", "aaa"];
        let mut set = NeedleSet::default();
        let ids: Vec<u32> = words.iter().map(|w| set.add(w)).collect();
        assert_eq!(set.add("abc"), ids[2], "duplicates share an id");
        for hay in ["", "a", "ab", "abc", "cab", "xxcabxx", "éa", "aé", "ßaa", "bcab", "aaa", "abcd", "xabcdex", "abcabce", "bcabcd"] {
            let mut bits = vec![0; set.words()];
            set.scan(hay.as_bytes(), &mut bits);
            for (w, id) in words.iter().zip(&ids) {
                assert_eq!(hit(&bits, *id), hay.contains(w), "{w:?} in {hay:?}");
            }
        }
    }

    #[test]
    fn shadowing_or_overriding_disables_fast_paths() {
        let shadow = "let ticket = #{text: \"refund\"};\nrule \"r\" when contains_any(ticket.text, [\"refund\"]) { add_tag(\"x\"); }";
        let rules = RuleSet::compile(shadow, "s.rhai", RuleOptions::default()).unwrap();
        assert!(plan_of(&rules).rules.iter().all(|r| matches!(r.cond, Cond::Slow)));
        let out = rules.evaluate_at(&TicketView::default(), &ModelView::default(), NOW).unwrap();
        assert_eq!(out.tags, ["x"]);

        let own = "fn contains_any(t, w) { true }\nfn add_tag(t) { set_group(t) }\nrule \"r\" when contains_any(ticket.text, [\"refund\"]) { add_tag(\"x\"); }";
        let rules = RuleSet::compile(own, "o.rhai", RuleOptions::default()).unwrap();
        let plan = plan_of(&rules);
        assert!(matches!(plan.rules[0].cond, Cond::Slow) && plan.rules[0].body.is_none());
        let out = rules.evaluate_at(&TicketView::default(), &ModelView::default(), NOW).unwrap();
        assert_eq!(out.group.as_deref(), Some("x"));

        // A constant used before it is declared is an error, not a fast-path match.
        let early = "rule \"r\" when ticket.requester in VIP { add_tag(\"x\"); }\nconst VIP = [\"\"];";
        let rules = RuleSet::compile(early, "e.rhai", RuleOptions::default()).unwrap();
        let out = rules.evaluate_at(&TicketView::default(), &ModelView::default(), NOW).unwrap();
        assert!(out.trace[0].error.is_some());
    }
}
