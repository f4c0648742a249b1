// Where the benchmark finds the repo (for the R script) and the shared data: `<repo>/../shared/data`,
// or ROLLCAST_DATA_DIR when set. Reading the files is here; parsing is src/forecast/.

import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseM4Csv, type M4Series } from '../../src/forecast/m4.js';
import type { RegularSeries } from '../../src/forecast/series.js';
import { parseTraceCsv } from '../../src/forecast/trace-csv.js';

/** The repo root: the nearest folder above this module whose package.json is rollcast's (works from bench/ and dist/bench/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'rollcast') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the rollcast repo root above bench/forecast');
    dir = parent;
  }
}

export function dataDir(): string {
  const fromEnv = process.env.ROLLCAST_DATA_DIR;
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : resolve(repoRoot(), '..', 'shared', 'data');
}

export const rScript = (): string => join(repoRoot(), 'bench', 'forecast', 'r', 'forecast.R');

export async function loadM4Hourly(dir: string): Promise<M4Series[]> {
  return parseM4Csv(await readFile(join(dir, 'm4', 'Hourly-train.csv'), 'utf8'));
}

export async function loadPublishedAccuracy(dir: string): Promise<string> {
  return readFile(join(dir, 'm4', 'm4_hourly_published_accuracy.csv'), 'utf8');
}

export interface Trace {
  /** File name without `.csv`. */
  name: string;
  series: RegularSeries;
  missingRows: number;
}

/** Every `traces/*.csv`, sorted by name; `filter` keeps names equal to or starting with one of its entries. */
export async function loadTraces(dir: string, filter?: readonly string[]): Promise<{ traces: Trace[]; unmatched: string[] }> {
  const folder = join(dir, 'traces');
  const names = (await readdir(folder)).filter((f) => f.endsWith('.csv')).sort().map((f) => f.slice(0, -'.csv'.length));
  const matches = (name: string, f: string) => name === f || `${name}.csv` === f || name.startsWith(f);
  const wanted = (name: string) => filter === undefined || filter.some((f) => matches(name, f));
  const traces: Trace[] = [];
  for (const name of names.filter(wanted)) {
    const parsed = parseTraceCsv(await readFile(join(folder, `${name}.csv`), 'utf8'), `${name}.csv`);
    if (!parsed.ok) throw new Error(parsed.error);
    traces.push({ name, series: parsed.series, missingRows: parsed.missingRows });
  }
  const unmatched = (filter ?? []).filter((f) => !names.some((n) => matches(n, f)));
  return { traces, unmatched };
}
