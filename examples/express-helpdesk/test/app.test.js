'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { start, fixtures, TOKEN } = require('./server');

const sample = fs
  .readFileSync(path.join(fixtures, 'tickets', 'sample.jsonl'), 'utf8')
  .split('\n')
  .flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });

test('POST /tickets triages, assigns and stores with decision and trace', async (t) => {
  const { call, stop } = await start();
  t.after(stop);
  const posted = await call('POST', '/tickets', sample[1]);
  assert.equal(posted.status, 201);
  assert.equal(posted.json.id, 'T-1002');
  assert.equal(posted.json.decision.group, 'accounts');
  const got = await call('GET', '/tickets/T-1002');
  assert.equal(got.status, 200);
  assert.equal(got.json.status, 'open');
  assert.equal(got.json.ticket.subject, sample[1].subject);
  assert.equal(got.json.decision.agent, posted.json.decision.agent);
  assert.ok(Array.isArray(got.json.trace.rules) && got.json.trace.rules.length > 0);
  const queue = await call('GET', '/queues/accounts');
  assert.deepEqual(queue.json.tickets.map((q) => q.id), ['T-1002']);
  assert.equal((await call('POST', '/tickets', sample[1])).status, 409, 'duplicate id');
  assert.equal((await call('GET', '/tickets/nope')).status, 404);
  const noId = await call('POST', '/tickets', { subject: 'printer jam' });
  assert.equal(noId.status, 201);
  assert.match(noId.json.id, /^[0-9a-f-]{36}$/);
});

test('bad input: invalid JSON, non-object body, wrong field types', async (t) => {
  const { call, stop } = await start();
  t.after(stop);
  const bad = await call('POST', '/tickets', '{"subject": "oops",');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'BAD_JSON');
  assert.match(bad.json.error.message, /not valid JSON/);
  const arr = await call('POST', '/tickets', '[1,2]');
  assert.equal(arr.status, 400);
  const wrong = await call('POST', '/tickets', { id: 'w', subject: 42 });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.json.error.code, 'INVALID_TICKET');
  assert.equal(wrong.json.error.field, 'subject');
  assert.equal((await call('GET', '/tickets/w')).status, 404, 'rejected tickets are not stored');
});

test('closing frees capacity exactly once; closing twice is 409', async (t) => {
  const roster = { agents: [{ id: 'solo', groups: ['accounts'], capacity: 1 }] };
  const { call, stop } = await start({ agents: roster, rules: 'rule "r" { set_group("accounts"); }' });
  t.after(stop);
  const a = await call('POST', '/tickets', { id: 'a', channel: 'email' });
  const b = await call('POST', '/tickets', { id: 'b', channel: 'email' });
  assert.equal(a.json.decision.agent, 'solo');
  assert.equal(b.json.decision.agent, null, 'capacity 1 is taken');
  const closed = await call('POST', '/tickets/a/close');
  assert.equal(closed.status, 200);
  assert.equal(closed.json.capacity_freed, true);
  assert.equal((await call('POST', '/tickets/a/close')).status, 409);
  assert.equal((await call('POST', '/tickets/zzz/close')).status, 404);
  assert.equal((await call('POST', '/tickets', { id: 'c' })).json.decision.agent, 'solo', 'freed once');
  assert.equal((await call('POST', '/tickets', { id: 'd' })).json.decision.agent, null, 'not freed twice');
  assert.equal((await call('POST', '/tickets/b/close')).json.capacity_freed, false, 'unassigned: nothing to free');
});

test('POST /admin/reload needs the bearer token', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-'));
  const rulesFile = path.join(dir, 'rules.rhai');
  fs.writeFileSync(rulesFile, 'rule "r" { set_group("one"); }');
  const { call, stop } = await start({ rules: rulesFile });
  t.after(async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  assert.equal((await call('POST', '/admin/reload')).status, 401);
  assert.equal((await call('POST', '/admin/reload', undefined, { authorization: 'Bearer wrong' })).status, 401);
  assert.equal((await call('POST', '/tickets', { id: '1' })).json.decision.group, 'one');
  fs.writeFileSync(rulesFile, 'rule "r" { set_group("two"); }');
  const ok = await call('POST', '/admin/reload', undefined, { authorization: `Bearer ${TOKEN}` });
  assert.equal(ok.status, 200);
  assert.equal(typeof ok.json.versions.rules, 'string');
  assert.equal((await call('POST', '/tickets', { id: '2' })).json.decision.group, 'two');
  fs.writeFileSync(rulesFile, 'rule "r" { set_group( }');
  const broken = await call('POST', '/admin/reload', undefined, { authorization: `Bearer ${TOKEN}` });
  assert.equal(broken.status, 422);
  assert.equal(broken.json.error.code, 'RULE_COMPILE');
  assert.equal(typeof broken.json.error.line, 'number');
  assert.equal((await call('POST', '/tickets', { id: '3' })).json.decision.group, 'two', 'old rules kept');
});

test('GET /metrics is Prometheus text', async (t) => {
  const { call, stop } = await start();
  t.after(stop);
  await call('POST', '/tickets', sample[0]);
  const metrics = await call('GET', '/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.text, /^triagekit_tickets_triaged_total 1$/m);
  assert.match(metrics.text, /^helpdesk_tickets\{status="open"\} 1$/m);
});

test('200 concurrent POSTs (16 at a time): none lost, none double-assigned, no agent over capacity', async (t) => {
  const agents = [
    { id: 'a1', groups: ['desk'], capacity: 30, load: 5 },
    { id: 'a2', groups: ['desk'], capacity: 40 },
    { id: 'a3', groups: ['desk'], capacity: { max: 50, per_channel: { chat: 10 } } },
    { id: 'a4', groups: ['desk'], capacity: 20, presence: 'away' },
  ];
  const { call, stop } = await start({ agents: { agents }, rules: 'rule "r" { set_group("desk"); }' });
  t.after(stop);
  const channels = ['email', 'chat', 'web', 'phone'];
  const ids = Array.from({ length: 200 }, (_, i) => `C-${i}`);
  const responses = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < ids.length) {
        const i = next++;
        responses[i] = await call('POST', '/tickets', { id: ids[i], subject: `ticket ${i}`, channel: channels[i % 4] });
      }
    }),
  );
  assert.ok(responses.every((r) => r.status === 201), 'every POST accepted');
  const stored = await Promise.all(ids.map((id) => call('GET', `/tickets/${id}`)));
  assert.ok(stored.every((r) => r.status === 200), 'no ticket lost');
  const perAgent = {};
  const chatsPerAgent = {};
  stored.forEach((r, i) => {
    assert.equal(r.json.decision.agent, responses[i].json.decision.agent, 'stored decision = returned decision');
    const agent = r.json.decision.agent;
    if (!agent) return;
    perAgent[agent] = (perAgent[agent] ?? 0) + 1;
    if (r.json.ticket.channel === 'chat') chatsPerAgent[agent] = (chatsPerAgent[agent] ?? 0) + 1;
  });
  console.log(`# assignments ${JSON.stringify(perAgent)}, chats ${JSON.stringify(chatsPerAgent)}`);
  assert.ok((perAgent.a1 ?? 0) <= 25, 'a1: capacity 30 minus load 5');
  assert.ok((perAgent.a2 ?? 0) <= 40);
  assert.ok((perAgent.a3 ?? 0) <= 50);
  assert.ok((chatsPerAgent.a3 ?? 0) <= 10, 'a3 chat cap');
  assert.equal(perAgent.a4, undefined, 'away agents get nothing');
  const assigned = Object.values(perAgent).reduce((a, b) => a + b, 0);
  const queue = (await call('GET', '/queues/desk')).json.tickets;
  assert.equal(queue.length, 200, 'all open in the desk queue, each once');
  assert.equal(new Set(queue.map((q) => q.id)).size, 200);
  assert.equal(queue.filter((q) => q.agent).length, assigned);
  assert.equal(assigned, Math.min(200, 25 + 40 + 50), 'capacity used fully, never beyond');
});

test('tickets persist to a SQLite file; open tickets count against loads after a restart', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-db-'));
  const file = path.join(dir, 'tickets.sqlite');
  const roster = { agents: [{ id: 'solo', groups: ['accounts'], capacity: 2, load: 1 }] };
  const config = { agents: roster, rules: 'rule "r" { set_group("accounts"); }' };
  const first = await start({ ...config, storeOptions: { file, saveDelayMs: 10 } });
  assert.equal((await first.call('POST', '/tickets', { id: 'p1' })).json.decision.agent, 'solo');
  await first.stop();
  const second = await start({ ...config, storeOptions: { file } });
  const got = await second.call('GET', '/tickets/p1');
  const full = await second.call('POST', '/tickets', { id: 'p2' });
  await second.call('POST', '/tickets/p1/close');
  const freed = await second.call('POST', '/tickets', { id: 'p3' });
  await second.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(got.status, 200);
  assert.equal(got.json.decision.agent, 'solo');
  assert.equal(full.json.decision.agent, null, 'roster load 1 + restored open ticket = capacity 2');
  assert.equal(freed.json.decision.agent, 'solo');
});
