'use strict';
// The in-flight limiter: off by default; when on, a request over the limit gets 429 +
// Retry-After at once and the request in flight completes normally.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { start } = require('./server');

/** Starts a POST whose body is only half sent: it stays in flight until `finish()`. */
function halfSentPost(port, body) {
  const text = JSON.stringify(body);
  const req = http.request({
    host: '127.0.0.1', port, method: 'POST', path: '/tickets',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
  });
  const response = new Promise((resolve, reject) => {
    req.on('response', (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(data) }));
    });
    req.on('error', reject);
  });
  req.write(text.slice(0, 5));
  return { response, finish: () => req.end(text.slice(5)) };
}

const post = (port, body) =>
  fetch(`http://127.0.0.1:${port}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('no limiter by default: 50 concurrent requests all succeed', async (t) => {
  const { port, stop } = await start({});
  t.after(stop);
  const held = halfSentPost(port, { id: 'held', subject: 'printer jammed' });
  await new Promise((r) => setTimeout(r, 50));
  const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => post(port, { id: `N-${i}`, subject: 'invoice' }).then((r) => r.status)));
  assert.deepEqual(new Set(statuses), new Set([201]));
  held.finish();
  assert.equal((await held.response).status, 201);
});

test('a request over maxInFlight gets 429 with Retry-After; the one in flight completes', async (t) => {
  const { app, port, stop } = await start({ maxInFlight: 1, retryAfter: 2 });
  t.after(stop);
  const held = halfSentPost(port, { id: 'held', subject: 'printer jammed' });
  // Give the held request time to reach the app (its headers parsed, its body pending).
  await new Promise((r) => setTimeout(r, 150));
  const rejected = await post(port, { id: 'second', subject: 'refund please' });
  assert.equal(rejected.status, 429);
  assert.equal(rejected.headers.get('retry-after'), '2');
  assert.equal((await rejected.json()).error.code, 'TOO_MANY_REQUESTS');
  assert.equal(app.locals.rejected, 1);
  held.finish();
  const done = await held.response;
  assert.equal(done.status, 201);
  assert.equal(done.json.id, 'held');
  // The slot is free again and the rejected ticket was not stored: it can be sent again.
  const again = await post(port, { id: 'second', subject: 'refund please' });
  assert.equal(again.status, 201);
});

test('rateLimit: a token bucket; past the burst 429 + Retry-After, refilled with time', async (t) => {
  let clock = 0;
  const { app, port, stop } = await start({ rateLimit: { rps: 10, burst: 3, now: () => clock }, retryAfter: 1 });
  t.after(stop);
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await post(port, { id: `R-${i}`, subject: 'invoice' })).status);
  assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
  assert.equal(app.locals.rejected, 2);
  clock += 250; // 2.5 tokens back at 10/s
  const later = [];
  for (let i = 5; i < 8; i++) later.push((await post(port, { id: `R-${i}`, subject: 'invoice' })).status);
  assert.deepEqual(later, [201, 201, 429]);
  const res = await post(port, { id: 'R-x', subject: 'invoice' });
  assert.equal(res.headers.get('retry-after'), '1');
  // Rejected tickets were not stored: R-3 goes through once tokens are back.
  clock += 1000;
  assert.equal((await post(port, { id: 'R-3', subject: 'invoice' })).status, 201);
});
