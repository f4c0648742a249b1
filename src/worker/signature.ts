// A model's tensor signature in Open Inference Protocol (OIP v2) terms, derived from the
// metadata ONNX Runtime reports. Pure: no I/O and no onnxruntime import, so the validator,
// the gateway and tests can use it without loading the native binding.

export type OipDatatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64'
  | 'INT8' | 'INT16' | 'INT32' | 'INT64'
  | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

export const OIP_DATATYPES: readonly OipDatatype[] = [
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64',
  'FP16', 'FP32', 'FP64', 'BYTES',
];

/** One tensor as OIP metadata shows it: `shape` uses -1 for a dynamic dimension. */
export interface TensorSignature {
  name: string;
  datatype: OipDatatype;
  shape: number[];
}

/** What a model takes and returns; this is what the worker reports in its `ready` message. */
export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

/**
 * The signature plus the symbolic names of dynamic dimensions (`dimNames[i]` is the name of
 * dimension i, or null when it is fixed or anonymous). The names let the validator require
 * that `batch` has the same value in every input that uses it; OIP metadata cannot carry
 * them, so they stay inside the worker.
 */
export interface TensorSpec extends TensorSignature {
  dimNames: (string | null)[];
}

export interface ModelSpec {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/**
 * The part of `ort.InferenceSession.ValueMetadata` we read. A string dimension is symbolic
 * (dynamic); ORT reports an anonymous dynamic dimension as an empty string.
 */
export interface OrtValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}

/** ORT tensor element type → OIP datatype; ORT's 'string' tensors travel as OIP BYTES. */
const ORT_TO_OIP: Readonly<Record<string, OipDatatype>> = {
  bool: 'BOOL', uint8: 'UINT8', uint16: 'UINT16', uint32: 'UINT32', uint64: 'UINT64',
  int8: 'INT8', int16: 'INT16', int32: 'INT32', int64: 'INT64',
  float16: 'FP16', float32: 'FP32', float64: 'FP64', string: 'BYTES',
};

/** OIP datatype → the ORT tensor type string `new ort.Tensor(type, data, dims)` expects. */
export const OIP_TO_ORT = {
  BOOL: 'bool', UINT8: 'uint8', UINT16: 'uint16', UINT32: 'uint32', UINT64: 'uint64',
  INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64',
  FP16: 'float16', FP32: 'float32', FP64: 'float64', BYTES: 'string',
} as const satisfies Record<OipDatatype, string>;

export type OrtTensorType = (typeof OIP_TO_ORT)[OipDatatype];

export function isOipDatatype(value: unknown): value is OipDatatype {
  return typeof value === 'string' && Object.hasOwn(OIP_TO_ORT, value);
}

export function ortTypeToOip(type: string): OipDatatype | undefined {
  return Object.hasOwn(ORT_TO_OIP, type) ? ORT_TO_OIP[type] : undefined;
}

/** The model has a tensor OIP cannot carry (a sequence/map value, or e.g. int4 elements). */
export class UnsupportedSignatureError extends Error {
  override readonly name = 'UnsupportedSignatureError';
  constructor(
    readonly tensor: string,
    readonly reason: string,
  ) {
    super(`tensor "${tensor}": ${reason}`);
  }
}

function tensorSpec(meta: OrtValueMetadata): TensorSpec {
  if (!meta.isTensor || meta.type === undefined || meta.shape === undefined) {
    throw new UnsupportedSignatureError(meta.name, 'is not a tensor (sequences and maps cannot be served over OIP)');
  }
  const datatype = ortTypeToOip(meta.type);
  if (datatype === undefined) {
    throw new UnsupportedSignatureError(meta.name, `element type ${meta.type} has no OIP datatype`);
  }
  const shape: number[] = [];
  const dimNames: (string | null)[] = [];
  for (const dim of meta.shape) {
    if (typeof dim === 'number') {
      shape.push(dim);
      dimNames.push(null);
    } else {
      shape.push(-1);
      dimNames.push(dim === '' ? null : dim);
    }
  }
  return { name: meta.name, datatype, shape, dimNames };
}

/** The richer, worker-internal spec (keeps symbolic dimension names). */
export function specFromOrt(
  inputMetadata: readonly OrtValueMetadata[],
  outputMetadata: readonly OrtValueMetadata[],
): ModelSpec {
  return { inputs: inputMetadata.map(tensorSpec), outputs: outputMetadata.map(tensorSpec) };
}

/** Drops the symbolic names: the OIP view of a spec. Returns new objects. */
export function toSignature(spec: ModelSpec): ModelSignature {
  const strip = (t: TensorSpec): TensorSignature => ({ name: t.name, datatype: t.datatype, shape: [...t.shape] });
  return { inputs: spec.inputs.map(strip), outputs: spec.outputs.map(strip) };
}

/** ORT metadata → OIP signature: types mapped (float32 → FP32, string → BYTES…), symbolic dims → -1. */
export function signatureFromOrt(
  inputMetadata: readonly OrtValueMetadata[],
  outputMetadata: readonly OrtValueMetadata[],
): ModelSignature {
  return toSignature(specFromOrt(inputMetadata, outputMetadata));
}

/** `[-1,4]`: the compact form error messages use. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
