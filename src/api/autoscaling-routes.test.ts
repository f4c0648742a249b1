// The autoscaling routes on Fastify's inject (no socket), with the server's error mapping, a
// real Autoscaler on an in-memory store and a manual clock.
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { Autoscaler } from '../controller/autoscaler.js';
import { ManualTime } from '../controller/clock.js';
import { parseDeploymentSpec } from '../spec/index.js';
import { openStore } from '../store/index.js';
import { registerAutoscalingRoutes } from './autoscaling-routes.js';
import { toHttpFailure } from './http-errors.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const NOW = Date.UTC(2026, 10, 20);

function app(): FastifyInstance {
  const time = new ManualTime(NOW);
  const store = openStore(':memory:', { clock: () => time.now() });
  const parsed = parseDeploymentSpec(`apiVersion: rollcast.dev/v1alpha1
kind: ModelDeployment
metadata: { name: web }
spec:
  model: { name: web-model, version: "1", uri: ./m.onnx }
  scaling: { replicas: 1, minReplicas: 1, maxReplicas: 4 }`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  store.applyRevision({ deployment: 'web', spec: parsed.raw, modelDigest: 'a'.repeat(64), modelPath: '/m.onnx', desiredReplicas: 1 });
  const autoscaler = new Autoscaler({
    store,
    load: { loadSample: () => undefined },
    replicas: { status: () => Promise.resolve([]) },
    scaler: { applyReplicas: () => Promise.resolve() },
    clock: time,
    scheduler: time,
  });
  const server = Fastify({ logger: false });
  server.setErrorHandler((err, _req, reply) => {
    const failure = toHttpFailure(err);
    void reply.status(failure.status).send(failure.body);
  });
  registerAutoscalingRoutes(server, autoscaler, store);
  return server;
}

describe('GET /api/v1/deployments/:name/history', () => {
  it('a span just over the 14-day limit is refused with the span it was, not a rounded "14 days; at most 14"', async () => {
    const res = await app().inject({ method: 'GET', url: `/api/v1/deployments/web/history?from=${NOW - 14 * DAY - MINUTE}&to=${NOW}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'query.from..to spans 14d1m, must be at most 14d per request' });
  });

  it('exactly 14 days is answered, one value per minute', async () => {
    const res = await app().inject({ method: 'GET', url: `/api/v1/deployments/web/history?from=${NOW - 14 * DAY}&to=${NOW}` });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ values: unknown[] }>().values).toHaveLength(14 * 24 * 60);
  });
});
