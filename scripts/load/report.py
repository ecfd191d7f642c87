"""Renders the JSON lines of loadgen.py as the Markdown table of target/load-report.md."""

import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
out = [
    "| app | case | requests | p50 ms | p95 ms | p99 ms | max ms | limit ms | req/s | errors | 429s | tickets stored / sent | pass |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
]
for r in rows:
    limit = "-" if r["limit_ms"] is None else r["limit_ms"]
    out.append(
        f"| {r['app']} | {r['case']} | {r['requests']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} "
        f"| {limit} | {r['throughput_rps']} | {r['errors']} | {r['rejected_429']} "
        f"| {r['tickets_stored']} / {r['tickets_sent']} | {'yes' if r['pass'] else 'NO'} |"
    )
notes = sorted({f"- `{r['case']}`: {r['note']}" for r in rows if r.get("note")})
samples = [f"- {r['app']} {r['case']}: {s}" for r in rows for s in r.get("error_samples", [])]
text = "\n".join(out) + "\n\n" + "\n".join(notes) + "\n"
if samples:
    text += "\nError samples:\n" + "\n".join(samples) + "\n"
print(text)
