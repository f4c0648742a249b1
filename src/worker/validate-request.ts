// Checks an OIP v2 `$inference_request` body against the model's signature and decodes its
// inputs into typed arrays for ORT. Pure and synchronous. Every refusal is one message that
// names the input and what was expected, so a client can fix its request from the 400 alone.
// Hot path: a single pass over each input's elements (see tensor-data.ts), no closures.

import { formatShape, type OrtTensorType, OIP_TO_ORT, type TensorSignature, type TensorSpec } from './signature.js';
import { decodeElements, type TensorData } from './tensor-data.js';

export { encodeInferResponse, type OutputTensor } from './encode-response.js';

/** One request input, ready for `new ort.Tensor(type, data, dims)`. */
export interface DecodedInput {
  name: string;
  type: OrtTensorType;
  data: TensorData;
  dims: number[];
}

export type ValidatedRequest = {
  ok: true;
  inputs: DecodedInput[];
  /** Names of the outputs the client asked for; absent = all of them. */
  outputs?: string[];
  id?: string;
  parameters?: Record<string, unknown>;
};
export type ValidationResult = ValidatedRequest | { ok: false; error: string };

export interface ValidateOptions {
  /** Accept NaN and ±Infinity (JSON carries these as e.g. `1e999`) in FP inputs. */
  allowNonFinite: boolean;
}

/**
 * A ModelSignature (dynamic dimensions independent), or a ModelSpec whose `dimNames` also
 * make a symbolic dimension such as `batch` agree across the inputs that share it.
 */
export interface ValidationSignature {
  readonly inputs: readonly (TensorSignature | TensorSpec)[];
  readonly outputs: readonly TensorSignature[];
}

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function brief(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

export function validateInferRequest(body: unknown, signature: ValidationSignature, opts: ValidateOptions): ValidationResult {
  if (!isObject(body)) return fail('request body must be a JSON object');
  const { inputs, outputs, id, parameters } = body;
  if (!Array.isArray(inputs) || inputs.length === 0) return fail('request must have a non-empty "inputs" array');
  if (id !== undefined && typeof id !== 'string') return fail(`"id" must be a string, got ${brief(id)}`);
  if (parameters !== undefined && !isObject(parameters)) return fail('"parameters" must be an object');

  const specs = signature.inputs;
  // seen[k] = index in the request of model input k; -1 = not given yet.
  const seen = new Array<number>(specs.length).fill(-1);
  // Values of named dynamic dimensions seen so far: name → [value, input that set it].
  let symbols: Map<string, [number, string]> | undefined;
  const decoded: DecodedInput[] = [];

  for (let r = 0; r < inputs.length; r++) {
    const input: unknown = inputs[r];
    if (!isObject(input)) return fail(`inputs[${r}] must be an object with name, shape, datatype and data`);
    const name = input.name;
    if (typeof name !== 'string') return fail(`inputs[${r}].name must be a string`);
    let k = 0;
    while (k < specs.length && specs[k]!.name !== name) k++;
    const spec = specs[k];
    if (spec === undefined) return fail(`unknown input "${name}"; this model takes: ${specs.map((s) => s.name).join(', ')}`);
    if (seen[k] !== -1) return fail(`input "${name}" appears twice`);
    seen[k] = r;

    if (input.datatype !== spec.datatype) {
      const got = typeof input.datatype === 'string' ? input.datatype : brief(input.datatype);
      return fail(`input "${name}": expected datatype ${spec.datatype}, got ${got}`);
    }
    if (input.parameters !== undefined && !isObject(input.parameters)) return fail(`input "${name}": parameters must be an object`);

    const shape = input.shape;
    const count = elementCount(shape);
    if (count < 0) return fail(`input "${name}": shape must be an array of non-negative integers, got ${brief(shape)}`);
    const dims = shape as number[];
    const shapeError = checkShape(dims, spec);
    if (shapeError !== undefined) return fail(`input "${name}": ${shapeError}`);

    if ('dimNames' in spec) {
      for (let d = 0; d < dims.length; d++) {
        const symbol = spec.dimNames[d];
        if (symbol === null || symbol === undefined) continue;
        symbols ??= new Map();
        const prior = symbols.get(symbol);
        if (prior === undefined) symbols.set(symbol, [dims[d]!, name]);
        else if (prior[0] !== dims[d]) {
          return fail(`input "${name}": shape ${formatShape(dims)} gives ${symbol} = ${dims[d]}, but input "${prior[1]}" gives ${symbol} = ${prior[0]}`);
        }
      }
    }

    const data = input.data;
    if (!Array.isArray(data)) return fail(`input "${name}": data must be an array`);
    let flat: readonly unknown[] = data;
    if (data.length > 0 && Array.isArray(data[0])) {
      // Nested (row-major) data: flatten, refusing nesting deeper than the rank so that
      // recursion depth stays bounded by the model, not by the client.
      const out: unknown[] = [];
      if (!flattenInto(data, out, dims.length)) return fail(`input "${name}": data is nested deeper than shape ${formatShape(dims)} allows`);
      flat = out;
    }
    if (flat.length !== count) return fail(`input "${name}": ${flat.length} value${flat.length === 1 ? "" : "s"} for shape ${formatShape(dims)} (needs ${count})`);

    const typed = decodeElements(flat, spec.datatype, opts.allowNonFinite);
    if (typeof typed === 'string') return fail(`input "${name}": ${typed}`);
    decoded.push({ name, type: OIP_TO_ORT[spec.datatype], data: typed, dims });
  }

  if (decoded.length < specs.length) {
    const missing = specs.filter((_, k) => seen[k] === -1).map((s) => `"${s.name}"`);
    return fail(`missing input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }

  const result: ValidatedRequest = { ok: true, inputs: decoded };
  if (outputs !== undefined) {
    const names = requestedOutputs(outputs, signature.outputs);
    if (typeof names === 'string') return fail(names);
    if (names.length > 0) result.outputs = names; // `"outputs": []` asks for nothing in particular: all

  }
  if (id !== undefined) result.id = id;
  if (parameters !== undefined) result.parameters = parameters;
  return result;
}

/** product(shape), or -1 when shape is not an array of non-negative integers. [] → 1 (a scalar). */
function elementCount(shape: unknown): number {
  if (!Array.isArray(shape)) return -1;
  let count = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return -1;
    count *= d;
  }
  return count;
}

function checkShape(dims: readonly number[], spec: TensorSignature): string | undefined {
  const expected = spec.shape;
  if (dims.length !== expected.length) {
    return `shape ${formatShape(dims)} does not match ${formatShape(expected)} (rank ${dims.length}, needs ${expected.length})`;
  }
  for (let d = 0; d < dims.length; d++) {
    const want = expected[d]!;
    if (want !== -1 && dims[d] !== want) return `shape ${formatShape(dims)} does not match ${formatShape(expected)} (dimension ${d} must be ${want})`;
  }
  return undefined;
}

/** Appends the leaves of `data` to `out`; false if arrays nest more than `depth` levels. */
function flattenInto(data: readonly unknown[], out: unknown[], depth: number): boolean {
  if (depth <= 0) return false;
  for (const v of data) {
    if (Array.isArray(v)) {
      if (!flattenInto(v, out, depth - 1)) return false;
    } else {
      out.push(v);
    }
  }
  return true;
}

function requestedOutputs(outputs: unknown, known: readonly TensorSignature[]): string[] | string {
  if (!Array.isArray(outputs)) return '"outputs" must be an array of {"name": …} objects';
  const names: string[] = [];
  for (let i = 0; i < outputs.length; i++) {
    const o: unknown = outputs[i];
    if (!isObject(o) || typeof o.name !== 'string') return `outputs[${i}] must be an object with a string "name"`;
    const name = o.name;
    if (!known.some((t) => t.name === name)) return `unknown output "${name}"; this model returns: ${known.map((t) => t.name).join(', ')}`;
    if (names.includes(name)) return `output "${name}" requested twice`;
    names.push(name);
  }
  return names;
}
