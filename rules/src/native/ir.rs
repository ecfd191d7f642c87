//! The native plan of a rule set: what the lowering produces and the evaluator runs. Plain
//! data, depending on nothing that runs rules, so the evaluation state can hold a plan.

use regex::Regex;
use rhai::{ImmutableString, Position};

use crate::hours::WorkingHours;
use crate::native::needles::NeedleSet;
use crate::view::{ModelData, TicketData};
use crate::RuleOptions;

/// Native plans for the rules of one rule set, in evaluation order.
#[derive(Default)]
pub(crate) struct NativePlan {
    pub rules: Vec<NativeRule>,
    /// Every lower-cased literal word of the plan's `contains_*` tests, found in one pass per field.
    pub needles: NeedleSet,
    /// How to run the top-level statements without the interpreter walking them, when they
    /// are only rules and literal constants; `None` runs the whole script in Rhai.
    pub driver: Option<Vec<TopLevelStep>>,
    /// The rule set's options: strictness and the limits named in errors.
    pub options: RuleOptions,
}

/// One top-level statement for the native driver.
#[derive(Clone, Copy)]
pub(crate) enum TopLevelStep {
    /// Rule with this index, fully native (it may still defer to Rhai at run time).
    Native(usize),
    /// Top-level statement with this index, run in Rhai.
    Interpreted(usize),
}

/// What the plan knows about one rule.
pub(crate) struct NativeRule {
    /// Rule name, checked against the running rule before the plan is used.
    pub name: ImmutableString,
    /// The rule has the `stop` flag.
    pub stop: bool,
    /// Index of the rule's top-level statement.
    pub stmt: usize,
    /// How its condition runs.
    pub cond: Cond,
    /// Native body, or `None` to run the body in Rhai.
    pub body: Option<Vec<Action>>,
}

/// How a rule's condition runs.
pub(crate) enum Cond {
    /// No `when`: the rule always matches.
    Always,
    /// Evaluate the condition in Rhai.
    Interpreted,
    /// Evaluate the condition natively.
    Native(Test),
}

/// One action whose argument is a literal or a model string.
pub(crate) struct Action {
    pub kind: ActionKind,
    pub arg: Arg,
    /// Position of the call, which the interpreter puts in the action's error.
    pub pos: Position,
}

/// An action with one string argument that a native body may take (see `actions::apply`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ActionKind {
    SetCategory,
    SetGroup,
    SetAgent,
    SetPriority,
    SetStrategy,
    AddTag,
    RequireSkill,
    PreferSkill,
    NeedsReview,
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
    pub(crate) fn get<'a>(&'a self, m: &'a ModelData) -> &'a str {
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
    pub(crate) fn parse(name: &str) -> Option<Field> {
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

    pub(crate) fn get(self, t: &TicketData) -> &str {
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
    pub words: Vec<ImmutableString>,
    /// Ids in the plan's [`NeedleSet`] of the lower-cased non-empty words.
    pub ids: Vec<u32>,
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
    pub(crate) fn parse(op: &str) -> Option<CmpOp> {
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
    pub(crate) fn swap(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            o => o,
        }
    }

    pub(crate) fn apply(self, a: f64, b: f64) -> bool {
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
