#!/usr/bin/env node
// The `medallion` command: runs the bundled CLI, or the TypeScript sources through tsx when the
// bundle has not been built yet (a fresh clone before `npm run build`).
const { existsSync } = require('node:fs');
const path = require('node:path');

const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (existsSync(bundle)) {
  require(bundle);
} else {
  require('tsx/cjs');
  require(path.join(__dirname, '..', 'sandbox', 'cli', 'main.ts'));
}
