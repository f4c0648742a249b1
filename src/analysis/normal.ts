// The standard normal upper tail P(Z ≥ z), which turns the Mann–Whitney z-score into a
// p-value. Written here rather than taken from simple-statistics because its
// `cumulativeStdNormalProbability` reads a 4-digit table (P(Z ≥ 4) would be 0, and
// p = 0.00003 would print as 0.0000) and `1 − errorFunction(x)` loses every digit in the far tail.

/**
 * erfc(x) by the Chebyshev fit of Numerical Recipes (Press et al., 2nd ed., §6.2, `erfcc`):
 * fractional error below 1.2e-7 for every x, the tails included, because the fit is of
 * erfc itself and not of 1 − erf. For x < 0, erfc(x) = 2 − erfc(−x).
 */
export function erfc(x: number): number {
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.5 * ax);
  const poly =
    -ax * ax -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

/**
 * P(Z ≥ z) for a standard normal Z = ½·erfc(z/√2). Worked values: z = 0 → 0.5;
 * z = 1.645 → 0.05 (the one-sided 5 % point); z = −1.645 → 0.95; z = 6 → 9.9e-10.
 */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}
