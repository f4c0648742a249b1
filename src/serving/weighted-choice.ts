// Smooth weighted round-robin (as in nginx's upstream module): deterministic traffic split
// between revisions by weight, without randomness, and spread evenly in time.
//
// Worked example, weights a=90 b=10: each pick adds every weight to its running score,
// takes the highest score and subtracts the total (100) from it. Over any 10 consecutive
// picks `b` is chosen exactly once, and never twice in a row — unlike random choice, which
// in a 10-request window gives b zero or 2+ requests about 26 % of the time each.

export class WeightedChoice<K> {
  #entries: { key: K; weight: number; current: number }[] = [];
  #total = 0;

  /** Replace the weights; keys with weight ≤ 0 are never chosen. Scores restart at zero. */
  set(weights: ReadonlyMap<K, number>): void {
    this.#entries = [...weights].filter(([, w]) => w > 0).map(([key, weight]) => ({ key, weight, current: 0 }));
    this.#total = this.#entries.reduce((sum, e) => sum + e.weight, 0);
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The next key, or undefined when no key has a positive weight. */
  next(): K | undefined {
    const entries = this.#entries;
    if (entries.length === 1) return entries[0]?.key;
    let best: (typeof entries)[number] | undefined;
    for (const e of entries) {
      e.current += e.weight;
      if (!best || e.current > best.current) best = e;
    }
    if (!best) return undefined;
    best.current -= this.#total;
    return best.key;
  }
}
