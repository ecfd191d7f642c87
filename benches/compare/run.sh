#!/usr/bin/env bash
# Side-by-side harness, one command:
#   bash benches/compare/run.sh [compare.py args]      # default: Banking77 from $TRIAGEKIT_BANKING77
#   bash benches/compare/run.sh --data DIR --text text --label category
# Builds the triagekit CLI (release) and the Python wheel, installs scikit-learn, fasttext-wheel
# and the wheel into its own venv (target/compare-venv; $TRIAGEKIT_COMPARE_VENV to move it),
# then runs benches/compare/compare.py. Needs a Rust toolchain and python3 >= 3.9 with venv.
# Set TRIAGEKIT_COMPARE_NO_FASTTEXT=1 to leave fastText out (it is skipped if it fails to install).
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-python3}"
TARGET="${CARGO_TARGET_DIR:-target}"
VENV="${TRIAGEKIT_COMPARE_VENV:-$TARGET/compare-venv}"

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
# Pinned so the comparison is repeatable; bump deliberately.
"${PIP[@]}" "maturin==1.16.0" "scikit-learn==1.9.1" "psutil==7.2.2"
if [ -z "${TRIAGEKIT_COMPARE_NO_FASTTEXT:-}" ]; then
  # fasttext-wheel 0.9.2 + numpy 2: the harness calls the C++ binding (model.f.predict) directly.
  "${PIP[@]}" "fasttext-wheel==0.9.2" || echo "fasttext-wheel did not install; fastText will be skipped" >&2
fi

echo "building the triagekit CLI and wheel (release) ..." >&2
cargo build --release --quiet --bin triagekit
rm -f "$TARGET"/wheels/triagekit-*.whl
"$VENV/bin/maturin" build --release --quiet -m bindings-python/Cargo.toml -o "$TARGET/wheels" \
  --interpreter "$VENV/bin/python"
"${PIP[@]}" --force-reinstall --no-deps "$TARGET"/wheels/triagekit-*.whl

exec "$VENV/bin/python" benches/compare/compare.py --cli "$TARGET/release/triagekit" "$@"
