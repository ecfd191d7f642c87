'use strict';
// One triageBatch call decides every ticket on one snapshot, even when rules are reloaded
// between its chunks (the README promises one consistent version per call).
const test = require('node:test');
const assert = require('node:assert/strict');
const { Engine } = require('..');
const { rulesPath, agentsPath, FIXED_NOW } = require('./helpers');

const SOURCES = ['rule "A" { set_group("a"); }', 'rule "B" { set_group("b"); }'];

/**
 * 10k tickets; the `toJSON` of every 1000th ticket after the first two chunks reloads the rules.
 * Tickets are encoded chunk by chunk while earlier chunks are already decided, so the reloads
 * fall between chunks of the running batch whatever the machine's speed.
 */
function reloadingTickets(engine, reloads) {
  return Array.from({ length: 10_000 }, (_, i) => {
    const ticket = { id: `S-${i}`, subject: 'printer jam', requester: 'a@example.com', channel: 'email' };
    if (i % 1000 === 999 && i < 8_000) {
      ticket.toJSON = function toJSON() {
        engine.reloadRules(SOURCES[reloads.length % 2]);
        reloads.push(engine.versions().rules);
        const { toJSON: _self, ...plain } = this;
        return plain;
      };
    }
    return ticket;
  });
}

test('8 reloads during a 10k-ticket triageBatch with commit: false: one rule version per call', async () => {
  const engine = new Engine({ rules: rulesPath, agents: agentsPath, options: { now: FIXED_NOW } });
  const before = engine.versions().rules;
  const reloads = [];
  const tickets = reloadingTickets(engine, reloads);
  // A timer-driven reload loop as well, for reloads that land while a chunk is on the pool.
  let settled = false;
  let timerReloads = 0;
  const loop = () => {
    if (settled) return;
    engine.reloadRules(SOURCES[timerReloads++ % 2]);
    setImmediate(loop);
  };
  setImmediate(loop);
  const results = await engine.triageBatch(tickets, { commit: false });
  settled = true;
  assert.equal(reloads.length, 8, 'reloads from inside the batch');
  assert.ok(reloads.every((v) => v !== before));
  assert.equal(results.length, tickets.length);
  const versions = new Set(results.map((r) => r.trace?.rules_version ?? `error ${r.error?.message}`));
  assert.deepEqual([...versions], [before], `versions in one call: ${[...versions].join(', ')}`);
  const groups = new Set(results.map((r) => r.group));
  assert.ok(!groups.has('a') && !groups.has('b'), 'no decision came from a reloaded rule set');
  // The next call sees the reloaded rules.
  const [after] = await engine.triageBatch([tickets[0]], { commit: false });
  assert.notEqual(after.trace.rules_version, before);
});

test('a batch pins the options too: setOptions during the batch applies to the next call', async () => {
  const engine = new Engine({ rules: 'rule "P" { set_priority("P3"); }', options: { defaultGroup: 'first', now: FIXED_NOW } });
  const tickets = Array.from({ length: 2_000 }, (_, i) => {
    const ticket = { id: `O-${i}`, subject: 'x' };
    if (i === 1_500) ticket.toJSON = () => (engine.setOptions({ defaultGroup: 'late' }), { id: 'O-1500' });
    return ticket;
  });
  const results = await engine.triageBatch(tickets, { chunkSize: 100, trace: false });
  assert.deepEqual(new Set(results.map((r) => r.group)), new Set(['first']));
  assert.equal(engine.triage({ id: 'next' }).group, 'late');
});
