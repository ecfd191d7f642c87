//! Node bindings (placeholder until the binding lands).
