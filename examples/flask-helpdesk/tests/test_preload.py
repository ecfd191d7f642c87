"""`gunicorn --preload -w 2`: the app (with a model trained in the master) is loaded once and
forked into two workers; both must answer, including parallel work (batch triage, predict)
that used to hang forever in a forked child."""

import http.client
import json
import os
import pathlib
import socket
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

HERE = pathlib.Path(__file__).resolve().parent
FIXED_NOW = "2026-11-23T10:00:00Z"

# The WSGI module gunicorn preloads: the example app plus one test-only route that runs the
# engine's parallel paths and says which worker answered.
WSGI = textwrap.dedent('''
    import os, sys, time
    sys.path.insert(0, {example!r})
    import triagekit
    from flask import jsonify
    from app import create_app

    texts = ["vpn is down", "refund my invoice", "printer jammed", "password reset"] * 60
    labels = ["network", "billing", "hardware", "access"] * 60
    model = triagekit.Model.fit(texts, labels, seed=3)   # parallel work in the master
    model.predict(texts)
    app = create_app({{"DATABASE": {database!r}, "MODEL": model, "ADMIN_TOKEN": "t",
                      "ENGINE_OPTIONS": {{"now": {now!r}}}}})
    app.extensions["triagekit"].triage_batch([{{"subject": t}} for t in texts], commit=False)

    @app.post("/test/batch")
    def batch():
        engine = app.extensions["triagekit"]
        decisions = engine.triage_batch([{{"subject": t}} for t in texts], commit=False)
        predicted = model.predict(texts)
        time.sleep(0.2)  # keep this worker busy so the next request goes to the other one
        return jsonify({{"pid": os.getpid(), "decisions": len(decisions), "predicted": len(predicted)}})
''')


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(port, path, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"null")
    finally:
        conn.close()


@pytest.fixture()
def preloaded(tmp_path):
    (tmp_path / "tk_preload_wsgi.py").write_text(
        WSGI.format(example=str(HERE.parent), database=str(tmp_path / "db.sqlite3"), now=FIXED_NOW))
    port = _free_port()
    log = open(tmp_path / "gunicorn.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--preload", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--timeout", "60", "tk_preload_wsgi:app"],
        cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, log.seek(0) or log.read()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_both_preloaded_workers_answer_triage_and_batch(preloaded):
    pids = set()
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(10):  # bounded: stop as soon as both workers have answered
            for status, body in pool.map(lambda _: _post(preloaded, "/test/batch", {}), range(4)):
                assert status == 200, body
                assert body["decisions"] == 240 and body["predicted"] == 240
                pids.add(body["pid"])
            if len(pids) == 2:
                break
    assert len(pids) == 2, pids
    status, body = _post(preloaded, "/tickets", {"id": "G-1", "subject": "printer jammed"})
    assert status == 201 and body["decision"]["ticket_id"] == "G-1"
