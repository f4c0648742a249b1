// The normal tail against scipy.stats.norm.sf (scipy 1.17.1), to the erfc fit's 1.2e-7 relative error.
import { expect, it } from 'vitest';
import { normalUpperTail } from './normal.js';

it.each([
  { z: 0, p: 0.5 },
  { z: 1, p: 0.15865525393145707 },
  { z: 1.645, p: 0.049984905539121376 },
  { z: -1.645, p: 0.9500150944608786 },
  { z: 2.5, p: 0.006209665325776132 },
  { z: -3, p: 0.9986501019683699 },
  // Far in the tail a table or 1 − erf would give 0; the fit keeps its relative accuracy.
  { z: 6, p: 9.865876450376946e-10 },
])('P(Z ≥ $z) = $p', ({ z, p }) => {
  expect(Math.abs(normalUpperTail(z) - p) / p).toBeLessThan(2e-7);
});
