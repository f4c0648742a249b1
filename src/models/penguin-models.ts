// The two demo models in examples/models, from raw penguins rows to ONNX bytes: the fixed
// recipe (seeds, hyperparameters), the shared signature, and the graph that turns a trained
// Classifier into ONNX. Pure: build-demo-models.ts does the file I/O, and the tests call
// buildDemoModels to prove the committed files are exactly what this recipe produces.
// (The faulty v3 variants for the rollout demos reuse classifierToOnnx: faulty-models.ts.)
import { GraphBuilder, attr, type ValueInfo } from './onnx-builder.js';
import { FEATURES, SPECIES, cleanPenguins, splitPenguins } from './penguins-data.js';
import { accuracy, train, type Classifier, type TrainOptions } from './train.js';

/**
 * The signature both versions share, so either can replace the other in a rollout.
 * `label` is ArgMax over `probabilities` (not the logits) so it always names the class the
 * client sees as most probable; ties go to the lowest class index.
 */
export const SIGNATURE: { readonly inputs: readonly ValueInfo[]; readonly outputs: readonly ValueInfo[] } = {
  inputs: [{ name: 'features', elemType: 'float32', shape: ['batch', FEATURES.length] }],
  outputs: [
    { name: 'probabilities', elemType: 'float32', shape: ['batch', SPECIES.length] },
    { name: 'label', elemType: 'int64', shape: ['batch'] },
  ],
};

export const OPSET = 17;
export const SPLIT_SEED = 42;
export const TEST_FRACTION = 0.2;

interface Recipe {
  readonly version: 1 | 2;
  readonly kind: string;
  readonly description: string;
  readonly options: TrainOptions;
}

// Hyperparameters chosen once by hand, then frozen: changing any of them changes the
// committed bytes, and the reproducibility test says so. Training longer barely helps: v1's
// training loss is 0.026 at 500 epochs and 0.021 at 2000, v2's 0.0064 at 2000 and 0.0061 at
// 4000, with the same test accuracy. Seed 7 for v2's init was fixed before measuring and lands at
// the top of the spread: over seeds 1–8 test accuracy is 95.7–98.6 % (1 of 69 rows = 1.45 points).
export const RECIPES: readonly Recipe[] = [
  {
    version: 1,
    kind: 'softmax-regression',
    description: 'multinomial logistic regression on standardized features',
    options: { hidden: [], epochs: 500, learningRate: 0.5, l2: 1e-3, seed: 0, classes: SPECIES.length },
  },
  {
    version: 2,
    kind: 'mlp-4-8-3-relu',
    description: 'MLP 4→8→3 with ReLU on standardized features',
    options: { hidden: [8], epochs: 2000, learningRate: 0.2, l2: 1e-3, seed: 7, classes: SPECIES.length },
  },
];

export interface DemoModel {
  readonly version: 1 | 2;
  readonly file: string; // name inside examples/models
  readonly bytes: Uint8Array;
  readonly model: Classifier;
  readonly trainAccuracy: number;
  readonly testAccuracy: number; // float64 forward pass in JS; the ONNX graph runs the same maths in float32
}

export interface DemoBuild {
  readonly models: readonly DemoModel[];
  readonly rows: { readonly kept: number; readonly dropped: number; readonly train: number; readonly test: number };
  readonly classesJson: string; // contents of examples/models/penguins-classes.json
}

export function buildDemoModels(rawRows: unknown): DemoBuild {
  const { penguins, dropped } = cleanPenguins(rawRows);
  const split = splitPenguins(penguins, SPLIT_SEED, TEST_FRACTION);
  const models = RECIPES.map((recipe): DemoModel => {
    const { model } = train(split.train, recipe.options);
    const trainAccuracy = accuracy(model, split.train);
    const testAccuracy = accuracy(model, split.test);
    const bytes = classifierToOnnx(model, {
      version: recipe.version,
      docString: `Palmer penguins species classifier v${recipe.version}: ${recipe.description}.`,
      metadata: {
        'rollcast.version': String(recipe.version),
        'rollcast.model': recipe.kind,
        'rollcast.classes': JSON.stringify(SPECIES),
        'rollcast.features': JSON.stringify(FEATURES),
        'rollcast.dataset': 'Palmer penguins from vega-datasets penguins.json (CC0; Allison Horst, Kristen Gorman, Palmer Station LTER)',
        'rollcast.split': `stratified ${1 - TEST_FRACTION}/${TEST_FRACTION}, mulberry32 seed ${SPLIT_SEED}`,
        'rollcast.accuracy.train': trainAccuracy.toFixed(4),
        'rollcast.accuracy.test': testAccuracy.toFixed(4),
      },
    });
    return { version: recipe.version, file: `penguins-v${recipe.version}.onnx`, bytes, model, trainAccuracy, testAccuracy };
  });
  return {
    models,
    rows: { kept: penguins.length, dropped, train: split.train.length, test: split.test.length },
    classesJson: `${JSON.stringify({ classes: SPECIES, features: FEATURES, labelOutput: 'label', probabilitiesOutput: 'probabilities' }, null, 2)}\n`,
  };
}

/** Names of the tensors inside the classifier graph that a LogitsRewrite may read. */
export const TENSORS = { features: 'features', standardized: 'standardized', logits: 'logits' } as const;

/**
 * Extra nodes between the last Gemm and the Softmax: reads TENSORS (all defined by then),
 * adds its nodes and initializers, and returns the name of the tensor Softmax should read
 * in place of `logits`. Without one the graph is exactly v1's and v2's.
 */
export type LogitsRewrite = (g: GraphBuilder) => string;

/**
 * features → Sub(mean) → Div(std) → [Gemm → Relu]* → Gemm → logits → Softmax(axis 1) →
 * probabilities → ArgMax(axis 1, keepdims 0) → label. Standardization stays two visible
 * nodes rather than being folded into the first Gemm, so a reader of the graph sees the
 * training-split mean and std as they are (folding would save one node and nothing measurable).
 */
export function classifierToOnnx(
  model: Classifier,
  meta: { version: number; graphName?: string; docString: string; metadata: Record<string, string> },
  rewriteLogits?: LogitsRewrite,
): Uint8Array {
  const g = new GraphBuilder(meta.graphName ?? `penguins_v${meta.version}`);
  for (const v of SIGNATURE.inputs) g.input(v);
  const width = model.standardizer.mean.length;
  g.initializer('feature_mean', { dims: [width], data: Float32Array.from(model.standardizer.mean) })
    .initializer('feature_std', { dims: [width], data: Float32Array.from(model.standardizer.std) })
    .node('Sub', ['features', 'feature_mean'], ['centered'])
    .node('Div', ['centered', 'feature_std'], ['standardized']);
  let current = 'standardized';
  model.layers.forEach((layer, l) => {
    const last = l === model.layers.length - 1;
    const rows = layer.weights.length;
    const cols = layer.bias.length;
    g.initializer(`dense${l}_weight`, { dims: [rows, cols], data: Float32Array.from(layer.weights.flat()) })
      .initializer(`dense${l}_bias`, { dims: [cols], data: Float32Array.from(layer.bias) })
      .node('Gemm', [current, `dense${l}_weight`, `dense${l}_bias`], [last ? 'logits' : `dense${l}_out`]);
    if (!last) g.node('Relu', [`dense${l}_out`], [`hidden${l}`]);
    current = last ? 'logits' : `hidden${l}`;
  });
  const scores = rewriteLogits ? rewriteLogits(g) : TENSORS.logits;
  g.node('Softmax', [scores], ['probabilities'], { axis: attr.int(1) })
    .node('ArgMax', ['probabilities'], ['label'], { axis: attr.int(1), keepdims: attr.int(0) });
  for (const v of SIGNATURE.outputs) g.output(v);
  return g.toBytes({ opset: OPSET, modelVersion: meta.version, docString: meta.docString, metadata: meta.metadata });
}
