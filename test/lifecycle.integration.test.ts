// Replica and deployment lifecycle with real worker processes: a worker killed under load
// (no client sees an error, the replica is replaced), bad models refused at apply while the
// serving revision keeps serving, a new revision taking over, manual scaling, auth, and a
// control plane restart that brings everything back from the store.

import { copyFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rollcast } from '../src/controller/start.js';
import { openStore } from '../src/store/index.js';
import { admin, EXAMPLES, http, penguinRequest, readyReplicas, startTestRollcast, tempDir } from './helpers/harness.js';

let rc: Rollcast;
let dir: Awaited<ReturnType<typeof tempDir>>;
let specDir: string;

/** A spec for deployment `penguins` in a folder of its own, with model file `model.onnx`. */
function spec(opts: { version?: string; replicas?: number; sha256?: string; max?: number } = {}): string {
  return [
    'apiVersion: rollcast.dev/v1alpha1',
    'kind: ModelDeployment',
    'metadata: { name: penguins }',
    'spec:',
    `  model: { name: penguins, version: "${opts.version ?? '1'}", uri: ./model.onnx${opts.sha256 ? `, sha256: "${opts.sha256}"` : ''} }`,
    `  scaling: { replicas: ${opts.replicas ?? 2}, minReplicas: 1, maxReplicas: ${opts.max ?? 4}, target: { metric: rps, valuePerReplica: 100 } }`,
    '',
  ].join('\n');
}

async function apply(text: string, token = admin) {
  const specPath = join(specDir, 'spec.yaml');
  await writeFile(specPath, text);
  return http(rc.url, 'POST', '/api/v1/deployments', { specText: text, specPath }, token);
}

beforeAll(async () => {
  dir = await tempDir();
  specDir = (await tempDir('rollcast-spec-')).path;
  await copyFile(join(EXAMPLES, 'models', 'penguins-v1.onnx'), join(specDir, 'model.onnx'));
  rc = await startTestRollcast(join(dir.path, 'data'));
  expect((await apply(spec())).status).toBe(201);
  await readyReplicas(rc, 'penguins-r1', 2);
});

afterAll(async () => {
  await rc?.close();
  await dir?.remove();
});

describe('a worker killed under load', () => {
  it('costs no client an error, and the replica is replaced', async () => {
    const TOTAL = 400;
    const CONCURRENCY = 8;
    const statuses: number[] = [];
    let sent = 0;
    let killed = false;
    const victim = (await rc.target.status()).find((r) => r.revisionId === 'penguins-r1' && r.phase === 'ready');
    expect(victim?.pid).toBeTypeOf('number');
    const loop = async () => {
      while (sent < TOTAL) {
        sent++;
        if (!killed && sent === 100) {
          killed = true;
          process.kill(victim?.pid ?? 0, 'SIGKILL');
        }
        statuses.push((await http(rc.url, 'POST', '/v2/models/penguins/infer', penguinRequest())).status);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, loop));
    expect(statuses).toHaveLength(TOTAL);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await rc.target.waitUntil((all) => all.some((r) => r.replicaId === victim?.replicaId && r.phase === 'ready' && r.restarts === 1));
    await readyReplicas(rc, 'penguins-r1', 2);
    const events = await http(rc.url, 'GET', '/api/v1/events?deployment=penguins');
    const types = (events.json as { events: { type: string }[] }).events.map((e) => e.type);
    expect(types).toContain('replica.crashed');
  });
});

describe('apply', () => {
  it('needs the admin token', async () => {
    const res = await apply(spec(), { authorization: 'Bearer wrong-token-wrong-token' });
    expect(res.status).toBe(401);
    expect((res.json as { error: string }).error).toMatch(/Bearer/);
  });

  it('cannot be dodged with a percent-encoded admin path', async () => {
    const res = await http(rc.url, 'DELETE', '/%61pi/v1/deployments/penguins');
    expect(res.status).toBe(401);
    expect((await http(rc.url, 'GET', '/api/v1/deployments/penguins')).status).toBe(200);
  });

  it('refuses to change the model name of a deployment (409)', async () => {
    const res = await apply(spec().replace('name: penguins,', 'name: penguins-renamed,'));
    expect(res.status).toBe(409);
    expect((res.json as { error: string }).error).toMatch(/deployment "penguins" serves model "penguins"/);
  });

  it('deleting an already deleted deployment leaves the deployment that took its model name alone', async () => {
    const mk = (deployment: string) =>
      spec({ replicas: 1 }).replace('name: penguins }', `name: ${deployment} }`).replace('name: penguins,', 'name: shared-model,');
    expect((await apply(mk('first'))).status).toBe(201);
    await readyReplicas(rc, 'first-r1', 1);
    expect((await http(rc.url, 'DELETE', '/api/v1/deployments/first', undefined, admin)).status).toBe(200);
    expect((await apply(mk('second'))).status).toBe(201);
    await readyReplicas(rc, 'second-r1', 1);
    expect((await http(rc.url, 'DELETE', '/api/v1/deployments/first', undefined, admin)).status).toBe(200);
    const served = await http(rc.url, 'POST', '/v2/models/shared-model/infer', penguinRequest());
    expect(served.status).toBe(200);
    expect(served.headers['x-rollcast-revision']).toBe('second-r1');
    expect((await http(rc.url, 'DELETE', '/api/v1/deployments/second', undefined, admin)).status).toBe(200);
  });

  it('reports every spec problem at once with its path', async () => {
    const res = await apply(spec({ replicas: 2, max: 0 }).replace('kind: ModelDeployment', 'kind: Deployment'));
    expect(res.status).toBe(400);
    const body = res.json as { error: string; issues: { path: string }[] };
    expect(body.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['kind', 'spec.scaling.maxReplicas']));
  });

  it.each([
    ['a missing model', async () => apply(spec().replace('./model.onnx', './missing.onnx')), /missing\.onnx does not exist/],
    ['a corrupt model', async () => {
      await writeFile(join(specDir, 'corrupt.onnx'), Buffer.from('this is not a protobuf model at all'));
      return apply(spec().replace('./model.onnx', './corrupt.onnx'));
    }, /not a valid ONNX model/],
    ['a sha256 mismatch', async () => apply(spec({ sha256: 'a'.repeat(64) })), /sha256 [0-9a-f]{64}, but spec\.model\.sha256 is a{64}/],
  ])('refuses %s with 422, and the serving revision keeps serving', async (_name, act, message) => {
    const res = await act();
    expect(res.status).toBe(422);
    expect((res.json as { error: string }).error).toMatch(message);
    const deployments = (await http(rc.url, 'GET', '/api/v1/deployments')).json as { deployments: { activeRevision: string }[] };
    expect(deployments.deployments.map((d) => d.activeRevision)).toEqual(['penguins-r1']);
    expect((await http(rc.url, 'POST', '/v2/models/penguins/infer', penguinRequest())).status).toBe(200);
  });

  it('re-applying the same spec changes nothing', async () => {
    const res = await apply(spec());
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ changed: false, revision: { id: 'penguins-r1' } });
  });

  it('a new model version takes over once its replicas are ready, and the old one is retired', async () => {
    await copyFile(join(EXAMPLES, 'models', 'penguins-v2.onnx'), join(specDir, 'model.onnx'));
    const res = await apply(spec({ version: '2' }));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ changed: true, revision: { id: 'penguins-r2' } });
    await readyReplicas(rc, 'penguins-r2', 2);
    await rc.target.waitUntil((all) => all.every((r) => r.revisionId === 'penguins-r2'));
    const out = await http(rc.url, 'POST', '/v2/models/penguins/infer', penguinRequest());
    expect(out.status).toBe(200);
    expect(out.json).toMatchObject({ model_version: '2' });
  });
});

describe('scale', () => {
  it('starts more replicas and stops them again (drained)', async () => {
    const up = await http(rc.url, 'PUT', '/api/v1/deployments/penguins/replicas', { replicas: 3 }, admin);
    expect(up.status).toBe(200);
    await readyReplicas(rc, 'penguins-r2', 3);
    const view = (await http(rc.url, 'GET', '/api/v1/deployments/penguins')).json as { replicas: { warmUpMs?: number }[] };
    for (const r of view.replicas) expect(r.warmUpMs).toBeGreaterThan(0);
    expect((await http(rc.url, 'PUT', '/api/v1/deployments/penguins/replicas', { replicas: 1 }, admin)).status).toBe(200);
    await readyReplicas(rc, 'penguins-r2', 1);
  });

  it('refuses a count outside [minReplicas, maxReplicas] and unknown deployments', async () => {
    const res = await http(rc.url, 'PUT', '/api/v1/deployments/penguins/replicas', { replicas: 9 }, admin);
    expect(res.status).toBe(400);
    expect((res.json as { error: string }).error).toMatch(/replicas = 9.*maxReplicas 4/);
    expect((await http(rc.url, 'PUT', '/api/v1/deployments/nope/replicas', { replicas: 1 }, admin)).status).toBe(404);
    expect((await http(rc.url, 'PUT', '/api/v1/deployments/penguins/replicas', { replicas: 'two' }, admin)).status).toBe(400);
  });
});

describe('restarting the control plane', () => {
  it('keeps deployments and serves again; one that cannot come back does not keep the others down', async () => {
    // A second deployment whose stored model copy will be gone at restart.
    const other = join(specDir, 'other.yaml');
    await copyFile(join(EXAMPLES, 'models', 'penguins-v1.onnx'), join(specDir, 'other.onnx'));
    const otherSpec = spec().replace('name: penguins }', 'name: other }').replace('name: penguins,', 'name: other,').replace('./model.onnx', './other.onnx').replace('replicas: 2,', 'replicas: 1,');
    await writeFile(other, otherSpec);
    const applied = await http(rc.url, 'POST', '/api/v1/deployments', { specText: otherSpec, specPath: other }, admin);
    expect(applied.status).toBe(201);
    const stored = (applied.json as { revision: { modelPath: string } }).revision.modelPath;
    await readyReplicas(rc, 'other-r1', 1);
    await rc.close();
    await rm(stored);

    rc = await startTestRollcast(join(dir.path, 'data'));
    expect(rc.restoreFailures).toEqual([expect.stringMatching(/could not restore other-r1: .*does not exist|could not restore other-r1: .*ENOENT/)]);
    const list = (await http(rc.url, 'GET', '/api/v1/deployments')).json as { deployments: { name: string; activeRevision: string; desiredReplicas: number }[] };
    expect(list.deployments).toEqual([
      expect.objectContaining({ name: 'other', activeRevision: 'other-r1' }),
      expect.objectContaining({ name: 'penguins', activeRevision: 'penguins-r2', desiredReplicas: 1 }),
    ]);
    await readyReplicas(rc, 'penguins-r2', 1);
    const out = await http(rc.url, 'POST', '/v2/models/penguins/infer', penguinRequest());
    expect(out.status).toBe(200);
    expect(out.json).toMatchObject({ model_version: '2' });
    const events = (await http(rc.url, 'GET', '/api/v1/events?deployment=other')).json as { events: { type: string }[] };
    expect(events.events.map((e) => e.type)).toContain('restore.failed');
  });

  it('a restart while a newer revision was starting brings back both, and the newer one takes over once ready', async () => {
    await rc.close();
    // Record r3 as the store does at apply time: newest, not yet serving.
    const store = openStore(join(dir.path, 'data', 'rollcast.db'));
    const serving = store.getRevision(store.getDeployment('penguins').servingRevision);
    const raw = serving.spec as { spec: { model: Record<string, unknown> } };
    const spec = { ...raw, spec: { ...raw.spec, model: { ...raw.spec.model, version: '3' } } };
    const applied = store.applyRevision({ deployment: 'penguins', spec, modelDigest: serving.modelDigest, modelPath: serving.modelPath, desiredReplicas: 1 });
    expect(applied.deployment).toMatchObject({ activeRevision: 'penguins-r3', servingRevision: 'penguins-r2' });
    store.close();

    rc = await startTestRollcast(join(dir.path, 'data'));
    await rc.target.waitUntil((all) => all.length === 1 && all[0]?.revisionId === 'penguins-r3' && all[0].phase === 'ready');
    const out = await http(rc.url, 'POST', '/v2/models/penguins/infer', penguinRequest());
    expect(out.json).toMatchObject({ model_version: '3' });
    const events = ((await http(rc.url, 'GET', '/api/v1/events?deployment=penguins&limit=20')).json as { events: { type: string; revision: string }[] }).events;
    expect(events.map((e) => `${e.type} ${e.revision}`)).toEqual(expect.arrayContaining(['restored penguins-r2', 'revision.promoted penguins-r3']));
    const list = (await http(rc.url, 'GET', '/api/v1/deployments')).json as { deployments: { name: string; servingRevision: string }[] };
    expect(list.deployments.find((d) => d.name === 'penguins')?.servingRevision).toBe('penguins-r3');
  });
});
