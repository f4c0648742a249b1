// Progressive rollouts end to end with real worker processes: the demo deployment (version 1)
// gets a new version applied with a rollout section; real requests go through the gateway;
// the rollout controller runs on a manual clock (the gateway's analysis samples share it), so
// each analysis interval is one step of the test, not 20 s of waiting. A good version is
// promoted; the version that fails on some inputs, and the one whose predictions drift, are
// rolled back automatically; none loses
// a client request to the rollout machinery (every non-2xx answer is the model's own 500).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualTime } from '../src/controller/clock.js';
import type { Rollcast } from '../src/controller/start.js';
import type { RolloutView } from '../src/api/rollout-views.js';
import { mulberry32 } from '../src/spec/random.js';
import { admin, EXAMPLES, http, penguinRequest, readyReplicas, startTestRollcast, tempDir } from './helpers/harness.js';

let rc: Rollcast;
let dir: Awaited<ReturnType<typeof tempDir>>;
let time: ManualTime;

async function apply(file: string, text?: string): Promise<void> {
  const specPath = join(EXAMPLES, file);
  const res = await http(rc.url, 'POST', '/api/v1/deployments', { specText: text ?? (await readFile(specPath, 'utf8')), specPath }, admin);
  expect(res.status, res.text).toBeLessThan(300);
}

/** `n` requests with random feature rows (as `rollcast load` sends), 8 at a time; their status codes. */
async function send(n: number, seed: number): Promise<number[]> {
  const rand = mulberry32(seed);
  const bodies = Array.from({ length: n }, () => penguinRequest([[rand(), rand(), rand(), rand()]]));
  const codes: number[] = [];
  for (let i = 0; i < n; i += 8) {
    const batch = await Promise.all(bodies.slice(i, i + 8).map((b) => http(rc.url, 'POST', '/v2/models/penguins/infer', b)));
    codes.push(...batch.map((r) => r.status));
  }
  return codes;
}

const status = async (): Promise<RolloutView> => (await http(rc.url, 'GET', '/api/v1/deployments/penguins/rollout')).json as RolloutView;

/**
 * Traffic and time until the rollout ends: each second of rollout-clock time gets 40
 * requests (the gateway keeps at most 50 prediction samples per revision per second, as it
 * would under real traffic spread over time), and every 5 s the rollout controller ticks,
 * the test waiting (on state, not time) for replicas it started to be ready. 800 requests per
 * 20 s interval: at a 20 % weight the canary gets ~160, over the specs' minSamples (100).
 */
async function runRollout(maxSeconds: number): Promise<{ view: RolloutView; codes: number[] }> {
  const codes: number[] = [];
  for (let second = 1; second <= maxSeconds; second++) {
    codes.push(...(await send(40, second)));
    time.advance(1_000);
    if (second % 5 !== 0) continue;
    await rc.rollouts.tick();
    await rc.target.waitUntil((all) => all.every((r) => r.phase !== 'starting'));
    const view = await status();
    if (!view.active) return { view, codes };
  }
  return { view: await status(), codes };
}

beforeEach(async () => {
  dir = await tempDir();
  time = new ManualTime(Date.UTC(2026, 10, 2, 12));
  rc = await startTestRollcast(join(dir.path, 'data'), { rolloutClock: time, rolloutTicks: false });
  await apply('penguins.yaml');
  await readyReplicas(rc, 'penguins-r1', 2);
});

afterEach(async () => {
  await rc?.close();
  await dir?.remove();
});

/** rollout-good.yaml without its latency checks: on a shared CI machine single-request latencies are noise. */
async function goodSpec(): Promise<string> {
  const text = await readFile(join(EXAMPLES, 'rollout-good.yaml'), 'utf8');
  return text
    .split('\n')
    .filter((line) => !/name: latency-/.test(line))
    .join('\n');
}

describe('a rollout on real workers', () => {
  it('promotes a good version: every step passes, it takes all traffic, the old revision is retired', async () => {
    await apply('rollout-good.yaml', await goodSpec());
    const { view, codes } = await runRollout(240);
    expect(view.phase, view.reason).toBe('Succeeded');
    expect(view.weights).toEqual({ 'penguins-r1': 0, 'penguins-r2': 100 });
    expect(rc.store.getDeployment('penguins').servingRevision).toBe('penguins-r2');
    expect(codes.filter((c) => c !== 200)).toEqual([]);
    await rc.target.waitUntil((all) => all.every((r) => r.revisionId === 'penguins-r2'));
    const kinds = rc.store.listEvents({ deployment: 'penguins', limit: 1000 }).map((e) => e.type);
    expect(kinds).toContain('rollout.Promoted');
  });

  it('rolls back a version that fails on some inputs, on its error rate; clients see only the model’s own 500s', async () => {
    await apply('rollout-errors.yaml');
    const { view, codes } = await runRollout(240);
    expect(view.phase, view.reason).toBe('RolledBack');
    expect(view.weights).toEqual({ 'penguins-r1': 100, 'penguins-r2': 0 });
    expect(rc.store.getDeployment('penguins').servingRevision).toBe('penguins-r1');
    const failed = view.verdicts.find((v) => v.verdict === 'Fail');
    expect(failed?.reasons?.join('\n')).toMatch(/error-rate/);
    expect(new Set(codes.filter((c) => c !== 200))).toEqual(new Set([500]));
  });

  it('rolls back a version that answers fast and without errors but differently, on output drift', async () => {
    await apply('rollout-drift.yaml');
    const { view, codes } = await runRollout(240);
    expect(view.phase, view.reason).toBe('RolledBack');
    expect(view.weights).toEqual({ 'penguins-r1': 100, 'penguins-r2': 0 });
    const failed = view.verdicts.find((v) => v.verdict === 'Fail');
    expect(failed?.reasons?.join('\n')).toMatch(/output-drift/);
    expect(codes.filter((c) => c !== 200)).toEqual([]);
  });

  it('rolls back a version three times slower, on latency', async () => {
    await apply('rollout-slow.yaml');
    const { view } = await runRollout(240);
    expect(view.phase, view.reason).toBe('RolledBack');
    const failed = view.verdicts.find((v) => v.verdict === 'Fail');
    expect(failed?.reasons?.join('\n')).toMatch(/latency-p50/);
  });

  it('resumes after the control plane is stopped mid-rollout, repeating and skipping no step', async () => {
    await apply('rollout-good.yaml', await goodSpec());
    // Run until the first analysis has passed and the weight is about to rise past 20 %.
    for (let second = 1; second <= 240 && (await status()).step < 2; second++) {
      await send(40, second);
      time.advance(1_000);
      if (second % 5 === 0) {
        await rc.rollouts.tick();
        await rc.target.waitUntil((all) => all.every((r) => r.phase !== 'starting'));
      }
    }
    const before = await status();
    expect(before.phase).toBe('Progressing');
    await rc.close();
    rc = await startTestRollcast(join(dir.path, 'data'), { rolloutClock: time, rolloutTicks: false });
    await readyReplicas(rc, 'penguins-r1', 2);
    const { view } = await runRollout(240);
    expect(view.phase, view.reason).toBe('Succeeded');
    const started = rc.store.listEvents({ deployment: 'penguins', type: 'rollout.StepStarted', limit: 1000 }).map((e) => (e.data as { step?: number }).step);
    expect(started).toEqual([...new Set(started)]);
    expect(started).toEqual(before.steps.map((_, i) => i));
  });

  it('holds instead of failing when traffic is too low to judge (fewer than minSamples)', async () => {
    await apply('rollout-errors.yaml');
    // 2 requests a second: the canary's ~8 per 20 s interval are far below minSamples (100).
    for (let second = 1; second <= 120; second++) {
      await send(2, second);
      time.advance(1_000);
      if (second % 5 === 0) {
        await rc.rollouts.tick();
        await rc.target.waitUntil((all) => all.every((r) => r.phase !== 'starting'));
      }
    }
    const view = await status();
    expect(view.active).toBe(true);
    expect(view.phase, view.reason).toBe('Paused');
    expect(view.verdicts.map((v) => v.verdict)).not.toContain('Fail');
    expect(view.verdicts.at(-1)?.verdict).toBe('Inconclusive');
    expect(view.weights['penguins-r2']).toBe(20);
  });
});
