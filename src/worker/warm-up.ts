// Synthetic inputs for the warm-up inference a replica runs before it reports ready.
// Pure: the plan is a list of attempts, tried in order by model-session.ts.
//
// Values are zeros (false, ''): no per-model special cases. Sizes are the subtle part. A
// dynamic dimension at axis 0 of some input is taken to be the batch and set to 1 (its
// symbolic name, e.g. `batch`, is then 1 wherever it appears). Every other dynamic dimension
// starts at 1 too, but some graphs refuse tiny sizes: the Silero VAD model, for one, fails
// with sequence = 1 ("Pad reflect requires axis length >= 2") and needs sequence ≥ ~192. So
// when an attempt fails, the next one grows those dimensions: 1 → 16 → 256 → 2048.

import { OIP_TO_ORT, type ModelSpec, type TensorSpec } from './signature.js';
import type { TensorData } from './tensor-data.js';
import type { DecodedInput } from './validate-request.js';

export const WARM_UP_SIZES: readonly number[] = [1, 16, 256, 2048];

/** True when some dynamic dimension is not a batch dimension (so more than one attempt helps). */
export function hasGrowableDims(spec: ModelSpec): boolean {
  const batch = batchSymbols(spec.inputs);
  return spec.inputs.some((t) => t.shape.some((d, axis) => d === -1 && axis !== 0 && !batch.has(t.dimNames[axis] ?? '')));
}

/** The warm-up attempts, in order: one if nothing can grow, else one per size in WARM_UP_SIZES. */
export function warmUpPlan(spec: ModelSpec): DecodedInput[][] {
  const sizes = hasGrowableDims(spec) ? WARM_UP_SIZES : WARM_UP_SIZES.slice(0, 1);
  return sizes.map((size) => warmUpInputs(spec, size));
}

/** Zero-valued inputs with batch dimensions = 1 and other dynamic dimensions = `size`. */
export function warmUpInputs(spec: ModelSpec, size: number): DecodedInput[] {
  const batch = batchSymbols(spec.inputs);
  return spec.inputs.map((t) => {
    const dims = t.shape.map((d, axis) => {
      if (d !== -1) return d;
      return axis === 0 || batch.has(t.dimNames[axis] ?? '') ? 1 : size;
    });
    const count = dims.reduce((a, b) => a * b, 1);
    return { name: t.name, type: OIP_TO_ORT[t.datatype], data: zeros(t, count), dims };
  });
}

/** Symbolic names used at axis 0 of any input: those are batch dimensions. */
function batchSymbols(inputs: readonly TensorSpec[]): Set<string> {
  const names = new Set<string>();
  for (const t of inputs) {
    const name = t.shape[0] === -1 ? t.dimNames[0] : null;
    if (name) names.add(name);
  }
  return names;
}

function zeros(t: TensorSpec, n: number): TensorData {
  switch (t.datatype) {
    case 'FP32': return new Float32Array(n);
    case 'FP64': return new Float64Array(n);
    case 'FP16': case 'UINT16': return new Uint16Array(n);
    case 'INT8': return new Int8Array(n);
    case 'UINT8': case 'BOOL': return new Uint8Array(n);
    case 'INT16': return new Int16Array(n);
    case 'INT32': return new Int32Array(n);
    case 'UINT32': return new Uint32Array(n);
    case 'INT64': return new BigInt64Array(n);
    case 'UINT64': return new BigUint64Array(n);
    case 'BYTES': return new Array<string>(n).fill('');
  }
}
