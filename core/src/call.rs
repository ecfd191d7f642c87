//! Per-call overrides of the engine options: what one triage call may set differently.

use crate::options::EngineOptions;

/// Settings one triage call may override; `None` follows the engine's [`EngineOptions`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// `Some(false)` is a dry run that leaves agents' loads alone.
    pub commit: Option<bool>,
    /// N-grams per head to explain in the trace's `model_explanation` (`Some(0)` = none).
    pub explain: Option<usize>,
}

/// [`CallOptions`] resolved against the options of the snapshot that decides.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Call {
    pub(crate) commit: bool,
    pub(crate) explain: usize,
}

impl CallOptions {
    /// Only a commit override (the older per-call argument).
    pub fn commit(commit: Option<bool>) -> CallOptions {
        CallOptions { commit, explain: None }
    }

    pub(crate) fn resolve(&self, options: &EngineOptions) -> Call {
        Call { commit: self.commit.unwrap_or(options.commit), explain: self.explain.unwrap_or(options.explain) }
    }
}
