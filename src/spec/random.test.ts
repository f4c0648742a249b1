// The seeded generators: gaussian() is shared by the synthetic series of the core's tests.
// (mulberry32 and shuffled are tested with the demo-model data, src/models/penguins-data.test.ts.)
import { describe, expect, it } from 'vitest';
import { gaussian } from './random.js';

describe('gaussian', () => {
  it('draws the same stream for the same seed, with mean ≈ 0 and variance ≈ 1, bounded by 3√2', () => {
    const a = gaussian(11);
    const b = gaussian(11);
    const draws = Array.from({ length: 20_000 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(draws.slice(0, 5));
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(Math.max(...draws.map(Math.abs))).toBeLessThanOrEqual(3 * Math.SQRT2);
  });

  it('differs between seeds', () => {
    expect(gaussian(1)()).not.toBe(gaussian(2)());
  });
});
