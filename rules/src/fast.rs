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
//! function with the same name as a helper/action, a variable named `ticket` or `model`, or
//! an operation budget so small that skipping the interpreter's operation count would show.

use std::collections::HashSet;

use regex::Regex;
use rhai::{ASTNode, Expr, ImmutableString, Stmt, AST};

use crate::actions::{self, ActFn};
use crate::dsl::KEYWORD;
use crate::helpers::{self, Hay};
use crate::state::{EvalState, RegexMap};
use crate::view::{ModelData, TicketData};
use crate::{RuleInfo, RuleOptions};

/// Below this operation budget per rule, the interpreter's own operation count matters.
const MIN_BUDGET_FOR_FAST_PATHS: u64 = 1000;

/// Native plans for the rules of one rule set, in evaluation order.
#[derive(Default)]
pub(crate) struct Plan {
    pub rules: Vec<RulePlan>,
}

pub(crate) struct RulePlan {
    /// Rule name, checked against the running rule before the plan is used.
    pub name: ImmutableString,
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

/// One action with a literal argument that is known to be valid.
pub(crate) struct Action {
    pub f: ActFn,
    pub arg: ImmutableString,
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

    fn get(self, t: &TicketData) -> &ImmutableString {
        match self {
            Field::Id => &t.id,
            Field::Subject => &t.subject,
            Field::Body => &t.body,
            Field::Text => &t.text,
            Field::Requester => &t.requester,
            Field::Channel => &t.channel,
        }
    }

    /// The field lower-cased once per ticket (subject, body and text only, as `contains_*` does).
    fn lower(self, t: &TicketData) -> Option<&str> {
        match self {
            Field::Text => Some(t.lower(0)),
            Field::Subject => Some(t.lower(1)),
            Field::Body => Some(t.lower(2)),
            _ => None,
        }
    }
}

/// Words of a literal `contains_*` list.
pub(crate) struct Words {
    /// As written (for text that is not lower-cased per ticket).
    words: Vec<ImmutableString>,
    /// Lower-cased, empty words dropped (for the ticket's lower-cased subject/body/text).
    lowered: Vec<String>,
}

impl Words {
    fn new(words: Vec<ImmutableString>) -> Words {
        let lowered = words.iter().filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).collect();
        Words { words, lowered }
    }

    fn any(&self, field: Field, t: &TicketData) -> bool {
        if let Some(lower) = field.lower(t) {
            return self.lowered.iter().any(|w| lower.contains(w.as_str()));
        }
        let hay = Hay::of(field.get(t));
        self.words.iter().any(|w| hay.contains(w))
    }

    fn all(&self, field: Field, t: &TicketData) -> bool {
        if let Some(lower) = field.lower(t) {
            return !self.lowered.is_empty() && self.lowered.iter().all(|w| lower.contains(w.as_str()));
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
    /// `ticket.<field> == "lit"` (or `!=` when `ne`).
    StrEq { field: Field, lit: ImmutableString, ne: bool },
    /// `ticket.fields["key"] == "lit"`: only a JSON string can equal a string in Rhai.
    FieldEq { key: ImmutableString, lit: ImmutableString, ne: bool },
    ModelLoaded,
    /// `model.confidence` (head `None`) or `model.head("name").confidence` compared with a float.
    Confidence { head: Option<ImmutableString>, op: CmpOp, rhs: f64 },
    WithinHours { zone: jiff::tz::TimeZone, days: Option<u8>, start: u32, end: u32 },
}

impl Test {
    pub(crate) fn eval(&self, t: &TicketData, m: &ModelData) -> bool {
        match self {
            Test::And(v) => v.iter().all(|x| x.eval(t, m)),
            Test::Or(v) => v.iter().any(|x| x.eval(t, m)),
            Test::Not(x) => !x.eval(t, m),
            Test::ContainsAny(f, w) => w.any(*f, t),
            Test::ContainsAll(f, w) => w.all(*f, t),
            Test::Matches(f, re) => re.is_match(f.get(t)),
            Test::StrEq { field, lit, ne } => (field.get(t).as_str() == lit.as_str()) != *ne,
            Test::FieldEq { key, lit, ne } => {
                let eq = matches!(t.fields.0.get(key.as_str()), Some(serde_json::Value::String(s)) if s == lit.as_str());
                eq != *ne
            }
            Test::ModelLoaded => m.loaded,
            Test::Confidence { head, op, rhs } => {
                let c = match head {
                    None => m.heads.first().map_or(0.0, |h| h.0.confidence),
                    Some(name) => m.heads.iter().find(|h| h.0.name == *name).map_or(0.0, |h| h.0.confidence),
                };
                op.apply(c, *rhs)
            }
            Test::WithinHours { zone, days, start, end } => {
                let ts = t.created_at.unwrap_or_else(jiff::Timestamp::now);
                helpers::within_at(ts, zone, *days, *start, *end)
            }
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
}

/// Builds the plan from this thread's compiled `ast`; `rules` is the rule list of the set.
pub(crate) fn build(ast: &AST, rules: &[RuleInfo], options: &RuleOptions, regexes: &RegexMap) -> Plan {
    let budget = options.max_operations_per_rule;
    if budget != 0 && budget < MIN_BUDGET_FOR_FAST_PATHS {
        return Plan::default();
    }
    let mut views = true;
    ast.walk(&mut |path: &[ASTNode]| {
        if let Some(ASTNode::Stmt(Stmt::Var(x, ..))) = path.last() {
            if x.0.name == "ticket" || x.0.name == "model" {
                views = false;
            }
        }
        true
    });
    let cx = Ctx { script_fns: ast.iter_functions().map(|f| f.name.to_owned()).collect(), views, regexes };

    let mut plan = Plan::default();
    for stmt in ast.statements() {
        let Stmt::Expr(e) = stmt else { continue };
        let Expr::Custom(c, _) = &**e else { continue };
        if !c.tokens.first().is_some_and(|t| t == KEYWORD) {
            continue;
        }
        let name = match c.inputs.first() {
            Some(Expr::StringConstant(s, _)) => s.clone(),
            _ => ImmutableString::new(),
        };
        let has_when = c.tokens.iter().any(|t| t == "when");
        let cond = match (has_when, &c.inputs[..]) {
            (false, [_, _]) => Cond::Always,
            (true, [_, cond, _]) => cx.test(cond).map_or(Cond::Slow, Cond::Fast),
            _ => Cond::Slow,
        };
        let body = c.inputs.last().and_then(|b| cx.body(b));
        plan.rules.push(RulePlan { name, cond, body });
    }
    // The plan is positional: if it does not line up with the rule list, use none of it.
    if plan.rules.len() != rules.len() || plan.rules.iter().zip(rules).any(|(p, r)| p.name.as_str() != r.name) {
        return Plan::default();
    }
    plan
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
            ("contains_any" | "contains_all", [text, Expr::Array(words, _)]) => {
                let field = self.ticket_field(text)?;
                let words = words
                    .iter()
                    .map(|w| match w {
                        Expr::StringConstant(s, _) => Some(s.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                let words = Words::new(words);
                Some(if name == "contains_any" { Test::ContainsAny(field, words) } else { Test::ContainsAll(field, words) })
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
                let (zone, days, start, end) = helpers::parse_hours(zone, days, start, end).ok()?;
                Some(Test::WithinHours { zone, days, start, end })
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

    /// A body made only of actions with literal, valid arguments.
    fn body(&self, block: &Expr) -> Option<Vec<Action>> {
        let Expr::Stmt(block) = block else { return None };
        let mut out = Vec::new();
        for stmt in block.statements() {
            let f = match stmt {
                Stmt::FnCall(f, _) => &**f,
                Stmt::Expr(e) => match &**e {
                    Expr::FnCall(f, _) => &**f,
                    _ => return None,
                },
                Stmt::Noop(_) => continue,
                _ => return None,
            };
            if !f.namespace.is_empty() || f.capture_parent_scope || self.script_fns.contains(f.name.as_str()) {
                return None;
            }
            let arg = match &f.args[..] {
                [Expr::StringConstant(s, _)] => s.clone(),
                [] if f.name == "needs_review" => ImmutableString::new(),
                _ => return None,
            };
            let act = actions::literal(f.name.as_str(), &arg)?;
            out.push(Action { f: act, arg });
        }
        Some(out)
    }
}

fn is_var(e: &Expr, name: &str) -> bool {
    matches!(e, Expr::Variable(v, ..) if v.1 == name && v.2.is_empty())
}

/// Runs a native body; its actions were validated at load, so they cannot fail.
pub(crate) fn run_body(s: &mut EvalState, body: &[Action]) {
    for a in body {
        let _ = (a.f)(s, &a.arg);
    }
}
