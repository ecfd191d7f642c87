'use strict';
// child_process.fork starts a fresh Node process (no memory shared with the parent, unlike a
// POSIX fork), so the addon loads and runs its thread pool anew: after parallel work here, a
// forked child still triages a batch.
const test = require('node:test');
const assert = require('node:assert/strict');
const { fork } = require('node:child_process');
const path = require('node:path');
const { Engine } = require('..');
const { rulesPath, agentsPath, FIXED_NOW } = require('./helpers');

const CHILD = path.join(__dirname, 'fork_child.js');

test('a child_process.fork child loads the addon and runs triageBatch', async () => {
  const engine = new Engine({ rules: rulesPath, agents: agentsPath, options: { commit: false, now: FIXED_NOW } });
  const tickets = Array.from({ length: 300 }, (_, i) => ({ id: String(i), subject: 'VPN is down' }));
  assert.equal((await engine.triageBatch(tickets)).length, 300, 'the parent used the pool first');

  const child = fork(CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    const [message, code] = await Promise.all([
      new Promise((resolve, reject) => {
        child.once('message', resolve);
        child.once('exit', (c) => reject(new Error(`child exited (${c}) without a result`)));
      }),
      new Promise((resolve) => child.once('exit', resolve)),
    ]);
    assert.deepEqual(message, { decisions: 300, groups: ['network-ops'] });
    assert.equal(code, 0);
  } finally {
    clearTimeout(timer);
  }
});
