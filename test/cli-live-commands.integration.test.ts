// The live autoscaling commands (`import history`, `forecast NAME`, `explain`, `load --trace`)
// as a user runs them: the compiled entry point (npm test builds it first) in a child process,
// against a fake admin API on 127.0.0.1 (test/cli-live-fake-admin.ts). Checks the wiring in
// main.ts — arguments, options, exit codes, the one-line error — not the arithmetic, which the
// unit tests next to each command cover.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryImport } from '../src/api/autoscaling-views.js';
import { startFakeAdmin, type FakeAdmin } from './cli-live-fake-admin.js';
import { expectFailure, runCli } from './helpers/cli.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 26, 9);

let dir: string;
let trace: string;
let fake: FakeAdmin;
const rollcast = (args: string[]) => runCli(['--url', fake.url, ...args]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rollcast-live-'));
  trace = join(dir, 'trace.csv');
  await writeFile(trace, 'timestamp,value\n2024-05-07T10:00:00Z,60\n2024-05-07T10:01:00Z,120\n2024-05-07T10:02:00Z,180\n');
  fake = await startFakeAdmin({
    'GET /api/v1/clock': { json: { now: NOW, speedup: 60 } },
    'PUT /api/v1/deployments/web/history': (req) => {
      const body = req.body as HistoryImport;
      const from = body.points[0]?.[0] ?? 0;
      const to = body.points.at(-1)?.[0] ?? 0;
      return { json: { deployment: 'web', imported: body.points.length, from, to, stepMs: 60_000, shiftMs: body.shiftMs ?? 0 } };
    },
    'GET /api/v1/deployments/web/forecast': { json: { deployment: 'web', forecast: null, why: 'need 1d of history, have 3m' } },
    'GET /api/v1/deployments/web/decisions': { json: { deployment: 'web', decisions: [] } },
    'GET /api/v1/deployments/web': { json: { spec: { spec: { scaling: { target: { metric: 'rps' } } } } } },
  });
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('commands that work', () => {
  it('import history NAME --csv F --scale 1/60 aligns, converts and reports', async () => {
    const res = await rollcast(['import', 'history', 'web', '--csv', trace, '--scale', String(1 / 60)]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^imported 3 minutes of history into web from trace\.csv \(3 points at 1m, × 0\.0166/);
    expect(res.stdout).toMatch(/shifted by \+\d+ days to end within the last day/);
    const put = fake.received.filter((r) => r.method === 'PUT').at(-1)?.body as HistoryImport;
    expect(put.points.map(([, v]) => v)).toEqual([1, 2, 3]);
    expect(put.shiftMs).toBe(932 * DAY);
  });

  it('import history --no-align --json', async () => {
    const res = await rollcast(['import', 'history', 'web', '--csv', trace, '--no-align', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ deployment: 'web', imported: 3, shiftMs: 0 });
  });

  it('forecast NAME without a forecast yet: the reason, exit 0', async () => {
    const res = await rollcast(['forecast', 'web']);
    expect({ code: res.code, stdout: res.stdout }).toEqual({ code: 0, stdout: 'no forecast for web yet: need 1d of history, have 3m\n' });
  });

  it('explain NAME --changed --limit 5', async () => {
    const res = await rollcast(['explain', 'web', '--changed', '--limit', '5']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('no decisions that changed the replica count recorded for web yet\n');
    expect(fake.received.map((r) => r.url)).toContain('/api/v1/deployments/web/decisions?limit=5&changed=true');
  });
});

describe('bad input: exit 2 (usage) or 1, one clear line', () => {
  it.each<[string, string[], number, RegExp]>([
    ['import history without --csv', ['import', 'history', 'web'], 2, /required option '--csv <file>' not specified/],
    ['import history --scale 0', ['import', 'history', 'web', '--csv', 'x.csv', '--scale', '0'], 2, /--scale must be a positive number, got "0"/],
    ['import history of a missing file', ['import', 'history', 'web', '--csv', '/nonexistent/x.csv'], 1, /^rollcast: --csv: cannot read \/nonexistent\/x\.csv: no such file$/m],
    ['explain --limit abc', ['explain', 'web', '--limit', 'abc'], 2, /--limit must be a whole number, got "abc"/],
    ['explain --limit 0', ['explain', 'web', '--limit', '0'], 2, /^rollcast: --limit 0 must be a whole number from 1 to 1000$/m],
    ['forecast NAME --trace', ['forecast', 'web', '--trace', 'x.csv', '--horizon', '1d'], 2, /^rollcast: a deployment name \("web"\) and --trace cannot be used together/m],
    ['forecast --trace without --horizon', ['forecast', '--trace', 'x.csv'], 2, /^rollcast: --trace needs --horizon/m],
    ['load with --rps and --trace', ['load', 'web', '--rps', '5', '--trace', 'x.csv', '--speedup', '60'], 2, /^rollcast: --rps and --trace cannot be used together/m],
    ['load --trace without --speedup', ['load', 'web', '--trace', 'x.csv'], 2, /^rollcast: --trace needs --speedup K/m],
    ['load --trace --speedup 0', ['load', 'web', '--trace', 'x.csv', '--speedup', '0'], 2, /--speedup must be a positive number, got "0"/],
    ['load --rps without --duration', ['load', 'web', '--rps', '5'], 2, /^rollcast: --rps needs --duration/m],
    ['load --trace --duration 1h', ['load', 'web', '--trace', trace, '--speedup', '60', '--duration', '1h'], 2, /^rollcast: --duration 1h is longer than the 30m limit of a trace replay/m],
    [
      'load --trace at a speedup the server does not run',
      ['load', 'web', '--trace', 'TRACE', '--speedup', '10'],
      1,
      /^rollcast: the control plane runs at speedup 60, not --speedup 10: restart it with `rollcast up --speedup 10`/m,
    ],
  ])('%s', async (_, args, code, message) => {
    const res = await rollcast(args.map((a) => (a === 'TRACE' ? trace : a)));
    expect(res.code, res.stderr).toBe(code);
    if (/^rollcast: /.test(res.stderr)) expectFailure(res, message);
    else expect(res.stderr).toMatch(message); // commander's own message, with the usage after it
  });
});
