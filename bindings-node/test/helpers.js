'use strict';
// Shared fixtures for the node:test suites.

const fs = require('node:fs');
const path = require('node:path');

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const rulesPath = path.join(fixtures, 'rules', 'helpdesk.rhai');
const agentsPath = path.join(fixtures, 'agents.json');

/** Every line of sample.jsonl: parsed tickets, and the raw text of lines that are not JSON. */
function sampleLines() {
  const text = fs.readFileSync(path.join(fixtures, 'tickets', 'sample.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      try {
        return { ticket: JSON.parse(line) };
      } catch {
        return { raw: line };
      }
    });
}

/** The JSON tickets of sample.jsonl (including the ones with wrong field types). */
function sampleTickets() {
  return sampleLines().filter((l) => l.ticket).map((l) => l.ticket);
}

/** A decision without the fields that legitimately differ between two runs (timing). */
function comparable(decision) {
  if (decision.error) return decision;
  const { trace, ...rest } = decision;
  const { elapsed_us: _elapsed, ...stableTrace } = trace;
  return { ...rest, trace: stableTrace };
}

module.exports = { fixtures, rulesPath, agentsPath, sampleLines, sampleTickets, comparable };
