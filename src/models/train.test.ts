// Training is a pure function of (data, options): same seed → same weights. Plus the small
// numeric helpers it relies on, with the expected values worked out in the comments.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cleanPenguins, readPenguinRows, splitPenguins } from './penguins-data.js';
import { accuracy, argmax, fitStandardizer, softmax, train, type TrainOptions } from './train.js';

const { train: rows, test } = splitPenguins(cleanPenguins(readPenguinRows()).penguins, 42);
// Few epochs: the properties are about determinism, not about a good model.
const quick = (over: Partial<TrainOptions>): TrainOptions => ({ hidden: [8], epochs: 15, learningRate: 0.2, l2: 1e-3, seed: 1, classes: 3, ...over });

describe('train', () => {
  it('gives identical weights for the same seed (MLP init is the only randomness)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom<number[]>([], [8], [3, 4]), (seed, hidden) => {
        expect(train(rows, quick({ seed, hidden }))).toEqual(train(rows, quick({ seed, hidden })));
      }),
      { numRuns: 20 },
    );
  });

  it('gives different MLP weights for different seeds, and ignores the seed for logistic regression (zero init)', () => {
    expect(train(rows, quick({ seed: 1 })).model).not.toEqual(train(rows, quick({ seed: 2 })).model);
    expect(train(rows, quick({ seed: 1, hidden: [] })).model).toEqual(train(rows, quick({ seed: 2, hidden: [] })).model);
  });

  it('lowers the training loss as it runs, from ln 3 ≈ 1.099 (uniform guess) towards 0', () => {
    const losses = [1, 20, 200].map((epochs) => train(rows, quick({ hidden: [], epochs, learningRate: 0.5 })).finalLoss);
    // Epoch 1 reports the loss of the zero-initialized model: every class at 1/3.
    expect(losses[0]).toBeCloseTo(Math.log(3), 12);
    expect(losses[1]).toBeLessThan(losses[0] as number);
    expect(losses[2]).toBeLessThan(losses[1] as number);
    expect(losses[2]).toBeLessThan(0.1);
  });

  it('learns the penguins well in a few hundred epochs (held-out accuracy ≥ 0.9)', () => {
    const { model } = train(rows, quick({ hidden: [], epochs: 200, learningRate: 0.5 }));
    expect(accuracy(model, test)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('numeric helpers', () => {
  it('fitStandardizer: population std, and 1 for a constant feature', () => {
    // Column 0: mean 2, deviations ±1 → std 1. Column 1: constant 10 → std 0, stored as 1.
    // Column 2: 0 and 6 → mean 3, deviations ±3 → std 3 (dividing by n = 2, not n − 1).
    expect(fitStandardizer([[1, 10, 0], [3, 10, 6]])).toEqual({ mean: [2, 10, 3], std: [1, 1, 3] });
    expect(() => fitStandardizer([])).toThrow(RangeError);
  });

  it('softmax does not overflow on large logits and sums to 1', () => {
    // exp(1000) overflows to Infinity; after subtracting the max it is [e^-1, 1] / (1 + e^-1).
    const p = softmax([999, 1000]);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
    expect((p[0] as number) + (p[1] as number)).toBeCloseTo(1, 15);
  });

  it('argmax breaks ties towards the lowest index, like ONNX ArgMax', () => {
    expect(argmax([0.2, 0.4, 0.4])).toBe(1);
    expect(argmax([1, 1, 1])).toBe(0);
    expect(argmax([0, 0, 3])).toBe(2);
  });
});
