'use strict';
// JS-side conversion: tickets to JSON text, camelCase options to the snake_case core reads,
// label columns to the (heads, labels) arrays the native `fit`/`evaluate` take.

const { invalidArgument, invalidTicket } = require('./errors');

/**
 * A ticket as the JSON text the addon parses. `Date` values become RFC 3339 strings through
 * their `toJSON`; values JSON cannot hold (BigInt, cycles, throwing getters) give INVALID_TICKET.
 */
function ticketJson(ticket) {
  let json;
  try {
    json = JSON.stringify(ticket);
    // `toJSON` of an invalid Date is null, which reads as "no created_at" (= now): send text
    // core refuses instead, so the error names the field.
    const created = ticket !== null && typeof ticket === 'object' ? ticket.created_at : undefined;
    if (created instanceof Date && Number.isNaN(created.getTime())) {
      json = JSON.stringify({ ...ticket, created_at: 'Invalid Date' });
    }
  } catch (error) {
    throw invalidTicket(`cannot be converted to JSON: ${describe(error)}`, error);
  }
  // `undefined`, functions and symbols have no JSON form; core then reports "expected an object".
  return json === undefined ? 'null' : json;
}

/** The message of anything thrown, including `null`, `undefined` and non-Error values. */
function describe(error) {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

/**
 * `reviewThreshold` -> `review_threshold` as the JSON text core reads; keys already in
 * snake_case pass through. Own enumerable properties only (JSON's rule), so an inherited key
 * or an own `__proto__` key never sets an option by accident. `Date` values become RFC 3339.
 */
function optionsJson(object, what) {
  if (object === undefined || object === null) return undefined;
  if (typeof object !== 'object' || Array.isArray(object)) throw invalidArgument(`${what} must be an object`);
  return guardedJson(what, () => {
    const out = Object.create(null);
    for (const [key, value] of Object.entries(object)) {
      if (value !== undefined) out[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
    }
    return JSON.stringify(out, checkedValue(what));
  });
}

/** A roster object as JSON text, own properties only, with the same value checks as options. */
function rosterJson(roster) {
  return guardedJson('agents', () => JSON.stringify(roster, checkedValue('agents')));
}

/** Runs a JSON conversion, turning whatever a getter, `toJSON` or Proxy trap throws into INVALID_ARGUMENT. */
function guardedJson(what, convert) {
  try {
    return convert();
  } catch (error) {
    if (error instanceof TypeError && error.code === 'INVALID_ARGUMENT') throw error;
    const wrapped = invalidArgument(`${what} cannot be converted: ${describe(error)}`);
    wrapped.cause = error;
    throw wrapped;
  }
}

/** A JSON replacer refusing what JSON would silently turn into `null` (NaN, an invalid Date) or cannot hold (BigInt). */
function checkedValue(what) {
  return function check(key, value) {
    const raw = this[key];
    if (raw instanceof Date && Number.isNaN(raw.getTime())) throw invalidArgument(`${what}: ${key} is an invalid Date`);
    if (typeof value === 'number' && !Number.isFinite(value)) throw invalidArgument(`${what}: ${key} must be a finite number, got ${value}`);
    if (typeof value === 'bigint') throw invalidArgument(`${what}: ${key} must be a number, got a BigInt`);
    return value;
  };
}

/** The own property `key` of a per-call options object (inherited ones are ignored). */
function ownOption(options, key, what = 'options') {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') throw invalidArgument(`${what} must be an object`);
  try {
    return Object.prototype.hasOwnProperty.call(options, key) ? options[key] : undefined;
  } catch (error) {
    throw invalidArgument(`${what}.${key} cannot be read: ${describe(error)}`);
  }
}

/** `undefined`, or a boolean; anything else is a caller bug worth reporting. */
function optionalBoolean(value, name) {
  if (value === undefined || value === null || typeof value === 'boolean') return value ?? undefined;
  throw invalidArgument(`${name} must be a boolean, got ${typeof value}`);
}

/** A count option (`explain`, `k`): undefined, or an integer in 0..=2^32-1. */
function optionalCount(value, name) {
  if (value === undefined || value === null) return undefined;
  if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return value;
  throw invalidArgument(`${name} must be a non-negative integer, got ${typeof value === 'number' ? value : typeof value}`);
}

/** Checks an array of strings (texts to train or evaluate on). */
function stringArray(values, name) {
  if (!Array.isArray(values)) throw invalidArgument(`${name} must be an array of strings`);
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'string') {
      throw invalidArgument(`${name}[${i}] must be a string, got ${typeof values[i]}`);
    }
  }
  return values;
}

/**
 * Labels as `[heads, columns]`: an array is head `arrayHead`; an object maps head names to
 * arrays. Labels may be strings or numbers; `null`, `undefined` and `''` mean "unlabelled".
 */
function labelColumns(labels, count, arrayHead) {
  const entries = Array.isArray(labels)
    ? [[arrayHead, labels]]
    : labels && typeof labels === 'object'
      ? Object.entries(labels)
      : null;
  if (!entries || entries.length === 0) {
    throw invalidArgument(`labels must be an array (head "${arrayHead}") or an object of arrays per head`);
  }
  const heads = [];
  const columns = [];
  for (const [head, column] of entries) {
    if (!Array.isArray(column)) throw invalidArgument(`labels.${head} must be an array`);
    if (column.length !== count) {
      throw invalidArgument(`labels.${head} has ${column.length} labels for ${count} texts`);
    }
    heads.push(head);
    columns.push(column.map((label, i) => labelText(label, head, i)));
  }
  return [heads, columns];
}

function labelText(label, head, index) {
  if (label === null || label === undefined || label === '') return null;
  if (typeof label === 'string') return label;
  if (typeof label === 'number' && Number.isFinite(label)) return String(label);
  throw invalidArgument(`labels.${head}[${index}] must be a string, a number or null`);
}

module.exports = { ticketJson, optionsJson, rosterJson, ownOption, describe, optionalBoolean, optionalCount, stringArray, labelColumns };
