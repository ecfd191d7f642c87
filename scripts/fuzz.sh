#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for MINUTES each (default 10) and prints libFuzzer's
# final stats per target (cov, ft, corpus, exec/s). Needs `cargo install cargo-fuzz`; works on
# the stable toolchain via RUSTC_BOOTSTRAP=1. Not part of CI.
#
#   scripts/fuzz.sh [MINUTES] [TARGET...]
#   FUZZ_JOBS=2 scripts/fuzz.sh 10         # two targets at a time (nice -n 10)
#   FUZZ_SANITIZER=none scripts/fuzz.sh 1  # without ASAN (faster; the default is address)
#
# New corpus entries go to fuzz/corpus/<target> (git-ignored); the committed seeds are in
# fuzz/seeds/<target>. Crashes land in fuzz/artifacts/<target>: turn each into a regression
# test in the owning crate. Logs: fuzz/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
MINUTES="${1:-10}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(rules_compile_eval rules_differential ticket_triage model_load csv_load)
fi
JOBS="${FUZZ_JOBS:-1}"
SAN="${FUZZ_SANITIZER:-address}"
SECS=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }')
export RUSTC_BOOTSTRAP=1
mkdir -p logs
cargo fuzz build -O -s "$SAN"

run_one() {
    local t="$1"
    mkdir -p "corpus/$t"
    # -timeout: one input taking >10 s is a finding; rss limit as libFuzzer's default.
    nice -n 10 cargo fuzz run -O -s "$SAN" "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"logs/$t.log" 2>&1 || echo "$t: FAILED (see fuzz/logs/$t.log, fuzz/artifacts/$t)" >&2
}

running=0
for t in "${TARGETS[@]}"; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait || true

printf '%-20s %10s %10s %10s %12s %8s\n' target runs cov ft exec/s corpus
for t in "${TARGETS[@]}"; do
    log="logs/$t.log"
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    runs=$(grep -oE 'stat::number_of_executed_units:[[:space:]]+[0-9]+' "$log" | awk '{print $2}' || true)
    eps=$(grep -oE 'stat::average_exec_per_sec:[[:space:]]+[0-9]+' "$log" | awk '{print $2}' || true)
    cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$last")
    corp=$(sed -nE 's/.*corp: ([0-9]+).*/\1/p' <<<"$last")
    printf '%-20s %10s %10s %10s %12s %8s\n' "$t" "${runs:-?}" "${cov:-?}" "${ft:-?}" "${eps:-?}" "${corp:-?}"
    ls "artifacts/$t" 2>/dev/null | sed "s|^|  artifact: fuzz/artifacts/$t/|" || true
done
