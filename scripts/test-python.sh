#!/usr/bin/env bash
# Python part of the test suite: builds the abi3 wheel with maturin, installs it into a fresh
# venv with the example dependencies, and runs the binding (scikit-learn estimator checks
# included), Flask and Dask tests.
# Needs only a Rust toolchain and python3 (>= 3.9) with pip; uses the workspace target dir so
# CI reuses what `cargo test --workspace` already compiled. Also runs the side-by-side
# benchmark harness's smoke test (benches/compare, 200 rows; fastText only if installed).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${TRIAGEKIT_PY_VENV:-target/py-venv}"

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
# Pinned so a new release upstream cannot turn CI red overnight; bump deliberately.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "maturin==1.16.0" "pytest==9.2.0" "flask==3.1.3" "pandas==3.1.1" \
  "dask[distributed]==2026.8.0" "pyarrow==26.0.1" "scikit-learn==1.9.1" "gunicorn==27.0.1"

rm -f target/wheels/triagekit-*.whl
"$VENV/bin/maturin" build --release --quiet -m bindings-python/Cargo.toml -o target/wheels \
  --interpreter "$VENV/bin/python"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
  target/wheels/triagekit-*.whl

# Checks the wheel installs into a clean venv with plain pip and imports without extras.
"$VENV/bin/python" -c "import triagekit, sys; print('triagekit', triagekit.__version__, 'on Python', sys.version.split()[0])"

# The CLI for the harness smoke test (already built by `cargo test --release` in scripts/test.sh).
cargo build --release --quiet --bin triagekit
export TRIAGEKIT_CLI="${CARGO_TARGET_DIR:-target}/release/triagekit"

# scikit-learn is installed above: its estimator checks must run here, not report skipped.
export TRIAGEKIT_REQUIRE_SKLEARN=1
"$VENV/bin/python" -m pytest -q -p no:cacheprovider -o log_level=WARNING \
  bindings-python/tests examples/flask-helpdesk/tests examples/test_dask_batch.py \
  benches/compare/test_smoke.py
