'use strict';
// Errors raised in JS before a value reaches Rust. Errors from triagekit itself are built in
// Rust (src/error.rs) with the same shape: `code`, `message` and, when known, `file`, `line`,
// `column`, `rule`, `field`.

/** Every `code` a triagekit error can carry. */
const ErrorCode = Object.freeze({
  RULE_COMPILE: 'RULE_COMPILE',
  RULE_RUNTIME: 'RULE_RUNTIME',
  MODEL_FORMAT: 'MODEL_FORMAT',
  MODEL: 'MODEL',
  INVALID_TICKET: 'INVALID_TICKET',
  INVALID_ROSTER: 'INVALID_ROSTER',
  UNKNOWN_AGENT: 'UNKNOWN_AGENT',
  INVALID_CONFIG: 'INVALID_CONFIG',
  IO: 'IO',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  INTERNAL: 'INTERNAL',
});

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
  for (const key of ['file', 'line', 'column', 'rule', 'field']) {
    if (error[key] !== undefined) slot[key] = error[key];
  }
  return { error: slot };
}

module.exports = { ErrorCode, invalidArgument, invalidTicket, errorSlot };
