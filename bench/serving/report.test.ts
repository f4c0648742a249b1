import { describe, expect, it } from 'vitest';
import { pathLabel, perRoundRatio, proxyMicrosPerRequest, ratios, renderReport, type PathResult, type ReportInput } from './report.js';
import type { RunSummary } from './stats.js';

const run = (rps: number, p50: number, p99: number): RunSummary => ({ rps, answered: rps, ok: rps, non2xx: 0, errors: 0, timeouts: 0, durationS: 1, p50, p90: p99, p99, max: p99, mean: p50 });
const path = (rps: number, moderate: [number, number], light: [number, number], proxy: number): PathResult => ({
  saturation: run(rps, 3, 9),
  moderate: run(rps / 3, ...moderate),
  light: run(rps / 10, ...light),
  cpu: { workers: 1.2, proxy, load: 0.3, other: 0 },
});

const input: ReportInput = {
  rounds: 3,
  saturationConnections: 64,
  moderateConnections: 48,
  moderateRate: 6000,
  lightRate: 1800,
  maxConcurrency: 4,
  wideMaxConcurrency: 16,
  paths: {
    direct: path(18_000, [0.7, 2.0], [0.5, 1.0], 0),
    gateway: path(9_000, [1.2, 3.5], [0.7, 1.6], 0.45),
    nginx: path(12_000, [0.8, 2.5], [0.6, 1.2], 0.3),
  },
};

describe('ratios', () => {
  it('divides throughputs and subtracts direct latency; a path not run gives NaN', () => {
    const r = ratios(input.paths);
    expect(r.gatewayOverNginx).toBe(0.75);
    expect(r.gatewayOverDirect).toBe(0.5);
    expect(r.nginxOverDirect).toBeCloseTo(2 / 3, 10);
    expect(r.gatewayAddedP99).toBeCloseTo(1.5, 10);
    expect(r.gatewayAddedLightP50).toBeCloseTo(0.2, 10);
    expect(r.nginxAddedLightP99).toBeCloseTo(0.2, 10);
    expect(r.wideOverNginx).toBeNaN();
  });

  it('per round: the median of the round-by-round quotients', () => {
    // Quotients 0.5, 0.6, 0.9 → 0.6, whatever the medians of each side are.
    expect(perRoundRatio([50, 60, 90], [100, 100, 100])).toBeCloseTo(0.6, 10);
    expect(perRoundRatio([], [])).toBeNaN();
  });

  it('proxy CPU per request: 0.45 cores at 9000 req/s is 50 µs', () => {
    expect(proxyMicrosPerRequest(input.paths.gateway!)).toBeCloseTo(50, 10);
  });
});

describe('renderReport', () => {
  const text = renderReport(input);
  it('has one row per path run, labelled with the admission limit, and none for paths not run', () => {
    expect(text).toContain('| rollcast gateway (spec maxConcurrency 4) | 9,000 | 3.00 | 9.00 | 1.20 | 3.50 | 0.70 | 1.60 | 1.20 / 0.45 / 0.30 / 0.00 | 50 | 0 |');
    expect(text).toContain('| direct to workers | 18,000 |');
    expect(text).not.toContain('maxConcurrency 16)');
    expect(pathLabel('gateway-wide', input)).toBe('rollcast gateway (admission limit 16)');
  });
  it('states the ratios and leaves out those it cannot compute', () => {
    expect(text).toContain('| gateway / nginx (throughput) | 0.75× |');
    expect(text).toContain('| gateway: latency added at the moderate rate, p50 / p99 | +0.50 ms / +1.50 ms |');
    expect(text).not.toContain('with admission limit 16 / nginx');
    expect(text).toContain('Moderate: 6000 req/s (a third of direct saturation), light: 1800 req/s (a tenth)');
  });
});
