// The HPA model: its replica calculator on worked examples, a step rise met one sync plus the
// warm-up late, and the 5-minute scale-down stabilization.
import { describe, expect, it } from 'vitest';
import { MINUTE } from '../spec/duration.js';
import { millis } from '../spec/units.js';
import { hpaPolicy, hpaRecommendation } from './hpa.js';
import { prepareTrace, simulate } from './simulate.js';

describe('hpaRecommendation (target 70 rps per pod, tolerance 0.1)', () => {
  it.each([
    { what: 'above target scales by the ratio', load: 500, ready: 5, starting: 0, expected: 8 },
    { what: 'inside the tolerance keeps the count', load: 370, ready: 5, starting: 0, expected: 5 },
    { what: 'below target scales down', load: 140, ready: 5, starting: 0, expected: 2 },
    { what: 'starting pods count as idle on a scale-up (ratio 1.0 → keep)', load: 420, ready: 4, starting: 2, expected: 6 },
    { what: 'starting pods count as idle on a scale-up (still high → more)', load: 700, ready: 4, starting: 2, expected: 10 },
    { what: 'starting pods count as at target on a scale-down', load: 70, ready: 4, starting: 2, expected: 3 },
    { what: 'no ready pod, no metric: keep', load: 700, ready: 0, starting: 2, expected: 2 },
    { what: 'exactly at target', load: 700, ready: 10, starting: 0, expected: 10 },
  ])('$what', ({ load, ready, starting, expected }) => {
    expect(hpaRecommendation(load, ready, starting, 70, 0.1)).toBe(expected);
  });
});

const trace = (rps: readonly number[]) => prepareTrace({ start: millis(0), stepMs: MINUTE, values: [...rps] }, MINUTE, 'perSecond');

describe('reactive (HPA defaults)', () => {
  it('lags a step rise by one sync (tick) plus the warm-up', () => {
    // 140 rps (2 pods at target) for 5 minutes, then 1400 rps; warm-up 2 minutes.
    const load = [...Array<number>(5).fill(140), ...Array<number>(10).fill(1400)];
    const r = simulate({ trace: trace(load), perReplica: 100, warmupMs: 2 * MINUTE, initialReplicas: 2, policy: hpaPolicy() });
    const missed = r.series.unserved.map((u, i) => (u > 0 ? i : -1)).filter((i) => i >= 0);
    // Seen at tick 6 (the load of tick 5), ready at tick 8: ticks 5, 6, 7 miss.
    expect(missed).toEqual([5, 6, 7]);
    expect(r.series.desired[6]).toBe(20); // ceil(1400 / 70)
  });

  it('scale-up is rate-limited to max(×2, +4) per 15 s: four periods in a 1-minute tick', () => {
    const load = [10, 10_000, 10_000, 10_000];
    const r = simulate({ trace: trace(load), perReplica: 100, warmupMs: 0, initialReplicas: 1, policy: hpaPolicy() });
    // 1 → 5 → 10 → 20 → 40 in one tick, then 143 = ceil(10000/70).
    expect(r.series.desired).toEqual([1, 1, 40, 143]);
  });

  it('holds a scale-down for the 5-minute stabilization window', () => {
    const load = [700, 700, ...Array<number>(10).fill(140)];
    const r = simulate({ trace: trace(load), perReplica: 100, warmupMs: 0, initialReplicas: 10, policy: hpaPolicy() });
    // Low load first seen at tick 3 (recommendation 2); the 10 of ticks 0–2 stay in the
    // window until 5 minutes after tick 2 → drops at tick 7.
    expect(r.series.desired).toEqual([10, 10, 10, 10, 10, 10, 10, 2, 2, 2, 2, 2]);
  });
});
