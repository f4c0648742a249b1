// The control plane's serialization of the autoscaler's scale with manual ones, on a fake
// target and a real in-memory store (no workers: the target only records what it is told).
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
