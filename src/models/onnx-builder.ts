// A small typed builder for ONNX models: declare inputs, outputs, initializers and nodes,
// then encode a ModelProto with protobufjs (schema in onnx-schema.ts). Used to write the
// demo models in examples/models; the serving path never imports it.
//
// Same inputs → same bytes: protobufjs writes fields in field-number order, lists keep the
// caller's order, attribute and metadata keys are sorted, and nothing reads the clock.
import { AttributeType, DataType, ModelProto } from './onnx-schema.js';

export type ElemType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'string';
/** A fixed size, or a symbolic name such as 'batch' (ONNX dim_param). */
export type Dim = number | string;

export interface ValueInfo {
  readonly name: string;
  readonly elemType: ElemType;
  readonly shape: readonly Dim[];
}

/** Tensor data, row-major. Stored little-endian in TensorProto.raw_data, as ONNX requires. */
export interface TensorValue {
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

export type Attribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'tensor'; readonly value: TensorValue };

/** Tagged constructors: a JS number alone cannot say whether ONNX wants INT or FLOAT. */
export const attr = {
  int: (value: number): Attribute => ({ kind: 'int', value }),
  float: (value: number): Attribute => ({ kind: 'float', value }),
  ints: (value: readonly number[]): Attribute => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): Attribute => ({ kind: 'floats', value }),
  string: (value: string): Attribute => ({ kind: 'string', value }),
  tensor: (value: TensorValue): Attribute => ({ kind: 'tensor', value }),
};

export interface NodeSpec {
  readonly opType: string;
  readonly inputs: readonly string[]; // '' marks an omitted optional input, as in ONNX
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, Attribute>>;
}

export interface ModelOptions {
  readonly opset?: number; // default 17
  readonly irVersion?: number; // default 8 (ONNX 1.10+, read by every current runtime)
  readonly producerName?: string; // default 'rollcast'
  readonly producerVersion?: string;
  readonly modelVersion?: number;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Everything wrong with a graph, found in one pass, so the author fixes them all at once. */
export class OnnxBuildError extends Error {
  override readonly name = 'OnnxBuildError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid ONNX graph:\n  ${problems.join('\n  ')}`);
  }
}

const ELEM_TYPES: Record<ElemType, number> = {
  float32: DataType.FLOAT,
  float64: DataType.DOUBLE,
  int32: DataType.INT32,
  int64: DataType.INT64,
  bool: DataType.BOOL,
  string: DataType.STRING,
};

export class GraphBuilder {
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly initializers: { name: string; tensor: TensorValue }[] = [];
  private readonly nodes: NodeSpec[] = [];

  constructor(private readonly graphName: string) {}

  input(info: ValueInfo): this {
    this.inputs.push(info);
    return this;
  }

  output(info: ValueInfo): this {
    this.outputs.push(info);
    return this;
  }

  initializer(name: string, tensor: TensorValue): this {
    this.initializers.push({ name, tensor });
    return this;
  }

  /** Nodes must be added in topological order (ONNX requires it of a graph's node list). */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attributes?: Record<string, Attribute>): this {
    this.nodes.push({ opType, inputs, outputs, ...(attributes ? { attributes } : {}) });
    return this;
  }

  /** Validates the whole graph, then encodes the ModelProto. Throws OnnxBuildError listing every problem. */
  toBytes(options: ModelOptions = {}): Uint8Array {
    const problems = this.validate();
    if (problems.length > 0) throw new OnnxBuildError(problems);
    const model = {
      ir_version: options.irVersion ?? 8,
      producer_name: options.producerName ?? 'rollcast',
      ...(options.producerVersion !== undefined ? { producer_version: options.producerVersion } : {}),
      ...(options.modelVersion !== undefined ? { model_version: options.modelVersion } : {}),
      ...(options.docString !== undefined ? { doc_string: options.docString } : {}),
      graph: {
        name: this.graphName,
        node: this.nodes.map((n, i) => encodeNode(n, i)),
        initializer: this.initializers.map(({ name, tensor }) => encodeTensor(tensor, name)),
        input: this.inputs.map(encodeValueInfo),
        output: this.outputs.map(encodeValueInfo),
      },
      opset_import: [{ domain: '', version: options.opset ?? 17 }],
      metadata_props: sortedEntries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    };
    // encode() returns a Buffer that may share Node's pool; hand back a standalone copy.
    return new Uint8Array(ModelProto.encode(ModelProto.fromObject(model)).finish());
  }

  private validate(): string[] {
    const problems: string[] = [];
    const defined = new Set<string>();
    const define = (name: string, what: string): void => {
      if (name === '') problems.push(`${what} has an empty name`);
      else if (defined.has(name)) problems.push(`${what} '${name}' is defined twice`);
      defined.add(name);
    };
    for (const v of this.inputs) {
      define(v.name, 'input');
      problems.push(...shapeProblems(v));
    }
    for (const { name, tensor } of this.initializers) {
      define(name, 'initializer');
      problems.push(...tensorProblems(tensor, `initializer '${name}'`));
    }
    this.nodes.forEach((n, i) => {
      const where = `node ${i} (${n.opType})`;
      for (const name of n.inputs) {
        if (name !== '' && !defined.has(name)) problems.push(`${where} reads '${name}', which no earlier input, initializer or node defines`);
      }
      for (const name of n.outputs) define(name, `${where} output`);
      for (const [key, a] of Object.entries(n.attributes ?? {})) problems.push(...attributeProblems(a, `${where} attribute '${key}'`));
    });
    for (const v of this.outputs) {
      if (!defined.has(v.name)) problems.push(`output '${v.name}' is not produced by any node, input or initializer`);
      problems.push(...shapeProblems(v));
    }
    return problems;
  }
}

function shapeProblems(v: ValueInfo): string[] {
  return v.shape.flatMap((d, i) =>
    (typeof d === 'number' ? Number.isSafeInteger(d) && d >= 0 : d !== '')
      ? []
      : [`'${v.name}' shape[${i}] = ${JSON.stringify(d)}, must be an integer ≥ 0 or a non-empty symbolic name`],
  );
}

function tensorProblems(t: TensorValue, what: string): string[] {
  if (!t.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) return [`${what} dims = [${t.dims.join(', ')}], must be integers ≥ 0`];
  // An empty dims list is a scalar: the product of no factors is 1.
  const size = t.dims.reduce((a, b) => a * b, 1);
  return size === t.data.length ? [] : [`${what} has ${t.data.length} values, dims [${t.dims.join(', ')}] need ${size}`];
}

function attributeProblems(a: Attribute, what: string): string[] {
  switch (a.kind) {
    case 'int':
      return Number.isSafeInteger(a.value) ? [] : [`${what} = ${a.value}, must be a safe integer`];
    case 'ints':
      return a.value.every(Number.isSafeInteger) ? [] : [`${what} = [${a.value.join(', ')}], must be safe integers`];
    case 'tensor':
      return tensorProblems(a.value, what);
    case 'float':
    case 'floats':
    case 'string':
      return [];
  }
}

function sortedEntries<V>(record: Readonly<Record<string, V>>): [string, V][] {
  // Code-unit order (not localeCompare) so the byte output cannot depend on the host locale.
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function encodeValueInfo(v: ValueInfo): object {
  const dim = v.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name: v.name, type: { tensor_type: { elem_type: ELEM_TYPES[v.elemType], shape: { dim } } } };
}

function encodeTensor(t: TensorValue, name?: string): object {
  const isFloat = t.data instanceof Float32Array;
  const raw = new Uint8Array(t.data.length * (isFloat ? 4 : 8));
  const view = new DataView(raw.buffer);
  // Explicit little-endian writes: the bytes do not depend on the host's endianness.
  if (t.data instanceof Float32Array) t.data.forEach((x, i) => view.setFloat32(i * 4, x, true));
  else t.data.forEach((x, i) => view.setBigInt64(i * 8, x, true));
  return {
    ...(name !== undefined ? { name } : {}),
    dims: [...t.dims],
    data_type: isFloat ? DataType.FLOAT : DataType.INT64,
    raw_data: raw,
  };
}

function encodeNode(n: NodeSpec, index: number): object {
  return {
    input: [...n.inputs],
    output: [...n.outputs],
    // A stable name from the position: runtimes cite node names in their errors.
    name: `${n.opType.toLowerCase()}_${index}`,
    op_type: n.opType, // default domain (ai.onnx); custom-op domains are not needed yet
    attribute: sortedEntries(n.attributes ?? {}).map(([key, a]) => encodeAttribute(key, a)),
  };
}

function encodeAttribute(name: string, a: Attribute): object {
  switch (a.kind) {
    case 'int':
      return { name, type: AttributeType.INT, i: a.value };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: a.value };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: [...a.value] };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: [...a.value] };
    case 'string':
      return { name, type: AttributeType.STRING, s: new TextEncoder().encode(a.value) };
    case 'tensor':
      return { name, type: AttributeType.TENSOR, t: encodeTensor(a.value) };
  }
}
