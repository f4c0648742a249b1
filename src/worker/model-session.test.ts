// ModelSession against a real third-party model: Silero VAD, as shipped in @ricky0123/vad-web.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError, ModelSession } from './model-session.js';
import type { DecodedInput } from './validate-request.js';

const SILERO = fileURLToPath(new URL('../../node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx', import.meta.url));

function sileroInputs(batch: number, sequence: number): DecodedInput[] {
  return [
    { name: 'input', type: 'float32', dims: [batch, sequence], data: Float32Array.from({ length: batch * sequence }, (_, i) => Math.sin(i / 7) * 0.3) },
    { name: 'sr', type: 'int64', dims: [], data: new BigInt64Array([16000n]) },
    { name: 'h', type: 'float32', dims: [2, batch, 64], data: new Float32Array(2 * batch * 64) },
    { name: 'c', type: 'float32', dims: [2, batch, 64], data: new Float32Array(2 * batch * 64) },
  ];
}

let session: ModelSession;
let dir: string;

beforeAll(async () => {
  session = await ModelSession.load(SILERO);
  dir = await mkdtemp(join(tmpdir(), 'rollcast-worker-'));
});
afterAll(async () => {
  await session.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ModelSession with Silero VAD', () => {
  it('exposes the OIP signature', () => {
    expect(session.signature).toEqual({
      inputs: [
        { name: 'input', datatype: 'FP32', shape: [-1, -1] },
        { name: 'sr', datatype: 'INT64', shape: [] },
        { name: 'h', datatype: 'FP32', shape: [2, -1, 64] },
        { name: 'c', datatype: 'FP32', shape: [2, -1, 64] },
      ],
      outputs: [
        { name: 'output', datatype: 'FP32', shape: [-1, 1] },
        { name: 'hn', datatype: 'FP32', shape: [2, -1, 64] },
        { name: 'cn', datatype: 'FP32', shape: [2, -1, 64] },
      ],
    });
    expect(session.spec.inputs[0]!.dimNames).toEqual(['batch', 'sequence']);
  });

  it('warms up on zeros (sequence = 1 fails inside the graph; the plan grows it)', async () => {
    expect(await session.warmUp()).toBeGreaterThan(0);
  });

  it('runs a batch and returns every output, or only the requested ones', async () => {
    const all = await session.run(sileroInputs(2, 512));
    expect(all.map((o) => [o.name, o.type, o.dims])).toEqual([
      ['output', 'float32', [2, 1]],
      ['hn', 'float32', [2, 2, 64]],
      ['cn', 'float32', [2, 2, 64]],
    ]);
    const p = (all[0]!.data as Float32Array)[0]!;
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThanOrEqual(1);
    const some = await session.run(sileroInputs(1, 512), ['cn', 'output']);
    expect(some.map((o) => [o.name, o.dims])).toEqual([['cn', [2, 1, 64]], ['output', [1, 1]]]);
  });

  it('rejects with ORT’s message when the graph cannot run the input', async () => {
    await expect(session.run(sileroInputs(1, 4))).rejects.toThrow(/^Non-zero status code returned while running If node/);
  });
});

describe('ModelSession.load errors name the path', () => {
  it('missing file', async () => {
    const path = join(dir, 'nope.onnx');
    const error = await ModelSession.load(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error).toMatchObject({ name: 'ModelLoadError', path });
    expect((error as Error).message).toMatch(new RegExp(`^model file "${path}" cannot be read: ENOENT`));
  });

  it('a directory', async () => {
    await expect(ModelSession.load(dir)).rejects.toThrow(`model path "${dir}" is not a file`);
  });

  it('not an ONNX model', async () => {
    const path = join(dir, 'model.onnx');
    await writeFile(path, '{"this": "is json"}');
    await expect(ModelSession.load(path)).rejects.toThrow(new RegExp(`^"${path}" is not a loadable ONNX model: .+`));
  });

  it('a truncated ONNX file', async () => {
    const path = join(dir, 'truncated.onnx');
    const bytes = await readFile(SILERO);
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = await ModelSession.load(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as Error).message).toMatch(new RegExp(`^"${path}" is not a loadable ONNX model: `));
  });
});
