// Predictive scaling end to end with real worker processes: a control plane whose autoscaler
// runs on a manual clock, seeded through the admin API with two weeks of a daily cycle,
// starts replicas before the daily peak — and they are ready (real processes, real warm-up)
// by the time the peak is due. Also the autoscaling routes' answers and errors.

import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rollcast } from '../src/controller/start.js';
import { ManualTime } from '../src/controller/clock.js';
import type { ClockView, DecisionsView, ForecastView, HistoryImportResult, HistoryView } from '../src/api/autoscaling-views.js';
import { admin, EXAMPLES, http, readyReplicas, startTestRollcast, tempDir } from './helpers/harness.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const TICK = 10_000;
/** Monday 2026-11-02 00:00 UTC: the imported history covers two weeks from here. */
const HISTORY_START = Date.UTC(2026, 10, 2);
const NOON = HISTORY_START + 14 * DAY + 12 * 60 * MINUTE;

let rc: Rollcast;
let dir: Awaited<ReturnType<typeof tempDir>>;
let time: ManualTime;

const SPEC = [
  'apiVersion: rollcast.dev/v1alpha1',
  'kind: ModelDeployment',
  'metadata: { name: shop }',
  'spec:',
  '  model: { name: shop, version: "1", uri: ./model.onnx }',
  '  scaling:',
  '    replicas: 1',
  '    minReplicas: 1',
  '    maxReplicas: 5',
  '    target: { metric: rps, valuePerReplica: 100, utilization: 0.8 }',
  '    predictive: { mode: ForecastAndScale, quantile: 0.9, history: 14d, horizon: 6h, schedulingBuffer: 3m }',
  '',
].join('\n');

/** 30 req/s, except 300 req/s from 12:00 to 13:00 UTC every day. */
function dailyCycle(): [number, number][] {
  const points: [number, number][] = [];
  for (let t = HISTORY_START; t < HISTORY_START + 14 * DAY; t += MINUTE) points.push([t, new Date(t).getUTCHours() === 12 ? 300 : 30]);
  return points;
}

beforeAll(async () => {
  dir = await tempDir();
  const specDir = (await tempDir('rollcast-spec-')).path;
  await copyFile(join(EXAMPLES, 'models', 'penguins-v1.onnx'), join(specDir, 'model.onnx'));
  await writeFile(join(specDir, 'spec.yaml'), SPEC);
  time = new ManualTime(NOON - 30 * MINUTE);
  // The autoscaler is not started: the test ticks it, on its own manual clock.
  rc = await startTestRollcast(join(dir.path, 'data'), { controllerClock: time });
  expect((await http(rc.url, 'POST', '/api/v1/deployments', { specText: SPEC, specPath: join(specDir, 'spec.yaml') }, admin)).status).toBe(201);
  await readyReplicas(rc, 'shop-r1', 1);
});

afterAll(async () => {
  await rc?.close();
  await dir?.remove();
});

describe('history, forecast and decisions through the admin API', () => {
  it('answers the controller clock', async () => {
    const res = await http(rc.url, 'GET', '/api/v1/clock');
    expect(res.json).toEqual({ now: NOON - 30 * MINUTE, speedup: 1 } satisfies ClockView);
  });

  it('has no forecast before there is history, and says why', async () => {
    await rc.autoscaler.tick();
    const res = await http(rc.url, 'GET', '/api/v1/deployments/shop/forecast');
    expect(res.status).toBe(200);
    expect((res.json as ForecastView).forecast).toBeNull();
    expect((res.json as ForecastView).why).toMatch(/no load history for shop yet/);
  });

  it('refuses bad imports with 400 and the reason, unknown deployments with 404, and no token with 401', async () => {
    const put = (path: string, body: unknown, headers: Record<string, string> = admin) => http(rc.url, 'PUT', path, body, headers);
    const cases: [string, unknown, number, RegExp][] = [
      ['/api/v1/deployments/shop/history', { points: [[HISTORY_START, -1]], stepMs: MINUTE }, 400, /value -1 must be finite and ≥ 0/],
      ['/api/v1/deployments/shop/history', { points: [[HISTORY_START, 1]], stepMs: 7000 }, 400, /stepMs = 7000/],
      ['/api/v1/deployments/shop/history', { points: [[NOON + DAY, 1]], stepMs: MINUTE }, 400, /after the controller's now/],
      ['/api/v1/deployments/shop/history', { points: 'many', stepMs: MINUTE }, 400, /invalid body: body\.points/],
      ['/api/v1/deployments/nope/history', { points: [[HISTORY_START, 1]], stepMs: MINUTE }, 404, /nope/],
    ];
    for (const [path, body, status, error] of cases) {
      const res = await put(path, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((res.json as { error: string }).error).toMatch(error);
    }
    expect((await put('/api/v1/deployments/shop/history', { points: [[HISTORY_START, 1]], stepMs: MINUTE }, {})).status).toBe(401);
    expect((await http(rc.url, 'GET', '/api/v1/deployments/shop/history')).json).toMatchObject({ values: expect.not.arrayContaining([1]) as unknown });
  });

  it('imports two weeks of history and shows it', async () => {
    const res = await http(rc.url, 'PUT', '/api/v1/deployments/shop/history', { points: dailyCycle(), stepMs: MINUTE, source: 'daily.csv' }, admin);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ deployment: 'shop', imported: 14 * 24 * 60, from: HISTORY_START, to: HISTORY_START + 14 * DAY - MINUTE, stepMs: MINUTE, shiftMs: 0 } satisfies HistoryImportResult);
    const view = (await http(rc.url, 'GET', `/api/v1/deployments/shop/history?from=${NOON - DAY - 60 * MINUTE}&to=${NOON - DAY + 60 * MINUTE}`)).json as HistoryView;
    expect(view.values.slice(58, 62)).toEqual([30, 30, 300, 300]);
    expect(view.lastImport).toMatchObject({ points: 14 * 24 * 60, shiftMs: 0, source: 'daily.csv' });
  });
});

describe('predictive scaling under a manual clock', () => {
  it('starts replicas before the daily peak, and they are ready when it comes', async () => {
    const lead = 3 * MINUTE + TICK; // the spec's 3 m scheduling buffer plus one tick
    let scaledAt: number | undefined;
    while (time.now() < NOON && scaledAt === undefined) {
      time.advance(TICK);
      await rc.autoscaler.tick();
      if (rc.store.getDeployment('shop').desiredReplicas > 1) scaledAt = time.now();
    }
    // 300 req/s at 100 × 0.8 = 80 per replica → ⌈3.75⌉ = 4 replicas, no earlier than the
    // buffer before noon, and before noon.
    expect(scaledAt).toBeDefined();
    expect(scaledAt!).toBeLessThan(NOON);
    expect(scaledAt!).toBeGreaterThanOrEqual(NOON - lead - TICK);
    expect(rc.store.getDeployment('shop').desiredReplicas).toBe(4);
    await readyReplicas(rc, 'shop-r1', 4);

    const forecast = (await http(rc.url, 'GET', '/api/v1/deployments/shop/forecast')).json as ForecastView;
    expect(forecast.forecast?.periods).toContain('1d');
    const decisions = (await http(rc.url, 'GET', '/api/v1/deployments/shop/decisions?changed=true')).json as DecisionsView;
    const last = decisions.decisions.at(-1);
    expect(last).toMatchObject({ previous: 1, decision: { replicas: 4, changed: true, reactive: 1, predictive: 4 } });
    expect(last?.decision.because.find((b) => b.source === 'forecast')).toMatchObject({ q: 0.9, bufferMs: 3 * MINUTE, perReplica: 80, replicas: 4 });
  });

  it('refuses a bad decisions query with 400', async () => {
    const res = await http(rc.url, 'GET', '/api/v1/deployments/shop/decisions?limit=0');
    expect(res.status).toBe(400);
    expect((res.json as { error: string }).error).toMatch(/query\.limit/);
  });
});
