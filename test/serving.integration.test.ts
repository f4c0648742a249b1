// End to end on 127.0.0.1 with real worker processes: apply the demo spec, infer through the
// gateway, every bad-input class, metadata and health, metrics, and OIP schema conformance.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rollcast } from '../src/controller/start.js';
import { admin, EXAMPLES, http, penguinRequest, readyReplicas, startTestRollcast, tempDir } from './helpers/harness.js';
import { oipValidator } from './helpers/oip-schema.js';

let rc: Rollcast;
let dir: Awaited<ReturnType<typeof tempDir>>;
const validate = oipValidator();

beforeAll(async () => {
  dir = await tempDir();
  rc = await startTestRollcast(dir.path);
  const specPath = join(EXAMPLES, 'penguins.yaml');
  const applied = await http(rc.url, 'POST', '/api/v1/deployments', { specText: await readFile(specPath, 'utf8'), specPath }, admin);
  expect(applied.status).toBe(201);
  await readyReplicas(rc, 'penguins-r1', 2);
});

afterAll(async () => {
  await rc?.close();
  await dir?.remove();
});

describe('inference through the gateway', () => {
  it('classifies a penguin and answers in OIP form', async () => {
    const res = await http(rc.url, 'POST', '/v2/models/penguins/infer', { id: 'req-1', ...(penguinRequest([[39.1, 18.7, 181, 3750], [46.5, 14.5, 213, 4400]]) as object) });
    expect(res.status).toBe(200);
    expect(validate('inference_response', res.json)).toEqual([]);
    const body = res.json as { model_name: string; model_version: string; id: string; outputs: { name: string; shape: number[]; data: number[] }[] };
    expect(body).toMatchObject({ model_name: 'penguins', model_version: '1', id: 'req-1' });
    const label = body.outputs.find((o) => o.name === 'label');
    // An Adelie (short bill, deep) and a Gentoo (long flipper, heavy): classes 0 and 2.
    expect(label).toMatchObject({ shape: [2], data: [0, 2] });
    const probs = body.outputs.find((o) => o.name === 'probabilities');
    expect(probs?.shape).toEqual([2, 3]);
    expect(res.headers['x-rollcast-revision']).toBe('penguins-r1');
    expect(String(res.headers['x-rollcast-replica'])).toMatch(/^penguins-r1-\d+$/);
  });

  it('pins a version in the URL', async () => {
    const ok = await http(rc.url, 'POST', '/v2/models/penguins/versions/1/infer', penguinRequest());
    expect(ok.status).toBe(200);
  });

  it('spreads requests over both replicas', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await http(rc.url, 'POST', '/v2/models/penguins/infer', penguinRequest());
      seen.add(String(res.headers['x-rollcast-replica']));
    }
    expect(seen.size).toBe(2);
  });
});

describe('bad input gets the right status and names the problem', () => {
  const cases: { name: string; path?: string; body: unknown; status: number; error: RegExp }[] = [
    { name: 'malformed JSON', body: '{"inputs": [', status: 400, error: /JSON/i },
    { name: 'body not an object', body: '[1,2]', status: 400, error: /object/i },
    { name: 'unknown model', path: '/v2/models/nope/infer', body: penguinRequest(), status: 404, error: /unknown model "nope".*penguins/ },
    { name: 'unknown version', path: '/v2/models/penguins/versions/9/infer', body: penguinRequest(), status: 404, error: /no version "9".*serving: 1/ },
    {
      name: 'wrong input name',
      body: { inputs: [{ name: 'featurez', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] },
      status: 400,
      error: /featurez.*features/,
    },
    {
      name: 'wrong datatype',
      body: { inputs: [{ name: 'features', shape: [1, 4], datatype: 'INT64', data: [1, 2, 3, 4] }] },
      status: 400,
      error: /"features".*FP32.*INT64/,
    },
    {
      name: 'wrong shape',
      body: { inputs: [{ name: 'features', shape: [1, 5], datatype: 'FP32', data: [1, 2, 3, 4, 5] }] },
      status: 400,
      error: /"features".*\[1,5\].*4/,
    },
    {
      name: 'element count does not match shape',
      body: { inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] },
      status: 400,
      error: /"features".*4 values.*8/,
    },
    {
      name: 'non-finite value',
      body: '{"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32","data":[1,1e999,3,4]}]}',
      status: 400,
      error: /"features".*not finite/,
    },
  ];
  it.each(cases)('$name → $status', async ({ path, body, status, error }) => {
    const res = await http(rc.url, 'POST', path ?? '/v2/models/penguins/infer', body);
    expect(res.status).toBe(status);
    const err = (res.json as { error?: string }).error ?? '';
    expect(err).toMatch(error);
    expect(validate('inference_error_response', res.json)).toEqual([]);
  });

  it('oversize body → 413 naming the limit', async () => {
    const huge = JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: new Array(1_200_000).fill(1.5) }] });
    const res = await http(rc.url, 'POST', '/v2/models/penguins/infer', huge);
    expect(res.status).toBe(413);
    expect((res.json as { error: string }).error).toMatch(/exceeds the limit of \d+ bytes/);
  });

  it('wrong method → 405, unknown path → 404', async () => {
    expect((await http(rc.url, 'GET', '/v2/models/penguins/infer')).status).toBe(405);
    const res = await http(rc.url, 'GET', '/v2/nothing/here');
    expect(res.status).toBe(404);
    expect((res.json as { error: string }).error).toMatch(/no route/);
  });
});

describe('metadata, health and metrics', () => {
  it('serves server and model metadata that match the OIP schemas', async () => {
    const server = await http(rc.url, 'GET', '/v2');
    expect(server.status).toBe(200);
    expect(validate('metadata_server_response', server.json)).toEqual([]);
    const model = await http(rc.url, 'GET', '/v2/models/penguins');
    expect(model.status).toBe(200);
    expect(validate('metadata_model_response', model.json)).toEqual([]);
    expect(model.json).toMatchObject({
      name: 'penguins',
      versions: ['1'],
      platform: 'onnxruntime',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
    });
    expect((await http(rc.url, 'GET', '/v2/models/penguins/versions/1')).status).toBe(200);
  });

  it('reports live and ready', async () => {
    expect((await http(rc.url, 'GET', '/v2/health/live')).status).toBe(200);
    expect((await http(rc.url, 'GET', '/v2/health/ready')).status).toBe(200);
    expect((await http(rc.url, 'GET', '/v2/models/penguins/ready')).status).toBe(200);
    expect((await http(rc.url, 'GET', '/v2/models/penguins/versions/1/ready')).status).toBe(200);
  });

  it('exports per-revision Prometheus metrics', async () => {
    await http(rc.url, 'POST', '/v2/models/penguins/infer', penguinRequest());
    const res = await http(rc.url, 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/rollcast_requests_total\{deployment="penguins",revision="penguins-r1",code="200"\} [1-9]\d*/);
    expect(res.text).toMatch(/rollcast_request_errors_total\{deployment="penguins",revision="penguins-r1",reason="bad_request"\} [1-9]/);
    expect(res.text).toMatch(/rollcast_request_duration_seconds_bucket\{le="0.005",deployment="penguins",revision="penguins-r1"\} \d+/);
    expect(res.text).toMatch(/rollcast_ready_replicas\{deployment="penguins",revision="penguins-r1"\} 2/);
    expect(res.text).toMatch(/rollcast_requests_in_flight\{deployment="penguins",revision="penguins-r1"\} 0/);
  });
});
