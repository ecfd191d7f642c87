'use strict';
// Errors raised in JS before a value reaches Rust. Errors from triagekit itself are built in
// Rust (src/error.rs) from core's `ErrorDetails`: `code`, `message` and, when known, the FIELDS.

const native = require('./native');

/** Every `code` a triagekit error can carry: core's list (`ErrorCode::ALL`), not a copy. */
const ErrorCode = Object.freeze(Object.fromEntries(native.errorCodes().map((code) => [code, code])));

/** The fields besides `code` and `message` that an error may carry (core's `ErrorDetails`). */
const FIELDS = Object.freeze(['file', 'line', 'column', 'rule', 'field', 'agent', 'path', 'row']);

/** A `TypeError` for a JS argument of the wrong shape (code `INVALID_ARGUMENT`). */
function invalidArgument(message) {
  const error = new TypeError(message);
  error.code = ErrorCode.INVALID_ARGUMENT;
  return error;
}

/** An `INVALID_TICKET` error for a ticket that JSON cannot represent (BigInt, cycles, ...). */
function invalidTicket(message, cause) {
  const error = new Error(`invalid ticket: <ticket>: ${message}`);
  error.code = ErrorCode.INVALID_TICKET;
  error.field = '<ticket>';
  if (cause) error.cause = cause;
  return error;
}

/** The `{error}` slot of a batch result, the same fields as a thrown error. */
function errorSlot(error) {
  const slot = { code: error.code, message: error.message };
  for (const key of FIELDS) {
    if (error[key] !== undefined) slot[key] = error[key];
  }
  return { error: slot };
}

module.exports = { ErrorCode, FIELDS, invalidArgument, invalidTicket, errorSlot };
