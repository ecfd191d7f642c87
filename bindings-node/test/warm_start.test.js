'use strict';
// Model.fit(texts, labels, { warmStart: oldModel }): retraining from agents' corrections.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Model } = require('..');
const { trainingData } = require('./helpers');

const data = trainingData();

test('warmStart follows corrections and learns a new class', async () => {
  const old = await Model.fit(data.texts, data.category, { seed: 7 });
  // Agents re-route mailbox tickets to a new "messaging" queue.
  const moved = data.texts.map((t, i) => i).filter((i) => data.category[i] === 'email' && /mailbox/i.test(data.texts[i]));
  assert.ok(moved.length >= 3, `mailbox tickets: ${moved.length}`);
  for (const i of moved) assert.equal(old.predict(data.texts[i]).category.label, 'email');
  const corrected = data.category.map((c, i) => (moved.includes(i) ? 'messaging' : c));
  const warm = await Model.fit(data.texts, corrected, { seed: 7, warmStart: old });
  assert.ok(warm.classes().includes('messaging'));
  for (const i of moved) assert.equal(warm.predict(data.texts[i]).category.label, 'messaging', data.texts[i]);
  const others = data.texts.filter((t, i) => data.category[i] === 'email' && !moved.includes(i));
  const stay = others.filter((t) => warm.predict(t).category.label === 'email').length;
  assert.ok(stay >= 0.9 * others.length, `${stay} of ${others.length} stay email`);
});

test('warmStart keeps the old pipeline; a conflicting option is MODEL with field', async () => {
  const old = await Model.fit(data.texts, data.category, { hashBits: 16 });
  const warm = await Model.fit(data.texts, data.category, { warmStart: old });
  assert.equal(warm.metadata.hash_bits, 16);
  await assert.rejects(Model.fit(data.texts, data.category, { hashBits: 18, warmStart: old }), (e) => {
    assert.equal(e.code, 'MODEL');
    assert.equal(e.field, 'hash_bits');
    assert.match(e.message, /old model was trained with 16/);
    return true;
  });
  await assert.rejects(Model.fit(data.texts, data.category, { warmStart: 'old.tkm' }), (e) => e.code === 'INVALID_ARGUMENT');
  const cold = await Model.fit(data.texts, data.category, { seed: 7, warmStart: null });
  assert.deepEqual(cold.classes(), old.classes());
});
