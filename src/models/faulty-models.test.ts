// The three faulty v3 demo models (faulty-models.ts): the committed files are exactly what
// `npm run models` builds, they have v1's signature, and each fault does what its rollout
// spec relies on, checked in onnxruntime-node on the 342 penguins and on rows like the ones
// `rollcast load` sends (each feature uniform in [0, 1), four decimals).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { psi } from '../analysis/drift.js';
import { mulberry32 } from '../spec/random.js';
import { ModelSession } from '../worker/model-session.js';
import { WorkerServer } from '../worker/server.js';
import { buildFaultyModels, DRIFT_CLASS_ORDER, errorsModelFails, type FaultKind } from './faulty-models.js';
import { ModelProto } from './onnx-schema.js';
import { demoModelsDir } from './paths.js';
import { buildDemoModels } from './penguin-models.js';
import { cleanPenguins, readPenguinRows } from './penguins-data.js';

const rawRows = readPenguinRows();
const penguins = cleanPenguins(rawRows).penguins.map((p) => p.features);
const v2Model = buildDemoModels(rawRows).models.find((m) => m.version === 2)?.model;
if (!v2Model) throw new Error('no v2 recipe');
const faulty = buildFaultyModels(v2Model);
const KINDS: readonly FaultKind[] = ['errors', 'slow', 'drift'];
const file = (kind: FaultKind): string => `penguins-v3-${kind}.onnx`;
const committed = (name: string): Buffer => readFileSync(join(demoModelsDir(), name));
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** 500 rows as cli/random-request.ts builds them: Math.round(rand() · 1e4) / 1e4 per feature. */
const rand = mulberry32(5);
const loadRows = Array.from({ length: 500 }, () => Array.from({ length: 4 }, () => Math.round(rand() * 1e4) / 1e4));

const sessions = new Map<string, ort.InferenceSession>();
beforeAll(async () => {
  // The worker's session options (model-session.ts): full graph optimization, one thread.
  const options: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: 1, executionProviders: ['cpu'], logSeverityLevel: 4 };
  for (const name of ['penguins-v1.onnx', 'penguins-v2.onnx', ...KINDS.map(file)]) sessions.set(name, await ort.InferenceSession.create(committed(name), options));
});
afterAll(async () => {
  for (const s of sessions.values()) await s.release();
});
const session = (name: string): ort.InferenceSession => sessions.get(name) as ort.InferenceSession;

interface Answer {
  probabilities: number[];
  labels: number[];
}
async function classify(name: string, rows: readonly (readonly number[])[]): Promise<Answer> {
  const features = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]);
  const out = await session(name).run({ features });
  return { probabilities: Array.from(out['probabilities']?.data as Float32Array), labels: Array.from(out['label']?.data as BigInt64Array, Number) };
}

describe.each(KINDS)('examples/models/penguins-v3-%s.onnx', (kind) => {
  it('is reproduced byte for byte by rebuilding in memory (what `npm run models` writes)', () => {
    const rebuilt = faulty.find((m) => m.kind === kind)?.bytes ?? new Uint8Array();
    expect(sha256(rebuilt)).toBe(sha256(committed(file(kind))));
  });

  it("has v1's signature, so the gateway serves it as another version of `penguins`", () => {
    const [v1, v3] = [session('penguins-v1.onnx'), session(file(kind))];
    expect(v3.inputMetadata).toEqual(v1.inputMetadata);
    expect(v3.outputMetadata).toEqual(v1.outputMetadata);
  });

  it('says which version and which fault it is in metadata_props', () => {
    const decoded = ModelProto.toObject(ModelProto.decode(committed(file(kind))), { longs: Number }) as {
      model_version: number;
      metadata_props: { key: string; value: string }[];
    };
    const meta = Object.fromEntries(decoded.metadata_props.map((e) => [e.key, e.value]));
    expect(decoded.model_version).toBe(3);
    expect(meta['rollcast.version']).toBe(`3-${kind}`);
    expect(meta['rollcast.fault']).toBeTruthy();
  });
});

describe('penguins-v3-errors.onnx', () => {
  /** Runs each row on its own, as the demo's requests come: the answer, or the error ORT raised. */
  async function oneByOne(rows: readonly (readonly number[])[]): Promise<(Answer | Error)[]> {
    const out: (Answer | Error)[] = [];
    for (const row of rows) out.push(await classify(file('errors'), [row]).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
    return out;
  }

  it.each([
    ['the 342 penguins', penguins, 57], // bill lengths ending in .8 (34 rows) or .9 (23 rows): 16.7 %
    ['500 rollcast-load rows', loadRows, 119], // bill length ≥ 0.75: 25 % expected, 23.8 % drawn
  ])('raises for exactly the rows errorsModelFails names, and answers the others as v2 does: %s', async (_, rows, failing) => {
    const answers = await oneByOne(rows);
    const raised = answers.flatMap((a, i) => (a instanceof Error ? [i] : []));
    expect(raised).toEqual(rows.flatMap((r, i) => (errorsModelFails(r) ? [i] : [])));
    expect(raised.length).toBe(failing);
    for (const a of answers) if (a instanceof Error) expect(a.message).toMatch(/Gather node.*indices element out of data bounds, idx=(8|9|10) must be within the inclusive range \[-8,7\]/);
    const ok = rows.filter((_, i) => !(answers[i] instanceof Error));
    expect((await classify(file('errors'), ok)).probabilities).toEqual((await classify('penguins-v2.onnx', ok)).probabilities);
  });

  it('mirrors the float32 arithmetic of the graph in errorsModelFails', () => {
    expect([39.1, 39.7, 39.8, 39.9, 40, 0, 0.7499, 0.75, 0.96].map((x) => errorsModelFails([x, 18, 190, 4000]))).toEqual([
      false, false, true, true, false, false, false, true, true,
    ]);
  });

  it('makes a worker answer 500 {"error": "inference failed: …"} for a failing row, 200 for another', async () => {
    const model = await ModelSession.load(join(demoModelsDir(), file('errors')));
    try {
      await model.warmUp(); // zeros: digit 0, so a replica still becomes ready
      const worker = new WorkerServer(model, { replicaId: 'r', modelName: 'penguins', modelVersion: '3-errors', maxConcurrency: 1, maxBodyBytes: 1 << 20, allowNonFinite: false });
      worker.markReady();
      const body = (row: number[]): Buffer => Buffer.from(JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: row }] }));
      const bad = await worker.infer(body([39.8, 18.7, 181, 3750]));
      expect(bad.status).toBe(500);
      expect(JSON.parse(bad.json)).toEqual({ error: expect.stringMatching(/^inference failed: .*indices element out of data bounds, idx=8/) as unknown });
      expect((await worker.infer(body([39.1, 18.7, 181, 3750]))).status).toBe(200);
    } finally {
      await model.close();
    }
  });
});

describe('penguins-v3-slow.onnx', () => {
  it("answers exactly as v2 on the penguins and on rollcast-load rows", async () => {
    for (const rows of [penguins, loadRows]) {
      expect(await classify(file('slow'), rows)).toEqual(await classify('penguins-v2.onnx', rows));
    }
  });

  it('does its busy work at run time (not folded away): a single-row run takes ≥ 5× as long as v2 (measured ~40×)', async () => {
    const row = [[39.1, 18.7, 181, 3750]];
    const median = async (name: string): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 120; i++) {
        const started = performance.now();
        await classify(name, row);
        if (i >= 20) times.push(performance.now() - started); // the first runs allocate
      }
      return times.sort((a, b) => a - b)[times.length >> 1] as number;
    };
    const [v2, slow] = [await median('penguins-v2.onnx'), await median(file('slow'))];
    expect(slow).toBeGreaterThan(5 * v2);
  });
});

describe('penguins-v3-drift.onnx', () => {
  it("answers fast and without error, with v2's Adelie and Chinstrap outputs swapped", async () => {
    const [v2, drift] = [await classify('penguins-v2.onnx', penguins), await classify(file('drift'), penguins)];
    const swapped = penguins.flatMap((_, i) => DRIFT_CLASS_ORDER.map((k) => v2.probabilities[3 * i + k]));
    expect(drift.probabilities).toEqual(swapped);
  });

  it('disagrees with v1 on ≥ 30 % of the penguins (measured 217/342 = 63 %) and moves the class shares: PSI vs v1 > 0.2', async () => {
    const [v1, drift] = [await classify('penguins-v1.onnx', penguins), await classify(file('drift'), penguins)];
    const differ = v1.labels.filter((l, i) => l !== drift.labels[i]).length;
    expect(differ / penguins.length).toBeGreaterThanOrEqual(0.3);
    expect(differ).toBe(217);
    // v1 predicts 152 Adelie, 67 Chinstrap, 123 Gentoo; drift 69 / 150 / 123.
    const count = (labels: number[]): number[] => [0, 1, 2].map((k) => labels.filter((l) => l === k).length);
    expect([count(v1.labels), count(drift.labels)]).toEqual([[152, 67, 123], [69, 150, 123]]);
    expect(psi(v1.labels, drift.labels).psi).toBeCloseTo(0.387, 3);
  });

  it('says Chinstrap for every rollcast-load row, where v1 says Adelie: PSI ≈ 18', async () => {
    const [v1, drift] = [await classify('penguins-v1.onnx', loadRows), await classify(file('drift'), loadRows)];
    expect(new Set(v1.labels)).toEqual(new Set([0]));
    expect(new Set(drift.labels)).toEqual(new Set([1]));
    expect(psi(v1.labels, drift.labels).psi).toBeGreaterThan(18);
  });
});
