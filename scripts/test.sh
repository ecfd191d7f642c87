#!/usr/bin/env bash
# Every test: Rust workspace, then the Python wheel and Flask example, then the Node addon and
# Express example. Installs what it needs (maturin, pytest, npm packages) on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# Each bad-input suite writes the error fields it saw here; stale files would hide a suite
# that stopped running.
rm -rf target/bad-inputs
echo "== Rust"
cargo test --release --quiet 2>&1
echo "== Rust: report render test in headless Chromium"
if [ -x /usr/bin/chromium ]; then
  cargo test --release --quiet -p triagekit --test report_render -- --ignored 2>&1
elif [ -n "${TRIAGEKIT_REQUIRE_BROWSER:-}" ]; then
  echo "report render test: /usr/bin/chromium missing but TRIAGEKIT_REQUIRE_BROWSER is set"; exit 1
else
  echo "report render test: SKIPPED (no /usr/bin/chromium; apt-get install chromium)"
fi
echo "== Rust: module cycles and file sizes (scripts/module-cycles.py)"
python3 scripts/module-cycles.py core/src model/src rules/src
echo "== Rust: the bindings link no CLI (no clap, no indicatif)"
for crate in triagekit-python triagekit-node; do
  if cargo tree -p "$crate" -e normal --prefix none | grep -E '^(clap|indicatif) '; then
    echo "$crate depends on the CLI's crates"; exit 1
  fi
done
echo "bindings: no clap, no indicatif"
echo "== Rust under fake clocks (scripts/test-clocks.sh)"
bash scripts/test-clocks.sh
for part in scripts/test-python.sh scripts/test-node.sh; do
  if [ -f "$part" ]; then
    echo "== $part"
    bash "$part"
  fi
done
echo "== Error fields: the same in Rust, the CLI, Python and Node (scripts/compare-error-fields.py)"
python3 scripts/compare-error-fields.py
