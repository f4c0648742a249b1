// Seeded randomness shared by everything that must draw the same numbers again: the
// demo-model pipeline (`npm run models` reproduces the committed files byte for byte), the
// load generator's inputs, and later the simulator. The core never calls Math.random; it
// takes a generator made from an explicit seed.

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator, public domain): one 32-bit state word,
 * period 2^32, passes gjrand/PractRand at the sizes we draw (hundreds of numbers). Integer
 * maths only (`Math.imul`, shifts), so every JS engine produces the same sequence.
 * The seed is reduced to 32 bits (`seed >>> 0`): seeds 1 and 2^32 + 1 give the same stream.
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    // Dividing a uint32 by 2^32 gives [0, 1) exactly: the largest value is 1 - 2^-32.
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Fisher–Yates shuffled copy (Durstenfeld's in-place variant, run on a copy); `items` is not touched. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    // floor(u · (i + 1)) is in [0, i] because u < 1.
    const j = Math.floor(random() * (i + 1));
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

/**
 * Approximately standard normal draws (mean 0, variance 1) from `seed`: the Irwin–Hall sum
 * of six uniforms, centred and scaled by √2 (six uniforms have variance 6/12 = ½). Bounded
 * to ±3√2 ≈ ±4.24, which is what synthetic test series want: noise with no wild outliers.
 */
export function gaussian(seed: number): Random {
  const random = mulberry32(seed);
  return () => {
    let sum = 0;
    for (let i = 0; i < 6; i++) sum += random();
    return (sum - 3) * Math.SQRT2;
  };
}
