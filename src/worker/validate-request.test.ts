// Table tests for the OIP request validator: one row per class of bad request, each with
// the exact message a client would see in the 400 body.

import { describe, expect, it } from 'vitest';
import { specFromOrt, type ModelSpec, type OipDatatype } from './signature.js';
import { validateInferRequest, type ValidationResult } from './validate-request.js';

/** Like the demo penguins model: features FP32 [batch, 4]. */
const penguins: ModelSpec = {
  inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4], dimNames: ['batch', null] }],
  outputs: [
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 3], dimNames: ['batch', null] },
    { name: 'label', datatype: 'INT64', shape: [-1], dimNames: ['batch'] },
  ],
};

/** The Silero VAD metadata exactly as onnxruntime-node 1.30 reports it. */
const silero = specFromOrt(
  [
    { name: 'input', isTensor: true, type: 'float32', shape: ['batch', 'sequence'] },
    { name: 'sr', isTensor: true, type: 'int64', shape: [] },
    { name: 'h', isTensor: true, type: 'float32', shape: [2, 'batch', 64] },
    { name: 'c', isTensor: true, type: 'float32', shape: [2, 'batch', 64] },
  ],
  [
    { name: 'output', isTensor: true, type: 'float32', shape: ['batch', 1] },
    { name: 'hn', isTensor: true, type: 'float32', shape: [2, 'batch', 64] },
    { name: 'cn', isTensor: true, type: 'float32', shape: [2, 'batch', 64] },
  ],
);

/** A model with one input "x" of the given type and shape. */
const one = (datatype: OipDatatype, shape: number[] = [-1]): ModelSpec => ({
  inputs: [{ name: 'x', datatype, shape, dimNames: shape.map(() => null) }],
  outputs: [{ name: 'y', datatype, shape, dimNames: shape.map(() => null) }],
});

const strict = { allowNonFinite: false };
const zeros = (n: number): number[] => new Array<number>(n).fill(0);
const x = (datatype: OipDatatype, data: unknown[], shape = [data.length]) => ({ inputs: [{ name: 'x', datatype, shape, data }] });
const features = (shape: unknown, data: unknown, datatype: unknown = 'FP32') => ({ inputs: [{ name: 'features', shape, datatype, data }] });
const sileroInputs = (batch: number, hBatch = batch) => [
  { name: 'input', datatype: 'FP32', shape: [batch, 3], data: zeros(batch * 3) },
  { name: 'sr', datatype: 'INT64', shape: [], data: [16000] },
  { name: 'h', datatype: 'FP32', shape: [2, hBatch, 64], data: zeros(2 * hBatch * 64) },
  { name: 'c', datatype: 'FP32', shape: [2, batch, 64], data: zeros(2 * batch * 64) },
];

function ok(result: ValidationResult) {
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result;
}

describe('validateInferRequest refuses, naming the problem', () => {
  const cases: [string, ModelSpec, unknown, string][] = [
    ['body is null', penguins, null, 'request body must be a JSON object'],
    ['body is an array', penguins, [], 'request body must be a JSON object'],
    ['body is a string', penguins, 'features', 'request body must be a JSON object'],
    ['inputs missing', penguins, {}, 'request must have a non-empty "inputs" array'],
    ['inputs empty', penguins, { inputs: [] }, 'request must have a non-empty "inputs" array'],
    ['inputs not an array', penguins, { inputs: { features: [] } }, 'request must have a non-empty "inputs" array'],
    ['input not an object', penguins, { inputs: [7] }, 'inputs[0] must be an object with name, shape, datatype and data'],
    ['input name not a string', penguins, { inputs: [{ name: 3 }] }, 'inputs[0].name must be a string'],
    ['unknown input', penguins, { inputs: [{ name: 'featurez', shape: [1, 4], datatype: 'FP32', data: zeros(4) }] }, 'unknown input "featurez"; this model takes: features'],
    ['missing input', silero, { inputs: sileroInputs(1).filter((i) => i.name !== 'sr') }, 'missing input "sr"'],
    ['missing inputs', silero, { inputs: sileroInputs(1).slice(0, 1) }, 'missing inputs "sr", "h", "c"'],
    ['duplicate input', penguins, { inputs: [features([1, 4], zeros(4)).inputs[0], features([1, 4], zeros(4)).inputs[0]] }, 'input "features" appears twice'],
    ['wrong datatype', penguins, features([1, 4], zeros(4), 'INT64'), 'input "features": expected datatype FP32, got INT64'],
    ['datatype missing', penguins, { inputs: [{ name: 'features', shape: [1, 4], data: zeros(4) }] }, 'input "features": expected datatype FP32, got undefined'],
    ['datatype lower-case', penguins, features([1, 4], zeros(4), 'fp32'), 'input "features": expected datatype FP32, got fp32'],
    ['shape not an array', penguins, features('1x4', zeros(4)), 'input "features": shape must be an array of non-negative integers, got "1x4"'],
    ['negative dimension', penguins, features([-1, 4], zeros(4)), 'input "features": shape must be an array of non-negative integers, got [-1,4]'],
    ['fractional dimension', penguins, features([1.5, 4], zeros(4)), 'input "features": shape must be an array of non-negative integers, got [1.5,4]'],
    ['wrong rank', penguins, features([4], zeros(4)), 'input "features": shape [4] does not match [-1,4] (rank 1, needs 2)'],
    ['scalar given a dimension', silero, { inputs: [{ name: 'sr', datatype: 'INT64', shape: [1], data: [16000] }] }, 'input "sr": shape [1] does not match [] (rank 1, needs 0)'],
    ['wrong fixed dimension', penguins, features([2, 5], zeros(10)), 'input "features": shape [2,5] does not match [-1,4] (dimension 1 must be 4)'],
    ['symbolic dimension differs across inputs', silero, { inputs: sileroInputs(2, 3) }, 'input "h": shape [2,3,64] gives batch = 3, but input "input" gives batch = 2'],
    ['too many values', one('FP32', [-1, -1]), x('FP32', zeros(8), [2, 3]), 'input "x": 8 values for shape [2,3] (needs 6)'],
    ['too few values', penguins, features([2, 4], zeros(6)), 'input "features": 6 values for shape [2,4] (needs 8)'],
    ['one value for a scalar-less shape', penguins, features([0, 4], [1]), 'input "features": 1 value for shape [0,4] (needs 0)'],
    ['data not an array', penguins, features([1, 4], '0,0,0,0'), 'input "features": data must be an array'],
    ['data nested too deep', penguins, features([1, 4], [[[1, 2, 3, 4]]]), 'input "features": data is nested deeper than shape [1,4] allows'],
    ['input parameters not an object', penguins, { inputs: [{ ...features([1, 4], zeros(4)).inputs[0], parameters: [] }] }, 'input "features": parameters must be an object'],
    ['non-integer for INT32', one('INT32'), x('INT32', [1, 1.5]), 'input "x": value at index 1 (1.5) is not an integer; INT32 takes integers'],
    ['string for INT32', one('INT32'), x('INT32', ['1']), 'input "x": value at index 0 is a string ("1"); INT32 takes integers'],
    ['over INT8 max', one('INT8'), x('INT8', [127, 128]), 'input "x": value at index 1 (128) is out of range for INT8 [-128, 127]'],
    ['under INT8 min', one('INT8'), x('INT8', [-129]), 'input "x": value at index 0 (-129) is out of range for INT8 [-128, 127]'],
    ['negative UINT8', one('UINT8'), x('UINT8', [0, -1]), 'input "x": value at index 1 (-1) is out of range for UINT8 [0, 255]'],
    ['over UINT8 max', one('UINT8'), x('UINT8', [256]), 'input "x": value at index 0 (256) is out of range for UINT8 [0, 255]'],
    ['over UINT32 max', one('UINT32'), x('UINT32', [2 ** 32]), 'input "x": value at index 0 (4294967296) is out of range for UINT32 [0, 4294967295]'],
    ['Infinity from JSON 1e999', penguins, JSON.parse('{"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32","data":[1,2,3,1e999]}]}'), 'input "features": value at index 3 is not finite (Infinity); this model does not accept non-finite values'],
    ['-Infinity', penguins, features([1, 4], [-Infinity, 0, 0, 0]), 'input "features": value at index 0 is not finite (-Infinity); this model does not accept non-finite values'],
    ['NaN', one('FP64'), x('FP64', [0, NaN]), 'input "x": value at index 1 is not finite (NaN); this model does not accept non-finite values'],
    ['the string "NaN" is not a number', one('FP32'), x('FP32', ['NaN']), 'input "x": value at index 0 is a string ("NaN"); FP32 takes JSON numbers'],
    ['the string "Infinity" is not a number', one('FP64'), x('FP64', ['Infinity']), 'input "x": value at index 0 is a string ("Infinity"); FP64 takes JSON numbers'],
    ['null for FP32', one('FP32'), x('FP32', [null]), 'input "x": value at index 0 is null; FP32 takes JSON numbers'],
    ['finite FP64 that overflows FP32', one('FP32'), x('FP32', [1e39]), 'input "x": value at index 0 (1e+39) is out of range for FP32 (it would round to Infinity); this model does not accept non-finite values'],
    ['finite number that overflows FP16', one('FP16'), x('FP16', [65520]), 'input "x": value at index 0 (65520) is out of range for FP16 (it would round to Infinity); this model does not accept non-finite values'],
    ['INT64 string out of range', one('INT64'), x('INT64', ['9223372036854775808']), 'input "x": value at index 0 (9223372036854775808) is out of range for INT64 [-9223372036854775808, 9223372036854775807]'],
    ['INT64 hex string', one('INT64'), x('INT64', ['0x10']), 'input "x": value at index 0 is a string ("0x10"), not a decimal integer; INT64 takes integers or decimal strings'],
    ['INT64 number beyond 2^53', one('INT64'), x('INT64', [2 ** 53]), 'input "x": value at index 0 (9007199254740992) is beyond ±9007199254740991 and may have lost precision in JSON; send INT64 values this large as decimal strings'],
    ['INT64 fraction', one('INT64'), x('INT64', [0.5]), 'input "x": value at index 0 (0.5) is not an integer; INT64 takes integers'],
    ['negative UINT64', one('UINT64'), x('UINT64', [-1]), 'input "x": value at index 0 (-1) is out of range for UINT64 [0, 18446744073709551615]'],
    ['number for BOOL', one('BOOL'), x('BOOL', [true, 1]), 'input "x": value at index 1 is a number (1); BOOL takes true or false'],
    ['number for BYTES', one('BYTES'), x('BYTES', ['a', 3]), 'input "x": value at index 1 is a number (3); BYTES takes strings'],
    ['unknown requested output', penguins, { ...features([1, 4], zeros(4)), outputs: [{ name: 'labels' }] }, 'unknown output "labels"; this model returns: probabilities, label'],
    ['output requested twice', penguins, { ...features([1, 4], zeros(4)), outputs: [{ name: 'label' }, { name: 'label' }] }, 'output "label" requested twice'],
    ['outputs not an array', penguins, { ...features([1, 4], zeros(4)), outputs: 'label' }, '"outputs" must be an array of {"name": …} objects'],
    ['output without a name', penguins, { ...features([1, 4], zeros(4)), outputs: [{}] }, 'outputs[0] must be an object with a string "name"'],
    ['numeric id', penguins, { ...features([1, 4], zeros(4)), id: 42 }, '"id" must be a string, got 42'],
    ['parameters not an object', penguins, { ...features([1, 4], zeros(4)), parameters: 'fast' }, '"parameters" must be an object'],
  ];

  it.each(cases)('%s', (_label, spec, body, message) => {
    expect(validateInferRequest(body, spec, strict)).toEqual({ ok: false, error: message });
  });
});

describe('validateInferRequest accepts and decodes', () => {
  it('FP32 rows into one Float32Array with the request shape', () => {
    const r = ok(validateInferRequest(features([2, 4], [1, 2, 3, 4, 5, 6, 7, 8]), penguins, strict));
    expect(r.inputs).toEqual([{ name: 'features', type: 'float32', dims: [2, 4], data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]) }]);
    expect(r.outputs).toBeUndefined();
  });

  it('flattens nested (row-major) data', () => {
    const r = ok(validateInferRequest(features([2, 4], [[1, 2, 3, 4], [5, 6, 7, 8]]), penguins, strict));
    expect(r.inputs[0]!.data).toEqual(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]));
  });

  it('non-finite values when the model allows them', () => {
    const body = JSON.parse('{"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32","data":[1e999,-1e999,1e39,0]}]}') as unknown;
    const r = ok(validateInferRequest(body, penguins, { allowNonFinite: true }));
    expect(Array.from(r.inputs[0]!.data as Float32Array)).toEqual([Infinity, -Infinity, Infinity, 0]);
    expect(Number.isNaN((ok(validateInferRequest(x('FP64', [NaN]), one('FP64'), { allowNonFinite: true })).inputs[0]!.data as Float64Array)[0])).toBe(true);
  });

  it('INT64 as numbers and as decimal strings, to a BigInt64Array', () => {
    const r = ok(validateInferRequest(x('INT64', [5, '-9223372036854775808', '9223372036854775807', -7]), one('INT64'), strict));
    expect(r.inputs[0]).toEqual({ name: 'x', type: 'int64', dims: [4], data: new BigInt64Array([5n, -(2n ** 63n), 2n ** 63n - 1n, -7n]) });
  });

  it('UINT64 up to 2^64 − 1', () => {
    const r = ok(validateInferRequest(x('UINT64', ['18446744073709551615', 0]), one('UINT64'), strict));
    expect(r.inputs[0]!.data).toEqual(new BigUint64Array([2n ** 64n - 1n, 0n]));
  });

  it('BOOL to bytes, BYTES to strings, FP16 to half bits', () => {
    expect(ok(validateInferRequest(x('BOOL', [true, false]), one('BOOL'), strict)).inputs[0]).toMatchObject({ type: 'bool', data: new Uint8Array([1, 0]) });
    expect(ok(validateInferRequest(x('BYTES', ['a', '']), one('BYTES'), strict)).inputs[0]).toMatchObject({ type: 'string', data: ['a', ''] });
    expect(ok(validateInferRequest(x('FP16', [1, 0.5, -2]), one('FP16'), strict)).inputs[0]).toMatchObject({ type: 'float16', data: new Uint16Array([0x3c00, 0x3800, 0xc000]) });
  });

  it('every integer type at the edges of its range', () => {
    const edges: [OipDatatype, number, number][] = [
      ['INT8', -128, 127], ['UINT8', 0, 255], ['INT16', -32768, 32767], ['UINT16', 0, 65535],
      ['INT32', -(2 ** 31), 2 ** 31 - 1], ['UINT32', 0, 2 ** 32 - 1],
    ];
    for (const [datatype, min, max] of edges) {
      expect(Array.from(ok(validateInferRequest(x(datatype, [min, max]), one(datatype), strict)).inputs[0]!.data as Int32Array)).toEqual([min, max]);
    }
  });

  it('a scalar and a consistent symbolic batch across inputs, with id, outputs and parameters', () => {
    const body = { id: 'req-1', parameters: { trace: true }, inputs: sileroInputs(2), outputs: [{ name: 'output' }] };
    const r = ok(validateInferRequest(body, silero, strict));
    expect(r.inputs.map((i) => [i.name, i.dims, i.data.length])).toEqual([
      ['input', [2, 3], 6], ['sr', [], 1], ['h', [2, 2, 64], 256], ['c', [2, 2, 64], 256],
    ]);
    expect(r.inputs[1]!.data).toEqual(new BigInt64Array([16000n]));
    expect(r).toMatchObject({ id: 'req-1', outputs: ['output'], parameters: { trace: true } });
  });

  it('inputs in any order; "outputs": [] means all outputs', () => {
    const r = ok(validateInferRequest({ inputs: sileroInputs(1).reverse(), outputs: [] }, silero, strict));
    expect(r.inputs.map((i) => i.name)).toEqual(['c', 'h', 'sr', 'input']);
    expect(r.outputs).toBeUndefined();
  });

  it('zero-size dimensions (an empty batch)', () => {
    expect(ok(validateInferRequest(features([0, 4], []), penguins, strict)).inputs[0]!.data).toEqual(new Float32Array(0));
  });

  it('without symbolic names (a plain ModelSignature) dynamic dimensions are independent', () => {
    const plain = { inputs: silero.inputs.map(({ name, datatype, shape }) => ({ name, datatype, shape })), outputs: silero.outputs };
    expect(validateInferRequest({ inputs: sileroInputs(2, 3) }, plain, strict).ok).toBe(true);
  });
});
