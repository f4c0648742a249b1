// Even pacing for the moderate-rate runs.
//
// autocannon's own `overallRate` is a per-second quota per connection: at the start of each
// second every connection sends back to back until it has made its share, then waits for
// the next second. At a third of saturation that is a burst at full concurrency for the
// first third of every second and silence after it, so the latencies it reports are
// saturation latencies, not the latency at a moderate rate (measured: see BENCHMARKS.md).
//
// Here each connection instead sends on a fixed schedule: with R requests/s over C
// connections, connection i sends at t0 + i/R + k·C/R for k = 0, 1, 2, …, so arrivals are
// spread evenly over time (open-loop as long as each response is back before the
// connection's next slot; a late response delays that connection's next send, counted as
// `late`). Pure arithmetic; load-process.ts applies it to autocannon's clients.

export class PacedSchedule {
  #next: number;
  readonly #interval: number;

  /**
   * @param startMs   when the first slot of connection 0 is (performance.now() time base)
   * @param rate      overall requests per second over all connections (> 0)
   * @param connections number of connections sharing the rate (≥ 1)
   * @param index     this connection's index in [0, connections)
   */
  constructor(startMs: number, rate: number, connections: number, index: number) {
    if (!(rate > 0) || !(connections >= 1)) throw new Error(`pacing needs rate > 0 and connections ≥ 1 (got ${rate}, ${connections})`);
    this.#interval = (1000 * connections) / rate;
    this.#next = startMs + (1000 * index) / rate;
  }

  get intervalMs(): number {
    return this.#interval;
  }

  /**
   * Claims the next slot: how long to wait from `nowMs` before sending (0 when the slot is
   * already past: the send goes at once and `late` is true). Slots never pile up: a
   * connection that fell behind skips the slots it missed rather than firing them in a burst.
   */
  claim(nowMs: number): { waitMs: number; late: boolean } {
    const slot = this.#next;
    if (slot >= nowMs) {
      this.#next = slot + this.#interval;
      return { waitMs: slot - nowMs, late: false };
    }
    // Behind: send now, and put the next slot one interval later on the original grid.
    const missed = Math.floor((nowMs - slot) / this.#interval) + 1;
    this.#next = slot + missed * this.#interval;
    return { waitMs: 0, late: true };
  }
}
