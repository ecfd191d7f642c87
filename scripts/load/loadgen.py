"""Load plan for the example helpdesk services (run by scripts/load/run.sh; not part of CI).

Fires a bounded number of HTTP requests at one service on 127.0.0.1 and appends one JSON line
per case to --out. Every case is bounded in count *and* time; the process never waits forever.

Cases (the seed's performance-test plan; counts as in the plan, concurrency scaled to the box):
  sustained_500   500 tickets arriving at --rate per second (plan: 500 within 5 min, <= 2 s each)
  concurrent_1000 1,000 clients at once, each creating --per-client tickets (no timeout/error)
  spike_2000      2,000 tickets fired at the same instant (one connection each)
  db_10k          10,000 reads/writes: 60% GET /tickets/<id>, 20% POST /tickets,
                  20% POST /tickets/<id>/close (<= 0.5 s each)
  classify_100    100 tickets classified at once (<= 1.5 s each)
  throttle_2000   2,000 at once against an app started with a small in-flight limit: excess
                  requests get 429 + Retry-After; clients retry after Retry-After (<= 30 retries)
"""

import argparse
import asyncio
import json
import random
import re
import sqlite3
import statistics
import time

import aiohttp

SUBJECTS = [
    ("Forgot my password", "I am locked out of my account after too many attempts, please reset it."),
    ("Charged twice for my subscription", "My invoice shows a duplicate charge. Please refund the second payment."),
    ("Printer on floor 3 jams", "The printer next to the kitchen keeps jamming with every print job."),
    ("Suspicious email asking for my login", "Looks like phishing: it asks me to confirm my password on a strange link."),
    ("Lost my card", "I think I lost my card at the station, please block it and send a new one."),
    ("Wifi drops every few minutes", "The office wifi keeps disconnecting on all laptops in meeting room B."),
    ("Laptop will not boot", "Black screen after the update this morning, I have a meeting in an hour."),
    ("Refund not received", "I returned the item three weeks ago and still have no refund."),
]
CHANNELS = ["email", "chat", "phone", "web"]


def ticket(case, n):
    subject, body = SUBJECTS[n % len(SUBJECTS)]
    return {
        "id": f"{case}-{n}",
        "subject": subject,
        "body": body,
        "requester": f"user{n}@example.com",
        "channel": CHANNELS[n % len(CHANNELS)],
        "created_at": "2026-11-23T10:30:00Z",
    }


class Tally:
    """Latencies and outcomes of one case."""

    def __init__(self):
        self.latencies = []
        self.status = {}
        self.errors = 0
        self.error_samples = []
        self.created_ids = []
        self.retry_after_missing = 0
        self.tickets_sent = 0

    def add(self, latency, status):
        self.latencies.append(latency)
        self.status[status] = self.status.get(status, 0) + 1

    def error(self, what):
        self.errors += 1
        if len(self.error_samples) < 3:
            self.error_samples.append(what)


async def call(session, tally, method, url, body=None, ok=(200, 201), timeout=30.0, retries=0):
    """One request (plus up to `retries` retries of a 429 after its Retry-After); records the
    latency of each attempt. Returns the JSON body of a successful response, else None."""
    for attempt in range(retries + 1):
        started = time.perf_counter()
        try:
            async with session.request(method, url, json=body, timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
                data = await resp.read()
                tally.add(time.perf_counter() - started, resp.status)
                if resp.status == 429:
                    retry_after = resp.headers.get("Retry-After")
                    if retry_after is None:
                        tally.retry_after_missing += 1
                    if attempt < retries:
                        # Retry-After, backing off as the same request keeps being refused.
                        backoff = min(2 ** (attempt / 4), 8.0)
                        await asyncio.sleep(float(retry_after or 1) * backoff * (0.5 + random.random()))
                        continue
                    return None
                if resp.status not in ok:
                    tally.error(f"{method} {url} -> {resp.status} {data[:120]!r}")
                    return None
                return json.loads(data) if data else None
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            tally.add(time.perf_counter() - started, "exception")
            tally.error(f"{method} {url}: {type(exc).__name__} {exc}")
            return None
    return None


def connector(limit):
    return aiohttp.TCPConnector(limit=limit, limit_per_host=limit, force_close=False, ttl_dns_cache=300)


async def post_ticket(session, tally, base, body, **kw):
    tally.tickets_sent += 1
    got = await call(session, tally, "POST", f"{base}/tickets", body, ok=(201,), **kw)
    if got is not None:
        tally.created_ids.append(got.get("id"))
    return got


async def at_once(base, n, case, retries=0, timeout=60.0):
    """n POSTs, one connection each, released together once every connection is open."""
    tally = Tally()
    async with aiohttp.ClientSession(connector=connector(0)) as session:
        gate = asyncio.Event()

        async def one(i):
            await gate.wait()
            await post_ticket(session, tally, base, ticket(case, i), retries=retries, timeout=timeout)

        tasks = [asyncio.create_task(one(i)) for i in range(n)]
        await asyncio.sleep(0.2)
        started = time.perf_counter()
        gate.set()
        await asyncio.gather(*tasks)
        return tally, time.perf_counter() - started


async def sustained(base, n, rate, case):
    tally = Tally()
    async with aiohttp.ClientSession(connector=connector(64)) as session:
        started = time.perf_counter()
        tasks = []
        for i in range(n):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post_ticket(session, tally, base, ticket(case, i))))
        await asyncio.gather(*tasks)
        return tally, time.perf_counter() - started


async def clients(base, n_clients, per_client, case):
    tally = Tally()
    async with aiohttp.ClientSession(connector=connector(0)) as session:
        gate = asyncio.Event()

        async def client(c):
            await gate.wait()
            for k in range(per_client):
                await post_ticket(session, tally, base, ticket(case, c * per_client + k))

        tasks = [asyncio.create_task(client(c)) for c in range(n_clients)]
        await asyncio.sleep(0.2)
        started = time.perf_counter()
        gate.set()
        await asyncio.gather(*tasks)
        return tally, time.perf_counter() - started


async def db_mix(base, n, concurrency, case, known_ids):
    """Reads and writes on the store through the API; ids come from earlier cases."""
    tally = Tally()
    ids = list(known_ids)
    rng = random.Random(7)
    counter = iter(range(n))
    async with aiohttp.ClientSession(connector=connector(concurrency)) as session:

        async def worker():
            for i in counter:
                roll = rng.random()
                if roll < 0.6 and ids:
                    await call(session, tally, "GET", f"{base}/tickets/{rng.choice(ids)}", ok=(200,), timeout=10)
                elif roll < 0.8 or not ids:
                    got = await post_ticket(session, tally, base, ticket(case, i), timeout=10)
                    if got:
                        ids.append(got["id"])
                else:
                    # Closing an already closed ticket is a 409: a correct answer, not an error.
                    await call(session, tally, "POST", f"{base}/tickets/{rng.choice(ids)}/close", ok=(200, 409), timeout=10)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return tally, time.perf_counter() - started


def stored_count(args):
    """Tickets in the service's store: the Flask app's SQLite file, or Express' /metrics."""
    if args.sqlite:
        conn = sqlite3.connect(args.sqlite, timeout=30)
        try:
            return conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
        finally:
            conn.close()
    import urllib.request

    text = urllib.request.urlopen(f"{args.base}/metrics", timeout=30).read().decode()
    return sum(int(m.group(1)) for m in re.finditer(r'^helpdesk_tickets\{status="[^"]+"\} (\d+)$', text, re.M))


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q / 100 * len(values))) - 1))]


def summarise(app, case, tally, elapsed, sent_tickets, stored_delta, limit_s, note=""):
    lat = [x for x in tally.latencies]
    rejected = tally.status.get(429, 0)
    created = tally.status.get(201, 0)
    p99 = pct(lat, 99)
    ok = (tally.errors == 0 and stored_delta == created and (limit_s is None or max(lat, default=0) <= limit_s)
          and tally.retry_after_missing == 0)
    return {
        "app": app, "case": case, "requests": len(lat), "elapsed_s": round(elapsed, 2),
        "p50_ms": round(pct(lat, 50) * 1000, 1), "p95_ms": round(pct(lat, 95) * 1000, 1),
        "p99_ms": round(p99 * 1000, 1), "max_ms": round(max(lat, default=0) * 1000, 1),
        "throughput_rps": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "errors": tally.errors, "rejected_429": rejected, "tickets_sent": sent_tickets,
        "tickets_created_201": created, "tickets_stored": stored_delta,
        "limit_ms": None if limit_s is None else int(limit_s * 1000), "pass": ok,
        "error_samples": tally.error_samples, "note": note,
    }


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--app", required=True)
    ap.add_argument("--sqlite", help="the Flask app's database (to count stored tickets)")
    ap.add_argument("--cases", default="sustained_500,concurrent_1000,spike_2000,db_10k,classify_100")
    ap.add_argument("--rate", type=float, default=50.0, help="sustained_500 arrivals per second")
    ap.add_argument("--per-client", type=int, default=3)
    ap.add_argument("--db-concurrency", type=int, default=32)
    ap.add_argument("--case-timeout", type=float, default=240.0)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    known_ids = []
    for case in args.cases.split(","):
        before = stored_count(args)
        if case == "sustained_500":
            run, limit, note = sustained(args.base, 500, args.rate, case), 2.0, f"{args.rate:g}/s arrivals; plan: 500 in 300 s"
        elif case == "concurrent_1000":
            run, limit, note = clients(args.base, 1000, args.per_client, case), None, f"1000 clients x {args.per_client}, 30 s client timeout"
        elif case == "spike_2000":
            run, limit, note = at_once(args.base, 2000, case), None, "2000 connections released together"
        elif case == "db_10k":
            run, limit, note = db_mix(args.base, 10_000, args.db_concurrency, case, known_ids), 0.5, f"60% read / 20% create / 20% close, {args.db_concurrency} clients"
        elif case == "classify_100":
            run, limit, note = at_once(args.base, 100, case), 1.5, "100 connections released together"
        elif case == "throttle_2000":
            run, limit, note = at_once(args.base, 2000, case, retries=30), None, "limiter on (Flask: in-flight 4; Express: 50 req/s token bucket); 429s retried after Retry-After with backoff"
        else:
            raise SystemExit(f"unknown case {case}")
        try:
            tally, elapsed = await asyncio.wait_for(run, timeout=args.case_timeout)
        except asyncio.TimeoutError:
            tally, elapsed = Tally(), args.case_timeout
            tally.error(f"case did not finish within {args.case_timeout} s")
        stored = stored_count(args) - before
        known_ids.extend(i for i in tally.created_ids if i is not None)
        sent = tally.tickets_sent
        row = summarise(args.app, case, tally, elapsed, sent, stored, limit, note)
        if case == "throttle_2000":
            # Success here means: nothing failed, every ticket eventually stored once.
            row["pass"] = row["pass"] and row["tickets_created_201"] == 2000 and row["rejected_429"] > 0
        with open(args.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
