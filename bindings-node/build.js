#!/usr/bin/env node
// Builds the addon from source with the local Rust toolchain and copies it to ./triagekit.node.
// Nothing is downloaded here except crates cargo itself fetches; there are no prebuilt binaries.
//
//   node build.js               cargo build --release -p triagekit-node, then copy
//   node build.js --if-missing  do nothing when triagekit.node already exists (npm install)
//   node build.js --debug       debug build (faster to compile, ~10x slower to run)
//   node build.js --no-cargo    only copy an already built library (CI builds the workspace once)
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = __dirname;
const workspace = path.resolve(here, '..');
const output = path.join(here, 'triagekit.node');
const args = new Set(process.argv.slice(2));

if (args.has('--if-missing') && fs.existsSync(output)) {
  process.exit(0);
}

const profile = args.has('--debug') ? 'debug' : 'release';
if (!args.has('--no-cargo')) {
  const cargoArgs = ['build', '-p', 'triagekit-node', ...(profile === 'release' ? ['--release'] : [])];
  const result = spawnSync('cargo', cargoArgs, { cwd: workspace, stdio: 'inherit' });
  if (result.error || result.status !== 0) {
    console.error(`triagekit: \`cargo ${cargoArgs.join(' ')}\` failed; a Rust toolchain is needed to build the addon`);
    process.exit(1);
  }
}

// Cargo names the cdylib differently per platform; Node loads any of them as a .node file.
const names = { linux: 'libtriagekit_node.so', darwin: 'libtriagekit_node.dylib', win32: 'triagekit_node.dll' };
const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(workspace, process.env.CARGO_TARGET_DIR) : path.join(workspace, 'target');
const built = path.join(targetDir, profile, names[process.platform] ?? names.linux);
if (!fs.existsSync(built)) {
  console.error(`triagekit: ${built} not found; run cargo build first`);
  process.exit(1);
}
// Copy to a temporary name and rename, so a running process never maps a half-written file.
fs.copyFileSync(built, `${output}.tmp`);
fs.renameSync(`${output}.tmp`, output);
console.log(`triagekit: ${path.relative(process.cwd(), built)} -> ${path.relative(process.cwd(), output)}`);
