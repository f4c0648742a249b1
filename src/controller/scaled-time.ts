// Demo time: a controller clock that runs `speedup` times faster than real time, so a day of
// load (and the predictive scaling ahead of its peak) plays out in minutes
// (`rollcast up --speedup K` with `rollcast load --trace FILE --speedup K`). Only the
// autoscaler and the store's timestamps run on it; the gateway's queue timeouts and the
// workers' restarts stay on real time.

import type { Cancel, Clock, Scheduler } from './clock.js';
import type { Millis } from '../spec/units.js';

export class ScaledTime implements Clock, Scheduler {
  readonly #origin: number;
  readonly #realOrigin: number;

  /**
   * Starts at the real `now()` of `real`; afterwards each real millisecond is `speedup`
   * controller milliseconds. Example: speedup 120 → one controller day every 12 real minutes.
   */
  constructor(
    readonly speedup: number,
    private readonly real: Clock,
    private readonly realScheduler: Scheduler,
  ) {
    if (!Number.isFinite(speedup) || speedup < 1) throw new RangeError(`speedup = ${speedup}, must be a finite number ≥ 1`);
    this.#realOrigin = real.now();
    this.#origin = this.#realOrigin;
  }

  now(): Millis {
    return Math.floor(this.#origin + (this.real.now() - this.#realOrigin) * this.speedup) as Millis;
  }

  after(ms: number, fn: () => void): Cancel {
    return this.realScheduler.after(ms / this.speedup, fn);
  }
}
