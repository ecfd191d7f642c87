'use strict';
// The JS `Engine`: argument checks and conversion around `NativeEngine` (src/engine.rs).

const native = require('./native');
const { invalidArgument, errorSlot } = require('./errors');
const { ticketJson, optionsJson, rosterJson, ownOption, optionalBoolean, optionalCount } = require('./convert');
const { decodeTurn, decodePart } = require('./decode');
const { Model, nativeModel } = require('./model');

/** Tickets per native call in `triageBatch`; small enough that the JSON work each chunk costs
 * the main thread stays in the low milliseconds (see bench.js). */
const DEFAULT_CHUNK = 256;
/** JSON characters per native call at most (plus one ticket), far below V8's string limit. */
const CHUNK_CHARS = 16 * 1024 * 1024;
/** Numbers the batches of this process for `triagekit:batch-decode` subscribers. */
let batchCount = 0;

// Lets `fromPaths` hand a ready native engine to the constructor; not reachable from outside.
const wrapNative = Symbol('wrapNative');

/** Triages tickets: model, then rules, then assignment. See index.d.ts for the full contract. */
class Engine {
  #native;

  /**
   * @param {{rules?: string, rulesSource?: string, model?: Model|string|null, agents?: string|object, options?: object}} config
   *   `rules` is a rule file or folder (a missing path throws `IO`); text that cannot be a path
   *   (a line break or one of `{ } ; "`) is compiled as rules. `rulesSource` is always rule text.
   */
  constructor(config, handle) {
    if (config === wrapNative) {
      this.#native = handle;
      return;
    }
    if (!config || typeof config !== 'object') throw invalidArgument('new Engine({ rules, model, agents, options })');
    const [model, agents, options] = ownKeys(config, ['model', 'agents', 'options']);
    const [rules, isSource] = rulesArg(config);
    this.#native = new native.NativeEngine(rules, modelArg(model), ...rosterArgs(agents), optionsJson(options, 'options'), isSource);
  }

  /** Builds an engine from files only (`rules`, `model`, `agents` are paths), like the CLI. */
  static fromPaths(config) {
    if (!config || typeof config !== 'object') throw invalidArgument('Engine.fromPaths({ rules, model, agents })');
    const [rules, model, agents, options] = ownKeys(config, ['rules', 'model', 'agents', 'options']);
    for (const [name, value] of [['model', model], ['agents', agents]]) {
      if (value !== undefined && value !== null && typeof value !== 'string') throw invalidArgument(`${name} must be a path`);
    }
    const handle = native.NativeEngine.fromPaths(rulesArg({ rules })[0], model ?? undefined, agents ?? undefined, optionsJson(options, 'options'));
    return new Engine(wrapNative, handle);
  }

  /** Triages one ticket synchronously and returns its decision (snake_case keys). */
  triage(ticket, options = {}) {
    const commit = optionalBoolean(ownOption(options, 'commit'), 'commit');
    const trace = optionalBoolean(ownOption(options, 'trace'), 'trace');
    const explain = optionalCount(ownOption(options, 'explain'), 'explain');
    let json;
    try {
      json = ticketJson(ticket);
    } catch (error) {
      this.#native.countRejectedTickets(1);
      throw error;
    }
    return JSON.parse(this.#native.triageJson(json, commit, trace, explain));
  }

  /**
   * Triages many tickets off the main thread, all on the rules, model and roster in use when
   * the call starts. Resolves to one slot per ticket, in order: a decision, or
   * `{ error: { code, message, ... } }` for a ticket that failed.
   */
  async triageBatch(tickets, options = {}) {
    if (!Array.isArray(tickets)) throw invalidArgument('triageBatch expects an array of tickets');
    const commit = optionalBoolean(ownOption(options, 'commit'), 'commit');
    const trace = optionalBoolean(ownOption(options, 'trace'), 'trace');
    const explain = optionalCount(ownOption(options, 'explain'), 'explain');
    const chunk = ownOption(options, 'chunkSize') ?? DEFAULT_CHUNK;
    if (!Number.isSafeInteger(chunk) || chunk < 1) throw invalidArgument('chunkSize must be a positive integer');

    const batch = this.#native.startBatch(commit, trace, explain);
    const id = ++batchCount;
    const results = new Array(tickets.length);
    let rejected = 0;
    // Chunks are pipelined: while chunk n runs on the thread pool, the main thread encodes
    // chunk n + 1, then decodes n part by part, one part per event loop turn.
    let carried = null; // A ticket encoded for a chunk it did not fit in: the next one's first.
    const submit = (start) => {
      const slots = [];
      const lines = [];
      let chars = 0;
      let end = start;
      for (; end < tickets.length && end - start < chunk; end++) {
        let line;
        try {
          line = carried?.index === end ? carried.line : ticketJson(tickets[end]);
        } catch (error) {
          results[end] = errorSlot(error);
          rejected++;
          continue;
        }
        // A chunk also ends before CHUNK_CHARS of JSON, so its joined text is a valid V8 string.
        if (lines.length && chars + line.length > CHUNK_CHARS) {
          carried = { index: end, line };
          break;
        }
        chars += line.length + 1;
        lines.push(line);
        slots.push(end);
      }
      // JSON.stringify never emits a raw newline, so JSON Lines is an unambiguous framing.
      const pending = lines.length ? batch.triageJson(lines.join('\n')) : Promise.resolve([]);
      // Marked handled: if an earlier chunk fails, the batch rejects with that error instead
      // of this one surfacing later as an unhandled rejection.
      pending.catch(() => {});
      return { slots, pending, end };
    };
    let parts = 0;
    let current = tickets.length ? submit(0) : null;
    while (current) {
      const next = current.end < tickets.length ? submit(current.end) : null;
      let slot = 0;
      for (const text of await current.pending) {
        await decodeTurn();
        for (const decided of decodePart(text, id, parts++)) results[current.slots[slot++]] = decided;
      }
      current = next;
    }
    if (rejected) this.#native.countRejectedTickets(rejected);
    return results;
  }

  /**
   * Compiles rules and swaps them in atomically; on any error (a missing path is `IO`) the old
   * rules stay. `rules`: a path (or text that cannot be one), or `{ rulesSource }`.
   */
  reloadRules(rules) {
    const [text, isSource] = rulesArg(typeof rules === 'object' && rules !== null ? rules : { rules });
    this.#native.reloadRules(text, isSource);
  }

  /** Swaps in a model (a `Model` or a model file path), or removes it with `null`. */
  setModel(model) {
    this.#native.setModel(modelArg(model) ?? null);
  }

  /** Replaces the roster (path or object); loads and presence restart from it. */
  replaceRoster(agents) {
    if (agents === undefined || agents === null) throw invalidArgument('replaceRoster expects a roster path or object');
    this.#native.replaceRoster(...rosterArgs(agents));
  }

  /**
   * Changes the options named (camelCase or snake_case keys); the others keep their values.
   * Applies at once, `strictRules` included.
   */
  setOptions(options) {
    const changes = optionsJson(options, 'options');
    if (changes === undefined) throw invalidArgument('setOptions expects an options object');
    this.#native.setOptions(JSON.stringify({ ...JSON.parse(this.#native.optionsJson()), ...JSON.parse(changes) }));
  }

  /** The options in use (snake_case keys, as core serialises them). */
  get options() {
    return JSON.parse(this.#native.optionsJson());
  }

  /** Sets an agent's open-ticket count (your helpdesk is the source of truth). */
  setLoad(agent, load) {
    if (!Number.isInteger(load) || load < 0 || load > 0xffffffff) {
      throw invalidArgument(`load must be a non-negative integer, got ${load}`);
    }
    this.#native.setLoad(agentArg(agent), load);
  }

  /** Sets an agent's presence: `'online'`, `'away'` or `'offline'`. */
  setPresence(agent, presence) {
    if (typeof presence !== 'string') throw invalidArgument('presence must be online, away or offline');
    this.#native.setPresence(agentArg(agent), presence);
  }

  /** Frees one unit of the agent's capacity (and of `channel`'s, if given) when a ticket closes. */
  ticketClosed(agent, channel) {
    if (channel !== undefined && channel !== null && typeof channel !== 'string') {
      throw invalidArgument('channel must be a string');
    }
    this.#native.ticketClosed(agentArg(agent), channel ?? undefined);
  }

  /** Counters: tickets, errors, review queue, rule hits, assignments, latency (snake_case). */
  stats() {
    return JSON.parse(this.#native.statsJson());
  }

  /** The same counters in the Prometheus text format, for a `/metrics` endpoint. */
  statsPrometheus() {
    return this.#native.statsPrometheus();
  }

  /** The roster in use, in the agents.json format, with each agent's live `load` and `presence`. */
  roster() {
    return JSON.parse(this.#native.rosterJson());
  }

  /** Versions of the rules, model and roster in use (also in every decision's trace). */
  versions() {
    return JSON.parse(this.#native.versionsJson());
  }

  /** Bench only: one raw native batch call (JSON Lines in, a promise of JSON array texts out). */
  _nativeBatch(lines, trace) {
    return this.#native.startBatch(undefined, trace).triageJson(lines);
  }

  /** Bench only: the N-API object conversion path `triage` does not use (see bench.js). */
  _triageObject(ticket, commit) {
    return this.#native.triageObject(ticket, commit);
  }
}

/** `[text, isSource]` from `{ rules }` or `{ rulesSource }` (exactly one, a non-empty string). */
function rulesArg(config) {
  const own = (key) => (Object.prototype.hasOwnProperty.call(config, key) ? config[key] : undefined);
  const rules = own('rules');
  const source = own('rulesSource');
  if ((rules === undefined) === (source === undefined)) {
    throw invalidArgument('give exactly one of rules (a rule file/folder path) or rulesSource (Rhai rule text)');
  }
  const text = rules ?? source;
  if (typeof text !== 'string' || text.length === 0) {
    throw invalidArgument(`${rules !== undefined ? 'rules' : 'rulesSource'} must be a non-empty string`);
  }
  return [text, source !== undefined];
}

function modelArg(model) {
  if (model === undefined || model === null) return undefined;
  if (typeof model === 'string') return nativeModel(Model.load(model));
  if (model instanceof Model) return nativeModel(model);
  throw invalidArgument('model must be a Model or a model file path');
}

/** A roster as the native `[path, json]` pair: a file path, or the object's JSON text. */
function rosterArgs(agents) {
  if (agents === undefined || agents === null) return [undefined, undefined];
  if (typeof agents === 'string') return [agents, undefined];
  if (typeof agents === 'object' && !Array.isArray(agents)) return [undefined, rosterJson(agents)];
  throw invalidArgument('agents must be a roster file path or a roster object');
}

/** The own properties `keys` of a config object; a throwing getter or Proxy trap is INVALID_ARGUMENT. */
function ownKeys(config, keys) {
  return keys.map((key) => ownOption(config, key, 'config'));
}

function agentArg(agent) {
  if (typeof agent !== 'string' || agent.length === 0) throw invalidArgument('agent must be a non-empty string');
  return agent;
}

module.exports = { Engine };
