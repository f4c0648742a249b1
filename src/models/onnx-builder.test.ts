// The builder's bytes are real ONNX: onnxruntime-node loads them and computes the numbers a
// hand calculation predicts, every attribute kind arrives intact, and bad graphs are refused
// with every problem listed.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, OnnxBuildError, attr } from './onnx-builder.js';
import { ModelProto } from './onnx-schema.js';

const f32 = (values: number[], dims: number[]): ort.Tensor => new ort.Tensor('float32', Float32Array.from(values), dims);

function affine(metadata: Record<string, string> = {}): Uint8Array {
  return new GraphBuilder('affine')
    .input({ name: 'x', elemType: 'float32', shape: ['batch', 2] })
    .initializer('w', { dims: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) })
    .initializer('b', { dims: [3], data: Float32Array.from([0.5, -1, 10]) })
    .node('MatMul', ['x', 'w'], ['xw'])
    .node('Add', ['xw', 'b'], ['y'])
    .output({ name: 'y', elemType: 'float32', shape: ['batch', 3] })
    .toBytes({ metadata });
}

describe('GraphBuilder', () => {
  it('MatMul + Add compute x·W + b in onnxruntime, with a symbolic batch dimension', async () => {
    const session = await ort.InferenceSession.create(affine());
    expect(session.inputMetadata).toEqual([{ name: 'x', isTensor: true, type: 'float32', shape: ['batch', 2] }]);
    expect(session.outputMetadata).toEqual([{ name: 'y', isTensor: true, type: 'float32', shape: ['batch', 3] }]);
    // Row [1, 1]: [1+4, 2+5, 3+6] + b = [5.5, 6, 19]; row [2, 0]: [2, 4, 6] + b = [2.5, 3, 16].
    const { y } = await session.run({ x: f32([1, 1, 2, 0], [2, 2]) });
    expect(y?.dims).toEqual([2, 3]);
    expect(Array.from(y?.data as Float32Array)).toEqual([5.5, 6, 19, 2.5, 3, 16]);
    await session.release();
  });

  it('encodes every attribute kind: int, float, ints, floats, string, tensor', async () => {
    const bytes = new GraphBuilder('attributes')
      .input({ name: 'x', elemType: 'float32', shape: [2, 3] })
      .node('LeakyRelu', ['x'], ['leaky'], { alpha: attr.float(0.25) })
      .node('Transpose', ['leaky'], ['t'], { perm: attr.ints([1, 0]) })
      .node('Constant', [], ['one'], { value_int: attr.int(-7) })
      .node('Constant', [], ['many'], { value_floats: attr.floats([1.5, -2.5]) })
      .node('Constant', [], ['word'], { value_string: attr.string('pingüino') })
      .node('Constant', [], ['table'], { value: attr.tensor({ dims: [2], data: BigInt64Array.from([3n, -(2n ** 40n)]) }) })
      .output({ name: 't', elemType: 'float32', shape: [3, 2] })
      .output({ name: 'one', elemType: 'int64', shape: [] })
      .output({ name: 'many', elemType: 'float32', shape: [2] })
      .output({ name: 'table', elemType: 'int64', shape: [2] })
      .output({ name: 'word', elemType: 'string', shape: [] })
      .toBytes();
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ x: f32([-4, 0, 4, 8, -8, 1], [2, 3]) });
    // LeakyRelu(α = 0.25): [-1, 0, 4, 8, -2, 1], then transposed to 3×2.
    expect(Array.from(out['t']?.data as Float32Array)).toEqual([-1, 8, 0, -2, 4, 1]);
    expect(Array.from(out['one']?.data as BigInt64Array)).toEqual([-7n]);
    expect(Array.from(out['many']?.data as Float32Array)).toEqual([1.5, -2.5]);
    // A value below -2^32 proves int64 raw_data is written as 8 little-endian bytes.
    expect(Array.from(out['table']?.data as BigInt64Array)).toEqual([3n, -(2n ** 40n)]);
    expect(out['word']?.data).toEqual(['pingüino']);
    await session.release();
  });

  it('writes ir_version 8, opset 17, producer rollcast and sorted metadata_props', () => {
    const decoded = ModelProto.toObject(ModelProto.decode(affine({ 'z.last': '2', 'rollcast.version': '1' })), { longs: Number });
    expect(decoded).toMatchObject({
      ir_version: 8,
      producer_name: 'rollcast',
      opset_import: [{ domain: '', version: 17 }],
      metadata_props: [{ key: 'rollcast.version', value: '1' }, { key: 'z.last', value: '2' }],
    });
  });

  it('gives identical bytes for the same graph, whatever the metadata key order', () => {
    const a = affine({ a: '1', b: '2' });
    const b = affine({ b: '2', a: '1' });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(affine({ a: '1', b: '3' })))).toBe(false);
  });

  it('refuses an invalid graph with every problem listed at once', () => {
    const build = (): Uint8Array =>
      new GraphBuilder('broken')
        .input({ name: 'x', elemType: 'float32', shape: ['batch', -1] })
        .initializer('w', { dims: [2, 2], data: new Float32Array(3) })
        .node('MatMul', ['x', 'missing'], ['y'])
        .node('Relu', ['y'], ['x'])
        .node('Softmax', ['y'], ['p'], { axis: attr.int(1.5) })
        .output({ name: 'nowhere', elemType: 'float32', shape: [] })
        .toBytes();
    expect(build).toThrow(OnnxBuildError);
    try {
      build();
    } catch (error) {
      expect((error as OnnxBuildError).name).toBe('OnnxBuildError');
      expect((error as OnnxBuildError).problems).toEqual([
        `'x' shape[1] = -1, must be an integer ≥ 0 or a non-empty symbolic name`,
        `initializer 'w' has 3 values, dims [2, 2] need 4`,
        `node 0 (MatMul) reads 'missing', which no earlier input, initializer or node defines`,
        `node 1 (Relu) output 'x' is defined twice`,
        `node 2 (Softmax) attribute 'axis' = 1.5, must be a safe integer`,
        `output 'nowhere' is not produced by any node, input or initializer`,
      ]);
    }
  });
});
