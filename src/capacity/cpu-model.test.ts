// Learning CPU% per replica as a line in req/s per replica: recovers known lines, refuses
// to guess too early or from a flat request rate, and survives JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCpuSample, emptyCpuSums, fitCpu, MIN_CPU_SAMPLES, type CpuModelSums } from './cpu-model.js';

const learn = (points: readonly (readonly [number, number])[]): CpuModelSums => points.reduce((s, [x, y]) => addCpuSample(s, x, y), emptyCpuSums());
const line = (slope: number, intercept: number, xs: readonly number[]) => xs.map((x) => [x, slope * x + intercept] as const);
const xs30 = Array.from({ length: MIN_CPU_SAMPLES }, (_, i) => 10 + (i % 10) * 5);

describe('fitCpu', () => {
  it.each([
    { slope: 1.5, intercept: 10 },
    { slope: 0.2, intercept: 0 },
    { slope: 3, intercept: 25 },
  ])('recovers slope $slope, intercept $intercept from noise-free samples', ({ slope, intercept }) => {
    const fit = fitCpu(learn(line(slope, intercept, xs30)));
    expect(fit.kind).toBe('fit');
    if (fit.kind !== 'fit') return;
    expect(fit.slope).toBeCloseTo(slope, 9);
    expect(fit.intercept).toBeCloseTo(intercept, 9);
    expect(fit.samples).toBe(MIN_CPU_SAMPLES);
  });

  it('recovers the line from symmetric noise (least squares)', () => {
    // ±4 % alternating noise on a 1.5 %/(req/s) + 10 % line, balanced at every x.
    const pts = Array.from({ length: 40 }, (_, i) => {
      const x = 10 + Math.floor(i / 2) * 2;
      return [x, 1.5 * x + 10 + (i % 2 === 0 ? 4 : -4)] as const;
    });
    const fit = fitCpu(learn(pts));
    expect(fit).toMatchObject({ kind: 'fit' });
    if (fit.kind === 'fit') {
      expect(fit.slope).toBeCloseTo(1.5, 9);
      expect(fit.intercept).toBeCloseTo(10, 9);
    }
  });

  it.each([
    { what: 'too few samples', points: line(1, 1, xs30.slice(0, 29)), why: `cpu: load → CPU relation not learned yet (29 of ${MIN_CPU_SAMPLES} samples)` },
    { what: 'a flat request rate', points: line(1, 1, new Array<number>(40).fill(50)), why: 'cpu: request rate per replica has not varied over 40 samples, so CPU per request is unknown' },
  ])('unfit: $what', ({ points, why }) => {
    expect(fitCpu(learn(points))).toEqual({ kind: 'unfit', why });
  });

  it('ignores non-finite samples', () => {
    expect(addCpuSample(emptyCpuSums(), NaN, 3)).toEqual(emptyCpuSums());
    expect(addCpuSample(emptyCpuSums(), 3, Infinity)).toEqual(emptyCpuSums());
  });

  it('recovers any line from varied x, and the sums survive JSON', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: -20, max: 50, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: MIN_CPU_SAMPLES, maxLength: 80 }),
        (slope, intercept, xs) => {
          const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
          fc.pre(xs.some((x) => Math.abs(x - mean) > 1));
          const sums = learn(line(slope, intercept, xs));
          const fit = fitCpu(JSON.parse(JSON.stringify(sums)) as CpuModelSums);
          expect(fit.kind).toBe('fit');
          if (fit.kind !== 'fit') return;
          expect(Math.abs(fit.slope - slope)).toBeLessThan(1e-6 * Math.max(1, slope));
          expect(Math.abs(fit.intercept - intercept)).toBeLessThan(1e-6 * Math.max(1, Math.abs(intercept), slope * mean));
        },
      ),
    );
  });
});
