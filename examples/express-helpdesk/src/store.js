'use strict';
// Ticket storage in SQLite via sql.js (SQLite compiled to wasm, shipped inside the npm tarball:
// no native build, no download at install). The database lives in memory; with a file path it
// is loaded at start and written back shortly after each change (writes are coalesced, so a
// burst of 200 POSTs costs one export, not 200) and on close.

const fs = require('node:fs');
const initSqlJs = require('sql.js');

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS tickets (
    id          TEXT PRIMARY KEY,
    ticket      TEXT NOT NULL,
    decision    TEXT NOT NULL,
    trace       TEXT NOT NULL,
    grp         TEXT,
    agent       TEXT,
    channel     TEXT,
    priority    TEXT,
    status      TEXT NOT NULL DEFAULT 'open',
    created_at  TEXT NOT NULL,
    closed_at   TEXT
  );
  CREATE INDEX IF NOT EXISTS tickets_queue ON tickets (grp, status);
`;

/** Open a store; `file` is optional (memory only without it). */
async function openStore({ file, saveDelayMs = 200 } = {}) {
  const SQL = await initSqlJs();
  const db = file && fs.existsSync(file) ? new SQL.Database(fs.readFileSync(file)) : new SQL.Database();
  db.run(SCHEMA);
  let timer = null;

  const save = () => {
    timer = null;
    if (!file) return;
    // Write then rename so a crash mid-write never leaves a truncated database.
    fs.writeFileSync(`${file}.tmp`, Buffer.from(db.export()));
    fs.renameSync(`${file}.tmp`, file);
  };
  const changed = () => {
    if (file && !timer) timer = setTimeout(save, saveDelayMs).unref();
  };
  const one = (sql, params) => {
    const statement = db.prepare(sql);
    try {
      statement.bind(params);
      return statement.step() ? statement.getAsObject() : null;
    } finally {
      statement.free();
    }
  };
  const all = (sql, params) => {
    const statement = db.prepare(sql);
    try {
      statement.bind(params);
      const rows = [];
      while (statement.step()) rows.push(statement.getAsObject());
      return rows;
    } finally {
      statement.free();
    }
  };

  return {
    /** Whether a ticket id is taken. */
    has(id) {
      return one('SELECT 1 FROM tickets WHERE id = ?', [id]) !== null;
    },
    /** Stores a triaged ticket with its decision and trace. */
    insert({ id, ticket, decision }) {
      const { trace, ...summary } = decision;
      db.run(
        `INSERT INTO tickets (id, ticket, decision, trace, grp, agent, channel, priority, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, JSON.stringify(ticket), JSON.stringify(summary), JSON.stringify(trace), summary.group, summary.agent,
          typeof ticket.channel === 'string' ? ticket.channel : null, summary.priority, new Date().toISOString()],
      );
      changed();
    },
    /** A stored ticket, or null. */
    get(id) {
      const row = one('SELECT * FROM tickets WHERE id = ?', [id]);
      return row && toTicket(row);
    },
    /** Marks an open ticket closed; returns the row as it was, or null if it was not open. */
    close(id) {
      const row = one("SELECT * FROM tickets WHERE id = ? AND status = 'open'", [id]);
      if (!row) return null;
      db.run("UPDATE tickets SET status = 'closed', closed_at = ? WHERE id = ?", [new Date().toISOString(), id]);
      changed();
      return toTicket(row);
    },
    /** Open tickets of a group, most urgent first (P1 before P2; oldest first within one). */
    queue(group) {
      return all(
        `SELECT id, agent, priority, created_at, ticket FROM tickets WHERE grp = ? AND status = 'open'
         ORDER BY priority IS NULL, priority, created_at, id`,
        [group],
      ).map((row) => ({
        id: row.id,
        subject: JSON.parse(row.ticket).subject ?? '',
        priority: row.priority,
        agent: row.agent,
        created_at: row.created_at,
      }));
    },
    /** Open assigned tickets per agent (to restore loads after a restart). */
    openPerAgent() {
      return all("SELECT agent, COUNT(*) AS n FROM tickets WHERE status = 'open' AND agent IS NOT NULL GROUP BY agent", []);
    },
    /** Counts for /metrics. */
    counts() {
      return all('SELECT status, COUNT(*) AS n FROM tickets GROUP BY status', []);
    },
    /** Writes pending changes and releases the database. */
    shutdown() {
      if (timer) clearTimeout(timer);
      save();
      db.close();
    },
  };
}

function toTicket(row) {
  return {
    id: row.id,
    status: row.status,
    created_at: row.created_at,
    closed_at: row.closed_at,
    ticket: JSON.parse(row.ticket),
    decision: JSON.parse(row.decision),
    trace: JSON.parse(row.trace),
  };
}

module.exports = { openStore };
