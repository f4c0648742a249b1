// A FIFO concurrency limit: at most `max` tasks run at once, the rest wait in arrival order.
// The gateway does admission control; this is the worker's own safety net so a burst that
// gets past it queues here instead of piling work onto ORT at once.

export class ConcurrencyLimiter {
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`concurrency limit must be an integer ≥ 1, got ${max}`);
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active < this.max) this.#active++;
    // A released slot is handed straight to the waiter (#active is not decremented), so a
    // newcomer can never overtake the queue.
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
