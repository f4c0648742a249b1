// `rollcast forecast` as a user runs it: the compiled entry point (dist/src/cli/main.js; npm
// test builds it first) in a child process, offline (no control plane), on fixture files this
// test writes into a temporary directory: a synthetic 5-minute trace (4 days of a daily sine
// plus seeded noise) and small M4-layout files. Asserts what it prints, what it writes and
// its exit code.

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/spec/random.js';
import { expectFailure, runCli, type CliResult } from './helpers/cli.js';


const STEP_MS = 5 * 60_000;
const DAY_STEPS = 288;
const START_MS = Date.UTC(2024, 4, 1); // 2024-05-01T00:00:00Z
const POINTS = 4 * DAY_STEPS;
const LAST_MS = START_MS + (POINTS - 1) * STEP_MS;

/** Runs `rollcast forecast …args` (see helpers/cli.ts). */
function forecast(args: string[]): Promise<CliResult> {
  return runCli(['forecast', ...args], 30_000);
}

/** A daily sine around 100 with ±5 uniform noise, seeded: the same file every run. */
function traceCsv(points: number, seed = 7): string {
  const rand = mulberry32(seed);
  const rows = ['timestamp,value'];
  for (let i = 0; i < points; i++) {
    const value = 100 + 40 * Math.sin((2 * Math.PI * i) / DAY_STEPS) + (rand() - 0.5) * 10;
    rows.push(`${new Date(START_MS + i * STEP_MS).toISOString().replace('.000Z', 'Z')},${value.toFixed(3)}`);
  }
  return `${rows.join('\n')}\n`;
}

/** M4 layout: a "V1".."Vn" header, then `"id","v1",…` rows padded with empty cells. */
function m4Text(rows: { id: string; values: number[] }[]): string {
  const width = 1 + Math.max(...rows.map((r) => r.values.length));
  const header = Array.from({ length: width }, (_, i) => `"V${i + 1}"`).join(',');
  const lines = rows.map((r) => [`"${r.id}"`, ...r.values.map((v) => `"${v}"`), ...Array<string>(width - 1 - r.values.length).fill('')].join(','));
  return `${[header, ...lines].join('\n')}\n`;
}

/** An hourly series with a daily cycle, `points` long, seeded. */
function hourly(points: number, seed: number, level: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: points }, (_, i) => Math.round(level + level * 0.3 * Math.sin((2 * Math.PI * i) / 24) + rand() * level * 0.05));
}

let dir: string;
let trace: string;
const file = (name: string): string => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollcast-forecast-'));
  trace = file('trace.csv');
  await writeFile(trace, traceCsv(POINTS));
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

interface ForecastJson {
  model: string;
  periods: number[];
  stepMs: number;
  start: string;
  startMs: number;
  mean: number[];
  quantiles: Record<string, number[]>;
  backtest: { chosen: string; candidates: unknown[] };
  components: unknown[];
  fit: { stepMs: number; points: number };
  notes: string[];
}

function expectOrdered(json: ForecastJson, keys: string[]): void {
  for (const k of keys) expect(json.quantiles[k], k).toHaveLength(json.mean.length);
  for (let i = 0; i < json.mean.length; i++) {
    const column = keys.map((k) => json.quantiles[k]?.[i] ?? NaN);
    for (let j = 1; j < column.length; j++) expect(column[j], `step ${i}: q${keys[j]} ≥ q${keys[j - 1]}`).toBeGreaterThanOrEqual(column[j - 1] ?? NaN);
  }
}

describe('rollcast forecast --trace', () => {
  let json: ForecastJson;

  beforeAll(async () => {
    const res = await forecast(['--trace', trace, '--horizon', '1d', '--json']);
    expect(res, res.stderr).toMatchObject({ code: 0 });
    json = JSON.parse(res.stdout) as ForecastJson;
  });

  it('--json prints the forecast: one day of 5-minute steps starting one step after the last point, default quantiles in order', () => {
    expect(Object.keys(json).sort()).toEqual(['backtest', 'components', 'fit', 'mean', 'model', 'notes', 'periods', 'quantiles', 'start', 'startMs', 'stepMs']);
    expect(json.model).toEqual(expect.any(String));
    expect(json.stepMs).toBe(STEP_MS);
    expect(json.startMs).toBe(LAST_MS + STEP_MS);
    expect(json.start).toBe(new Date(LAST_MS + STEP_MS).toISOString());
    expect(json.mean).toHaveLength(DAY_STEPS);
    for (const v of json.mean) expect(Number.isFinite(v)).toBe(true);
    expect(Object.keys(json.quantiles).sort()).toEqual(['0.5', '0.9', '0.95', '0.99']);
    expectOrdered(json, ['0.5', '0.9', '0.95', '0.99']);
    expect(json.backtest.chosen).toEqual(expect.any(String));
  });

  it('--until cuts the history (inclusive) and --quantiles picks the levels', async () => {
    const until = START_MS + 3 * DAY_STEPS * STEP_MS - STEP_MS; // the last point of day 3
    const res = await forecast(['--trace', trace, '--until', new Date(until).toISOString(), '--horizon', '6h', '--quantiles', '0.9,0.5', '--json']);
    expect(res, res.stderr).toMatchObject({ code: 0 });
    const cut = JSON.parse(res.stdout) as ForecastJson;
    expect(cut.startMs).toBe(until + STEP_MS);
    expect(cut.mean).toHaveLength(72);
    expect(Object.keys(cut.quantiles).sort()).toEqual(['0.5', '0.9']);
    expectOrdered(cut, ['0.5', '0.9']);
  });

  it('without --json prints a header naming the model, a chart and a table of at most 24 rows', async () => {
    const res = await forecast(['--trace', trace, '--horizon', '1d']);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const out = res.stdout;
    expect(out).toMatch(/^forecast of .*trace\.csv: 288 steps of 5m \(1d\) after 2024-05-04T23:55:00Z$/m);
    expect(out).toContain(`model:     ${json.model}`);
    expect(out).toMatch(/^backtest: {2}chosen \S+, MASE (n\/a|\d+\.\d{3})/m);
    expect(out).toMatch(/[┤┼]/);
    expect(out).toMatch(/^ +\^ forecast/m);
    const table = out.slice(out.indexOf('TIME (UTC)'));
    expect(table.split('\n')[0]?.split(/\s{2,}/)).toEqual(['TIME (UTC)', 'MEAN', 'Q0.5', 'Q0.9', 'Q0.95', 'Q0.99']);
    const rows = table.split('\n').filter((l) => /^\d{4}-\d{2}-\d{2}T/.test(l));
    expect(rows).toHaveLength(24);
    expect(rows[0]).toMatch(/^2024-05-05T00:00:00Z\s/);
  });
});

describe('rollcast forecast --trace: bad input exits non-zero and says what is wrong', () => {
  it('an unreadable file is named', async () => {
    expectFailure(await forecast(['--trace', file('missing.csv'), '--horizon', '1d']), /--trace: cannot read .*missing\.csv: no such file/);
  });

  it('a file without the header names line 1', async () => {
    await writeFile(file('no-header.csv'), '2024-05-01T00:00:00Z,1\n2024-05-01T00:05:00Z,2\n');
    expectFailure(await forecast(['--trace', file('no-header.csv'), '--horizon', '1d']), /no-header\.csv: line 1: header must be "timestamp,value"/);
  });

  it('a non-numeric value names its line', async () => {
    const lines = traceCsv(20).split('\n');
    lines[9] = '2024-05-01T00:40:00Z,abc';
    await writeFile(file('bad-value.csv'), lines.join('\n'));
    expectFailure(await forecast(['--trace', file('bad-value.csv'), '--horizon', '1d']), /bad-value\.csv: line 10: value "abc" is not a number/);
  });

  it('an irregular timestamp names its line', async () => {
    const lines = traceCsv(20).split('\n');
    lines[6] = '2024-05-01T00:27:00Z,5';
    await writeFile(file('irregular.csv'), lines.join('\n'));
    expectFailure(await forecast(['--trace', file('irregular.csv'), '--horizon', '1d']), /irregular\.csv: line 7: timestamp "2024-05-01T00:27:00Z" is off the 5m grid/);
  });

  it('--horizon that is not a duration names the flag and the value', async () => {
    expectFailure(await forecast(['--trace', trace, '--horizon', 'tomorrow']), /--horizon "tomorrow" is not a duration/);
    expectFailure(await forecast(['--trace', trace, '--horizon', '48']), /--horizon "48" is not a duration: a bare number has no unit/);
  });

  it('--horizon that is not a whole number of steps names the flag', async () => {
    expectFailure(await forecast(['--trace', trace, '--horizon', '7m']), /--horizon "7m" is not a whole number of the series' 5m steps/);
  });

  it('--until that cannot be read, or is before the first point, names the flag', async () => {
    expectFailure(await forecast(['--trace', trace, '--horizon', '1d', '--until', 'last tuesday']), /--until "last tuesday" is neither ISO-8601/);
    expectFailure(await forecast(['--trace', trace, '--horizon', '1d', '--until', '2024-04-01']), /--until "2024-04-01" is before the first point of .*trace\.csv \(2024-05-01T00:00:00Z\)/);
  });

  it('a quantile outside (0, 1) names --quantiles', async () => {
    expectFailure(await forecast(['--trace', trace, '--horizon', '1d', '--quantiles', '0.5,1.5']), /--quantiles: "1\.5" is not a level strictly between 0 and 1/);
    expectFailure(await forecast(['--trace', trace, '--horizon', '1d', '--quantiles', 'median']), /--quantiles: "median"/);
  });

  it('too little history prints the forecaster’s message', async () => {
    await writeFile(file('short.csv'), traceCsv(3));
    expectFailure(await forecast(['--trace', file('short.csv'), '--horizon', '1d']), /cannot forecast .*short\.csv: .*\d/);
  });

  it('--trace with --m4, or neither, is refused', async () => {
    expectFailure(await forecast(['--trace', trace, '--m4', trace, '--horizon', '1d']), /--trace and --m4 cannot be used together/);
    expectFailure(await forecast(['--horizon', '1d']), /nothing to forecast: give --trace/);
  });
});

describe('rollcast forecast --m4', () => {
  const series = [
    { id: 'H1', values: hourly(300, 1, 500) },
    { id: 'H2', values: hourly(360, 2, 2000) },
    { id: 'H3', values: hourly(240, 3, 40) },
  ];

  it('writes id,F1..F48 with one row of numbers per series, and a summary on stderr', async () => {
    await writeFile(file('m4.csv'), m4Text(series));
    const out = file('m4-forecast.csv');
    const res = await forecast(['--m4', file('m4.csv'), '--horizon', '48', '--season', '24', '--out', out]);
    expect(res, res.stderr).toMatchObject({ code: 0, stdout: '' });
    expect(res.stderr).toMatch(/^forecast 3 of 3 series, 48 steps of 1h → .*m4-forecast\.csv\n$/);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe(['id', ...Array.from({ length: 48 }, (_, i) => `F${i + 1}`)].join(','));
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['H1', 'H2', 'H3']);
    for (const line of lines.slice(1)) {
      const cells = line.split(',').slice(1);
      expect(cells).toHaveLength(48);
      for (const c of cells) expect(Number.isFinite(Number(c)) && c.trim() !== '', c).toBe(true);
    }
  });

  it('a series with too little history fails naming its id (and writes nothing) unless --skip-insufficient', async () => {
    await writeFile(file('m4-short.csv'), m4Text([...series, { id: 'H9', values: hourly(10, 9, 100) }]));
    const out = file('m4-short-forecast.csv');
    const failed = await forecast(['--m4', file('m4-short.csv'), '--horizon', '48', '--season', '24', '--out', out]);
    expectFailure(failed, /m4-short\.csv: series "H9": .*--skip-insufficient/);
    expect(await readdir(dir)).not.toContain('m4-short-forecast.csv');

    const skipped = await forecast(['--m4', file('m4-short.csv'), '--horizon', '48', '--season', '24', '--out', out, '--skip-insufficient']);
    expect(skipped, skipped.stderr).toMatchObject({ code: 0 });
    expect(skipped.stderr).toMatch(/^forecast 3 of 4 series, .*; skipped 1 with too little history \(H9\)\n$/);
    expect((await readFile(out, 'utf8')).trimEnd().split('\n')).toHaveLength(4);
  });

  it('a bad M4 file names the line and column, and leaves no file behind', async () => {
    const text = m4Text(series).split('\n');
    text[2] = text[2]?.replace('"2', '"x2') ?? '';
    await writeFile(file('m4-bad.csv'), text.join('\n'));
    const res = await forecast(['--m4', file('m4-bad.csv'), '--horizon', '48', '--season', '24', '--out', file('m4-bad-forecast.csv')]);
    expectFailure(res, /m4-bad\.csv: line 3, column \d+: "x2\d*" is not a number/);
    expect((await readdir(dir)).filter((f) => f.includes('m4-bad-forecast'))).toEqual([]);
  });

  it('--horizon must be a number of steps and --season must divide a day', async () => {
    await writeFile(file('m4.csv'), m4Text(series));
    const args = ['--m4', file('m4.csv'), '--out', file('never.csv')];
    expectFailure(await forecast([...args, '--horizon', '2d', '--season', '24']), /--horizon "2d" must be a whole number of steps/);
    expectFailure(await forecast([...args, '--horizon', '48', '--season', '7']), /--season 7 does not divide a day/);
    expectFailure(await forecast(['--m4', file('m4.csv'), '--horizon', '48', '--out', file('never.csv')]), /--m4 needs --season/);
  });
});
