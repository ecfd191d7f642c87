//! Node.js addon for triagekit (napi-rs). This crate only converts values and maps errors; the
//! JS API users see (`Engine`, `Model`) lives in `../lib/*.js` and wraps the `Native*` classes
//! exported here.
//!
//! Every exported function runs its work inside [`error::guard`], so a panic becomes a JS
//! `Error` with code `INTERNAL` instead of aborting the Node process.

// `ErrorInfo` is ~130 bytes; it is built once per failure and never on the success path, so
// boxing it would only add an allocation where nothing is slow.
#![allow(clippy::result_large_err)]

mod batch;
mod convert;
mod engine;
mod error;
mod model;

use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;

pub use batch::set_max_slot_len_for_test;
pub use engine::NativeEngine;
pub use model::NativeModel;

/// Test hook: panics inside a guarded synchronous call, to prove panics surface as `INTERNAL`.
#[napi(js_name = "_panicForTest")]
pub fn panic_for_test(env: Env, message: String) -> napi::Result<()> {
    error::guard_js(&env, || -> Result<(), error::ErrorInfo> { panic!("{message}") })
}

/// Test hook: the same inside an async task's `compute` on a libuv thread.
#[napi(js_name = "_panicForTestAsync", ts_return_type = "Promise<void>")]
pub fn panic_for_test_async(message: String) -> AsyncTask<PanicTask> {
    AsyncTask::new(PanicTask { message, failure: None })
}

/// Async task that panics in `compute` (test hook only).
pub struct PanicTask {
    message: String,
    failure: Option<error::ErrorInfo>,
}

impl Task for PanicTask {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> napi::Result<()> {
        let message = self.message.clone();
        error::guard(move || -> Result<(), error::ErrorInfo> { panic!("{message}") })
            .map_err(|info| error::park(&mut self.failure, info))
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> napi::Result<()> {
        Ok(())
    }

    fn reject(&mut self, env: Env, error: napi::Error) -> napi::Result<()> {
        Err(error::unpark(&mut self.failure, &env, error))
    }
}
