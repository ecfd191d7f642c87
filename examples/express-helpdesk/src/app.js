'use strict';
// The helpdesk HTTP API (same service as the Flask example):
//   POST /tickets              triage + assign + store (with decision and trace)
//   GET  /tickets/:id          a stored ticket
//   GET  /queues/:group        open tickets of a group, most urgent first
//   POST /tickets/:id/close    close; frees the agent's capacity exactly once (409 if closed)
//   POST /tickets/:id/reassign { group?, category? }: an agent's correction; moves the ticket
//                              (a new group frees its agent) and records a training row
//   GET  /admin/training-rows.csv  corrected tickets as text,category,group CSV for
//                              `triagekit train --warm-start OLD.tkm` (Bearer admin token)
//   POST /admin/reload         reload rules and model from their paths (Bearer admin token)
//   GET  /metrics              Prometheus text
// Triage is synchronous and takes microseconds, so each request's check-triage-store runs
// without interleaving: two requests can never take the same capacity or close a ticket twice.

const crypto = require('node:crypto');
const express = require('express');
const { Engine, Model } = require('triagekit');

/** HTTP status for each triagekit error code a request can cause. */
const STATUS = { INVALID_TICKET: 400, INVALID_ARGUMENT: 400, RULE_COMPILE: 422, MODEL_FORMAT: 422, MODEL: 422, IO: 422 };

/**
 * Builds the app. `config`: { rules, model?, agents?, options?, adminToken?, store,
 * maxInFlight?, rateLimit?, retryAfter? }. Both limits are off unless set:
 * - `maxInFlight` > 0: a request arriving while that many are in flight (headers received,
 *   response not yet finished) gets 429 + Retry-After at once (bodies trickling in slowly);
 * - `rateLimit: { rps, burst }`: a token bucket; a request finding it empty gets 429 +
 *   Retry-After. This is the one that sheds a spike: Node reads requests one at a time, so a
 *   spike waits in socket buffers, where no in-flight count can see it.
 */
function createApp(config) {
  const { store } = config;
  const engine = new Engine({
    rules: config.rules,
    model: config.model ? Model.load(config.model) : null,
    agents: config.agents,
    options: config.options,
  });
  restoreLoads(engine, store);
  const app = express();
  app.disable('x-powered-by');
  app.locals.rejected = 0;
  if (config.rateLimit?.rps > 0) app.use(tokenBucket(config.rateLimit, config.retryAfter ?? 1, app));
  if (config.maxInFlight > 0) app.use(inFlightLimiter(config.maxInFlight, config.retryAfter ?? 1, app));
  app.use(express.json({ limit: config.bodyLimit ?? '1mb' }));

  app.post('/tickets', (req, res) => {
    const ticket = req.body;
    if (!ticket || typeof ticket !== 'object' || Array.isArray(ticket)) {
      return fail(res, 400, 'BAD_REQUEST', 'expected a JSON object (Content-Type: application/json)');
    }
    const id = ticket.id === undefined || ticket.id === null ? crypto.randomUUID() : String(ticket.id);
    // Checked before triage: triage takes agent capacity, which a rejected ticket must not keep.
    if (store.has(id)) return fail(res, 409, 'DUPLICATE', `ticket ${id} already exists`);
    const stored = { ...ticket, id };
    const decision = engine.triage(stored);
    store.insert({ id, ticket: stored, decision });
    res.status(201).location(`/tickets/${encodeURIComponent(id)}`).json({ id, decision });
  });

  app.get('/tickets/:id', (req, res) => {
    const found = store.get(req.params.id);
    return found ? res.json(found) : fail(res, 404, 'NOT_FOUND', `no ticket ${req.params.id}`);
  });

  app.get('/queues/:group', (req, res) => {
    res.json({ group: req.params.group, tickets: store.queue(req.params.group) });
  });

  app.post('/tickets/:id/close', (req, res) => {
    const closed = store.close(req.params.id);
    if (!closed) {
      return store.has(req.params.id)
        ? fail(res, 409, 'ALREADY_CLOSED', `ticket ${req.params.id} is already closed`)
        : fail(res, 404, 'NOT_FOUND', `no ticket ${req.params.id}`);
    }
    let capacityFreed = false;
    if (closed.decision.agent) {
      try {
        engine.ticketClosed(closed.decision.agent, closed.ticket.channel || undefined);
        capacityFreed = true;
      } catch (error) {
        // The agent left the roster since assignment: nothing to free, the ticket still closes.
        if (error.code !== 'UNKNOWN_AGENT') throw error;
      }
    }
    res.json({ id: closed.id, status: 'closed', agent: closed.decision.agent, capacity_freed: capacityFreed });
  });

  app.post('/tickets/:id/reassign', (req, res) => {
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return fail(res, 400, 'BAD_REQUEST', 'expected a JSON object (Content-Type: application/json)');
    }
    const labels = {};
    for (const key of ['group', 'category']) {
      if (body[key] === undefined || body[key] === null) continue;
      if (typeof body[key] !== 'string' || !body[key].trim()) return fail(res, 400, 'BAD_REQUEST', `${key} must be a non-empty string`);
      labels[key] = body[key].trim();
    }
    if (!labels.group && !labels.category) return fail(res, 400, 'BAD_REQUEST', 'give group and/or category');
    const changed = store.reassign(req.params.id, labels);
    if (!changed) return fail(res, 404, 'NOT_FOUND', `no ticket ${req.params.id}`);
    const { before, after } = changed;
    const agent = before.decision.agent;
    if (agent && !after.decision.agent && before.status === 'open') {
      try {
        engine.ticketClosed(agent, before.ticket.channel || undefined);
      } catch (error) {
        if (error.code !== 'UNKNOWN_AGENT') throw error; // left the roster: nothing to free
      }
    }
    res.json(after);
  });

  app.get('/admin/training-rows.csv', requireAdmin(config.adminToken), (req, res) => {
    const lines = ['text,category,group', ...store.trainingRows().map((r) => [r.text, r.category, r.group].map(csvField).join(','))];
    res.type('text/csv; charset=utf-8').send(`${lines.join('\n')}\n`);
  });

  app.post('/admin/reload', requireAdmin(config.adminToken), (req, res) => {
    engine.reloadRules(config.rules);
    if (config.model) engine.setModel(Model.load(config.model));
    res.json({ reloaded: true, versions: engine.versions() });
  });

  app.get('/metrics', (req, res) => {
    const lines = ['# HELP helpdesk_tickets Stored tickets by status.', '# TYPE helpdesk_tickets gauge'];
    for (const { status, n } of store.counts()) lines.push(`helpdesk_tickets{status="${status}"} ${n}`);
    res.type('text/plain; version=0.0.4').send(`${engine.statsPrometheus()}${lines.join('\n')}\n`);
  });

  app.use((req, res) => fail(res, 404, 'NOT_FOUND', `no route ${req.method} ${req.path}`));

  // Express 5 routes thrown errors (sync or async) here.
  app.use((error, req, res, _next) => {
    if (error.type === 'entity.parse.failed') return fail(res, 400, 'BAD_JSON', `request body is not valid JSON: ${error.message}`);
    if (error.type === 'entity.too.large') return fail(res, 413, 'TOO_LARGE', `request body over ${error.limit} bytes`);
    if (error.status && error.status < 500) return fail(res, error.status, 'BAD_REQUEST', error.message);
    const status = STATUS[error.code];
    if (status) return fail(res, status, error.code, error.message, error);
    console.error(error);
    return fail(res, 500, error.code || 'INTERNAL', 'internal error');
  });

  app.locals.engine = engine;
  return app;
}

/**
 * A persisted store outlives the process, the engine's loads do not: count the still-open
 * tickets back onto their agents (on top of the roster's own loads), or closing them after a
 * restart would free capacity this process never took.
 */
function restoreLoads(engine, store) {
  const base = new Map(engine.roster().agents.map((a) => [a.id, typeof a.load === 'number' ? a.load : a.load?.total ?? 0]));
  for (const { agent, n } of store.openPerAgent()) {
    if (base.has(agent)) engine.setLoad(agent, base.get(agent) + n);
  }
}

/**
 * At most `limit` requests in flight. Triage itself is synchronous, so what piles up under a
 * spike is requests whose bodies are still being read and responses still being written; past
 * the limit the request is answered before its body is parsed. `app.locals.rejected` counts 429s.
 */
function inFlightLimiter(limit, retryAfter, app) {
  let inFlight = 0;
  return (req, res, next) => {
    if (inFlight >= limit) return tooMany(res, app, retryAfter, `more than ${limit} requests in flight; retry later`);
    inFlight += 1;
    let done = false;
    const release = () => {
      if (!done) {
        done = true;
        inFlight -= 1;
      }
    };
    res.on('finish', release);
    res.on('close', release);
    return next();
  };
}

/**
 * Token bucket: `burst` tokens (default: one second's worth), refilled at `rps` per second;
 * each request takes one. `now` (ms) is injectable for tests.
 */
function tokenBucket({ rps, burst = rps, now = () => performance.now() }, retryAfter, app) {
  let tokens = burst;
  let last = now();
  return (req, res, next) => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - last) / 1000) * rps);
    last = t;
    if (tokens < 1) return tooMany(res, app, retryAfter, `over ${rps} requests per second; retry later`);
    tokens -= 1;
    return next();
  };
}

function tooMany(res, app, retryAfter, message) {
  app.locals.rejected += 1;
  res.set('Retry-After', String(retryAfter));
  return fail(res, 429, 'TOO_MANY_REQUESTS', message);
}

/** Bearer-token check, constant time; with no token configured, admin stays locked. */
function requireAdmin(token) {
  const expected = token ? Buffer.from(token) : null;
  return (req, res, next) => {
    const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    const given = match ? Buffer.from(match[1]) : null;
    const ok = expected && given && given.length === expected.length && crypto.timingSafeEqual(given, expected);
    if (!ok) {
      res.set('WWW-Authenticate', 'Bearer');
      return fail(res, 401, 'UNAUTHORIZED', 'admin token required (Authorization: Bearer $TRIAGEKIT_ADMIN_TOKEN)');
    }
    return next();
  };
}

/** One CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
function csvField(value) {
  const text = String(value ?? '');
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function fail(res, status, code, message, details) {
  const error = { code, message };
  for (const key of ['field', 'file', 'line', 'column', 'rule']) {
    if (details && details[key] !== undefined) error[key] = details[key];
  }
  return res.status(status).json({ error });
}

module.exports = { createApp };
