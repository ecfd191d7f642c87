#!/usr/bin/env bash
# Every test: Rust workspace, then the Python wheel and Flask example, then the Node addon and
# Express example. Installs what it needs (maturin, pytest, npm packages) on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
echo "== Rust"
cargo test --release --quiet 2>&1
echo "== Rust under fake clocks (scripts/test-clocks.sh)"
bash scripts/test-clocks.sh
for part in scripts/test-python.sh scripts/test-node.sh; do
  if [ -f "$part" ]; then
    echo "== $part"
    bash "$part"
  fi
done
