#!/usr/bin/env bash
# Load plan for the example services (NOT run in CI): starts the Flask example under waitress
# (multi-threaded WSGI) and the Express example, each on 127.0.0.1 with a fresh store and a
# model trained from the fixtures, runs the plan's cases (scripts/load/loadgen.py) against each,
# then restarts each with a small in-flight limit and checks a 2,000-ticket spike is throttled
# with 429 + Retry-After rather than failed. Prints the table and writes target/load-report.md.
#
# Bounded: fixed request counts, a time limit per case and for the whole run (LOAD_TIMEOUT,
# default 900 s); only 127.0.0.1 is contacted. Needs python3 (>= 3.9) with venv, Node 20+, npm,
# and a triagekit wheel in target/wheels (scripts/test-python.sh builds one; else maturin runs).
#
# Knobs: LOAD_APPS="flask express", LOAD_RATE (sustained_500 arrivals/s, default 50),
#        LOAD_THROTTLE_FLASK: in-flight limit of the Flask throttle case (default 4, below
#        waitress' 8 threads: waitress queues requests before they reach the WSGI app);
#        LOAD_THROTTLE_EXPRESS_RPS: token-bucket rate of the Express throttle case (default 50/s;
#        Node reads requests one at a time, so an in-flight count never sees a spike).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=target/load
VENV=target/load-venv
APPS="${LOAD_APPS:-flask express}"
RATE="${LOAD_RATE:-50}"
LIMIT_S="${LOAD_TIMEOUT:-900}"
mkdir -p "$WORK"
[ -n "${LOAD_KEEP:-}" ] || rm -f "$WORK/results.jsonl"  # LOAD_KEEP=1 appends to an earlier run

# The whole run stops by itself.
if [ -z "${LOAD_INNER:-}" ]; then
  LOAD_INNER=1 exec timeout --kill-after=10 "$LIMIT_S" bash "$0" "$@"
fi

PIDS=()
cleanup() { for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "-- load venv ($VENV): waitress, aiohttp, flask, triagekit wheel"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "waitress==3.0.2" "aiohttp==3.12.15" "flask==3.1.3"
if ls target/wheels/triagekit-*.whl >/dev/null 2>&1; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps target/wheels/triagekit-*.whl
elif ! "$VENV/bin/python" -c "import triagekit" 2>/dev/null; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "maturin==1.16.0"
  "$VENV/bin/maturin" build --release --quiet -m bindings-python/Cargo.toml -o target/wheels --interpreter "$VENV/bin/python"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps target/wheels/triagekit-*.whl
fi

echo "-- model from fixtures/train/tickets.csv"
"$VENV/bin/python" - "$WORK/model.tkm" <<'PY'
import csv, sys, triagekit
rows = list(csv.DictReader(open("fixtures/train/tickets.csv", encoding="utf-8")))
texts = [f"{r['subject']}\n{r['body']}" for r in rows]
triagekit.Model.fit(texts, {"category": [r["category"] for r in rows], "priority": [r["priority"] for r in rows]}, seed=42).save(sys.argv[1])
PY

if printf '%s' "$APPS" | grep -q express; then
  [ -f bindings-node/triagekit.node ] || (cd bindings-node && npm run build)
  [ -d examples/express-helpdesk/node_modules ] || (cd examples/express-helpdesk && npm ci --no-audit --no-fund --loglevel=error)
fi

wait_ready() {  # url pid
  for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null "$1/metrics" 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || { echo "server exited"; return 1; }
    sleep 0.2
  done
  echo "server not ready: $1"; return 1
}

start_app() {  # app port max_in_flight [rate_limit] -> sets SERVER_PID, DB
  local app=$1 port=$2 limit=$3 rate=${4:-}
  DB="$ROOT/$WORK/$app-$port.sqlite3"
  rm -f "$DB" "$DB-wal" "$DB-shm"
  if [ "$app" = flask ]; then
    TRIAGEKIT_MODEL="$ROOT/$WORK/model.tkm" TRIAGEKIT_DB="$DB" TRIAGEKIT_MAX_IN_FLIGHT="$limit" \
      PYTHONPATH="$ROOT/scripts/load" "$VENV/bin/waitress-serve" --host 127.0.0.1 --port "$port" \
      --threads 8 --connection-limit 4000 --backlog 4096 --asyncore-use-poll --channel-timeout 120 \
      flask_entry:app >"$WORK/$app-$port.log" 2>&1 &
  else
    (cd examples/express-helpdesk && TRIAGEKIT_MODEL="$ROOT/$WORK/model.tkm" TRIAGEKIT_MAX_IN_FLIGHT="$limit" \
      TRIAGEKIT_RATE_LIMIT="$rate" HOST=127.0.0.1 PORT="$port" exec node server.js) >"$WORK/$app-$port.log" 2>&1 &
  fi
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  wait_ready "http://127.0.0.1:$port" "$SERVER_PID"
}

stop_app() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }

port=18180
for app in $APPS; do
  port=$((port + 1))
  echo "== $app: plan cases on 127.0.0.1:$port"
  start_app "$app" "$port" 0
  sqlite=(); [ "$app" = flask ] && sqlite=(--sqlite "$DB")
  "$VENV/bin/python" scripts/load/loadgen.py --base "http://127.0.0.1:$port" --app "$app" "${sqlite[@]}" \
    --rate "$RATE" --out "$WORK/results.jsonl" --case-timeout 240 >/dev/null
  stop_app
  port=$((port + 1))
  if [ "$app" = flask ]; then
    echo "== $app: throttle case (in-flight limit ${LOAD_THROTTLE_FLASK:-4}) on 127.0.0.1:$port"
    start_app "$app" "$port" "${LOAD_THROTTLE_FLASK:-4}"
  else
    echo "== $app: throttle case (token bucket ${LOAD_THROTTLE_EXPRESS_RPS:-50}/s) on 127.0.0.1:$port"
    start_app "$app" "$port" 0 "${LOAD_THROTTLE_EXPRESS_RPS:-50}"
  fi
  sqlite=(); [ "$app" = flask ] && sqlite=(--sqlite "$DB")
  "$VENV/bin/python" scripts/load/loadgen.py --base "http://127.0.0.1:$port" --app "$app" "${sqlite[@]}" \
    --cases throttle_2000 --out "$WORK/results.jsonl" --case-timeout 240 >/dev/null
  stop_app
done

{
  echo "# Load test of the example services"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load generator and server on the same machine (127.0.0.1)."
  echo "Flask: waitress, 8 threads, one process (one engine), SQLite file. Express: one Node process, sql.js in memory. Each case starts on the data the previous ones left."
  echo
  "$VENV/bin/python" scripts/load/report.py "$WORK/results.jsonl"
} | tee target/load-report.md
