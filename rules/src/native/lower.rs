//! Lowering from the Rhai AST: which rules (conditions, bodies) can run natively, and how.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use rhai::{ASTFlags, ASTNode, Expr, ImmutableString, Stmt, AST};

use crate::actions;
use crate::dsl::KEYWORD;
use crate::eval_state::RegexMap;
use crate::hours::WorkingHours;
use crate::native::ir::{Action, Arg, CmpOp, Cond, Field, NativePlan, NativeRule, Test, TopLevelStep, Words};
use crate::native::needles::NeedleSet;
use crate::{RuleInfo, RuleOptions};

/// Operations the interpreter may count per AST node of a rule it runs without loops or
/// script calls (each node is evaluated at most once; property reads count twice), with
/// room to spare: a rule lowered natively can never reach the operation limit in Rhai.
const OPS_PER_NODE: u64 = 4;
/// Operations counted around a rule besides its nodes.
const OPS_PER_RULE: u64 = 16;

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
pub(crate) fn build(ast: &AST, rules: &[RuleInfo], options: &RuleOptions, regexes: &RegexMap) -> NativePlan {
    if !options.native {
        return NativePlan::default();
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

    let mut plan = NativePlan::default();
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
                        d.push(TopLevelStep::Interpreted(i));
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
            _ if !fits => Cond::Interpreted,
            (false, [_, _]) => Cond::Always,
            (true, [_, cond, _]) => cx.test(cond).map_or(Cond::Interpreted, Cond::Native),
            _ => Cond::Interpreted,
        };
        let body = if fits { c.inputs.last().and_then(|b| cx.body(b)) } else { None };
        // Rhai counts the condition's operations towards the body's budget; a body run by Rhai
        // (it may loop) must therefore see them, so under a budget its condition is not native.
        let cond = if body.is_none() && budget != 0 && matches!(cond, Cond::Native(_)) { Cond::Interpreted } else { cond };
        let stop = c.tokens.get(2).is_some_and(|t| t == "stop");
        if let Some(d) = &mut driver {
            d.push(if !matches!(cond, Cond::Interpreted) && body.is_some() { TopLevelStep::Native(plan.rules.len()) } else { TopLevelStep::Interpreted(i) });
        }
        plan.rules.push(NativeRule { name, stop, stmt: i, cond, body });
    }
    // The plan is positional: if it does not line up with the rule list, use none of it.
    if plan.rules.len() != rules.len() || plan.rules.iter().zip(rules).any(|(p, r)| p.name.as_str() != r.name) {
        return NativePlan::default();
    }
    plan.needles = cx.needles.into_inner();
    plan.driver = driver;
    plan.options = options.clone();
    plan
}

/// A literal word list, its lower-cased non-empty words added to the plan's needle set.
fn words_of(words: Vec<ImmutableString>, needles: &mut NeedleSet) -> Words {
    let ids = words.iter().filter(|w| !w.is_empty()).map(|w| needles.add(&w.to_lowercase())).collect();
    Words { words, ids }
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
                let words = words_of(string_array(words)?, &mut self.needles.borrow_mut());
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
            let kind = actions::native(f.name.as_str())?;
            let arg = match &f.args[..] {
                [Expr::StringConstant(s, _)] if actions::accepts(kind, s) => Arg::Lit(s.clone()),
                [e] => self.model_string(e)?,
                [] if f.name == "needs_review" => Arg::Lit(ImmutableString::new()),
                _ => return None,
            };
            out.push(Action { kind, arg, pos });
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
