//! `NativeEngine`: the JS-facing triage engine. Argument conversion and error mapping only;
//! every decision is made by `triagekit::Engine`.

use std::path::Path;
use std::sync::Arc;

use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;
use serde_json::Value;
use triagekit::assign::{Presence, Roster};
use triagekit::{load_rules_arg, CallOptions, Engine, EngineOptions};

use crate::batch::NativeBatch;
use crate::convert::{decision_json, parse_ticket, to_json};
use crate::error::{guard_js, ErrorInfo};
use crate::model::NativeModel;

/// Native half of `Engine` (the JS class in `lib/engine.js` wraps this one).
#[napi]
pub struct NativeEngine {
    inner: Arc<Engine>,
}

#[napi]
impl NativeEngine {
    /// Builds an engine. `rules` is a rule file/folder path, or rule text where it cannot be a
    /// path (core's `load_rules` decides), or always text with `rules_is_source`; the roster is
    /// a path or JSON text, options are the JSON text of a snake_case object.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        rules: String,
        model: Option<&NativeModel>,
        roster_path: Option<String>,
        roster_json: Option<String>,
        options: Option<String>,
        rules_is_source: Option<bool>,
    ) -> napi::Result<Self> {
        guard_js(&env, || {
            let options = parse_options(options)?;
            let rules = load_rules_arg(&rules, rules_is_source == Some(true), options.strict_rules)?;
            let roster = parse_roster(roster_path, roster_json)?;
            let engine = Engine::new(rules, model.map(NativeModel::shared), roster, options)?;
            Ok(NativeEngine { inner: Arc::new(engine) })
        })
    }

    /// Builds an engine from files only, like the CLI: rules path, optional model and roster paths.
    #[napi(factory)]
    pub fn from_paths(
        env: Env,
        rules: String,
        model: Option<String>,
        roster: Option<String>,
        options: Option<String>,
    ) -> napi::Result<Self> {
        guard_js(&env, || {
            let options = parse_options(options)?;
            let engine =
                Engine::from_paths(rules.as_ref(), model.as_deref().map(Path::new), roster.as_deref().map(Path::new), options)?;
            Ok(NativeEngine { inner: Arc::new(engine) })
        })
    }

    /// Triages one ticket given as JSON text; returns the decision as JSON text.
    #[napi]
    pub fn triage_json(
        &self,
        env: Env,
        ticket: String,
        commit: Option<bool>,
        trace: Option<bool>,
        explain: Option<u32>,
    ) -> napi::Result<String> {
        guard_js(&env, || {
            let call = CallOptions { commit, explain: explain.map(|n| n as usize) };
            let decision = self.inner.triage_input_with(parse_ticket(&ticket), call)?;
            decision_json(decision, trace.unwrap_or(true))
        })
    }

    /// The same as `triageJson` but converting objects through N-API property by property; kept
    /// only so `bench.js` can show why the JSON path is the default.
    #[napi]
    pub fn triage_object<'env>(&self, env: &'env Env, ticket: Value, commit: Option<bool>) -> napi::Result<Unknown<'env>> {
        let decision = guard_js(env, || {
            let ticket = triagekit::Ticket::from_value(ticket)?;
            Ok(match commit {
                Some(commit) => self.inner.triage_with_commit(&ticket, commit)?,
                None => self.inner.triage(&ticket)?,
            })
        })?;
        env.to_js_value(&decision)
    }

    /// Starts a batch: pins the rules, model, roster and options in use for all its chunks.
    #[napi]
    pub fn start_batch(&self, commit: Option<bool>, trace: Option<bool>, explain: Option<u32>) -> NativeBatch {
        let call = CallOptions { commit, explain: explain.map(|n| n as usize) };
        NativeBatch::new(self.inner.clone(), call, trace.unwrap_or(true))
    }

    /// Counts tickets rejected in JS (not convertible to JSON) as errors in `stats()`.
    #[napi]
    pub fn count_rejected_tickets(&self, count: u32) {
        self.inner.count_rejected_tickets(u64::from(count));
    }

    /// Compiles rules (path or source) and swaps them in; tickets in flight finish on the old
    /// set, and a rule set that fails to compile leaves the current one in place.
    #[napi]
    pub fn reload_rules(&self, env: Env, rules: String, rules_is_source: Option<bool>) -> napi::Result<()> {
        guard_js(&env, || {
            let rules = load_rules_arg(&rules, rules_is_source == Some(true), self.inner.options().strict_rules)?;
            self.inner.reload_rules(rules);
            Ok(())
        })
    }

    /// Swaps in a model, or removes it with `null`.
    #[napi]
    pub fn set_model(&self, env: Env, model: Option<&NativeModel>) -> napi::Result<()> {
        guard_js(&env, || {
            self.inner.set_model(model.map(NativeModel::shared));
            Ok(())
        })
    }

    /// Replaces the roster (path or JSON text); loads and presence restart from the new roster.
    #[napi]
    pub fn replace_roster(&self, env: Env, roster_path: Option<String>, roster_json: Option<String>) -> napi::Result<()> {
        guard_js(&env, || {
            let roster = parse_roster(roster_path, roster_json)?
                .ok_or_else(|| ErrorInfo::invalid_argument("replaceRoster expects a roster path or object"))?;
            self.inner.replace_roster(roster);
            Ok(())
        })
    }

    /// Replaces the engine options (JSON text of a complete snake_case object).
    #[napi]
    pub fn set_options(&self, env: Env, options: String) -> napi::Result<()> {
        guard_js(&env, || Ok(self.inner.set_options(parse_options(Some(options))?)?))
    }

    /// The options in use, as JSON text (snake_case keys).
    #[napi]
    pub fn options_json(&self, env: Env) -> napi::Result<String> {
        guard_js(&env, || to_json(&self.inner.options()))
    }

    /// Sets an agent's open-ticket count.
    #[napi]
    pub fn set_load(&self, env: Env, agent: String, load: u32) -> napi::Result<()> {
        guard_js(&env, || Ok(self.inner.set_load(&agent, load)?))
    }

    /// Sets an agent's presence: `online`, `away` or `offline`.
    #[napi]
    pub fn set_presence(&self, env: Env, agent: String, presence: String) -> napi::Result<()> {
        guard_js(&env, || {
            let presence = Presence::parse(&presence).ok_or_else(|| {
                ErrorInfo::invalid_argument(format!("presence must be online, away or offline, got {presence:?}"))
            })?;
            Ok(self.inner.set_presence(&agent, presence)?)
        })
    }

    /// Frees one unit of the agent's capacity (and of the channel's, if given).
    #[napi]
    pub fn ticket_closed(&self, env: Env, agent: String, channel: Option<String>) -> napi::Result<()> {
        guard_js(&env, || Ok(self.inner.ticket_closed(&agent, channel.as_deref())?))
    }

    /// Counters as JSON text (`StatsSnapshot`, snake_case keys).
    #[napi]
    pub fn stats_json(&self, env: Env) -> napi::Result<String> {
        guard_js(&env, || to_json(&self.inner.stats()))
    }

    /// Counters in the Prometheus text exposition format.
    #[napi]
    pub fn stats_prometheus(&self, env: Env) -> napi::Result<String> {
        guard_js(&env, || Ok(self.inner.stats().to_prometheus()))
    }

    /// The roster as JSON text with each agent's live load and presence (`Roster::to_value`).
    #[napi]
    pub fn roster_json(&self, env: Env) -> napi::Result<String> {
        guard_js(&env, || to_json(&self.inner.roster().to_value()))
    }

    /// Versions of the rules, model and roster in use, as JSON text.
    #[napi]
    pub fn versions_json(&self, env: Env) -> napi::Result<String> {
        guard_js(&env, || {
            let model = self.inner.model();
            to_json(&serde_json::json!({
                "rules": self.inner.rules().version(),
                "model": model.as_ref().map(|m| m.version()),
                "roster": self.inner.roster().version(),
            }))
        })
    }
}

fn parse_options(options: Option<String>) -> Result<EngineOptions, ErrorInfo> {
    match options {
        None => Ok(EngineOptions::default()),
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| ErrorInfo::from(triagekit::TriageError::InvalidConfig(format!("options: {e}")))),
    }
}

/// A roster from JS is a file path or the JSON text of the roster object.
fn parse_roster(path: Option<String>, json: Option<String>) -> Result<Option<Roster>, ErrorInfo> {
    Ok(match (path, json) {
        (Some(path), _) => Some(Roster::load(path.as_ref())?),
        (None, Some(json)) => Some(Roster::from_json(&json)?),
        (None, None) => None,
    })
}
