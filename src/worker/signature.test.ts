import { describe, expect, it } from 'vitest';
import { isOipDatatype, ortTypeToOip, signatureFromOrt, specFromOrt, UnsupportedSignatureError } from './signature.js';

describe('signatureFromOrt', () => {
  it('maps ORT types to OIP datatypes and symbolic dimensions to -1', () => {
    const sig = signatureFromOrt(
      [
        { name: 'input', isTensor: true, type: 'float32', shape: ['batch', 'sequence'] },
        { name: 'sr', isTensor: true, type: 'int64', shape: [] },
        { name: 'mask', isTensor: true, type: 'bool', shape: ['', 3] },
        { name: 'text', isTensor: true, type: 'string', shape: [1] },
        { name: 'half', isTensor: true, type: 'float16', shape: [2] },
      ],
      [{ name: 'output', isTensor: true, type: 'float32', shape: ['batch', 1] }],
    );
    expect(sig).toEqual({
      inputs: [
        { name: 'input', datatype: 'FP32', shape: [-1, -1] },
        { name: 'sr', datatype: 'INT64', shape: [] },
        { name: 'mask', datatype: 'BOOL', shape: [-1, 3] },
        { name: 'text', datatype: 'BYTES', shape: [1] },
        { name: 'half', datatype: 'FP16', shape: [2] },
      ],
      outputs: [{ name: 'output', datatype: 'FP32', shape: [-1, 1] }],
    });
  });

  it('keeps symbolic names in the spec (anonymous dynamic dimensions → null)', () => {
    const spec = specFromOrt([{ name: 'h', isTensor: true, type: 'float32', shape: [2, 'batch', ''] }], []);
    expect(spec.inputs[0]).toEqual({ name: 'h', datatype: 'FP32', shape: [2, -1, -1], dimNames: [null, 'batch', null] });
  });

  it.each([
    ['every ORT element type', ['bool', 'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'string']],
  ])('%s has an OIP datatype', (_label, types) => {
    expect(types.map(ortTypeToOip)).toEqual(['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES']);
  });

  it('refuses tensors OIP cannot carry, naming the tensor', () => {
    expect(() => signatureFromOrt([{ name: 'q', isTensor: true, type: 'int4', shape: [4] }], [])).toThrow(
      new UnsupportedSignatureError('q', 'element type int4 has no OIP datatype'),
    );
    expect(() => signatureFromOrt([], [{ name: 'seq', isTensor: false }])).toThrow('tensor "seq": is not a tensor (sequences and maps cannot be served over OIP)');
  });

  it('isOipDatatype knows exactly the OIP names', () => {
    expect(['FP32', 'BYTES', 'fp32', 'float32', 'toString', 3].map(isOipDatatype)).toEqual([true, true, false, false, false, false]);
  });
});
