// Entry point of `npm run models`: trains the two demo penguin classifiers and writes
// examples/models/penguins-v1.onnx, penguins-v2.onnx and penguins-classes.json, then the three
// faulty v3 variants of v2 for the rollout demos (penguins-v3-errors/-slow/-drift.onnx,
// faulty-models.ts), and prints accuracies and sha256 digests. The output is byte-for-byte
// reproducible (no timestamps, seeded training), and penguin-models.test.ts and
// faulty-models.test.ts fail if the committed files drift.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildFaultyModels } from './faulty-models.js';
import { buildDemoModels } from './penguin-models.js';
import { demoModelsDir, penguinsJsonPath, repoRoot } from './paths.js';
import { readPenguinRows } from './penguins-data.js';

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

function main(): void {
  const root = repoRoot();
  const dataPath = penguinsJsonPath();
  const build = buildDemoModels(readPenguinRows(dataPath));
  const outDir = demoModelsDir();
  mkdirSync(outDir, { recursive: true });

  console.log(`data: ${relative(root, dataPath)} (${build.rows.kept} rows kept, ${build.rows.dropped} dropped; train ${build.rows.train}, test ${build.rows.test})`);
  for (const m of build.models) {
    const path = join(outDir, m.file);
    writeFileSync(path, m.bytes);
    console.log(`${relative(root, path)}  v${m.version}  train ${pct(m.trainAccuracy)}  test ${pct(m.testAccuracy)}  ${m.bytes.length} B  sha256 ${sha256(m.bytes)}`);
  }
  const v2 = build.models.find((m) => m.version === 2);
  if (!v2) throw new Error('the recipe has no v2, which the faulty v3 models are built from');
  for (const m of buildFaultyModels(v2.model)) {
    const path = join(outDir, m.file);
    writeFileSync(path, m.bytes);
    console.log(`${relative(root, path)}  v${m.version}  ${m.bytes.length} B  sha256 ${sha256(m.bytes)}`);
  }
  const classesPath = join(outDir, 'penguins-classes.json');
  writeFileSync(classesPath, build.classesJson);
  console.log(`${relative(root, classesPath)}  sha256 ${sha256(build.classesJson)}`);
}

// The one error boundary: a clear message and a non-zero exit, no stack unless asked for.
try {
  main();
} catch (error) {
  console.error(`build-demo-models: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env['DEBUG']) console.error(error);
  process.exitCode = 1;
}
