// `rollcast backtest` as a user runs it: the compiled entry point (dist/src/cli/main.js; npm
// test builds it first) in a child process, offline, on a fixture trace this test writes into
// a temporary directory: 3 days at 5 minutes of a daily sine plus seeded noise, the last day
// scored. The cheap policies (reactive, oracle) carry most checks; one run adds hybrid, whose
// hourly forecast refits make it the slow one (about 25 refits over 1 day).

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/spec/random.js';
import { expectFailure, runCli, type CliResult } from './helpers/cli.js';


const STEP_MS = 5 * 60_000;
const DAY_STEPS = 288;
const START_MS = Date.UTC(2024, 4, 1); // 2024-05-01T00:00:00Z

/** Runs `rollcast backtest …args` (see helpers/cli.ts). */
function backtest(args: string[]): Promise<CliResult> {
  return runCli(['backtest', ...args], 60_000);
}

/** Requests per 5 minutes: a daily sine around 100 rps with ±5 % uniform noise, seeded. */
function traceCsv(days: number, seed = 7): string {
  const rand = mulberry32(seed);
  const rows = ['timestamp,value'];
  for (let i = 0; i < days * DAY_STEPS; i++) {
    const rps = (100 - 60 * Math.cos((2 * Math.PI * i) / DAY_STEPS)) * (1 + (rand() - 0.5) * 0.1);
    rows.push(`${new Date(START_MS + i * STEP_MS).toISOString().replace('.000Z', 'Z')},${(rps * 300).toFixed(1)}`);
  }
  return `${rows.join('\n')}\n`;
}

interface PolicyJson {
  policy: string;
  replicaHours: number;
  unservedShare: number;
  underProvisionedTimeShare: number;
  accuracyU: number;
  accuracyO: number;
  timeshareU: number;
  timeshareO: number;
  jitter: number;
  actions: number;
}
interface BacktestJson {
  perReplica: number;
  warmupMs: number;
  policies: PolicyJson[];
}

const POLICY_KEYS = ['policy', 'replicaHours', 'unservedShare', 'underProvisionedTimeShare', 'accuracyU', 'accuracyO', 'timeshareU', 'timeshareO', 'jitter', 'actions'];

function expectShape(json: BacktestJson, policies: string[]): void {
  expect(Object.keys(json)).toEqual(['perReplica', 'warmupMs', 'policies']);
  expect(json.perReplica).toBeGreaterThan(0);
  expect(json.policies.map((p) => p.policy)).toEqual(policies);
  for (const p of json.policies) {
    expect(Object.keys(p)).toEqual(POLICY_KEYS);
    for (const key of POLICY_KEYS.slice(1)) expect(Number.isFinite(p[key as keyof PolicyJson]), `${p.policy}.${key}`).toBe(true);
    for (const share of [p.unservedShare, p.underProvisionedTimeShare, p.timeshareU, p.timeshareO]) {
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
    expect(p.replicaHours).toBeGreaterThan(0);
    expect(Number.isInteger(p.actions)).toBe(true);
  }
}

const byName = (json: BacktestJson, name: string): PolicyJson => {
  const p = json.policies.find((x) => x.policy === name);
  if (p === undefined) throw new Error(`no ${name} in ${JSON.stringify(json)}`);
  return p;
};

let dir: string;
let trace: string;
const file = (name: string): string => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollcast-backtest-'));
  trace = file('trace.csv');
  await writeFile(trace, traceCsv(3));
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('rollcast backtest', () => {
  it('--json: the issue’s shape, derived capacity, the oracle never misses', async () => {
    const res = await backtest(['--trace', trace, '--warmup', '2m', '--eval-days', '1', '--policies', 'reactive,oracle', '--json']);
    expect(res.code, res.stderr).toBe(0);
    // Not a TTY: no progress bar.
    expect(res.stderr).toBe('');
    const json = JSON.parse(res.stdout) as BacktestJson;
    expectShape(json, ['reactive', 'oracle']);
    expect(json.warmupMs).toBe(120_000);
    // The last day's p99 (about 160 rps × noise) needs 20 replicas.
    expect(json.perReplica).toBeGreaterThan(150 / 20);
    expect(json.perReplica).toBeLessThan(175 / 20);
    const oracle = byName(json, 'oracle');
    expect(oracle.unservedShare).toBe(0);
    expect(oracle.underProvisionedTimeShare).toBe(0);
    const ratio = byName(json, 'reactive').replicaHours / oracle.replicaHours;
    expect(Number.isFinite(ratio)).toBe(true);
    // A 70 % target pays more than the physical limit.
    expect(ratio).toBeGreaterThan(1);
  });

  it('prints the derived capacity and a table with the ratio to the oracle', async () => {
    const res = await backtest(['--trace', trace, '--warmup', '2m', '--eval-days', '1', '--policies', 'reactive']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^backtest of .*trace\.csv$/m);
    expect(res.stdout).toMatch(/^evaluated: 2024-05-03T00:00:00Z → 2024-05-04T00:00:00Z \(1 days\), after 2 days of history$/m);
    expect(res.stdout).toMatch(/^capacity: {2}[\d.]+ rps per replica \(derived: the evaluation window’s p99 needs 20 replicas/m);
    expect(res.stdout).toMatch(/^POLICY\s+REPLICA-H\s+UNSERVED %.*REPLICA-H \/ ORACLE$/m);
    // The oracle runs for the ratio but is shown only when asked for.
    expect(res.stdout).toMatch(/^reactive\s+[\d.]+\s+[\d.]+\s+.*\s+\d\.\d{3}×$/m);
    expect(res.stdout).not.toMatch(/^oracle/m);
  });

  it('hybrid with a given capacity', async () => {
    const res = await backtest(['--trace', trace, '--warmup', '2m', '--eval-days', '1', '--per-replica', '8', '--policies', 'hybrid,oracle', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const json = JSON.parse(res.stdout) as BacktestJson;
    expectShape(json, ['hybrid', 'oracle']);
    expect(json.perReplica).toBe(8);
    expect(byName(json, 'oracle').unservedShare).toBe(0);
    const hybrid = byName(json, 'hybrid');
    expect(Number.isFinite(hybrid.replicaHours / byName(json, 'oracle').replicaHours)).toBe(true);
    // A smooth daily cycle is what a forecast gets right: almost nothing unserved.
    expect(hybrid.unservedShare).toBeLessThan(0.01);
  });

  it('--chart: one self-contained HTML file with each policy’s replicas', async () => {
    const chart = file('c.html');
    const res = await backtest(['--trace', trace, '--warmup', '2m', '--eval-days', '1', '--policies', 'reactive,oracle', '--chart', chart]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toBe(`chart written to ${chart}\n`);
    // The table is still printed.
    expect(res.stdout).toMatch(/^reactive\s/m);
    const html = await readFile(chart, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('uPlot');
    expect(html).toContain('"reactive"');
    expect(html).toContain('"oracle"');
    expect(html).not.toMatch(/<script[^>]*\ssrc=|<link[^>]/i);
    // The temporary file was renamed, not left behind.
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const m = /<script type="application\/json" id="chart-data">([^<]*)<\/script>/.exec(html);
    const data = JSON.parse(m?.[1] ?? 'null') as { x: number[]; series: { label: string; values: number[] }[] };
    // The evaluation window: the last day, one point per minute.
    expect(data.x).toHaveLength(1440);
    expect(data.x[0]).toBe(Date.UTC(2024, 4, 3) / 1000);
    expect(data.series.map((s) => s.label)).toEqual(['demand (replicas)', 'reactive', 'oracle']);
    for (const s of data.series) expect(s.values).toHaveLength(1440);
  });

  it('--chart with hybrid: the forecast band it held, in replicas like the demand', async () => {
    const chart = file('band.html');
    const res = await backtest(['--trace', trace, '--warmup', '2m', '--eval-days', '1', '--per-replica', '8', '--policies', 'hybrid,oracle', '--chart', chart]);
    expect(res.code, res.stderr).toBe(0);
    const html = await readFile(chart, 'utf8');
    const m = /<script type="application\/json" id="chart-data">([^<]*)<\/script>/.exec(html);
    const data = JSON.parse(m?.[1] ?? 'null') as { series: { label: string; values: (number | null)[] }[]; bands?: [number, number][] };
    expect(data.series.map((s) => s.label)).toEqual(['demand (replicas)', 'hybrid', 'oracle', 'hybrid forecast median (replicas)', 'hybrid provisioned for (replicas)']);
    expect(data.bands).toEqual([[4, 3]]);
    const [demand, , , median, provisioned] = data.series.map((s) => s.values);
    // The forecast covers the whole window (the history before it is a week), and the level
    // provisioned for is at or above the median; both are on the demand's scale: within a
    // factor of two of it on this smooth daily cycle at the median.
    expect(median?.every((v) => v !== null && v >= 0)).toBe(true);
    expect(provisioned?.every((v, i) => v !== null && v >= (median?.[i] ?? Infinity) * 0.5)).toBe(true);
    const mean = (xs: readonly (number | null)[] | undefined) => (xs ?? []).reduce<number>((a, b) => a + (b ?? 0), 0) / (xs?.length ?? 1);
    expect(mean(median) / mean(demand)).toBeGreaterThan(0.5);
    expect(mean(median) / mean(demand)).toBeLessThan(2);
  });

  describe('bad input', () => {
    it('--chart in a missing directory: fails before running anything', async () => {
      const res = await backtest(['--trace', trace, '--warmup', '2m', '--eval-days', '1', '--policies', 'reactive', '--chart', file('no-such-dir/c.html')]);
      expectFailure(res, /--chart: cannot write .*no-such-dir\/c\.html: directory .*no-such-dir does not exist/);
      expect(res.code).toBe(2);
    });

    it('an unreadable file', async () => {
      expectFailure(await backtest(['--trace', file('missing.csv'), '--warmup', '2m']), /--trace: cannot read .*missing\.csv: no such file/);
      expectFailure(await backtest(['--trace', dir, '--warmup', '2m']), /--trace: cannot read .*: it is a directory/);
    });

    it('a bad CSV: the parser’s message with the line', async () => {
      const bad = file('bad.csv');
      await writeFile(bad, 'timestamp,value\n2024-05-01T00:00:00Z,1\n2024-05-01T00:05:00Z,2\n2024-05-01T00:10:00Z,abc\n');
      const res = await backtest(['--trace', bad, '--warmup', '2m']);
      expectFailure(res, /bad\.csv: line 4: .*abc/);
      expect(res.code).toBe(1);
    });

    it.each([
      { args: ['--warmup', 'soon'], message: /--warmup "soon" is not a duration/ },
      { args: ['--warmup', '2m', '--per-replica', '0'], message: /--per-replica "0" must be a positive number/ },
      { args: ['--warmup', '2m', '--per-replica', 'lots'], message: /--per-replica "lots" must be a positive number/ },
      { args: ['--warmup', '2m', '--policies', 'reactive,hpa'], message: /--policies: unknown policy "hpa"; choose from hybrid, predictive, reactive, aws-like, knative-like, oracle/ },
      { args: ['--warmup', '2m', '--eval-days', '3'], message: /--eval-days 3 is not shorter than .*trace\.csv \(3 days\)/ },
      { args: ['--warmup', '2m'], message: /--eval-days 7 is not shorter than .*trace\.csv \(3 days\)/ },
    ])('$message', async ({ args, message }) => {
      const res = await backtest(['--trace', trace, ...args]);
      expectFailure(res, message);
      expect(res.code).toBe(2);
    });

    it('a missing --warmup (commander names the flag)', async () => {
      const res = await backtest(['--trace', trace]);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/required option '--warmup <d>' not specified/);
    });
  });
});
