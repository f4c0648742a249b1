// rollcast serves a real model nobody here built: Silero VAD (voice activity detection),
// the ONNX file that the npm package @ricky0123/vad-web ships. Four inputs, one of them an
// INT64 scalar and two with a symbolic `batch` dimension in the middle of the shape.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rollcast } from '../src/controller/start.js';
import { admin, http, readyReplicas, startTestRollcast, tempDir } from './helpers/harness.js';

const require = createRequire(import.meta.url);
const SILERO = join(dirname(require.resolve('@ricky0123/vad-web')), 'silero_vad_legacy.onnx');

let rc: Rollcast;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  dir = await tempDir();
  rc = await startTestRollcast(join(dir.path, 'data'));
  const specText = [
    'apiVersion: rollcast.dev/v1alpha1',
    'kind: ModelDeployment',
    'metadata: { name: vad }',
    'spec:',
    `  model: { name: silero-vad, version: "legacy", uri: "${SILERO}" }`,
    '  scaling: { replicas: 1, minReplicas: 1, maxReplicas: 2, target: { metric: concurrency, valuePerReplica: 4 } }',
    '',
  ].join('\n');
  const specPath = join(dir.path, 'vad.yaml');
  await writeFile(specPath, specText);
  const res = await http(rc.url, 'POST', '/api/v1/deployments', { specText, specPath }, admin);
  expect(res.status).toBe(201);
  await readyReplicas(rc, 'vad-r1', 1);
});

afterAll(async () => {
  await rc?.close();
  await dir?.remove();
});

/** 512 samples (32 ms at 16 kHz) of a 440 Hz tone, and zero LSTM state. */
function vadRequest(batch = 1) {
  const audio = Array.from({ length: 512 * batch }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * (i % 512)) / 16000));
  const zeros = new Array(2 * batch * 64).fill(0);
  return {
    inputs: [
      { name: 'input', shape: [batch, 512], datatype: 'FP32', data: audio },
      { name: 'sr', shape: [], datatype: 'INT64', data: [16000] },
      { name: 'h', shape: [2, batch, 64], datatype: 'FP32', data: zeros },
      { name: 'c', shape: [2, batch, 64], datatype: 'FP32', data: zeros },
    ],
  };
}

describe('Silero VAD from @ricky0123/vad-web', () => {
  it('reports the signature read from the model itself', async () => {
    const res = await http(rc.url, 'GET', '/v2/models/silero-vad');
    expect(res.json).toMatchObject({
      name: 'silero-vad',
      inputs: [
        { name: 'input', datatype: 'FP32', shape: [-1, -1] },
        { name: 'sr', datatype: 'INT64', shape: [] },
        { name: 'h', datatype: 'FP32', shape: [2, -1, 64] },
        { name: 'c', datatype: 'FP32', shape: [2, -1, 64] },
      ],
    });
  });

  it('returns a speech probability in [0, 1] and the next LSTM state', async () => {
    const res = await http(rc.url, 'POST', '/v2/models/silero-vad/infer', vadRequest(2));
    expect(res.status).toBe(200);
    const outputs = (res.json as { outputs: { name: string; shape: number[]; data: number[] }[] }).outputs;
    const prob = outputs.find((o) => o.name === 'output');
    expect(prob?.shape).toEqual([2, 1]);
    for (const p of prob?.data ?? []) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    expect(outputs.find((o) => o.name === 'hn')?.shape).toEqual([2, 2, 64]);
  });

  it('rejects a batch size that differs between inputs sharing the `batch` dimension', async () => {
    const req = vadRequest(1);
    const h = req.inputs[2];
    if (h) Object.assign(h, { shape: [2, 2, 64], data: new Array(256).fill(0) });
    const res = await http(rc.url, 'POST', '/v2/models/silero-vad/infer', req);
    expect(res.status).toBe(400);
    expect((res.json as { error: string }).error).toMatch(/"h"/);
  });
});
