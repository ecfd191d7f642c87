//! `triageBatch` off the main thread: an N-API async task whose `compute` runs on the libuv
//! pool (and from there on rayon, inside `Engine::triage_batch`).

use std::sync::Arc;

use napi::{Env, Task};
use rayon::prelude::*;
use triagekit::{Decision, Engine, Ticket, TriageError};

use crate::convert::{parse_ticket, slot_json};
use crate::error::{guard, park, unpark, ErrorInfo};

/// One batch: JSON Lines in, the JSON text of the result array out.
pub struct BatchTask {
    engine: Arc<Engine>,
    lines: String,
    commit: Option<bool>,
    trace: bool,
    /// Set when `compute` fails as a whole (only a caught panic), for `reject` to throw.
    failure: Option<ErrorInfo>,
}

impl BatchTask {
    /// Prepares a batch; nothing runs until Node schedules the task.
    pub fn new(engine: Arc<Engine>, lines: String, commit: Option<bool>, trace: bool) -> Self {
        BatchTask { engine, lines, commit, trace, failure: None }
    }

    fn run(&self) -> Result<String, ErrorInfo> {
        // On triagekit's pool, not rayon's global one, like every parallel call of the engine.
        triagekit::parallel::install(|| self.run_on_pool())
    }

    fn run_on_pool(&self) -> Result<String, ErrorInfo> {
        let parsed: Vec<Result<Ticket, TriageError>> = self.lines.par_split('\n').map(parse_ticket).collect();
        // Split without cloning: valid tickets go to the engine, failures keep their position.
        let mut tickets = Vec::with_capacity(parsed.len());
        let mut failures = Vec::with_capacity(parsed.len());
        for result in parsed {
            match result {
                Ok(ticket) => {
                    tickets.push(ticket);
                    failures.push(None);
                }
                Err(error) => failures.push(Some(error)),
            }
        }
        let mut decisions = self.triage(&tickets).into_iter();
        let results: Vec<Result<Decision, TriageError>> = failures
            .into_iter()
            .map(|failure| match failure {
                Some(error) => Err(error),
                // Exactly one result exists per parsed ticket, in the same order.
                None => decisions.next().unwrap_or_else(|| Err(missing())),
            })
            .collect();
        // Serialising is a large share of the work for big batches: do it in parallel, then join.
        let parts = results
            .into_par_iter()
            .map(|result| slot_json(result, self.trace))
            .collect::<Result<Vec<String>, ErrorInfo>>()?;
        let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum::<usize>() + 2);
        out.push('[');
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(part);
        }
        out.push(']');
        Ok(out)
    }

    fn triage(&self, tickets: &[Ticket]) -> Vec<Result<Decision, TriageError>> {
        match self.commit {
            // Core's batch always uses the engine's commit setting; a per-call override runs the
            // same parallel loop here until core offers `triage_batch_with_commit`.
            Some(commit) if commit != self.engine.options().commit => {
                tickets.par_iter().map(|t| self.engine.triage_with_commit(t, commit)).collect()
            }
            _ => self.engine.triage_batch(tickets),
        }
    }
}

fn missing() -> TriageError {
    TriageError::InvalidConfig("internal: fewer decisions than tickets".into())
}

impl Task for BatchTask {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> napi::Result<String> {
        // A panic here would cross an `extern "C"` frame on a libuv thread and abort Node.
        guard(|| self.run()).map_err(|info| park(&mut self.failure, info))
    }

    fn resolve(&mut self, _env: Env, output: String) -> napi::Result<String> {
        Ok(output)
    }

    fn reject(&mut self, env: Env, error: napi::Error) -> napi::Result<String> {
        Err(unpark(&mut self.failure, &env, error))
    }
}
