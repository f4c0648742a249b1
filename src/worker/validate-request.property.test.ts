// Property: any request that is valid by construction for a generated signature passes the
// validator and decodes to typed arrays of length product(shape), holding the sent values.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHalfBits, toHalfBits } from './float16.js';
import { OIP_DATATYPES, OIP_TO_ORT, type ModelSpec, type OipDatatype, type TensorSpec } from './signature.js';
import { validateInferRequest } from './validate-request.js';

/** Valid JSON values for each datatype (what a well-behaved client sends). */
const INT64_MIN = -(2n ** 63n);
const values: Record<OipDatatype, fc.Arbitrary<unknown>> = {
  BOOL: fc.boolean(),
  UINT8: fc.integer({ min: 0, max: 255 }),
  UINT16: fc.integer({ min: 0, max: 65535 }),
  UINT32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  UINT64: fc.oneof(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String)),
  INT8: fc.integer({ min: -128, max: 127 }),
  INT16: fc.integer({ min: -32768, max: 32767 }),
  INT32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  INT64: fc.oneof(fc.maxSafeInteger(), fc.bigInt({ min: INT64_MIN, max: -INT64_MIN - 1n }).map(String)),
  FP16: fc.double({ min: -65504, max: 65504, noNaN: true }),
  FP32: fc.float({ noNaN: true, noDefaultInfinity: true }),
  FP64: fc.double({ noNaN: true, noDefaultInfinity: true }),
  BYTES: fc.string(),
};

/** A dimension: fixed (0–3), anonymous dynamic, or one of two shared symbolic names. */
const dim = fc.oneof(
  fc.integer({ min: 0, max: 3 }).map((d) => ({ size: d, name: null as string | null })),
  fc.constantFrom('batch', 'seq', null).map((name) => ({ size: -1, name })),
);

const tensorSpec = (name: string): fc.Arbitrary<TensorSpec> =>
  fc.record({ datatype: fc.constantFrom(...OIP_DATATYPES), dims: fc.array(dim, { maxLength: 3 }) }).map(({ datatype, dims }) => ({
    name,
    datatype,
    shape: dims.map((d) => d.size),
    dimNames: dims.map((d) => d.name),
  }));

const modelSpec: fc.Arbitrary<ModelSpec> = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), { minLength: 1, maxLength: 4 })
  .chain((names) => fc.tuple(...names.map(tensorSpec)))
  .map((inputs) => ({ inputs, outputs: [] }));

/** Nests a flat row-major array according to shape (the other form OIP allows). */
function nest(flat: unknown[], shape: number[]): unknown[] {
  if (shape.length <= 1 || flat.length === 0) return flat;
  const [first, ...rest] = shape;
  const stride = flat.length / first!;
  return Array.from({ length: first! }, (_, i) => nest(flat.slice(i * stride, (i + 1) * stride), rest));
}

/** The value ORT will see for a JSON value of this datatype. */
function expected(datatype: OipDatatype, v: unknown): unknown {
  if (datatype === 'INT64' || datatype === 'UINT64') return BigInt(v as number | string);
  if (datatype === 'BOOL') return v ? 1 : 0;
  if (datatype === 'FP32') return Math.fround(v as number);
  if (datatype === 'FP16') return fromHalfBits(toHalfBits(v as number));
  return v;
}

const requestFor = (spec: ModelSpec) =>
  fc
    .record({
      symbols: fc.record({ batch: fc.integer({ min: 0, max: 3 }), seq: fc.integer({ min: 0, max: 3 }) }),
      anonymous: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 12, maxLength: 12 }),
      order: fc.shuffledSubarray(spec.inputs.map((_, i) => i), { minLength: spec.inputs.length }),
      nested: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    })
    .chain(({ symbols, anonymous, order, nested }) => {
      const shapes = spec.inputs.map((t, k) => t.shape.map((d, i) => (d !== -1 ? d : t.dimNames[i] ? symbols[t.dimNames[i] as 'batch' | 'seq'] : anonymous[k * 3 + i]!)));
      const datas = spec.inputs.map((t, k) => fc.array(values[t.datatype], { minLength: shapes[k]!.reduce((a, b) => a * b, 1), maxLength: shapes[k]!.reduce((a, b) => a * b, 1) }));
      return fc.tuple(...datas).map((data) => ({ shapes, data, order, nested }));
    });

describe('validateInferRequest (property)', () => {
  it('accepts every valid request and decodes product(shape) values of the right type', () => {
    fc.assert(
      fc.property(modelSpec.chain((spec) => requestFor(spec).map((req) => ({ spec, req }))), ({ spec, req }) => {
        const body = {
          inputs: req.order.map((k) => ({
            name: spec.inputs[k]!.name,
            datatype: spec.inputs[k]!.datatype,
            shape: req.shapes[k],
            data: req.nested[k] ? nest(req.data[k]!, req.shapes[k]!) : req.data[k],
          })),
        };
        // Through the wire format, as the server sees it.
        const result = validateInferRequest(JSON.parse(JSON.stringify(body)), spec, { allowNonFinite: false });
        if (!result.ok) throw new Error(result.error);
        expect(result.inputs).toHaveLength(spec.inputs.length);
        for (const input of result.inputs) {
          const k = spec.inputs.findIndex((t) => t.name === input.name);
          const t = spec.inputs[k]!;
          expect(input.type).toBe(OIP_TO_ORT[t.datatype]);
          expect(input.dims).toEqual(req.shapes[k]);
          expect(input.data.length).toBe(req.shapes[k]!.reduce((a, b) => a * b, 1));
          const decoded = t.datatype === 'FP16' ? Array.from(input.data as Uint16Array, fromHalfBits) : Array.from(input.data as ArrayLike<unknown>);
          expect(decoded).toEqual(req.data[k]!.map((v) => expected(t.datatype, JSON.parse(JSON.stringify(v)))));
        }
      }),
      { numRuns: 300 },
    );
  });
});
