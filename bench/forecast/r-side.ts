// Running bench/forecast/r/forecast.R: is R with the forecast package here, and one Rscript
// process per benchmark part with its tasks in a temp dir. The benchmark installs nothing: when
// R or the package is missing it says so and the Node side carries on alone.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRInput, parseROutput, type RResult, type RTask } from './r-io.js';

export const R_MISSING = 'R with the forecast package not found; skipping R side (apt-get install r-cran-forecast)';

export type RAvailability = { ok: true; version: string } | { ok: false; why: string };

/** `Rscript` on the PATH and `library(forecast)` loading; the versions of both when so. */
export function detectR(): RAvailability {
  const probe = spawnSync(
    'Rscript',
    ['-e', 'suppressPackageStartupMessages(library(forecast)); cat(R.version.string, "; forecast ", as.character(packageVersion("forecast")), sep = "")'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (probe.error) return { ok: false, why: probe.error.message };
  if (probe.status !== 0) return { ok: false, why: (probe.stderr || `Rscript exited with ${probe.status}`).trim().split('\n').slice(-1)[0] ?? '' };
  return { ok: true, version: probe.stdout.trim() };
}

export interface RRunOptions {
  script: string;
  methods: readonly string[];
  timeoutPerFitS: number;
  tbatsParallel: boolean;
  /** Print a progress line every this many tasks. */
  progressEvery: number;
  label: string;
}

export interface RRun {
  results: Map<string, Map<string, RResult>>;
  /** Wall time of the Rscript process, start-up included (the per-fit times exclude it). */
  processS: number;
  exitCode: number | null;
}

/** Writes the tasks, runs Rscript (its progress lines go to our stderr), reads the results back. */
export async function runR(tasks: readonly RTask[], options: RRunOptions): Promise<RRun> {
  const dir = await mkdtemp(join(tmpdir(), 'rollcast-bench-forecast-'));
  try {
    const input = join(dir, 'tasks.tsv');
    const output = join(dir, 'forecasts.tsv');
    await writeFile(input, encodeRInput(tasks));
    const args = [options.script, input, output, options.methods.join(','), String(options.timeoutPerFitS), options.tbatsParallel ? 'TRUE' : 'FALSE', String(options.progressEvery), options.label];
    const started = performance.now();
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('Rscript', args, { stdio: ['ignore', 2, 2] });
      child.on('error', reject);
      child.on('exit', (code) => resolve(code));
    });
    const processS = (performance.now() - started) / 1000;
    let text = '';
    try {
      text = await readFile(output, 'utf8');
    } catch {
      // R failed before writing its header: every fit reads as missing.
    }
    return { results: text === '' ? new Map<string, Map<string, RResult>>() : parseROutput(text), processS, exitCode };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
