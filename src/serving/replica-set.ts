// The ready replicas of one revision, and admission control in front of them.
//
// Balancing is least-outstanding-requests: each replica takes at most `maxConcurrency`
// requests at a time (the worker runs that many ONNX sessions concurrently), extra requests
// wait in one bounded FIFO per revision for at most `queueTimeoutMs`. A full queue is
// refused at once (429: the client is sending faster than we can serve); a request that
// waited too long is refused with 503 (we are short of capacity, the autoscaler's business).
// Ties between equally loaded replicas rotate, so two idle replicas share a trickle of
// traffic instead of the first one taking all of it.

import type { Cancel, Scheduler } from '../controller/clock.js';

export interface ReplicaEndpoint {
  replicaId: string;
  host: string;
  port: number;
}

export interface AdmissionLimits {
  maxConcurrency: number;
  maxQueue: number;
  queueTimeoutMs: number;
}

interface Slot {
  endpoint: ReplicaEndpoint;
  outstanding: number;
  /** false once draining, suspected dead, or removed: no new requests go here. */
  accepting: boolean;
  draining: boolean;
  reviveTimer?: Cancel;
  idleWaiters: (() => void)[];
}

export interface Lease {
  readonly endpoint: ReplicaEndpoint;
  release(): void;
}

export type Refusal =
  | { refused: 'queue-full'; message: string }
  | { refused: 'queue-timeout'; message: string }
  | { refused: 'withdrawn'; message: string };

/** A suspected replica gets traffic again after this long if it was not removed meanwhile. */
export const SUSPECT_PAUSE_MS = 1_000;

interface Waiter {
  promise?: Promise<Lease | Refusal>;
  exclude: string | undefined;
  resolve: (result: Lease | Refusal) => void;
  cancelTimer: Cancel;
}

export class ReplicaSet {
  #slots: Slot[] = [];
  #queue: Waiter[] = [];
  #rotate = 0;
  #limits: AdmissionLimits;
  readonly #scheduler: Scheduler;
  readonly #label: string;

  constructor(label: string, limits: AdmissionLimits, scheduler: Scheduler) {
    this.#label = label;
    this.#limits = limits;
    this.#scheduler = scheduler;
  }

  setLimits(limits: AdmissionLimits): void {
    this.#limits = limits;
    this.#serveQueue();
  }

  get limits(): AdmissionLimits {
    return this.#limits;
  }

  /** Replicas taking new requests. */
  get readyCount(): number {
    let n = 0;
    for (const s of this.#slots) if (s.accepting) n++;
    return n;
  }

  get inFlight(): number {
    let n = 0;
    for (const s of this.#slots) n += s.outstanding;
    return n;
  }

  get queueLength(): number {
    return this.#queue.length;
  }

  has(replicaId: string): boolean {
    return this.#slots.some((s) => s.endpoint.replicaId === replicaId);
  }

  /** A replica passed its warm-up and takes traffic (re-adding one makes it accept again). */
  add(endpoint: ReplicaEndpoint): void {
    const existing = this.#slots.find((s) => s.endpoint.replicaId === endpoint.replicaId);
    if (existing) {
      existing.reviveTimer?.();
      existing.endpoint = endpoint;
      existing.accepting = true;
      existing.draining = false;
    } else {
      this.#slots.push({ endpoint, outstanding: 0, accepting: true, draining: false, idleWaiters: [] });
    }
    this.#serveQueue();
  }

  /** Stop routing to a replica; resolves once its outstanding requests have finished. */
  drain(replicaId: string): Promise<void> {
    const slot = this.#slots.find((s) => s.endpoint.replicaId === replicaId);
    if (!slot) return Promise.resolve();
    slot.accepting = false;
    slot.draining = true;
    slot.reviveTimer?.();
    if (slot.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => slot.idleWaiters.push(resolve));
  }

  /** The replica is gone (exited or crashed): forget it. In-flight requests fail on their own. */
  remove(replicaId: string): void {
    const slot = this.#slots.find((s) => s.endpoint.replicaId === replicaId);
    if (!slot) return;
    slot.accepting = false;
    slot.reviveTimer?.();
    this.#slots = this.#slots.filter((s) => s !== slot);
    for (const wake of slot.idleWaiters.splice(0)) wake();
  }

  /**
   * A request to this replica failed at the connection level: take it out of rotation. If
   * the process really died the target removes it soon; if it was one broken connection
   * (the process is fine), the replica comes back after SUSPECT_PAUSE_MS instead of being
   * lost for good.
   */
  suspect(replicaId: string): void {
    const slot = this.#slots.find((s) => s.endpoint.replicaId === replicaId);
    if (!slot || !slot.accepting) return;
    slot.accepting = false;
    slot.reviveTimer = this.#scheduler.after(SUSPECT_PAUSE_MS, () => {
      delete slot.reviveTimer;
      if (!slot.draining && this.#slots.includes(slot)) {
        slot.accepting = true;
        this.#serveQueue();
      }
    });
  }

  /** The client of a queued request went away: give up its place in the queue. */
  withdraw(pending: Promise<Lease | Refusal>): void {
    const waiter = this.#queue.find((w) => w.promise === pending);
    if (!waiter) return;
    this.#queue = this.#queue.filter((w) => w !== waiter);
    waiter.cancelTimer();
    waiter.resolve({ refused: 'withdrawn', message: 'the client closed the connection while queued' });
  }

  /** Take a replica now if one has room; `exclude` skips the replica a retry just failed on. */
  tryAcquire(exclude?: string): Lease | undefined {
    const slot = this.#pick(exclude);
    return slot ? this.#lease(slot) : undefined;
  }

  /** Wait in the bounded queue for a replica with room. */
  acquire(exclude?: string): Lease | Promise<Lease | Refusal> {
    // Queued requests get the first pick; a replica none of them can use (say, one a queued
    // retry must avoid) then goes to this request rather than sitting idle.
    if (this.#queue.length > 0) this.#serveQueue();
    const now = this.tryAcquire(exclude);
    if (now) return now;
    const { maxQueue, queueTimeoutMs } = this.#limits;
    if (this.#queue.length >= maxQueue) {
      return Promise.resolve({
        refused: 'queue-full',
        message: `${this.#label}: all replicas busy and ${maxQueue} requests already queued`,
      });
    }
    const waiter: Waiter = { exclude, resolve: () => undefined, cancelTimer: () => undefined };
    waiter.promise = new Promise<Lease | Refusal>((resolve) => {
      waiter.resolve = resolve;
      waiter.cancelTimer = this.#scheduler.after(queueTimeoutMs, () => {
        this.#queue = this.#queue.filter((w) => w !== waiter);
        const ready = this.readyCount;
        resolve({
          refused: 'queue-timeout',
          message:
            ready === 0
              ? `${this.#label}: no ready replica within ${queueTimeoutMs} ms`
              : `${this.#label}: waited ${queueTimeoutMs} ms for one of ${ready} busy replicas`,
        });
      });
      this.#queue.push(waiter);
    });
    return waiter.promise;
  }

  #pick(exclude: string | undefined): Slot | undefined {
    const slots = this.#slots;
    const n = slots.length;
    const cap = this.#limits.maxConcurrency;
    let best: Slot | undefined;
    // Rotating the scan start makes ties go round-robin (see the header comment).
    const start = this.#rotate++ % Math.max(1, n);
    for (let i = 0; i < n; i++) {
      const s = slots[(start + i) % n];
      if (!s || !s.accepting || s.outstanding >= cap || s.endpoint.replicaId === exclude) continue;
      if (!best || s.outstanding < best.outstanding) best = s;
    }
    return best;
  }

  #lease(slot: Slot): Lease {
    slot.outstanding++;
    let released = false;
    return {
      endpoint: slot.endpoint,
      release: () => {
        if (released) return;
        released = true;
        slot.outstanding--;
        if (slot.outstanding === 0 && slot.idleWaiters.length > 0) {
          for (const wake of slot.idleWaiters.splice(0)) wake();
        }
        this.#serveQueue();
      },
    };
  }

  #serveQueue(): void {
    while (this.#queue.length > 0) {
      const index = this.#queue.findIndex((w) => this.#pick(w.exclude) !== undefined);
      if (index < 0) return;
      const [waiter] = this.#queue.splice(index, 1);
      if (!waiter) return;
      const slot = this.#pick(waiter.exclude);
      if (!slot) return;
      waiter.cancelTimer();
      waiter.resolve(this.#lease(slot));
    }
  }
}

/**
 * The gateway's admission limits for a revision, from its serving spec. Each replica gets up
 * to twice `maxConcurrency` requests outstanding: `maxConcurrency` run in ONNX Runtime at
 * once (the worker enforces that), and as many again wait inside the worker, so the next
 * request is already there when one finishes. Without that prefetch a worker idles for a
 * gateway round trip after every answer: with 2 workers on 2 cores that cost about 15 % of
 * throughput (bench/serving, BENCHMARKS.md).
 */
export function admissionLimits(serving: { maxConcurrency: number; maxQueue: number; queueTimeoutMs: number }): AdmissionLimits {
  return { maxConcurrency: serving.maxConcurrency * 2, maxQueue: serving.maxQueue, queueTimeoutMs: serving.queueTimeoutMs };
}
