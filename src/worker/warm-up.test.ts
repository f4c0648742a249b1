import { describe, expect, it } from 'vitest';
import { specFromOrt } from './signature.js';
import { hasGrowableDims, warmUpInputs, warmUpPlan, WARM_UP_SIZES } from './warm-up.js';

const silero = specFromOrt(
  [
    { name: 'input', isTensor: true, type: 'float32', shape: ['batch', 'sequence'] },
    { name: 'sr', isTensor: true, type: 'int64', shape: [] },
    { name: 'h', isTensor: true, type: 'float32', shape: [2, 'batch', 64] },
  ],
  [],
);
const penguins = specFromOrt([{ name: 'features', isTensor: true, type: 'float32', shape: ['batch', 4] }], []);

describe('warm-up inputs', () => {
  it('batch dimensions (axis 0 anywhere, and that name everywhere) are 1; others take the size', () => {
    const inputs = warmUpInputs(silero, 256);
    expect(inputs.map((i) => [i.name, i.type, i.dims])).toEqual([
      ['input', 'float32', [1, 256]],
      ['sr', 'int64', []],
      ['h', 'float32', [2, 1, 64]],
    ]);
    expect(inputs[0]!.data).toEqual(new Float32Array(256));
    expect(inputs[1]!.data).toEqual(new BigInt64Array(1));
  });

  it('one attempt when only batch dimensions are dynamic, else one per size', () => {
    expect(hasGrowableDims(penguins)).toBe(false);
    expect(warmUpPlan(penguins)).toHaveLength(1);
    expect(hasGrowableDims(silero)).toBe(true);
    expect(warmUpPlan(silero).map((attempt) => attempt[0]!.dims)).toEqual(WARM_UP_SIZES.map((s) => [1, s]));
  });

  it('zeros of every datatype, BYTES as empty strings', () => {
    const spec = specFromOrt(
      [
        { name: 's', isTensor: true, type: 'string', shape: [2] },
        { name: 'b', isTensor: true, type: 'bool', shape: [1] },
        { name: 'f', isTensor: true, type: 'float16', shape: [1] },
      ],
      [],
    );
    expect(warmUpInputs(spec, 1).map((i) => [i.type, i.data])).toEqual([
      ['string', ['', '']],
      ['bool', new Uint8Array(1)],
      ['float16', new Uint16Array(1)],
    ]);
  });
});
