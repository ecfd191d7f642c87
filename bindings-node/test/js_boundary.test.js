'use strict';
// What a JS caller can hand over that JSON alone does not catch: throwing getters, Proxies,
// inherited and `__proto__` keys, NaN, BigInt, invalid Dates; oversized results; setOptions.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Engine } = require('..');
const native = require('../lib/native');
const { FIXED_NOW } = require('./helpers');

const RULES = 'rule "P" { set_priority("P3"); }';

test('a 256-ticket chunk of more JSON than one V8 string holds is split, not a RangeError', async () => {
  const engine = new Engine({ rules: RULES });
  // 256 x 2.2 MB is over V8's ~512 MiB string limit once joined into one chunk's JSON Lines.
  const body = 'x'.repeat(2_200_000);
  let encoded = 0;
  const tickets = Array.from({ length: 256 }, (_, i) => ({ toJSON: () => (encoded++, { id: `L-${i}`, body }) }));
  const results = await engine.triageBatch(tickets, { trace: false });
  assert.equal(results.length, 256);
  assert.deepEqual(results.filter((r, i) => r.ticket_id !== `L-${i}`), []);
  assert.equal(encoded, 256, 'each ticket is encoded once, also where a chunk is cut by size');
});

test('an oversized slot fails alone with a code; the rest of its chunk is decided', async (t) => {
  const engine = new Engine({ rules: RULES, options: { now: FIXED_NOW } });
  // The real limit is V8's ~512 MiB string; a test-only lower one shows the same path cheaply.
  native._setMaxSlotLengthForTest(4_000);
  t.after(() => native._setMaxSlotLengthForTest(0));
  const tickets = Array.from({ length: 256 }, (_, i) => ({ id: i === 100 ? 'x'.repeat(5_000) : `T-${i}` }));
  const results = await engine.triageBatch(tickets);
  assert.equal(results.length, 256);
  assert.equal(results[100].error.code, 'INVALID_TICKET');
  assert.match(results[100].error.message, /more than a JS string holds/);
  assert.equal(results.filter((r) => r.error).length, 1);
  assert.equal(results[255].ticket_id, 'T-255');
  assert.equal(results[255].priority, 'P3');
});

test('throwing null or undefined from getters, toJSON or Proxy traps gives coded errors', async () => {
  const engine = new Engine({ rules: RULES });
  const tickets = [
    { get subject() { throw null; } },
    { toJSON() { throw undefined; } },
    new Proxy({}, { ownKeys() { throw null; } }),
  ];
  for (const ticket of tickets) {
    assert.throws(() => engine.triage(ticket), { code: 'INVALID_TICKET', field: '<ticket>' });
  }
  const slots = await engine.triageBatch([...tickets, { id: 'ok' }]);
  assert.deepEqual(slots.slice(0, 3).map((s) => s.error.code), ['INVALID_TICKET', 'INVALID_TICKET', 'INVALID_TICKET']);
  assert.equal(slots[3].ticket_id, 'ok');

  const badOptions = [
    { get commit() { throw null; } },
    new Proxy({}, { getOwnPropertyDescriptor() { throw undefined; } }),
  ];
  for (const options of badOptions) {
    assert.throws(() => engine.triage({ id: '1' }, options), { code: 'INVALID_ARGUMENT', message: /commit/ });
    await assert.rejects(engine.triageBatch([{ id: '1' }], options), { code: 'INVALID_ARGUMENT' });
  }
  const trap = new Proxy({}, { ownKeys() { throw undefined; } });
  assert.throws(() => new Engine({ rules: RULES, options: trap }), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => engine.setOptions(trap), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => engine.replaceRoster(trap), { code: 'INVALID_ARGUMENT' });
});

test('NaN options and BigInt roster values are INVALID_ARGUMENT naming the field, not napi codes', () => {
  assert.throws(() => new Engine({ rules: RULES, options: { reviewThreshold: NaN } }), {
    code: 'INVALID_ARGUMENT',
    message: /review_threshold must be a finite number/,
  });
  assert.throws(() => new Engine({ rules: RULES, options: { now: new Date(NaN) } }), { code: 'INVALID_ARGUMENT', message: /now/ });
  const roster = { agents: [{ id: 'a', capacity: 3n }] };
  assert.throws(() => new Engine({ rules: RULES, agents: roster }), { code: 'INVALID_ARGUMENT', message: /capacity/ });
  const engine = new Engine({ rules: RULES });
  assert.throws(() => engine.replaceRoster({ agents: [{ id: 'a', capacity: Infinity }] }), {
    code: 'INVALID_ARGUMENT',
    message: /capacity must be a finite number/,
  });
  assert.throws(() => engine.setOptions({ topK: NaN }), { code: 'INVALID_ARGUMENT', message: /top_k/ });
});

test('options and rosters are read as own properties only', async () => {
  const inherited = Object.create({ commit: false, reviewQueue: 'inherited' });
  assert.equal(new Engine({ rules: RULES, options: inherited }).options.commit, true);
  // An own `__proto__` key (what JSON.parse makes) is an unknown option, not a prototype.
  assert.throws(() => new Engine({ rules: RULES, options: JSON.parse('{"__proto__":{"commit":false}}') }), {
    code: 'INVALID_CONFIG',
    message: /__proto__/,
  });
  const engine = new Engine({ rules: RULES, agents: { agents: [{ id: 'a', capacity: 1 }] } });
  assert.throws(() => engine.setOptions(JSON.parse('{"__proto__":{"commit":false}}')), { code: 'INVALID_CONFIG' });
  assert.equal(engine.options.commit, true);
  // Per-call options and the config object too.
  const callOptions = Object.create({ trace: false, commit: false });
  assert.ok(engine.triage({ id: '1' }, callOptions).trace);
  const [slot] = await engine.triageBatch([{ id: '2' }], Object.create({ trace: false }));
  assert.ok(slot.trace);
  assert.throws(() => new Engine(Object.create({ rules: RULES })), { code: 'INVALID_ARGUMENT', message: /rules/ });
  // An inherited roster key does not change the roster (its version hashes what was read).
  const plain = new Engine({ rules: RULES, agents: { agents: [{ id: 'a', capacity: 1 }] } });
  const withProto = Object.assign(Object.create({ version: 'inherited' }), { agents: [{ id: 'a', capacity: 1 }] });
  const fromProto = new Engine({ rules: RULES, agents: withProto });
  assert.equal(fromProto.versions().roster, plain.versions().roster);
  assert.notEqual(fromProto.versions().roster, 'inherited');
});

test('setOptions changes only the options named and applies strictRules at once', () => {
  const engine = new Engine({
    rules: 'rule "Boom" { throw "boom"; }',
    options: { reviewQueue: 'queue', topK: 4, defaultGroup: 'desk', now: FIXED_NOW },
  });
  engine.setOptions({ topK: 5 });
  const options = engine.options;
  assert.equal(options.top_k, 5);
  assert.equal(options.review_queue, 'queue');
  assert.equal(options.default_group, 'desk');
  assert.equal(Date.parse(options.now), Date.parse(FIXED_NOW));
  const lenient = engine.triage({ id: '1' });
  assert.match(lenient.trace.rules[0].error, /boom/);
  engine.setOptions({ strictRules: true });
  assert.equal(engine.options.strict_rules, true);
  assert.throws(() => engine.triage({ id: '1' }), { code: 'RULE_RUNTIME', rule: 'Boom' });
  engine.setOptions({ strictRules: false });
  assert.match(engine.triage({ id: '1' }).trace.rules[0].error, /boom/);
  // Strictness survives a reload, which compiles with the options in use.
  engine.setOptions({ strictRules: true });
  engine.reloadRules('rule "Boom2" { throw "boom"; }');
  assert.throws(() => engine.triage({ id: '1' }), { code: 'RULE_RUNTIME', rule: 'Boom2' });
  assert.throws(() => engine.setOptions(), { code: 'INVALID_ARGUMENT' });
});

test('stats().errors counts INVALID_TICKET, from core and from JS conversion, single and batch', async () => {
  const engine = new Engine({ rules: RULES });
  assert.throws(() => engine.triage({ subject: 5 }), { code: 'INVALID_TICKET' });
  assert.throws(() => engine.triage({ id: 1n }), { code: 'INVALID_TICKET' });
  assert.equal(engine.stats().errors, 2);
  const slots = await engine.triageBatch([{ subject: 5 }, { id: 2n }, { id: 'ok' }]);
  assert.equal(slots.filter((s) => s.error).length, 2);
  assert.equal(engine.stats().errors, 4);
  assert.equal(engine.stats().tickets_triaged, 1);
});

test('an invalid Date as created_at is INVALID_TICKET naming created_at, not "now"', async () => {
  const engine = new Engine({ rules: RULES, options: { now: FIXED_NOW } });
  assert.throws(() => engine.triage({ id: '1', created_at: new Date('nope') }), {
    code: 'INVALID_TICKET',
    field: 'created_at',
  });
  const [slot] = await engine.triageBatch([{ id: '1', created_at: new Date(NaN) }]);
  assert.equal(slot.error.field, 'created_at');
  assert.equal(engine.triage({ id: '2', created_at: new Date(FIXED_NOW) }).ticket_id, '2');
});
