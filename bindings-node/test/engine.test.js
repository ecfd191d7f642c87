'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { Engine } = require('..');
const { rulesPath, agentsPath, sampleTickets, comparable, FIXED_NOW } = require('./helpers');

const engine = (options = {}) => new Engine({ rules: rulesPath, agents: agentsPath, options: { now: FIXED_NOW, ...options } });

test('fixture tickets triage to plain snake_case decisions', () => {
  const e = engine({ commit: false });
  const [outage, password] = sampleTickets();
  const d = e.triage(outage);
  assert.equal(d.ticket_id, 'T-1001');
  assert.equal(d.category, 'outage');
  assert.equal(d.priority, 'P1');
  assert.equal(d.group, 'network-ops');
  assert.equal(typeof d.needs_review, 'boolean');
  assert.equal(d.trace.stopped_by, 'Outage is P1');
  assert.ok(d.trace.rules.some((r) => r.rule === 'Outage is P1' && r.matched));
  const p = e.triage(password);
  assert.equal(p.group, 'accounts');
  assert.ok(p.tags.includes('password'));
  assert.equal(Object.getPrototypeOf(p), Object.prototype);
});

test('trace: false leaves the trace out, as the CLI and Python do', async () => {
  const e = engine({ commit: false });
  const d = e.triage(sampleTickets()[0], { trace: false });
  assert.equal('trace' in d, false);
  assert.equal(d.category, 'outage');
  const [slot] = await e.triageBatch([sampleTickets()[0]], { trace: false });
  assert.deepEqual(slot, d);
});

test('rules given as source text compile; paths load', () => {
  const e = new Engine({ rules: 'rule "All to desk" { set_group("service-desk"); }' });
  assert.equal(e.triage({ id: 1, subject: 'hi' }).group, 'service-desk');
  assert.equal(e.triage({ id: 1, subject: 'hi' }).ticket_id, '1');
});

test('Engine.fromPaths builds the same engine as the constructor', () => {
  const a = Engine.fromPaths({ rules: rulesPath, agents: agentsPath, options: { commit: false, now: FIXED_NOW } });
  const b = engine({ commit: false });
  const t = sampleTickets()[2];
  assert.deepEqual(comparable(a.triage(t)), comparable(b.triage(t)));
});

test('triageBatch equals triage ticket by ticket (commit false), bad tickets fail alone', async () => {
  const tickets = sampleTickets();
  const single = engine({ commit: false });
  const expected = tickets.map((t) => {
    try {
      return comparable(single.triage(t));
    } catch (error) {
      return { error: { code: error.code } };
    }
  });
  const batch = await engine({ commit: false }).triageBatch(tickets, { chunkSize: 5 });
  assert.equal(batch.length, tickets.length);
  batch.forEach((slot, i) => {
    if (expected[i].error) {
      assert.equal(slot.error.code, expected[i].error.code, `slot ${i}`);
      assert.equal(typeof slot.error.message, 'string');
    } else {
      assert.deepEqual(comparable(slot), expected[i], `slot ${i}`);
    }
  });
  assert.ok(batch.some((s) => s.error && s.error.code === 'INVALID_TICKET' && s.error.field === 'subject'));
});

test('triageBatch of nothing is an empty array; a BigInt ticket fails only its slot', async () => {
  const e = engine({ commit: false });
  assert.deepEqual(await e.triageBatch([]), []);
  const out = await e.triageBatch([{ id: 'a', subject: 'vpn down' }, { id: 'b', impact: 10n }, { id: 'c' }]);
  assert.equal(out[0].ticket_id, 'a');
  assert.equal(out[1].error.code, 'INVALID_TICKET');
  assert.equal(out[2].ticket_id, 'c');
});

test('rule compile errors carry code, file, line and column', () => {
  const source = 'rule "ok" { set_group("a"); }\n\nrule "broken" {\n  set_group(\n}\n';
  assert.throws(
    () => new Engine({ rules: source }),
    (error) => {
      assert.ok(error instanceof Error);
      assert.equal(error.code, 'RULE_COMPILE');
      assert.equal(typeof error.line, 'number');
      assert.equal(typeof error.column, 'number');
      assert.ok(error.line >= 4, `line ${error.line}`);
      assert.equal(typeof error.file, 'string');
      assert.match(error.message, new RegExp(`:${error.line}:`));
      return true;
    },
  );
});

test('reloadRules swaps rules; a broken reload keeps the old rules', () => {
  const e = engine({ commit: false });
  const before = e.versions().rules;
  assert.throws(() => e.reloadRules('rule "x" { nope( }'), { code: 'RULE_COMPILE' });
  assert.equal(e.versions().rules, before);
  e.reloadRules('rule "Everything" { set_group("billing"); }');
  assert.notEqual(e.versions().rules, before);
  assert.equal(e.triage({ id: '1', subject: 'vpn is down' }).group, 'billing');
  e.reloadRules(rulesPath);
  assert.equal(e.versions().rules, before);
});

test('strict rules surface run-time errors as RULE_RUNTIME with the rule name', () => {
  const e = new Engine({ rules: 'rule "Thrower" {\n  throw "no";\n}', options: { strictRules: true } });
  assert.throws(() => e.triage({ id: '1' }), (error) => error.code === 'RULE_RUNTIME' && error.rule === 'Thrower');
});

test('roster errors and unknown agents have their own codes', () => {
  assert.throws(() => new Engine({ rules: rulesPath, agents: { agents: [{ id: 'a' }] } }), { code: 'INVALID_ROSTER' });
  assert.throws(() => new Engine({ rules: rulesPath, agents: '/nonexistent/agents.json' }), { code: 'IO' });
  const e = engine();
  assert.throws(() => e.setLoad('nobody', 1), { code: 'UNKNOWN_AGENT' });
  assert.throws(() => e.setLoad('ana', -1), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => e.setPresence('ana', 'asleep'), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => e.ticketClosed('nobody'), { code: 'UNKNOWN_AGENT' });
  assert.throws(() => new Engine({ rules: rulesPath, options: { reviewThreshold: 2 } }), { code: 'INVALID_CONFIG' });
  assert.throws(() => new Engine({ rules: rulesPath, options: { noSuchOption: 1 } }), { code: 'INVALID_CONFIG' });
});

test('roster updates: presence, load, ticketClosed, replaceRoster', () => {
  const roster = { agents: [{ id: 'solo', groups: ['accounts'], capacity: 1 }] };
  const e = new Engine({ rules: 'rule "r" { set_group("accounts"); }', agents: roster });
  assert.equal(e.triage({ id: '1', channel: 'email' }).agent, 'solo');
  assert.equal(e.triage({ id: '2', channel: 'email' }).agent, null, 'capacity 1 is used up');
  e.ticketClosed('solo', 'email');
  assert.equal(e.triage({ id: '3', channel: 'email' }).agent, 'solo');
  e.setLoad('solo', 0);
  e.setPresence('solo', 'offline');
  assert.equal(e.triage({ id: '4' }).agent, null);
  e.setPresence('solo', 'online');
  assert.equal(e.triage({ id: '5' }).agent, 'solo');
  const live = e.roster().agents[0];
  assert.equal(live.presence, 'online');
  assert.equal(typeof live.load === 'number' ? live.load : live.load.total, 1, 'load after ticket 5');
  e.replaceRoster({ agents: [{ id: 'other', groups: ['accounts'], capacity: 2 }] });
  assert.equal(e.triage({ id: '6' }).agent, 'other');
  e.replaceRoster(agentsPath);
  assert.equal(e.versions().roster, JSON.parse(fs.readFileSync(agentsPath, 'utf8')).version);
});

test('stats and Prometheus text count what happened', () => {
  const e = engine({ commit: false });
  for (const t of sampleTickets().slice(0, 12)) e.triage(t);
  const stats = e.stats();
  assert.equal(stats.tickets_triaged, 12);
  assert.equal(stats.errors, 0);
  assert.ok(stats.rules['Outage is P1'].hits >= 1);
  assert.ok(stats.latency_us.p50 > 0);
  const text = e.statsPrometheus();
  assert.match(text, /^# TYPE triagekit_tickets_triaged_total counter$/m);
  assert.match(text, new RegExp(`^triagekit_tickets_triaged_total ${stats.tickets_triaged}$`, 'm'));
});

test('options use camelCase and come back as core serialises them', () => {
  const e = engine({ reviewThreshold: 0.4, defaultGroup: 'service-desk', commit: false });
  assert.equal(e.options.review_threshold, 0.4);
  assert.equal(e.options.default_group, 'service-desk');
  e.setOptions({ review_queue: 'other-review' });
  assert.equal(e.options.review_queue, 'other-review');
});

test('a panic inside the addon is an INTERNAL error, not a crash', async () => {
  const native = require('../lib/native');
  assert.throws(() => native._panicForTest('boom'), (error) => error.code === 'INTERNAL' && /boom/.test(error.message));
  await assert.rejects(native._panicForTestAsync('async boom'), (error) => error.code === 'INTERNAL');
  assert.equal(engine().triage({ id: 'still alive' }).ticket_id, 'still alive');
});

test('a rules path with a typo is an IO error naming it; a reload from it keeps the old rules', () => {
  assert.throws(
    () => new Engine({ rules: 'rules/nope.rhai' }),
    (error) => error.code === 'IO' && error.path === 'rules/nope.rhai' && error.file === undefined,
  );
  const e = engine({ commit: false });
  const before = e.versions().rules;
  assert.throws(() => e.reloadRules('rules/helpdesk.rhai'), (error) => error.code === 'IO');
  assert.equal(e.versions().rules, before);
});

test('rulesSource is rule text, never a path; exactly one of rules and rulesSource', () => {
  const e = new Engine({ rulesSource: 'rule "a" { add_tag("x"); }' });
  assert.deepEqual(e.triage({ id: '1', subject: 's' }, { trace: false }).tags, ['x']);
  e.reloadRules({ rulesSource: 'rule "b" { add_tag("y"); }' });
  assert.deepEqual(e.triage({ id: '1', subject: 's' }, { trace: false }).tags, ['y']);
  assert.throws(() => new Engine({}), (error) => error.code === 'INVALID_ARGUMENT');
  assert.throws(() => new Engine({ rules: 'a.rhai', rulesSource: 'rule "a" { }' }), (error) => error.code === 'INVALID_ARGUMENT');
});

test('the error code list comes from core', () => {
  const { ErrorCode } = require('..');
  assert.equal(ErrorCode.INTERNAL, 'INTERNAL');
  assert.equal(ErrorCode.RULE_COMPILE, 'RULE_COMPILE');
  assert.equal(Object.keys(ErrorCode).length, 11);
});
