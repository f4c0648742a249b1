// The rollout controller on an in-memory store, a manual clock and fakes for the target, the
// routes and the analysis samples: a good canary is promoted, a bad one rolled back, too
// little traffic holds, a restart resumes, commands apply, and a failed action persists nothing.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RevisionWindow } from '../analysis/window.js';
import { parseDeploymentSpec } from '../spec/index.js';
import type { RolloutSpec } from '../spec/types.js';
import { millis, revisionId, type RevisionId } from '../spec/units.js';
import { openStore, type Store } from '../store/index.js';
import type { ReplicaStatus } from '../targets/target.js';
import { ManualTime } from './clock.js';
import { NoActiveRolloutError, RolloutController } from './rollout-controller.js';

const DIGEST = 'c'.repeat(64);
const R1 = revisionId('web-r1');
const R2 = revisionId('web-r2');

function goodSpec(): RolloutSpec {
  const parsed = parseDeploymentSpec(readFileSync(new URL('../../examples/rollout-good.yaml', import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error('examples/rollout-good.yaml does not parse');
  // steps: setWeight 20, analysis, setWeight 50, analysis; interval 20 s, minSamples 100, failureLimit 1, onInconclusive hold
  return parsed.spec.spec.rollout;
}

/** A window of `requests` requests, `errors` of them failed, latencies 10..59 ms, predictions cycling 0, 1, 2. */
function window(requests: number, errors = 0): RevisionWindow {
  return {
    requests,
    errors,
    latenciesMs: Array.from({ length: requests }, (_, i) => 10 + (i % 50)),
    predictions: Array.from({ length: requests - errors }, (_, i) => i % 3),
  };
}

class FakeTarget {
  readonly replicas = new Map<RevisionId, number>();
  readonly ready = new Map<RevisionId, number>();
  readonly scales: [RevisionId, number][] = [];
  readonly retired: RevisionId[] = [];
  instant = true;
  failScale = 0;
  scale(rev: RevisionId, n: number): Promise<void> {
    if (this.failScale > 0) {
      this.failScale--;
      return Promise.reject(new Error(`scale ${rev} to ${n} failed`));
    }
    this.scales.push([rev, n]);
    this.replicas.set(rev, n);
    if (this.instant) this.ready.set(rev, n);
    return Promise.resolve();
  }
  retire(rev: RevisionId): Promise<void> {
    this.retired.push(rev);
    this.replicas.delete(rev);
    this.ready.delete(rev);
    return Promise.resolve();
  }
  status(): Promise<ReplicaStatus[]> {
    return Promise.resolve(
      [...this.ready].flatMap(([revisionId, n]) =>
        Array.from({ length: n }, (_, i): ReplicaStatus => ({ replicaId: `${revisionId}-${i}`, revisionId, phase: 'ready', startedAt: millis(0), restarts: 0 })),
      ),
    );
  }
}

class FakeRoutes {
  readonly weights: Record<string, number>[] = [];
  readonly removed: RevisionId[] = [];
  setWeights(_deployment: string, w: Map<RevisionId, number>): void {
    this.weights.push(Object.fromEntries(w));
  }
  removeRevision(id: RevisionId): void {
    this.removed.push(id);
  }
}

let time: ManualTime;
let store: Store;
let target: FakeTarget;
let routes: FakeRoutes;
let canaryWindow: () => RevisionWindow;
let baselineWindow: () => RevisionWindow;
let windows: [string, number, number][];
let errors: unknown[];

function controller(): RolloutController {
  return new RolloutController({
    store,
    routes,
    target,
    samples: {
      window: (rev, from, to) => {
        windows.push([rev, from, to]);
        return rev === R1 ? baselineWindow() : canaryWindow();
      },
    },
    need: () => 4,
    clock: time,
    scheduler: time,
    onError: (err) => errors.push(err),
  });
}

beforeEach(() => {
  time = new ManualTime(1_700_000_000_400);
  store = openStore(':memory:', { clock: () => time.now() });
  store.applyRevision({ deployment: 'web', spec: { v: 1 }, modelDigest: DIGEST, modelPath: '/m1.onnx', desiredReplicas: 4 });
  store.applyRevision({ deployment: 'web', spec: { v: 2 }, modelDigest: DIGEST, modelPath: '/m2.onnx', desiredReplicas: 4 });
  target = new FakeTarget();
  target.ready.set(R1, 4);
  routes = new FakeRoutes();
  baselineWindow = () => window(500);
  canaryWindow = () => window(500);
  windows = [];
  errors = [];
});

/** Ticks every 5 s until the rollout is no longer active or `max` ticks have run; returns the ticks run. */
async function run(c: RolloutController, max = 60): Promise<number> {
  for (let i = 1; i <= max; i++) {
    time.advance(5_000);
    await c.tick();
    if (!c.active('web')) return i;
  }
  return max;
}

const types = (prefix: string) => store.listEvents({ limit: 1000 }).filter((e) => e.type.startsWith(prefix)).map((e) => e.type);
const stepStarts = () => store.listEvents({ type: 'rollout.StepStarted', limit: 1000 }).map((e) => e.data['step']);

describe('RolloutController', () => {
  it('takes a good canary through every step to Succeeded: weights 0 → 20 → 50 → 100, r2 serving, r1 retired', async () => {
    const c = controller();
    const started = c.begin('web', R1, R2, goodSpec());
    expect(c.view('web')).toMatchObject({ id: started.id, phase: 'Pending', stable: R1, canary: R2, active: true });
    await run(c);
    expect(errors).toEqual([]);
    expect(c.view('web')).toMatchObject({ phase: 'Succeeded', active: false, weights: { [R1]: 0, [R2]: 100 } });
    // The first 0 is the stored state re-applied on the first tick (see #resync).
    expect(routes.weights.map((w) => w[R2])).toEqual([0, 20, 50, 100]);
    expect(store.getDeployment('web').servingRevision).toBe(R2);
    expect(target.retired).toEqual([R1]);
    expect(routes.removed).toEqual([R1]);
    expect(stepStarts()).toEqual([0, 1, 2, 3]);
    expect(c.view('web').verdicts.map((v) => [v.step, v.outcome, v.verdict])).toEqual([
      [1, 'pass', 'Pass'],
      [3, 'pass', 'Pass'],
    ]);
    // Second-aligned windows of one interval (20 s), baseline and canary over the same span.
    for (const [, from, to] of windows) expect([to % 1000, to - from]).toEqual([0, 20_000]);
    expect(store.listEvents({ type: 'rollout.AnalysisOutcome', limit: 10 })[0]?.data).toMatchObject({ step: 1, verdict: 'Pass' });
  });

  it('rolls back a canary with 30 % errors: stable 100 %, canary scaled to 0, RolledBack, events recorded', async () => {
    canaryWindow = () => window(500, 150);
    const c = controller();
    c.begin('web', R1, R2, goodSpec());
    await run(c);
    expect(c.view('web')).toMatchObject({ phase: 'RolledBack', active: false, weights: { [R1]: 100, [R2]: 0 } });
    expect(routes.weights.map((w) => w[R2])).toEqual([0, 20, 0]);
    expect(target.scales.at(-1)).toEqual([R2, 0]);
    expect(store.getDeployment('web').servingRevision).toBe(R1);
    // failureLimit 1: two failed intervals fail the run.
    expect(windows.length).toBe(4);
    expect(types('rollout.')).toEqual(expect.arrayContaining(['rollout.AnalysisOutcome', 'rollout.Aborted', 'rollout.RolledBack']));
    expect(target.retired).toEqual([]);
  });

  it('holds with too little traffic (fewer than minSamples): Paused at 20 %, never promoted', async () => {
    canaryWindow = () => window(40);
    const c = controller();
    c.begin('web', R1, R2, goodSpec());
    expect(await run(c, 40)).toBe(40);
    const view = c.view('web');
    expect(view).toMatchObject({ phase: 'Paused', step: 1, weights: { [R2]: 20 }, active: true });
    expect(view.reason).toMatch(/inconclusive/);
    expect(view.verdicts).toMatchObject([{ step: 1, outcome: 'hold', verdict: 'Inconclusive' }]);
    expect(store.getDeployment('web').servingRevision).toBe(R1);
    // Judged again every interval: 40 ticks × 5 s ≈ 200 s → about 9 intervals of 20 s.
    expect(windows.length / 2).toBeGreaterThanOrEqual(8);
  });

  it('a new controller on the same store resumes mid-analysis without repeating a step', async () => {
    const first = controller();
    first.begin('web', R1, R2, goodSpec());
    await run(first, 4); // 20 % set, the analysis run started, not yet judged
    expect(first.view('web')).toMatchObject({ step: 1, phase: 'Progressing' });
    const stored = store.activeRollout('web');
    expect(stored?.state).toMatchObject({ format: 1, machine: { stepIndex: 1 }, runs: { '1': { phase: 'running', evaluations: 0 } }, rollingBack: null });

    const second = controller();
    await run(second);
    expect(second.view('web').phase).toBe('Succeeded');
    expect(stepStarts()).toEqual([0, 1, 2, 3]);
    expect(store.listEvents({ type: 'rollout.Started', limit: 10 })).toHaveLength(1);
    // The second 20 is the new controller re-applying the stored weights (a restarted gateway routes all to r1).
    expect(routes.weights.map((w) => w[R2])).toEqual([0, 20, 20, 50, 100]);
  });

  it('applies pause, resume, promote and abort; a command without an active rollout is a NoActiveRolloutError', async () => {
    const c = controller();
    await expect(c.command('web', 'pause')).rejects.toThrow(NoActiveRolloutError);
    await expect(c.command('web', 'pause')).rejects.toThrow("deployment 'web' has no active rollout");
    expect(() => c.view('web')).toThrow(/rollout 'web' not found/);

    canaryWindow = () => window(40); // too little traffic: the analysis holds until promoted
    c.begin('web', R1, R2, goodSpec());
    await run(c, 3); // in the first analysis
    expect((await c.command('web', 'pause')).phase).toBe('Paused');
    time.advance(60_000);
    await c.tick();
    expect(c.view('web')).toMatchObject({ phase: 'Paused', step: 1 });
    expect(c.view('web').reason).toMatch(/paused by the user/);
    // Resumed, the rollout waits on the holding analysis (analyses ran on while paused).
    expect((await c.command('web', 'resume')).reason).toMatch(/inconclusive.*holding/);
    // promote accepts the holding analysis: on to setWeight 50.
    time.advance(1_000);
    expect(c.view('web').verdicts).toMatchObject([{ step: 1, outcome: 'hold' }]);
    const promoted = await c.command('web', 'promote');
    expect(promoted.step).toBe(2);
    expect(store.listEvents({ type: 'rollout.StepSkipped', limit: 10 })).toHaveLength(1);
    time.advance(1_000);
    expect((await c.command('web', 'abort')).phase).toBe('RolledBack');
    await run(c);
    expect(c.view('web')).toMatchObject({ phase: 'RolledBack', active: false, weights: { [R1]: 100 } });
    await expect(c.command('web', 'resume')).rejects.toThrow(NoActiveRolloutError);
    expect(types('rollout.').filter((t) => ['rollout.Paused', 'rollout.Resumed', 'rollout.Aborted'].includes(t))).toEqual(['rollout.Paused', 'rollout.Resumed', 'rollout.Aborted']);
  });

  it('a failing target.scale persists nothing, and the next tick retries the same step', async () => {
    const c = controller();
    const started = c.begin('web', R1, R2, goodSpec());
    target.failScale = 1;
    time.advance(5_000);
    await c.tick();
    expect(errors).toHaveLength(1);
    expect(store.activeRollout('web')).toMatchObject({ version: 1, state: started.state });
    expect(types('rollout.')).toEqual(['rollout.started']);
    time.advance(5_000);
    await c.tick();
    expect(store.activeRollout('web')?.version).toBe(2);
    expect(stepStarts()).toEqual([0]);
    await run(c);
    expect(c.view('web').phase).toBe('Succeeded');
  });

  it('a newer revision supersedes the running rollout: its canary rolls back before the new one starts', async () => {
    store.applyRevision({ deployment: 'web', spec: { v: 3 }, modelDigest: DIGEST, modelPath: '/m3.onnx', desiredReplicas: 4 });
    const R3 = revisionId('web-r3');
    const c = controller();
    c.begin('web', R1, R2, goodSpec());
    await run(c, 3);
    expect(routes.weights.at(-1)).toEqual({ [R1]: 80, [R2]: 20 });
    const next = c.begin('web', R1, R3, goodSpec());
    expect(c.view('web')).toMatchObject({ id: next.id, phase: 'Pending', stable: R1, canary: R3 });
    await run(c);
    expect(c.view('web')).toMatchObject({ phase: 'Succeeded', canary: R3 });
    // r2: 0 (first tick's re-apply), 20, 20 (the new row's re-apply), 0 (rolled back); then r3's own steps.
    expect(routes.weights.map((w) => [w[R2] ?? null, w[R3] ?? null])).toEqual([[0, null], [20, null], [20, null], [0, null], [null, 20], [null, 50], [null, 100]]);
    expect(store.listEvents({ type: 'rollout.RolledBack', limit: 10 })[0]?.data['supersededRollout']).toBe(store.listRollouts('web')[0]?.id);
    expect(target.scales).toContainEqual([R2, 0]);
    expect(store.getDeployment('web').servingRevision).toBe(R3);
  });

  it('moves traffic only once the canary has ready replicas for its share', async () => {
    target.instant = false;
    const c = controller();
    c.begin('web', R1, R2, goodSpec());
    await run(c, 5);
    expect(target.replicas.get(R2)).toBe(1); // 20 % of a need of 4, rounded up
    expect(c.view('web')).toMatchObject({ phase: 'Progressing', step: 0, weights: { [R2]: 0 } });
    target.ready.set(R2, 1);
    await run(c, 1);
    expect(c.view('web')).toMatchObject({ step: 1, weights: { [R1]: 80, [R2]: 20 } });
  });

  it('start() ticks on the scheduler and stop() waits for the tick in progress', async () => {
    const c = controller();
    c.begin('web', R1, R2, goodSpec());
    c.start();
    time.advance(5_000);
    await c.stop();
    expect(store.activeRollout('web')?.version).toBe(2);
    expect(time.pendingCount).toBe(0);
  });
});
