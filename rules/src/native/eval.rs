//! Evaluation of a native plan: conditions and action bodies without the interpreter, through
//! the same helper and action functions the Rhai-registered ones call.

use std::convert::Infallible;

use rhai::EvalAltResult;

use crate::actions;
use crate::eval_state::EvalState;
use crate::helpers::{self, SearchText};
use crate::native::ir::{Action, Arg, Field, Test, Words};
use crate::native::needles::{hit, NeedleSet, ScanCache};
use crate::view::{ModelData, TicketData};

/// What a test needs besides the ticket and model: the needle set and this ticket's scans.
pub(crate) struct WordScan<'a> {
    pub needles: &'a NeedleSet,
    pub cache: &'a mut ScanCache,
}

impl WordScan<'_> {
    /// Found-word bits of the field's lower-cased text, or `None` when the field is not one
    /// of the ticket's lower-cased fields.
    fn hits(&mut self, field: Field, t: &TicketData) -> Option<&[u64]> {
        let i = match field {
            Field::Text => 0,
            Field::Subject => 1,
            Field::Body => 2,
            _ => return None,
        };
        Some(self.cache.hits(self.needles, i, || t.lower(i)))
    }
}

impl Words {
    /// `contains_any` natively: the same [`helpers::any_word_found`] as the Rhai function.
    fn any(&self, field: Field, t: &TicketData, cx: &mut WordScan) -> bool {
        let found = match cx.hits(field, t) {
            Some(hits) => helpers::any_word_found(self.ids.iter().map(Ok::<_, Infallible>), |&&id| hit(hits, id)),
            None => {
                let text = SearchText::of(field.get(t));
                helpers::any_word_found(self.words.iter().map(Ok::<_, Infallible>), |w| text.contains(w))
            }
        };
        found.unwrap_or_else(|never| match never {})
    }

    /// `contains_all` natively: the same [`helpers::all_words_found`] as the Rhai function
    /// (`ids` hold only the non-empty words).
    fn all(&self, field: Field, t: &TicketData, cx: &mut WordScan) -> bool {
        let found = match cx.hits(field, t) {
            Some(hits) => helpers::all_words_found(self.ids.iter().map(Ok::<_, Infallible>), |_| false, |&&id| hit(hits, id)),
            None => {
                let text = SearchText::of(field.get(t));
                helpers::all_words_found(self.words.iter().map(Ok::<_, Infallible>), |w| w.is_empty(), |w| text.contains(w))
            }
        };
        found.unwrap_or_else(|never| match never {})
    }
}

impl Test {
    pub(crate) fn eval(&self, t: &TicketData, m: &ModelData, cx: &mut WordScan) -> bool {
        match self {
            Test::And(v) => v.iter().all(|x| x.eval(t, m, cx)),
            Test::Or(v) => v.iter().any(|x| x.eval(t, m, cx)),
            Test::Not(x) => !x.eval(t, m, cx),
            Test::ContainsAny(f, w) => w.any(*f, t, cx),
            Test::ContainsAll(f, w) => w.all(*f, t, cx),
            Test::Matches(f, re) => helpers::regex_matches(re, f.get(t)),
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

/// Whether a native body can run: its model-string arguments are valid for their actions.
/// When not, the rule runs in Rhai, which reports the error.
pub(crate) fn body_ok(s: &EvalState, body: &[Action]) -> bool {
    if body.iter().all(|a| matches!(a.arg, Arg::Lit(_))) {
        return true;
    }
    let Some(model) = &s.model else { return false };
    body.iter().all(|a| actions::accepts(a.kind, a.arg.get(&model.0)))
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
        if let Err(mut e) = actions::apply(a.kind, s, arg) {
            if e.position().is_none() {
                e.set_position(a.pos);
            }
            return Err(e);
        }
    }
    Ok(())
}
