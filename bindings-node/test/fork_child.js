'use strict';
// Run by fork.test.js in a child_process.fork child: one parallel batch, result sent to the parent.
const { Engine } = require('..');
const { rulesPath, agentsPath, FIXED_NOW } = require('./helpers');

(async () => {
  const engine = new Engine({ rules: rulesPath, agents: agentsPath, options: { commit: false, now: FIXED_NOW } });
  const tickets = Array.from({ length: 300 }, (_, i) => ({ id: `c${i}`, subject: 'VPN is down' }));
  const decisions = await engine.triageBatch(tickets);
  process.send({ decisions: decisions.length, groups: [...new Set(decisions.map((d) => d.group))] }, () => process.exit(0));
})();
