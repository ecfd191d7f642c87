#!/usr/bin/env bash
# Proves no Rust test depends on the machine's clock or time zone: builds the workspace's test
# binaries once, then runs each under libfaketime (Debian's `faketime`, installed if missing) at
# a weekday 03:00 UTC, a weekday 12:00 UTC and a Saturday 23:30 UTC, and at one of those in two
# more zones. The clock starts at the given instant and runs forward, so code that waits for time
# to pass still finishes. Prints one PASS/FAIL line per clock and binary, then a summary line;
# exits 1 if any run failed. Usage: scripts/test-clocks.sh [binary-name-filter]
# TEST_CLOCKS_CARGO_ARGS="-p triagekit" limits the build to some packages (default: workspace).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never RUST_BACKTRACE=0
FILTER="${1:-}"

if ! command -v faketime >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq faketime >/dev/null
  else
    # Not run is not passed: say so, and leave the verdict to the runs that could happen.
    echo "clocks: skipped (faketime is missing and cannot be installed: apt-get install faketime)"
    exit 0
  fi
fi

# "zone|instant" pairs; the instant is absolute (UTC), the zone is what the tests see as local.
CLOCKS=(
  "UTC|2026-12-01 03:00:00 UTC"
  "UTC|2026-12-01 12:00:00 UTC"
  "UTC|2026-12-05 23:30:00 UTC"
  "America/Los_Angeles|2026-12-01 03:00:00 UTC"
  "Asia/Kolkata|2026-12-01 03:00:00 UTC"
)

LIST="$(mktemp)"
LOGS="$(mktemp -d)"
trap 'rm -f "$LIST"' EXIT
started=$SECONDS
# One build; each test artifact's executable and the package dir cargo would run it from.
# shellcheck disable=SC2086 # word splitting of the package arguments is intended
if ! cargo test --release --no-run --message-format=json ${TEST_CLOCKS_CARGO_ARGS:-} 2>"$LOGS/build.log" > "$LOGS/build.json"; then
  tail -30 "$LOGS/build.log" >&2
  echo "build failed (log: $LOGS/build.log)" >&2
  exit 1
fi
python3 -c '
import json, os, sys
for line in sys.stdin:
    try:
        msg = json.loads(line)
    except ValueError:
        continue
    if msg.get("reason") == "compiler-artifact" and msg.get("executable") and msg.get("profile", {}).get("test"):
        print(msg["executable"] + "\t" + os.path.dirname(msg["manifest_path"]))
' < "$LOGS/build.json" | sort -u > "$LIST"
echo "built $(wc -l < "$LIST") test binaries in $((SECONDS - started)) s; logs in $LOGS"

passed=0
failed=0
for clock in "${CLOCKS[@]}"; do
  zone="${clock%%|*}"
  instant="${clock#*|}"
  clock_started=$SECONDS
  clock_failed=0
  while IFS=$'\t' read -r exe dir; do
    name="$(basename "$exe")"
    if [ -n "$FILTER" ] && [[ "$name" != *"$FILTER"* ]]; then continue; fi
    log="$LOGS/$(echo "$zone-$instant" | tr ' /:' '___')-$name.log"
    # -m: the thread-safe libfaketime, since the test harness runs tests on many threads.
    if (cd "$dir" && CARGO_MANIFEST_DIR="$dir" TZ="$zone" timeout 900 faketime -m "$instant" "$exe" >"$log" 2>&1); then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      clock_failed=$((clock_failed + 1))
      echo "FAIL [$zone, $instant] $name (log: $log)"
      grep -E "^test .* FAILED|^---- |panicked at" "$log" | head -20 | sed 's/^/    /'
    fi
  done < "$LIST"
  if [ "$clock_failed" = 0 ]; then
    echo "PASS [$zone, $instant] every binary ($((SECONDS - clock_started)) s)"
  else
    echo "FAIL [$zone, $instant] $clock_failed binaries failed ($((SECONDS - clock_started)) s)"
  fi
done
echo "binary runs under fake clocks took $((SECONDS - started)) s in all"
echo "clocks: $passed passed, $failed failed"
[ "$failed" = 0 ]
