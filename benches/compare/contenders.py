"""One contender of the side-by-side harness, run in its own process by compare.py.

    python contenders.py NAME --train train.csv --test test.csv --workdir DIR --out result.json

train.csv / test.csv are the harness's prepared split (columns `text,label`). The result
holds the test-set predictions (compare.py scores every contender with the same code), fit
wall/CPU seconds, batch throughput, single-ticket latencies and the model's size in bytes.
Peak memory is measured by compare.py from outside (this process's max RSS).
"""

import argparse
import csv
import json
import os
import pickle
import resource
import subprocess
import sys
import time

CONTENDERS = ["triagekit-cli", "triagekit-cli-tuned", "triagekit-py", "sklearn-word", "sklearn-word-char", "fasttext"]


def read_split(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def cpu_now():
    """CPU seconds (user + system, all threads) of this process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def timed_fit(fit):
    cpu0, t0 = cpu_now(), time.perf_counter()
    model = fit()
    return model, time.perf_counter() - t0, cpu_now() - cpu0


def batch_throughput(predict_all, texts, repeats):
    """Best of `repeats` whole-test-set calls after one warm-up call (texts per second, CPU s/text)."""
    predict_all(texts)
    best, best_cpu = float("inf"), 0.0
    for _ in range(repeats):
        cpu0, t0 = cpu_now(), time.perf_counter()
        predict_all(texts)
        wall, cpu = time.perf_counter() - t0, cpu_now() - cpu0
        if wall < best:
            best, best_cpu = wall, cpu
    return len(texts) / best, best_cpu / len(texts)


def latencies(predict_one, texts, n):
    """Per-call seconds of `n` single-text calls (cycling through the test texts), after a warm-up."""
    for t in texts[: min(200, len(texts))]:
        predict_one(t)
    out = []
    for i in range(n):
        t = texts[i % len(texts)]
        t0 = time.perf_counter_ns()
        predict_one(t)
        out.append((time.perf_counter_ns() - t0) / 1e9)
    return out


# ---------------------------------------------------------------- triagekit through the CLI


def wait_child(proc):
    """Waits for `proc`; returns (exit code, max RSS bytes, CPU seconds) of that child."""
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, ru.ru_maxrss * 1024, ru.ru_utime + ru.ru_stime


def run_cli(cmd, stdin=None, stdout=None):
    proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read() if proc.stdout else b""
    err = proc.stderr.read()
    code, rss, cpu = wait_child(proc)
    if code != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({code}): {err.decode(errors='replace')}")
    return out.decode(), rss, cpu


def triagekit_cli_tuned(args, train, test):
    """`triagekit train --tune`: CV search within the budget, then the best fitted on all rows."""
    result = triagekit_cli(args, train, test, ["--tune", "--budget-s", str(args.tune_budget_s)])
    result["notes"] = f"as triagekit-cli, trained with --tune --budget-s {args.tune_budget_s:g} (fit_s includes the search); chosen: {result['chosen']}"
    return result


def triagekit_cli(args, train, test, extra=()):
    cli = args.cli
    if not cli or not os.path.exists(cli):
        raise SystemExit(f"triagekit CLI not found at {cli!r} (pass --cli or set TRIAGEKIT_CLI)")
    model_path = os.path.join(args.workdir, "cli-tuned-model.tkm" if extra else "cli-model.tkm")
    t0 = time.perf_counter()
    out, train_rss, train_cpu = run_cli(
        [cli, "train", "--data", args.train, "--text", "text", "--label", "label", "--out", model_path, "--seed", "42", *extra]
    )
    process_wall = time.perf_counter() - t0
    # `trained in X s` is the fit alone (no process start, no CSV parsing), like the peers' timing.
    fit_s = next((float(l.split()[2]) for l in out.splitlines() if l.startswith("trained in ")), process_wall)
    chosen = next((l.split(": chosen ", 1)[1] for l in out.splitlines() if ": chosen " in l), None)

    jsonl = os.path.join(args.workdir, "test.jsonl")
    with open(jsonl, "w", encoding="utf-8") as f:
        for t in test[0]:
            f.write(json.dumps({"text": t}) + "\n")
    predict_cmd = [cli, "predict", "--model", model_path, "--k", "1"]

    def predict_file():
        with open(jsonl, "rb") as stdin:
            t0 = time.perf_counter()
            out, rss, cpu = run_cli(predict_cmd, stdin=stdin)
            return out, rss, cpu, time.perf_counter() - t0

    out, predict_rss, _, _ = predict_file()
    predictions = [json.loads(l)["predictions"]["label"]["label"] for l in out.splitlines() if l.strip()]
    best, best_cpu = float("inf"), 0.0
    for _ in range(args.repeats):
        _, rss, cpu, wall = predict_file()
        predict_rss = max(predict_rss, rss)
        if wall < best:
            best, best_cpu = wall, cpu

    # Single-ticket latency through the CLI: `triagekit predict` streams JSON Lines with buffered
    # output (it flushes at the end of input), so one ticket = one process: start, model load,
    # predict, exit. That is what a script calling the CLI per ticket sees; the library's own
    # per-ticket latency is the triagekit-py row (and `cargo bench`).
    lines = [(json.dumps({"text": t}) + "\n").encode() for t in test[0]]
    lat = []
    calls = max(20, min(args.latency_n // 10, 200))
    for i in range(calls + 5):
        t0 = time.perf_counter_ns()
        proc = subprocess.Popen(predict_cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        proc.communicate(lines[i % len(lines)])
        elapsed = (time.perf_counter_ns() - t0) / 1e9
        if i >= 5:  # the first few warm the page cache
            lat.append(elapsed)
    return {
        "predictions": predictions,
        "fit_s": fit_s,
        "fit_cpu_s": train_cpu,  # whole `triagekit train` process (CSV parsing included)
        "batch_per_s": len(test[0]) / best,  # whole `triagekit predict` process: start, load, JSON in/out
        "batch_cpu_s_per_text": best_cpu / len(test[0]),
        "latencies_s": lat,
        "model_bytes": os.path.getsize(model_path),
        # The Python driver of this contender only spawns the CLI: report the CLI's own peak.
        "peak_rss_bytes": max(train_rss, predict_rss),
        "chosen": chosen or "-",
        "notes": "fit from `triagekit train` output; batch = whole `triagekit predict` process per test set (1 thread); latency = one `triagekit predict` process per ticket (start + model load + predict)",
    }


# ---------------------------------------------------------------- triagekit through the wheel


def triagekit_py(args, train, test):
    import triagekit

    model, fit_s, fit_cpu = timed_fit(lambda: triagekit.Model.fit(train[0], train[1], seed=42))
    predictions = list(model.predict(test[0]))
    per_s, cpu_per = batch_throughput(model.predict, test[0], args.repeats)
    lat = latencies(lambda t: model.predict([t]), test[0], args.latency_n)
    return {
        "predictions": predictions,
        "fit_s": fit_s,
        "fit_cpu_s": fit_cpu,
        "batch_per_s": per_s,
        "batch_cpu_s_per_text": cpu_per,
        "latencies_s": lat,
        "model_bytes": len(model.to_bytes()),
        "notes": f"triagekit {triagekit.__version__}, Model.fit(seed=42) defaults (C=0.5); model.predict(list)",
    }


# ---------------------------------------------------------------- scikit-learn


def sklearn_pipeline(with_chars):
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    if not with_chars:
        return make_pipeline(word, LinearSVC(C=1.0))
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    return make_pipeline(FeatureUnion([("word", word), ("char", chars)]), LinearSVC(C=0.5))


def sklearn(with_chars):
    def run(args, train, test):
        import sklearn as sk

        pipe = sklearn_pipeline(with_chars)
        _, fit_s, fit_cpu = timed_fit(lambda: pipe.fit(train[0], train[1]))
        predictions = [str(p) for p in pipe.predict(test[0])]
        per_s, cpu_per = batch_throughput(pipe.predict, test[0], args.repeats)
        lat = latencies(lambda t: pipe.predict([t]), test[0], args.latency_n)
        return {
            "predictions": predictions,
            "fit_s": fit_s,
            "fit_cpu_s": fit_cpu,
            "batch_per_s": per_s,
            "batch_cpu_s_per_text": cpu_per,
            "latencies_s": lat,
            "model_bytes": len(pickle.dumps(pipe, protocol=pickle.HIGHEST_PROTOCOL)),
            "notes": f"scikit-learn {sk.__version__}; " + (
                "TF-IDF word 1-2 + char_wb 2-5 (sublinear) + LinearSVC(C=0.5)" if with_chars
                else "TF-IDF word 1-2 (sublinear) + LinearSVC(C=1)"
            ) + "; size = pickled pipeline",
        }

    return run


# ---------------------------------------------------------------- fastText


def fasttext_run(args, train, test):
    try:
        import fasttext
    except ImportError:
        return {"skipped": "fasttext-wheel not installed"}
    path = os.path.join(args.workdir, "fasttext-train.txt")
    labels = sorted(set(train[1]))
    # fastText reads one line per example: escape newlines, label as a whitespace-free token.
    token = {l: "__label__" + "".join(c if not c.isspace() else "_" for c in l) for l in labels}
    back = {v: k for k, v in token.items()}
    clean = lambda t: " ".join(t.split())
    with open(path, "w", encoding="utf-8") as f:
        for text, label in zip(*train):
            f.write(f"{token[label]} {clean(text)}\n")
    threads = os.cpu_count() or 1
    model, fit_s, fit_cpu = timed_fit(
        lambda: fasttext.train_supervised(
            input=path, wordNgrams=2, minn=2, maxn=5, epoch=50, thread=threads, seed=42, verbose=0
        )
    )
    # The C++ binding directly: with numpy 2, fasttext-wheel 0.9.2's model.predict() raises.
    f = model.f

    def one(t):
        return f.predict(clean(t), 1, 0.0, "strict")

    def predict_all(texts):
        return [one(t) for t in texts]

    predictions = [back.get(p[0][1], p[0][1]) if p else "" for p in predict_all(test[0])]
    per_s, cpu_per = batch_throughput(predict_all, test[0], args.repeats)
    lat = latencies(one, test[0], args.latency_n)
    model_path = os.path.join(args.workdir, "fasttext.bin")
    model.save_model(model_path)
    size = os.path.getsize(model_path)
    os.remove(model_path)
    return {
        "predictions": predictions,
        "fit_s": fit_s,
        "fit_cpu_s": fit_cpu,
        "batch_per_s": per_s,
        "batch_cpu_s_per_text": cpu_per,
        "latencies_s": lat,
        "model_bytes": size,
        "notes": f"fasttext-wheel; wordNgrams=2 minn=2 maxn=5 epoch=50 dim=100 bucket=2M, {threads} threads; batch = loop (no batch API); size = save_model .bin",
    }


RUNNERS = {
    "triagekit-cli": triagekit_cli,
    "triagekit-cli-tuned": triagekit_cli_tuned,
    "triagekit-py": triagekit_py,
    "sklearn-word": sklearn(False),
    "sklearn-word-char": sklearn(True),
    "fasttext": fasttext_run,
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("name", choices=CONTENDERS)
    p.add_argument("--train", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--cli")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--latency-n", type=int, default=2000)
    p.add_argument("--tune-budget-s", type=float, default=60.0)
    args = p.parse_args()
    train, test = read_split(args.train), read_split(args.test)
    result = RUNNERS[args.name](args, train, test)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    sys.exit(main())
