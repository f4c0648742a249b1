// Pure, deterministic training of the two demo classifiers: a softmax (multinomial logistic)
// regression (v1) and a 4→8→3 ReLU MLP (v2). Both are "standardize, then dense layers with
// ReLU between them, then softmax"; logistic regression is the case with no hidden layer, so
// one forward/backward pass serves both and one ONNX graph shape describes both.
//
// Deterministic: plain float64 loops in a fixed order, weights drawn from mulberry32(seed),
// no clock. Same data + options → identical weights, on any machine running the same
// V8 Math.exp (V8 ships its own fdlibm port, so it does not vary with the host libm).
import { mulberry32, type Random } from '../spec/random.js';
import type { Penguin } from './penguins-data.js';

export type Matrix = readonly (readonly number[])[];

export interface Standardizer {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** y = x · weights + bias, with weights stored [inputs][outputs] (ONNX Gemm with transB = 0). */
export interface Dense {
  readonly weights: Matrix;
  readonly bias: readonly number[];
}

export interface Classifier {
  readonly standardizer: Standardizer;
  readonly layers: readonly Dense[]; // ReLU between layers, softmax after the last
}

export interface TrainOptions {
  readonly hidden: readonly number[]; // [] = logistic regression, [8] = one hidden layer of 8
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number; // weight decay on weights, not biases
  readonly seed: number; // weight init; unused when hidden is [] (zero init, see below)
  readonly classes: number;
}

export interface TrainResult {
  readonly model: Classifier;
  // Mean cross-entropy on the training rows without the L2 term, measured in the last epoch's
  // forward pass (before its update, so 1 epoch reports the loss at init: ln 3 from zero weights).
  readonly finalLoss: number;
}

/**
 * Mean and population standard deviation (divide by n) per feature. A constant feature has
 * std 0; it is stored as 1 so the graph's Div never divides by zero and the feature becomes 0.
 */
export function fitStandardizer(rows: Matrix): Standardizer {
  if (rows.length === 0) throw new RangeError('cannot standardize zero rows');
  const width = (rows[0] as readonly number[]).length;
  const mean = Array.from({ length: width }, (_, j) => rows.reduce((s, r) => s + (r[j] as number), 0) / rows.length);
  const std = mean.map((m, j) => {
    const variance = rows.reduce((s, r) => s + ((r[j] as number) - m) ** 2, 0) / rows.length;
    return variance > 0 ? Math.sqrt(variance) : 1;
  });
  return { mean, std };
}

export function standardize(rows: Matrix, s: Standardizer): number[][] {
  return rows.map((r) => r.map((v, j) => (v - (s.mean[j] as number)) / (s.std[j] as number)));
}

/**
 * Full-batch gradient descent on mean softmax cross-entropy + (l2 / 2)·‖W‖².
 * Init: logistic regression starts at zero (the loss is convex, so the start only changes
 * how fast it converges, and zero needs no seed); an MLP needs random weights to break
 * symmetry: He-uniform U(±√(6 / fanIn)) before a ReLU, Glorot-uniform U(±√(6 / (fanIn + fanOut)))
 * for the softmax layer, drawn layer by layer in row-major order; biases start at zero.
 */
export function train(data: readonly Penguin[], options: TrainOptions): TrainResult {
  const standardizer = fitStandardizer(data.map((p) => p.features));
  const x = standardize(data.map((p) => p.features), standardizer);
  const n = x.length;
  const sizes = [(x[0] as number[]).length, ...options.hidden, options.classes];
  const random = mulberry32(options.seed);
  const layers = sizes.slice(1).map((out, l) => initDense(sizes[l] as number, out, l === sizes.length - 2, options.hidden.length === 0, random));

  let finalLoss = Number.NaN;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const acts = forward(layers, x); // acts[0] = x, acts[l + 1] = output of layer l (ReLU'd unless last)
    const probs = (acts[acts.length - 1] as number[][]).map(softmax);
    finalLoss = probs.reduce((s, p, i) => s - Math.log(Math.max(p[data[i]!.label] as number, 1e-300)), 0) / n;
    // d(loss)/d(logits) for softmax + cross-entropy is (p − onehot(y)) / n.
    let delta = probs.map((p, i) => p.map((v, k) => (v - (k === data[i]!.label ? 1 : 0)) / n));
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l] as { weights: number[][]; bias: number[] };
      const input = acts[l] as number[][];
      // Propagate before updating: the previous layer's gradient needs this layer's old weights.
      const back = l > 0 ? delta.map((d, i) => layer.weights.map((row, j) => ((input[i]![j] as number) > 0 ? dot(row, d) : 0))) : [];
      layer.weights.forEach((row, j) => {
        row.forEach((w, k) => {
          const grad = input.reduce((s, a, i) => s + (a[j] as number) * (delta[i]![k] as number), 0) + options.l2 * w;
          row[k] = w - options.learningRate * grad;
        });
      });
      layer.bias.forEach((b, k) => {
        layer.bias[k] = b - options.learningRate * delta.reduce((s, d) => s + (d[k] as number), 0);
      });
      delta = back;
    }
  }
  return { model: { standardizer, layers }, finalLoss };
}

function initDense(fanIn: number, fanOut: number, isOutput: boolean, zero: boolean, random: Random): { weights: number[][]; bias: number[] } {
  const limit = isOutput ? Math.sqrt(6 / (fanIn + fanOut)) : Math.sqrt(6 / fanIn);
  const weights = Array.from({ length: fanIn }, () => Array.from({ length: fanOut }, () => (zero ? 0 : (2 * random() - 1) * limit)));
  return { weights, bias: new Array<number>(fanOut).fill(0) };
}

/** All activations: [input, hidden₁ (ReLU'd), …, logits]. */
function forward(layers: readonly Dense[], x: Matrix): Matrix[] {
  const acts: Matrix[] = [x];
  layers.forEach((layer, l) => {
    const prev = acts[l] as Matrix;
    const last = l === layers.length - 1;
    acts.push(prev.map((row) => layer.bias.map((b, k) => {
      const z = row.reduce((s, v, j) => s + v * (layer.weights[j]![k] as number), b);
      return last ? z : Math.max(0, z);
    })));
  });
  return acts;
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, v, i) => s + v * (b[i] as number), 0);
}

/** Softmax with the max subtracted first, so exp never overflows (same result mathematically). */
export function softmax(z: readonly number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** Class probabilities for raw (unstandardized) feature rows, in float64. */
export function predictProbabilities(model: Classifier, rows: Matrix): number[][] {
  const acts = forward(model.layers, standardize(rows, model.standardizer));
  return (acts[acts.length - 1] as Matrix).map(softmax);
}

/** Index of the largest value; ties go to the lowest index, as ONNX ArgMax with select_last_index = 0. */
export function argmax(values: readonly number[]): number {
  return values.reduce((best, v, i) => (v > (values[best] as number) ? i : best), 0);
}

/** Share of rows whose argmax class equals the label; NaN for no rows (nothing to measure). */
export function accuracy(model: Classifier, data: readonly Penguin[]): number {
  const probs = predictProbabilities(model, data.map((p) => p.features));
  return probs.filter((p, i) => argmax(p) === data[i]!.label).length / data.length;
}
