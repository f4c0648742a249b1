// The autoscaling loop under a manual clock, with a fake gateway (a request counter the test
// moves), a fake target (records scale calls) and a real in-memory store: no sleeping, every
// tick driven by the test.
import { describe, expect, it, vi } from 'vitest';
import { loadForecastEngines } from './augurs.js';
import { Autoscaler, type AutoscalerDeps } from './autoscaler.js';
import { ManualTime } from './clock.js';
import { parseDeploymentSpec } from '../spec/index.js';
import { openStore, type Store } from '../store/index.js';
import type { LoadSample } from '../serving/gateway.js';
import type { DecisionRecord } from '../api/autoscaling-views.js';
import { millis, type RevisionId } from '../spec/units.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Monday 2026-11-02 00:00 UTC. */
const MONDAY = Date.UTC(2026, 10, 2);
const TICK = 10_000;

function specText(scaling: string): string {
  return `apiVersion: rollcast.dev/v1alpha1
kind: ModelDeployment
metadata: { name: web }
spec:
  model: { name: web-model, version: "1", uri: ./m.onnx }
  scaling:
${scaling}`;
}

/** rps target 200 × 0.7 = 140 req/s per replica, 1–10 replicas. */
const RPS_SCALING = (mode: string): string => `    replicas: 1
    minReplicas: 1
    maxReplicas: 10
    target: { metric: rps, valuePerReplica: 200, utilization: 0.7 }
    predictive: { mode: ${mode}, quantile: 0.9, history: 14d, horizon: 6h }`;

interface Rig {
  time: ManualTime;
  store: Store;
  sample: LoadSample;
  scaled: { name: string; replicas: number; at: number }[];
  autoscaler: Autoscaler;
  /** Advances one tick, adding `rps` req/s worth of arrivals, and runs the tick. */
  step(rps: number): Promise<void>;
}

function rig(scaling: string, start: number, withEngines = false, deps: Partial<AutoscalerDeps> = {}): Rig {
  const time = new ManualTime(start);
  const store = openStore(':memory:', { clock: () => time.now() });
  const parsed = parseDeploymentSpec(specText(scaling));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  store.applyRevision({ deployment: 'web', spec: parsed.raw, modelDigest: 'a'.repeat(64), modelPath: '/m.onnx', desiredReplicas: parsed.spec.spec.scaling.replicas });
  const sample: LoadSample = { arrivals: 0, inFlight: 0, queued: 0, ready: parsed.spec.spec.scaling.replicas };
  const scaled: Rig['scaled'] = [];
  const autoscaler = new Autoscaler({
    store,
    load: { loadSample: (name) => (name === 'web' ? { ...sample } : undefined) },
    replicas: { status: () => Promise.resolve([]) },
    scaler: {
      applyReplicas: (name, replicas) => {
        scaled.push({ name, replicas, at: time.now() });
        sample.ready = replicas; // the fake target is ready at once
        return Promise.resolve();
      },
    },
    clock: time,
    scheduler: time,
    tickMs: TICK,
    ...(withEngines && { engines: loadForecastEngines() }),
    ...deps,
  });
  return {
    time,
    store,
    sample,
    scaled,
    autoscaler,
    async step(rps) {
      time.advance(TICK);
      sample.arrivals += (rps * TICK) / 1000;
      await autoscaler.tick();
    },
  };
}

const decisions = (r: Rig): DecisionRecord[] => r.autoscaler.decisions('web', 1000, false);

describe('Autoscaler: reactive part and the load series', () => {
  it('a count set by hand while the tick waits for the target is where the decision starts from, not overwritten', async () => {
    let duringStatus: (() => void) | undefined;
    const r = rig(RPS_SCALING('Off'), MONDAY, false, {
      replicas: {
        status: () => {
          duringStatus?.();
          duringStatus = undefined;
          return Promise.resolve([]);
        },
      },
    });
    await r.step(100);
    await r.step(100);
    // `rollcast scale web 4` lands while the tick awaits the target's status; the new
    // replicas are still starting (1 ready). Decided from the old count (1), 200 req/s on 1
    // ready would be 1 → 2 and overwrite the 4; from 4, the three starting replicas take
    // their share (200 / 4 = 50 per replica, within target): 4 stands.
    duringStatus = () => r.store.setDesiredReplicas('web', 4, 'manual scale');
    await r.step(300);
    expect(r.store.getDeployment('web').desiredReplicas).toBe(4);
    expect(r.scaled).toEqual([]);
  });

  it('scales up to the load: 1 000 req/s at 140 per replica → 8 replicas, recorded with a scaled event', async () => {
    const r = rig(RPS_SCALING('Off'), MONDAY);
    for (let i = 0; i < 3; i++) await r.step(1000);
    expect(r.scaled).toEqual([{ name: 'web', replicas: 8, at: MONDAY + 2 * TICK }]);
    expect(r.store.getDeployment('web').desiredReplicas).toBe(8);
    const scaledEvents = r.store.listEvents({ deployment: 'web', type: 'scaled' });
    expect(scaledEvents).toHaveLength(1);
    // 1 000 req/s is also above twice the ready capacity (2 × 200): burst mode says so too.
    expect(scaledEvents[0]?.message).toBe('scaled web from 1 to 8: autoscaler: reactive, burst');
    const changed = r.autoscaler.decisions('web', 10, true);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ previous: 1, decision: { replicas: 8, changed: true }, observed: { load: 1000, readyReplicas: 1, currentReplicas: 1 } });
  });

  it('folds the counter into one point per minute at the observed rate', async () => {
    const r = rig(RPS_SCALING('Off'), MONDAY);
    for (let i = 0; i < 6 * 3; i++) await r.step(120);
    // Ticks at 0:10 … 3:00; the first only sets the baseline, so minute 0 is covered from
    // 0:10 and minutes 1 and 2 fully; the tick at 3:00 completes minute 2.
    const points = r.store.loadPoints('web', MONDAY, MONDAY + DAY);
    expect(points.map((p) => p.ts)).toEqual([MONDAY, MONDAY + MINUTE, MONDAY + 2 * MINUTE]);
    for (const p of points) expect(p.value).toBeCloseTo(120, 9);
  });

  it('stores unchanged decisions at most once a minute', async () => {
    const r = rig(RPS_SCALING('Off'), MONDAY);
    for (let i = 0; i < 6 * 3; i++) await r.step(100);
    // 18 ticks over 3 minutes; the first one measures nothing → decisions at 0:20, 1:20, 2:20.
    expect(decisions(r).map((d) => d.ts - MONDAY)).toEqual([20_000, 80_000, 140_000]);
    expect(r.scaled).toEqual([]);
  });

  it('a restarted autoscaler keeps the planner memory: the scale-up cooldown (60 s) still holds', async () => {
    const r = rig(RPS_SCALING('Off'), MONDAY);
    for (let i = 0; i < 3; i++) await r.step(1000);
    const scaledAt = r.scaled[0]!.at; // 1 → 8 replicas
    // A new Autoscaler on the same store, as after a control plane restart.
    const again = new Autoscaler({
      store: r.store,
      load: { loadSample: () => ({ ...r.sample }) },
      replicas: { status: () => Promise.resolve([]) },
      scaler: {
        applyReplicas: (name, replicas) => {
          r.scaled.push({ name, replicas, at: r.time.now() });
          return Promise.resolve();
        },
      },
      clock: r.time,
      scheduler: r.time,
      tickMs: TICK,
    });
    // 1 300 req/s on 8 ready: 1 300 / (8 × 140) = 1.16 → 10 replicas, below burst (2 × 1 600).
    while (r.scaled.length === 1 && r.time.now() - scaledAt < 3 * MINUTE) {
      r.time.advance(TICK);
      r.sample.arrivals += (1300 * TICK) / 1000;
      await again.tick();
    }
    expect(r.scaled[1]?.replicas).toBe(10);
    expect(r.scaled[1]!.at - scaledAt).toBeGreaterThanOrEqual(MINUTE);
  });

  it('a decision the store did not take is retried on the next tick, not held back by a cooldown it never started', async () => {
    const r = rig(RPS_SCALING('Off'), MONDAY);
    await r.step(100);
    await r.step(100);
    const refused = vi.spyOn(r.store, 'recordDecision').mockImplementationOnce(() => {
      throw new Error('SQLITE_BUSY: database is locked');
    });
    // 200 req/s over the last 20 s on 1 replica at 140 each → 2: refused by the store.
    await r.step(300);
    expect(refused).toHaveBeenCalledTimes(1);
    expect(r.scaled).toEqual([]);
    // The next tick decides 2 again and acts: the 60 s scale-up cooldown was not started by
    // the decision that was never stored.
    await r.step(300);
    expect(r.scaled).toEqual([{ name: 'web', replicas: 2, at: MONDAY + 4 * TICK }]);
  });

  it('minutes the store refused to write are written with the next ones, not lost', async () => {
    const r = rig(RPS_SCALING('Off'), MONDAY);
    const writes = vi.spyOn(r.store, 'writeLoadPoints');
    writes.mockImplementationOnce(() => {
      throw new Error('SQLITE_FULL: database or disk is full');
    });
    // Ticks at 0:10 … 3:00: minute 0 is completed at 1:00 (refused) and written at 1:10,
    // minute 1 at 2:00, minute 2 at 3:00.
    for (let i = 0; i < 6 * 3; i++) await r.step(120);
    expect(writes).toHaveBeenCalledTimes(4);
    expect(r.store.loadPoints('web', MONDAY, MONDAY + DAY).map((p) => p.ts)).toEqual([MONDAY, MONDAY + MINUTE, MONDAY + 2 * MINUTE]);
  });

  it('a count set by hand is held from when it was seen, even while the load cannot be measured (cpu, no reading yet)', async () => {
    const cpu = { reading: undefined as number | undefined };
    const r = rig(CPU_SCALING, MONDAY, false, {
      cpu: { sample: () => cpu.reading },
      replicas: { status: () => Promise.resolve([{ replicaId: 'web-r1-1', revisionId: 'web-r1' as RevisionId, phase: 'ready', pid: 1, startedAt: millis(MONDAY), restarts: 0 }]) },
    });
    await r.step(0);
    r.store.setDesiredReplicas('web', 4, 'manual scale');
    r.sample.ready = 4;
    const t0 = r.time.now();
    // Three minutes without a CPU reading, then 10 % per replica: 4 → 1 once the 5 min
    // scale-down window has passed since the 4 was seen, not 5 min after the last tick
    // that could not measure.
    while (r.time.now() - t0 < 3 * MINUTE) await r.step(0);
    cpu.reading = 10;
    while (r.scaled.length === 0 && r.time.now() - t0 < 15 * MINUTE) await r.step(0);
    expect(r.scaled[0]?.replicas).toBe(1);
    expect(r.scaled[0]!.at - t0).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(r.scaled[0]!.at - t0).toBeLessThanOrEqual(5 * MINUTE + 2 * TICK);
  });

  it('cpu with no reading: the decision is still made and recorded, the reactive part holding and saying why', async () => {
    const r = rig(CPU_SCALING, MONDAY, false, { cpu: { sample: () => undefined } });
    for (let i = 0; i < 3; i++) await r.step(50);
    const last = decisions(r).at(-1);
    expect(last?.decision.replicas).toBe(1);
    expect(last?.decision.because).toContainEqual(expect.objectContaining({ source: 'reactive', note: 'no ready replica reports CPU: holding the current count' }));
    expect(last?.observed).toMatchObject({ load: 0, readyReplicas: 1, rps: 50 });
  });

  it('a clock that went back does not stop unchanged decisions from being recorded until it catches up', async () => {
    const r = rig(RPS_SCALING('Off'), MONDAY + DAY);
    await r.step(100);
    await r.step(100);
    expect(decisions(r)).toHaveLength(1);
    r.time.advance(-60 * MINUTE); // a demo clock restarted, or the wall clock stepped back
    for (let i = 0; i < 6 * 2; i++) await r.step(100);
    // Two minutes of ticks after the step back: recorded once a minute, as before it.
    expect(decisions(r).length).toBeGreaterThanOrEqual(3);
  });

  it('a memory from a clock that ran ahead (a demo control plane restarted) does not hold the scale-up cooldown until the clock catches up', async () => {
    const r = rig(RPS_SCALING('Off'), MONDAY);
    for (let i = 0; i < 3; i++) await r.step(1000);
    expect(r.scaled.map((s) => s.replicas)).toEqual([8]); // lastScaleUpAt = MONDAY + 20 s, stored
    // Restarted with its clock an hour behind what it stored (ScaledTime starts at the real now).
    const behind = new ManualTime(MONDAY - 60 * MINUTE);
    const again = new Autoscaler({
      store: r.store,
      load: { loadSample: () => ({ ...r.sample }) },
      replicas: { status: () => Promise.resolve([]) },
      scaler: {
        applyReplicas: (name, replicas) => {
          r.scaled.push({ name, replicas, at: behind.now() });
          return Promise.resolve();
        },
      },
      clock: behind,
      scheduler: behind,
      tickMs: TICK,
    });
    // 1 300 req/s on 8 ready → 10 replicas (below burst): on the second tick, the first one
    // that measures — not an hour and a minute later.
    for (let i = 0; i < 3 && r.scaled.length === 1; i++) {
      behind.advance(TICK);
      r.sample.arrivals += (1300 * TICK) / 1000;
      await again.tick();
    }
    expect(r.scaled[1]).toEqual({ name: 'web', replicas: 10, at: MONDAY - 60 * MINUTE + 2 * TICK });
  });

  it('holds a count set by hand for the scale-down stabilization window (5 min), then follows the load', async () => {
    const r = rig(RPS_SCALING('Off'), MONDAY);
    await r.step(100);
    r.store.setDesiredReplicas('web', 4, 'manual scale');
    r.sample.ready = 4;
    const t0 = r.time.now();
    while (r.scaled.length === 0 && r.time.now() - t0 < 10 * MINUTE) await r.step(100);
    expect(r.scaled[0]?.replicas).toBe(1);
    // Not before the window has passed since the manual scale was seen.
    expect(r.scaled[0]!.at - t0).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(r.scaled[0]!.at - t0).toBeLessThanOrEqual(5 * MINUTE + 2 * TICK);
  });
});

/** cpu target 50 % × 0.8 = 40 % per replica, 1–10 replicas. */
const CPU_SCALING = `    replicas: 1
    minReplicas: 1
    maxReplicas: 10
    target: { metric: cpu, valuePerReplica: 50, utilization: 0.8 }
    predictive: { mode: Off }`;

/** Two weeks of a daily cycle in req/s: 40 at night, 500 from 12:00 to 14:00 UTC. */
function dailyHistory(from: number, days: number): [number, number][] {
  const points: [number, number][] = [];
  for (let t = from; t < from + days * DAY; t += MINUTE) {
    const hour = new Date(t).getUTCHours();
    points.push([t, hour >= 12 && hour < 14 ? 500 : 40]);
  }
  return points;
}

describe('Autoscaler: predictive part', () => {
  it('with ForecastAndScale, scales up ahead of the daily peak by the scheduling buffer, then records the forecast', async () => {
    const day15 = MONDAY + 14 * DAY;
    const r = rig(RPS_SCALING('ForecastAndScale'), day15 + 11 * 60 * MINUTE + 50 * MINUTE, true);
    r.autoscaler.importHistory('web', { points: dailyHistory(MONDAY, 14), stepMs: MINUTE, source: 'synthetic' });
    const noon = day15 + 12 * 60 * MINUTE;
    while (r.time.now() < noon && r.scaled.length === 0) await r.step(40);
    // Before noon, at 40 req/s the reactive part wants 1 replica; the forecast wants
    // ⌈500 / 140⌉ = 4 once noon is within the buffer (60 s default warm-up + one 10 s tick).
    expect(r.scaled[0]?.replicas).toBeGreaterThanOrEqual(4);
    expect(r.scaled[0]!.at).toBeLessThan(noon);
    expect(r.scaled[0]!.at).toBeGreaterThanOrEqual(noon - 70_000 - TICK);
    const last = r.autoscaler.decisions('web', 1, true)[0]!;
    expect(last.decision.because.map((b) => b.source)).toContain('forecast');
    expect(last.decision.reactive).toBe(1);
    const { forecast } = r.autoscaler.forecastOf('web');
    expect(forecast).toMatchObject({ quantile: 0.9, stepMs: MINUTE, periods: expect.arrayContaining(['1d']) as unknown });
    expect(r.store.latestForecast('web')?.madeAt).toBe(forecast?.madeAt);
  });

  it('with ForecastOnly, records what the forecast would do and does not act on it', async () => {
    const day15 = MONDAY + 14 * DAY;
    const r = rig(RPS_SCALING('ForecastOnly'), day15 + 11 * 60 * MINUTE + 55 * MINUTE, true);
    r.autoscaler.importHistory('web', { points: dailyHistory(MONDAY, 14), stepMs: MINUTE });
    while (r.time.now() < day15 + 12 * 60 * MINUTE) await r.step(40);
    expect(r.scaled).toEqual([]);
    const wouldBe = decisions(r).flatMap((d) => d.decision.because).filter((b) => b.source === 'forecast-only');
    expect(wouldBe.length).toBeGreaterThan(0);
    expect(Math.max(...wouldBe.map((b) => (b.source === 'forecast-only' ? b.wouldBe : 0)))).toBeGreaterThanOrEqual(4);
  });

  it('says why there is no forecast: no history yet', async () => {
    const r = rig(RPS_SCALING('ForecastAndScale'), MONDAY);
    await r.step(10);
    await r.step(10);
    expect(r.autoscaler.forecastOf('web')).toEqual({ forecast: null, why: expect.stringMatching(/^no load history for web yet: .*rollcast import history web --csv FILE/) as unknown });
  });

  it('says when the first forecast comes, in durations that do not round to nothing', () => {
    const r = rig(RPS_SCALING('ForecastAndScale'), MONDAY, false, { tickMs: 250, refitEveryMs: 90_000 });
    expect(r.autoscaler.forecastOf('web').why).toBe('no forecast for web yet: the controller fits one within 250ms of a deployment starting, then every 1m30s');
  });

  it('says why there is no forecast: too little history', async () => {
    const r = rig(RPS_SCALING('ForecastAndScale'), MONDAY + 2 * 60 * MINUTE);
    r.autoscaler.importHistory('web', { points: dailyHistory(MONDAY, 1).slice(0, 90), stepMs: MINUTE });
    await r.step(10);
    expect(r.autoscaler.forecastOf('web').why).toMatch(/^not enough load history for web to forecast: /);
  });

  it('after a re-apply with predictive mode Off, shows no forecast (not the stored one from before) and says why', async () => {
    const day15 = MONDAY + 14 * DAY;
    const r = rig(RPS_SCALING('ForecastAndScale'), day15 + 6 * 60 * MINUTE);
    r.autoscaler.importHistory('web', { points: dailyHistory(MONDAY, 14), stepMs: MINUTE });
    await r.step(40);
    expect(r.store.latestForecast('web')).toBeDefined();
    const off = parseDeploymentSpec(specText(RPS_SCALING('Off')));
    if (!off.ok) throw new Error(JSON.stringify(off.issues));
    r.store.applyRevision({ deployment: 'web', spec: off.raw, modelDigest: 'a'.repeat(64), modelPath: '/m.onnx', desiredReplicas: 1 });
    await r.step(40);
    expect(r.autoscaler.forecastOf('web')).toEqual({ forecast: null, why: 'spec.scaling.predictive.mode is Off for web: nothing is forecast' });
  });

  it('a forecast fit that throws still leaves the tick its decision, and says why there is no forecast', async () => {
    const errors: unknown[] = [];
    const r = rig(RPS_SCALING('ForecastAndScale'), MONDAY + 2 * 60 * MINUTE, false, { onError: (err) => errors.push(err) });
    await r.step(10);
    vi.spyOn(r.store, 'loadPoints').mockImplementation(() => {
      throw new Error('SQLITE_IOERR: disk I/O error');
    });
    r.autoscaler.importHistory('web', { points: dailyHistory(MONDAY, 1).slice(0, 90), stepMs: MINUTE }); // refit on the next tick
    await r.step(10);
    expect(errors).toEqual([new Error('SQLITE_IOERR: disk I/O error')]);
    expect(r.autoscaler.forecastOf('web').why).toBe('the last forecast fit for web failed: SQLITE_IOERR: disk I/O error');
    expect(decisions(r).map((d) => d.ts)).toEqual([r.time.now()]);
  });

  it('refuses history that ends after the controller clock, writing nothing', () => {
    const r = rig(RPS_SCALING('ForecastAndScale'), MONDAY + DAY);
    expect(() => r.autoscaler.importHistory('web', { points: dailyHistory(MONDAY + DAY, 1), stepMs: MINUTE })).toThrow(/after the controller's now/);
    expect(r.store.loadPoints('web', 0, MONDAY + 10 * DAY)).toEqual([]);
  });
});
