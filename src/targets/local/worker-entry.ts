// Where the compiled worker entry lives. The supervisor runs compiled JavaScript in a
// child process; when the supervisor itself runs from TypeScript sources (under vitest),
// the same file is found in dist/ (npm test builds before it runs the tests).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function workerEntryPath(): string {
  const here = import.meta.url;
  const compiled = here.endsWith('.ts')
    ? new URL('../../../dist/src/worker/main.js', here)
    : new URL('../../worker/main.js', here);
  const path = fileURLToPath(compiled);
  if (!existsSync(path)) {
    throw new Error(`worker entry ${path} is missing; run \`npm run build\` first`);
  }
  return path;
}
