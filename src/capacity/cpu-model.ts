// The load → CPU relation for the `cpu` metric. A forecast is of requests, but the target is
// CPU percent, so the predictive part needs to know how much CPU a replica burns per req/s.
// AWS predictive scaling asks for the same pair (a load metric and a scaling metric) and
// learns the relation from history; we learn it online from the controller's observations:
//
//   CPU% per replica ≈ slope × (req/s per replica) + intercept
//
// by ordinary least squares, kept as running sums (Welford's centred updates, which do not
// lose precision the way Σx² − (Σx)²/n does). The sums are a plain JSON object, so they live
// in the persisted planner state. Every sample counts equally for ever; a model version
// change starts a new revision and with it a new planner state.

/** Running least-squares sums: counts, means and centred second moments. */
export interface CpuModelSums {
  samples: number;
  meanX: number;
  meanY: number;
  /** Σ (x − x̄)² */
  m2x: number;
  /** Σ (x − x̄)(y − ȳ) */
  cxy: number;
}

/**
 * Fewest observations before the relation is trusted: 30 controller ticks (5 minutes at the
 * default 10 s tick), enough for noise in single CPU readings to average out.
 */
export const MIN_CPU_SAMPLES = 30;

export type CpuFit =
  | { kind: 'fit'; slope: number; intercept: number; samples: number }
  | { kind: 'unfit'; why: string };

export function emptyCpuSums(): CpuModelSums {
  return { samples: 0, meanX: 0, meanY: 0, m2x: 0, cxy: 0 };
}

/** The sums with one more observation: `rpsPerReplica` req/s per ready replica at `cpuPercent` average CPU. */
export function addCpuSample(s: CpuModelSums, rpsPerReplica: number, cpuPercent: number): CpuModelSums {
  if (!Number.isFinite(rpsPerReplica) || !Number.isFinite(cpuPercent)) return s;
  const samples = s.samples + 1;
  const dx = rpsPerReplica - s.meanX;
  const meanX = s.meanX + dx / samples;
  const meanY = s.meanY + (cpuPercent - s.meanY) / samples;
  return {
    samples,
    meanX,
    meanY,
    m2x: s.m2x + dx * (rpsPerReplica - meanX),
    cxy: s.cxy + dx * (cpuPercent - meanY),
  };
}

/**
 * The fitted line, or why there is none yet: too few samples, or a request rate per replica
 * that has not varied (a flat x says nothing about the slope).
 * Example: samples (10, 25), (20, 40), (30, 55), … → slope 1.5 %/(req/s), intercept 10 %.
 */
export function fitCpu(s: CpuModelSums): CpuFit {
  if (s.samples < MIN_CPU_SAMPLES) {
    return { kind: 'unfit', why: `cpu: load → CPU relation not learned yet (${s.samples} of ${MIN_CPU_SAMPLES} samples)` };
  }
  // Variance of x relative to its scale: below this the slope is rounding noise.
  if (s.m2x <= 1e-9 * s.samples * Math.max(1, s.meanX * s.meanX)) {
    return { kind: 'unfit', why: `cpu: request rate per replica has not varied over ${s.samples} samples, so CPU per request is unknown` };
  }
  const slope = s.cxy / s.m2x;
  return { kind: 'fit', slope, intercept: s.meanY - slope * s.meanX, samples: s.samples };
}
