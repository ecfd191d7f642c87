'use strict';
// Shared by the HTTP tests: the app on 127.0.0.1 (port 0) with the fixture rules and roster and
// a fixed clock, a small JSON client, and a stop function.
const path = require('node:path');
const { createApp } = require('../src/app');
const { openStore } = require('../src/store');

const fixtures = path.join(__dirname, '..', '..', '..', 'fixtures');
const rules = path.join(fixtures, 'rules', 'helpdesk.rhai');
const TOKEN = 'test-admin-token';
/** A Monday 10:00 UTC: tickets without created_at route the same at any hour of the run. */
const FIXED_NOW = '2026-11-23T10:00:00Z';

/** Starts the app; `overrides` replace any config key (rules, agents, options, store options...). */
async function start(overrides = {}) {
  const store = await openStore(overrides.storeOptions);
  const app = createApp({
    rules, agents: path.join(fixtures, 'agents.json'), adminToken: TOKEN, options: { now: FIXED_NOW }, store, ...overrides,
  });
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = server.address().port;
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, url, body, headers = {}) => {
    const init = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers['content-type'] = 'application/json';
    }
    const res = await fetch(base + url, init);
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // /metrics is text
    }
    return { status: res.status, json, text };
  };
  const stop = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        store.shutdown();
        resolve();
      });
    });
  return { call, stop, app, port };
}

module.exports = { start, fixtures, rules, TOKEN, FIXED_NOW };
