'use strict';
// Shared fixtures for the node:test suites.

const fs = require('node:fs');
const path = require('node:path');

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const rulesPath = path.join(fixtures, 'rules', 'helpdesk.rhai');
const agentsPath = path.join(fixtures, 'agents.json');
/** A Monday 10:00 UTC: engines get it as `now`, so tickets without created_at route the same at any hour. */
const FIXED_NOW = '2026-11-23T10:00:00Z';

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

module.exports = { fixtures, rulesPath, agentsPath, FIXED_NOW, sampleLines, sampleTickets, comparable };

/** Minimal RFC 4180 reader (quoted fields, doubled quotes, newlines inside quotes). */
function readCsv(file) {
  const text = fs.readFileSync(file, 'utf8').replace(/^\ufeff/, '');
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field || row.length) rows.push([...row, field]);
  const [header, ...data] = rows;
  return data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** The training fixture as texts plus label columns. */
function trainingData() {
  const rows = readCsv(path.join(fixtures, 'train', 'tickets.csv'));
  return {
    texts: rows.map((r) => `${r.subject}\n${r.body}`),
    category: rows.map((r) => r.category),
    priority: rows.map((r) => r.priority),
  };
}

module.exports.readCsv = readCsv;
module.exports.trainingData = trainingData;
