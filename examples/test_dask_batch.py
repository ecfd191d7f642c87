"""examples/dask_batch.py on 2 worker processes gives the same decisions as triage_batch."""

import json
import pathlib
import sys

import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("dask.distributed")

import triagekit  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import dask_batch  # noqa: E402


def sample_rows(n):
    base = []
    for line in (ROOT / "fixtures" / "tickets" / "sample.jsonl").read_text().splitlines():
        try:
            t = json.loads(line)
        except ValueError:
            continue
        if isinstance(t, dict) and isinstance(t.get("subject", ""), str):
            base.append(t)
    rows = []
    for i in range(n):
        t = dict(base[i % len(base)])
        t["id"] = f"D-{i}"
        t["tags"] = ";".join(t.get("tags", []))
        t.pop("fields", None)  # nested custom fields do not fit a flat table
        rows.append({k: ("" if v is None else str(v)) for k, v in t.items()})
    rows.append({"id": "D-bad", "subject": "impact out of range", "impact": "9"})
    return rows


@pytest.fixture(scope="module")
def engine():
    texts = ["vpn down", "password reset", "refund invoice", "printer jammed"] * 5
    labels = ["network", "access", "billing", "hardware"] * 5
    model = triagekit.Model.fit(texts, labels)
    return triagekit.Engine(
        rules=str(ROOT / "fixtures" / "rules" / "helpdesk.rhai"),
        model=model,
        agents=str(ROOT / "fixtures" / "agents.json"),
        # A fixed clock: rows without created_at route the same at any hour of the run.
        options={"commit": False, "now": "2026-11-23T10:00:00Z"},
    )


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_dask_matches_triage_batch(tmp_path, engine, suffix):
    rows = sample_rows(400)
    frame = pd.DataFrame(rows).fillna("")
    src = tmp_path / f"tickets{suffix}"
    if suffix == ".csv":
        frame.to_csv(src, index=False)
    else:
        frame.to_parquet(src, index=False)
    out = tmp_path / f"decisions{suffix}"
    count = dask_batch.run(str(src), str(out), engine, n_workers=2, partitions=4)
    assert count == len(rows)

    got = pd.read_csv(out, dtype=str, keep_default_na=False) if suffix == ".csv" else pd.read_parquet(out)
    local = pd.read_csv(src, dtype=str, keep_default_na=False) if suffix == ".csv" else pd.read_parquet(src)
    expected = dask_batch.decisions_to_frame(engine.triage_batch(dask_batch.rows_to_tickets(local), trace=False))
    assert len(got) == len(expected)
    # A CSV round trip loses types and writes missing values as "": compare as text.
    norm = lambda df: df.astype(object).where(df.notna(), "").astype(str).reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(norm(got), norm(expected), check_dtype=False)
    assert (norm(got)["error_code"] == "INVALID_TICKET").sum() == 1
    assert (norm(got)["agent"] != "").sum() > 0
