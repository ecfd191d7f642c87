'use strict';
// JS-side conversion: tickets to JSON text, camelCase options to the snake_case core reads,
// label columns to the (heads, labels) arrays the native `fit`/`evaluate` take.

const { invalidArgument, invalidTicket } = require('./errors');

/**
 * A ticket as the JSON text the addon parses. `Date` values become RFC 3339 strings through
 * their `toJSON`; values JSON cannot hold (BigInt, cycles) give `INVALID_TICKET`.
 */
function ticketJson(ticket) {
  let json;
  try {
    json = JSON.stringify(ticket);
  } catch (error) {
    throw invalidTicket(`cannot be converted to JSON: ${error.message}`, error);
  }
  // `undefined`, functions and symbols have no JSON form; core then reports "expected an object".
  return json === undefined ? 'null' : json;
}

/**
 * `reviewThreshold` -> `review_threshold`; keys already in snake_case pass through. A `Date`
 * value (e.g. `now`) becomes its RFC 3339 UTC string, the form core reads.
 */
function snakeKeys(object, what) {
  if (object === undefined || object === null) return undefined;
  if (typeof object !== 'object' || Array.isArray(object)) {
    throw invalidArgument(`${what} must be an object`);
  }
  const out = {};
  for (const [key, value] of Object.entries(object)) {
    if (value !== undefined) out[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = dateString(value, key);
  }
  return out;
}

/** A valid `Date` as `toISOString()`; an invalid one is a caller bug, reported by name. */
function dateString(value, key) {
  if (!(value instanceof Date)) return value;
  if (Number.isNaN(value.getTime())) throw invalidArgument(`${key} is an invalid Date`);
  return value.toISOString();
}

/** `undefined`, or a boolean; anything else is a caller bug worth reporting. */
function optionalBoolean(value, name) {
  if (value === undefined || value === null || typeof value === 'boolean') return value ?? undefined;
  throw invalidArgument(`${name} must be a boolean, got ${typeof value}`);
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

module.exports = { ticketJson, snakeKeys, optionalBoolean, stringArray, labelColumns };
