#!/usr/bin/env bash
# Main job: build the CLI, train the fixture model, triage the sample tickets with the fixture
# rules, model and roster. Works on a fresh machine with a Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p triagekit --bin triagekit
bin=target/release/triagekit
$bin rules check fixtures/rules/helpdesk.rhai >&2
$bin train --data fixtures/train/tickets.csv --text subject,body \
  --label category --label priority --label group --out target/fixture-model.tkm >&2
for tickets in fixtures/tickets/*.jsonl; do
  $bin triage --rules fixtures/rules/helpdesk.rhai --model target/fixture-model.tkm \
    --agents fixtures/agents.json --review-threshold 0.35 --no-trace < "$tickets"
done
