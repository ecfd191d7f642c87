//! `triagekit.Engine`: a thin shell over `triagekit::Engine` that converts types and errors.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use triagekit::assign::{Presence, Roster};
use triagekit::model::Model;
use triagekit::{load_rules_arg, CallOptions, Decision, Engine, EngineOptions, EngineState, Ticket, TriageError};

use crate::convert::{self, ConvertError};
use crate::errors::{self, guard};
use crate::model::PyModel;
use crate::pyser;

/// The triage engine. Thread-safe: share one per process; calls release the GIL.
#[pyclass(module = "triagekit._native", name = "Engine", frozen)]
pub struct PyEngine {
    inner: Arc<Engine>,
}

/// Turns a core error into the matching Python exception.
fn py_err(e: TriageError) -> PyErr {
    errors::to_py(&e)
}



/// `(text, source_only)` from a `rules=` / `rules_source=` pair: exactly one must be given.
fn rules_arg(rules: Option<&Bound<'_, PyAny>>, rules_source: Option<&str>) -> PyResult<(String, bool)> {
    match (rules.filter(|r| !r.is_none()), rules_source) {
        (Some(rules), None) => Ok((path_text(rules)?, false)),
        (None, Some(source)) => Ok((source.to_string(), true)),
        _ => Err(PyTypeError::new_err("give exactly one of rules (a path) or rules_source (rule text)")),
    }
}

/// A `str` or any `os.PathLike`, as text.
fn path_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return convert::string(s, None).map_err(|e| PyValueError::new_err(format!("rules: {}", e.message)));
    }
    if obj.hasattr("__fspath__")? {
        return obj.call_method0("__fspath__")?.extract();
    }
    Err(PyTypeError::new_err("rules must be a path (str or os.PathLike); pass rule text as rules_source="))
}

/// `model`: None, a `Model`, or a path to a model file.
fn model_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Arc<Model>>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(None) };
    if let Ok(model) = obj.cast::<PyModel>() {
        return model.get().trained().map(Some);
    }
    let path: PathBuf = obj.extract().map_err(|_| PyTypeError::new_err("model must be a Model, a path or None"))?;
    let model = obj.py().detach(|| guard(|| Model::load(&path)))?.map_err(|e| py_err(e.into()))?;
    Ok(Some(Arc::new(model)))
}

/// `agents`: a dict (the roster JSON) or a path to a roster JSON file.
fn roster_arg(obj: &Bound<'_, PyAny>) -> PyResult<Roster> {
    if obj.is_instance_of::<PyDict>() {
        let value = convert::to_value(obj)
            .map_err(|e| py_err(TriageError::InvalidRoster(format!("{}: {}", e.path, e.message))))?;
        return Roster::from_value(value).map_err(py_err);
    }
    let path: PathBuf = obj.extract().map_err(|_| PyTypeError::new_err("agents must be a dict or a path"))?;
    Roster::load(&path).map_err(py_err)
}

fn options_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<EngineOptions> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(EngineOptions::default()) };
    let value = convert::to_value(obj).map_err(|e| config_err(&e))?;
    serde_json::from_value(value).map_err(|e| py_err(TriageError::InvalidConfig(e.to_string())))
}

/// The per-call `commit=` / `explain=` keywords as core's overrides.
fn call_options(commit: Option<bool>, explain: Option<i64>) -> PyResult<CallOptions> {
    let explain = explain.map(|n| crate::explain::count_arg("explain", n)).transpose()?;
    Ok(CallOptions { commit, explain })
}

fn config_err(e: &ConvertError) -> PyErr {
    py_err(TriageError::InvalidConfig(format!("{}: {}", e.path, e.message)))
}

/// A Python ticket (dict, or any mapping) -> core `Ticket`, or the typed error naming the field.
pub fn ticket_arg(obj: &Bound<'_, PyAny>) -> Result<Ticket, TriageError> {
    let value = convert::to_value(obj).map_err(|e| {
        let field = if e.path == "<root>" { "<ticket>".to_string() } else { e.path };
        TriageError::InvalidTicket { field, message: e.message }
    })?;
    Ticket::from_value(value)
}

/// A core `Decision` -> dict; `trace = false` leaves the trace (the costly part) out.
pub fn decision_to_py<'py>(py: Python<'py>, decision: &Decision, trace: bool) -> PyResult<Bound<'py, PyAny>> {
    pyser::to_py(py, &decision.json(trace)).map_err(|e| errors::internal(&e.0))
}

#[pymethods]
impl PyEngine {
    /// Builds an engine from rules (a path, or `rules_source=` text), an optional model, roster
    /// and options. A `rules` path that does not exist raises `TriageError` with code `IO`.
    #[new]
    #[pyo3(signature = (rules=None, model=None, agents=None, options=None, *, rules_source=None))]
    fn new(
        py: Python<'_>,
        rules: Option<&Bound<'_, PyAny>>,
        model: Option<&Bound<'_, PyAny>>,
        agents: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyAny>>,
        rules_source: Option<&str>,
    ) -> PyResult<PyEngine> {
        let (rules, source_only) = rules_arg(rules, rules_source)?;
        let options = options_arg(options)?;
        let model = model_arg(model)?;
        let roster = agents.filter(|a| !a.is_none()).map(roster_arg).transpose()?;
        let strict = options.strict_rules;
        let engine = py
            .detach(|| guard(|| load_rules_arg(&rules, source_only, strict).and_then(|r| Engine::new(r, model, roster, options))))?
            .map_err(py_err)?;
        Ok(PyEngine { inner: Arc::new(engine) })
    }

    /// Triages one ticket dict and returns the decision dict.
    ///
    /// `commit=None` follows the engine's `commit` option; `commit=False` is a dry run that
    /// leaves agents' loads alone. `trace=False` omits the `trace` key (faster). `explain=N`
    /// adds each head's top N n-grams to the trace (`model_explanation`); `None` follows the
    /// engine's `explain` option, 0 turns it off.
    #[pyo3(signature = (ticket, *, commit=None, trace=true, explain=None))]
    fn triage<'py>(
        &self,
        py: Python<'py>,
        ticket: &Bound<'py, PyAny>,
        commit: Option<bool>,
        trace: bool,
        explain: Option<i64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let call = call_options(commit, explain)?;
        let ticket = ticket_arg(ticket);
        let engine = &self.inner;
        let decision = py.detach(|| guard(|| engine.triage_input_with(ticket, call)))?.map_err(py_err)?;
        decision_to_py(py, &decision, trace)
    }

    /// Triages many tickets in parallel with the GIL released; results keep input order.
    ///
    /// `commit` and `explain` as in `triage` (None follows the engine's option).
    /// With `errors="return"` (the default) a ticket that fails yields
    /// `{"error": {"code": ..., "message": ...}}` in its slot and the others are unaffected.
    /// With `errors="raise"` the first failure (in input order) is raised instead; tickets that
    /// cannot be converted raise before anything is triaged.
    #[pyo3(signature = (tickets, *, commit=None, errors="return", trace=true, explain=None))]
    fn triage_batch<'py>(
        &self,
        py: Python<'py>,
        tickets: &Bound<'py, PyAny>,
        commit: Option<bool>,
        errors: &str,
        trace: bool,
        explain: Option<i64>,
    ) -> PyResult<Bound<'py, PyList>> {
        let call = call_options(commit, explain)?;
        let raise = match errors {
            "return" => false,
            "raise" => true,
            other => return Err(PyValueError::new_err(format!("errors must be \"return\" or \"raise\", got {other:?}"))),
        };
        // Convert under the GIL; a slot that fails to convert keeps its error, in place.
        let mut inputs = Vec::new();
        for item in tickets.try_iter()? {
            let input = ticket_arg(&item?);
            if let (true, Err(e)) = (raise, &input) {
                return Err(errors::to_py(e));
            }
            inputs.push(input);
        }
        let engine = &self.inner;
        let results = py.detach(|| guard(|| engine.triage_inputs_with(inputs, call)))?;
        if raise {
            if let Some(Err(e)) = results.iter().find(|r| r.is_err()) {
                return Err(errors::to_py(e));
            }
        }
        let out = PyList::empty(py);
        // Building thousands of nested trace dicts triggers Python's cyclic GC over and over
        // (2-3x slower); none of them can form cycles, so pause it for the conversion only.
        let _gc = GcPause::new(py, trace && results.len() > 256);
        for result in &results {
            out.append(match result {
                Ok(decision) => decision_to_py(py, decision, trace)?,
                Err(e) => errors::error_slot(py, e)?,
            })?;
        }
        Ok(out)
    }

    /// Recompiles rules from a path (or `rules_source=` text) and swaps them in atomically; on
    /// any error the rules in use stay.
    #[pyo3(signature = (rules=None, *, rules_source=None))]
    fn reload_rules(&self, py: Python<'_>, rules: Option<&Bound<'_, PyAny>>, rules_source: Option<&str>) -> PyResult<()> {
        let (rules, source_only) = rules_arg(rules, rules_source)?;
        let strict = self.inner.options().strict_rules;
        let compiled = py.detach(|| guard(|| load_rules_arg(&rules, source_only, strict)))?.map_err(py_err)?;
        self.inner.reload_rules(compiled);
        Ok(())
    }

    /// Swaps in a model (a `Model` or a path), or removes it with `None`.
    #[pyo3(signature = (model))]
    fn set_model(&self, model: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        self.inner.set_model(model_arg(model)?);
        Ok(())
    }

    /// Replaces the roster (dict or JSON file path); loads and presence restart from it.
    fn replace_roster(&self, agents: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner.replace_roster(roster_arg(agents)?);
        Ok(())
    }

    /// Replaces the engine options (dict with the same keys as the constructor's `options`).
    fn set_options(&self, options: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner.set_options(options_arg(Some(options))?).map_err(py_err)
    }

    /// Sets an agent's open-ticket count (your helpdesk is the source of truth).
    fn set_load(&self, agent: &str, load: u32) -> PyResult<()> {
        self.inner.set_load(agent, load).map_err(py_err)
    }

    /// Sets an agent's presence: "online", "away" or "offline".
    fn set_presence(&self, agent: &str, presence: &str) -> PyResult<()> {
        let presence = Presence::parse(presence).ok_or_else(|| {
            PyValueError::new_err(format!("presence must be \"online\", \"away\" or \"offline\", got {presence:?}"))
        })?;
        self.inner.set_presence(agent, presence).map_err(py_err)
    }

    /// Frees one unit of the agent's capacity (and of `channel`'s) when a ticket is closed.
    #[pyo3(signature = (agent, channel=None))]
    fn ticket_closed(&self, agent: &str, channel: Option<&str>) -> PyResult<()> {
        self.inner.ticket_closed(agent, channel).map_err(py_err)
    }

    /// Counters: tickets, errors, review queue, rule hits, assignments, latency percentiles.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::serde_to_py(py, &self.inner.stats())
    }

    /// The same counters in Prometheus text exposition format (for a `/metrics` endpoint).
    fn stats_prometheus(&self) -> String {
        self.inner.stats().to_prometheus()
    }

    /// The roster in use as a dict (roster JSON shape) with live loads and presence.
    fn roster<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::serde_to_py(py, &self.inner.roster().to_value())
    }

    /// The engine options in use, as a dict.
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::serde_to_py(py, &self.inner.options())
    }

    /// Content hash of the rule set in use.
    #[getter]
    fn rules_version(&self) -> String {
        self.inner.rules().version().to_string()
    }

    /// Version of the model in use, or None.
    #[getter]
    fn model_version(&self) -> Option<String> {
        self.inner.model().map(|m| m.version().to_string())
    }

    /// Version of the roster in use.
    #[getter]
    fn roster_version(&self) -> String {
        self.inner.roster().version().to_string()
    }

    /// Names of the rules in evaluation order.
    #[getter]
    fn rule_names(&self) -> Vec<String> {
        self.inner.rules().rules().iter().map(|r| r.name.clone()).collect()
    }

    /// Pickle support: rule sources, model bytes, roster with current loads, options.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (StateTuple<'py>,))> {
        let py = slf.py();
        let state = slf.get().export_state(py)?;
        let rebuild = py.import("triagekit._native")?.getattr("_engine_from_state")?;
        Ok((rebuild, (state,)))
    }

    fn __repr__(&self) -> String {
        let model = self.model_version().map_or_else(|| "None".to_string(), |v| format!("{v:?}"));
        format!("Engine(rules_version={:?}, model_version={model}, roster_version={:?})", self.rules_version(), self.roster_version())
    }
}

/// Disables Python's cyclic GC while alive, re-enabling it only if it was enabled before.
struct GcPause<'py> {
    gc: Option<Bound<'py, PyAny>>,
}

impl<'py> GcPause<'py> {
    fn new(py: Python<'py>, wanted: bool) -> Self {
        let gc = wanted
            .then(|| py.import("gc").ok())
            .flatten()
            .filter(|gc| gc.call_method0("isenabled").and_then(|b| b.extract::<bool>()).unwrap_or(false))
            .filter(|gc| gc.call_method0("disable").is_ok());
        GcPause { gc: gc.map(Bound::into_any) }
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if let Some(gc) = &self.gc {
            let _ = gc.call_method0("enable");
        }
    }
}

/// Pickle state: `(rule sources, model bytes, roster JSON, options JSON)`; bytes stay bytes so
/// a large model is not blown up into a JSON array.
type StateTuple<'py> = (Vec<(String, String)>, Option<Bound<'py, PyBytes>>, String, String);

impl PyEngine {
    /// Core's `EngineState` as a tuple of picklable Python values.
    fn export_state<'py>(&self, py: Python<'py>) -> PyResult<StateTuple<'py>> {
        let state = self.inner.export_state();
        let model = state.model.as_deref().map(|m| PyBytes::new(py, m));
        let roster = state.roster.to_string();
        let options = serde_json::to_string(&state.options).map_err(|e| errors::internal(&e.to_string()))?;
        Ok((state.rules, model, roster, options))
    }
}

/// Rebuilds an engine from `Engine.__reduce__`'s state (used by pickle; not a public API).
#[pyfunction]
pub fn _engine_from_state(py: Python<'_>, state: StateTuple<'_>) -> PyResult<PyEngine> {
    let (rules, model, roster, options) = state;
    let model = model.map(|b| b.as_bytes().to_vec());
    let roster = serde_json::from_str(&roster).map_err(|e| py_err(TriageError::InvalidRoster(e.to_string())))?;
    let options = serde_json::from_str(&options).map_err(|e| py_err(TriageError::InvalidConfig(e.to_string())))?;
    let state = EngineState { rules, model, roster, options };
    let engine = py.detach(|| guard(|| Engine::from_state(state)))?.map_err(py_err)?;
    Ok(PyEngine { inner: Arc::new(engine) })
}
