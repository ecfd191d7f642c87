'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Model, Engine } = require('..');
const { trainingData, rulesPath, agentsPath, FIXED_NOW } = require('./helpers');

const data = trainingData();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'triagekit-node-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('fit -> predict -> save -> load round trip', async () => {
  const model = await Model.fit(data.texts, { category: data.category, priority: data.priority }, { seed: 7, c: 0.5 });
  assert.deepEqual(model.heads, ['category', 'priority']);
  assert.ok(model.classes().includes('billing'));
  assert.deepEqual(model.classes('priority').slice().sort(), [...new Set(data.priority.filter(Boolean))].sort());

  const text = 'I was charged twice on my invoice, please refund';
  const prediction = model.predict(text, { k: 2 });
  assert.equal(prediction.category.label, 'billing');
  assert.equal(prediction.category.top.length, 2);
  assert.equal(prediction.category.top[0][0], 'billing');
  assert.ok(prediction.category.confidence > 0 && prediction.category.confidence <= 1);
  const proba = model.predictProba(text);
  assert.equal(proba.length, model.classes().length);
  assert.ok(Math.abs(proba.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  assert.equal(model.classes()[proba.indexOf(Math.max(...proba))], 'billing');

  const file = path.join(tmp, 'model.tkm');
  model.save(file);
  const loaded = Model.load(file);
  assert.equal(loaded.version, model.version);
  assert.deepEqual(loaded.predict(text), model.predict(text));
  assert.deepEqual(loaded.predictProba(text, 'priority'), model.predictProba(text, 'priority'));
  assert.equal(loaded.metadata.seed, 7);

  const again = await Model.fit(data.texts, { category: data.category, priority: data.priority }, { seed: 7, c: 0.5 });
  // Same seed and data give the same weights (the version hash also covers the creation time).
  for (const t of data.texts.slice(0, 20)) assert.deepEqual(again.predictProba(t), model.predictProba(t));
  const { created: _a, ...meta } = again.metadata;
  const { created: _b, ...metaBefore } = model.metadata;
  assert.deepEqual(meta, metaBefore);
});

test('an array of labels trains the category head; evaluate reports accuracy', async () => {
  // Linear, not naive-bayes: linfa-bayes 0.8.1's leftover dbg! floods stderr (see STACK.md).
  const model = await Model.fit(data.texts, data.category);
  assert.deepEqual(model.heads, ['category']);
  const report = await model.evaluate(data.texts, data.category);
  const head = report.heads.category;
  console.log(`# train-set accuracy ${head.accuracy.toFixed(3)}, macro-F1 ${head.macro_f1.toFixed(3)}`);
  assert.ok(head.accuracy > 0.5);
  assert.equal(head.support, data.texts.length);
});

test('a model plugs into an engine (object or path) and shows in the trace', async () => {
  const model = await Model.fit(data.texts, data.category);
  const file = path.join(tmp, 'engine.tkm');
  model.save(file);
  for (const m of [model, file]) {
    const engine = new Engine({ rules: rulesPath, agents: agentsPath, model: m, options: { commit: false, now: FIXED_NOW } });
    const d = engine.triage({ id: '1', subject: 'Refund', body: 'please refund the duplicate payment on my invoice' });
    assert.equal(d.trace.model_version, model.version);
    assert.equal(d.trace.model[0].head, 'category');
    assert.equal(typeof d.confidence, 'number');
    engine.setModel(null);
    assert.equal(engine.triage({ id: '2' }).trace.model_version, null);
    engine.setModel(model);
    assert.equal(engine.versions().model, model.version);
  }
});

test('model errors: bad files, unknown heads, bad training input', async () => {
  const garbage = path.join(tmp, 'garbage.tkm');
  fs.writeFileSync(garbage, 'definitely not a model');
  assert.throws(() => Model.load(garbage), { code: 'MODEL_FORMAT' });
  assert.throws(() => Model.load(path.join(tmp, 'missing.tkm')), (e) => e.code === 'MODEL' || e.code === 'IO');
  const model = await Model.fit(data.texts, data.category);
  assert.throws(() => model.classes('nope'), { code: 'MODEL' });
  assert.throws(() => model.predictProba('x', 'nope'), { code: 'MODEL' });
  await assert.rejects(Model.fit([], []), { code: 'MODEL' });
  await assert.rejects(Model.fit(['a', 'b'], ['x']), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(Model.fit(['a', 5], ['x', 'y']), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(Model.fit(data.texts, data.category, { algorithm: 'forest' }), { code: 'MODEL' });
  assert.throws(() => new Model({}), { code: 'INVALID_ARGUMENT' });
});

// bindings-python/tests/test_model.py checks the same options give the same code and field in Python.
test('a bad or unknown training option is MODEL with the option as field', async () => {
  for (const [options, field] of [
    [{ c: -1 }, 'c'],
    [{ c: NaN }, 'c'],
    [{ c: 'big' }, 'c'],
    [{ maxIter: 0 }, 'max_iter'],
    [{ seed: -1 }, 'seed'],
    [{ hashBits: 40 }, 'hash_bits'],
    [{ learningRate: 3 }, 'learningRate'],
    [JSON.parse('{"__proto__": {"c": 1}}'), '__proto__'],
  ]) {
    await assert.rejects(Model.fit(data.texts, data.category, options), (error) => {
      assert.equal(error.code, 'MODEL', `${JSON.stringify(options)}: ${error.message}`);
      assert.equal(error.field, field, error.message);
      assert.match(error.message, /invalid training option/);
      return true;
    });
  }
  // Inherited properties are not options.
  const inherited = Object.create({ c: -1 });
  assert.equal((await Model.fit(data.texts, data.category, inherited)).metadata.c, 0.5);
  await assert.rejects(Model.fit(data.texts, data.category, { seed: 1n }), { code: 'INVALID_ARGUMENT' });
});

test('tune: true records the CV table; a zero budget keeps the default; tuning options are checked', async () => {
  const model = await Model.fit(data.texts, data.category, { seed: 7, tune: true, budgetS: 0, folds: 3 });
  const { tuning } = model.metadata;
  assert.equal(tuning.chosen, 'default');
  assert.equal(tuning.folds, 3);
  const evaluated = tuning.candidates.filter((c) => !c.skipped);
  assert.deepEqual(evaluated.map((c) => c.label), ['default']);
  assert.ok(evaluated[0].mean > 0 && evaluated[0].mean <= 1);
  assert.ok(tuning.candidates.some((c) => c.skipped));
  const plain = await Model.fit(data.texts, data.category, { seed: 7 });
  assert.equal(plain.metadata.tuning, null);
  assert.deepEqual(model.predict(data.texts[0]), plain.predict(data.texts[0]));
  for (const [options, field] of [
    [{ budgetS: 5 }, 'budgetS'],
    [{ tune: true, folds: 1 }, 'folds'],
    [{ tune: true, tuneMetric: 'auc' }, 'tuneMetric'],
  ]) {
    await assert.rejects(Model.fit(data.texts, data.category, options), (error) => {
      assert.equal(error.code, 'MODEL', error.message);
      assert.equal(error.field, field, error.message);
      return true;
    });
  }
});

test('primaryHead: category wherever it is, else the first head; used when no head is named', async () => {
  const noCategory = await Model.fit(data.texts, { priority: data.priority, other: data.category });
  assert.equal(noCategory.primaryHead, 'priority');
  assert.deepEqual(noCategory.classes(), noCategory.classes('priority'));
  const report = await noCategory.evaluate(data.texts, data.priority);
  assert.deepEqual(Object.keys(report.heads), ['priority']);
  const later = await Model.fit(data.texts, { priority: data.priority, category: data.category });
  assert.equal(later.primaryHead, 'category');
  assert.deepEqual(Object.keys((await later.evaluate(data.texts, data.category)).heads), ['category']);
});
