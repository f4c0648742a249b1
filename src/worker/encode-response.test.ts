import { describe, expect, it } from 'vitest';
import { toHalfBits } from './float16.js';
import { encodeInferResponse } from './encode-response.js';

const parse = (json: string): unknown => JSON.parse(json);

describe('encodeInferResponse', () => {
  it('writes the OIP response with flat data, and id only when given', () => {
    const json = encodeInferResponse('penguins', '2', 'req-7', [
      { name: 'probabilities', type: 'float32', dims: [2, 3], data: new Float32Array([0.5, 0.25, 0.25, 1, 0, 0]) },
      { name: 'label', type: 'int64', dims: [2], data: new BigInt64Array([2n, 0n]) },
    ]);
    expect(parse(json)).toEqual({
      model_name: 'penguins',
      model_version: '2',
      id: 'req-7',
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [2, 3], data: [0.5, 0.25, 0.25, 1, 0, 0] },
        { name: 'label', datatype: 'INT64', shape: [2], data: [2, 0] },
      ],
    });
    expect(parse(encodeInferResponse('m', '1', undefined, []))).toEqual({ model_name: 'm', model_version: '1', outputs: [] });
  });

  it('writes the same digits JSON.stringify would for float32 values', () => {
    const data = new Float32Array([0.1, -3.4028234663852886e38, 1e-45, 123456.789]);
    const json = encodeInferResponse('m', '1', undefined, [{ name: 'y', type: 'float32', dims: [4], data }]);
    expect(json).toContain(`"data":${JSON.stringify(Array.from(data))}`);
  });

  it('INT64 beyond ±(2^53 − 1) as decimal strings; non-finite floats as null', () => {
    const json = encodeInferResponse('m', '1', undefined, [
      { name: 'i', type: 'int64', dims: [3], data: new BigInt64Array([2n ** 53n - 1n, 2n ** 53n, -(2n ** 63n)]) },
      { name: 'u', type: 'uint64', dims: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
      { name: 'f', type: 'float64', dims: [4], data: new Float64Array([NaN, Infinity, -Infinity, 1.5]) },
    ]);
    expect(parse(json)).toMatchObject({
      outputs: [
        { data: [9007199254740991, '9007199254740992', '-9223372036854775808'] },
        { datatype: 'UINT64', data: ['18446744073709551615'] },
        { datatype: 'FP64', data: [null, null, null, 1.5] },
      ],
    });
  });

  it('BOOL as booleans, BYTES as strings, FP16 as numbers, integers as numbers', () => {
    const json = encodeInferResponse('m', '1', undefined, [
      { name: 'b', type: 'bool', dims: [2], data: new Uint8Array([1, 0]) },
      { name: 's', type: 'string', dims: [2], data: ['a', 'é"'] },
      { name: 'h', type: 'float16', dims: [2], data: new Uint16Array([toHalfBits(0.5), toHalfBits(-65504)]) },
      { name: 'i8', type: 'int8', dims: [2], data: new Int8Array([-128, 127]) },
    ]);
    expect(parse(json)).toMatchObject({
      outputs: [
        { datatype: 'BOOL', data: [true, false] },
        { datatype: 'BYTES', data: ['a', 'é"'] },
        { datatype: 'FP16', data: [0.5, -65504] },
        { datatype: 'INT8', data: [-128, 127] },
      ],
    });
  });

  it('escapes names', () => {
    expect(parse(encodeInferResponse('a"b', 'v\n', 'i\\d', []))).toEqual({ model_name: 'a"b', model_version: 'v\n', id: 'i\\d', outputs: [] });
  });
});
