// The arithmetic of the serving benchmark: percentiles of raw latency samples, medians over
// rounds, ratios between paths, and the summary of one autocannon run. Pure: values in,
// values out, so the numbers BENCHMARKS.md quotes are tested (stats.test.ts).

/** What one measured run is reduced to. Latencies in milliseconds, throughput in 2xx responses per second. */
export interface RunSummary {
  /** 2xx responses per second of the run's wall-clock duration. */
  rps: number;
  /** Requests answered (any status). */
  answered: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts as autocannon counts them. */
  errors: number;
  timeouts: number;
  durationS: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** The fields of autocannon's result object the summary reads (its types lag behind v8). */
export interface AutocannonResultLike {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  requests: { total: number };
}

/**
 * Nearest-rank percentile of samples sorted ascending: the smallest sample with at least
 * `q` of all samples at or below it. With 200 samples, p99 is the 198th (index 197), so two
 * slow outliers in 200 do not move p99; a third does. Empty input gives NaN (no data is not 0 ms).
 */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.ceil(Math.min(1, Math.max(0, q)) * n);
  return sorted[Math.max(0, rank - 1)] as number;
}

/** Median of a list; the mean of the two middle values for an even count; NaN when empty. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => !Number.isNaN(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** a / b, or NaN when b is 0 or either side is missing: a ratio against nothing is not infinite. */
export function ratio(a: number, b: number): number {
  return b === 0 || Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a / b;
}

/**
 * Latency samples in milliseconds, appended one per response without allocating per sample.
 * autocannon's own histogram has 1 ms resolution (hdr-histogram, lowest discernible value 1),
 * too coarse for sub-millisecond proxy overheads, so the runner records the exact response
 * times autocannon reports in its `response` event here.
 */
export class LatencySamples {
  #data = new Float64Array(1024);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  add(ms: number): void {
    if (this.#length === this.#data.length) {
      const grown = new Float64Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.#length++] = ms;
  }

  /** A sorted copy (the recorder keeps arrival order). */
  sorted(): Float64Array {
    return this.#data.slice(0, this.#length).sort();
  }
}

export function summarizeRun(result: AutocannonResultLike, samples: LatencySamples): RunSummary {
  const sorted = samples.sorted();
  let sum = 0;
  for (const v of sorted) sum += v;
  const ok = result['2xx'];
  return {
    rps: result.duration > 0 ? ok / result.duration : Number.NaN,
    answered: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
    p50: percentileSorted(sorted, 0.5),
    p90: percentileSorted(sorted, 0.9),
    p99: percentileSorted(sorted, 0.99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
  };
}

/** Medians over rounds, field by field; the counters (errors, non2xx, …) are summed instead, so one bad round shows. */
export function combineRounds(runs: readonly RunSummary[]): RunSummary {
  const med = (pick: (r: RunSummary) => number) => median(runs.map(pick));
  const sum = (pick: (r: RunSummary) => number) => runs.reduce((acc, r) => acc + pick(r), 0);
  return {
    rps: med((r) => r.rps),
    answered: sum((r) => r.answered),
    ok: sum((r) => r.ok),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    durationS: sum((r) => r.durationS),
    p50: med((r) => r.p50),
    p90: med((r) => r.p90),
    p99: med((r) => r.p99),
    max: Math.max(...runs.map((r) => r.max)),
    mean: med((r) => r.mean),
  };
}

/**
 * The order of the paths in round `round` (0-based): a rotation of `paths`, so each path
 * runs first, second and third once in three rounds and a drift over the run (thermal,
 * page cache, a neighbour) does not always land on the same path.
 */
export function roundOrder<T>(paths: readonly T[], round: number): T[] {
  const n = paths.length;
  if (n === 0) return [];
  const shift = ((round % n) + n) % n;
  return [...paths.slice(shift), ...paths.slice(0, shift)];
}

/**
 * CPU time from one line of /proc/<pid>/stat, in clock ticks (utime + stime, fields 14 and
 * 15). The command name (field 2) is in parentheses and may itself contain spaces or ')',
 * so fields are counted from the last ')'.
 */
export function parseProcStatTicks(line: string): number | undefined {
  const close = line.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ')': field 3 (state) is at index 0, so field k is at index k - 3.
  const fields = line.slice(close + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

/** The parent pid (field 4) from one line of /proc/<pid>/stat. */
export function parseProcStatParent(line: string): number | undefined {
  const close = line.lastIndexOf(')');
  if (close < 0) return undefined;
  const ppid = Number(line.slice(close + 2).split(' ')[4 - 3]);
  return Number.isInteger(ppid) ? ppid : undefined;
}
