import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../spec/random.js';
import { OIP_DATATYPES, type ModelSignature } from '../worker/signature.js';
import { validateInferRequest } from '../worker/validate-request.js';
import { randomRequest } from './random-request.js';

const tensor = fc.record({
  name: fc.stringMatching(/^[a-z]{1,8}$/),
  datatype: fc.constantFrom(...OIP_DATATYPES),
  shape: fc.array(fc.oneof(fc.constant(-1), fc.integer({ min: 1, max: 4 })), { maxLength: 3 }),
});

describe('randomRequest', () => {
  it('property: every request built from a signature passes the worker’s validation', () => {
    fc.assert(
      fc.property(fc.uniqueArray(tensor, { minLength: 1, maxLength: 4, selector: (t) => t.name }), fc.integer(), fc.integer({ min: 1, max: 3 }), (inputs, seed, batch) => {
        const signature: ModelSignature = { inputs, outputs: [] };
        const request = randomRequest(signature, mulberry32(seed), batch);
        expect(validateInferRequest(JSON.parse(JSON.stringify(request)), signature, { allowNonFinite: false })).toMatchObject({ ok: true });
      }),
    );
  });

  it('is reproducible for a seed, and dynamic dimensions take the batch size', () => {
    const signature: ModelSignature = { inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }], outputs: [] };
    const a = randomRequest(signature, mulberry32(7), 3);
    expect(a).toEqual(randomRequest(signature, mulberry32(7), 3));
    expect(a.inputs[0]?.shape).toEqual([3, 4]);
    expect(a.inputs[0]?.data).toHaveLength(12);
  });
});
