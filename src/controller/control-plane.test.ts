// The control plane's serialization of the autoscaler's scale with manual ones, on a fake
// target and a real in-memory store (no workers: the target only records what it is told).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControlPlane } from './control-plane.js';
import { ManualTime } from './clock.js';
import { Gateway } from '../serving/gateway.js';
import { parseDeploymentSpec } from '../spec/index.js';
import type { RevisionId } from '../spec/units.js';
import { openStore } from '../store/index.js';
import type { Target } from '../targets/target.js';

const SPEC = `apiVersion: rollcast.dev/v1alpha1
kind: ModelDeployment
metadata: { name: web }
spec:
  model: { name: web-model, version: "1", uri: ./m.onnx }
  scaling: { replicas: 2, minReplicas: 1, maxReplicas: 10 }`;

describe('ControlPlane.applyReplicas', () => {
  it('a manual scale queued ahead of the autoscaler’s scale wins in the target as in the store', async () => {
    const time = new ManualTime(Date.UTC(2026, 10, 2));
    const store = openStore(':memory:', { clock: () => time.now() });
    const parsed = parseDeploymentSpec(SPEC);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    store.applyRevision({ deployment: 'web', spec: parsed.raw, modelDigest: 'a'.repeat(64), modelPath: '/m.onnx', desiredReplicas: 2 });
    const scaled: [RevisionId, number][] = [];
    const target: Target = {
      ensure: () => Promise.resolve(),
      scale: (id, n) => {
        scaled.push([id, n]);
        return Promise.resolve();
      },
      retire: () => Promise.resolve(),
      status: () => Promise.resolve([]),
      close: () => Promise.resolve(),
    };
    const cp = new ControlPlane({ store, gateway: new Gateway({ scheduler: time }), target, dataDir: '/nonexistent' });
    // `rollcast scale web 4` is queued; before it runs, the autoscaler records 8 and queues
    // its half. The scale then writes 4 (the last word in the store); the autoscaler's half,
    // running after it, must not put the target at 8.
    const manual = cp.scale('web', 4);
    store.recordDecision({ deployment: 'web', previous: 2, replicas: 8, act: true, body: {}, plannerState: {}, reason: 'autoscaler: reactive' });
    const auto = cp.applyReplicas('web', 8);
    await Promise.all([manual, auto]);
    expect(store.getDeployment('web').desiredReplicas).toBe(4);
    expect(scaled).toEqual([
      ['web-r1', 4],
      ['web-r1', 4],
    ]);
  });
});

describe('ControlPlane with rollout hooks', () => {
  const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;
  const spec = (version: string, rollout: boolean): string =>
    [
      'apiVersion: rollcast.dev/v1alpha1',
      'kind: ModelDeployment',
      'metadata: { name: web }',
      'spec:',
      `  model: { name: web-model, version: "${version}", uri: ./models/penguins-v${version}.onnx }`,
      '  scaling: { replicas: 2, minReplicas: 1, maxReplicas: 10 }',
      ...(rollout ? ['  rollout: { strategy: canary, steps: [ { setWeight: 20 }, { pause: { duration: 1m } } ] }'] : []),
      '',
    ].join('\n');

  async function rig() {
    const time = new ManualTime(Date.UTC(2026, 10, 2));
    const store = openStore(':memory:', { clock: () => time.now() });
    const scaled: [RevisionId, number][] = [];
    const target: Target = {
      ensure: () => Promise.resolve(),
      scale: (id, n) => {
        scaled.push([id, n]);
        return Promise.resolve();
      },
      retire: () => Promise.resolve(),
      status: () => Promise.resolve([]),
      close: () => Promise.resolve(),
    };
    const begun: unknown[][] = [];
    let active = false;
    const dataDir = await mkdtemp(join(tmpdir(), 'rollcast-cp-'));
    const gateway = new Gateway({ scheduler: time });
    const cp = new ControlPlane({ store, gateway, target, dataDir });
    cp.attachRollouts({
      active: () => active,
      begin: (...args) => {
        begun.push(args);
        active = true;
      },
    });
    const apply = (text: string) => cp.apply({ specText: text, specPath: join(EXAMPLES, 'spec.yaml') });
    return { store, scaled, begun, gateway, cp, apply };
  }

  it('a new revision whose spec has a rollout section starts a rollout: no replicas, no traffic, and the control plane stops sizing the revisions', async () => {
    const r = await rig();
    await r.apply(spec('1', false));
    await r.apply(spec('2', true));
    expect(r.begun).toEqual([['web', 'web-r1', 'web-r2', expect.objectContaining({ strategy: 'canary' }) as unknown]]);
    expect(r.scaled).toEqual([
      ['web-r1', 2],
      ['web-r2', 0],
    ]);
    expect(r.gateway.routes.model('web-model')?.revisions.get('web-r1' as RevisionId)?.weight).toBe(100);
    // The autoscaler's and a manual scale leave the target to the rollout controller.
    r.store.recordDecision({ deployment: 'web', previous: 2, replicas: 5, act: true, body: {}, plannerState: {}, reason: 'autoscaler: reactive' });
    await r.cp.applyReplicas('web', 5);
    await r.cp.scale('web', 3);
    expect(r.scaled).toHaveLength(2);
    expect(r.store.getDeployment('web').desiredReplicas).toBe(3);
  });

  it('without a rollout section the new revision replaces the old one once ready, as before', async () => {
    const r = await rig();
    await r.apply(spec('1', false));
    await r.apply(spec('2', false));
    expect(r.begun).toEqual([]);
    expect(r.scaled).toEqual([
      ['web-r1', 2],
      ['web-r2', 2],
    ]);
  });

  it('undo applies the revision before the serving one again, from its kept model, as a new revision', async () => {
    const r = await rig();
    await r.apply(spec('1', false));
    await r.apply(spec('2', true)); // r2 rolls out; r1 still serves
    expect(r.store.getDeployment('web').servingRevision).toBe('web-r1');
    await expect(r.cp.undo('web')).rejects.toThrow('web has no revision before web-r1 to go back to');
    await expect(r.cp.undo('web', 7)).rejects.toThrow('web has no revision 7 (revisions: 1, 2)');
    await expect(r.cp.undo('web', 1)).rejects.toThrow('web-r1 is already the serving revision of web');
    const outcome = await r.cp.undo('web', 2);
    expect(outcome.revision).toMatchObject({ id: 'web-r3', number: 3, modelDigest: r.store.getRevision('web-r2' as RevisionId).modelDigest });
    // Same spec and model as r2 apart from where the model is read from: a rollout of r3 against r1.
    expect(r.begun.at(-1)?.slice(0, 3)).toEqual(['web', 'web-r1', 'web-r3']);
  });
});
