"""The app served on 127.0.0.1 by werkzeug's threaded server, hammered from 16 threads."""

import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug.serving import make_server

from helpdesk_data import ROSTER


@pytest.fixture()
def server(app):
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_port
    srv.shutdown()
    thread.join(timeout=10)


def request(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"null")
    finally:
        conn.close()


def capacity(agent):
    cap = agent["capacity"]
    return cap["max"] if isinstance(cap, dict) else cap


def test_concurrent_posts_lose_nothing_and_respect_capacity(server):
    subjects = ["printer jammed", "refund for invoice", "laptop broken", "invoice wrong"]
    tickets = [{"id": f"C-{i}", "subject": subjects[i % 4], "channel": ["email", "chat"][i % 2]} for i in range(200)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda t: request(server, "POST", "/tickets", t), tickets))
    assert all(status == 201 for status, _ in results), [r for r in results if r[0] != 201][:3]
    ids = [body["id"] for _, body in results]
    assert len(set(ids)) == 200
    assert sorted(body["external_id"] for _, body in results) == sorted(t["id"] for t in tickets)

    # Every ticket is stored once, with the agent it was given.
    stored = [request(server, "GET", f"/tickets/{i}")[1] for i in ids]
    assert [s["agent"] for s in stored] == [b["agent"] for _, b in results]

    per_agent = {}
    chats = {}
    for s in stored:
        if s["agent"]:
            per_agent[s["agent"]] = per_agent.get(s["agent"], 0) + 1
            if s["ticket"]["channel"] == "chat":
                chats[s["agent"]] = chats.get(s["agent"], 0) + 1
    for agent in ROSTER["agents"]:
        spare = capacity(agent) - agent.get("load", 0)
        assert per_agent.get(agent["id"], 0) == spare, (agent["id"], per_agent)  # filled, never over
    assert chats.get("ben", 0) <= 2

    # Closing concurrently: every ticket closes exactly once, duplicates get 409.
    assigned = [i for i, s in zip(ids, stored) if s["agent"]]
    attempts = assigned + assigned
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda i: request(server, "POST", f"/tickets/{i}/close")[0], attempts))
    assert statuses.count(200) == len(assigned) and statuses.count(409) == len(assigned)

    # All capacity is free again, and exactly that much: a new wave fills the same slots.
    with ThreadPoolExecutor(max_workers=16) as pool:
        wave = list(pool.map(lambda t: request(server, "POST", "/tickets", t), tickets[:60]))
    got = {}
    for _, body in wave:
        if body["agent"]:
            got[body["agent"]] = got.get(body["agent"], 0) + 1
    assert sum(got.values()) == len(assigned)
