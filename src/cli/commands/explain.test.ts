import { afterEach, describe, expect, it } from 'vitest';
import { capture, startFakeAdmin, type FakeAdmin, type Routes } from '../../../test/cli-live-fake-admin.js';
import type { DecisionRecord, DecisionsView } from '../../api/autoscaling-views.js';
import { millis } from '../../spec/units.js';
import { CliError } from '../errors.js';
import { checkLimit, decisionsPath, describeDecision, explain } from './explain.js';

const T = Date.UTC(2026, 10, 28, 14, 3);

async function cliError(p: Promise<unknown> | (() => unknown)): Promise<CliError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error('expected a CliError');
}

const scaledUp: DecisionRecord = {
  id: 7,
  ts: T,
  deployment: 'web',
  previous: 8,
  decision: {
    replicas: 10,
    predictive: 10,
    reactive: 11,
    changed: true,
    because: [
      { source: 'forecast', q: 0.9, at: millis(T + 120_000), load: 1340, perReplica: 140, replicas: 10, bufferMs: 120_000, windowEnd: millis(T + 130_000) },
      { source: 'reactive', observed: 1500, perReplica: 140, ratio: 1.34, replicas: 11, observedPerReplica: 187.5 },
      { source: 'bounds', min: 1, max: 10, unclamped: 11, replicas: 10 },
    ],
  },
  observed: { load: 1500, readyReplicas: 8, currentReplicas: 8 },
};
const held: DecisionRecord = {
  id: 8,
  ts: T + 10_000,
  deployment: 'web',
  previous: 10,
  decision: { replicas: 10, changed: false, because: [{ source: 'no-forecast', why: 'need 1d of history, have 3h' }, { source: 'tolerance', ratio: 1.02, tolerance: 0.1 }] },
  observed: { load: 1430, readyReplicas: 8, currentReplicas: 10 },
};

describe('pure parts', () => {
  it('describes a change and a hold, with every reason', () => {
    expect(describeDecision(scaledUp, 'rps')).toEqual([
      '2026-11-28T14:03:00Z  8 → 10 replicas  (predictive 10, reactive 11)',
      '  observed 1 500 req/s on 8 ready of 8 replicas',
      '  - forecast q0.9: 1 340 req/s at 14:05 (highest over the next 2m10s, buffer 2m) ÷ 140 req/s per replica → 10 replicas',
      '  - reactive: observed 1 500 req/s (188 req/s per replica) against a target of 140 req/s per replica, ratio 1.34 → 11 replicas',
      '  - bounds: 11 is outside [1, 10] → 10 replicas',
    ]);
    expect(describeDecision(held, undefined)).toEqual([
      '2026-11-28T14:03:10Z  held at 10',
      '  observed 1 430 on 8 ready of 10 replicas',
      '  - no forecast: need 1d of history, have 3h',
      '  - tolerance: ratio 1.02 is within ±10 % of the target, so no reactive change',
    ]);
  });

  it('names the request rate beside CPU load', () => {
    const cpu: DecisionRecord = { ...held, observed: { load: 72, rps: 640, readyReplicas: 5, currentReplicas: 5 } };
    expect(describeDecision(cpu, 'cpu')[1]).toBe('  observed 72 % CPU (640 req/s) on 5 ready of 5 replicas');
  });

  it.each([
    [{ limit: 20 }, '/api/v1/deployments/web/decisions?limit=20'],
    [{ limit: 5, changed: true }, '/api/v1/deployments/web/decisions?limit=5&changed=true'],
  ])('decisionsPath(%j)', (o, path) => expect(decisionsPath('web', o)).toBe(path));

  it.each([0, -1, 1001, 2.5])('rejects --limit %d', async (n) => {
    const err = await cliError(() => checkLimit(n));
    expect(err.message).toBe(`--limit ${n} must be a whole number from 1 to 1000`);
    expect(err.exitCode).toBe(2);
  });
});

describe('rollcast explain NAME (fake admin API)', () => {
  let fake: FakeAdmin;
  afterEach(() => fake?.close());
  const view = (decisions: DecisionRecord[]): DecisionsView => ({ deployment: 'web', decisions });
  const routes = (decisions: DecisionRecord[], over: Routes = {}): Routes => ({
    'GET /api/v1/deployments/web/decisions': { json: view(decisions) },
    'GET /api/v1/deployments/web': { json: { spec: { spec: { scaling: { target: { metric: 'rps' } } } } } },
    ...over,
  });

  it('prints each decision with its reasons, oldest first, in the metric unit', async () => {
    fake = await startFakeAdmin(routes([scaledUp, held]));
    const out = capture();
    await explain(fake.api, 'web', { limit: 20 }, out.print);
    expect(out.text).toBe(
      [
        'decisions of web, oldest first (2):',
        '',
        ...describeDecision(scaledUp, 'rps'),
        '',
        ...describeDecision(held, 'rps'),
        '',
      ].join('\n'),
    );
    expect(fake.received.map((r) => r.url)).toContain('/api/v1/deployments/web/decisions?limit=20');
  });

  it('--changed --limit 1 asks for that and says more exist', async () => {
    fake = await startFakeAdmin(routes([scaledUp]));
    const out = capture();
    await explain(fake.api, 'web', { limit: 1, changed: true }, out.print);
    expect(fake.received.map((r) => r.url)).toContain('/api/v1/deployments/web/decisions?limit=1&changed=true');
    expect(out.text.split('\n')[0]).toBe('decisions that changed the replica count of web, oldest first (1, the last 1: --limit shows more):');
  });

  it('no decisions yet is not an error', async () => {
    fake = await startFakeAdmin(routes([]));
    const out = capture();
    await explain(fake.api, 'web', { limit: 20 }, out.print);
    expect(out.text).toBe('no decisions recorded for web yet\n');
  });

  it('--json prints the view as the server sent it', async () => {
    fake = await startFakeAdmin(routes([held]));
    const out = capture();
    await explain(fake.api, 'web', { limit: 20, json: true }, out.print);
    expect(JSON.parse(out.text)).toEqual(view([held]));
  });

  it('loads without a unit when the deployment cannot be read', async () => {
    fake = await startFakeAdmin(routes([held], { 'GET /api/v1/deployments/web': { status: 500, json: { error: 'boom' } } }));
    const out = capture();
    await explain(fake.api, 'web', { limit: 20 }, out.print);
    expect(out.text).toMatch(/^ {2}observed 1 430 on 8 ready of 10 replicas$/m);
  });

  it('an unknown deployment is the server’s error; a bad --limit never reaches it', async () => {
    fake = await startFakeAdmin({ 'GET /api/v1/deployments/nope/decisions': { status: 404, json: { error: 'deployment "nope" not found' } } });
    const err = await cliError(explain(fake.api, 'nope', { limit: 20 }, capture().print));
    expect(err.message).toBe('GET /api/v1/deployments/nope/decisions?limit=20 failed with 404: deployment "nope" not found');
    expect(err.exitCode).toBe(1);
    const before = fake.received.length;
    expect((await cliError(explain(fake.api, 'nope', { limit: 0 }, capture().print))).exitCode).toBe(2);
    expect(fake.received.length).toBe(before);
  });
});
