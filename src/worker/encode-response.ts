// Encodes ORT outputs as an OIP v2 `$inference_response` JSON string. The server sends the
// string as is, so the body is serialized exactly once and typed arrays are never copied
// into intermediate JS arrays.
//
// Encoding choices (JSON cannot say everything a tensor can):
// - INT64/UINT64: a JS number when it is within ±(2^53 − 1), where a JSON number is exact in
//   every mainstream parser; otherwise a decimal string ("9007199254740993"). The validator
//   accepts the same two forms, so a response's data can be sent back as a request's.
// - NaN and ±Infinity: `null`, as JSON.stringify writes them. A client sees a hole, not a
//   made-up number.
// - FP16: the exact value of the half (ORT hands us raw bits).
// - BOOL: true/false (ORT hands us bytes).

import { fromHalfBits } from './float16.js';
import { ortTypeToOip } from './signature.js';

/** An output as ORT returns it (`ort.Tensor` satisfies this) plus its name. */
export interface OutputTensor {
  readonly name: string;
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function encodeInferResponse(modelName: string, modelVersion: string, id: string | undefined, outputs: readonly OutputTensor[]): string {
  let json = `{"model_name":${JSON.stringify(modelName)},"model_version":${JSON.stringify(modelVersion)}`;
  if (id !== undefined) json += `,"id":${JSON.stringify(id)}`;
  json += ',"outputs":[';
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i]!;
    const datatype = ortTypeToOip(o.type);
    if (datatype === undefined) throw new TypeError(`output "${o.name}" has element type ${o.type}, which OIP cannot carry`);
    if (i > 0) json += ',';
    json += `{"name":${JSON.stringify(o.name)},"datatype":"${datatype}","shape":[${o.dims.join(',')}],"data":${encodeData(o)}}`;
  }
  return `${json}]}`;
}

function encodeData(o: OutputTensor): string {
  const data = o.data;
  if (Array.isArray(data)) return JSON.stringify(data); // string tensors
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return encodeBigInts(data);
  if (o.type === 'bool' && data instanceof Uint8Array) return encodeBools(data);
  if (o.type === 'float16' && data instanceof Uint16Array) return encodeHalves(data);
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return encodeNumbers(data as unknown as ArrayLike<number>);
  throw new TypeError(`output "${o.name}" has data of an unexpected kind`);
}

/**
 * For finite numbers, Array.prototype.join writes the same digits as JSON.stringify (both
 * use Number::toString), so a typed array with no NaN/Infinity is encoded in one native call.
 */
function encodeNumbers(data: ArrayLike<number>): string {
  const n = data.length;
  let finite = true;
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      finite = false;
      break;
    }
  }
  if (finite) return `[${Array.prototype.join.call(data, ',')}]`;
  let s = '[';
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    s += (i > 0 ? ',' : '') + (v - v === 0 ? String(v) : 'null');
  }
  return `${s}]`;
}

function encodeBigInts(data: BigInt64Array | BigUint64Array): string {
  let s = '[';
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (i > 0) s += ',';
    s += v <= MAX_SAFE && v >= -MAX_SAFE ? String(v) : `"${v}"`;
  }
  return `${s}]`;
}

function encodeBools(data: Uint8Array): string {
  let s = '[';
  for (let i = 0; i < data.length; i++) s += (i > 0 ? ',' : '') + (data[i] ? 'true' : 'false');
  return `${s}]`;
}

function encodeHalves(data: Uint16Array): string {
  const values = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) values[i] = fromHalfBits(data[i]!);
  return encodeNumbers(values);
}
