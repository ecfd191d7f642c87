// triagekit for Node.js, ES module entry: the same classes as the CommonJS entry (one addon
// instance, so `instanceof` works across both).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const triagekit = require('./index.js');

export const { Engine, Model, ErrorCode } = triagekit;
export default triagekit;
