//! An engine as plain data, so hosts can pickle it to Dask/Spark/Ray workers or save it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use triagekit_model::Model;
use triagekit_rules::{RuleOptions, RuleSet};

use crate::assign::Roster;
use crate::engine::Engine;
use crate::error::Result;
use crate::options::EngineOptions;

/// Everything needed to rebuild an engine elsewhere: rule sources, model bytes, roster, options.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EngineState {
    /// Rule sources as `(file name, source)`, in evaluation order.
    pub rules: Vec<(String, String)>,
    /// The model file's bytes, if a model is loaded.
    pub model: Option<Vec<u8>>,
    /// The roster JSON with current loads and presence.
    pub roster: serde_json::Value,
    /// Engine options.
    pub options: EngineOptions,
}

impl Engine {
    /// Captures the engine's current rules, model, roster and options.
    pub fn export_state(&self) -> EngineState {
        EngineState {
            rules: self.rules().sources().to_vec(),
            model: self.model().map(|m| m.to_bytes()),
            roster: self.roster().to_value(),
            options: self.options(),
        }
    }

    /// Rebuilds an engine from captured state; stats start from zero.
    pub fn from_state(state: EngineState) -> Result<Engine> {
        let rule_options = RuleOptions { strict: state.options.strict_rules, ..RuleOptions::default() };
        let rules = RuleSet::compile_sources(&state.rules, rule_options)?;
        let model = state.model.as_deref().map(Model::from_bytes).transpose()?.map(Arc::new);
        let roster = Roster::from_value(state.roster)?;
        Engine::new(rules, model, Some(roster), state.options)
    }
}

/// Loads rules from a path, or compiles the argument itself when it cannot be a path (it holds
/// a line break or one of `{ } ; "`); bindings accept either in one argument. A path that does
/// not exist is an `IO` error naming it, never silently compiled as rule text.
pub fn load_rules(path_or_source: &str, strict: bool) -> Result<RuleSet> {
    if is_rule_source(path_or_source) {
        load_rules_source(path_or_source, strict)
    } else {
        Ok(RuleSet::load(std::path::Path::new(path_or_source), rule_options(strict))?)
    }
}

/// A binding's rules argument: explicit rule text when `source_only` (`rules_source=`,
/// `{ rulesSource }`), else a path or text as [`load_rules`] decides.
pub fn load_rules_arg(text: &str, source_only: bool, strict: bool) -> Result<RuleSet> {
    if source_only {
        load_rules_source(text, strict)
    } else {
        load_rules(text, strict)
    }
}

/// Compiles rule source text (file name `<string>` in errors), never reading a file.
pub fn load_rules_source(source: &str, strict: bool) -> Result<RuleSet> {
    Ok(RuleSet::compile(source, "<string>", rule_options(strict))?)
}

/// Whether a `rules` argument is rule text rather than a path.
pub fn is_rule_source(path_or_source: &str) -> bool {
    path_or_source.contains(['\n', '\r', '{', '}', ';', '"'])
}

fn rule_options(strict: bool) -> RuleOptions {
    RuleOptions { strict, ..RuleOptions::default() }
}
