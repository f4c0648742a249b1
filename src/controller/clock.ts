// Time for the shell, behind narrow interfaces (ARCHITECTURE.md: Clock, Ticker) so that
// every controller, supervisor and gateway test runs on a manual clock and never sleeps.

import type { Millis } from '../spec/units.js';

export interface Clock {
  now(): Millis;
}

/** Cancels a scheduled callback; calling it after the callback ran is harmless. */
export type Cancel = () => void;

/** One-shot timers. The real one wraps setTimeout; the manual one fires on `advance`. */
export interface Scheduler {
  after(ms: number, fn: () => void): Cancel;
}

export const systemClock: Clock = { now: () => Date.now() as Millis };

export const systemScheduler: Scheduler = {
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    // A pending backoff or queue timer must not keep a stopping process alive.
    handle.unref();
    return () => clearTimeout(handle);
  },
};

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock and scheduler that move only when told. Callbacks due at the same instant run in
 * the order they were scheduled (seq breaks ties), and a callback that schedules another
 * within the advanced window sees it run in the same `advance` call.
 */
export class ManualTime implements Clock, Scheduler {
  #now: number;
  #seq = 0;
  #pending: Pending[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): Millis {
    return this.#now as Millis;
  }

  after(ms: number, fn: () => void): Cancel {
    const entry: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#pending.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  /** Number of callbacks still waiting (cancelled ones excluded). */
  get pendingCount(): number {
    return this.#pending.filter((p) => !p.cancelled).length;
  }

  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = this.#pending
        .filter((p) => !p.cancelled && p.at <= until)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#pending = this.#pending.filter((p) => p !== due);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = until;
    this.#pending = this.#pending.filter((p) => !p.cancelled);
  }
}
