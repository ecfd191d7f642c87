#!/usr/bin/env python3
"""Side-by-side harness: triagekit (CLI and Python wheel) vs scikit-learn and fastText.

Trains and evaluates every contender on the same train/test split, each in its own process
(so its peak memory is that process's max RSS), and prints one markdown table: accuracy,
macro-F1, fit time (wall and CPU), batch throughput, single-ticket p50/p99 latency, model size
and peak memory, each also as a ratio to triagekit (the wheel row: all Python contenders are
timed the same way, from Python). Writes the table to target/compare.md and everything
(including per-contender notes) to target/compare.json.

    python benches/compare/compare.py                       # Banking77 from $TRIAGEKIT_BANKING77
    python benches/compare/compare.py --data DIR --text text --label category
    python benches/compare/compare.py --train a.csv [--test b.csv] --text "subject,body" --label category
    python benches/compare/compare.py --limit 200           # the smoke slice

Use benches/compare/run.sh to get the venv, wheel and CLI this needs.
"""

import argparse
import csv
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_CONTENDERS = ["triagekit-cli", "triagekit-cli-tuned", "triagekit-py", "sklearn-word", "sklearn-word-char", "fasttext"]
BASELINE = "triagekit-py"

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_data = os.environ.get("TRIAGEKIT_BANKING77", os.path.join(ROOT, "..", "shared", "datasets", "banking77"))
    p.add_argument("--data", help="folder with train.csv and test.csv (default: $TRIAGEKIT_BANKING77 or ../shared/datasets/banking77)")
    p.add_argument("--train", help="training CSV (instead of --data)")
    p.add_argument("--test", help="test CSV; without it, a seeded 20%% of --train is held out")
    p.add_argument("--text", default="text", help="text column(s), comma-separated, joined with newlines (default: text)")
    p.add_argument("--label", default="category", help="label column (default: category)")
    p.add_argument("--limit", type=int, help="use only N (seeded random) rows of train and of test, e.g. 200 for a smoke run")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--contenders", default=",".join(DEFAULT_CONTENDERS), help="comma-separated subset of " + ",".join(DEFAULT_CONTENDERS))
    p.add_argument("--cli", default=os.environ.get("TRIAGEKIT_CLI"), help="triagekit binary (default: $TRIAGEKIT_CLI, else <target>/release/triagekit)")
    p.add_argument("--repeats", type=int, default=3, help="batch throughput: best of N passes over the test set")
    p.add_argument("--latency-n", type=int, default=2000, help="single-ticket calls timed per contender")
    p.add_argument("--tune-budget-s", type=float, default=60.0, help="search budget of the triagekit-cli-tuned row (`train --tune --budget-s`)")
    p.add_argument("--out", default=None, help="output prefix (default: <target>/compare -> compare.md, compare.json)")
    args = p.parse_args(argv)
    if not args.train:
        args.data = args.data or default_data
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    if not args.cli:
        args.cli = os.path.join(target, "release", "triagekit")
    if not args.out:
        args.out = os.path.join(target, "compare")
    return args


def load_rows(path, text_cols, label_col):
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in text_cols + [label_col] if c not in (reader.fieldnames or [])]
        if missing:
            raise SystemExit(f"{path}: no column(s) {missing}; columns are {reader.fieldnames}")
        rows = []
        for r in reader:
            label = (r[label_col] or "").strip()
            text = "\n".join(r[c] for c in text_cols if (r[c] or "").strip())
            if label and text:
                rows.append((text, label))
    return rows


def prepare(args, workdir):
    """The split every contender sees, written as text,label CSVs; returns their paths and sizes."""
    text_cols = [c.strip() for c in args.text.split(",") if c.strip()]
    if args.train:
        train_path, test_path = args.train, args.test
    else:
        train_path, test_path = os.path.join(args.data, "train.csv"), os.path.join(args.data, "test.csv")
        if not (os.path.exists(train_path) and os.path.exists(test_path)):
            raise SystemExit(f"dataset not found: {args.data} needs train.csv and test.csv (set TRIAGEKIT_BANKING77 or pass --data/--train)")
    train = load_rows(train_path, text_cols, args.label)
    rng = random.Random(args.seed)
    if test_path:
        test = load_rows(test_path, text_cols, args.label)
    else:
        rng.shuffle(train)
        cut = max(1, len(train) // 5)
        test, train = train[:cut], train[cut:]
    if args.limit:
        rng.shuffle(train)
        rng.shuffle(test)
        train, test = train[: args.limit], test[: args.limit]
    paths = {}
    for name, rows in (("train", train), ("test", test)):
        paths[name] = os.path.join(workdir, f"{name}.csv")
        with open(paths[name], "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["text", "label"])
            w.writerows(rows)
    return paths, len(train), len(test), [label for _, label in test], train_path, test_path


def scores(truth, predicted):
    """Accuracy and macro-F1 over the classes present in the truth or the predictions."""
    n = len(truth)
    acc = sum(t == p for t, p in zip(truth, predicted)) / n if n else 0.0
    classes = sorted(set(truth) | set(predicted))
    f1s = []
    for c in classes:
        tp = sum(t == c and p == c for t, p in zip(truth, predicted))
        fp = sum(t != c and p == c for t, p in zip(truth, predicted))
        fn = sum(t == c and p != c for t, p in zip(truth, predicted))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    # Classes only ever predicted (never true) count as 0, as in scikit-learn's f1_score(average="macro").
    return acc, sum(f1s) / len(f1s) if f1s else 0.0


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))] if s else float("nan")


def run_contender(name, paths, workdir, args):
    out = os.path.join(workdir, f"{name}.json")
    cmd = [sys.executable, os.path.join(HERE, "contenders.py"), name, "--train", paths["train"], "--test", paths["test"],
           "--workdir", workdir, "--out", out, "--repeats", str(args.repeats), "--latency-n", str(args.latency_n)]
    if args.cli:
        cmd += ["--cli", args.cli]
    cmd += ["--tune-budget-s", str(args.tune_budget_s)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}: {err.decode(errors='replace').strip()[-2000:]}"}
    with open(out, encoding="utf-8") as f:
        result = json.load(f)
    result["wall_s"] = time.perf_counter() - t0
    # ru_maxrss (KiB on Linux) of the contender process (and any child it waited for).
    result.setdefault("peak_rss_bytes", ru.ru_maxrss * 1024)
    return result


COLUMNS = [
    # key, header, format, better ("hi" / "lo")
    ("accuracy", "accuracy", "{:.4f}", "hi"),
    ("macro_f1", "macro-F1", "{:.4f}", "hi"),
    ("fit_s", "fit s", "{:.2f}", "lo"),
    ("fit_cpu_s", "fit CPU s", "{:.2f}", "lo"),
    ("batch_per_s", "batch texts/s", "{:,.0f}", "hi"),
    ("batch_cpu_us_per_text", "batch CPU µs/text", "{:,.1f}", "lo"),
    ("p50_us", "1-ticket p50 µs", "{:,.1f}", "lo"),
    ("p99_us", "1-ticket p99 µs", "{:,.1f}", "lo"),
    ("model_mb", "model MB", "{:.2f}", "lo"),
    ("peak_rss_mb", "peak RSS MB", "{:,.0f}", "lo"),
]


def summarise(name, r, truth):
    if "error" in r or "skipped" in r:
        return {"name": name, **r}
    acc, f1 = scores(truth, r["predictions"])
    lat = r["latencies_s"]
    return {
        "name": name,
        "accuracy": acc,
        "macro_f1": f1,
        "fit_s": r["fit_s"],
        "fit_cpu_s": r["fit_cpu_s"],
        "batch_per_s": r["batch_per_s"],
        "batch_cpu_us_per_text": r["batch_cpu_s_per_text"] * 1e6,
        "p50_us": percentile(lat, 0.50) * 1e6,
        "p99_us": percentile(lat, 0.99) * 1e6,
        "model_mb": r["model_bytes"] / 1e6,
        "peak_rss_mb": r["peak_rss_bytes"] / 1e6,
        "notes": r.get("notes", ""),
    }


def ratio(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:.3g}" if x >= 0.01 else f"{x:.1g}"


def table(rows):
    base = next((r for r in rows if r["name"] == BASELINE and "accuracy" in r), None)
    head = "| contender | " + " | ".join(h for _, h, _, _ in COLUMNS) + " |"
    lines = [head, "|---|" + "---:|" * len(COLUMNS)]
    for r in rows:
        if "accuracy" not in r:
            why = r.get("skipped") or r.get("error", "").splitlines()[-1:] or ["failed"]
            lines.append(f"| {r['name']} | " + " | ".join(["—"] * len(COLUMNS)) + f" |  <!-- {why if isinstance(why, str) else why[0]} -->")
            continue
        cells = []
        for key, _, fmt, _ in COLUMNS:
            cell = fmt.format(r[key])
            if base and r is not base and base[key]:
                cell += f" ({ratio(r[key] / base[key])}×)"
            cells.append(cell)
        lines.append(f"| {r['name']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "os": platform.platform(), "load_avg": load}


def main(argv=None):
    args = parse_args(argv)
    names = [n.strip() for n in args.contenders.split(",") if n.strip()]
    unknown = [n for n in names if n not in DEFAULT_CONTENDERS]
    if unknown:
        raise SystemExit(f"unknown contender(s) {unknown}; choose from {DEFAULT_CONTENDERS}")
    with tempfile.TemporaryDirectory(prefix="triagekit-compare-") as workdir:
        paths, n_train, n_test, truth, train_src, test_src = prepare(args, workdir)
        m = machine()
        print(f"data: {n_train} train / {n_test} test rows from {train_src}" + (f" + {test_src}" if test_src else " (20% held out)"), file=sys.stderr)
        print(f"machine: {m['cpu']}, {m['cores']} cores, load {m['load_avg'][0]:.1f} at start", file=sys.stderr)
        rows = []
        for name in names:
            print(f"running {name} ...", file=sys.stderr, flush=True)
            rows.append(summarise(name, run_contender(name, paths, workdir, args), truth))
            r = rows[-1]
            print(f"  {name}: " + (f"accuracy {r['accuracy']:.4f}, fit {r['fit_s']:.2f} s" if "accuracy" in r else str(r.get("skipped") or r.get("error"))), file=sys.stderr)
    md = table(rows)
    m["load_avg_end"] = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    legend = (
        f"{n_train} train / {n_test} test rows; ratios (×) are to {BASELINE}. "
        "fit: wall (and CPU) seconds of the fit call; batch: texts/s predicting the whole test set, best of "
        f"{args.repeats}; 1-ticket: one text per call, {args.latency_n} calls (triagekit-cli: one whole `triagekit predict` process per ticket, "
        f"{max(20, min(args.latency_n // 10, 200))} launches); peak RSS: max RSS of the contender's process (triagekit-cli: of the CLI processes)."
    )
    print(md)
    print()
    print(legend)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out + ".md", "w", encoding="utf-8") as f:
        f.write(md + "\n\n" + legend + "\n")
    with open(args.out + ".json", "w", encoding="utf-8") as f:
        json.dump({"machine": m, "train_rows": n_train, "test_rows": n_test, "baseline": BASELINE,
                   "args": {k: v for k, v in vars(args).items()}, "rows": rows}, f, indent=2)
    failed = [r["name"] for r in rows if "error" in r]
    if failed:
        for r in rows:
            if "error" in r:
                print(f"{r['name']} failed: {r['error']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
