'use strict';
// `{ now }`: the clock for tickets without created_at is an option (string or Date).
const test = require('node:test');
const assert = require('node:assert/strict');
const { Engine } = require('..');

// Office hours in UTC: the clock alone decides the group of a ticket without created_at.
const OFFICE_RULES = `
rule "Office" when within_hours(ticket.created_at, "UTC", "Mon-Fri", "09:00", "17:00") { set_group("office"); }
rule "Night" when !within_hours(ticket.created_at, "UTC", "Mon-Fri", "09:00", "17:00") { set_group("night"); }
`;
const WEEKDAY_NOON = '2026-11-23T10:00:00Z'; // a Monday
const SATURDAY_NIGHT = '2026-11-28T23:30:00Z';
const groupAt = (now, ticket = { id: 't', subject: 'hi' }) => new Engine({ rules: OFFICE_RULES, options: { now } }).triage(ticket).group;

test('now decides the route of a ticket without created_at', () => {
  assert.equal(groupAt(WEEKDAY_NOON), 'office');
  assert.equal(groupAt(SATURDAY_NIGHT), 'night');
  assert.equal(groupAt(SATURDAY_NIGHT, { subject: 'hi', created_at: WEEKDAY_NOON }), 'office', 'created_at wins');
});

test('now accepts a Date; invalid values are typed errors', () => {
  assert.equal(groupAt(new Date(WEEKDAY_NOON)), 'office');
  assert.equal(groupAt(new Date(SATURDAY_NIGHT)), 'night');
  assert.throws(() => groupAt(new Date('not a date')), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => groupAt('next tuesday'), { code: 'INVALID_CONFIG' });
});

test('now round-trips through options, setOptions and triageBatch', async () => {
  const engine = new Engine({ rules: OFFICE_RULES, options: { now: WEEKDAY_NOON } });
  assert.equal(engine.options.now, WEEKDAY_NOON);
  const tickets = Array.from({ length: 40 }, (_, i) => ({ id: String(i), subject: 'hi' }));
  assert.deepEqual(new Set((await engine.triageBatch(tickets)).map((d) => d.group)), new Set(['office']));
  engine.setOptions({ now: new Date(SATURDAY_NIGHT) });
  assert.deepEqual(new Set((await engine.triageBatch(tickets)).map((d) => d.group)), new Set(['night']));
  assert.equal(engine.options.now, SATURDAY_NIGHT);
});
