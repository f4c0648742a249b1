// The scheduling buffer: how far ahead of a forecast rise replicas are started. A replica
// started now serves only after its warm-up, and the controller looks again only one tick
// later, so `auto` = measured p95 warm-up + one tick (issue 4). AWS predictive scaling
// calls this SchedulingBufferTime ("pre-launch instances by 5 minutes") and defaults to 300 s
// with no measurement; we measure, and fall back to a short default until we have.

import type { SchedulingBuffer } from '../spec/types.js';
import { assertNever } from '../spec/units.js';

/**
 * Warm-up assumed before any replica has reported one: a minute covers loading a typical
 * ONNX model and its warm-up inference on these machines, and is replaced by the measured
 * p95 as soon as the target reports replica warm-up times.
 */
export const DEFAULT_WARMUP_MS = 60_000;

export interface BufferResolution {
  ms: number;
  /** False when `auto` had no measured warm-up and used DEFAULT_WARMUP_MS. */
  measured: boolean;
}

/**
 * The buffer in milliseconds. Examples: fixed 5m → 300 000; auto with warm-up p95 90 s and a
 * 10 s tick → 100 000; auto with nothing measured and a 10 s tick → 70 000.
 */
export function schedulingBufferMs(buffer: SchedulingBuffer, tickMs: number, warmupP95Ms?: number): BufferResolution {
  switch (buffer.kind) {
    case 'fixed':
      return { ms: buffer.durationMs, measured: true };
    case 'auto': {
      const known = warmupP95Ms !== undefined && Number.isFinite(warmupP95Ms) && warmupP95Ms >= 0;
      return { ms: (known ? warmupP95Ms : DEFAULT_WARMUP_MS) + tickMs, measured: known };
    }
    default:
      return assertNever(buffer, 'scheduling buffer');
  }
}
