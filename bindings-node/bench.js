#!/usr/bin/env node
// Measures, on the fixture rules and roster:
//   1. engine.triage latency per call from Node (p50/p99) vs the Rust-side time core records;
//   2. the ticket/decision conversion: JSON text (what triage uses) vs N-API object walking;
//   3. triageBatch throughput;
//   4. event-loop responsiveness during a large triageBatch (worst setInterval delay).
// Usage: node bench.js [batchSize=100000]
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { Engine } = require('.');

const fixtures = path.join(__dirname, '..', 'fixtures');
const BATCH = Number(process.argv[2] ?? 100_000);

function sampleTickets() {
  const tickets = [];
  for (const line of fs.readFileSync(path.join(fixtures, 'tickets', 'sample.jsonl'), 'utf8').split('\n')) {
    try {
      const ticket = JSON.parse(line);
      if (typeof ticket.subject === 'string') tickets.push(ticket);
    } catch {
      // The fixture has deliberately broken lines; the bench wants valid tickets only.
    }
  }
  return tickets;
}

function engine() {
  return new Engine({
    rules: path.join(fixtures, 'rules', 'helpdesk.rhai'),
    agents: path.join(fixtures, 'agents.json'),
    options: { commit: false },
  });
}

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Per-call latency of `fn(ticket)` in microseconds, timing each call on its own. */
function latency(fn, tickets, calls) {
  for (let i = 0; i < 2000; i++) fn(tickets[i % tickets.length]); // warm up JIT and caches
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    fn(tickets[i % tickets.length]);
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  times.sort();
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

const fmt = (n) => n.toFixed(2);

async function main() {
  const tickets = sampleTickets();
  console.log(`fixtures: ${tickets.length} tickets, helpdesk.rhai, agents.json; node ${process.version}`);

  // 1. Latency per call, Node vs the time core measures inside Engine::triage.
  const e1 = engine();
  const node = latency((t) => e1.triage(t), tickets, 20_000);
  const rust = e1.stats().latency_us;
  console.log(`triage (trace on)   node p50 ${fmt(node.p50)} µs  p99 ${fmt(node.p99)} µs | rust p50 ${fmt(rust.p50)} µs p99 ${fmt(rust.p99)} µs (core histogram, <=19% bucket error)`);
  const e1b = engine();
  const noTrace = latency((t) => e1b.triage(t, { trace: false }), tickets, 20_000);
  const rustNoTrace = e1b.stats().latency_us;
  console.log(`triage (trace off)  node p50 ${fmt(noTrace.p50)} µs  p99 ${fmt(noTrace.p99)} µs | rust p50 ${fmt(rustNoTrace.p50)} µs`);

  // 2. Conversion only: a one-rule set makes triage itself cheap, so the difference between
  //    JSON text both ways (what triage uses) and serde <-> N-API object walking shows.
  //    Alternating rounds, best p50 of each, to be fair on a noisy machine.
  const cheap = new Engine({ rules: 'rule "r" { set_group("g"); add_tag("t"); }', options: { commit: false } });
  const best = { json: Infinity, objects: Infinity };
  for (let round = 0; round < 3; round++) {
    best.json = Math.min(best.json, latency((t) => cheap.triage(t), tickets, 10_000).p50);
    best.objects = Math.min(best.objects, latency((t) => cheap._triageObject(t), tickets, 10_000).p50);
  }
  console.log(`conversion (trivial rules, trace on): JSON text p50 ${fmt(best.json)} µs vs N-API objects p50 ${fmt(best.objects)} µs`);

  // 3 + 4. Batch throughput and event-loop delay while it runs.
  const batch = Array.from({ length: BATCH }, (_, i) => ({ ...tickets[i % tickets.length], id: `B-${i}` }));
  for (const trace of [false, true]) {
    const size = trace ? Math.min(BATCH, 20_000) : BATCH;
    const input = batch.slice(0, size);
    const e3 = engine();
    await e3.triageBatch(input.slice(0, 2000), { trace }); // warm up rayon and per-thread rule caches
    const delay = monitorEventLoopDelay({ resolution: 1 });
    let worst = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last - 1);
      last = now;
    }, 1);
    delay.enable();
    const t0 = performance.now();
    const results = await e3.triageBatch(input, { trace });
    const seconds = (performance.now() - t0) / 1000;
    delay.disable();
    clearInterval(timer);
    const errors = results.filter((r) => r.error).length;
    console.log(
      `triageBatch ${size} tickets (trace ${trace ? 'on' : 'off'}): ${fmt(seconds)} s, ${Math.round(size / seconds)} tickets/s, ` +
        `${errors} errors | 1 ms timer worst delay ${fmt(worst)} ms, event-loop delay p99 ${fmt(delay.percentile(99) / 1e6)} ms max ${fmt(delay.max / 1e6)} ms`,
    );
  }

  // The native part alone: one call with all tickets as JSON Lines (parse + triage + serialise
  // on the thread pool), i.e. the ceiling triageBatch's chunking and JS decoding work under.
  const e6 = engine();
  const allLines = batch.map((t) => JSON.stringify(t)).join('\n');
  await e6._nativeBatch(allLines.slice(0, allLines.indexOf('\n', 100_000)), false);
  const n0 = performance.now();
  await e6._nativeBatch(allLines, false);
  const nativeSeconds = (performance.now() - n0) / 1000;
  console.log(`native batch only (${BATCH} tickets, trace off, one call): ${fmt(nativeSeconds)} s, ${Math.round(BATCH / nativeSeconds)} tickets/s`);

  // What one 256-ticket chunk of triageBatch costs the main thread (the rest runs off it).
  const e5 = engine();
  const chunk = batch.slice(0, 256);
  for (const trace of [false, true]) {
    const t1 = performance.now();
    const lines = chunk.map((t) => JSON.stringify(t)).join('\n');
    const t2 = performance.now();
    const out = await e5._nativeBatch(lines, trace);
    const t3 = performance.now();
    let part = 0;
    for (const text of out) {
      const p0 = performance.now();
      JSON.parse(text);
      part = Math.max(part, performance.now() - p0);
    }
    const t4 = performance.now();
    console.log(
      `main thread per 256-ticket chunk (trace ${trace ? 'on' : 'off'}): encode ${fmt(t2 - t1)} ms, decode ${fmt(t4 - t3)} ms ` +
        `in ${out.length} parts (longest ${fmt(part)} ms)`,
    );
  }

  // Sequential sync triage throughput, for comparison with the batch.
  const e4 = engine();
  const t0 = performance.now();
  const n = Math.min(BATCH, 50_000);
  for (let i = 0; i < n; i++) e4.triage(batch[i], { trace: false });
  console.log(`sync triage loop ${n} tickets (trace off): ${Math.round(n / ((performance.now() - t0) / 1000))} tickets/s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
