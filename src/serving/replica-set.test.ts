import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualTime } from '../controller/clock.js';
import { ReplicaSet, SUSPECT_PAUSE_MS, type Lease, type Refusal } from './replica-set.js';

const ep = (id: string, port = 1) => ({ replicaId: id, host: '127.0.0.1', port });
const limits = { maxConcurrency: 2, maxQueue: 2, queueTimeoutMs: 1000 };
const isLease = (x: Lease | Refusal | undefined): x is Lease => x !== undefined && 'endpoint' in x;

describe('ReplicaSet balancing', () => {
  it('sends each request to the replica with the fewest outstanding requests', () => {
    const set = new ReplicaSet('m', { ...limits, maxConcurrency: 10 }, new ManualTime());
    set.add(ep('a'));
    set.add(ep('b'));
    const first = set.tryAcquire();
    const second = set.tryAcquire();
    // The two idle replicas are tied for the first request; the second must go to the other.
    expect(first?.endpoint.replicaId).not.toBe(second?.endpoint.replicaId);
    first?.release();
    const third = set.tryAcquire();
    expect(third?.endpoint.replicaId).toBe(first?.endpoint.replicaId);
  });

  it('never exceeds maxConcurrency per replica, and queues the rest in FIFO order', async () => {
    const time = new ManualTime();
    const set = new ReplicaSet('m', limits, time);
    set.add(ep('a'));
    const held = [set.acquire(), set.acquire()] as Lease[];
    expect(held.every((l) => 'endpoint' in l)).toBe(true);
    const q1 = set.acquire();
    const q2 = set.acquire();
    expect(q1).toBeInstanceOf(Promise);
    expect(set.queueLength).toBe(2);
    held[0]?.release();
    const got1 = await q1;
    expect(isLease(got1)).toBe(true);
    expect(set.queueLength).toBe(1);
    expect(set.inFlight).toBe(2);
    held[1]?.release();
    expect(isLease(await q2)).toBe(true);
  });

  it('refuses at once when the queue is full (429 case)', async () => {
    const set = new ReplicaSet('penguins', { ...limits, maxConcurrency: 1, maxQueue: 1 }, new ManualTime());
    set.add(ep('a'));
    expect('endpoint' in (set.acquire() as Lease)).toBe(true);
    void set.acquire();
    const refused = await set.acquire();
    expect(refused).toEqual({ refused: 'queue-full', message: 'penguins: all replicas busy and 1 requests already queued' });
  });

  it('refuses a request that waited queueTimeout (503 case), naming whether replicas exist', async () => {
    const time = new ManualTime();
    const set = new ReplicaSet('penguins', limits, time);
    const waiting = set.acquire();
    time.advance(999);
    expect(set.queueLength).toBe(1);
    time.advance(1);
    expect(await waiting).toEqual({ refused: 'queue-timeout', message: 'penguins: no ready replica within 1000 ms' });
    expect(set.queueLength).toBe(0);
  });

  it('hands a queued request to a replica that becomes ready', async () => {
    const time = new ManualTime();
    const set = new ReplicaSet('m', limits, time);
    const waiting = set.acquire();
    set.add(ep('late'));
    const got = await waiting;
    expect(isLease(got) && got.endpoint.replicaId).toBe('late');
    time.advance(5000); // the cancelled timeout must not fire a second answer
    expect(set.inFlight).toBe(1);
  });

  it('drain stops new requests and resolves when outstanding ones finish', async () => {
    const set = new ReplicaSet('m', limits, new ManualTime());
    set.add(ep('a'));
    set.add(ep('b'));
    const onA = [set.tryAcquire(), set.tryAcquire()].find((l) => l?.endpoint.replicaId === 'a');
    let drained = false;
    const done = set.drain('a').then(() => (drained = true));
    for (let i = 0; i < 3; i++) {
      const l = set.tryAcquire();
      expect(l?.endpoint.replicaId).not.toBe('a');
      l?.release();
    }
    await Promise.resolve();
    expect(drained).toBe(false);
    onA?.release();
    await done;
    expect(drained).toBe(true);
  });

  it('a retry excludes the replica that just failed, and a suspected replica gets nothing', () => {
    const set = new ReplicaSet('m', limits, new ManualTime());
    set.add(ep('a'));
    set.add(ep('b'));
    for (let i = 0; i < 4; i++) {
      const l = set.tryAcquire('a');
      expect(l?.endpoint.replicaId).toBe('b');
      l?.release();
    }
    set.suspect('b');
    expect(set.tryAcquire('a')).toBeUndefined();
    expect(set.readyCount).toBe(1);
  });

  it('a suspected replica that is still alive gets traffic again after the pause', () => {
    const time = new ManualTime();
    const set = new ReplicaSet('m', limits, time);
    set.add(ep('a'));
    set.suspect('a');
    expect(set.tryAcquire()).toBeUndefined();
    time.advance(SUSPECT_PAUSE_MS - 1);
    expect(set.readyCount).toBe(0);
    time.advance(1);
    expect(set.tryAcquire()?.endpoint.replicaId).toBe('a');
  });

  it('a suspected replica that is drained or removed stays out', () => {
    const time = new ManualTime();
    const set = new ReplicaSet('m', limits, time);
    set.add(ep('a'));
    set.add(ep('b'));
    set.suspect('a');
    set.suspect('b');
    void set.drain('a');
    set.remove('b');
    time.advance(SUSPECT_PAUSE_MS);
    expect(set.readyCount).toBe(0);
  });

  it('a new request takes an idle replica that the queued retry has to avoid', () => {
    const set = new ReplicaSet('m', { ...limits, maxConcurrency: 1 }, new ManualTime());
    set.add(ep('a'));
    set.add(ep('b'));
    const onB = set.tryAcquire('a');
    expect(onB?.endpoint.replicaId).toBe('b');
    const retry = set.acquire('a');
    expect(retry).toBeInstanceOf(Promise);
    const fresh = set.acquire();
    expect('endpoint' in fresh && fresh.endpoint.replicaId).toBe('a');
  });

  it('withdraw gives up a queued place, and the queue slot is free for the next request', async () => {
    const time = new ManualTime();
    const set = new ReplicaSet('m', { ...limits, maxConcurrency: 1, maxQueue: 1 }, time);
    set.add(ep('a'));
    set.tryAcquire();
    const queued = set.acquire() as Promise<Lease | Refusal>;
    set.withdraw(queued);
    expect(await queued).toEqual({ refused: 'withdrawn', message: 'the client closed the connection while queued' });
    expect(set.queueLength).toBe(0);
    expect(set.acquire()).toBeInstanceOf(Promise);
    expect(time.pendingCount).toBe(1);
  });

  it('property: outstanding per replica stays within [0, maxConcurrency] under any acquire/release order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.array(fc.boolean(), { maxLength: 60 }), (replicas, cap, ops) => {
        const set = new ReplicaSet('m', { maxConcurrency: cap, maxQueue: 0, queueTimeoutMs: 1 }, new ManualTime());
        for (let i = 0; i < replicas; i++) set.add(ep(`r${i}`));
        const held: Lease[] = [];
        const perReplica = new Map<string, number>();
        for (const acquire of ops) {
          if (acquire) {
            const l = set.tryAcquire();
            if (l) {
              held.push(l);
              perReplica.set(l.endpoint.replicaId, (perReplica.get(l.endpoint.replicaId) ?? 0) + 1);
            } else {
              expect(held.length).toBe(replicas * cap);
            }
          } else {
            const l = held.pop();
            if (l) {
              l.release();
              perReplica.set(l.endpoint.replicaId, (perReplica.get(l.endpoint.replicaId) ?? 0) - 1);
            }
          }
          for (const n of perReplica.values()) {
            expect(n).toBeGreaterThanOrEqual(0);
            expect(n).toBeLessThanOrEqual(cap);
          }
          expect(set.inFlight).toBe(held.length);
        }
      }),
    );
  });
});
