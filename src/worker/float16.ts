// IEEE 754 binary16 (FP16) conversion. ORT's Node binding takes and returns float16 tensors
// as raw bits in a Uint16Array (Node 20 has no Float16Array), so the worker converts JSON
// numbers to bits on the way in and bits to numbers on the way out.

const TWO_POW_24 = 2 ** 24;
/** Half-way between the largest half (65504) and 2^16: from here on values round to Infinity. */
export const FP16_OVERFLOW = 65520;

/** Round-half-to-even of a non-negative number (x is exact: it was scaled by a power of two). */
function roundHalfEven(x: number): number {
  const r = Math.floor(x);
  const d = x - r;
  return d > 0.5 || (d === 0.5 && (r & 1) === 1) ? r + 1 : r;
}

/**
 * A number → binary16 bits, rounding to nearest, ties to even, straight from the double
 * (going through float32 first would round twice and be wrong for rare ties).
 * Worked example: 1 + 2^-11 lies exactly between 1 (0x3c00) and 1 + 2^-10 (0x3c01); the
 * even mantissa wins, so it becomes 0x3c00.
 */
export function toHalfBits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  if (a >= FP16_OVERFLOW) return sign | 0x7c00;
  if (a < 2 ** -14) {
    // Subnormal: units of 2^-24. A result of 1024 is the smallest normal, whose bits are also 1024.
    return sign | roundHalfEven(a * TWO_POW_24);
  }
  let e = Math.floor(Math.log2(a));
  // Math.log2 can be off by one near powers of two; correct it exactly.
  if (2 ** e > a) e -= 1;
  else if (2 ** (e + 1) <= a) e += 1;
  let mantissa = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (mantissa === 1024) {
    mantissa = 0;
    e += 1;
  }
  // e ≤ 15 here because a < 65520 (the one case that rounds up to 2^16 returned above).
  return sign | ((e + 15) << 10) | mantissa;
}

/** binary16 bits → number (exact: every half is a double). */
export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return (sign * fraction) / TWO_POW_24;
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}
