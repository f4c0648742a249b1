// Reading the event log: newest last, a bounded tail by default, a cursor with sinceId,
// filters by deployment and time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { millis, revisionId } from '../spec/units.js';
import { DEFAULT_EVENT_LIMIT, MAX_EVENT_LIMIT } from './events.js';
import { openStore, type Store } from './store.js';

const T0 = 1_700_000_000_000;
let t: number;
let s: Store;
beforeEach(() => {
  t = T0;
  s = openStore(':memory:', { clock: () => t });
});
afterEach(() => s.close());

/** Events e1…eN, one second apart, alternating between two deployments (odd: a, even: b). */
function seed(n: number): void {
  for (let i = 1; i <= n; i++) {
    t = T0 + i * 1000;
    s.recordEvent({ type: 'replica.started', message: `e${i}`, deployment: i % 2 === 1 ? 'a' : 'b' });
  }
}
const messages = (q: Parameters<Store['listEvents']>[0] = {}) => s.listEvents(q).map((e) => e.message);

describe('recordEvent', () => {
  it('returns the stored event with its id, the clock time and parsed data', () => {
    const e = s.recordEvent({
      type: 'replica.crashed',
      message: 'replica 2 of penguins-r1 exited with code 137',
      deployment: 'penguins',
      revision: revisionId('penguins-r1'),
      data: { replica: 2, exitCode: 137, signal: null, tags: ['oom'] },
    });
    expect(e).toEqual({
      id: 1,
      ts: T0,
      deployment: 'penguins',
      revision: 'penguins-r1',
      type: 'replica.crashed',
      message: 'replica 2 of penguins-r1 exited with code 137',
      data: { exitCode: 137, replica: 2, signal: null, tags: ['oom'] },
    });
    expect(s.listEvents()).toEqual([e]);
  });

  it('accepts events about deployments that were never stored', () => {
    const e = s.recordEvent({ type: 'apply.rejected', message: 'spec.scaling.maxReplicas = 0', deployment: 'new' });
    expect(e).toMatchObject({ deployment: 'new', revision: null, data: {} });
  });

  it('rejects an empty type', () => {
    expect(() => s.recordEvent({ type: '', message: 'x' })).toThrow('event type must not be empty');
  });
});

describe('listEvents', () => {
  it('lists oldest first, newest last', () => {
    seed(3);
    expect(messages()).toEqual(['e1', 'e2', 'e3']);
    expect(s.listEvents().map((e) => e.id)).toEqual([1, 2, 3]);
  });

  it('without sinceId, returns the latest `limit` events, still newest last', () => {
    seed(5);
    expect(messages({ limit: 2 })).toEqual(['e4', 'e5']);
  });

  it('with sinceId, returns the next `limit` events after it, so a reader can page forward', () => {
    seed(5);
    const page1 = s.listEvents({ sinceId: 0, limit: 2 });
    expect(page1.map((e) => e.message)).toEqual(['e1', 'e2']);
    const page2 = s.listEvents({ sinceId: page1.at(-1)?.id ?? 0, limit: 2 });
    expect(page2.map((e) => e.message)).toEqual(['e3', 'e4']);
    expect(messages({ sinceId: 4, limit: 2 })).toEqual(['e5']);
    expect(messages({ sinceId: 5 })).toEqual([]);
  });

  it('filters by deployment, combined with limit and sinceId', () => {
    seed(6);
    expect(messages({ deployment: 'a' })).toEqual(['e1', 'e3', 'e5']);
    expect(messages({ deployment: 'b', limit: 2 })).toEqual(['e4', 'e6']);
    expect(messages({ deployment: 'b', sinceId: 2, limit: 1 })).toEqual(['e4']);
    expect(messages({ deployment: 'none' })).toEqual([]);
  });

  it('filters by time, from inclusive and to exclusive', () => {
    seed(5); // e_i at T0 + i s
    expect(messages({ from: millis(T0 + 2000), to: millis(T0 + 4000) })).toEqual(['e2', 'e3']);
    expect(messages({ from: millis(T0 + 4000) })).toEqual(['e4', 'e5']);
  });

  it('orders events in the same millisecond by id', () => {
    for (const m of ['x', 'y', 'z']) s.recordEvent({ type: 'scaled', message: m });
    expect(messages()).toEqual(['x', 'y', 'z']);
  });

  it(`defaults to ${DEFAULT_EVENT_LIMIT} and caps the limit at ${MAX_EVENT_LIMIT}`, () => {
    seed(MAX_EVENT_LIMIT + 5);
    expect(s.listEvents()).toHaveLength(DEFAULT_EVENT_LIMIT);
    const capped = s.listEvents({ limit: 1_000_000 });
    expect(capped).toHaveLength(MAX_EVENT_LIMIT);
    expect(capped.at(-1)?.message).toBe(`e${MAX_EVENT_LIMIT + 5}`);
  });

  it.each([0, -1, 2.5, Number.NaN])('rejects limit %s', (limit) => {
    expect(() => s.listEvents({ limit })).toThrow(`limit = ${limit}, must be a whole number ≥ 1`);
  });
});
