// Three deliberately broken versions of the v2 classifier, one per way a rollout should go
// wrong (issue 5): examples/rollout-errors.yaml, rollout-slow.yaml and rollout-drift.yaml
// roll them out over the running demo, and the analysis must roll each one back. Each is v2's
// graph (same weights, same signature, so the gateway serves it as another version of
// `penguins`) with a few nodes added between the logits and the Softmax
// (classifierToOnnx's LogitsRewrite). Pure, like penguin-models.ts: build-demo-models.ts
// writes the files, faulty-models.test.ts proves the committed ones are what this builds
// and that each fault behaves as described here.
//
// Every fault has to show under the traffic `rollcast load` sends, which is not penguins:
// each feature is uniform in [0, 1) (cli/random-request.ts). So the errors fault is keyed to
// the fractional part of a feature, which varies in both, and not to a body-mass threshold,
// which load traffic (all masses < 1 g) would never cross; and the drift fault changes the
// prediction for every input, not only for the realistic ones (v1 and v2 both call every load
// row Adelie, so a shift that only moves real penguins near a class boundary would not show).
import { attr, type GraphBuilder } from './onnx-builder.js';
import { classifierToOnnx, TENSORS, type LogitsRewrite } from './penguin-models.js';
import { FEATURES, SPECIES } from './penguins-data.js';
import type { Classifier } from './train.js';

export type FaultKind = 'errors' | 'slow' | 'drift';

export interface FaultyModel {
  readonly kind: FaultKind;
  readonly version: string; // the spec's model.version, also in metadata_props rollcast.version
  readonly file: string; // name inside examples/models
  readonly bytes: Uint8Array;
}

// ---- errors: ONNX Runtime raises for some valid inputs ------------------------------------

/**
 * The errors model looks up a per-row factor (1.0 everywhere, so answers are v2's) in a table
 * indexed by the tenths digit of bill_length_mm, round(10 · frac(x)), and the table has 8
 * entries where that index runs 0–10. Gather checks its indices at run time, so a row whose
 * digit is 8 or more makes ORT raise "indices element out of data bounds, idx=8 must be within
 * the inclusive range [-8,7]"; the worker answers 500 {"error": "inference failed: …"}.
 * Share of rows that fail: 57 of the 342 penguins (16.7 %; bill lengths are recorded to 0.1 mm,
 * digits 8 and 9), and 25 % of `rollcast load` rows (uniform x ≥ 0.75; rounding half to even
 * sends 7.5 to 8).
 */
export const ERRORS_TABLE_SIZE = 8;
const BILL_LENGTH = FEATURES.indexOf('bill_length_mm');

const errorsRewrite: LogitsRewrite = (g) => {
  g.initializer('fault_bill_column', { dims: [1], data: BigInt64Array.from([BigInt(BILL_LENGTH)]) })
    .initializer('fault_ten', { dims: [], data: Float32Array.from([10]) })
    .initializer('fault_calibration', { dims: [ERRORS_TABLE_SIZE], data: new Float32Array(ERRORS_TABLE_SIZE).fill(1) })
    .node('Gather', [TENSORS.features, 'fault_bill_column'], ['fault_bill'], { axis: attr.int(1) }) // [batch, 1]
    .node('Floor', ['fault_bill'], ['fault_bill_floor'])
    .node('Sub', ['fault_bill', 'fault_bill_floor'], ['fault_bill_frac']) // in [0, 1), exact in float32
    .node('Mul', ['fault_bill_frac', 'fault_ten'], ['fault_tenths'])
    .node('Round', ['fault_tenths'], ['fault_digit']) // half to even, in 0–10
    .node('Cast', ['fault_digit'], ['fault_index'], { to: attr.int(7) }) // INT64
    .node('Gather', ['fault_calibration', 'fault_index'], ['fault_factor'], { axis: attr.int(0) }) // [batch, 1]; raises past the table
    .node('Mul', [TENSORS.logits, 'fault_factor'], ['logits_calibrated']); // × 1.0: exactly v2's logits
  return 'logits_calibrated';
};

/**
 * Whether the errors model raises for this row: the graph's arithmetic in float32, as ORT
 * does it (frac is exact; 10 · frac is rounded to float32 once; Round is half to even).
 * Example: 39.1 → digit 1, answers; 39.8 (float32 39.79999924) → 7.9999924 → 8, raises.
 */
export function errorsModelFails(features: readonly number[]): boolean {
  const x = Math.fround(features[BILL_LENGTH] ?? 0);
  const tenths = Math.fround(Math.fround(x - Math.floor(x)) * 10);
  return roundHalfEven(tenths) >= ERRORS_TABLE_SIZE;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x); // half up
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// ---- slow: the same answers, three times the latency -------------------------------------

/**
 * Busy work that depends on the input (so ORT cannot constant-fold it) and is then
 * multiplied by 0 and added to the logits (so answers are exactly v2's: the work ends in
 * Tanh, which is finite, and logits + ±0 = logits). Per row: the standardized row is copied
 * 32 times, projected to width 256, then 20 times h ← tanh(h · M) with M 256 × 256, i.e.
 * 32 · 256 · 256 · 20 ≈ 42 M multiply-adds. M and the projection are computed at session
 * start from two 256-long vectors (M[i][j] = sin(a_i · b_j)), not stored, so the file stays
 * about 5 KB instead of 260 KB.
 *
 * Sized by measurement (numbers in examples/models/README.md): on the 2-vCPU machine it was
 * tuned on, one ORT run takes ~0.5 ms more than v2's ~0.012 ms, which is about 3× v1's request
 * latency through a worker (~0.25 ms of HTTP, JSON and scheduling around a ~0.01 ms run).
 * A faster CPU shrinks the ratio, a slower one grows it; SLOW_WORK.steps is the knob.
 */
export const SLOW_WORK = { copies: 32, width: 256, steps: 20 } as const;

const slowRewrite: LogitsRewrite = (g) => {
  const { copies, width, steps } = SLOW_WORK;
  // a_i = (i + 1) / width in (0, 1]; b_j a fixed permutation of [0, 3) so rows of M differ.
  const a = Float32Array.from({ length: width }, (_, i) => (i + 1) / width);
  const b = Float32Array.from({ length: width }, (_, j) => (((j * 7) % width) / width) * 3);
  g.initializer('busy_a', { dims: [width, 1], data: a })
    .initializer('busy_b', { dims: [1, width], data: b })
    .initializer('busy_p', { dims: [FEATURES.length, 1], data: Float32Array.from({ length: FEATURES.length }, (_, i) => i + 1) })
    .initializer('busy_copies', { dims: [3], data: BigInt64Array.from([1n, BigInt(copies), BigInt(FEATURES.length)]) })
    .initializer('busy_axis1', { dims: [1], data: BigInt64Array.from([1n]) })
    .initializer('busy_axes12', { dims: [2], data: BigInt64Array.from([1n, 2n]) })
    .initializer('busy_zero', { dims: [], data: Float32Array.from([0]) })
    .node('Mul', ['busy_a', 'busy_b'], ['busy_ab'])
    .node('Sin', ['busy_ab'], ['busy_m']) // [width, width]
    .node('Mul', ['busy_p', 'busy_b'], ['busy_pb'])
    .node('Cos', ['busy_pb'], ['busy_projection']) // [4, width]
    .node('Unsqueeze', [TENSORS.standardized, 'busy_axis1'], ['busy_row']) // [batch, 1, 4]
    .node('Expand', ['busy_row', 'busy_copies'], ['busy_rows']) // [batch, copies, 4]
    .node('MatMul', ['busy_rows', 'busy_projection'], ['busy_pre0'])
    .node('Tanh', ['busy_pre0'], ['busy_h0']); // [batch, copies, width]
  let h = 'busy_h0';
  for (let k = 1; k <= steps; k++) {
    g.node('MatMul', [h, 'busy_m'], [`busy_pre${k}`]).node('Tanh', [`busy_pre${k}`], [`busy_h${k}`]);
    h = `busy_h${k}`;
  }
  g.node('ReduceSum', [h, 'busy_axes12'], ['busy_sum'], { keepdims: attr.int(0) }) // [batch]
    .node('Unsqueeze', ['busy_sum', 'busy_axis1'], ['busy_col']) // [batch, 1]
    .node('Mul', ['busy_col', 'busy_zero'], ['busy_nothing'])
    .node('Add', [TENSORS.logits, 'busy_nothing'], ['logits_after_work']);
  return 'logits_after_work';
};

// ---- drift: fast and error-free, but other answers ---------------------------------------

/**
 * The drift model's class order: output k carries v2's score for class DRIFT_CLASS_ORDER[k],
 * i.e. Adelie and Chinstrap swapped, as an export with a wrong label list would. Every Adelie
 * is then called Chinstrap and back, Gentoo unchanged. Of the swaps and rotations of three
 * classes this one moves the predicted-class shares the most on the penguins (v1 predicts
 * 152 Adelie, 67 Chinstrap, 123 Gentoo; this model 69 / 150 / 123): PSI 0.39 against v1,
 * where swapping Adelie and Gentoo gives 0.03, Chinstrap and Gentoo 0.19, a rotation 0.31
 * (v2 itself: 0.0002). Under `rollcast load`, where v1 says Adelie for every row, it says
 * Chinstrap for every row: PSI ≈ 18.
 */
export const DRIFT_CLASS_ORDER: readonly number[] = [1, 0, 2];

const driftRewrite: LogitsRewrite = (g) => {
  g.initializer('drift_class_order', { dims: [SPECIES.length], data: BigInt64Array.from(DRIFT_CLASS_ORDER.map(BigInt)) }).node(
    'Gather',
    [TENSORS.logits, 'drift_class_order'],
    ['logits_reordered'],
    { axis: attr.int(1) },
  );
  return 'logits_reordered';
};

// ---- the three files -------------------------------------------------------------------

interface FaultRecipe {
  readonly kind: FaultKind;
  readonly summary: string;
  readonly rewrite: (g: GraphBuilder) => string;
}

export const FAULTS: readonly FaultRecipe[] = [
  {
    kind: 'errors',
    summary: `inference fails (Gather index out of range) when the tenths digit of bill_length_mm is ${ERRORS_TABLE_SIZE} or more; otherwise v2's answers`,
    rewrite: errorsRewrite,
  },
  {
    kind: 'slow',
    summary: `v2's answers after ~${Math.round((SLOW_WORK.copies * SLOW_WORK.width * SLOW_WORK.width * SLOW_WORK.steps) / 1e6)} M multiply-adds of input-dependent busy work per row, about 3× v1's request latency`,
    rewrite: slowRewrite,
  },
  {
    kind: 'drift',
    summary: 'v2 with the Adelie and Chinstrap outputs swapped: fast and error-free, but the predicted classes drift',
    rewrite: driftRewrite,
  },
];

/** The faulty versions of `v2` (the trained v2 classifier from buildDemoModels), in FAULTS order. */
export function buildFaultyModels(v2: Classifier): FaultyModel[] {
  return FAULTS.map((fault): FaultyModel => {
    const version = `3-${fault.kind}`;
    const bytes = classifierToOnnx(
      v2,
      {
        version: 3,
        graphName: `penguins_v3_${fault.kind}`,
        docString: `Palmer penguins species classifier v${version}, a deliberately faulty v2 for the rollout demos: ${fault.summary}.`,
        metadata: {
          'rollcast.version': version,
          'rollcast.model': 'mlp-4-8-3-relu',
          'rollcast.fault': fault.summary,
          'rollcast.base': 'penguins-v2.onnx',
          'rollcast.classes': JSON.stringify(SPECIES),
          'rollcast.features': JSON.stringify(FEATURES),
        },
      },
      fault.rewrite,
    );
    return { kind: fault.kind, version, file: `penguins-v3-${fault.kind}.onnx`, bytes };
  });
}
