// Where the demo-model pipeline finds things on disk. The compiled entry runs from
// dist/src/models/ and the tests from src/models/, so nothing here counts `..` segments:
// both walk up to the nearest folder that holds a package.json.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `start` that holds a package.json; throws at the filesystem root. */
export function packageRootOf(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    if (dir === parse(dir).root) throw new Error(`no package.json at or above ${start}`);
    dir = dirname(dir);
  }
  return dir;
}

/** The rollcast checkout (the folder with our package.json). */
export function repoRoot(): string {
  return packageRootOf(dirname(fileURLToPath(import.meta.url)));
}

/** Where `npm run models` writes, and where the tests read the committed files from. */
export function demoModelsDir(): string {
  return join(repoRoot(), 'examples', 'models');
}

/**
 * The Palmer penguins JSON inside the installed vega-datasets package. The package's
 * `exports` map hides `vega-datasets/package.json`, so resolve its main entry (build/index.js)
 * and walk up to the package root; data/ sits next to build/ there.
 */
export function penguinsJsonPath(): string {
  const main = createRequire(import.meta.url).resolve('vega-datasets');
  return join(packageRootOf(dirname(main)), 'data', 'penguins.json');
}
