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
  -- One row per re-assignment: the ticket's text with the labels an agent corrected it to.
  CREATE TABLE IF NOT EXISTS corrections (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id   TEXT NOT NULL,
    text        TEXT NOT NULL,
    category    TEXT,
    grp         TEXT,
    created_at  TEXT NOT NULL
  );
`;

/** The text the model sees: subject and body joined by a newline, as the CLI joins columns. */
function ticketText(ticket) {
  return [ticket.subject, ticket.body].filter((p) => typeof p === 'string' && p).join('\n');
}

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
    /**
     * Moves a ticket to `group` and/or `category` and records the corrected labels as a
     * training row; a changed group leaves the ticket unassigned. Returns the ticket as it was
     * (null if unknown) and as it is now.
     */
    reassign(id, { group, category }) {
      const row = one('SELECT * FROM tickets WHERE id = ?', [id]);
      if (!row) return null;
      const before = toTicket(row);
      const moved = group !== undefined && group !== row.grp;
      const decision = { ...before.decision, group: group ?? before.decision.group, category: category ?? before.decision.category };
      if (moved) decision.agent = null;
      db.run('UPDATE tickets SET grp = ?, agent = ?, decision = ? WHERE id = ?', [decision.group, decision.agent, JSON.stringify(decision), id]);
      db.run('INSERT INTO corrections (ticket_id, text, category, grp, created_at) VALUES (?, ?, ?, ?, ?)', [
        id, ticketText(before.ticket), decision.category ?? null, decision.group ?? null, new Date().toISOString(),
      ]);
      changed();
      return { before, after: toTicket(one('SELECT * FROM tickets WHERE id = ?', [id])) };
    },
    /** The latest correction of each corrected ticket: `{ text, category, group }`, oldest first. */
    trainingRows() {
      return all(
        `SELECT text, category, grp FROM corrections WHERE seq IN (SELECT MAX(seq) FROM corrections GROUP BY ticket_id)
         ORDER BY seq`,
        [],
      ).map((r) => ({ text: r.text, category: r.category ?? '', group: r.grp ?? '' }));
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
