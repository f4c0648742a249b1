// The committed demo models: they load in onnxruntime-node with exactly the shared signature,
// classify the held-out penguins well, agree with the JS training code, and are exactly what
// `npm run models` would write today (so the files cannot drift from the recipe).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { ModelProto } from './onnx-schema.js';
import { demoModelsDir } from './paths.js';
import { buildDemoModels, SPLIT_SEED, TEST_FRACTION } from './penguin-models.js';
import { SPECIES, cleanPenguins, readPenguinRows, splitPenguins, type Penguin } from './penguins-data.js';
import { argmax, predictProbabilities } from './train.js';

const rawRows = readPenguinRows();
const { penguins } = cleanPenguins(rawRows);
const { test } = splitPenguins(penguins, SPLIT_SEED, TEST_FRACTION);
const build = buildDemoModels(rawRows);
const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');
const committed = (file: string): Buffer => readFileSync(join(demoModelsDir(), file));

async function classify(session: ort.InferenceSession, rows: readonly Penguin[]): Promise<{ probabilities: Float32Array; label: BigInt64Array }> {
  const features = new ort.Tensor('float32', Float32Array.from(rows.flatMap((p) => p.features)), [rows.length, 4]);
  const out = await session.run({ features });
  return { probabilities: out['probabilities']?.data as Float32Array, label: out['label']?.data as BigInt64Array };
}

const sessions = new Map<number, ort.InferenceSession>();
beforeAll(async () => {
  for (const version of [1, 2]) sessions.set(version, await ort.InferenceSession.create(committed(`penguins-v${version}.onnx`)));
});
afterAll(async () => {
  for (const s of sessions.values()) await s.release();
});
const session = (version: number): ort.InferenceSession => sessions.get(version) as ort.InferenceSession;

describe.each([1, 2])('examples/models/penguins-v%i.onnx', (version) => {
  it('has exactly the shared signature', () => {
    expect(session(version).inputMetadata).toEqual([{ name: 'features', isTensor: true, type: 'float32', shape: ['batch', 4] }]);
    expect(session(version).outputMetadata).toEqual([
      { name: 'probabilities', isTensor: true, type: 'float32', shape: ['batch', 3] },
      { name: 'label', isTensor: true, type: 'int64', shape: ['batch'] },
    ]);
  });

  it('agrees with the JS model on all 342 penguins: same labels, probabilities within 1e-5, rows sum to 1', async () => {
    const { probabilities, label } = await classify(session(version), penguins);
    const model = build.models.find((m) => m.version === version)?.model;
    if (!model) throw new Error(`no recipe for v${version}`);
    const expected = predictProbabilities(model, penguins.map((p) => p.features));
    expected.forEach((p, i) => {
      expect(Number(label[i])).toBe(argmax(p));
      const row = Array.from(probabilities.subarray(3 * i, 3 * i + 3));
      row.forEach((q, k) => expect(Math.abs(q - (p[k] as number))).toBeLessThan(1e-5));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    });
  });

  it('carries its version and class names in metadata_props', () => {
    const decoded = ModelProto.toObject(ModelProto.decode(committed(`penguins-v${version}.onnx`)), { longs: Number }) as {
      model_version: number;
      metadata_props: { key: string; value: string }[];
    };
    const meta = Object.fromEntries(decoded.metadata_props.map((e) => [e.key, e.value]));
    expect(decoded.model_version).toBe(version);
    expect(meta['rollcast.version']).toBe(String(version));
    expect(JSON.parse(meta['rollcast.classes'] ?? 'null')).toEqual([...SPECIES]);
  });

  it('is reproduced byte for byte by rebuilding in memory (what `npm run models` writes)', () => {
    const rebuilt = build.models.find((m) => m.version === version)?.bytes ?? new Uint8Array();
    expect(sha256(rebuilt)).toBe(sha256(committed(`penguins-v${version}.onnx`)));
  });
});

describe('held-out accuracy through onnxruntime (69 rows: 30 Adelie, 14 Chinstrap, 25 Gentoo)', () => {
  const heldOut = async (version: number): Promise<number> => {
    const { label } = await classify(session(version), test);
    return test.filter((p, i) => Number(label[i]) === p.label).length / test.length;
  };

  it('v1 (softmax regression) ≥ 0.9; measured 67/69 = 0.9710', async () => {
    expect(await heldOut(1)).toBeGreaterThanOrEqual(0.9);
  });

  it('v2 (MLP) ≥ 0.9 and not worse than v1 by more than 0.02; measured 68/69 = 0.9855', async () => {
    const [v1, v2] = [await heldOut(1), await heldOut(2)];
    expect(v2).toBeGreaterThanOrEqual(0.9);
    expect(v2).toBeGreaterThanOrEqual(v1 - 0.02);
  });

  it('matches the accuracies the build reports (float32 ONNX vs float64 JS give the same labels)', async () => {
    for (const m of build.models) expect(await heldOut(m.version)).toBe(m.testAccuracy);
  });
});

describe('examples/models/penguins-classes.json', () => {
  it('lists the classes in output index order and is what the build writes', () => {
    const text = committed('penguins-classes.json').toString('utf8');
    expect(text).toBe(build.classesJson);
    expect((JSON.parse(text) as { classes: string[] }).classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
  });
});
