'use strict';
// The JS `Model`: argument checks and conversion around `NativeModel` (src/model.rs).

const native = require('./native');
const { invalidArgument } = require('./errors');
const { stringArray, labelColumns, optionalCount } = require('./convert');

// The native handle stays private to this package; `Engine` reaches it through `nativeModel`.
const handles = new WeakMap();
// The head a plain array of labels trains, as the model crate names it.
const PRIMARY_HEAD = native.primaryHeadName();

/** A trained, immutable text model. Share one instance between engines freely. */
class Model {
  /** Use `Model.fit` or `Model.load`; the constructor only wraps a native handle. */
  constructor(handle) {
    if (!(handle instanceof native.NativeModel)) {
      throw invalidArgument('use Model.fit(...) or Model.load(path) to get a Model');
    }
    handles.set(this, handle);
  }

  /**
   * Trains off the main thread. `labels`: an array (head `category`) or `{ head: [...] }`.
   * `options`: `{ algorithm: 'linear'|'naive-bayes', seed, c, maxTextChars, hashBits, maxIter, ... }`,
   * read, defaulted and checked by the model crate (a bad or unknown option is `MODEL`, with `field`).
   * `warmStart: oldModel` starts from `oldModel`'s weights and keeps its text pipeline (retrain
   * on all rows plus agents' corrections at a fraction of a cold fit's cost).
   */
  static async fit(texts, labels, options = {}) {
    stringArray(texts, 'texts');
    const [heads, columns] = labelColumns(labels, texts.length, PRIMARY_HEAD);
    if (options === null || typeof options !== 'object') throw invalidArgument('options must be an object');
    const { warmStart, ...settings } = options;
    if (warmStart !== undefined && warmStart !== null && !(warmStart instanceof Model)) {
      throw invalidArgument('warmStart must be a Model');
    }
    const old = warmStart ? handles.get(warmStart) : undefined;
    return new Model(await native.NativeModel.fit(texts, heads, columns, optionsJson(settings), old));
  }

  /** Reads a model file written by `save` or `triagekit train`. */
  static load(path) {
    if (typeof path !== 'string') throw invalidArgument('path must be a string');
    return new Model(native.NativeModel.load(path));
  }

  /** Writes the model file (atomically: temporary file + rename). */
  save(path) {
    if (typeof path !== 'string') throw invalidArgument('path must be a string');
    handles.get(this).save(path);
  }

  /** Top-`k` classes of every head: `{ [head]: { label, confidence, top: [[label, p], ...] } }`. */
  predict(text, options = {}) {
    if (typeof text !== 'string') throw invalidArgument('text must be a string');
    const k = options.k ?? 3;
    if (!Number.isInteger(k) || k < 1 || k > 0xffffffff) throw invalidArgument('k must be a positive integer');
    const out = {};
    for (const head of JSON.parse(handles.get(this).predictJson(text, k)).heads) {
      out[head.head] = { label: head.label, confidence: head.confidence, top: head.top };
    }
    return out;
  }

  /**
   * Per head, the `k` (default 5) n-grams of `text` that raised (`supporting`) and lowered
   * (`opposing`) the predicted label's score: `{ [head]: { label, confidence, score, bias,
   * supporting: [{ ngram, kind, contribution, from_chars }], opposing, rest } }`.
   */
  explain(text, k = 5) {
    if (typeof text !== 'string') throw invalidArgument('text must be a string');
    const n = optionalCount(k, 'k') ?? 5;
    const out = {};
    for (const head of JSON.parse(handles.get(this).explainJson(text, n)).heads) out[head.head] = head;
    return out;
  }

  /** Calibrated probabilities of one head (default `primaryHead`), aligned with `classes(head)`. */
  predictProba(text, head) {
    if (typeof text !== 'string') throw invalidArgument('text must be a string');
    return handles.get(this).predictProba(text, this.#head(head));
  }

  /** Classes of one head (default `primaryHead`), in `predictProba` order. */
  classes(head) {
    return handles.get(this).classes(this.#head(head));
  }

  /** Head names in model order. */
  get heads() {
    return handles.get(this).heads();
  }

  /** The head used when none is named: `category` if the model has it, else its first head. */
  get primaryHead() {
    return handles.get(this).primaryHead;
  }

  /** Stable identifier (payload hash), as recorded in decision traces. */
  get version() {
    return handles.get(this).version;
  }

  /** Training provenance and per-head metrics (snake_case keys). */
  get metadata() {
    return JSON.parse(handles.get(this).metadataJson());
  }

  /** Accuracy, macro-F1, per-class figures and confusion matrix per head, computed off the main thread. */
  async evaluate(texts, labels) {
    stringArray(texts, 'texts');
    const [heads, columns] = labelColumns(labels, texts.length, this.primaryHead);
    return JSON.parse(await handles.get(this).evaluate(texts, heads, columns));
  }

  #head(head) {
    if (head !== undefined && head !== null) {
      if (typeof head !== 'string') throw invalidArgument('head must be a string');
      return head;
    }
    return this.primaryHead;
  }
}

/** Options as JSON text: own enumerable properties only; NaN and infinities become null. */
function optionsJson(options) {
  try {
    return JSON.stringify(options);
  } catch (error) {
    throw invalidArgument(`options cannot be converted to JSON: ${error?.message ?? error}`);
  }
}

/** The native handle of a `Model` (package-internal). */
function nativeModel(model) {
  return handles.get(model);
}

module.exports = { Model, nativeModel };
