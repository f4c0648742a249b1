// Filling gaps (NaN) before fitting. Models need a complete history; a gap in load is
// best guessed by the same time one season earlier (or later), and only when neither exists
// by a straight line between the neighbours. Leading NaN are not filled here: the caller
// trims them (there is no history before the first observation to learn from).

/** A copy of `values` with every NaN filled, and how many were. Needs ≥ 1 non-NaN value. */
export function fillGaps(values: readonly number[], period: number | undefined): { values: number[]; imputed: number } {
  const out = values.slice();
  const n = out.length;
  let imputed = 0;
  const missing: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isNaN(out[i])) missing.push(i);
  if (missing.length === 0) return { values: out, imputed };

  // Pass 1: same phase one period earlier, then one period later (from the original values,
  // so a long gap is not filled from values that were themselves guesses).
  const stillMissing: number[] = [];
  for (const i of missing) {
    const before = period !== undefined && i - period >= 0 ? (values[i - period] as number) : NaN;
    const after = period !== undefined && i + period < n ? (values[i + period] as number) : NaN;
    const v = !Number.isNaN(before) ? before : after;
    if (Number.isNaN(v)) stillMissing.push(i);
    else {
      out[i] = v;
      imputed++;
    }
  }
  // Pass 2: linear interpolation between the nearest known neighbours; flat at the ends.
  for (const i of stillMissing) {
    let lo = i - 1;
    while (lo >= 0 && Number.isNaN(out[lo])) lo--;
    let hi = i + 1;
    while (hi < n && Number.isNaN(out[hi])) hi++;
    const a = lo >= 0 ? (out[lo] as number) : NaN;
    const b = hi < n ? (out[hi] as number) : NaN;
    if (!Number.isNaN(a) && !Number.isNaN(b)) out[i] = a + ((b - a) * (i - lo)) / (hi - lo);
    else out[i] = Number.isNaN(a) ? b : a;
    imputed++;
  }
  return { values: out, imputed };
}
