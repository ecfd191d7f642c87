'use strict';
// A hostile rule set hot-loaded through /admin/reload: the server keeps serving, and triage
// returns decisions with the rule's error in the trace.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { start, TOKEN } = require('./server');

const AUTH = { authorization: `Bearer ${TOKEN}` };
const BASE_RULES = 'rule "Desk" { set_group("desk"); }\n';
const AGENTS = { agents: [{ id: 'dee', groups: ['desk'], capacity: 100 }] };

// { name, source, rule, error }: one line per hostile case.
const HOSTILE = [
  { name: 'endless loop', source: 'rule "Spin" { loop {} }', rule: 'Spin', error: 'operations' },
  { name: 'unlisted agent', source: 'rule "Pin" { set_agent("nobody"); }', rule: 'Pin', error: 'no agent "nobody" on the roster' },
  { name: 'map bomb', source: 'rule "Cache" { let s = "x"; for i in 0..19 { s += s; } let m = #{}; let i = 0; loop { m["k" + i] = s + i; i += 1; } }', rule: 'Cache', error: 'memory budget' },
  { name: 'pad loop', source: 'rule "Padding" { loop { let s = ""; s.pad(1000000, "x"); } }', rule: 'Padding', error: 'time budget' },
];

for (const hostile of HOSTILE) {
  test(`the server keeps serving after a hostile reload: ${hostile.name}`, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-hostile-'));
    const rulesFile = path.join(dir, 'rules.rhai');
    fs.writeFileSync(rulesFile, BASE_RULES);
    const { call, stop } = await start({ rules: rulesFile, agents: AGENTS });
    t.after(async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    assert.equal((await call('POST', '/tickets', { id: 'before', subject: 'printer' })).status, 201);
    fs.writeFileSync(rulesFile, `${BASE_RULES}${hostile.source}\n`);
    const reloaded = await call('POST', '/admin/reload', undefined, AUTH);
    assert.equal(reloaded.status, 200, JSON.stringify(reloaded.json));

    for (let i = 0; i < 3; i++) {
      const posted = await call('POST', '/tickets', { id: `after-${i}`, subject: 'printer', channel: 'email' });
      assert.equal(posted.status, 201, JSON.stringify(posted.json));
      assert.equal(posted.json.decision.group, 'desk', 'the other rules still route');
      assert.equal(posted.json.decision.agent, 'dee', 'assigned by the group, never to an unlisted agent');
      const traced = posted.json.decision.trace.rules.find((r) => r.rule === hostile.rule);
      assert.ok(traced && (traced.error ?? '').includes(hostile.error), JSON.stringify(traced));
    }
    assert.equal((await call('GET', '/tickets/before')).status, 200);
    assert.equal((await call('GET', '/queues/desk')).json.tickets.length, 4);
    assert.match((await call('GET', '/metrics')).text, /^triagekit_tickets_triaged_total 4$/m);
  });
}
