"""Test data helpers: fixture paths, sample tickets, training rows (unique module name so it
does not clash with other test directories' helpers)."""

import csv
import json
import pathlib


ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
RULES = FIXTURES / "rules" / "helpdesk.rhai"
AGENTS = FIXTURES / "agents.json"
TICKETS = FIXTURES / "tickets" / "sample.jsonl"
TRAIN = FIXTURES / "train" / "tickets.csv"
# A Monday 10:00 UTC: engines get it as `now`, so tickets without created_at route the same at any hour.
FIXED_NOW = "2026-11-23T10:00:00Z"

# A small labelled set used when fixtures/train/tickets.csv is absent, so the tests stand alone.
_SYNTHETIC = {
    ("access", "P4"): ["forgot my password", "locked out of my account", "reset my password please",
                       "cannot log in, account locked", "password expired and login fails"],
    ("network", "P2"): ["vpn is down", "wifi keeps disconnecting", "cannot reach the intranet",
                        "network outage in the office", "vpn connection drops every hour"],
    ("billing", "P3"): ["charged twice on my invoice", "refund not received", "payment failed at checkout",
                        "wrong amount on the invoice", "billing address is wrong on my bill"],
    ("hardware", "P4"): ["printer is jammed", "laptop screen flickers", "keyboard not working",
                         "monitor has no signal", "mouse stopped working after update"],
}


def sample_tickets():
    """The valid JSON lines of fixtures/tickets/sample.jsonl."""
    out = []
    for line in TICKETS.read_text(encoding="utf-8").splitlines():
        try:
            ticket = json.loads(line)
        except ValueError:
            continue
        if isinstance(ticket, dict) and isinstance(ticket.get("subject", ""), str):
            out.append(ticket)
    return out


def training_rows():
    """(texts, category labels, priority labels) from the fixture CSV, else the synthetic set."""
    if TRAIN.exists():
        with TRAIN.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        if rows and "category" in rows[0]:
            texts = [" ".join(filter(None, [r.get("subject"), r.get("body")])) for r in rows]
            cats = [r.get("category") or None for r in rows]
            prios = [r.get("priority") or None for r in rows] if "priority" in rows[0] else None
            return texts, cats, prios
    texts, cats, prios = [], [], []
    for (cat, prio), examples in _SYNTHETIC.items():
        for i, text in enumerate(examples * 3):
            texts.append(f"{text} (case {i})")
            cats.append(cat)
            prios.append(prio)
    return texts, cats, prios



def strip_timing(decision):
    """A decision without its wall-time field, for equality checks."""
    decision = json.loads(json.dumps(decision))
    decision.get("trace", {}).pop("elapsed_us", None)
    return decision
