'use strict';
// The JS `Engine`: argument checks and conversion around `NativeEngine` (src/engine.rs).

const native = require('./native');
const { invalidArgument, errorSlot } = require('./errors');
const { ticketJson, snakeKeys, optionalBoolean } = require('./convert');
const { Model, nativeModel } = require('./model');

/** Tickets per native call in `triageBatch`; small enough that the JSON work each chunk costs
 * the main thread stays in the low milliseconds (see bench.js). */
const DEFAULT_CHUNK = 256;

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
    const { model, agents, options } = config;
    const [rules, isSource] = rulesArg(config);
    this.#native = new native.NativeEngine(rules, modelArg(model), rosterArg(agents), snakeKeys(options, 'options'), isSource);
  }

  /** Builds an engine from files only (`rules`, `model`, `agents` are paths), like the CLI. */
  static fromPaths(config) {
    if (!config || typeof config !== 'object') throw invalidArgument('Engine.fromPaths({ rules, model, agents })');
    const { rules, model, agents, options } = config;
    for (const [name, value] of [['model', model], ['agents', agents]]) {
      if (value !== undefined && value !== null && typeof value !== 'string') throw invalidArgument(`${name} must be a path`);
    }
    const handle = native.NativeEngine.fromPaths(rulesArg({ rules })[0], model ?? undefined, agents ?? undefined, snakeKeys(options, 'options'));
    return new Engine(wrapNative, handle);
  }

  /** Triages one ticket synchronously and returns its decision (snake_case keys). */
  triage(ticket, options = {}) {
    const commit = optionalBoolean(options.commit, 'commit');
    const trace = optionalBoolean(options.trace, 'trace');
    return JSON.parse(this.#native.triageJson(ticketJson(ticket), commit, trace));
  }

  /**
   * Triages many tickets off the main thread. Resolves to one slot per ticket, in order: a
   * decision, or `{ error: { code, message, ... } }` for a ticket that failed.
   */
  async triageBatch(tickets, options = {}) {
    if (!Array.isArray(tickets)) throw invalidArgument('triageBatch expects an array of tickets');
    const commit = optionalBoolean(options.commit, 'commit');
    const trace = optionalBoolean(options.trace, 'trace');
    const chunk = options.chunkSize ?? DEFAULT_CHUNK;
    if (!Number.isSafeInteger(chunk) || chunk < 1) throw invalidArgument('chunkSize must be a positive integer');

    const results = new Array(tickets.length);
    // Chunks are pipelined: while chunk n runs on the thread pool, the main thread encodes
    // chunk n + 1, then decodes n. Each step is short, so timers and I/O keep running.
    const submit = (start) => {
      const end = Math.min(start + chunk, tickets.length);
      const slots = [];
      const lines = [];
      for (let i = start; i < end; i++) {
        try {
          lines.push(ticketJson(tickets[i]));
          slots.push(i);
        } catch (error) {
          results[i] = errorSlot(error);
        }
      }
      // JSON.stringify never emits a raw newline, so JSON Lines is an unambiguous framing.
      const pending = lines.length ? this.#native.triageBatchJson(lines.join('\n'), commit, trace) : Promise.resolve('[]');
      return { slots, pending };
    };
    let current = tickets.length ? submit(0) : null;
    for (let start = 0; current; start += chunk) {
      const next = start + chunk < tickets.length ? submit(start + chunk) : null;
      const decided = JSON.parse(await current.pending);
      current.slots.forEach((index, j) => {
        results[index] = decided[j];
      });
      current = next;
    }
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
    const roster = rosterArg(agents);
    if (roster === undefined) throw invalidArgument('replaceRoster expects a roster path or object');
    this.#native.replaceRoster(roster);
  }

  /** Replaces the engine options (camelCase or snake_case keys). */
  setOptions(options) {
    this.#native.setOptions(snakeKeys(options, 'options') ?? {});
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

  /** Bench only: one raw native batch call (JSON Lines in, JSON text promise out). */
  _nativeBatch(lines, trace) {
    return this.#native.triageBatchJson(lines, undefined, trace);
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

function rosterArg(agents) {
  if (agents === undefined || agents === null) return undefined;
  if (typeof agents === 'string' || (typeof agents === 'object' && !Array.isArray(agents))) return agents;
  throw invalidArgument('agents must be a roster file path or a roster object');
}

function agentArg(agent) {
  if (typeof agent !== 'string' || agent.length === 0) throw invalidArgument('agent must be a non-empty string');
  return agent;
}

module.exports = { Engine };
