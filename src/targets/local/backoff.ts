// Restart delay for crashed replicas: exponential, capped, and forgiven after a replica
// has stayed up for a while (as Kubernetes does for CrashLoopBackOff).
//
// With initial 500 ms and max 30 s: 1st crash → 0.5 s, 2nd → 1 s, 3rd → 2 s, … 7th and
// later → 30 s. A replica that stayed ready for `resetAfterMs` starts again from 0.5 s.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 };

/** `failures` counts consecutive crashes, 1 for the first. */
export function restartDelay(policy: BackoffPolicy, failures: number): number {
  if (failures <= 0) return 0;
  const exp = policy.initialMs * 2 ** Math.min(failures - 1, 30);
  return Math.min(policy.maxMs, exp);
}
