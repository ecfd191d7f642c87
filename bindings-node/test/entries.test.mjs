// Both package entries load and expose the same classes (one addon instance).
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import triagekit, { Engine, Model, ErrorCode } from 'triagekit';

const require = createRequire(import.meta.url);

test('ESM named and default exports', () => {
  assert.equal(typeof Engine, 'function');
  assert.equal(typeof Model.fit, 'function');
  assert.equal(ErrorCode.INVALID_TICKET, 'INVALID_TICKET');
  assert.equal(triagekit.Engine, Engine);
});

test('CommonJS entry gives the very same classes', () => {
  const cjs = require('triagekit');
  assert.equal(cjs.Engine, Engine);
  assert.equal(cjs.Model, Model);
  const engine = new cjs.Engine({ rules: 'rule "r" { set_group("g"); }' });
  assert.equal(engine.triage({ id: 'x' }).group, 'g');
});

test('package.json exports point at files that exist', async () => {
  const pkg = require('triagekit/package.json');
  const fs = await import('node:fs');
  const path = await import('node:path');
  const dir = path.dirname(require.resolve('triagekit/package.json'));
  for (const target of Object.values(pkg.exports['.'])) {
    assert.ok(fs.existsSync(path.join(dir, target)), target);
  }
});
