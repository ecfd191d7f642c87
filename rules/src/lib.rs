//! Sandboxed Rhai rule DSL.
