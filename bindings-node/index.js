'use strict';
/**
 * triagekit for Node.js (CommonJS entry; `index.mjs` is the ES module one).
 * Types and the full contract: index.d.ts.
 */

const { Engine } = require('./lib/engine');
const { Model } = require('./lib/model');
const { ErrorCode } = require('./lib/errors');

module.exports = { Engine, Model, ErrorCode };
