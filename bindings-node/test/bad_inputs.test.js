'use strict';
// The shared bad-input table (fixtures/bad/cases.json, documented in fixtures/bad/README.md)
// run through the Node addon. The Rust (core/tests/bad_inputs.rs) and Python
// (bindings-python/tests/test_bad_inputs.py) suites run the same table.
//
// Each case must throw its documented typed error (or give its documented safe result), the
// process must stay up, and good tickets triaged in the same batch must come out exactly as
// they do on their own.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Engine, Model } = require('..');
const { fixtures, rulesPath, agentsPath, comparable, trainingData, FIXED_NOW } = require('./helpers');

const badDir = path.join(fixtures, 'bad');
const table = JSON.parse(fs.readFileSync(path.join(badDir, 'cases.json'), 'utf8'));
const GOOD = table.good_tickets;
const ran = new Set();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-bad-'));

const expectation = (c) => c.expect_node ?? c.expect;
const withoutTrace = ({ trace: _trace, ...rest }) => rest;

/** A case value as the JS value a caller would pass (markers become real values). */
function materialise(value) {
  if (Array.isArray(value)) return value.map(materialise);
  if (value === null || typeof value !== 'object') return value;
  if ('$special' in value) {
    switch (value.$special) {
      case 'nan': return NaN;
      case 'inf': return Infinity;
      case 'bigint': return BigInt(value.digits);
      case 'lone_surrogate': return `${value.before ?? ''}\ud800${value.after ?? ''}`;
      case 'bytes': return Buffer.from(value.hex, 'hex');
      default: throw new Error(`unknown $special ${value.$special}`);
    }
  }
  if ('$repeat' in value) {
    const unit = value.$repeat;
    return unit.repeat(Math.floor(value.bytes / unit.length) + 1).slice(0, value.bytes);
  }
  if ('$nest' in value) {
    let leaf = 1;
    for (let i = 0; i < value.$nest; i++) leaf = { x: leaf };
    return leaf;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialise(v)]));
}

// The error fields (all but the message) each case produced first; written by the last test to
// target/bad-inputs/node.json for scripts/compare-error-fields.py.
const observed = {};
const FIELDS = ['code', 'file', 'line', 'column', 'rule', 'field', 'agent', 'path', 'row'];

function checkError(c, error, expect) {
  assert.ok(error, `${c.name}: expected ${expect.error}, got a result`);
  if (!(c.name in observed)) {
    observed[c.name] = Object.fromEntries(FIELDS.filter((k) => error[k] !== undefined && error[k] !== null).map((k) => [k, error[k]]));
  }
  assert.equal(error.code, expect.error, `${c.name}: ${error.code} ${error.message}`);
  if ('field' in expect) assert.equal(error.field, expect.field, `${c.name}: ${error.message}`);
  if (expect.message_contains) {
    assert.ok(error.message.toLowerCase().includes(expect.message_contains.toLowerCase()), `${c.name}: ${error.message}`);
  }
}

function checkOk(c, decision, expect) {
  assert.ok(!decision.error, `${c.name}: ${JSON.stringify(decision.error)}`);
  assert.equal(expect.ok, true, `${c.name}: expected an error, got a decision`);
  for (const key of ['ticket_id', 'group', 'priority', 'category']) {
    if (key in expect) assert.equal(decision[key], expect[key], `${c.name}: ${key}`);
  }
}

function thrown(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return null;
}

// One live engine for every case: it must keep working after each bad input.
const { texts, category, priority } = trainingData();
let model;
let modelBytes;
let live;
let baseline;

test.before(async () => {
  model = await Model.fit(texts, { category, priority }, { seed: 42 });
  const modelPath = path.join(tmp, 'good.tkm');
  model.save(modelPath);
  modelBytes = fs.readFileSync(modelPath);
  live = new Engine({ rules: rulesPath, model, agents: agentsPath, options: { commit: false, now: FIXED_NOW } });
  baseline = GOOD.map((t) => comparable(live.triage(t)));
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function checkLive() {
  assert.deepEqual(GOOD.map((t) => comparable(live.triage(t))), baseline);
}

const cases = (kind) => table.cases.filter((c) => c.kind === kind);

// ---------------------------------------------------------------------------------------------

test('bad tickets', async (t) => {
  for (const c of cases('ticket')) {
    await t.test(c.name, async () => {
      const expect = expectation(c);
      const ticket = materialise(c.input);
      const results = await live.triageBatch([GOOD[0], ticket, GOOD[1], GOOD[2]]);
      assert.equal(results.length, 4);
      assert.deepEqual([0, 2, 3].map((i) => comparable(results[i])), baseline, `${c.name}: good tickets changed`);
      const slot = results[1];
      if (expect.error) {
        assert.deepEqual(Object.keys(slot), ['error'], `${c.name}: ${JSON.stringify(slot).slice(0, 300)}`);
        checkError(c, slot.error, expect);
        checkError(c, thrown(() => live.triage(ticket)), expect);
      } else {
        checkOk(c, slot, expect);
        assert.deepEqual(withoutTrace(live.triage(ticket)), withoutTrace(slot), c.name);
      }
      checkLive();
      ran.add(c.name);
    });
  }
});

/** 00-helpdesk.rhai plus the case's rules as 99-bad.rhai, so positions are its own. */
function ruleDir(c) {
  const dir = fs.mkdtempSync(path.join(tmp, 'rules-'));
  fs.copyFileSync(rulesPath, path.join(dir, '00-helpdesk.rhai'));
  let source;
  if (c.file) source = fs.readFileSync(path.join(badDir, c.file), 'utf8');
  else if (typeof c.input === 'string') source = c.input;
  else {
    const depth = c.input.$rule_nested_expression;
    source = `rule "Deep expression" { let x = ${'('.repeat(depth)}1${')'.repeat(depth)}; }\n`;
  }
  fs.writeFileSync(path.join(dir, '99-bad.rhai'), source);
  return dir;
}

test('bad rules', async (t) => {
  for (const c of cases('rules')) {
    await t.test(c.name, async () => {
      const expect = expectation(c);
      const dir = ruleDir(c);
      if (expect.error) {
        const error = thrown(() => new Engine({ rules: dir, model, agents: agentsPath }));
        checkError(c, error, expect);
        assert.ok(error.file.endsWith('99-bad.rhai'), error.file);
        if ('line' in expect) assert.equal(error.line, expect.line, error.message);
        if ('column' in expect) assert.equal(error.column, expect.column, error.message);
        // Hot reload refuses the broken set; the live engine keeps its rules.
        const version = live.versions().rules;
        assert.throws(() => live.reloadRules(dir), { code: 'RULE_COMPILE' });
        assert.equal(live.versions().rules, version);
      } else {
        const bad = new Engine({ rules: dir, model, agents: agentsPath, options: { commit: false, now: FIXED_NOW } });
        const results = await bad.triageBatch(GOOD);
        assert.equal(results.length, GOOD.length);
        if (expect.every_ticket_error) {
          for (const slot of results) checkError(c, slot.error, { ...expect, error: expect.every_ticket_error });
        } else {
          results.forEach((slot, i) => {
            assert.ok(!slot.error, `${c.name}: ${JSON.stringify(slot.error)}`);
            assert.deepEqual(withoutTrace(slot), withoutTrace(baseline[i]), `${c.name}: the failing rule changed the decision`);
            const traces = slot.trace.rules.filter((r) => r.rule === expect.rule);
            assert.equal(traces.length, 1, `${c.name}: ${expect.rule} not run`);
            assert.ok(traces[0].error && traces[0].error.includes(expect.trace_error_contains), JSON.stringify(traces[0]));
          });
          const strict = new Engine({ rules: dir, model, agents: agentsPath, options: { commit: false, strictRules: true, now: FIXED_NOW } });
          const error = thrown(() => strict.triage(GOOD[0]));
          checkError(c, error, { error: expect.strict_error });
          assert.equal(error.rule, expect.rule);
          const slots = await strict.triageBatch(GOOD);
          assert.deepEqual(slots.map((s) => s.error?.code), GOOD.map(() => expect.strict_error));
        }
      }
      checkLive();
      ran.add(c.name);
    });
  }
});

// Node 20 has no zlib.crc32.
function crc32(bytes) {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

/** A case's bad model bytes (header: magic 8, version u32, length u64, crc32 u32; LE). */
function mutate(c) {
  if (c.file) return fs.readFileSync(path.join(badDir, c.file));
  const data = Buffer.from(modelBytes);
  switch (c.mutate) {
    case 'empty': return Buffer.alloc(0);
    case 'truncate': return 'keep' in c ? data.subarray(0, c.keep) : data.subarray(0, data.length - c.drop_tail);
    case 'flip_payload_byte': data[24 + Math.floor((data.length - 24) / 2)] ^= 0xff; return data;
    case 'set_version': data.writeUInt32LE(c.version, 8); return data;
    case 'append': return Buffer.concat([data, Buffer.alloc(c.bytes)]);
    case 'set_length': data.writeBigUInt64LE(BigInt(c.length), 12); return data;
    case 'garbage_payload':
      data.fill(0xff, 24);
      data.writeUInt32LE(crc32(data.subarray(24)), 20);
      return data;
    default: throw new Error(`unknown mutation ${c.mutate}`);
  }
}

test('bad model files', async (t) => {
  for (const c of cases('model')) {
    await t.test(c.name, () => {
      const expect = expectation(c);
      const file = path.join(tmp, `${c.name}.tkm`);
      fs.writeFileSync(file, mutate(c));
      checkError(c, thrown(() => Model.load(file)), expect);
      checkError(c, thrown(() => new Engine({ rules: rulesPath, model: file })), expect);
      checkError(c, thrown(() => Engine.fromPaths({ rules: rulesPath, model: file })), expect);
      // A live engine refuses the swap and keeps its model.
      const version = live.versions().model;
      checkError(c, thrown(() => live.setModel(file)), expect);
      assert.equal(live.versions().model, version);
      checkLive();
      ran.add(c.name);
    });
  }
});

test('bad rosters', async (t) => {
  for (const c of cases('roster')) {
    await t.test(c.name, () => {
      const expect = expectation(c);
      const file = path.join(tmp, `${c.name}.json`);
      fs.writeFileSync(file, JSON.stringify(c.input));
      for (const agents of [c.input, file]) {
        checkError(c, thrown(() => new Engine({ rules: rulesPath, agents })), expect);
      }
      // A live engine refuses the new roster and keeps the old one, loads included.
      const version = live.versions().roster;
      const roster = live.roster();
      checkError(c, thrown(() => live.replaceRoster(c.input)), expect);
      assert.equal(live.versions().roster, version);
      assert.deepEqual(live.roster(), roster);
      checkLive();
      ran.add(c.name);
    });
  }
});

test('every case ran', () => {
  const missing = table.cases.filter((c) => !ran.has(c.name)).map((c) => c.name);
  const out = path.join(__dirname, '..', '..', 'target', 'bad-inputs');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'node.json'), JSON.stringify(observed, null, 2));
  console.log(`bad-input cases: ${ran.size} (node)`);
  assert.deepEqual(missing, []);
});
