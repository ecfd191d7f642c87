//! triagekit: triage support tickets with admin-written rules, a text model and agent assignment.
//!
//! ```no_run
//! use triagekit::{Engine, EngineOptions, Ticket};
//! let engine = Engine::from_paths("fixtures/rules/helpdesk.rhai".as_ref(), None, None, EngineOptions::default())?;
//! let ticket = Ticket::from_json(r#"{"id": "1", "subject": "VPN is down", "channel": "email"}"#)?;
//! let decision = engine.triage(&ticket)?;
//! println!("{}", serde_json::to_string(&decision).unwrap());
//! # Ok::<(), triagekit::TriageError>(())
//! ```

#![warn(missing_docs)]
// Library code returns typed errors instead of panicking on input; tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod assign;
#[cfg(feature = "report")]
pub mod report;
mod batch;
mod call;
mod decide;
mod decision;
mod engine;
mod error;
mod error_details;
mod options;
mod prometheus;
mod engine_state;
mod snapshot;
mod stats;
mod ticket;

pub use decision::{Decision, DecisionJson, ModelTrace, Trace};
pub use batch::PinnedSnapshot;
pub use call::CallOptions;
pub use engine::Engine;
pub use error::{Result, TriageError};
pub use error_details::{catch_panic, panic_message, ErrorCode, ErrorDetails};
pub use options::EngineOptions;
pub use engine_state::{is_rule_source, load_rules, load_rules_arg, load_rules_source, EngineState};
pub use stats::{LatencyStats, RuleStats, StatsSnapshot};
pub use ticket::{Ticket, MAX_TRIAGE_TEXT};
pub use triagekit_model as model;
/// The process-aware thread pool all parallel work runs on (rebuilt in a forked child).
pub use triagekit_model::parallel;
pub use triagekit_rules as rules;
