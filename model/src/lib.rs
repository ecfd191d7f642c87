//! Text model.
