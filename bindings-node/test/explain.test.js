'use strict';
// Model.explain and the engine's explain option: the deciding word on top, sums, overrides.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Model, Engine } = require('..');

const FILLER = ['my', 'the', 'is', 'broken', 'again', 'please', 'help', 'today', 'urgent', 'since', 'friday'];
const WORDS = { printer: ['hardware', 'desk'], invoice: ['billing', 'finance'], password: ['access', 'accounts'] };

/** Two heads where one word decides each class. */
async function oneWordModel() {
  const texts = [];
  const category = [];
  const group = [];
  for (let i = 0; i < 30; i++) {
    for (const [word, [cat, grp]] of Object.entries(WORDS)) {
      texts.push(`${FILLER[i % FILLER.length]} ${word} ${FILLER[(i * 7 + 3) % FILLER.length]}`);
      category.push(cat);
      group.push(grp);
    }
  }
  return Model.fit(texts, { category, group }, { seed: 1 });
}

const modelPromise = oneWordModel();
const ticket = { id: '1', subject: 'my invoice is wrong', created_at: '2026-11-23T10:00:00Z' };

test('explain puts the deciding word first and adds up to the score', async () => {
  const model = await modelPromise;
  const e = model.explain('the printer is broken again', 2);
  assert.deepEqual(Object.keys(e), ['category', 'group']);
  assert.deepEqual([e.category.label, e.group.label], ['hardware', 'desk']);
  for (const head of Object.values(e)) {
    assert.deepEqual([head.supporting[0].ngram, head.supporting[0].kind], ['printer', 'word']);
    assert.ok(head.supporting.length <= 2 && head.opposing.length <= 2);
  }
  const all = model.explain('please reset my password today', 100).category;
  const listed = [...all.supporting, ...all.opposing].reduce((s, c) => s + c.contribution, 0);
  assert.ok(Math.abs(all.rest) < 1e-6);
  assert.ok(Math.abs(all.bias + listed - all.score) < 1e-4, `${all.bias} + ${listed} vs ${all.score}`);
  // Default k is 5; empty text is the bias alone.
  assert.ok(model.explain('the printer is broken again').category.supporting.length <= 5);
  const empty = model.explain('', 3).category;
  assert.deepEqual([empty.supporting, empty.opposing, empty.score], [[], [], empty.bias]);
  assert.throws(() => model.explain('printer', -1), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => model.explain(42), { code: 'INVALID_ARGUMENT' });
});

test('the trace explains when the engine option or the call asks', async () => {
  const model = await modelPromise;
  const off = new Engine({ rulesSource: '// no rules', model });
  assert.equal(off.triage(ticket).trace.model_explanation, undefined);
  const asked = off.triage(ticket, { explain: 1 }).trace.model_explanation;
  assert.deepEqual(asked.map((h) => [h.head, h.supporting[0].ngram]), [['category', 'invoice'], ['group', 'invoice']]);
  const on = new Engine({ rulesSource: '// no rules', model, options: { explain: 2 } });
  assert.equal(on.triage(ticket).trace.model_explanation.length, 2);
  assert.equal(on.triage(ticket, { explain: 0 }).trace.model_explanation, undefined);
  const batch = await off.triageBatch([ticket, { subject: 'printer jammed' }], { explain: 1 });
  assert.deepEqual(batch.map((d) => d.trace.model_explanation[0].label), ['billing', 'hardware']);
  assert.throws(() => off.triage(ticket, { explain: 1.5 }), { code: 'INVALID_ARGUMENT' });
});
