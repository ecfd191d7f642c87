//! Helpers shared by the CLI-driven integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root, where `fixtures/` lives.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Runs the `triagekit` CLI from the workspace root; fails the test unless it succeeds.
pub fn triagekit(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_triagekit")).args(args).current_dir(root()).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}
