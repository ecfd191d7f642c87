'use strict';
// Re-assignments: POST /tickets/:id/reassign records training rows; a warm-start retrain on the
// exported CSV learns them.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Model } = require('triagekit');
const { start, fixtures, TOKEN } = require('./server');

const ADMIN = { authorization: `Bearer ${TOKEN}` };

/** RFC 4180 CSV (quoted fields may hold commas, quotes and newlines) as objects by header. */
function parseCsv(text) {
  const rows = [[]];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 1);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') rows[rows.length - 1].push(field), (field = '');
    else if (c === '\n') rows[rows.length - 1].push(field), (field = ''), rows.push([]);
    else if (c !== '\r') field += c;
  }
  if (field || rows[rows.length - 1].length) rows[rows.length - 1].push(field);
  const [header, ...body] = rows.filter((r) => r.length > 1);
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

async function trainingRows(call) {
  const r = await call('GET', '/admin/training-rows.csv', undefined, ADMIN);
  assert.equal(r.status, 200);
  return parseCsv(r.text);
}

test('reassign moves the ticket, frees its agent and records a training row', async (t) => {
  const { call, stop } = await start();
  t.after(stop);
  const ticket = { id: 'R-1', subject: 'Forgot my password, again', body: 'locked out "twice"' };
  const posted = await call('POST', '/tickets', ticket);
  assert.equal(posted.json.decision.group, 'accounts');
  assert.ok(posted.json.decision.agent);
  const moved = await call('POST', '/tickets/R-1/reassign', { group: 'security', category: 'phishing' });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.decision.group, 'security');
  assert.equal(moved.json.decision.agent, null);
  assert.deepEqual((await call('GET', '/queues/accounts')).json.tickets, []);
  assert.deepEqual((await call('GET', '/queues/security')).json.tickets.map((q) => q.id), ['R-1']);
  const text = 'Forgot my password, again\nlocked out "twice"';
  assert.deepEqual(await trainingRows(call), [{ text, category: 'phishing', group: 'security' }]);
  // The latest correction of a ticket wins; a category-only one keeps the group.
  await call('POST', '/tickets/R-1/reassign', { category: 'account' });
  assert.deepEqual(await trainingRows(call), [{ text, category: 'account', group: 'security' }]);
});

test('bad reassign requests', async (t) => {
  const { call, stop } = await start();
  t.after(stop);
  await call('POST', '/tickets', { id: 'X-1', subject: 'printer jam' });
  assert.equal((await call('POST', '/tickets/X-1/reassign', {})).status, 400);
  assert.equal((await call('POST', '/tickets/X-1/reassign', { group: ' ' })).status, 400);
  assert.equal((await call('POST', '/tickets/X-1/reassign', { category: 7 })).status, 400);
  assert.equal((await call('POST', '/tickets/X-1/reassign', '[1]')).status, 400);
  assert.equal((await call('POST', '/tickets/nope/reassign', { group: 'billing' })).status, 404);
  assert.equal((await call('GET', '/admin/training-rows.csv')).status, 401);
  assert.deepEqual(await trainingRows(call), []);
});

test('a warm-start retrain on the exported rows learns the corrections', async (t) => {
  const { call, stop } = await start();
  t.after(stop);
  const rows = parseCsv(fs.readFileSync(path.join(fixtures, 'train', 'tickets.csv'), 'utf8')).map((r) => ({
    text: [r.subject, r.body].filter(Boolean).join('\n'),
    category: r.category,
    group: r.group,
  }));
  const labels = (all) => ({ category: all.map((r) => r.category), group: all.map((r) => r.group) });
  const old = await Model.fit(rows.map((r) => r.text), labels(rows));
  const mailbox = ['sales', 'hr', 'legal', 'ops'].map((n) => `Shared mailbox ${n} missing from Outlook`);
  for (const [i, subject] of mailbox.entries()) {
    assert.notEqual(old.predict(subject).group.label, 'mail-team');
    await call('POST', '/tickets', { id: `M-${i}`, subject });
    assert.equal((await call('POST', `/tickets/M-${i}/reassign`, { group: 'mail-team' })).status, 200);
  }
  const all = [...rows, ...(await trainingRows(call))];
  const retrained = await Model.fit(all.map((r) => r.text), labels(all), { warmStart: old });
  assert.deepEqual(mailbox.map((s) => retrained.predict(s).group.label), mailbox.map(() => 'mail-team'));
});
