"""Triage a large ticket table with Dask: every worker process gets the pickled engine and
triages its partitions with `Engine.triage_batch` (parallel in Rust, GIL released).

    python examples/dask_batch.py tickets.csv decisions.parquet \\
        --rules fixtures/rules/helpdesk.rhai --model model.tkm --agents fixtures/agents.json

Runs on a local cluster of worker processes by default; pass --scheduler tcp://host:8786 to use
a real Dask cluster with the same code. Decisions are dry runs (commit=False): each ticket is
decided against the roster as loaded, so results do not depend on partitioning or worker order.
Input and output may be CSV or Parquet (by file suffix / directory).
"""

import argparse
import math
import sys

import pandas as pd

import triagekit

# The output columns, in order; `tags` is ";"-joined so the table stays flat for CSV.
COLUMNS = {
    "ticket_id": "string",
    "category": "string",
    "priority": "string",
    "group": "string",
    "agent": "string",
    "tags": "string",
    "needs_review": "boolean",
    "review_reason": "string",
    "confidence": "float64",
    "error_code": "string",
    "error_message": "string",
}


def _present(value) -> bool:
    """False for the values pandas uses for a missing cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return not (isinstance(value, str) and value == "") and value is not pd.NA and value is not pd.NaT


def rows_to_tickets(frame: pd.DataFrame) -> list:
    """DataFrame rows -> ticket dicts, leaving out missing cells."""
    return [{k: v for k, v in row.items() if _present(v)} for row in frame.to_dict("records")]


def decisions_to_frame(decisions: list) -> pd.DataFrame:
    """Decision dicts (or error slots) -> the flat output table."""
    rows = []
    for d in decisions:
        if "error" in d:
            rows.append({"error_code": d["error"]["code"], "error_message": d["error"]["message"]})
            continue
        row = {k: d.get(k) for k in COLUMNS if k in d}
        row["tags"] = ";".join(d.get("tags") or [])
        rows.append(row)
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(COLUMNS)


def triage_partition(frame: pd.DataFrame, engine: triagekit.Engine) -> pd.DataFrame:
    """Triages one partition; runs inside a worker process."""
    out = decisions_to_frame(engine.triage_batch(rows_to_tickets(frame), trace=False))
    out.index = frame.index
    return out


def read_table(path: str):
    """A Dask DataFrame from CSV (all columns as text, as a helpdesk export has them) or Parquet."""
    import dask.dataframe as dd

    if path.endswith(".csv"):
        return dd.read_csv(path, dtype=str, keep_default_na=False, blocksize="16MB")
    return dd.read_parquet(path)


def write_table(frame, path: str) -> None:
    """Writes CSV (one file) or Parquet (a directory of parts)."""
    if path.endswith(".csv"):
        frame.to_csv(path, single_file=True, index=False)
    else:
        frame.to_parquet(path, write_index=False)


def run(input_path, output_path, engine, *, scheduler=None, n_workers=2, threads_per_worker=1, partitions=None):
    """Triages `input_path` into `output_path` on a Dask cluster; returns the row count."""
    import cloudpickle
    from dask.distributed import Client, LocalCluster

    # Ship this module's functions by value, so workers need triagekit installed but not this file.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    cluster = None
    if scheduler is None:
        # One thread per worker process: triage_batch already uses all cores of its process.
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker, processes=True,
                               dashboard_address=None)
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            # Send the engine to every worker once, instead of once per task.
            [engine_future] = client.scatter([engine], broadcast=True)
            frame = read_table(input_path)
            if partitions:
                frame = frame.repartition(npartitions=partitions)
            meta = decisions_to_frame([])
            decided = frame.map_partitions(triage_partition, engine_future, meta=meta)
            write_table(decided, output_path)
            return int(frame.shape[0].compute())
    finally:
        if cluster is not None:
            cluster.close()


def main(argv=None) -> int:
    """Command line entry point."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="tickets table (.csv or Parquet)")
    p.add_argument("output", help="decisions table (.csv or Parquet directory)")
    p.add_argument("--rules", required=True)
    p.add_argument("--model")
    p.add_argument("--agents")
    p.add_argument("--scheduler", help="address of an existing Dask scheduler (default: local cluster)")
    p.add_argument("--workers", type=int, default=2, help="local worker processes")
    args = p.parse_args(argv)
    engine = triagekit.Engine(rules=args.rules, model=args.model, agents=args.agents, options={"commit": False})
    rows = run(args.input, args.output, engine, scheduler=args.scheduler, n_workers=args.workers)
    print(f"triaged {rows} tickets into {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
