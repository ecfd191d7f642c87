//! `triageBatch` off the main thread. A `NativeBatch` pins the engine's snapshot once per JS
//! call, and each chunk of that call is an N-API async task whose `compute` runs on the libuv
//! pool (and from there on rayon, inside `Engine::triage_inputs_pinned`), so every chunk of one call
//! decides on the same rule, model and roster versions.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;
use rayon::prelude::*;
use triagekit::{CallOptions, Engine, PinnedSnapshot, TriageError};

use crate::convert::{parse_ticket, slot_json};
use crate::error::{guard, park, unpark, ErrorInfo};

/// Bytes of result JSON per string handed back: the main thread decodes one string per event
/// loop turn, and 512 KiB of traced decisions is ~1.5 ms of `JSON.parse` (3 ms per MiB).
const PART_BYTES: usize = 512 << 10;

/// V8's string length limit on 64-bit (`v8::String::kMaxLength`, in UTF-16 units). A slot
/// whose JSON is longer cannot reach JS at all.
const V8_MAX_STRING: usize = (1 << 29) - 24;

/// The slot size limit in use; only `_setMaxSlotLengthForTest` lowers it, so a test can show
/// an oversized slot without allocating half a gigabyte.
static MAX_SLOT_LEN: AtomicUsize = AtomicUsize::new(V8_MAX_STRING);

/// Test hook: lowers (or with 0 restores) the longest slot JSON a batch returns.
#[napi(js_name = "_setMaxSlotLengthForTest")]
pub fn set_max_slot_len_for_test(units: u32) {
    let units = if units == 0 { V8_MAX_STRING } else { units as usize };
    MAX_SLOT_LEN.store(units, Ordering::Relaxed);
}

/// One JS `triageBatch` call: the pinned snapshot and its per-call settings.
#[napi]
pub struct NativeBatch {
    engine: Arc<Engine>,
    pinned: PinnedSnapshot,
    call: CallOptions,
    trace: bool,
}

impl NativeBatch {
    /// Pins the engine's current snapshot for every chunk of one batch.
    pub fn new(engine: Arc<Engine>, call: CallOptions, trace: bool) -> Self {
        let pinned = engine.pin();
        NativeBatch { engine, pinned, call, trace }
    }
}

#[napi]
impl NativeBatch {
    /// Triages one chunk given as JSON Lines; resolves to JSON texts of arrays holding one
    /// decision or `{error}` per line, in input order (concatenated, they are the chunk).
    #[napi(ts_return_type = "Promise<string[]>")]
    pub fn triage_json(&self, lines: String) -> AsyncTask<ChunkTask> {
        AsyncTask::new(ChunkTask {
            engine: self.engine.clone(),
            pinned: self.pinned.clone(),
            lines,
            call: self.call,
            trace: self.trace,
            failure: None,
        })
    }
}

/// One chunk of a batch: JSON Lines in, JSON array texts out.
pub struct ChunkTask {
    engine: Arc<Engine>,
    pinned: PinnedSnapshot,
    lines: String,
    call: CallOptions,
    trace: bool,
    /// Set when `compute` fails as a whole (only a caught panic), for `reject` to throw.
    failure: Option<ErrorInfo>,
}

impl ChunkTask {
    fn run(&self) -> Vec<String> {
        // On triagekit's pool, not rayon's global one, like every parallel call of the engine.
        triagekit::parallel::install(|| {
            let inputs = self.lines.par_split('\n').map(parse_ticket).collect();
            let results = self.engine.triage_inputs_pinned_with(&self.pinned, inputs, self.call);
            // Serialising is a large share of the work for big batches: do it in parallel.
            let max = MAX_SLOT_LEN.load(Ordering::Relaxed);
            let slots: Vec<String> = results.into_par_iter().map(|result| slot_text(result, self.trace, max)).collect();
            join_parts(&slots)
        })
    }
}

/// A slot's JSON; one too large for a JS string becomes that slot's own error.
fn slot_text(result: Result<triagekit::Decision, TriageError>, trace: bool, max: usize) -> String {
    let text = slot_json(result, trace);
    // The byte length bounds the UTF-16 length from above; count units only when it is over.
    if text.len() <= max || text.encode_utf16().count() <= max {
        return text;
    }
    let message = format!(
        "the decision is {} bytes of JSON, more than a JS string holds ({max} UTF-16 units); ticket values are too large",
        text.len()
    );
    slot_json(Err(TriageError::InvalidTicket { field: "<ticket>".into(), message }), false)
}

/// Packs slot texts into JSON arrays of about [`PART_BYTES`] each, so no single string is
/// long for V8 or slow for one `JSON.parse`.
fn join_parts(slots: &[String]) -> Vec<String> {
    let mut parts = Vec::new();
    let mut out = String::new();
    for slot in slots {
        if !out.is_empty() && out.len() + slot.len() > PART_BYTES {
            out.push(']');
            parts.push(std::mem::take(&mut out));
        }
        out.push(if out.is_empty() { '[' } else { ',' });
        out.push_str(slot);
    }
    if !out.is_empty() {
        out.push(']');
        parts.push(out);
    }
    parts
}

impl Task for ChunkTask {
    type Output = Vec<String>;
    type JsValue = Vec<String>;

    fn compute(&mut self) -> napi::Result<Vec<String>> {
        // A panic here would cross an `extern "C"` frame on a libuv thread and abort Node.
        guard(|| Ok(self.run())).map_err(|info| park(&mut self.failure, info))
    }

    fn resolve(&mut self, _env: Env, output: Vec<String>) -> napi::Result<Vec<String>> {
        Ok(output)
    }

    fn reject(&mut self, env: Env, error: napi::Error) -> napi::Result<Vec<String>> {
        Err(unpark(&mut self.failure, &env, error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_split_at_the_budget_and_keep_every_slot() {
        let big = "x".repeat(PART_BYTES / 2 + 1);
        let slots = vec![format!("\"{big}\""), "1".into(), format!("\"{big}\"")];
        let parts = join_parts(&slots);
        assert_eq!(parts.len(), 2);
        let values: Vec<serde_json::Value> =
            parts.iter().flat_map(|p| serde_json::from_str::<Vec<serde_json::Value>>(p).unwrap()).collect();
        assert_eq!(values.len(), 3);
        assert!(join_parts(&[]).is_empty());
    }
}
