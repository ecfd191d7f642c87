'use strict';
// Loads the compiled addon. The path can be overridden (TRIAGEKIT_NODE_ADDON) to test another build.

const path = require('node:path');

const addonPath = process.env.TRIAGEKIT_NODE_ADDON || path.join(__dirname, '..', 'triagekit.node');

function load() {
  try {
    return require(addonPath);
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND') {
      const hint = new Error(
        `triagekit: native addon not found at ${addonPath}; build it with \`npm run build\` ` +
          '(needs the Rust toolchain) in the triagekit package directory',
      );
      hint.code = 'ADDON_NOT_BUILT';
      hint.cause = error;
      throw hint;
    }
    throw error;
  }
}

/** The `Native*` classes and test hooks exported by src/lib.rs. */
module.exports = load();
