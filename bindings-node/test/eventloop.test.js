'use strict';
// triageBatch must leave the event loop free: the triage runs on the thread pool and the main
// thread only encodes/decodes one chunk at a time.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Engine } = require('..');
const { rulesPath, agentsPath, sampleTickets, FIXED_NOW } = require('./helpers');

/** Watches an interval timer; `stop()` reports its worst gap (ms) and how often it fired. */
function timerGaps(every) {
  let worst = 0;
  let ticks = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
    ticks++;
  }, every);
  return {
    stop() {
      clearInterval(timer);
      return { worst, ticks };
    },
  };
}

test('a timer keeps firing during a large triageBatch', async () => {
  const engine = new Engine({ rules: rulesPath, agents: agentsPath, options: { commit: false, now: FIXED_NOW } });
  const base = sampleTickets().slice(0, 12);
  const tickets = Array.from({ length: 30_000 }, (_, i) => ({ ...base[i % base.length], id: `E-${i}` }));
  const gaps = timerGaps(5);
  const t0 = performance.now();
  const results = await engine.triageBatch(tickets, { trace: false });
  const elapsed = performance.now() - t0;
  const { worst, ticks } = gaps.stop();
  console.log(`# ${tickets.length} tickets in ${elapsed.toFixed(0)} ms; 5 ms timer fired ${ticks} times, worst gap ${worst.toFixed(1)} ms`);
  assert.equal(results.length, tickets.length);
  assert.equal(results[29_999].ticket_id, 'E-29999');
  // Loose on purpose: CI machines are shared. A blocking batch would show one gap ~= elapsed.
  assert.ok(worst < Math.max(250, elapsed / 4), `worst timer gap ${worst} ms of ${elapsed} ms`);
  assert.ok(ticks >= 3);
});

test('decodes take one event loop turn each and concurrent batches interleave (traces on)', async () => {
  const diagnostics = require('node:diagnostics_channel');
  const engine = new Engine({ rules: rulesPath, agents: agentsPath, options: { commit: false, now: FIXED_NOW } });
  const base = sampleTickets().slice(0, 12);
  const make = (prefix) => Array.from({ length: 3_000 }, (_, i) => ({ ...base[i % base.length], id: `${prefix}-${i}` }));
  // A ticker that runs once per loop iteration (an immediate queued from an immediate waits for
  // the next one): two decodes seeing the same count would have shared a turn.
  let turn = 0;
  let ticking = true;
  const tick = () => {
    turn++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const decodes = [];
  const onDecode = (event) => decodes.push({ ...event, turn });
  diagnostics.subscribe('triagekit:batch-decode', onDecode);
  const gaps = timerGaps(1);
  let worst;
  try {
    const [a, b] = await Promise.all([engine.triageBatch(make('A'), { chunkSize: 1000 }), engine.triageBatch(make('B'), { chunkSize: 1000 })]);
    assert.equal(a[2_999].ticket_id, 'A-2999');
    assert.equal(b[2_999].ticket_id, 'B-2999');
  } finally {
    worst = gaps.stop().worst;
    ticking = false;
    diagnostics.unsubscribe('triagekit:batch-decode', onDecode);
  }
  console.log(`# ${decodes.length} decodes for 2 x 3000 tickets, traces on; worst 1 ms timer gap ${worst.toFixed(1)} ms`);
  const batches = [...new Set(decodes.map((d) => d.batch))];
  // ~2 MB of traced JSON per 1000-ticket chunk comes back in parts of at most 512 KiB.
  assert.ok(decodes.length > 6, `${decodes.length} parts for 6 chunks`);
  assert.equal(batches.length, 2);
  assert.equal(decodes.reduce((n, d) => n + d.slots, 0), 6_000);
  for (let i = 1; i < decodes.length; i++) {
    assert.ok(decodes[i].turn > decodes[i - 1].turn, `decodes ${i - 1} and ${i} shared an event loop turn`);
  }
  // Interleaved, not queued: each batch decodes something before the other has finished.
  const span = (id) => [decodes.findIndex((d) => d.batch === id), decodes.findLastIndex((d) => d.batch === id)];
  const [[firstA, lastA], [firstB, lastB]] = batches.map(span);
  assert.ok(firstA < lastB && firstB < lastA, `spans ${firstA}..${lastA} and ${firstB}..${lastB}`);
});
