'use strict';
// Tickets a hostile or buggy client could send. Each gives INVALID_TICKET or a documented safe
// result (see index.d.ts, "Hostile input"), and never takes the process down.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Engine } = require('..');
const { rulesPath, agentsPath, FIXED_NOW } = require('./helpers');

const engine = new Engine({ rules: rulesPath, agents: agentsPath, options: { commit: false, now: FIXED_NOW } });
const invalid = (ticket, field) => (error) => {
  assert.equal(error.code, 'INVALID_TICKET', error.message);
  if (field) assert.equal(error.field, field);
  return true;
};

test('wrong field types name the field', () => {
  assert.throws(() => engine.triage({ id: 'a', subject: 42 }), invalid(null, 'subject'));
  assert.throws(() => engine.triage({ id: 'a', body: ['x'] }), invalid(null, 'body'));
  assert.throws(() => engine.triage({ id: { nested: true } }), invalid(null, 'id'));
  assert.throws(() => engine.triage({ id: 'a', tags: [1, 2] }), invalid(null, 'tags'));
  assert.throws(() => engine.triage({ id: 'a', impact: 9 }), invalid(null, 'impact'));
  assert.throws(() => engine.triage({ id: 'a', created_at: 'yesterday' }), invalid(null, 'created_at'));
  assert.throws(() => engine.triage({ id: 'a', fields: 'x' }), invalid(null, 'fields'));
});

test('non-objects are INVALID_TICKET', () => {
  for (const ticket of [null, undefined, 'a string', 42, true, [1, 2], () => 1, Symbol('s')]) {
    assert.throws(() => engine.triage(ticket), invalid(), String(typeof ticket));
  }
});

test('values JSON cannot hold are INVALID_TICKET (BigInt, cycles, throwing toJSON)', () => {
  assert.throws(() => engine.triage({ id: 'a', impact: 1n }), invalid());
  const cyclic = { id: 'a' };
  cyclic.self = cyclic;
  assert.throws(() => engine.triage(cyclic), invalid());
  assert.throws(() => engine.triage({ id: 'a', fields: { toJSON() { throw new Error('no'); } } }), invalid());
});

test('Dates are accepted for created_at (via toJSON)', () => {
  const d = engine.triage({ id: 'a', subject: 'printer', created_at: new Date('2026-11-23T10:00:00Z') });
  assert.equal(d.ticket_id, 'a');
});

test('lone surrogates are replaced by U+FFFD, not rejected', () => {
  const d = engine.triage({ id: 'lone\ud800', subject: 'broken \udc00 emoji \ud83d', body: 'ok \ud83d\ude00 pair' });
  assert.equal(d.ticket_id, 'lone\ufffd');
});

test('lone surrogates in a batch are handled the same way', async () => {
  const [a, b] = await engine.triageBatch([{ id: 'x\udfff' }, { id: 'fine' }]);
  assert.equal(a.ticket_id, 'x\ufffd');
  assert.equal(b.ticket_id, 'fine');
});

test('a huge body (8 MB) is triaged without crashing; unknown keys are kept', () => {
  const body = 'the printer is jammed again. '.repeat(300_000);
  const t0 = performance.now();
  const d = engine.triage({ id: 'huge', subject: 'printer', body, extra: { deep: [1, 2, 3] } }, { trace: false });
  console.log(`# 8 MB body triaged in ${(performance.now() - t0).toFixed(1)} ms`);
  assert.equal(d.ticket_id, 'huge');
});

test('deeply nested custom fields are rejected or handled, never a crash', () => {
  let nested = {};
  const root = nested;
  for (let i = 0; i < 10_000; i++) nested = nested.x = {};
  try {
    engine.triage({ id: 'deep', fields: root });
  } catch (error) {
    // serde_json refuses nesting beyond 128 levels: reported as INVALID_TICKET.
    assert.equal(error.code, 'INVALID_TICKET');
  }
});

test('argument checks give INVALID_ARGUMENT', async () => {
  assert.throws(() => engine.triage({ id: 'a' }, { commit: 'yes' }), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(engine.triageBatch('not an array'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(engine.triageBatch([], { chunkSize: 0 }), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => new Engine({ rules: 42 }), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => new Engine(), { code: 'INVALID_ARGUMENT' });
});
