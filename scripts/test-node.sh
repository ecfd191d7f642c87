#!/usr/bin/env bash
# Node addon + Express example tests. Needs only the Rust toolchain, Node 20+ and npm.
# Uses the default workspace target dir, so CI reuses the build `cargo test --workspace` made.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "-- build the addon (cargo build --release -p triagekit-node)"
cargo build --release -p triagekit-node --quiet
# Copy only: the build just ran. The copy is what `require('triagekit')` loads.
(cd bindings-node && CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-}" node build.js --no-cargo)

echo "-- npm ci (examples/express-helpdesk)"
# bindings-node has no npm dependencies; the example links it via file:../../bindings-node.
(cd examples/express-helpdesk && npm ci --no-audit --no-fund --loglevel=error)

# The panic-to-INTERNAL test panics on purpose; keep its report to one line.
export RUST_BACKTRACE=0

echo "-- node --test bindings-node"
(cd bindings-node && node --test test/*.test.js test/*.test.mjs)

echo "-- tsc --noEmit --strict (bindings-node/index.d.ts against test/types/usage.ts)"
# typescript is bindings-node's only (dev) dependency; the addon is built, so skip its install script.
(cd bindings-node && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts && npm run --silent test:types)

echo "-- node --test examples/express-helpdesk"
(cd examples/express-helpdesk && node --test test/*.test.js)
