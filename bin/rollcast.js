#!/usr/bin/env node
// The `rollcast` command: a thin launcher for the compiled CLI in dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  console.error('rollcast: not built yet; run `npm run build` (or `npm start`) in the rollcast folder first');
  process.exit(1);
}
await import(main);
