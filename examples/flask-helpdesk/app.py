"""A small helpdesk API on triagekit: triage + assign on POST, queues, close, hot reload, metrics,
and agents' re-assignments recorded as training rows for a warm-start retrain:

    curl -H "Authorization: Bearer $TOKEN" localhost:5000/admin/training-rows.csv > corrections.csv
    # all.csv = the original training CSV (columns text,category,group) + corrections.csv rows
    triagekit train --warm-start model.tkm --data all.csv --text text --label category --label group --out new.tkm
    curl -X POST -H "Authorization: Bearer $TOKEN" localhost:5000/admin/reload   # with MODEL=new.tkm

Run it:  TRIAGEKIT_ADMIN_TOKEN=secret flask --app app:create_app run
Under load serve it with a multi-threaded WSGI server, e.g.
         waitress-serve --threads 8 --connection-limit 2500 --call app:create_app
and optionally shed load: TRIAGEKIT_MAX_IN_FLIGHT=4 answers a request arriving while 4 are
being handled with 429 + Retry-After (off by default). waitress queues requests before a
thread runs the app, so keep the limit below --threads: the spare threads answer the 429s.
"""

import csv
import hmac
import io
import json
import os
import pathlib
import sqlite3
import threading
import time

from flask import Flask, g, jsonify, request

import triagekit

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]

DEFAULTS = {
    "RULES": str(ROOT / "fixtures" / "rules" / "helpdesk.rhai"),
    "MODEL": None,
    "AGENTS": str(ROOT / "fixtures" / "agents.json"),
    "ENGINE_OPTIONS": None,
    "DATABASE": str(HERE / "helpdesk.sqlite3"),
    "ADMIN_TOKEN": None,  # None: read TRIAGEKIT_ADMIN_TOKEN from the environment
    # Requests allowed in flight at once; more get 429 + Retry-After. None: read
    # TRIAGEKIT_MAX_IN_FLIGHT from the environment; unset or 0 there: no limit.
    "MAX_IN_FLIGHT": None,
    "RETRY_AFTER": 1,  # seconds, sent in the 429's Retry-After header
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS tickets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    external_id TEXT,
    grp         TEXT,
    agent       TEXT,
    channel     TEXT,
    status      TEXT NOT NULL DEFAULT 'open',
    ticket      TEXT NOT NULL,
    decision    TEXT NOT NULL,
    trace       TEXT NOT NULL,
    created_at  REAL NOT NULL,
    closed_at   REAL
);
CREATE INDEX IF NOT EXISTS tickets_queue ON tickets (grp, status);
-- One row per re-assignment: the ticket's text with the labels an agent corrected it to.
CREATE TABLE IF NOT EXISTS corrections (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
    text        TEXT NOT NULL,
    category    TEXT,
    grp         TEXT,
    created_at  REAL NOT NULL
);
"""

# Columns of GET /admin/training-rows.csv, as `triagekit train --text text --label category
# --label group` reads them.
TRAINING_COLUMNS = ("text", "category", "group")


def create_app(config=None):
    """Builds the app; `config` overrides DEFAULTS (RULES, MODEL, AGENTS, DATABASE, ...)."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    _init_db(app.config["DATABASE"])
    app.extensions["triagekit"] = triagekit.Engine(
        rules=app.config["RULES"],
        model=app.config["MODEL"],
        agents=_roster_with_open_tickets(app.config["AGENTS"], app.config["DATABASE"]),
        options=app.config["ENGINE_OPTIONS"],
    )
    app.teardown_appcontext(_close_db)
    _register_routes(app)
    limit = app.config["MAX_IN_FLIGHT"]
    if limit is None:
        limit = int(os.environ.get("TRIAGEKIT_MAX_IN_FLIGHT") or 0)
    if limit > 0:
        app.wsgi_app = InFlightLimiter(app.wsgi_app, limit, app.config["RETRY_AFTER"])
    return app


class InFlightLimiter:
    """WSGI middleware: at most `limit` requests in flight; the others are answered at once with
    429 Too Many Requests and `Retry-After`, so a spike is shed cheaply instead of piling up
    threads, SQLite writers and client timeouts."""

    def __init__(self, app, limit, retry_after=1):
        self.app = app
        self.limit = limit
        self.retry_after = retry_after
        self._slots = threading.BoundedSemaphore(limit)
        self.rejected = 0

    def __call__(self, environ, start_response):
        if not self._slots.acquire(blocking=False):
            self.rejected += 1
            body = json.dumps({"error": {"code": "TOO_MANY_REQUESTS",
                                         "message": f"more than {self.limit} requests in flight; retry later"}}).encode()
            start_response("429 Too Many Requests", [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("Retry-After", str(self.retry_after)),
            ])
            return [body]
        try:
            # Flask's responses are built in full by the time the app returns.
            return self.app(environ, start_response)
        finally:
            self._slots.release()


def engine() -> triagekit.Engine:
    """The app's engine (one per process: it is thread-safe and releases the GIL)."""
    from flask import current_app

    return current_app.extensions["triagekit"]


# One writer at a time inside this process. SQLite allows one writer anyway; letting 8 threads
# race for it makes the losers sleep in SQLite's busy handler (back-off steps up to 100 ms), which
# showed up as 1 s worst-case writes in the load plan. Readers never take this lock (WAL).
_WRITE_LOCK = threading.Lock()


def _connect(path):
    # WAL lets readers run while one writer commits; the timeout waits out short write locks
    # instead of failing requests under concurrency.
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def _init_db(path):
    conn = _connect(path)
    try:
        conn.executescript(SCHEMA)
    finally:
        conn.close()


def _roster_with_open_tickets(agents, database):
    """The roster with tickets still open in the database added to agents' loads, so a restarted
    app does not hand out capacity that is already taken."""
    if agents is None:
        return None
    if isinstance(agents, dict):
        roster = json.loads(json.dumps(agents))
    else:
        with open(agents, encoding="utf-8") as f:
            roster = json.load(f)
    conn = _connect(database)
    try:
        rows = conn.execute(
            "SELECT agent, channel, COUNT(*) FROM tickets WHERE status = 'open' AND agent IS NOT NULL"
            " GROUP BY agent, channel"
        ).fetchall()
    finally:
        conn.close()
    open_by_agent = {}
    for agent, channel, count in rows:
        # A per-channel load dict keeps channel caps right; tickets without a channel count
        # toward the total only.
        key = (channel or "").lower() or "_unspecified"
        open_by_agent.setdefault(agent, {})[key] = count
    for spec in roster.get("agents", []):
        extra = open_by_agent.get(spec.get("id"))
        if not extra:
            continue
        load = spec.get("load") or 0
        load = dict(load) if isinstance(load, dict) else {"_unspecified": load}
        for channel, count in extra.items():
            load[channel] = load.get(channel, 0) + count
        spec["load"] = load
    return roster


def db():
    """This request's SQLite connection (one per request/thread, closed at teardown)."""
    from flask import current_app

    if "db" not in g:
        g.db = _connect(current_app.config["DATABASE"])
    return g.db


def _close_db(_exc):
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def _error(status, message, **extra):
    body = {"error": {"message": message, **extra}}
    return jsonify(body), status


def _triage_error(err):
    """A TriageError as a JSON error body; bad tickets are the client's fault (422)."""
    status = 422 if isinstance(err, triagekit.InvalidTicketError) else 500
    fields = {k: getattr(err, k) for k in ("code", "field", "file", "line", "column") if getattr(err, k, None) is not None}
    return _error(status, str(err), **fields)


def _json_body():
    """The request's JSON object, or None when the body is missing, malformed or not an object."""
    body = request.get_json(silent=True, force=True)
    return body if isinstance(body, dict) else None


def _row_to_json(row):
    return {
        "id": row["id"],
        "external_id": row["external_id"],
        "status": row["status"],
        "group": row["grp"],
        "agent": row["agent"],
        "ticket": json.loads(row["ticket"]),
        "decision": json.loads(row["decision"]),
        "trace": json.loads(row["trace"]),
        "created_at": row["created_at"],
        "closed_at": row["closed_at"],
    }


def _ticket_text(ticket):
    """The text the model sees: subject and body joined by a newline, as the CLI joins columns."""
    parts = [ticket.get(k) for k in ("subject", "body")]
    return "\n".join(p for p in parts if isinstance(p, str) and p)


def _label(body, key):
    """A label from a reassign body: None when absent, else a non-empty string or ValueError."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} must be a non-empty string")
    return value.strip()


def _admin_denied():
    """None when the request carries the admin token; else the 401/403 response."""
    from flask import current_app

    token = current_app.config["ADMIN_TOKEN"] or os.environ.get("TRIAGEKIT_ADMIN_TOKEN")
    if not token:
        return _error(403, "admin endpoints are disabled: set TRIAGEKIT_ADMIN_TOKEN")
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return _error(401, "missing or wrong admin token (Authorization: Bearer ...)")
    return None


def _register_routes(app):
    @app.post("/tickets")
    def create_ticket():
        """Triages, assigns and stores a ticket; 201 with the stored record."""
        ticket = _json_body()
        if ticket is None:
            return _error(400, "request body must be a JSON object (Content-Type: application/json)")
        try:
            decision = engine().triage(ticket)
        except triagekit.TriageError as err:
            return _triage_error(err)
        trace = decision.pop("trace", {})
        channel = ticket.get("channel") if isinstance(ticket.get("channel"), str) else None
        values = (decision["ticket_id"], decision["group"], decision["agent"], channel,
                  json.dumps(ticket), json.dumps(decision), json.dumps(trace), time.time())
        try:
            with _WRITE_LOCK:
                cur = db().execute(
                    "INSERT INTO tickets (external_id, grp, agent, channel, ticket, decision, trace, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    values,
                )
        except Exception:
            # The engine already counted the ticket against the agent: give the capacity back.
            if decision["agent"]:
                engine().ticket_closed(decision["agent"], channel)
            raise
        row = db().execute("SELECT * FROM tickets WHERE id = ?", (cur.lastrowid,)).fetchone()
        return jsonify(_row_to_json(row)), 201

    @app.get("/tickets/<int:ticket_id>")
    def get_ticket(ticket_id):
        """One stored ticket with its decision and trace."""
        row = db().execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        if row is None:
            return _error(404, f"no ticket {ticket_id}")
        return jsonify(_row_to_json(row))

    @app.get("/queues/<group>")
    def queue(group):
        """Open tickets routed to a group, oldest first."""
        rows = db().execute(
            "SELECT id, external_id, agent, decision, created_at FROM tickets"
            " WHERE grp = ? AND status = 'open' ORDER BY id",
            (group,),
        ).fetchall()
        items = [
            {"id": r["id"], "external_id": r["external_id"], "agent": r["agent"],
             "priority": json.loads(r["decision"]).get("priority"), "created_at": r["created_at"]}
            for r in rows
        ]
        return jsonify({"group": group, "open": len(items), "tickets": items})

    @app.post("/tickets/<int:ticket_id>/close")
    def close_ticket(ticket_id):
        """Closes a ticket and frees its agent's capacity; closing twice is a 409."""
        conn = db()
        # The conditional UPDATE is the lock: of two concurrent closes only one changes the row,
        # so capacity is freed exactly once.
        with _WRITE_LOCK:
            cur = conn.execute(
                "UPDATE tickets SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'",
                (time.time(), ticket_id),
            )
        row = conn.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        if row is None:
            return _error(404, f"no ticket {ticket_id}")
        if cur.rowcount == 0:
            return _error(409, f"ticket {ticket_id} is already closed")
        if row["agent"]:
            try:
                engine().ticket_closed(row["agent"], row["channel"])
            except triagekit.RosterError:
                pass  # the agent left the roster since; nothing to free
        return jsonify(_row_to_json(row))

    @app.post("/tickets/<int:ticket_id>/reassign")
    def reassign(ticket_id):
        """Moves a ticket to another group and/or category (an agent's correction) and records
        the ticket text with the corrected labels as a training row. A changed group frees the
        agent's capacity and leaves the ticket unassigned in its new queue."""
        body = _json_body()
        if body is None:
            return _error(400, "request body must be a JSON object (Content-Type: application/json)")
        try:
            group, category = _label(body, "group"), _label(body, "category")
        except ValueError as err:
            return _error(400, str(err))
        if group is None and category is None:
            return _error(400, "give group and/or category")
        conn = db()
        with _WRITE_LOCK:
            row = conn.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
            if row is None:
                return _error(404, f"no ticket {ticket_id}")
            decision = json.loads(row["decision"])
            moved = group is not None and group != row["grp"]
            free = moved and row["status"] == "open" and row["agent"]
            new_group = group or row["grp"]
            new_category = category or decision.get("category")
            decision.update({"group": new_group, "category": new_category})
            if moved:
                decision["agent"] = None
            conn.execute("BEGIN")
            conn.execute(
                "UPDATE tickets SET grp = ?, agent = ?, decision = ? WHERE id = ?",
                (new_group, None if moved else row["agent"], json.dumps(decision), ticket_id),
            )
            conn.execute(
                "INSERT INTO corrections (ticket_id, text, category, grp, created_at) VALUES (?, ?, ?, ?, ?)",
                (ticket_id, _ticket_text(json.loads(row["ticket"])), new_category, new_group, time.time()),
            )
            conn.execute("COMMIT")
        if free:
            try:
                engine().ticket_closed(row["agent"], row["channel"])
            except triagekit.RosterError:
                pass  # the agent left the roster since; nothing to free
        updated = conn.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        return jsonify(_row_to_json(updated))

    @app.get("/admin/training-rows.csv")
    def training_rows():
        """The corrected tickets as CSV (`text,category,group`, the latest correction of each
        ticket), for `triagekit train --warm-start` together with the original training rows."""
        denied = _admin_denied()
        if denied:
            return denied
        rows = db().execute(
            "SELECT text, category, grp FROM corrections WHERE id IN"
            " (SELECT MAX(id) FROM corrections GROUP BY ticket_id) ORDER BY id"
        ).fetchall()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(TRAINING_COLUMNS)
        writer.writerows((r["text"], r["category"] or "", r["grp"] or "") for r in rows)
        return out.getvalue(), 200, {"Content-Type": "text/csv; charset=utf-8"}

    @app.post("/admin/reload")
    def reload():
        """Reloads rules and model from the configured paths (atomically, per part)."""
        denied = _admin_denied()
        if denied:
            return denied
        try:
            engine().reload_rules(app.config["RULES"])
            engine().set_model(app.config["MODEL"])
        except triagekit.TriageError as err:
            return _triage_error(err)
        return jsonify({"rules_version": engine().rules_version, "model_version": engine().model_version})

    @app.get("/metrics")
    def metrics():
        """Engine counters in Prometheus text format."""
        return engine().stats_prometheus(), 200, {"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}

    @app.errorhandler(400)
    def bad_request(err):
        return _error(400, getattr(err, "description", "bad request"))
