// The gateway records every infer request into its analysis sampler (issue 5): real HTTP
// requests through the gateway to fake replicas, then `gateway.analysis.window(...)` for
// the baseline and the canary over the same interval. The sampler's clock is a fake the
// test moves; latencies are real (performance.now), so only their count and range are checked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windowProblems } from '../src/analysis/window.js';
import { ManualTime } from '../src/controller/clock.js';
import { Gateway } from '../src/serving/gateway.js';
import { FakeReplica, nextArrival } from './helpers/fake-replica.js';
import { GatewayClient, rev, revisionSpec, serveGateway, type GatewayServer, type Reply } from './helpers/gateway-fixture.js';

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;
let t = T0 + 100;
const gateway = new Gateway({ scheduler: new ManualTime(), now: () => t });
let server: GatewayServer;
let client: GatewayClient;
let baseline: FakeReplica;
let canary: FakeReplica;

const BASELINE = rev('penguins', 1);
const CANARY = rev('penguins', 2);

beforeAll(async () => {
  server = await serveGateway(gateway);
  client = new GatewayClient(server.url);
  gateway.routes.upsertRevision(revisionSpec('penguins', { n: 1, version: '1' }));
  gateway.routes.upsertRevision(revisionSpec('penguins', { n: 2, version: '2' }));
  gateway.routes.setWeights('penguins', new Map([[BASELINE, 90], [CANARY, 10]]));
  [baseline, canary] = await Promise.all([FakeReplica.start('penguins-a', 'hold'), FakeReplica.start('penguins-b', 'hold')]);
  gateway.replicaReady(BASELINE, baseline.endpoint);
  gateway.replicaReady(CANARY, canary.endpoint);
});

afterAll(async () => {
  await client?.close();
  await server?.close();
  await Promise.all([baseline?.close(), canary?.close()]);
});

const probabilities = (...p: number[]) => ({
  model_name: 'penguins',
  model_version: '1',
  outputs: [
    { name: 'probabilities', datatype: 'FP32', shape: [1, p.length], data: p },
    { name: 'label', datatype: 'INT64', shape: [1], data: [p.indexOf(Math.max(...p))] },
  ],
});

/** One request pinned to `revision`, answered by `replica` with `status` and `body`. */
async function exchange(revision: string, replica: FakeReplica, status: number, body: unknown): Promise<Reply> {
  const reply = client.infer('penguins', { headers: { 'x-rollcast-revision': revision } });
  (await nextArrival(replica)).respond(status, body);
  return reply;
}

describe('gateway.analysis', () => {
  it('counts requests, errors, latencies and predictions per revision over [from, to)', async () => {
    // Baseline: three answers (classes 0, 2, 2), a model error, a client error.
    expect((await exchange(BASELINE, baseline, 200, probabilities(0.7, 0.2, 0.1))).status).toBe(200);
    expect((await exchange(BASELINE, baseline, 200, probabilities(0.1, 0.2, 0.7))).status).toBe(200);
    t = T0 + 30_000;
    expect((await exchange(BASELINE, baseline, 200, probabilities(0.1, 0.1, 0.8))).status).toBe(200);
    expect((await exchange(BASELINE, baseline, 500, { error: 'model failed' })).status).toBe(500);
    expect((await exchange(BASELINE, baseline, 400, { error: 'bad input' })).status).toBe(400);
    // Canary: one answer (class 1) and one whose body has no outputs (no prediction).
    expect((await exchange(CANARY, canary, 200, probabilities(0.1, 0.8, 0.1))).status).toBe(200);
    expect((await exchange(CANARY, canary, 200, { outputs: [] })).status).toBe(200);
    // The next minute: outside the window asked for below.
    t = T0 + MINUTE;
    expect((await exchange(BASELINE, baseline, 200, probabilities(1, 0, 0))).status).toBe(200);

    const base = gateway.analysis.window(BASELINE, T0, T0 + MINUTE);
    expect(base).toMatchObject({ requests: 5, errors: 1, predictions: [0, 2, 2] });
    expect(base.latenciesMs).toHaveLength(5);
    for (const ms of base.latenciesMs) {
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThan(10_000);
    }
    expect(windowProblems(base)).toEqual([]);

    const can = gateway.analysis.window(CANARY, T0, T0 + MINUTE);
    expect(can).toMatchObject({ requests: 2, errors: 0, predictions: [1] });
    expect(can.latenciesMs).toHaveLength(2);

    expect(gateway.analysis.window(BASELINE, T0 + MINUTE, T0 + 2 * MINUTE)).toMatchObject({ requests: 1, errors: 0, predictions: [0] });
  });

  it('a revision the control plane removes takes its samples with it', () => {
    expect(gateway.analysis.revisions().sort()).toEqual([BASELINE, CANARY].sort());
    gateway.routes.removeRevision(CANARY);
    expect(gateway.analysis.revisions()).toEqual([BASELINE]);
    expect(gateway.analysis.window(CANARY, T0, T0 + MINUTE)).toEqual({ requests: 0, errors: 0, latenciesMs: [], predictions: [] });
    expect(gateway.analysis.window(BASELINE, T0, T0 + MINUTE).requests).toBe(5);
  });
});
