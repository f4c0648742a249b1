// The version of this rollcast build, read once from package.json.

import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached !== undefined) return cached;
  // src/controller/version.ts and dist/src/controller/version.js are both two levels below
  // a folder that has package.json above it; walk up until one is found.
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rollcast' && pkg.version) return (cached = pkg.version);
    } catch {
      // not here; try the parent folder
    }
    dir = new URL('..', dir);
  }
  return (cached = '0.0.0');
}
