'use strict';
// Decoding batch results on the main thread, one part per event loop turn across every batch
// of the process: timers and I/O run between any two decodes, and concurrent batches take
// turns instead of one batch's decodes queueing behind another's.

const diagnostics = require('node:diagnostics_channel');

/** Published once per decoded part: `{ batch, part, slots }` (a batch id, a running part number). */
const decodeChannel = diagnostics.channel('triagekit:batch-decode');

const waiting = [];
let draining = false;

/**
 * Resolves in a later event loop turn than the previous call's resolution. An immediate queued
 * during the check phase runs in the next loop iteration, so the code after each `await` gets a
 * turn of its own.
 */
function decodeTurn() {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!draining) {
      draining = true;
      setImmediate(drain);
    }
  });
}

function drain() {
  const next = waiting.shift();
  if (next === undefined) {
    draining = false;
    return;
  }
  next();
  setImmediate(drain);
}

/** Parses one part (a JSON array of slots) and reports it to `triagekit:batch-decode` subscribers. */
function decodePart(text, batch, part) {
  const slots = JSON.parse(text);
  if (decodeChannel.hasSubscribers) decodeChannel.publish({ batch, part, slots: slots.length });
  return slots;
}

module.exports = { decodeTurn, decodePart };
