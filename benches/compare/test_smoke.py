"""Smoke test of the side-by-side harness: a 200-row slice through every contender, so the
harness cannot rot. Not a benchmark: it checks the table's shape and that values are sane.

Data: Banking77 ($TRIAGEKIT_BANKING77 or ../shared/datasets/banking77) when present, else the
fixture tickets (subject+body -> category, 20% held out). The CLI comes from $TRIAGEKIT_CLI or
<target>/release/triagekit (scripts/test-python.sh builds it); fastText runs only if installed.
"""

import importlib.util
import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import compare  # noqa: E402

pytest.importorskip("sklearn", reason="scikit-learn is not installed")
pytest.importorskip("triagekit", reason="the triagekit wheel is not installed")


def cli_path():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.environ.get("TRIAGEKIT_CLI") or os.path.join(target, "release", "triagekit")


def data_args():
    b77 = os.environ.get("TRIAGEKIT_BANKING77", os.path.join(ROOT, "..", "shared", "datasets", "banking77"))
    if os.path.exists(os.path.join(b77, "train.csv")) and os.path.exists(os.path.join(b77, "test.csv")):
        return ["--data", b77, "--text", "text", "--label", "category"]
    return ["--train", os.path.join(ROOT, "fixtures", "train", "tickets.csv"), "--text", "subject,body", "--label", "category"]


def test_harness_on_200_rows(tmp_path, capsys):
    cli = cli_path()
    if not os.path.exists(cli):
        pytest.fail(f"triagekit CLI not built at {cli}: run `cargo build --release --bin triagekit` or set TRIAGEKIT_CLI")
    out = tmp_path / "compare"
    code = compare.main(data_args() + ["--limit", "200", "--latency-n", "200", "--repeats", "1", "--cli", cli, "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed

    report = json.loads((tmp_path / "compare.json").read_text())
    rows = {r["name"]: r for r in report["rows"]}
    assert list(rows) == compare.DEFAULT_CONTENDERS
    have_fasttext = importlib.util.find_spec("fasttext") is not None
    for name, r in rows.items():
        if name == "fasttext" and not have_fasttext:
            assert r.get("skipped"), r
            continue
        assert "error" not in r, r
        assert 0.0 <= r["macro_f1"] <= 1.0 and 0.0 <= r["accuracy"] <= 1.0, r
        # 200 training rows still beat chance (1/77 on Banking77; fastText needs more data).
        assert r["accuracy"] > 0.05, r
        assert r["fit_s"] > 0 and r["fit_cpu_s"] >= 0, r
        assert r["batch_per_s"] > 100, r
        assert 0 < r["p50_us"] <= r["p99_us"] < 5e6, r
        assert r["model_mb"] > 0, r
        assert 5 < r["peak_rss_mb"] < 8000, r
    # The two triagekit rows run the same trainer with the same seed: same predictions.
    assert rows["triagekit-cli"]["accuracy"] == pytest.approx(rows["triagekit-py"]["accuracy"], abs=1e-9)

    table = (tmp_path / "compare.md").read_text()
    lines = [l for l in table.splitlines() if l.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header == ["contender"] + [h for _, h, _, _ in compare.COLUMNS]
    assert [l.split("|")[1].strip() for l in lines[2:]] == compare.DEFAULT_CONTENDERS
    # Every peer cell carries its ratio to triagekit.
    for l in lines[2:]:
        if not l.startswith("| triagekit-py") and "—" not in l:
            assert l.count("×)") == len(compare.COLUMNS), l
    assert table in printed or lines[0] in printed
