// Decodes the flat JSON values of one OIP input into the typed array ORT expects
// (`new ort.Tensor(type, data, dims)`). This is the per-element hot path: one loop per
// datatype, one typed-array allocation, no closures; the loop only detects that *something*
// is wrong and hands the element to `elementError`, which works out what to say.

import { FP16_OVERFLOW, toHalfBits } from './float16.js';
import type { OipDatatype } from './signature.js';

export type TensorData =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | string[];

type IntType = 'INT8' | 'UINT8' | 'INT16' | 'UINT16' | 'INT32' | 'UINT32';
const INT_RANGE: Readonly<Record<IntType, readonly [number, number]>> = {
  INT8: [-128, 127], UINT8: [0, 255], INT16: [-32768, 32767], UINT16: [0, 65535],
  INT32: [-2147483648, 2147483647], UINT32: [0, 4294967295],
};
const BIG_RANGE = {
  INT64: [-(2n ** 63n), 2n ** 63n - 1n],
  UINT64: [0n, 2n ** 64n - 1n],
} as const;

/**
 * Values at or beyond this magnitude round to ±Infinity in float32: it is half-way between
 * the largest float32, (2 − 2^-23)·2^127, and 2^128; the tie goes to the even 2^128 = Infinity.
 */
const FP32_OVERFLOW = (2 - 2 ** -24) * 2 ** 127;
const DECIMAL_INTEGER = /^-?\d{1,20}$/;

/**
 * `values` must already be flat and hold exactly as many elements as the shape needs.
 * Returns the typed array, or an error message about the first bad element (without the
 * `input "x": ` prefix, which the caller adds).
 */
export function decodeElements(values: readonly unknown[], datatype: OipDatatype, allowNonFinite: boolean): TensorData | string {
  const n = values.length;
  switch (datatype) {
    case 'FP32':
    case 'FP64': {
      const out = datatype === 'FP32' ? new Float32Array(n) : new Float64Array(n);
      const limit = datatype === 'FP32' ? FP32_OVERFLOW : Infinity;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        // One comparison pair rejects NaN, ±Infinity and float32 overflow together.
        if (typeof v === 'number' && ((v > -limit && v < limit) || allowNonFinite)) out[i] = v;
        else return elementError(v, i, datatype);
      }
      return out;
    }
    case 'FP16': {
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'number' && ((v > -FP16_OVERFLOW && v < FP16_OVERFLOW) || allowNonFinite)) out[i] = toHalfBits(v);
        else return elementError(v, i, datatype);
      }
      return out;
    }
    case 'INT8': case 'UINT8': case 'INT16': case 'UINT16': case 'INT32': case 'UINT32': {
      const out = newIntArray(datatype, n);
      const [min, max] = INT_RANGE[datatype];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) out[i] = v;
        else return elementError(v, i, datatype);
      }
      return out;
    }
    case 'INT64':
    case 'UINT64': {
      const out = datatype === 'INT64' ? new BigInt64Array(n) : new BigUint64Array(n);
      const [min, max] = BIG_RANGE[datatype];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'number' && Number.isSafeInteger(v) && (v >= 0 || datatype === 'INT64')) {
          out[i] = BigInt(v);
        } else if (typeof v === 'string' && DECIMAL_INTEGER.test(v)) {
          const b = BigInt(v);
          if (b < min || b > max) return elementError(v, i, datatype);
          out[i] = b;
        } else {
          return elementError(v, i, datatype);
        }
      }
      return out;
    }
    case 'BOOL': {
      const out = new Uint8Array(n); // ORT's bool tensors are one byte per element
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'boolean') out[i] = v ? 1 : 0;
        else return elementError(v, i, datatype);
      }
      return out;
    }
    case 'BYTES': {
      const out = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'string') out[i] = v;
        else return elementError(v, i, datatype);
      }
      return out;
    }
  }
}

function newIntArray(datatype: IntType, n: number): Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array {
  switch (datatype) {
    case 'INT8': return new Int8Array(n);
    case 'UINT8': return new Uint8Array(n);
    case 'INT16': return new Int16Array(n);
    case 'UINT16': return new Uint16Array(n);
    case 'INT32': return new Int32Array(n);
    case 'UINT32': return new Uint32Array(n);
  }
}

/** `a string ("NaN")`, `a number (3)`, `null`, `an array`: what the element is, for messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 24 ? `${v.slice(0, 24)}…` : v)})`;
  if (typeof v === 'number' || typeof v === 'boolean') return `a ${typeof v} (${v})`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** The slow path: explains why element `i` was refused. Only called once per request. */
function elementError(v: unknown, i: number, datatype: OipDatatype): string {
  const at = `value at index ${i}`;
  switch (datatype) {
    case 'BOOL':
      return `${at} is ${describeValue(v)}; BOOL takes true or false`;
    case 'BYTES':
      return `${at} is ${describeValue(v)}; BYTES takes strings`;
    case 'FP16': case 'FP32': case 'FP64':
      if (typeof v !== 'number') return `${at} is ${describeValue(v)}; ${datatype} takes JSON numbers`;
      if (!Number.isFinite(v)) return `${at} is not finite (${v}); this model does not accept non-finite values`;
      return `${at} (${v}) is out of range for ${datatype} (it would round to Infinity); this model does not accept non-finite values`;
    case 'INT64': case 'UINT64': {
      const [min, max] = BIG_RANGE[datatype];
      if (typeof v === 'string') {
        return DECIMAL_INTEGER.test(v)
          ? `${at} (${v}) is out of range for ${datatype} [${min}, ${max}]`
          : `${at} is ${describeValue(v)}, not a decimal integer; ${datatype} takes integers or decimal strings`;
      }
      if (typeof v !== 'number') return `${at} is ${describeValue(v)}; ${datatype} takes integers or decimal strings`;
      if (!Number.isInteger(v)) return `${at} (${v}) is not an integer; ${datatype} takes integers`;
      if (!Number.isSafeInteger(v)) {
        return `${at} (${v}) is beyond ±${Number.MAX_SAFE_INTEGER} and may have lost precision in JSON; send ${datatype} values this large as decimal strings`;
      }
      return `${at} (${v}) is out of range for ${datatype} [${min}, ${max}]`;
    }
    case 'INT8': case 'UINT8': case 'INT16': case 'UINT16': case 'INT32': case 'UINT32': {
      const [min, max] = INT_RANGE[datatype];
      if (typeof v !== 'number') return `${at} is ${describeValue(v)}; ${datatype} takes integers`;
      if (!Number.isInteger(v)) return `${at} (${v}) is not an integer; ${datatype} takes integers`;
      return `${at} (${v}) is out of range for ${datatype} [${min}, ${max}]`;
    }
  }
}
