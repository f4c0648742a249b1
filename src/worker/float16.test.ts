import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHalfBits, toHalfBits } from './float16.js';

describe('float16', () => {
  it('round-trips every one of the 65536 bit patterns (NaNs stay NaN)', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = fromHalfBits(bits);
      if (Number.isNaN(v)) expect(Number.isNaN(fromHalfBits(toHalfBits(v)))).toBe(true);
      else expect(toHalfBits(v)).toBe(bits);
    }
  });

  it.each([
    [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [-0, 0x8000], [0, 0],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // exactly half of it: ties to even (0)
    [3 * 2 ** -25, 0x0002], // 1.5 units: ties to even (2)
    [1 + 2 ** -11, 0x3c00], // half-way between 1 and the next half: even mantissa wins
    [1 + 3 * 2 ** -11, 0x3c02],
    [65519, 0x7bff], // just under the overflow midpoint
    [65520, 0x7c00], // the midpoint rounds to Infinity
    [Infinity, 0x7c00], [-Infinity, 0xfc00],
  ])('%d → 0x%s', (value, bits) => {
    expect(toHalfBits(value)).toBe(bits);
  });

  it('rounds to the nearest half (no representable half is closer)', () => {
    fc.assert(
      fc.property(fc.double({ min: -65504, max: 65504, noNaN: true }), (v) => {
        // Compare magnitudes: the sign bit is exact, and neighbours of |v| are mag ± 1.
        const a = Math.abs(v);
        const mag = toHalfBits(v) & 0x7fff;
        const error = Math.abs(fromHalfBits(mag) - a);
        expect(error).toBeLessThanOrEqual(Math.abs(fromHalfBits(mag + 1) - a));
        expect(error).toBeLessThanOrEqual(Math.abs(fromHalfBits(Math.max(mag - 1, 0)) - a));
      }),
    );
  });
});
