"""Per-ticket triage latency from Python (p50/p99), batch throughput, and scikit-learn's
predict on one ticket for scale. Writes the model it trains to target/bench-model.tkm so
`cargo run --release --example rust_latency -p triagekit-python` can time core on the same setup.

    python bindings-python/benches/latency.py
"""

import csv
import json
import pathlib
import statistics
import time

import triagekit

ROOT = pathlib.Path(__file__).resolve().parents[2]


def percentile(samples, q):
    """The q-quantile of a list of numbers."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def time_calls(fn, tickets, rounds):
    """Per-call wall times in microseconds."""
    out = []
    for _ in range(rounds):
        for t in tickets:
            start = time.perf_counter_ns()
            fn(t)
            out.append((time.perf_counter_ns() - start) / 1000)
    return out


def main():
    with open(ROOT / "fixtures" / "train" / "tickets.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts = [f"{r['subject']}\n{r['body']}".strip() for r in rows]
    labels = {h: [r[h] or None for r in rows] for h in ("category", "priority", "group")}
    model = triagekit.Model.fit(texts, labels)
    out = ROOT / "target" / "bench-model.tkm"
    out.parent.mkdir(exist_ok=True)
    model.save(out)

    tickets = []
    for line in (ROOT / "fixtures" / "tickets" / "sample.jsonl").read_text().splitlines():
        try:
            t = json.loads(line)
        except ValueError:
            continue
        if isinstance(t, dict) and isinstance(t.get("subject", ""), str):
            tickets.append(t)
    engine = triagekit.Engine(
        rules=str(ROOT / "fixtures" / "rules" / "helpdesk.rhai"),
        model=model,
        agents=str(ROOT / "fixtures" / "agents.json"),
        options={"commit": False, "review_threshold": 0.35},
    )
    for t in tickets * 50:  # warm-up: per-thread rule engines, caches
        engine.triage(t)

    results = {}
    for trace in (True, False):
        samples = time_calls(lambda t: engine.triage(t, trace=trace), tickets, 400)
        results[f"triage trace={trace}"] = (percentile(samples, 0.5), percentile(samples, 0.99))
    core = engine.stats()["latency_us"]
    batch = tickets * 2000
    start = time.perf_counter()
    engine.triage_batch(batch, trace=False)
    batch_rate = len(batch) / (time.perf_counter() - start)
    start = time.perf_counter()
    engine.triage_batch(batch, trace=True)
    batch_rate_trace = len(batch) / (time.perf_counter() - start)

    print(f"tickets: {len(tickets)} fixture tickets, model heads {model.heads_}")
    for name, (p50, p99) in results.items():
        print(f"python {name:<22} p50 {p50:7.1f} us   p99 {p99:7.1f} us")
    print(f"core (engine.stats, inside Rust) p50 {core['p50']:.1f} us p99 {core['p99']:.1f} us (histogram buckets)")
    print(f"triage_batch trace=False: {batch_rate:,.0f} tickets/s; trace=True: {batch_rate_trace:,.0f} tickets/s")
    one = texts[:1]
    samples = time_calls(lambda _: model.predict(one), [None], 2000)
    print(f"triagekit Model.predict one text p50 {statistics.median(samples):.1f} us")
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline
        from sklearn.svm import LinearSVC
    except ImportError:
        print("scikit-learn not installed: skipped")
        return
    clf = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LinearSVC(C=0.5))
    clf.fit(texts, [c or "" for c in labels["category"]])
    samples = time_calls(lambda _: clf.predict(one), [None], 2000)
    print(f"scikit-learn TF-IDF+LinearSVC predict one text p50 {statistics.median(samples):.1f} us")


if __name__ == "__main__":
    main()
