#!/usr/bin/env node
// `npm start`: the README's first command. On a fresh clone it installs the npm packages
// (onnxruntime-node's CUDA download is skipped by package.json allowScripts and .npmrc),
// builds the TypeScript, then runs `rollcast up`, which applies the demo deployment.
// Extra arguments are passed to `rollcast up` (`npm start -- --port 9090`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`rollcast: \`${cmd} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('rollcast: installing npm packages (first run only)…');
  run(npm, ['ci', '--no-audit', '--no-fund']);
}
run(npm, ['run', '--silent', 'build']);
run(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), 'up', ...process.argv.slice(2)]);
