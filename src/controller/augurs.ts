// Loads @bsull/augurs' WASM modules once, synchronously, from the files inside the package.
// The package's default `init()` fetches the .wasm over a URL, which fails on Node 20 (and
// this machine reaches no network anyway): we read the file and call `initSync({ module })`.
// The result is the ForecastEngines value the pure forecast core takes as a parameter.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MSTL, initSync as initMstl } from '@bsull/augurs/mstl';
import { AutoETS, initSync as initEts } from '@bsull/augurs/ets';
import type { ForecastEngines } from '../forecast/engines.js';

let loaded: ForecastEngines | undefined;

/** The package folder, found through Node's resolver so hoisting or workspaces do not matter. */
function packageDir(): string {
  const require = createRequire(import.meta.url);
  // package.json is not in the package's exports; the mstl entry sits beside the .wasm files.
  return dirname(require.resolve('@bsull/augurs/mstl'));
}

/** Initialises MSTL and AutoETS (idempotent) and returns them as forecast engines. */
export function loadForecastEngines(): ForecastEngines {
  if (loaded !== undefined) return loaded;
  const dir = packageDir();
  initMstl({ module: readFileSync(join(dir, 'mstl_bg.wasm')) });
  initEts({ module: readFileSync(join(dir, 'ets_bg.wasm')) });
  loaded = { mstl: MSTL, autoEts: AutoETS };
  return loaded;
}
