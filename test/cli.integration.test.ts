// The `rollcast` CLI as a user runs it: the compiled entry point (dist/src/cli/main.js; npm
// test builds it first) in a child process, against a real control plane with real worker
// processes on 127.0.0.1, asserting what it prints and its exit code. Every command gets
// `--data-dir` of the test's control plane (which keeps no token file: the token comes from
// the environment), so a developer's own ./.rollcast can never supply a token.

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rollcast } from '../src/controller/start.js';
import { readyReplicas, REPO, startTestRollcast, tempDir, TOKEN } from './helpers/harness.js';

const run = promisify(execFile);
const MAIN = join(REPO, 'dist', 'src', 'cli', 'main.js');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let rc: Rollcast;
let dir: Awaited<ReturnType<typeof tempDir>>;
let applied: CliResult;

/** Runs `rollcast --url <control plane> --data-dir <its data dir> …args` from the repo root. */
async function rollcast(args: string[], opts: { token?: boolean; url?: string } = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.ROLLCAST_URL;
  delete env.ROLLCAST_ADMIN_TOKEN;
  if (opts.token !== false) env.ROLLCAST_ADMIN_TOKEN = TOKEN;
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, '--url', opts.url ?? rc.url, '--data-dir', rc.dataDir, ...args], {
      cwd: REPO,
      env,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    // A numeric code is the CLI's exit code; anything else (killed, not spawned) is a test failure.
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  dir = await tempDir();
  rc = await startTestRollcast(join(dir.path, 'data'));
  applied = await rollcast(['apply', '-f', 'examples/penguins.yaml']);
  if (applied.code === 0) await readyReplicas(rc, 'penguins-r1', 2);
});

afterAll(async () => {
  await rc?.close();
  await dir?.remove();
});

describe('apply, get, describe, events', () => {
  it('apply -f examples/penguins.yaml prints the new revision', () => {
    expect(applied).toMatchObject({ code: 0, stderr: '' });
    expect(applied.stdout).toMatch(/^deployment\/penguins applied: revision penguins-r1 \(model sha256 [0-9a-f]{12}…\), 2 replicas\n/);
  });

  it('apply of the same spec again says unchanged', async () => {
    const again = await rollcast(['apply', '-f', 'examples/penguins.yaml']);
    expect(again).toMatchObject({ code: 0, stdout: 'deployment/penguins unchanged (revision penguins-r1)\n', stderr: '' });
  });

  it('get deployments lists the deployment with its revision and replicas', async () => {
    const res = await rollcast(['get', 'deployments']);
    expect(res.code).toBe(0);
    const [header, row, ...rest] = res.stdout.trimEnd().split('\n');
    expect(header?.split(/\s+/)).toEqual(['NAME', 'REVISION', 'REPLICAS', 'AGE']);
    expect(row).toMatch(/^penguins\s+penguins-r1\s+2\s+\d+[smhd]$/);
    expect(rest).toEqual([]);
  });

  it('get deployments --json prints parseable JSON', async () => {
    const res = await rollcast(['get', 'deployments', '--json']);
    expect(res.code).toBe(0);
    const list = JSON.parse(res.stdout) as unknown;
    expect(list).toEqual([expect.objectContaining({ name: 'penguins', activeRevision: 'penguins-r1', desiredReplicas: 2 })]);
  });

  it('get revisions lists the revision with its model and digest', async () => {
    const res = await rollcast(['get', 'revisions']);
    expect(res.code).toBe(0);
    const [header, row] = res.stdout.trimEnd().split('\n');
    expect(header?.split(/\s+/)).toEqual(['REVISION', 'DEPLOYMENT', 'MODEL', 'SHA256', 'AGE']);
    expect(row).toMatch(/^penguins-r1\s+penguins\s+penguins:1\s+[0-9a-f]{12}…\s+\d+[smhd]$/);
  });

  it('describe deployment shows traffic, replicas with warm-up times, revisions and events', async () => {
    const res = await rollcast(['describe', 'deployment', 'penguins']);
    expect(res.code).toBe(0);
    const out = res.stdout;
    expect(out).toMatch(/^Name:\s+penguins$/m);
    expect(out).toMatch(/^Model:\s+penguins version 1$/m);
    expect(out).toMatch(/^Replicas:\s+2 desired \(min 1, max 4\)$/m);
    const section = (title: string) => out.split(`\n${title}:\n`)[1]?.split('\n\n')[0] ?? '';
    expect(section('Traffic')).toMatch(/^penguins-r1\s+100%\s+2\s+0\s+0$/m);
    const replicas = section('Replicas').split('\n').slice(1);
    expect(replicas).toHaveLength(2);
    // REPLICA PHASE PID PORT WARM-UP RESTARTS
    for (const line of replicas) expect(line).toMatch(/^penguins-r1-\d+\s+ready\s+\d+\s+\d+\s+\d+ ms\s+0\s*$/);
    expect(section('Revisions')).toMatch(/^penguins-r1\s+[0-9a-f]{12}…/m);
    expect(section('Events')).toMatch(/replica\.ready/);
  });

  it('events shows the log, newest last', async () => {
    const res = await rollcast(['events']);
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]?.split(/\s{2,}/)).toEqual(['TIME', 'DEPLOYMENT', 'TYPE', 'MESSAGE']);
    expect(lines.filter((l) => /\spenguins\s+replica\.ready\s+penguins-r1-\d+: ready on port \d+/.test(l))).toHaveLength(2);
  });
});

describe('infer', () => {
  it('takes just the values for a one-input model and prints the outputs', async () => {
    const res = await rollcast(['infer', 'penguins', '--data', '[[39.1,18.7,181,3750]]']);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toMatch(/^model penguins version 1\n/);
    // An Adelie: class 0.
    expect(res.stdout).toMatch(/^ {2}label INT64 \[1\]: \[0\]$/m);
    expect(res.stdout).toMatch(/^ {2}probabilities FP32 \[1,3\]: \[[^\]]+\]$/m);
  });

  it('takes a full OIP request', async () => {
    const body = { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [39.1, 18.7, 181, 3750] }] };
    const res = await rollcast(['infer', 'penguins', '--data', JSON.stringify(body), '--json']);
    expect(res.code).toBe(0);
    const response = JSON.parse(res.stdout) as { model_name: string; outputs: { name: string; data: number[] }[] };
    expect(response.model_name).toBe('penguins');
    expect(response.outputs.find((o) => o.name === 'label')?.data).toEqual([0]);
  });

  it('reads --data @file', async () => {
    const file = join(dir.path, 'two-penguins.json');
    // An Adelie and a Gentoo (long flipper, heavy): classes 0 and 2.
    await writeFile(file, '[[39.1,18.7,181,3750],[46.5,14.5,213,4400]]');
    const res = await rollcast(['infer', 'penguins', '--data', `@${file}`]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^ {2}label INT64 \[2\]: \[0,2\]$/m);
  });
});

describe('scale', () => {
  it('sets the replica count', async () => {
    const res = await rollcast(['scale', 'penguins', '--replicas', '3']);
    expect(res).toMatchObject({ code: 0, stdout: 'deployment/penguins scaled to 3 replicas\n', stderr: '' });
    await readyReplicas(rc, 'penguins-r1', 3);
  });

  it('without a token fails and says where the token comes from', async () => {
    const res = await rollcast(['scale', 'penguins', '--replicas', '2'], { token: false });
    expect(res.code).not.toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^rollcast: PUT \/api\/v1\/deployments\/penguins\/replicas failed with 401: .*ROLLCAST_ADMIN_TOKEN/);
    const list = JSON.parse((await rollcast(['get', 'deployments', '--json'])).stdout) as { desiredReplicas: number }[];
    expect(list[0]?.desiredReplicas).toBe(3);
  });
});

describe('load', () => {
  it('sends a bounded load and reports it as JSON', async () => {
    const res = await rollcast(['load', 'penguins', '--rps', '50', '--duration', '1s', '--json']);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as { deployment: string; requests: number; errors: number; ok: number; durationS: number; statusCounts: Record<string, number> };
    expect(report).toMatchObject({ deployment: 'penguins', durationS: 1, errors: 0 });
    expect(report.requests).toBeGreaterThan(0);
    expect(report.ok).toBe(report.requests);
    expect(Object.keys(report.statusCounts)).toEqual(['200']);
  });
});

describe('bad input: non-zero exit and a clear message on stderr', () => {
  const cases: { name: string; args: string[]; url?: string; code: number; stderr: RegExp }[] = [
    { name: 'apply of a missing file', args: ['apply', '-f', 'missing.yaml'], code: 1, stderr: /^rollcast: cannot read spec file \S*\/missing\.yaml: no such file$/m },
    { name: 'get of an unknown kind', args: ['get', 'nonsense'], code: 2, stderr: /^rollcast: cannot get "nonsense": expected deployments or revisions$/m },
    { name: 'scale to a word', args: ['scale', 'penguins', '--replicas', 'two'], code: 2, stderr: /--replicas must be a whole number, got "two"/ },
    { name: 'scale outside the bounds', args: ['scale', 'penguins', '--replicas', '99'], code: 1, stderr: /^rollcast: .*failed with 400: replicas = 99, .*\[minReplicas 1, maxReplicas 4\]/m },
    { name: 'infer with data that is not JSON', args: ['infer', 'penguins', '--data', 'not json'], code: 2, stderr: /^rollcast: --data is not valid JSON: /m },
    { name: 'load for a duration that is not one', args: ['load', 'penguins', '--rps', '10', '--duration', 'forever'], code: 2, stderr: /^rollcast: --duration "forever" is not a duration like 30s or 2m$/m },
    { name: 'describe of an unknown deployment', args: ['describe', 'deployment', 'nope'], code: 1, stderr: /^rollcast: GET \/api\/v1\/deployments\/nope failed with 404: .*nope/m },
    {
      name: 'a control plane that is not there',
      args: ['get', 'deployments'],
      url: 'http://127.0.0.1:1',
      code: 1,
      stderr: /^rollcast: cannot reach the rollcast control plane at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/m,
    },
  ];

  it.each(cases)('$name → exit $code', async ({ args, url, code, stderr }) => {
    const res = await rollcast(args, url === undefined ? {} : { url });
    expect({ code: res.code, stdout: res.stdout }).toEqual({ code, stdout: '' });
    expect(res.stderr).toMatch(stderr);
    expect(res.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });
});
